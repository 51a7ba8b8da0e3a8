import json
import os
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from claims.claimreview import parse as claimreview_import
from claims.claimreview.load import EDITED, NO_FALLBACK, PUBLISHED_BY_NOBODY, WITHDRAWN
from claims.claimreview.parse import clean_text, clean_url, parse_datetime
from claims.models import (
    Claim,
    Claimant,
    Evidence,
    PublicationEvent,
    Rating,
    RatingMapping,
    StatusChange,
)
from claims.search import search_claims, uses_full_text
from claims.services import claim_withdraw
from sources.models import Publisher, Source
from tests.factories import AppearanceFactory, UserFactory, member, published_claim, rating

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "claimreview"


def run_import(*files: str, **options) -> dict:
    report = Path(tempfile.mkdtemp()) / "report.json"
    call_command(
        "import_claimreview",
        *[str(FIXTURES / f) for f in files],
        report=str(report),
        stdout=StringIO(),
        **options,
    )
    data = json.loads(report.read_text())
    report.unlink()
    return data


def test_messy_records_import_with_the_right_counts():
    report = run_import("messy.json")
    counts = report["counts"]
    assert (counts["read"], counts["created"], counts["duplicate"], counts["rejected"]) == (
        10,
        4,
        1,
        5,
    )
    reasons = sorted(r["reason"] for r in report["rejected"])
    assert reasons == sorted(
        [
            "review URL is relative or not a web address",
            "claimReviewed missing",
            "no date: the review carries the 1970-01-01 placeholder and the claim none",
            "not a ClaimReview (@type WebPage)",
            "not a JSON object",
        ]
    )
    assert {r["position"].rsplit(": ", 1)[1] for r in report["rejected"]} == {
        "3",
        "4",
        "5",
        "7",
        "8",
    }


def _parse_noting_the_process(raw):
    """parse_record, noting on the record which process parsed it (pickled back with it)."""
    record = claimreview_import.parse_record(raw)
    record.parsed_in = os.getpid()
    return record


def test_files_larger_than_a_batch_are_parsed_ahead_in_a_second_process(monkeypatch):
    from claims.management.commands import import_claimreview

    monkeypatch.setattr(import_claimreview, "BATCH_SIZE", 3)  # messy.json: four chunks
    monkeypatch.setattr(import_claimreview, "parse_record", _parse_noting_the_process)
    parsed_in: dict[str, set[int]] = {}
    write = import_claimreview.claimreview_records_import

    def noting_records_import(*, records, context):
        for record in records:
            parsed_in.setdefault(record.url.split("/")[2], set()).add(record.parsed_in)
        return write(records=records, context=context)

    monkeypatch.setattr(import_claimreview, "claimreview_records_import", noting_records_import)
    report = run_import("messy.json", "feed.json")
    # messy.json's chunks were all parsed by one other process; feed.json, one chunk, here.
    messy = set().union(*(pids for host, pids in parsed_in.items() if "dpa" not in host))
    assert len(messy) == 1 and os.getpid() not in messy
    assert parsed_in["dpa.example.de"] == {os.getpid()}
    counts = report["counts"]
    assert (counts["read"], counts["created"], counts["duplicate"], counts["rejected"]) == (
        12,
        6,
        1,
        5,
    )
    assert sorted(r["position"].rsplit(": ", 1)[1] for r in report["rejected"]) == [
        "3",
        "4",
        "5",
        "7",
        "8",
    ]
    assert Claim.objects.get(text="Le vaccin contient une puce 5G").rating == rating("false")


def test_messy_values_are_cleaned_and_mapped():
    run_import("messy.json")
    vaccine = Claim.objects.get(text="Le vaccin contient une puce 5G")
    assert vaccine.rating == rating("false")  # "FAUX\r"
    assert vaccine.claimant.name == "Internautes"
    assert str(vaccine.said_on) == "2021-03-01"
    assert vaccine.language == "fr"
    assert vaccine.publication_state == Claim.State.DRAFT
    assert list(vaccine.appearances.values_list("url", flat=True)) == [
        "https://social.example.org/post/1"
    ]
    review = vaccine.evidence.get().source
    assert review.kind == Source.Kind.FACT_CHECK and review.publisher.name == "AFP Factuel"

    obama = Claim.objects.get(text='Obama "banned" the pledge & the anthem.')
    assert obama.rating == rating("false")  # "Pants on Fire!" with the -1 sentinel
    assert str(obama.said_on) == "2017-05-02"  # the claim's "-01/-09/2017" is unusable
    assert not obama.appearances.exists()  # its itemReviewed.url is a head-shot image

    taxes = Claim.objects.get(text="Taxes rose by 40 percent.")
    assert taxes.rating == rating("mostly-false")  # 2 on a 1-5 scale, no label
    assert taxes.claimant.name == "Unattributed"

    tweets = Claim.objects.get(text="Last Tweets of a leader")
    assert tweets.evidence.get().source.url == "http://doc.afp.example.com/XYZ"


def test_a_second_import_changes_nothing():
    run_import("messy.json", "feed.json", "lines.jsonl", "google_api.json")
    before = (Claim.objects.count(), StatusChange.objects.count(), Source.objects.count())
    counts = run_import("messy.json", "feed.json", "lines.jsonl", "google_api.json")["counts"]
    assert counts.get("created", 0) == 0 and counts.get("updated", 0) == 0
    assert counts["unchanged"] == 4 + 2 + 2 + 1
    assert (Claim.objects.count(), StatusChange.objects.count(), Source.objects.count()) == before


