"""The WARC file of a capture (WARC/1.1, gzip): what we asked and what we were answered, in
the standard format of web archives, so any of their tools (warcio, ReplayWeb.page) reads it.

Each exchange (redirects included) is a request record and a response record. When the final
body is one we already hold, its response is a *revisit* record (identical payload digest)
that points at the capture holding it, as web archives do, instead of the body again.
"""

import base64
import hashlib
import io
from urllib.parse import urlsplit

from django.conf import settings
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .fetch import Exchange

# http.client undoes chunked transfer coding: the record holds the body as delivered.
_HOP_HEADERS = {"transfer-encoding", "content-length"}


def payload_digest(body: bytes) -> str:
    """The digest warcio writes in WARC-Payload-Digest (SHA-1, base 32)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()  # noqa: S324


def warc_bytes(
    exchanges: list[Exchange], *, fetched_at, revisit_of: tuple[str, str] | None = None
) -> bytes:
    """The gzipped WARC of `exchanges`. `revisit_of` (address, ISO date of the capture that
    holds the body) makes the final response a revisit record."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    date = fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    info = writer.create_warcinfo_record(
        "capture.warc.gz",
        {"software": "factcheck evidence vault (warcio)", "operator": settings.SITE_NAME},
    )
    writer.write_record(info)
    for index, exchange in enumerate(exchanges):
        base = {"WARC-Date": date, "WARC-IP-Address": exchange.address}
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"GET {exchange.target} HTTP/1.1",
                [("Host", _host(exchange.url)), *exchange.request_headers],
                is_http_request=True,
            ),
            warc_headers_dict=dict(base),
        )
        headers = [(k, v) for k, v in exchange.headers if k.lower() not in _HOP_HEADERS]
        headers.append(("Content-Length", str(len(exchange.body))))
        http_headers = StatusAndHeaders(
            f"{exchange.status} {exchange.reason}", headers, protocol="HTTP/1.1"
        )
        last = index == len(exchanges) - 1
        if last and revisit_of is not None:
            response = writer.create_revisit_record(
                exchange.url,
                payload_digest(exchange.body),
                revisit_of[0],
                revisit_of[1],
                http_headers=http_headers,
                warc_headers_dict=dict(base),
            )
        else:
            response = writer.create_warc_record(
                exchange.url,
                "response",
                payload=io.BytesIO(exchange.body),
                http_headers=http_headers,
                warc_headers_dict=dict(base),
            )
        writer.write_record(response)
        # Tie the request to its response, as crawlers do.
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        writer.write_record(request)
    return out.getvalue()


def _host(url: str) -> str:
    return urlsplit(url).netloc
