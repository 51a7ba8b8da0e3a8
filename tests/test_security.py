"""Hardened by default: deploy checks, headers, no inline code, error pages, logins, outages."""

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory, published_claim, url_in

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
    for url in [claim.get_absolute_url(), reverse("claims:home"), "/admin/login/", "/api/claims/"]:
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
        reverse("claims:home"),
        reverse("claims:claim_list"),
        reverse("claims:claim_list") + "?q=vaccin&rating=false",
        claim.get_absolute_url(),
        claim.claimant.get_absolute_url(),
        reverse("claims:claimant_list"),
        reverse("claims:correction_list"),
        reverse("claims:page", args=["methodology"]),
        "/api/docs/",
        reverse("claims:claim_detail", kwargs={"pk": 999999, "slug": "nothing"}),
        "/claims/",  # an address from before languages: redirected
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
    not_found = client.get(reverse("claims:claim_detail", kwargs={"pk": 999999, "slug": "nothing"}))
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
        reverse("claims:home"),
        reverse("claims:claim_list"),
        claim.get_absolute_url(),
        url_in("fr", claim),
        reverse("claims:feed"),
        reverse("claimreview_feed"),
        reverse("sitemap"),
        "/api/claims/",
        f"/api/claims/{claim.pk}/",
    ]
    for url in urls:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 405), (method, url, response.status_code)
    for old in ["/", "/claims/", claim.get_absolute_url().removeprefix("/en")]:
        for method in ("post", "put", "patch", "delete"):
            # An address from before languages only points at the page, which refuses.
            response = getattr(client, method)(old)
            assert response.status_code == 302, (method, old, response.status_code)
            assert getattr(client, method)(response.url).status_code in (403, 405)
    assert claim.__class__.objects.filter(pk=claim.pk).exists()


# -- logins ---------------------------------------------------------------------------------


def login(client, username: str, password: str = PASSWORD, token: str = "", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": token, "next": "/admin/"},
        **extra,
    )


def newsroom_user(username: str, group: str | None = None):
    user = UserFactory(username=username)
    user.set_password(PASSWORD)
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def newsroom_account(role: str):
    """An editor, a chief editor (their groups come from a migration) or a superuser."""
    if role == "superuser":
        return UserFactory(username="admin", is_superuser=True, password=make_password(PASSWORD))
    return newsroom_user(role.lower().replace(" ", "-"), role)


NEWSROOM_ROLES = ["Editor", "Chief editor", "superuser"]


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if current_code(device) != "000000" else "111111"


def login_errors(response) -> list[str]:
    """The error notes the login page shows, as rendered."""
    return re.findall(r'<p class="errornote">\s*(.*?)\s*</p>', response.content.decode(), re.S)


class Clock:
    """Django's clock (`timezone.now`), stopped, and moved only by the test: no freezegun
    here. TOTP codes still follow the real time, which the test never moves far."""

    def __init__(self, now: datetime.datetime):
        self.now = now

    def advance(self, **delta) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    stopped = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: stopped.now)
    return stopped


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