def test_an_updated_record_updates_the_claim_and_records_the_new_rating(tmp_path):
    original = json.loads((FIXTURES / "feed.json").read_text())
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(original))
    call_command("import_claimreview", str(path), stdout=StringIO())
    claim = Claim.objects.get(text="Windräder verursachen Dürre")
    original["dataFeedElement"][0]["item"][0]["reviewRating"]["alternateName"] = "Richtig"
    path.write_text(json.dumps(original))
    call_command("import_claimreview", str(path), stdout=StringIO())
    claim.refresh_from_db()
    assert claim.rating == rating("true")
    assert [c.to_rating.slug for c in claim.status_changes.all()] == ["false", "true"]


def test_imported_rows_have_their_history_like_rows_saved_one_by_one():
    run_import("messy.json")
    for claim in Claim.objects.all():
        assert list(claim.history.values_list("history_type", flat=True)) == ["+"]
        assert claim.history.get().text == claim.text
        evidence = claim.evidence.get()
        assert evidence.history.get().stance == evidence.stance
        assert evidence.source.history.get().url == evidence.source.url
        assert claim.status_changes.get().to_rating == claim.rating
    assert (
        Claim.objects.get(text="Le vaccin contient une puce 5G").appearances.get().history.count()
    )


@pytest.mark.skipif(not uses_full_text(), reason="PostgreSQL full-text search")
def test_imported_claims_are_found_by_search_at_once():
    run_import("messy.json")
    found = search_claims(Claim.objects.all(), "vaccin puce")
    assert [c.text for c in found] == ["Le vaccin contient une puce 5G"]


@pytest.mark.skipif(not uses_full_text(), reason="a PostgreSQL trigger refuses the row")
def test_a_record_the_database_refuses_is_rejected_alone(tmp_path):
    from django.db import connection

    # A rule in the database that refuses one row, as our guard triggers do.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse() RETURNS trigger AS $$ BEGIN "
            "IF NEW.text LIKE '%%refuse me%%' THEN RAISE EXCEPTION 'refused'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql; "
            "CREATE TRIGGER test_refuse BEFORE INSERT ON claims_claim "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse();"
        )
    records = json.loads((FIXTURES / "messy.json").read_text())
    records[0]["claimReviewed"] = "Le vaccin contient une puce 5G, refuse me"
    path = tmp_path / "messy.json"
    path.write_text(json.dumps(records))
    report = tmp_path / "report.json"
    call_command("import_claimreview", str(path), report=str(report), stdout=StringIO())
    # The batch was refused as a whole, then imported record by record: only the bad one is
    # out, and its publisher, created and rolled back with it, is not pointed at by the rest.
    rejected = json.loads(report.read_text())["rejected"]
    assert [r["position"].rsplit(": ", 1)[1] for r in rejected if "stored" in r["reason"]] == ["0"]
    # Record 9 repeated record 0 and now stands alone: it is imported.
    assert Claim.objects.count() == 4
    assert not Claim.objects.filter(text__contains="refuse me").exists()
    assert all(c.history.count() and c.evidence.get().source.publisher for c in Claim.objects.all())


def hostile(tmp_path, records, name="hostile.json") -> dict:
    path = tmp_path / name
    path.write_text(json.dumps(records))
    report = tmp_path / "report.json"
    call_command("import_claimreview", str(path), report=str(report), stdout=StringIO())
    return json.loads(report.read_text())


def good_record(**changes) -> dict:
    record = {
        "@type": "ClaimReview",
        "url": "https://checks.example.org/1",
        "claimReviewed": "A claim",
        "datePublished": "2023-05-01",
        "author": {"name": "Checks", "url": "https://checks.example.org"},
        "reviewRating": {"alternateName": "False"},
    }
    record.update(changes)
    return record


def test_hostile_values_are_cleaned_or_rejected_never_stored_raw(tmp_path):
    report = hostile(
        tmp_path,
        [
            good_record(url="https://checks.example.org/nul", claimReviewed="Nul\u0000 inside"),
            good_record(url="https://checks.example.org/huge", claimReviewed="x" * 1_000_000),
            good_record(url="https://checks.example.org/long", headline="h" * 1_000_000),
            good_record(url="https://checks.example.org/types", claimReviewed=123),
            good_record(url=["https://checks.example.org/list"], claimReviewed=["In a list"]),
            good_record(url="https://checks.example.org/obj", claimReviewed={"a": 1}),
            good_record(url="https://checks.example.org/date", datePublished=20230501),
            good_record(url="https://checks.example.org/rating", reviewRating="False"),
            good_record(url="https://checks.example.org/author", author=5),
            good_record(url="https://checks.example.org/item", itemReviewed=[1, "x", None]),
            good_record(url="javascript:alert(1)"),
            good_record(
                url="https://checks.example.org/pub",
                author={"name": "P", "url": "https://p.example.org/" + "a" * 300},
            ),
        ],
    )
    counts = report["counts"]
    assert counts["read"] == 12
    reasons = [r["reason"] for r in report["rejected"]]
    assert not [r for r in reasons if "could not be stored" in r], reasons  # no database error
    assert "claimReviewed longer than 20000 characters" in reasons
    assert "review URL is relative or not a web address" in reasons
    assert Claim.objects.get(text="Nul inside")  # the NUL is gone, the words kept
    assert Claim.objects.get(text="123") and Claim.objects.get(text="In a list")
    assert max(len(s.title) for s in Source.objects.all()) <= 500


