"""Reading ClaimReview data as real fact-checkers publish it, mess included.

`read_records()` turns a file (a JSON array of ClaimReview objects, a schema.org DataFeed,
JSON Lines, a JSON-LD @graph, or a Google Fact Check Tools `claims:search` response) into
raw records with their position; `parse_record()` turns one raw record into a clean
`ReviewRecord` or raises `Rejected` with the reason. Nothing here writes: see
`claimreview.load`.

Files are streamed, never held whole: `scan_file()` checks a file in a first pass that builds
nothing (its size, UTF-8, the JSON and its limits, where the records are and how many), so a
file that fails is rejected whole before any record is read; `ClaimReviewFile.records()` then
reads it again one record at a time. Memory is bounded by the largest record.
"""

import codecs
import datetime
import hashlib
import html
import io
import json
import math
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from itertools import islice
from urllib.parse import unquote, urljoin, urlsplit

import ijson
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import strip_tags

from sources.models import http_url
from sources.urls_normal import normalise_url

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_DEPTH = 40  # deeper JSON is not a ClaimReview
# Every JSON value counts (objects, arrays, strings, numbers, true, false, null): a file may hold
# 500,000, or one per 16 bytes if it is larger. Real ClaimReview takes about 43 bytes a value (16
# values a record in the shared sample); `{},{},…` or `1,1,…` takes 2 or 3, and is refused.
MAX_JSON_VALUES = 500_000
BYTES_PER_VALUE = 16
# One record (an item of the file's list, a line, or the whole document when it is one record)
# is built in memory whole: these bound the memory a file can take, whatever its size.
MAX_RECORD_VALUES = 100_000
MAX_RECORD_BYTES = 16 * 2**20
READ_BYTES = 2**18
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


class NotUTF8(Rejected):
    pass


class FileChanged(Exception):
    """The file no longer reads as it did when it was checked: someone rewrote it meanwhile."""


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

# A document's records: the items of its list, of the list under the first of these keys it
# has, or the document itself (the shape "value").
CONTAINERS = ("dataFeedElement", "claims", "@graph")
STARTS = frozenset({"start_map", "start_array"})
ENDS = frozenset({"end_map", "end_array"})
NOTHING = ("", 0, False)  # a key a record does not have (see `_Survey._fact`)


def read_records(path: str) -> Iterator[tuple[str, object]]:
    """Yield (position, raw record) for every record in the file; a record that could not be
    read is yielded as a `Rejected` in place of the raw record, and a file that could not be
    read as one `Rejected` at the position "file"."""
    yield from scan_file(path).records()


