"""The editors' admin: Django's, with a second factor where it is set up or required.

Anyone who has confirmed a TOTP device (django-otp) gives its six-digit code at login. With
REQUIRE_2FA on, no newsroom account (editor, chief editor, superuser) can use the admin
without one; `manage.py totp_enrol USER` gives them a device to scan.

A login refused for a wrong password, a wrong, missing or too early code gets one message,
and counts as a failed login for the lockout: nothing tells a guesser which half was right.
(With REQUIRE_2FA, an account with no device yet is told so: it cannot log in at all.)
"""

import ipaddress

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from rest_framework.throttling import BaseThrottle

from sources.forms import SafeModelForm


def second_factor_required(user) -> bool:
    """Whether this user may only use the admin after giving a one-time code."""
    if user_has_device(user, confirmed=True):
        return True
    return settings.REQUIRE_2FA and user.is_staff


def client_address(request) -> str | None:
    """The address a login is counted against (AXES_CLIENT_IP_CALLABLE): the API throttle's,
    so one TRUSTED_PROXY_COUNT (REST_FRAMEWORK["NUM_PROXIES"]) serves both. A value that is
    no address (a misconfigured proxy count lets a client write it) falls back to the peer's."""
    address = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


class NewsroomLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s and password for a staff account, and the "
            "current code from your authenticator app if you have one. The fields may be "
            "case-sensitive; after a wrong code, wait a few seconds before trying again."
        ),
    }

    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=8,
        help_text=_("The six digits your authenticator app shows, if you have set one up."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def clean(self):
        cleaned = super().clean()  # the password (django-axes counts failures here)
        user = self.get_user()
        if user is None or not second_factor_required(user):
            return cleaned
        devices = list(devices_for_user(user, confirmed=True))
        if not devices:
            # Only with REQUIRE_2FA: the account cannot log in at all, so say why.
            raise ValidationError(
                _(
                    "Newsroom accounts log in with a second factor, and this account has none "
                    "yet. Ask an administrator to enrol a device for you."
                ),
                code="second_factor_missing",
            )
        token = "".join(cleaned.get("otp_token", "").split())
        for device in devices if token else []:
            # A device refuses to check a code until its wait after a wrong one is over
            # (1 s, then 2, 4, ...): guesses cannot race.
            if device.verify_token(token):
                user.otp_device = device  # django-otp marks the session verified on login
                return cleaned
        # The same answer and the same lockout count as a wrong password.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username()},
            request=self.request,
        )
        raise self.get_invalid_login_error()


class NewsroomAdminSite(admin.AdminSite):
    site_header = _("Fact-check tracker — editors")
    site_title = _("Fact-check tracker")
    index_title = _("Newsroom")
    login_form = NewsroomLoginForm

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every model's form refuses script links and oversize text unless it has its own,
        # and so do the inlines it shows.
        admin_class = admin_class or admin.ModelAdmin
        if admin_class.form is forms.ModelForm and "form" not in options:
            options["form"] = SafeModelForm
        for inline in admin_class.inlines:
            if inline.form is forms.ModelForm:
                inline.form = SafeModelForm
        # Past versions read-only, the public record a chief editor's: claims/admin/guards.py.
        from claims.admin.guards import guarded

        return super().register(model_or_iterable, guarded(admin_class), **options)

    def has_permission(self, request):
        user = request.user
        if not super().has_permission(request):
            return False
        return not second_factor_required(user) or user.is_verified()