def test_a_file_that_decodes_to_a_million_objects_is_rejected_within_bounded_memory(tmp_path):
    import tracemalloc

    path = tmp_path / "laughs.json"
    path.write_text("[" + ",".join(["{}"] * 1_000_000) + "]")  # 3 MB on disk
    report = tmp_path / "report.json"
    tracemalloc.start()
    call_command("import_claimreview", str(path), show=0, report=str(report), stdout=StringIO())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rejected = json.loads(report.read_text())["rejected"]
    assert rejected == [
        {
            "position": f"{path}: file",
            "reason": "more than 500,000 JSON objects in one file: split it",
        }
    ]
    assert not Claim.objects.exists()
    assert peak < 256 * 2**20, f"peak {peak / 2**20:.0f} MiB"  # it took 512 MiB unbounded


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    from claims.claimreview import parse as claimreview_import

    monkeypatch.setattr(claimreview_import, "MAX_FILE_BYTES", 1000)
    report = hostile(tmp_path, [good_record(claimReviewed="y" * 2000)])
    assert report["rejected"][0]["reason"].startswith("file larger than")
    assert not Claim.objects.exists()


def test_a_published_import_shows_on_cached_pages_at_once(client, chief):
    claims = reverse("claims:claim_list")
    assert "Windräder" not in client.get(claims).content.decode()
    run_import("feed.json", publish=True, username="chief")
    assert "Windräder verursachen Dürre" in client.get(claims).content.decode()


def test_every_format_is_read():
    counts = run_import("feed.json", "lines.jsonl", "google_api.json")["counts"]
    assert counts["created"] == 2 + 2 + 1
    assert counts["duplicate"] == 1  # the API repeats a review
    assert Claim.objects.get(text="انقطاع الكهرباء في أوروبا").rating == rating("misleading")
    assert Claim.objects.get(text="Claim one").rating == rating("true")  # 6 out of 6


def test_unmapped_ratings_become_unverified_and_are_reported():
    report = run_import("feed.json")
    assert report["unmapped_ratings"] == {"Eine völlig neue Einschätzung": 1}
    assert Claim.objects.get(text="Strom ist 2022 billiger geworden").rating == rating("unverified")


def test_a_mapping_added_in_the_admin_is_used_on_the_next_import():
    RatingMapping.objects.create(
        label="Eine völlig NEUE Einschätzung ", rating=rating("misleading")
    )
    run_import("feed.json")
    assert Claim.objects.get(text="Strom ist 2022 billiger geworden").rating == rating("misleading")


# -- the rating scale, as chief editors keep it --------------------------------------------------


def rated(label: str, n: int) -> dict:
    return good_record(url=f"https://checks.example.org/{n}", reviewRating={"alternateName": label})


def stances_by_label(tmp_path, labels: list[str]) -> dict[str, str]:
    """Import one record rated with each label: the stance its review was linked with."""
    import_records(tmp_path, [rated(label, n) for n, label in enumerate(labels)])
    return dict(Evidence.objects.values_list("excerpt", "stance"))


def test_the_default_scale_gives_the_stances_it_always_gave(tmp_path):
    labels = ["False", "Mostly false", "Misleading", "Mostly true", "True", "Unverified"]
    assert stances_by_label(tmp_path, labels) == {
        "False": Evidence.Stance.CONTRADICTS,
        "Mostly false": Evidence.Stance.CONTRADICTS,
        "Misleading": Evidence.Stance.CONTEXT,
        "Mostly true": Evidence.Stance.SUPPORTS,
        "True": Evidence.Stance.SUPPORTS,
        "Unverified": Evidence.Stance.CONTEXT,
    }


def test_a_seven_step_scale_gives_stances_by_thirds_of_the_scale(tmp_path):
    for slug in ["true", "mostly-true", "misleading", "mostly-false", "false"]:  # top first
        step = rating(slug)
        step.ordinal += 1
        step.save()
    Rating.objects.create(label="Flagrantly false", slug="flagrant", ordinal=1, description="-")
    Rating.objects.create(label="Proven true", slug="proven", ordinal=7, description="-")
    labels = ["Flagrantly false", "False", "Mostly false", "Misleading"]
    labels += ["Mostly true", "True", "Proven true"]
    assert stances_by_label(tmp_path, labels) == {
        "Flagrantly false": Evidence.Stance.CONTRADICTS,
        "False": Evidence.Stance.CONTRADICTS,
        "Mostly false": Evidence.Stance.CONTEXT,
        "Misleading": Evidence.Stance.CONTEXT,
        "Mostly true": Evidence.Stance.CONTEXT,
        "True": Evidence.Stance.SUPPORTS,
        "Proven true": Evidence.Stance.SUPPORTS,
    }


def test_an_unmapped_label_still_falls_back_to_the_status_a_chief_editor_renamed():
    status = rating("unverified")
    status.slug, status.label = "not-yet-checked", "Not yet checked"  # before "Under…" now
    status.save()
    out = StringIO()
    call_command("import_claimreview", str(FIXTURES / "feed.json"), stdout=out)
    assert Claim.objects.get(text="Strom ist 2022 billiger geworden").rating == status
    assert "ratings not mapped (imported as Not yet checked): 1 records" in out.getvalue()


