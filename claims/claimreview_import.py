"""Reading ClaimReview data as real fact-checkers publish it, mess included.

`read_records()` turns a file (a JSON array of ClaimReview objects, a schema.org DataFeed,
JSON Lines, a JSON-LD @graph, or a Google Fact Check Tools `claims:search` response) into
raw records with their position; `parse_record()` turns one raw record into a clean
`ReviewRecord` or raises `Rejected` with the reason. Nothing here writes: see
`claims.services.importing`.
"""

import datetime
import hashlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import unquote, urljoin, urlsplit

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import strip_tags

from sources.models import http_url
from sources.urls_normal import normalise_url

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_DEPTH = 40  # deeper JSON is not a ClaimReview; refuse it before it costs memory
# A ClaimReview record is 3 to 5 JSON objects (the review, its rating, author, item…): this is
# about 150,000 records, and bounds the memory a small file of empty objects could take.
MAX_JSON_OBJECTS = 500_000
MAX_CLAIM_CHARS = 20_000
MAX_TEXT_CHARS = 5_000
MAX_URL_CHARS = 2_000
PUBLISHER_URL_CHARS = 200  # Publisher.url's own limit
EPOCH = datetime.date(1970, 1, 1)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
# Control characters (NUL among them, which PostgreSQL refuses in any text) are never part of
# what a fact-checker meant to publish.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
QUOTES = [("“", "”"), ('"', '"'), ("«", "»"), ("„", "“"), ("‘", "’"), ("'", "'"), ("»", "«")]


class Rejected(Exception):
    """A record that cannot be imported; the message is the reason shown in the report."""


@dataclass
class ReviewRecord:
    url: str
    claim: str
    review_date: datetime.datetime | None
    publisher_name: str
    publisher_url: str
    rating_label: str
    rating_value: float | None
    rating_best: float | None
    rating_worst: float | None
    claimant_name: str
    claimant_is_organisation: bool
    claimant_role: str
    said_on: datetime.date | None
    appearances: list[str] = field(default_factory=list)
    language: str = ""
    headline: str = ""
    body: str = ""

    @cached_property
    def normalised_url(self) -> str:
        return normalise_url(self.url)

    @cached_property
    def key(self) -> str:
        """One review of one claim: a review URL may check several claims."""
        raw = self.normalised_url + "\n" + " ".join(self.claim.casefold().split())
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


# -- reading files -----------------------------------------------------------------------------


def read_records(path: str) -> Iterator[tuple[str, object]]:
    """Yield (position, raw record) for every record in the file; a record that could not be
    read is yielded as a `Rejected` in place of the raw record."""
    with open(path, "rb") as handle:
        # In chunks: read(MAX_FILE_BYTES + 1) would set aside 512 MiB for any file at all.
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES and (chunk := handle.read(2**20)):
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
        del chunks
    if len(data) > MAX_FILE_BYTES:
        yield "file", Rejected(f"file larger than {MAX_FILE_BYTES // 2**20} MiB")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        yield "file", Rejected(f"not UTF-8 text (byte {error.start})")
        return
    budget = _ObjectBudget()
    try:
        document = _loads(text, budget)
    except Rejected as error:
        yield "file", error
        return
    except ValueError:
        yield from _json_lines(text, _ObjectBudget())
        return
    yield from _walk(document)


class _ObjectBudget:
    """Counts the JSON objects a file decodes to, across all its lines, and stops the parse
    past MAX_JSON_OBJECTS: a few megabytes of `{},{},…` would otherwise become gigabytes."""

    def __init__(self):
        self.left = MAX_JSON_OBJECTS

    def __call__(self, pairs):
        self.left -= 1
        if self.left < 0:
            raise Rejected(f"more than {MAX_JSON_OBJECTS:,} JSON objects in one file: split it")
        return dict(pairs)


def _loads(text: str, budget: _ObjectBudget | None = None):
    try:
        document = json.loads(text, object_pairs_hook=budget or _ObjectBudget())
    except RecursionError:
        raise Rejected("JSON nested too deeply") from None
    if _depth(document) > MAX_DEPTH:
        raise Rejected(f"JSON nested more than {MAX_DEPTH} levels deep")
    return document


