import json
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from claims.claimreview_import import clean_text, clean_url, parse_datetime
from claims.models import Claim, RatingMapping, StatusChange
from claims.search import search_claims, uses_full_text
from sources.models import Source
from tests.factories import AppearanceFactory, published_claim, rating

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


def test_files_larger_than_a_batch_are_parsed_ahead_in_a_second_process(monkeypatch):
    from claims.management.commands import import_claimreview

    monkeypatch.setattr(import_claimreview, "BATCH_SIZE", 3)  # messy.json: four chunks
    report = run_import("messy.json", "feed.json")
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
    tracemalloc.start()
    call_command("import_claimreview", str(path), show=0, stdout=StringIO())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not Claim.objects.exists()
    assert peak < 256 * 2**20, f"peak {peak / 2**20:.0f} MiB"  # it took 512 MiB unbounded


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    from claims import claimreview_import

    monkeypatch.setattr(claimreview_import, "MAX_FILE_BYTES", 1000)
    report = hostile(tmp_path, [good_record(claimReviewed="y" * 2000)])
    assert report["rejected"][0]["reason"].startswith("file larger than")
    assert not Claim.objects.exists()


def test_a_published_import_shows_on_cached_pages_at_once(client):
    assert "Windräder" not in client.get("/claims/").content.decode()
    run_import("feed.json", publish=True)
    assert "Windräder verursachen Dürre" in client.get("/claims/").content.decode()


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


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not_utf8.json", "not UTF-8 text"),
        ("deep.json", "nested"),
    ],
)
def test_unreadable_files_are_rejected_whole_without_writing(name, reason):
    report = run_import(name)
    assert report["counts"]["rejected"] == 1
    assert reason in report["rejected"][0]["reason"]
    assert not Claim.objects.exists()


def test_an_invalid_json_line_is_reported_and_the_rest_imported():
    report = run_import("lines.jsonl")
    assert [r["position"].rsplit(": ", 1)[1] for r in report["rejected"]] == ["line 2"]
    assert report["counts"]["created"] == 2


def test_dry_run_reports_without_writing():
    report = run_import("messy.json", dry_run=True)
    assert report["counts"]["created"] == 4
    assert not Claim.objects.exists() and not Source.objects.exists()


def test_publish_makes_imported_claims_public(client):
    run_import("feed.json", publish=True)
    claim = Claim.objects.get(text="Windräder verursachen Dürre")
    assert claim.publication_state == Claim.State.PUBLISHED
    assert client.get(claim.get_absolute_url()).status_code == 200


def test_export_lists_only_published_final_verdicts(client):
    published = published_claim(rating_slug="false")
    published_claim(rating_slug="unverified")
    feed = client.get("/claimreview.json").json()
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
    call_command("import_claimreview", str(path), publish=True, stdout=StringIO())
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