def test_a_new_status_does_not_take_over_labels_the_scale_cannot_place():
    Rating.objects.create(label="Awaiting reply", slug="awaiting", is_final=False, description="-")
    run_import("feed.json")
    assert Claim.objects.get(text="Strom ist 2022 billiger geworden").rating == rating("unverified")


def test_without_a_non_final_rating_an_unmapped_label_is_rejected_with_the_reason():
    RatingMapping.objects.filter(rating__is_final=False).delete()
    Rating.objects.filter(is_final=False).delete()
    report = run_import("feed.json")
    assert [(r["position"].rsplit(": ", 1)[1], r["reason"]) for r in report["rejected"]] == [
        ("dataFeedElement 1 item 0", NO_FALLBACK)
    ]
    assert NO_FALLBACK == "no rating for an unmapped label: add a non-final rating or a mapping"
    assert report["unmapped_ratings"] == {}
    assert list(Claim.objects.values_list("text", flat=True)) == ["Windräder verursachen Dürre"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not_utf8.json", "not UTF-8 text (byte "),
        ("deep.json", "JSON nested "),
    ],
)
def test_unreadable_files_are_rejected_whole_without_writing(name, reason):
    report = run_import(name)
    assert report["counts"]["rejected"] == 1
    assert report["rejected"][0]["position"] == f"{FIXTURES / name}: file"
    assert report["rejected"][0]["reason"].startswith(reason)
    assert not Claim.objects.exists()


def test_an_invalid_json_line_is_reported_and_the_rest_imported():
    report = run_import("lines.jsonl")
    assert [r["position"].rsplit(": ", 1)[1] for r in report["rejected"]] == ["line 2"]
    assert report["counts"]["created"] == 2


# -- reading files as streams --------------------------------------------------------------------


def test_reading_a_large_file_holds_a_record_at_a_time_never_the_file(tmp_path):
    import tracemalloc

    record = json.dumps(good_record(url="https://checks.example.org/%d", reviewBody="Why. " * 120))
    path = tmp_path / "large.json"
    with path.open("w") as out:
        out.write("[")
        for n in range(40_000):
            out.write(("," if n else "") + record % n)
        out.write("]")
    size = path.stat().st_size  # over 30 MB
    tracemalloc.start()
    try:
        positions = [position for position, _ in claimreview_import.read_records(str(path))]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (len(positions), positions[-1]) == (40_000, "39999")
    assert peak < size / 5, f"peak {peak / 2**20:.1f} MiB for a file of {size / 2**20:.0f} MiB"


