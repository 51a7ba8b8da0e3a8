"""A captured body's main text and the page's own metadata (title, publisher, published date).

The main text comes from trafilatura (boilerplate, menus and comments left out); the metadata
from what the page says of itself, most explicit first: JSON-LD (schema.org), then OpenGraph,
then trafilatura's and htmldate's readings of the rest. Anything not found stays empty.
"""

import datetime
import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass

import htmldate
import trafilatura
from lxml import html as lxml_html

TEXT_TYPES = {"text/plain"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
MAX_DECODED = 20 * 2**20
READ_CHARS = 500_000


@dataclass
class Extracted:
    text: str = ""
    title: str = ""
    publisher: str = ""
    published_on: datetime.date | None = None


def decoded(body: bytes, content_encoding: str) -> bytes:
    """The body without its content coding (bounded, in case of a decompression bomb)."""
    coding = content_encoding.strip().lower()
    try:
        if coding in {"gzip", "x-gzip"}:
            return gzip.GzipFile(fileobj=io.BytesIO(body)).read(MAX_DECODED)
        if coding == "deflate":
            return zlib.decompressobj().decompress(body, MAX_DECODED)
    except (OSError, EOFError, zlib.error):
        return b""
    return body


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def extract(body: bytes, *, content_type: str, url: str) -> Extracted:
    kind = media_type(content_type)
    if kind in TEXT_TYPES:
        return Extracted(text=_charset_decode(body, content_type).strip())
    if kind not in HTML_TYPES and not (not kind and body.lstrip()[:1] == b"<"):
        return Extracted()  # PDFs, images…: archived, not read
    page = _charset_decode(body, content_type)
    if not page.strip():
        return Extracted()
    tree = _tree(page)
    # trafilatura and htmldate take minutes over some 20 MB pages (tens of thousands of
    # links or rows): they read the first READ_CHARS, an article's worth many times over.
    page = page[:READ_CHARS]
    found = Extracted(text=_main_text(page, url))
    ld = _json_ld(tree) if tree is not None else {}
    og = _open_graph(tree) if tree is not None else {}
    meta = trafilatura.extract_metadata(page, default_url=url)
    found.title = _first(
        ld.get("headline"), ld.get("name"), og.get("og:title"), meta and meta.title
    )
    found.publisher = _first(
        _name(ld.get("publisher")), og.get("og:site_name"), meta and meta.sitename
    )
    found.published_on = _date(ld.get("datePublished")) or _date(og.get("article:published_time"))
    if found.published_on is None:
        found.published_on = _date(_htmldate(page, url)) or _date(meta and meta.date)
    return found


def _charset_decode(body: bytes, content_type: str) -> str:
    match = re.search(r"charset=([\w.:-]+)", content_type, re.I)
    for encoding in ([match.group(1)] if match else []) + ["utf-8", "cp1252"]:
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


def _main_text(page: str, url: str) -> str:
    text = trafilatura.extract(
        page, url=url, include_comments=False, include_tables=True, favor_recall=True
    )
    if text:
        return text.strip()
    # Too short for trafilatura's taste: the body's visible text.
    tree = _tree(page)
    if tree is None:
        return ""
    for node in tree.xpath("//script|//style|//noscript"):
        node.drop_tree()
    body = tree.find("body")
    return " ".join((body if body is not None else tree).text_content().split())


def _tree(page: str):
    try:
        return lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _json_ld(tree) -> dict:
    """The first schema.org object that looks like the document (an article, a page…)."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "")
        except ValueError:
            continue
        for item in _items(data):
            if isinstance(item, dict) and (item.get("headline") or item.get("datePublished")):
                return item
    return {}


def _items(data):
    if isinstance(data, list):
        for item in data:
            yield from _items(item)
    elif isinstance(data, dict):
        yield data
        yield from _items(data.get("@graph", []))


def _open_graph(tree) -> dict:
    found = {}
    for meta in tree.xpath("//meta[@property or @name]"):
        name = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if content and (name.startswith("og:") or name.startswith("article:")):
            found.setdefault(name, content)
    return found


def _name(value) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or "")
    if isinstance(value, list) and value:
        return _name(value[0])
    return str(value or "")


def _first(*values) -> str:
    for value in values:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:500]
    return ""


def _htmldate(page: str, url: str) -> str | None:
    try:
        return htmldate.find_date(page, url=url, original_date=True, extensive_search=False)
    except (ValueError, TypeError):
        return None


def _date(value) -> datetime.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        day = datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    return day if day <= datetime.date.today() else None