def test_failed_logins_for_one_user_name_from_many_addresses_lock_it_from_every_address(
    client, settings
):
    newsroom_user("editor", "Editor")
    codes = [
        login(client, "editor", "wrong", REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(1, settings.AXES_FAILURE_LIMIT + 1)
    ]
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = login(client, "editor", REMOTE_ADDR="203.0.113.77")  # a new address, right password
    assert locked.status_code == 429
    assert client.get("/admin/", REMOTE_ADDR="203.0.113.77").status_code == 302
    newsroom_user("chief", "Chief editor")
    assert login(client, "chief", REMOTE_ADDR="203.0.113.77").status_code == 302


def test_a_user_with_an_authenticator_must_give_its_code(client, clock):
    user = newsroom_user("chief", "Chief editor")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert login(client, "chief").status_code == 200  # no code: the form again
    assert login(client, "chief", token=wrong_code(device)).status_code == 200
    assert client.get("/admin/").status_code == 302
    # A wrong code makes the device wait a second before it checks another, so guesses cannot
    # race: with the clock stopped, even the right code is refused until that second is over.
    assert login(client, "chief", token=current_code(device)).status_code == 200
    clock.advance(seconds=1)
    assert login(client, "chief", token=current_code(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_password_and_a_wrong_missing_or_early_code_get_the_same_message(client, clock):
    user = newsroom_user("chief", "Chief editor")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    refusals = {
        "unknown user": login(client, "nobody", token=current_code(device)),
        "wrong password": login(client, "chief", "wrong", token=current_code(device)),
        "no code": login(client, "chief"),
        "wrong code": login(client, "chief", token=wrong_code(device)),
        "right code too early": login(client, "chief", token=current_code(device)),
    }
    messages = {why: login_errors(response) for why, response in refusals.items()}
    assert messages["wrong password"] == [
        "Please enter the correct username and password for a staff account, and the current "
        "code from your authenticator app if you have one. The fields may be case-sensitive; "
        "after a wrong code, wait a few seconds before trying again."
    ]
    assert all(message == messages["wrong password"] for message in messages.values()), messages
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_count_towards_the_lockout_as_wrong_passwords_do(client, clock, settings):
    user = newsroom_user("chief", "Chief editor")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    codes = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        codes.append(login(client, "chief", token=wrong_code(device)).status_code)
        clock.advance(minutes=1)  # past the device's own wait, which would refuse anyway
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    device.throttle_reset()
    assert login(client, "chief", token=current_code(device)).status_code == 429


@pytest.mark.parametrize("role", NEWSROOM_ROLES)
def test_with_require_2fa_every_newsroom_account_needs_a_device(client, settings, role):
    settings.REQUIRE_2FA = True
    user = newsroom_account(role)
    refused = login(client, user.username)
    assert "Ask an administrator to enrol a device" in refused.content.decode()
    assert client.get("/admin/").status_code == 302

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert login(client, user.username, token=current_code(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("role", NEWSROOM_ROLES)
def test_with_require_2fa_a_session_without_a_second_factor_is_not_let_in(client, settings, role):
    settings.REQUIRE_2FA = True
    client.force_login(newsroom_account(role))
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


def test_passwords_need_at_least_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("plum-kettle")  # 11
    assert validate_password("plum-kettle9") is None  # 12


def session_expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_an_admin_session_ends_after_a_working_day_without_an_admin_request(client, clock):
    newsroom_user("editor", "Editor")
    logged_in = login(client, "editor")
    assert logged_in.status_code == 302
    assert logged_in.cookies["sessionid"]["max-age"] == 10 * 3600
    assert session_expiry(client) == clock.now + datetime.timedelta(hours=10)

    clock.advance(hours=9)
    public = client.get(reverse("claims:claim_list"))  # public pages neither set nor extend it
    assert "sessionid" not in public.cookies
    assert session_expiry(client) == clock.now + datetime.timedelta(hours=1)
    admin = client.get("/admin/")  # each admin request moves the expiry forward
    assert admin.status_code == 200
    assert admin.cookies["sessionid"]["max-age"] == 10 * 3600
    assert session_expiry(client) == clock.now + datetime.timedelta(hours=10)

    clock.advance(hours=9)  # 18 hours after logging in, 9 after the last admin page
    assert client.get("/admin/").status_code == 200
    clock.advance(hours=10, seconds=1)
    assert client.get("/admin/").status_code == 302  # to the login page


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
        down = client.get(reverse("claims:claim_list"))
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


def production_setting(name: str, tmp_path, **env: str):
    """A setting's value as factcheck/settings.py gives it in production (DEBUG off), with
    these environment variables set too."""
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from django.conf import settings; import json; print(json.dumps(settings.{name}))",
        ],
        cwd=ROOT,
        env={**production_env(tmp_path), **env},
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
    public = client.get(reverse("claims:claim_list"))
    assert public.status_code == 200 and not public.cookies  # no session, no CSRF cookie
    assert not hasattr(public.wsgi_request, "session")
    assert not hasattr(public.wsgi_request, "user")
    admin = staff_client.get("/admin/claims/claim/")
    assert admin.status_code == 200 and admin.wsgi_request.user == staff_client.user


def test_admin_session_hours_sets_how_long_an_idle_admin_session_lasts(tmp_path):
    assert production_setting("SESSION_COOKIE_AGE", tmp_path) == 10 * 3600
    assert production_setting("SESSION_COOKIE_AGE", tmp_path, ADMIN_SESSION_HOURS="8") == 8 * 3600


# -- behind the proxy --------------------------------------------------------------------------

PROXY = "10.0.0.2"  # what REMOTE_ADDR is for every request that came through the proxy


@pytest.fixture
def api_throttle(monkeypatch):
    """Two API requests a minute per client; DRF's settings read afresh, and again after."""
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    cache.clear()
    api_settings.reload()
    yield
    cache.clear()
    api_settings.reload()


@pytest.fixture
def behind_one_proxy(settings, tmp_path):
    """The REST_FRAMEWORK settings production gets with TRUSTED_PROXY_COUNT=1."""
    from rest_framework.settings import api_settings

    num_proxies = production_setting("REST_FRAMEWORK", tmp_path, TRUSTED_PROXY_COUNT="1")[
        "NUM_PROXIES"
    ]
    assert num_proxies == 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    api_settings.reload()


def api_status(client, forwarded_for: str, remote_addr: str = PROXY) -> int:
    return client.get(
        reverse("api:rating-list"), REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded_for
    ).status_code


def test_without_a_proxy_a_forged_x_forwarded_for_does_not_escape_the_api_throttle(
    client, api_throttle
):
    codes = [api_status(client, f"198.51.100.{n}", remote_addr="203.0.113.5") for n in range(4)]
    assert codes == [200, 200, 429, 429]


def test_behind_the_proxy_each_client_has_its_own_api_throttle_and_cannot_forge_another(
    client, api_throttle, behind_one_proxy
):
    # The proxy appends the address it sees; whatever a client sent itself stays to the left.
    assert [api_status(client, "198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert api_status(client, "203.0.113.50, 198.51.100.1") == 429  # a forged entry: same client
    assert api_status(client, "198.51.100.2") == 200  # another reader behind the same proxy


def test_behind_the_proxy_lockouts_count_the_clients_address(client, behind_one_proxy):
    from axes.models import AccessAttempt

    newsroom_user("editor", "Editor")
    login(
        client,
        "editor",
        "wrong",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.50, 198.51.100.1",
    )
    assert AccessAttempt.objects.get().ip_address == "198.51.100.1"
    # A misconfigured count could hand a client's text to the lockout: it is no address.
    AccessAttempt.objects.all().delete()
    assert (
        login(
            client, "editor", "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="unknown"
        ).status_code
        == 200
    )
    assert AccessAttempt.objects.get().ip_address == PROXY
