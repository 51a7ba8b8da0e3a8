"""The security log: admin changes and logins, one JSON object per line, no secrets."""

import json
import logging

import pytest
from django.urls import reverse

from factcheck.logformat import JsonFormatter
from tests.factories import UserFactory, published_claim, rating

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def audit_lines():
    """Every line the security log writes during the test, as the production formatter does."""
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("factcheck.audit")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def events(lines) -> list[dict]:
    return [json.loads(line) for line in lines]


def test_a_failed_login_is_logged_with_who_and_where_but_never_the_password(client, audit_lines):
    user = UserFactory(username="editor")
    user.set_password(PASSWORD)
    user.save()
    client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "hunter2-guess"},
        REMOTE_ADDR="203.0.113.7",
    )
    client.post(reverse("admin:login"), {"username": "editor", "password": PASSWORD})
    logged = events(audit_lines)
    failed = next(e for e in logged if e["event"] == "login_failed")
    assert failed["username"] == "editor" and failed["ip"] == "203.0.113.7"
    assert failed["level"] == "WARNING" and failed["logger"] == "factcheck.audit"
    assert any(e["event"] == "login" and e["username"] == "editor" for e in logged)
    text = "\n".join(audit_lines)
    assert "hunter2-guess" not in text and PASSWORD not in text


def test_every_admin_change_is_logged_with_who_did_what(staff_client, audit_lines):
    claim = published_claim()
    staff_client.post(
        reverse("admin:claims_claim_status", args=[claim.pk]),
        {
            "to_rating": rating("true").pk,
            "kind": "update",
            "facts_known_on": "2023-11-25",
            "explanation": "The regulator's decision changes the verdict.",
        },
    )
    change = next(e for e in events(audit_lines) if e["event"] == "admin_change")
    assert change["user"] == staff_client.user.username
    assert change["model"] == "claims.Claim" and change["object_id"] == str(claim.pk)
    assert "Status changed" in change["change"]


def test_fields_that_look_like_secrets_never_reach_the_log():
    record = logging.LogRecord("factcheck.audit", logging.INFO, "", 0, "event", None, None)
    record.__dict__.update(user="chief", password="p4ss", api_token="t0k", session_id="s3")
    line = json.loads(JsonFormatter().format(record))
    assert line["user"] == "chief"
    assert not {"password", "api_token", "session_id"} & set(line)
