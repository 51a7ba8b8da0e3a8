"""Fetching a cited document without letting its address reach inside our network (SSRF).

Only http and https. The host is resolved once, every address it resolves to is checked, and
the connection goes to a checked address (the TLS handshake still names the host, for SNI and
the certificate), so a name that resolves differently on a second look (DNS rebinding) gains
nothing. Loopback, private, link-local (cloud metadata at 169.254.169.254), multicast,
reserved, unspecified and IPv4-mapped IPv6 addresses are refused unless a network of
CAPTURE_ALLOWED_NETWORKS holds them; so is every redirect hop, up to CAPTURE_MAX_REDIRECTS.
The whole fetch, redirects included, gets CAPTURE_TIMEOUT_SECONDS (a watchdog shuts the socket
at the deadline, so a server trickling bytes is cut off too) and CAPTURE_MAX_BYTES per body.
Problems raise `Refused` (we would not ask) or `Failed` (we asked and got nothing usable), for
the capture service to record.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024


class Refused(Exception):
    """The address is not one we fetch: nothing was sent to it. `exchanges` holds the hops
    before it, when a redirect led there."""

    exchanges: list = []


class Failed(Exception):
    """We asked and got no usable answer. `gone` when the host or server is not there at
    all (no such name, nothing listening): one of the tries that make a source vanished."""

    def __init__(self, reason: str, *, gone: bool = False, exchanges=None):
        super().__init__(reason)
        self.gone = gone
        self.exchanges = exchanges or []


@dataclass
class Exchange:
    """One request and its response, as the WARC file records them."""

    url: str
    address: str
    request_headers: list[tuple[str, str]]
    status: int = 0
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), "")

    @property
    def target(self) -> str:
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def allowed_networks() -> list:
    return [ipaddress.ip_network(net, strict=False) for net in settings.CAPTURE_ALLOWED_NETWORKS]


# Ranges Python's ipaddress calls global (3.11) that carry or reach another address: 6to4
# (2002::/16 embeds an IPv4 address, 2002:7f00:1:: is 127.0.0.1) and its relay, Teredo,
# NAT64 (64:ff9b::/96 embeds one too), and the deprecated site-local fec0::/10. Refused
# whatever they embed: a cited document is never only reachable through them.
TUNNELS = [
    ipaddress.ip_network(net)
    for net in ("2002::/16", "2001::/32", "64:ff9b::/96", "64:ff9b:1::/48", "fec0::/10")
] + [ipaddress.ip_network("192.88.99.0/24")]


def address_refusal(address: str) -> str | None:
    """Why we would not connect to `address`, or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip.version == net.version and ip in net for net in allowed_networks()):
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return f"{address} is an IPv4-mapped address"
    if any(ip.version == net.version and ip in net for net in TUNNELS):
        return f"{address} is a tunnel or translation address"
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return f"{address} is a {kind.replace('_', '-')} address"
    if not ip.is_global:
        return f"{address} is not a public address"
    return None


def resolve(url: str) -> tuple[str, int, list[str]]:
    """The host, port and checked addresses of `url`; raises Refused or Failed."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise Refused(f"not a valid address: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise Refused(f"only http and https are fetched, not {parts.scheme or 'no scheme'}")
    host = parts.hostname
    if not host:
        raise Refused("the address names no host")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Failed(f"{host} does not resolve: {error}", gone=True) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        refusal = address_refusal(address)
        if refusal is not None:
            raise Refused(f"{host} resolves to {refusal}")
    return host, port, addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Talks to `address`, whatever its host name resolves to now."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        # The certificate is checked against the name, and SNI carries it.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _Deadline:
    """Shuts the current connection's socket when the time is up."""

    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds
        self.sock = None
        self.expired = False
        self.timer = threading.Timer(seconds, self._expire)
        self.timer.daemon = True
        self.timer.start()

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            self.expired = True
            raise TimeoutError
        return left

    def _expire(self):
        self.expired = True
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)

    def cancel(self):
        self.timer.cancel()


