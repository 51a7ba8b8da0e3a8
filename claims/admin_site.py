"""The editors' admin: Django's, with a second factor where it is set up or required.

Anyone who has confirmed a TOTP device (django-otp) gives its six-digit code at login. With
REQUIRE_2FA on, chief editors, who publish verdicts and change them, cannot use the admin
without one; `manage.py totp_enrol USER` gives them a device to scan.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device

from sources.forms import SafeModelForm

CHIEF_EDITOR_PERMISSION = "claims.publish_claim"


def second_factor_required(user) -> bool:
    """Whether this user may only use the admin after giving a one-time code."""
    if user_has_device(user, confirmed=True):
        return True
    return settings.REQUIRE_2FA and user.has_perm(CHIEF_EDITOR_PERMISSION)


class NewsroomLoginForm(AdminAuthenticationForm):
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
            raise ValidationError(
                _(
                    "Chief editors log in with a second factor, and this account has none yet. "
                    "Ask an administrator to enrol a device for you."
                ),
                code="second_factor_missing",
            )
        token = "".join(cleaned.get("otp_token", "").split())
        if not token:
            raise ValidationError(
                _("Enter the code from your authenticator app."), code="second_factor_needed"
            )
        allowed = [device for device in devices if device.verify_is_allowed()[0]]
        if not allowed:  # each wrong code doubles the wait before the next is checked
            raise ValidationError(
                _("Too many wrong codes: wait a few seconds, then enter the current one."),
                code="second_factor_throttled",
            )
        for device in allowed:
            if device.verify_token(token):
                user.otp_device = device  # django-otp marks the session verified on login
                return cleaned
        raise ValidationError(
            _("This authentication code is not valid. Codes change every 30 seconds."),
            code="second_factor_invalid",
        )


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
        return super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        user = request.user
        if not super().has_permission(request):
            return False
        return not second_factor_required(user) or user.is_verified()