@dataclass
class ClaimReviewFile:
    """A file checked whole by `scan_file`, read again record by record by `records()`."""

    path: str
    size: int = 0
    shape: str = "value"  # "array", one of CONTAINERS, "value" (one record) or "lines"
    count: int = 1  # how many records it yields (for JSON Lines, about one a line)
    skip: int = 0  # values under the shape's key before its last occurrence, the one read
    exact_numbers: bool = False  # numbers a C long or double cannot hold: read as Decimal
    rejection: Rejected | None = None

    @property
    def budget(self) -> int:
        return max(MAX_JSON_VALUES, self.size // BYTES_PER_VALUE)

    def records(self) -> Iterator[tuple[str, object]]:
        """(position, raw record or `Rejected`) for each record, read from the file again."""
        if self.rejection is not None:
            yield "file", self.rejection
            return
        with open(self.path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size != self.size:
                raise FileChanged(f"{self.path} changed while it was read")
            reader = _Reader(handle, check=False)
            if self.shape == "lines":
                yield from _json_lines(reader.handle, self.budget)
            else:
                yield from _walk_units(self.shape, self._units(reader))

    def _units(self, reader) -> Iterator:
        prefix = {"array": "item", "value": ""}.get(self.shape, f"{self.shape}.item")
        units = ijson.items(reader, prefix, use_float=not self.exact_numbers, buf_size=READ_BYTES)
        try:
            for unit in islice(units, self.skip, None):
                yield _floats(unit) if self.exact_numbers else unit
        except (ijson.JSONError, ValueError) as error:
            raise FileChanged(f"{self.path} changed while it was read") from error


def scan_file(path: str) -> ClaimReviewFile:
    """Check a whole file in one streaming pass that builds nothing: its size, that it is
    UTF-8, and that it is one JSON document within the limits (depth, values, records) — else
    JSON Lines, whose lines are checked as they are read. A file that fails carries its
    `rejection`, the only thing it yields."""
    found = ClaimReviewFile(path)
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        found.size = status.st_size
        if not stat.S_ISREG(status.st_mode):
            found.rejection = Rejected("not a regular file: save it to a file first")
        elif found.size > MAX_FILE_BYTES:
            found.rejection = Rejected(f"file larger than {MAX_FILE_BYTES // 2**20} MiB")
        else:
            _survey_into(found, _Reader(handle, check=True))
    return found


def _survey_into(found: ClaimReviewFile, reader: "_Reader") -> None:
    """What the first pass learns of a file of a size worth reading, in `found`."""
    survey = _Survey(reader, found.budget)
    try:
        survey.run()
    except NotUTF8 as error:
        found.rejection = error
        return
    except (ijson.JSONError, ValueError):  # not one JSON document: JSON Lines
        found.shape = "lines"
    except Rejected as error:
        found.rejection = error
    else:
        found.rejection = survey.problem()
        found.shape, found.count, found.skip = survey.shape, survey.count, survey.skip
        found.exact_numbers = survey.exact_numbers
    try:
        reader.drain()  # whatever else is wrong, a file that is not UTF-8 is refused as such
    except NotUTF8 as error:
        found.rejection = error
    if found.shape == "lines":
        found.count = reader.lines + 1


class _Reader:
    """The file's bytes after any byte-order mark, for the JSON parser: counted (`position`,
    `lines`) and, when `check`, checked as UTF-8 on the way."""

    def __init__(self, handle, *, check: bool):
        self.handle = handle
        self.position = 0
        self.lines = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")() if check else None
        if handle.read(3) != codecs.BOM_UTF8:
            handle.seek(0)

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        if self.decoder is not None:
            pending = len(self.decoder.getstate()[0])  # the start of a character cut in two
            try:
                self.decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                self.decoder = None
                byte = self.position - pending + error.start
                raise NotUTF8(f"not UTF-8 text (byte {byte})") from None
            self.lines += chunk.count(b"\n")
        self.position += len(chunk)
        return chunk

    def drain(self) -> None:
        """Read (and check) what the parser left."""
        while self.decoder is not None and self.read(READ_BYTES):
            pass


@dataclass
class _List:
    """One list of records in a document, as `_Survey` found it."""

    kind: str  # "array", or "map" / "scalar" for a key whose value is not a list
    count: int = 0  # the records its items yield
    matches: int = 0  # the values ijson finds at its prefix (its items; a map's "item" keys)
    skip: int = 0  # the matches of the same key's earlier occurrences
    oversized: str = ""  # the first item over the limits for one record, and how


def _over_budget(budget: int) -> str:
    return f"more than {budget:,} JSON objects in one file: split it"


class _Survey:
    """One pass over a document's events that builds nothing. Counts every value against the
    budget as it goes (refusing the file there and then), and notes its depth, which list
    holds its records, how many there are, and any too large to build (`problem()`)."""

    def __init__(self, reader: _Reader, budget: int):
        self.reader = reader
        self.events = ijson.basic_parse(reader, buf_size=READ_BYTES)
        self.budget = budget
        self.values = self.depth = self.deepest = 0
        self.exact_numbers = False
        self.lists: dict[str, _List] = {}
        self.root = ""

    def run(self) -> None:
        event, value = next(self.events)
        self._count(event, value)
        self.root = event
        if event == "start_array":
            self.lists["array"] = self._list("array")
        elif event == "start_map":
            self._root_map()
        for _ in self.events:  # nothing but white space may follow
            pass

    @property
    def shape(self) -> str:
        if self.root == "start_array":
            return "array"
        kinds = {key: found.kind for key, found in self.lists.items()}
        return next((key for key in CONTAINERS if kinds.get(key) == "array"), "value")

    @property
    def count(self) -> int:
        return self.lists[self.shape].count if self.shape != "value" else 1

    @property
    def skip(self) -> int:
        return self.lists[self.shape].skip if self.shape != "value" else 0

    def problem(self) -> Rejected | None:
        """Why the file, valid JSON, is still refused: too deep, or a record too large."""
        if self.deepest > MAX_DEPTH:
            return Rejected(f"JSON nested more than {MAX_DEPTH} levels deep")
        if self.shape == "value":
            oversized = _oversized(self.values, self.reader.position)
        else:
            oversized = self.lists[self.shape].oversized
        return Rejected(f"a record {oversized}: not a ClaimReview") if oversized else None

    def _count(self, event: str, value) -> None:
        """A value begins."""
        self.values += 1
        if self.values > self.budget:
            raise Rejected(_over_budget(self.budget))
        if event in STARTS:
            self.depth += 1
            if self.depth > self.deepest:
                self.deepest = self.depth
        elif event == "number" and not self.exact_numbers:
            self.exact_numbers = _beyond_c(value)

    def _skip(self) -> None:
        """Consume the rest of a container whose start was counted (the hot loop: most values
        of a file go through here)."""
        values, depth, deepest, budget = self.values, self.depth, self.deepest, self.budget
        exact, level = self.exact_numbers, 1
        for event, value in self.events:
            if event == "map_key":
                continue
            if event in ENDS:
                depth -= 1
                level -= 1
                if not level:
                    break
                continue
            values += 1
            if values > budget:
                raise Rejected(_over_budget(budget))
            if event in STARTS:
                depth += 1
                level += 1
                deepest = max(deepest, depth)
            elif event == "number" and not exact:
                exact = _beyond_c(value)
        self.values, self.depth, self.deepest, self.exact_numbers = values, depth, deepest, exact

    def _close(self) -> None:
        self.depth -= 1

    def _root_map(self) -> None:
        for event, key in self.events:
            if event == "end_map":
                self._close()
                return
            event, value = next(self.events)
            self._count(event, value)
            if key not in CONTAINERS:
                if event in STARTS:
                    self._skip()
                continue
            earlier = self.lists.get(key)
            if event == "start_array":
                found = self._list(key)
            elif event == "start_map":
                found = _List("map", matches=self._items_of_map())
            else:
                found = _List("scalar")
            found.skip = earlier.skip + earlier.matches if earlier else 0
            self.lists[key] = found

    def _items_of_map(self) -> int:
        """How many "item" keys a map holds (where ijson looks for the key's items)."""
        items = 0
        for event, key in self.events:
            if event == "end_map":
                self._close()
                return items
            items += key == "item"
            event, value = next(self.events)
            self._count(event, value)
            if event in STARTS:
                self._skip()
        return items

    def _list(self, shape: str) -> _List:
        """A list of records, its start counted: each item is one record or holds a few."""
        found, reader = _List("array"), self.reader
        end = reader.position  # where the last item ended, to the parser's buffer
        for event, value in self.events:
            if event == "end_array":
                self._close()
                break
            values = self.values
            self._count(event, value)
            if event == "start_map":
                found.count += _records_in(shape, self._record_keys())
            else:
                if event == "start_array":
                    self._skip()
                found.count += shape != "@graph"
            values, size, end = self.values - values, reader.position - end, reader.position
            if values > MAX_RECORD_VALUES or size > MAX_RECORD_BYTES:
                where = found.matches if shape == "array" else f"{shape} {found.matches}"
                found.oversized = found.oversized or f"at {where} {_oversized(values, size)}"
            found.matches += 1
        return found

    def _record_keys(self) -> dict:
        """Consume the rest of an item of a list of records, a map: what its keys say of the
        records it holds (`_records_in`)."""
        facts = {}
        for event, key in self.events:
            if event == "end_map":
                self._close()
                break
            event, value = next(self.events)
            self._count(event, value)
            if key in ("claimReview", "item", "@type"):
                facts[key] = self._fact(event, value)
            elif event in STARTS:
                self._skip()
        return facts

    def _fact(self, event: str, value) -> tuple[str, int, bool]:
        """A record's value under one of the keys that say what it holds, its start counted:
        its kind, how many items (if a list), and whether it names a ClaimReview (@type)."""
        if event == "start_map":
            self._skip()
            return "map", 0, False
        if event != "start_array":
            return "scalar", 0, _names_claim_review(value)
        items, claim_review = 0, False
        for event, value in self.events:
            if event == "end_array":
                self._close()
                break
            items += 1
            self._count(event, value)
            if event in STARTS:
                self._skip()
            claim_review = claim_review or _names_claim_review(value)
        return "array", items, claim_review


def _names_claim_review(value) -> bool:
    return isinstance(value, str) and value.lower() == "claimreview"


def _beyond_c(number) -> bool:
    """A number the C parser cannot hold as a long or a double (json reads any)."""
    if isinstance(number, int):
        return not -(2**63) <= number < 2**63
    return math.isinf(float(number))


def _oversized(values: int, size: int) -> str:
    if values > MAX_RECORD_VALUES:
        return f"of more than {MAX_RECORD_VALUES:,} JSON values"
    if size > MAX_RECORD_BYTES:
        return f"larger than {MAX_RECORD_BYTES // 2**20} MiB"
    return ""


def _records_in(shape: str, facts: dict) -> int:
    """How many records `_walk_units` yields for an item of a list that is a map, from what
    `_Survey._record_keys` saw of it: mirrors it."""
    if shape == "@graph":
        return int(facts.get("@type", NOTHING)[2])
    kind, items, _ = facts.get("item" if shape == "dataFeedElement" else "claimReview", NOTHING)
    return items if kind == "array" else 1


def _floats(value):
    """A value read with exact numbers, with json's floats (inf beyond a double's range)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _floats(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_floats(item) for item in value]
    return value


def _json_lines(handle, budget: int) -> Iterator[tuple[str, object]]:
    """The records of a JSON Lines file, one line at a time: a line that is not valid JSON is
    rejected alone, and reading stops at the line that takes the file past its budget."""
    left, number = budget, 0
    while line := handle.readline(MAX_RECORD_BYTES + 1):
        if len(line) > MAX_RECORD_BYTES:
            while line and not line.endswith(b"\n"):  # the rest of it, never held whole
                line = handle.readline(READ_BYTES)
            number += 1
            yield f"line {number}", Rejected(f"line longer than {MAX_RECORD_BYTES // 2**20} MiB")
            continue
        # Numbered as str.splitlines() numbers the whole text (which also breaks at \r).
        for text in line.decode("utf-8").removesuffix("\n").splitlines() or [""]:
            number += 1
            if not text.strip():
                continue
            try:
                document, values = _load_line(text)
            except Rejected as error:
                yield f"line {number}", error
                continue
            left -= values
            if left < 0:  # the whole file is over budget: stop reading it
                yield f"line {number}", Rejected(_over_budget(budget))
                return
            for position, record in _walk(document):
                yield (f"line {number}" if position == "0" else f"line {number} {position}"), record


def _load_line(text: str) -> tuple[object, int]:
    """One line's document and how many values it holds, or `Rejected`."""
    # An upper bound on its values, counted in C: json.loads builds only what is bounded.
    if text.count(",") + text.count("[") + text.count("{") >= MAX_RECORD_VALUES:
        _check_record_values(text)
    try:
        document = json.loads(text)
    except RecursionError:
        raise Rejected("JSON nested too deeply") from None
    except ValueError as error:
        raise Rejected(f"not valid JSON ({getattr(error, 'msg', error)})") from None
    values, depth = _measure(document)
    if depth > MAX_DEPTH:
        raise Rejected(f"JSON nested more than {MAX_DEPTH} levels deep")
    return document, values


def _check_record_values(text: str) -> None:
    values = 0
    try:
        for event, _ in ijson.basic_parse(io.BytesIO(text.encode("utf-8"))):
            values += event not in ENDS and event != "map_key"
            if values > MAX_RECORD_VALUES:
                raise Rejected(f"a record of more than {MAX_RECORD_VALUES:,} JSON values")
    except (ijson.JSONError, ValueError) as error:
        raise Rejected(f"not valid JSON ({str(error).splitlines()[0]})") from None


def _measure(document) -> tuple[int, int]:
    """How many values a document holds, and how deep its containers nest."""
    values, deepest, pending = 0, 0, [(document, 0)]
    while pending:
        value, level = pending.pop()
        values += 1
        if isinstance(value, dict | list):
            level += 1
            deepest = max(deepest, level)
            pending.extend((item, level) for item in _items(value))
    return values, deepest


def _items(container: dict | list) -> Iterable:
    return container.values() if isinstance(container, dict) else container


def _walk(document) -> Iterator[tuple[str, object]]:
    """The ClaimReview records of a parsed document, whatever its shape."""
    if isinstance(document, list):
        return _walk_units("array", document)
    if isinstance(document, dict):
        for key in CONTAINERS:
            if isinstance(document.get(key), list):
                return _walk_units(key, document[key])
    return _walk_units("value", [document])


def _walk_units(shape: str, units: Iterable) -> Iterator[tuple[str, object]]:
    """The records of the items of a document's list of records (`shape` says which list;
    "value": the document is the one item). `_records_in` counts what this yields."""
    for index, unit in enumerate(units):
        if shape == "array":
            if isinstance(unit, dict) and isinstance(unit.get("claimReview"), list):
                # A list of Fact Check API claims, without the {"claims": …} envelope.
                for sub, review in enumerate(unit["claimReview"]):
                    yield f"{index} review {sub}", _from_fact_check_api(unit, review)
            else:
                yield str(index), unit
        elif shape == "dataFeedElement":
            items = unit.get("item") if isinstance(unit, dict) else None
            if isinstance(items, dict):
                items = [items]
            if isinstance(items, list):
                for sub, item in enumerate(items):
                    yield f"dataFeedElement {index} item {sub}", item
            else:
                yield f"dataFeedElement {index}", unit
        elif shape == "claims":
            reviews = unit.get("claimReview") if isinstance(unit, dict) else None
            if not isinstance(reviews, list):
                yield f"claims {index}", Rejected("Fact Check API claim without claimReview")
                continue
            for sub, review in enumerate(reviews):
                yield f"claims {index} review {sub}", _from_fact_check_api(unit, review)
        elif shape == "@graph":
            if _is_claim_review(unit):
                yield f"@graph {index}", unit
        else:
            yield "0", unit


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


def _check_shape(raw) -> None:
    if isinstance(raw, Rejected):
        raise raw
    if not isinstance(raw, dict):
        raise Rejected("not a JSON object")
    if "@type" in raw and not _is_claim_review(raw):
        raise Rejected(f"not a ClaimReview (@type {str(raw.get('@type'))[:40]})")
    if "@type" not in raw and "claimReviewed" not in raw and "reviewRating" not in raw:
        raise Rejected("not a ClaimReview (no @type, claimReviewed or reviewRating)")


def _said_on(raw: dict, item: dict, review_date):
    """The day the claim was said: the claim's own date, else the review's."""
    said = parse_datetime(item.get("datePublished"))
    said_on = said.date() if said else (review_date.date() if review_date else None)
    if said_on is None:
        placeholder = str(raw.get("datePublished", "")).startswith("1970-01-01")
        raise Rejected(
            "no date: the review carries the 1970-01-01 placeholder and the claim none"
            if placeholder
            else "no date: neither the review nor the claim is dated"
        )
    return said_on


def _appearances(item: dict) -> list[str]:
    """Where the claim appeared: web addresses, images left out, each once, ten at most."""
    appearances = []
    for candidate in [item.get("appearance"), item.get("firstAppearance"), item.get("url")]:
        for entry in candidate if isinstance(candidate, list) else [candidate]:
            link = clean_url(entry.get("url") if isinstance(entry, dict) else entry)
            if link and not link.lower().endswith(IMAGE_SUFFIXES) and link not in appearances:
                appearances.append(link)
    return appearances[:10]


def parse_record(raw) -> ReviewRecord:
    """One ClaimReview object as our clean record, or `Rejected` with the reason."""
    _check_shape(raw)

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
    said_on = _said_on(raw, item, review_date)

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
        appearances=_appearances(item),
        language=_language(raw.get("inLanguage")),
        headline=clean_text(raw.get("headline") or raw.get("name"), 500),
        body=clean_text(raw.get("reviewBody") or raw.get("description"), MAX_TEXT_CHARS),
    )
