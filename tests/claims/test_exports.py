import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from claims.exports import neutralise
from tests.factories import ClaimantFactory, ClaimFactory, published_claim

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_formula_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


def test_plain_cells_are_kept():
    assert neutralise("Le vaccin contient une puce") == "Le vaccin contient une puce"
    assert neutralise(None) == ""


def test_the_csv_command_writes_published_claims_safely(tmp_path):
    claim = published_claim(
        text="=cmd|' /C calc'!A0", claimant=ClaimantFactory(name="Gérald Darmanin")
    )
    ClaimFactory(text="A draft stays out")
    path = tmp_path / "claims.csv"
    call_command(
        "export_csv",
        output=str(path),
        bom=True,
        base_url="https://fc.example.org",
        stderr=io.StringIO(),
    )
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads the accents
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["claim"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["claimant"] == "Gérald Darmanin"
    assert rows[0]["rating"] == "False"
    assert rows[0]["public_url"] == "https://fc.example.org" + claim.get_absolute_url()


def test_the_admin_action_exports_the_selection(admin_client):
    chosen = published_claim(text="Chosen claim")
    published_claim(text="Other claim")
    response = admin_client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "export_csv_action", "_selected_action": [chosen.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "Chosen claim" in body and "Other claim" not in body
