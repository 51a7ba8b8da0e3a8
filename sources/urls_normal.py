"""One address per document: the form of a URL we compare sources by."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track a click and never change the document.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "spm",
        "cmpid",
        "xtor",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_")
DEFAULT_PORTS = {"http": "80", "https": "443"}


def is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def normalise_url(url: str) -> str:
    """Scheme and host in lower case, no default port, no fragment, no tracking parameters,
    no trailing slash; the remaining query parameters keep their order.

    Two URLs that differ only in these ways name the same document. Returns "" for "".
    """
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:  # not a number: leave the address as written
        port = None
    netloc = host if port is None or str(port) == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = parts.path or "/"
    while "//" in path:
        path = path.replace("//", "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)]
    )
    # http and https serve the same document on every site worth citing.
    return urlunsplit(("https" if scheme in DEFAULT_PORTS else scheme, netloc, path, query, ""))