class HostPacer:
    """At least CAPTURE_HOST_INTERVAL_SECONDS between two requests to one host."""

    def __init__(self):
        self.last: dict[str, float] = {}
        self.lock = threading.Lock()

    def wait(self, host: str) -> None:
        interval = settings.CAPTURE_HOST_INTERVAL_SECONDS
        with self.lock:
            now = time.monotonic()
            turn = max(now, self.last.get(host, -interval) + interval)
            self.last[host] = turn
        if turn > now:
            time.sleep(turn - now)


pacer = HostPacer()


def fetch(url: str, *, headers: dict | None = None) -> list[Exchange]:
    """GET `url`, following redirects; every exchange, the final one last. Raises Refused
    (nothing was sent to that address) or Failed."""
    deadline = _Deadline(settings.CAPTURE_TIMEOUT_SECONDS)
    exchanges: list[Exchange] = []
    try:
        while True:
            exchange = _exchange(url, headers or {}, deadline)
            exchanges.append(exchange)
            location = exchange.header("location")
            if exchange.status not in REDIRECTS or not location:
                return exchanges
            if len(exchanges) > settings.CAPTURE_MAX_REDIRECTS:
                raise Failed(f"more than {settings.CAPTURE_MAX_REDIRECTS} redirects")
            url = urljoin(url, location.strip())
    except (Refused, Failed) as problem:
        problem.exchanges = problem.exchanges or exchanges
        raise
    except TimeoutError:
        raise Failed(
            f"no complete answer within {settings.CAPTURE_TIMEOUT_SECONDS:g} s",
            exchanges=exchanges,
        ) from None
    finally:
        deadline.cancel()


def _exchange(url: str, headers: dict, deadline: _Deadline) -> Exchange:
    host, port, addresses = resolve(url)
    pacer.wait(host)
    request_headers = [
        ("User-Agent", settings.CAPTURE_USER_AGENT),
        ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
        ("Accept-Encoding", "identity"),
        *headers.items(),
    ]
    secure = urlsplit(url).scheme == "https"
    last_error = None
    for address in addresses:
        kind = _PinnedHTTPSConnection if secure else _PinnedHTTPConnection
        connection = kind(host, port, address=address, timeout=deadline.left())
        exchange = Exchange(url=url, address=address, request_headers=request_headers)
        try:
            connection.connect()
        except ConnectionRefusedError as error:
            last_error = Failed(f"nothing listens at {host} ({address}): {error}", gone=True)
            continue
        except OSError as error:
            if deadline.expired or isinstance(error, TimeoutError):
                raise TimeoutError from None
            last_error = Failed(f"could not connect to {host} ({address}): {error}")
            continue
        # http.client lets go of the socket once a response says it will close: keep it.
        deadline.sock = connection.sock
        try:
            return _read(connection, exchange, deadline)
        except (http.client.HTTPException, OSError) as error:
            if deadline.expired or isinstance(error, TimeoutError):
                raise TimeoutError from None
            raise Failed(f"{host} answered badly: {error!r}") from None
        finally:
            connection.close()
    raise last_error


def _read(connection, exchange: Exchange, deadline: _Deadline) -> Exchange:
    connection.putrequest("GET", exchange.target, skip_accept_encoding=True)
    for name, value in exchange.request_headers:
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    exchange.status, exchange.reason = response.status, response.reason
    exchange.headers = response.getheaders()
    limit = settings.CAPTURE_MAX_BYTES
    declared = exchange.header("content-length")
    if declared.isdigit() and int(declared) > limit:
        raise Failed(f"the body is {declared} bytes, over the {limit}-byte limit")
    chunks, size = [], 0
    while True:
        deadline.sock.settimeout(deadline.left())
        chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
        if deadline.expired:
            raise TimeoutError
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise Failed(f"the body is over the {limit}-byte limit")
        chunks.append(chunk)
    exchange.body = b"".join(chunks)
    return exchange