def test_a_file_of_a_million_numbers_is_rejected_by_the_budget(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text("[" + ",".join(["1"] * 1_000_000) + "]")  # 2 MB: every value counts
    report = tmp_path / "report.json"
    call_command("import_claimreview", str(path), show=0, report=str(report), stdout=StringIO())
    assert json.loads(report.read_text())["rejected"] == [
        {
            "position": f"{path}: file",
            "reason": "more than 500,000 JSON objects in one file: split it",
        }
    ]


def test_the_budget_grows_with_the_file_one_value_per_16_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(claimreview_import, "MAX_JSON_VALUES", 1000)
    wordy = tmp_path / "wordy.json"
    wordy.write_text(json.dumps(["a value of twenty-one"] * 2000))  # 24 bytes a value
    assert len(list(claimreview_import.read_records(str(wordy)))) == 2000
    dense = tmp_path / "dense.json"
    dense.write_text(json.dumps([1] * 2000))  # 3 bytes a value
    assert [str(r) for _, r in claimreview_import.read_records(str(dense))] == [
        "more than 1,000 JSON objects in one file: split it"
    ]


@pytest.mark.parametrize(
    ("damage", "position", "reason"),
    [
        (lambda data: data[:-20], "line 1", "not valid JSON ("),  # cut short: not one document
        (lambda data: data + b"\xff", "file", "not UTF-8 text (byte {bad})"),
    ],
)
def test_a_file_that_goes_bad_after_a_thousand_good_records_writes_nothing(
    tmp_path, damage, position, reason
):
    good = [good_record(url=f"https://checks.example.org/{n}") for n in range(1000)]
    data = damage(json.dumps(good).encode())
    path = tmp_path / "damaged.json"
    path.write_bytes(data)
    report = tmp_path / "report.json"
    call_command("import_claimreview", str(path), report=str(report), stdout=StringIO())
    [rejected] = json.loads(report.read_text())["rejected"]
    assert rejected["position"] == f"{path}: {position}"
    assert rejected["reason"].startswith(reason.format(bad=len(data) - 1))
    assert nothing_written()


def test_a_record_too_large_to_hold_is_refused_with_its_file(tmp_path):
    report = hostile(tmp_path, [good_record(), good_record(appearance=[0] * 100_000)])
    assert [(r["position"].rsplit(": ", 1)[1], r["reason"]) for r in report["rejected"]] == [
        ("file", "a record at 1 of more than 100,000 JSON values: not a ClaimReview")
    ]
    assert nothing_written()


def test_a_json_line_too_long_to_hold_is_rejected_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(claimreview_import, "MAX_RECORD_BYTES", 2**20)
    lines = [good_record(url=f"https://checks.example.org/{n}") for n in range(3)]
    lines[1]["reviewBody"] = "x" * 2**20
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    report = tmp_path / "report.json"
    call_command("import_claimreview", str(path), report=str(report), stdout=StringIO())
    data = json.loads(report.read_text())
    assert [(r["position"].rsplit(": ", 1)[1], r["reason"]) for r in data["rejected"]] == [
        ("line 2", "line longer than 1 MiB")
    ]
    assert data["counts"]["created"] == 2


def test_a_file_rewritten_after_it_was_checked_is_not_read_on(tmp_path):
    path = tmp_path / "records.json"
    path.write_text(json.dumps([good_record()]))
    found = claimreview_import.scan_file(str(path))
    path.write_text(json.dumps([good_record(), good_record()]))
    with pytest.raises(claimreview_import.FileChanged):
        list(found.records())


FACT_CHECK_CLAIM = {"text": "A claim", "claimReview": [{"url": "https://a.example/1"}, 7]}


@pytest.mark.parametrize(
    ("document", "positions"),
    [
        ([good_record(), 5, FACT_CHECK_CLAIM], ["0", "1", "2 review 0", "2 review 1"]),
        (
            {
                "@type": "DataFeed",
                "dataFeedElement": [{"item": [good_record()] * 2}, {"item": good_record()}, 3],
            },
            ["dataFeedElement 0 item 0", "dataFeedElement 0 item 1"]
            + ["dataFeedElement 1 item 0", "dataFeedElement 2"],
        ),
        (
            {"claims": [FACT_CHECK_CLAIM, {"text": "no review"}], "nextPageToken": "x"},
            ["claims 0 review 0", "claims 0 review 1", "claims 1"],
        ),
        (
            {"@graph": [{"@type": "WebPage"}, good_record(), {"@type": ["Review", "claimreview"]}]},
            ["@graph 1", "@graph 2"],
        ),
        ({"@graph": [good_record()], "dataFeedElement": [good_record()]}, ["dataFeedElement 0"]),
        (good_record(), ["0"]),
    ],
    ids=["list", "data feed", "fact check api", "json-ld graph", "feed before graph", "one"],
)
def test_every_shape_of_file_yields_its_records_with_their_positions(tmp_path, document, positions):
    path = tmp_path / "records.json"
    path.write_text(json.dumps(document))
    assert [position for position, _ in claimreview_import.read_records(str(path))] == positions


def test_a_key_given_twice_is_read_as_json_reads_it_the_last_one(tmp_path):
    path = tmp_path / "twice.json"
    first = json.dumps([{"item": good_record(url="https://checks.example.org/first")}] * 3)
    last = json.dumps([{"item": good_record(url="https://checks.example.org/last")}])
    path.write_text(f'{{"dataFeedElement": {first}, "dataFeedElement": {last}}}')
    assert [(p, r["url"]) for p, r in claimreview_import.read_records(str(path))] == [
        ("dataFeedElement 0 item 0", "https://checks.example.org/last")
    ]


@pytest.mark.parametrize(
    "text",
    [
        '[{"n": 123456789012345678901234567890, "f": 0.1, "e": 1E5, "inf": 1e400}]',
        '\ufeff[{"text": "après un BOM", "t": true, "z": null, "neg": -0}]',
    ],
    ids=["numbers beyond C", "byte-order mark"],
)
def test_values_are_read_as_json_reads_them(tmp_path, text):
    path = tmp_path / "values.json"
    path.write_text(text, encoding="utf-8")
    [(_, record)] = claimreview_import.read_records(str(path))
    assert record == json.loads(text.removeprefix("\ufeff"))[0]
    assert [type(v) for v in record.values()] == [
        type(v) for v in json.loads(text.removeprefix("\ufeff"))[0].values()
    ]


def test_dry_run_reports_without_writing():
    report = run_import("messy.json", dry_run=True)
    assert report["counts"]["created"] == 4
    assert not Claim.objects.exists() and not Source.objects.exists()


def test_publish_makes_imported_claims_public(client, chief):
    run_import("feed.json", publish=True, username="chief")
    claim = Claim.objects.get(text="Windräder verursachen Dürre")
    assert claim.publication_state == Claim.State.PUBLISHED
    assert client.get(claim.get_absolute_url()).status_code == 200


# -- the import as an actor: who it acts as, and what it leaves alone --------------------------


def import_records(tmp_path, records: list, *args: str) -> dict:
    """Import `records` (written to a file of this test's own) with these options; the
    report, with the summary printed as `report["stdout"]`."""
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    report = tmp_path / "report.json"
    out = StringIO()
    call_command("import_claimreview", str(path), *args, report=str(report), stdout=out)
    return {**json.loads(report.read_text()), "stdout": out.getvalue()}


def rerated(**changes) -> dict:
    """The good record, re-reviewed a month later to a new verdict."""
    return good_record(
        datePublished="2023-06-01", reviewRating={"alternateName": "True"}, **changes
    )


def nothing_written() -> bool:
    return not (Claim.objects.exists() or Source.objects.exists() or Publisher.objects.exists())


def test_a_reimport_with_publish_leaves_a_claim_a_chief_editor_withdrew_withdrawn(tmp_path, chief):
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")
    claim = Claim.objects.get()
    claim_withdraw(claim=claim, note="The review we relied on was retracted.", user=chief)

    report = import_records(tmp_path, [good_record()], "--publish", "--as=chief")

    claim.refresh_from_db()
    assert claim.publication_state == Claim.State.WITHDRAWN
    assert claim.withdrawal_note == "The review we relied on was retracted."
    assert list(claim.publication_events.values_list("kind", flat=True)) == [
        PublicationEvent.Kind.PUBLISHED,
        PublicationEvent.Kind.WITHDRAWN,
    ]
    assert report["counts"]["skipped"] == 1
    assert [(s["claim"], s["reason"]) for s in report["skipped"]] == [(claim.pk, WITHDRAWN)]
    assert f"    1  {WITHDRAWN}" in report["stdout"]
    assert report["skipped"][0]["key"] == claim.import_key
    assert report["skipped"][0]["position"].endswith("records.json: 0")


def test_a_changed_record_leaves_a_withdrawn_claim_as_it_is(tmp_path, chief):
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")
    claim = Claim.objects.get()
    claim_withdraw(claim=claim, note="Retracted.", user=chief)

    report = import_records(tmp_path, [rerated()], "--as=chief")

    assert [s["reason"] for s in report["skipped"]] == [WITHDRAWN]
    claim.refresh_from_db()
    assert claim.rating == rating("false") and claim.status_changes.count() == 1


def test_an_identical_record_on_a_withdrawn_claim_is_unchanged_not_skipped(tmp_path, chief):
    # Documented: only a record that would change its claim is skipped.
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")
    claim_withdraw(claim=Claim.objects.get(), note="Retracted.", user=chief)
    report = import_records(tmp_path, [good_record()], "--as=chief")
    assert (report["counts"]["unchanged"], report["counts"].get("skipped", 0)) == (1, 0)


def test_a_reimport_leaves_a_claim_a_chief_editor_edited_since(tmp_path, chief):
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")
    claim = Claim.objects.get()
    claim.text = "A claim, in the words a chief editor chose"  # as the admin's form saves it
    claim.version += 1
    claim.save()

    report = import_records(tmp_path, [rerated(headline="A new headline")], "--as=chief")

    assert [s["reason"] for s in report["skipped"]] == [EDITED]
    claim.refresh_from_db()
    assert claim.text == "A claim, in the words a chief editor chose"
    assert claim.rating == rating("false") and claim.status_changes.count() == 1
    assert claim.evidence.get().excerpt == "False"


def test_a_skipped_record_leaves_no_row_behind(tmp_path):
    import_records(tmp_path, [good_record()])
    claim = Claim.objects.get()
    claim.summary = "Our own summary."
    claim.version += 1
    claim.save()
    before = (Claimant.objects.count(), Source.objects.count(), claim.appearances.count())

    report = import_records(
        tmp_path,
        [
            rerated(
                itemReviewed={"author": {"name": "A new claimant"}, "url": "https://t.example/1"}
            )
        ],
    )

    assert [s["reason"] for s in report["skipped"]] == [EDITED]
    assert not Claimant.objects.filter(name="A new claimant").exists()
    assert (Claimant.objects.count(), Source.objects.count(), claim.appearances.count()) == before


def test_a_chief_editor_import_changes_a_published_rating_as_themselves(tmp_path, chief):
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")

    report = import_records(tmp_path, [rerated()], "--as=chief")

    assert report["counts"]["updated"] == 1
    claim = Claim.objects.get()
    assert claim.rating == rating("true")
    change = claim.status_changes.latest()
    assert (change.to_rating, change.created_by) == (rating("true"), chief)
    # What this import left is the new fingerprint: the same record again changes nothing.
    assert import_records(tmp_path, [rerated()], "--as=chief")["counts"]["unchanged"] == 1


def test_an_editor_import_may_not_change_a_published_rating(tmp_path, chief, editor):
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")

    report = import_records(tmp_path, [rerated()], "--as=editor")

    assert [s["reason"] for s in report["skipped"]] == [
        "Change status: You are not allowed to do this. (editor lacks claims.rate_published_claim)"
    ]
    claim = Claim.objects.get()
    assert claim.rating == rating("false") and claim.status_changes.count() == 1


def test_an_editor_import_may_not_change_what_a_published_claim_says(tmp_path, chief, editor):
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")

    report = import_records(tmp_path, [good_record(reviewBody="A new summary.")], "--as=editor")

    assert [s["reason"] for s in report["skipped"]] == [
        "a published claim's text, evidence and appearances are changed by a chief editor "
        "(editor lacks claims.publish_claim)"
    ]
    assert Claim.objects.get().summary == "Checks: “False”."


def test_an_import_without_an_account_leaves_published_claims_alone(tmp_path, chief):
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")

    report = import_records(tmp_path, [rerated()])

    assert [s["reason"] for s in report["skipped"]] == [PUBLISHED_BY_NOBODY]
    assert Claim.objects.get().rating == rating("false")


def test_an_import_without_an_account_still_updates_drafts(tmp_path):
    import_records(tmp_path, [good_record()])
    report = import_records(tmp_path, [rerated()])
    assert report["counts"]["updated"] == 1
    change = Claim.objects.get().status_changes.latest()
    assert (change.to_rating, change.created_by) == (rating("true"), None)


def test_the_summary_counts_skipped_records_by_reason(tmp_path, chief):
    import_records(tmp_path, [good_record(), good_record(url="https://checks.example.org/2")])
    first, second = Claim.objects.order_by("id")
    for claim in (first, second):
        claim.version += 1
        claim.save()

    report = import_records(
        tmp_path, [rerated(), rerated(url="https://checks.example.org/2")], "--as=chief"
    )

    lines = report["stdout"].splitlines()
    assert "  skipped    2" in lines
    assert f"         2  {EDITED}" in lines
    assert f"  skipped {report['skipped'][0]['position']} (claim {first.pk}): {EDITED}" in lines


def test_publish_without_an_account_is_refused_and_writes_nothing(tmp_path):
    with pytest.raises(CommandError) as refused:
        import_records(tmp_path, [good_record()], "--publish")
    assert str(refused.value) == (
        "--publish needs --as USER: an account allowed to publish (a chief editor)"
    )
    assert refused.value.returncode == 1  # manage.py's exit status
    assert nothing_written()


def test_an_unknown_account_is_refused_and_writes_nothing(tmp_path):
    with pytest.raises(CommandError, match=r"^--as nobody: no such user$"):
        import_records(tmp_path, [good_record()], "--as=nobody")
    assert nothing_written()


def test_an_editor_may_not_publish_an_import(tmp_path, editor):
    with pytest.raises(CommandError, match=r"^--as editor: editor lacks .*claims\.publish_claim$"):
        import_records(tmp_path, [good_record()], "--publish", "--as=editor")
    assert nothing_written()


def test_an_account_without_the_rights_to_import_is_refused(tmp_path):
    UserFactory(username="reader")  # staff, in no group
    with pytest.raises(CommandError, match=r"claims\.add_claim, claims\.change_claim"):
        import_records(tmp_path, [good_record()], "--as=reader")
    assert nothing_written()


def test_an_inactive_account_is_refused(tmp_path, chief):
    chief.is_active = False
    chief.save()
    with pytest.raises(CommandError, match=r"^--as chief: chief is not an active account$"):
        import_records(tmp_path, [good_record()], "--as=chief")
    assert nothing_written()


def _published_by(claim: Claim):
    events = claim.publication_events.all()
    return (
        claim.published_by,
        [(e.kind, e.created_by) for e in events],
        [change.created_by for change in claim.status_changes.all()],
    )


def test_a_published_import_records_who_published_in_bulk(tmp_path, chief, monkeypatch):
    from claims.claimreview import load as importing

    bulk_creates = []
    create = importing._claims_create

    def noting_bulk_creates(records, context):
        bulk_creates.append(records)
        return create(records, context)

    monkeypatch.setattr(importing, "_claims_create", noting_bulk_creates)
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")

    assert len(bulk_creates) == 1  # COPY on PostgreSQL
    claim = Claim.objects.get()
    assert claim.created_by == chief
    assert _published_by(claim) == (chief, [(PublicationEvent.Kind.PUBLISHED, chief)], [chief])
    assert claim.evidence.get().added_by == chief


def test_a_published_import_records_who_published_one_by_one(tmp_path, chief):
    import_records(tmp_path, [good_record()])  # a draft, made by the system

    report = import_records(tmp_path, [rerated()], "--publish", "--as=chief")

    assert report["counts"]["updated"] == 1
    claim = Claim.objects.get()
    assert claim.rating == rating("true")
    assert _published_by(claim) == (
        chief,
        [(PublicationEvent.Kind.PUBLISHED, chief)],
        [None, chief],
    )


def test_a_claim_gets_the_same_fingerprint_whichever_path_writes_it(tmp_path, monkeypatch):
    from django.db import DatabaseError

    from claims.claimreview import load as importing

    def refused(records, context):
        raise DatabaseError("refused")  # as a batch the database refuses: one by one then

    import_records(tmp_path, [good_record()])  # in bulk
    monkeypatch.setattr(importing, "_claims_create", refused)
    # The same claim under another review URL (its evidence differs): one by one.
    import_records(tmp_path, [good_record(url="https://checks.example.org/again")])

    bulk, one_by_one = Claim.objects.order_by("id")
    assert bulk.import_key != one_by_one.import_key
    # Each path stored what the claim, its evidence and appearances hash to as stored.
    assert bulk.import_fingerprint == importing.claim_import_fingerprint(bulk)
    assert one_by_one.import_fingerprint == importing.claim_import_fingerprint(one_by_one)
    assert bulk.import_fingerprint != one_by_one.import_fingerprint
    assert len(bulk.import_fingerprint) == 64


def test_a_claim_imported_before_fingerprints_is_updated_and_gets_one(tmp_path):
    from claims.claimreview.load import claim_import_fingerprint

    import_records(tmp_path, [good_record()])
    Claim.objects.update(import_fingerprint="")

    assert import_records(tmp_path, [rerated()])["counts"]["updated"] == 1

    claim = Claim.objects.get()
    assert claim.rating == rating("true")
    assert claim.import_fingerprint == claim_import_fingerprint(claim)


def test_a_claim_imported_before_fingerprints_gets_one_from_an_unchanged_record(tmp_path):
    from claims.claimreview.load import claim_import_fingerprint

    import_records(tmp_path, [good_record()])
    Claim.objects.update(import_fingerprint="")

    assert import_records(tmp_path, [good_record()])["counts"]["unchanged"] == 1

    claim = Claim.objects.get()
    assert claim.import_fingerprint == claim_import_fingerprint(claim)


def test_export_lists_only_published_final_verdicts(client):
    published = published_claim(rating_slug="false")
    published_claim(rating_slug="unverified")
    feed = client.get(reverse("claimreview_feed")).json()
    assert feed["@type"] == "DataFeed"
    reviews = [element["item"][0] for element in feed["dataFeedElement"]]
    assert [r["claimReviewed"] for r in reviews] == [published.text]
    assert reviews[0]["reviewRating"]["alternateName"] == "False"


@pytest.mark.django_db(transaction=True)
def test_export_then_import_into_an_empty_database_reproduces_the_published_claims(
    tmp_path, migration_data
):
    from tests.factories import ClaimFactory

    for slug in ["false", "misleading", "true"]:
        claim = published_claim(rating_slug=slug, text=f"Claim rated {slug}")
        AppearanceFactory(claim=claim, url=f"https://tv.example.org/{slug}")
    ClaimFactory(text="A draft never leaves")

    def snapshot():
        return sorted(
            (
                c.text,
                c.claimant.name,
                c.said_on,
                c.rating.slug,
                tuple(sorted(a.url for a in c.appearances.all())),
            )
            for c in Claim.objects.published().select_related("claimant", "rating")
        )

    before = snapshot()
    path = tmp_path / "feed.json"
    call_command(
        "export_claimreview",
        output=str(path),
        base_url="https://factcheck.example.org",
        stderr=StringIO(),
    )
    call_command("flush", interactive=False, verbosity=0)
    from tests.conftest import reseed_migration_data

    reseed_migration_data()
    assert not Claim.objects.exists()
    member("Chief editor", "chief")
    call_command("import_claimreview", str(path), "--publish", "--as=chief", stdout=StringIO())
    assert snapshot() == before
    assert not Claim.objects.filter(text="A draft never leaves").exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-03-04 10:12", "2021-03-04T10:12:00+00:00"),
        ("2016-02-02 12:00:00 UTC", "2016-02-02T12:00:00+00:00"),
        ("2020-06-01T12:00:00+5:30", "2020-06-01T12:00:00+05:30"),
        ("2019-05-07T10:00:00+0200", "2019-05-07T10:00:00+02:00"),
        ("2025-04-28T19:23:46.838Z", "2025-04-28T19:23:46.838000+00:00"),
        ("03/15/2018", "2018-03-15T00:00:00+00:00"),
    ],
)
def test_dates_in_every_shape_fact_checkers_use(raw, expected):
    assert parse_datetime(raw).isoformat() == expected


