"""Hardened by default: deploy checks, headers, no inline code, error pages, logins, outages."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory, published_claim

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a-long-newsroom-passphrase"


def production_env(tmp_path) -> dict:
    """The environment of a production deployment: DEBUG off, HTTPS at its default."""
    env = {
        key: value
        for key, value in os.environ.items()
        # As deployed: none of the test run's own settings (the browser tests allow async).
        if key not in {"DEBUG", "HTTPS", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="0",
        HTTPS="",  # its default; set, so that a developer's .env cannot change it
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="factcheck.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    return env


def test_the_production_configuration_passes_every_deploy_check(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_pages_carry_the_security_headers_and_a_strict_content_security_policy(client):
    claim = published_claim()
    for url in [claim.get_absolute_url(), "/", "/admin/login/", "/api/claims/"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def assert_no_inline_code(html: str, url: str) -> None:
    assert not INLINE_SCRIPT.search(html), f"inline script on {url}"
    assert not INLINE_STYLE.search(html), f"inline style on {url}"
    assert not INLINE_HANDLER.search(html), f"inline event handler on {url}"


def test_public_pages_have_no_inline_script_or_style_for_the_policy_to_block(client):
    claim = published_claim()
    urls = [
        "/",
        "/claims/",
        "/claims/?q=vaccin&rating=false",
        claim.get_absolute_url(),
        claim.claimant.get_absolute_url(),
        "/claimants/",
        "/corrections/",
        "/pages/methodology/",
        "/api/docs/",
        "/claims/999999-nothing/",
    ]
    for url in urls:
        response = client.get(url, follow=True)
        assert_no_inline_code(response.content.decode(), url)


def test_admin_pages_have_no_inline_script_or_style_for_the_policy_to_block(staff_client):
    claim = published_claim()
    urls = [
        "/admin/",
        "/admin/claims/claim/",
        f"/admin/claims/claim/{claim.pk}/change/",
        "/admin/claims/claim/add/",
        "/admin/claims/statuschange/",
        "/admin/sources/source/",
    ]
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert_no_inline_code(response.content.decode(), url)


def test_error_pages_are_friendly_and_leak_nothing(client, settings):
    not_found = client.get("/claims/999999-nothing/")
    assert not_found.status_code == 404
    assert "Page not found" in not_found.content.decode()

    settings.ALLOWED_HOSTS = ["factcheck.example.org"]
    bad_host = client.get("/", HTTP_HOST="evil.example.com")
    assert bad_host.status_code == 400
    body = bad_host.content.decode()
    assert "Bad request" in body and "evil.example.com" not in body and "Traceback" not in body


def test_a_form_sent_without_its_csrf_token_gets_the_friendly_403(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()


def test_the_public_site_and_api_refuse_every_write(client):
    claim = published_claim()
    urls = [
        "/",
        "/claims/",
        claim.get_absolute_url(),
        "/feed/",
        "/claimreview.json",
        "/sitemap.xml",
        "/lang/",
        "/api/claims/",
        f"/api/claims/{claim.pk}/",
    ]
    for url in urls:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 405), (method, url, response.status_code)
    assert claim.__class__.objects.filter(pk=claim.pk).exists()


# -- logins ---------------------------------------------------------------------------------


def login(client, username: str, password: str = PASSWORD, token: str = ""):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": token, "next": "/admin/"},
    )


def newsroom_user(username: str, group: str | None = None):
    user = UserFactory(username=username)
    user.set_password(PASSWORD)
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_repeated_failed_logins_lock_the_account_from_that_address(client, settings):
    newsroom_user("editor", "Editor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "editor", "wrong").status_code == 200  # the form, with an error
    assert login(client, "editor", "wrong").status_code == 429  # the last one allowed
    locked = login(client, "editor")  # even the right password, now
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert client.get("/admin/").status_code == 302  # not logged in
    newsroom_user("chief", "Chief editor")
    assert login(client, "chief").status_code == 302  # others are not locked out


def test_a_user_with_an_authenticator_must_give_its_code(client, settings):
    user = newsroom_user("chief", "Chief editor")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    without = login(client, "chief")
    assert without.status_code == 200
    assert "Enter the code from your authenticator app" in without.content.decode()
    wrong = login(client, "chief", token="000000" if current_code(device) != "000000" else "111111")
    assert "not valid" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    # A wrong code makes the device wait before it checks another, so guesses cannot race.
    throttled = login(client, "chief", token=current_code(device))
    assert "Too many wrong codes" in throttled.content.decode()
    device.throttle_reset()
    assert login(client, "chief", token=current_code(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_require_2fa_chief_editors_need_a_device_and_editors_do_not(client, settings):
    settings.REQUIRE_2FA = True
    newsroom_user("chief", "Chief editor")
    refused = login(client, "chief")
    assert "Ask an administrator to enrol a device" in refused.content.decode()
    assert client.get("/admin/").status_code == 302

    newsroom_user("editor", "Editor")
    assert login(client, "editor").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_chief_editor_session_without_a_second_factor_is_not_let_in(client, settings):
    settings.REQUIRE_2FA = True
    client.force_login(newsroom_user("chief", "Chief editor"))
    assert client.get("/admin/claims/claim/").status_code == 302


def test_totp_enrol_gives_a_device_to_scan(capsys):
    from django.core.management import call_command

    user = newsroom_user("chief", "Chief editor")
    call_command("totp_enrol", "chief", no_qr=True)
    assert "otpauth://totp/" in capsys.readouterr().out
    assert TOTPDevice.objects.get(user=user).confirmed


def test_passwords_are_checked_by_django_validators(staff_client):
    target = newsroom_user("editor", "Editor")
    response = staff_client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert (
        "too common" in response.content.decode() or "entirely numeric" in response.content.decode()
    )
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


# -- the database going away -------------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's in-memory test database cannot go away"
)
@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_down_pages_answer_503_and_recover_after(client, migration_data):
    claim = published_claim()
    url = claim.get_absolute_url()
    assert client.get(url).status_code == 200
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    try:
        # A real outage, as the app sees it: nothing answers where the database was.
        settings_dict["PORT"] = "1"
        down = client.get("/claims/")
        assert down.status_code == 503
        assert down["Retry-After"] and "Temporarily unavailable" in down.content.decode()
        api = client.get("/api/claims/")
        assert api.status_code == 503 and api.json() == {"detail": "Temporarily unavailable."}
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200  # the process itself is alive
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)
    assert client.get("/readyz").status_code == 200
    assert client.get(url).status_code == 200  # no restart needed


def production_setting(name: str, tmp_path):
    """A setting's value as factcheck/settings.py gives it in production (DEBUG off)."""
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from django.conf import settings; import json; print(json.dumps(settings.{name}))",
        ],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_with_https_on_pages_redirect_but_health_probes_answer(settings, client, tmp_path):
    settings.SECURE_SSL_REDIRECT = production_setting("SECURE_SSL_REDIRECT", tmp_path)
    settings.SECURE_REDIRECT_EXEMPT = production_setting("SECURE_REDIRECT_EXEMPT", tmp_path)
    assert client.get("/claims/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_public_requests_skip_the_admins_middleware_and_the_admin_keeps_it(client, staff_client):
    public = client.get("/claims/")
    assert public.status_code == 200 and not public.cookies  # no session, no CSRF cookie
    assert not hasattr(public.wsgi_request, "session")
    assert not hasattr(public.wsgi_request, "user")
    admin = staff_client.get("/admin/claims/claim/")
    assert admin.status_code == 200 and admin.wsgi_request.user == staff_client.user
