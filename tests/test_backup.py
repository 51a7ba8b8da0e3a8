"""make backup / make restore: what is restored is what was saved, and only into an empty one."""

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from claims.services import status_change_record
from tests.factories import EvidenceFactory, published_claim, rating

ROOT = Path(__file__).resolve().parents[1]
TABLES = [
    "claims_claim",
    "claims_evidence",
    "claims_statuschange",
    "claims_historicalclaim",
    "claims_historicalevidence",
    "sources_source",
    "sources_historicalsource",
]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("pg_dump"),
    reason="pg_dump and pg_restore back up PostgreSQL",
)


def url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def fingerprint(database_url: str) -> dict[str, str]:
    """Every row of the tables that matter, hashed in key order."""
    out = {}
    for table in TABLES:
        out[table] = subprocess.run(
            [
                "psql",
                database_url,
                "-tAc",
                f"SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t), '')) "
                f"FROM {table} AS t",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    return out


def make(*args: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_is_the_same(tmp_path, migration_data):
    claim = published_claim()
    EvidenceFactory(claim=claim)
    status_change_record(
        claim=claim,
        to_rating=rating("true"),
        facts_known_on=datetime.date(2023, 11, 25),
        explanation="The regulator's decision changes the verdict.",
    )
    source = url(connection.settings_dict["NAME"])
    dump = tmp_path / "factcheck.dump"
    saved = make("backup", f"BACKUP_FILE={dump}", database_url=source)
    assert saved.returncode == 0, saved.stdout + saved.stderr
    assert dump.stat().st_size > 0

    empty = connection.settings_dict["NAME"] + "_restored"
    subprocess.run(["dropdb", "--if-exists", "--force", empty, "-h", "127.0.0.1", "-U", "postgres"])
    subprocess.run(["createdb", empty, "-h", "127.0.0.1", "-U", "postgres"], check=True)
    try:
        restored = make("restore", f"FILE={dump}", database_url=url(empty))
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert fingerprint(url(empty)) == fingerprint(source)
        again = make("restore", f"FILE={dump}", database_url=url(empty))
        assert again.returncode != 0 and "not empty" in again.stdout
    finally:
        subprocess.run(
            ["dropdb", "--if-exists", "--force", empty, "-h", "127.0.0.1", "-U", "postgres"]
        )


def test_backup_refuses_a_database_it_cannot_dump(tmp_path):
    result = make("backup", database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode != 0 and "must point at PostgreSQL" in result.stdout