@pytest.mark.parametrize(
    "raw", ["", None, "-01/-09/2017", "1970-01-01T00:00:00+00:00", "soon", "2999-01-01"]
)
def test_unusable_dates(raw):
    assert parse_datetime(raw) is None


def test_text_cleaning():
    assert clean_text("«  Il a dit <b>non</b> deux&nbsp;fois  »") == "Il a dit non deux fois"
    # Quotes inside are kept, and so are the outer ones then: they may not be a pair.
    assert clean_text('"A" due to "B"') == '"A" due to "B"'
    assert clean_text("Obama &quot;banned&quot; it") == 'Obama "banned" it'
    assert clean_text(["", "second"]) == "second"
    assert clean_text(5) == "5"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("aosfatos.org/noticias/x", "https://aosfatos.org/noticias/x"),
        ("https:www.aosfatos.org", "https://www.aosfatos.org"),
        ("javascript:alert(1)", ""),
        ("/relative", ""),
    ],
)
def test_url_repair(raw, expected):
    assert clean_url(raw) == expected


def test_a_reimport_leaves_evidence_and_appearances_a_chief_editor_changed(tmp_path, chief):
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")
    claim = Claim.objects.get()
    evidence = claim.evidence.get()
    evidence.excerpt = "Excerpt chosen by the chief editor."
    evidence.save()
    claim.appearances.all().delete()
    report = import_records(tmp_path, [rerated()], "--publish", "--as=chief")
    claim.refresh_from_db()
    assert claim.evidence.get().excerpt == "Excerpt chosen by the chief editor."
    assert not claim.appearances.exists()
    assert claim.rating.slug != "true"
    assert [s["reason"] for s in report["skipped"]] == ["edited since the last import"]


def test_a_rerating_on_the_review_date_is_a_public_change(tmp_path, client, chief):
    import_records(tmp_path, [good_record()], "--publish", "--as=chief")
    same_day = good_record(reviewRating={"alternateName": "True"})
    import_records(tmp_path, [same_day], "--as=chief")
    claim = Claim.objects.get()
    assert claim.rating.slug == "true"
    history = client.get(f"/api/claims/{claim.pk}/").json()["status_history"]
    assert [c["to_rating"] for c in history][-1] == "true"


def test_an_import_asks_for_one_capture_of_all_its_new_sources_and_fetches_nothing(
    django_capture_on_commit_callbacks,
):
    from django_tasks import default_task_backend

    from sources.models import Capture

    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_import("messy.json", "feed.json")
    names = [result.task.name for result in default_task_backend.results]
    default_task_backend.clear()
    assert Source.objects.count() > 1
    assert set(names) == {"capture_pending"}  # never one task per source
    assert Capture.objects.count() == 0
