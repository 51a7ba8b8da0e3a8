from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse


def test_healthz_answers_without_the_database(client):
    # No django_db mark: pytest-django makes any database access here raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_readyz_reports_a_database_outage_with_503(client):
    # Simulates the network failing between us and PostgreSQL, not our own database logic.
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert f"Sitemap: http://testserver{reverse('sitemap')}" in body


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/claims/?q=a%00b", "/api/claims/?claimant=x%00", "/claims/%00/"])
def test_nul_bytes_in_the_address_answer_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_the_api_answers_a_nul_byte_in_json(client):
    response = client.get("/api/claims/?q=%00")
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request: the address contains a NUL character."}