def _depth(value, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _json_lines(text: str, budget: _ObjectBudget) -> Iterator[tuple[str, object]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = _loads(line, budget)
        except Rejected as error:
            yield f"line {number}", error
            if budget.left < 0:  # the whole file is over budget: stop reading it
                return
            continue
        except ValueError as error:
            yield f"line {number}", Rejected(f"not valid JSON ({error.msg})")
            continue
        for position, record in _walk(document):
            yield (f"line {number}" if position == "0" else f"line {number} {position}"), record


def _walk(document) -> Iterator[tuple[str, object]]:
    """The ClaimReview records of a parsed document, whatever its shape."""
    if isinstance(document, list):
        for index, item in enumerate(document):
            if isinstance(item, dict) and isinstance(item.get("claimReview"), list):
                # A list of Fact Check API claims, without the {"claims": …} envelope.
                for sub, review in enumerate(item["claimReview"]):
                    yield f"{index} review {sub}", _from_fact_check_api(item, review)
            else:
                yield str(index), item
    elif isinstance(document, dict) and isinstance(document.get("dataFeedElement"), list):
        for index, element in enumerate(document["dataFeedElement"]):
            items = element.get("item") if isinstance(element, dict) else None
            if isinstance(items, dict):
                items = [items]
            if isinstance(items, list):
                for sub, item in enumerate(items):
                    yield f"dataFeedElement {index} item {sub}", item
            else:
                yield f"dataFeedElement {index}", element
    elif isinstance(document, dict) and isinstance(document.get("claims"), list):
        for index, claim in enumerate(document["claims"]):
            reviews = claim.get("claimReview") if isinstance(claim, dict) else None
            if not isinstance(reviews, list):
                yield f"claims {index}", Rejected("Fact Check API claim without claimReview")
                continue
            for sub, review in enumerate(reviews):
                yield f"claims {index} review {sub}", _from_fact_check_api(claim, review)
    elif isinstance(document, dict) and isinstance(document.get("@graph"), list):
        for index, item in enumerate(document["@graph"]):
            if _is_claim_review(item):
                yield f"@graph {index}", item
    else:
        yield "0", document


def _from_fact_check_api(claim: dict, review) -> dict | Rejected:
    """A Google Fact Check Tools `claims:search` result in ClaimReview form."""
    if not isinstance(review, dict):
        return Rejected("Fact Check API review is not an object")
    publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
    return {
        "@type": "ClaimReview",
        "url": review.get("url"),
        "claimReviewed": claim.get("text"),
        "datePublished": review.get("reviewDate"),
        "headline": review.get("title"),
        "inLanguage": review.get("languageCode"),
        "author": {"name": publisher.get("name"), "url": publisher.get("site")},
        "reviewRating": {"alternateName": review.get("textualRating")},
        "itemReviewed": {
            "author": {"name": claim.get("claimant")},
            "datePublished": claim.get("claimDate"),
        },
    }


def _is_claim_review(item) -> bool:
    if not isinstance(item, dict):
        return False
    types = item.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.lower() == "claimreview" for t in types)


# -- cleaning values ---------------------------------------------------------------------------


def clean_text(value, limit: int = MAX_TEXT_CHARS) -> str:
    """Text without HTML, entities, surrounding quotes or runs of white space."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    text = html.unescape(strip_tags(html.unescape(value)))
    text = " ".join(CONTROL_CHARS.sub(" ", text).split())
    for opening, closing in QUOTES:
        if len(text) > 2 and text.startswith(opening) and text.endswith(closing):
            inner = text[len(opening) : -len(closing)].strip()
            # Only a quote that wraps the whole text: '"A" due to "B"' is two quotes.
            if opening not in inner and closing not in inner:
                text = inner
            break
    return text[:limit] if limit else text


DATE_FORMATS = [
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S %Z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
]
ONE_DIGIT_OFFSET = re.compile(r"([+-])(\d):(\d\d)$")


def parse_datetime(value) -> datetime.datetime | None:
    """A date or time in any of the shapes fact-checkers use, as an aware datetime; None for
    nothing usable (missing, negative, the 1970 placeholder, or in the future)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.startswith("-"):
        return None
    text = text.replace("Z", "+00:00") if text.endswith("Z") else text
    text = ONE_DIGIT_OFFSET.sub(r"\g<1>0\2:\3", text)
    parsed = None
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    if parsed.date() == EPOCH or parsed.year < 1900 or parsed > timezone.now():
        return None
    return parsed


def parse_number(value) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return None if number != number or number == -1 else number  # NaN and the -1 sentinel


def clean_url(value, base: str = "") -> str:
    """An absolute http(s) URL, repairing what can be repaired; "" when nothing usable."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    if not isinstance(value, str):
        return ""
    url = value.strip()
    if CONTROL_CHARS.search(url):
        return ""
    for _ in range(3):  # percent-encoded once or twice over: "http%253A%252F%252F..."
        lowered = url.lower()
        if lowered.startswith(("http%3a", "https%3a", "http%253a", "https%253a")):
            url = unquote(url)
    if url.startswith("//"):
        url = "https:" + url
    elif url.startswith("/"):
        url = urljoin(base, url) if base.startswith(("http://", "https://")) else ""
    elif re.match(r"^https?:(?!//)", url, re.I):  # "https:www.aosfatos.org"
        url = re.sub(r"^(https?):", r"\1://", url, flags=re.I)
    elif not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) and "." in url.split("/")[0]:
        url = "https://" + url
    if not url or len(url) > MAX_URL_CHARS:
        return ""
    try:
        http_url(url)
    except ValidationError:
        return ""
    return url


def _first_dict(value) -> dict:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return value if isinstance(value, dict) else {}


def _name_of(value) -> str:
    if isinstance(value, str):
        return clean_text(value, 200)
    if isinstance(value, list):
        for item in value:
            name = _name_of(item)
            if name:
                return name
        return ""
    if isinstance(value, dict):
        return clean_text(value.get("name"), 200)
    return ""


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    return host[4:] if host.startswith("www.") else host


def _language(value) -> str:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    if not isinstance(value, str):
        return ""
    code = value.strip().lower().replace("_", "-")
    return code[:8] if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", code) else ""


# -- one record --------------------------------------------------------------------------------


def parse_record(raw) -> ReviewRecord:
    if isinstance(raw, Rejected):
        raise raw
    if not isinstance(raw, dict):
        raise Rejected("not a JSON object")
    if "@type" in raw and not _is_claim_review(raw):
        raise Rejected(f"not a ClaimReview (@type {str(raw.get('@type'))[:40]})")
    if "@type" not in raw and "claimReviewed" not in raw and "reviewRating" not in raw:
        raise Rejected("not a ClaimReview (no @type, claimReviewed or reviewRating)")

    author = raw.get("author")
    author_obj = _first_dict(author)
    publisher_url = clean_url(author_obj.get("url"))
    if len(publisher_url) > PUBLISHER_URL_CHARS:  # a site's address, not a page's: drop it
        publisher_url = ""
    url = clean_url(raw.get("url"), base=publisher_url)
    if not raw.get("url"):
        raise Rejected("review URL missing")
    if not url:
        raise Rejected("review URL is relative or not a web address")

    claim = clean_text(raw.get("claimReviewed"), limit=0)
    if not claim:
        raise Rejected("claimReviewed missing")
    if len(claim) > MAX_CLAIM_CHARS:
        raise Rejected(f"claimReviewed longer than {MAX_CLAIM_CHARS} characters")

    publisher_name = _name_of(author) or _host(publisher_url) or _host(url)

    rating = _first_dict(raw.get("reviewRating"))
    item = _first_dict(raw.get("itemReviewed"))
    claimant_obj = item.get("author")
    claimant_types = _first_dict(claimant_obj).get("@type")
    claimant_is_org = isinstance(claimant_types, str) and "organization" in claimant_types.lower()

    review_date = parse_datetime(raw.get("datePublished"))
    said = parse_datetime(item.get("datePublished"))
    said_on = said.date() if said else (review_date.date() if review_date else None)
    if said_on is None:
        placeholder = str(raw.get("datePublished", "")).startswith("1970-01-01")
        raise Rejected(
            "no date: the review carries the 1970-01-01 placeholder and the claim none"
            if placeholder
            else "no date: neither the review nor the claim is dated"
        )

    appearances = []
    for candidate in [item.get("appearance"), item.get("firstAppearance"), item.get("url")]:
        for entry in candidate if isinstance(candidate, list) else [candidate]:
            link = clean_url(entry.get("url") if isinstance(entry, dict) else entry)
            if link and not link.lower().endswith(IMAGE_SUFFIXES) and link not in appearances:
                appearances.append(link)

    return ReviewRecord(
        url=url,
        claim=claim,
        review_date=review_date,
        publisher_name=publisher_name[:200],
        publisher_url=publisher_url,
        rating_label=clean_text(rating.get("alternateName"), 1000),
        rating_value=parse_number(rating.get("ratingValue")),
        rating_best=parse_number(rating.get("bestRating")),
        rating_worst=parse_number(rating.get("worstRating")),
        claimant_name=_name_of(claimant_obj),
        claimant_is_organisation=claimant_is_org,
        claimant_role=clean_text(_first_dict(claimant_obj).get("jobTitle"), 200),
        said_on=said_on,
        appearances=appearances[:10],
        language=_language(raw.get("inLanguage")),
        headline=clean_text(raw.get("headline") or raw.get("name"), 500),
        body=clean_text(raw.get("reviewBody") or raw.get("description"), MAX_TEXT_CHARS),
    )
