"""Checks on what editors type, shared by every form and model of both apps."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A link that runs code when followed: never what a fact-check cites, whatever field it is in.
SCRIPT_URL = re.compile(r"(?:java|vb|live)script\s*:|data\s*:\s*text/html", re.IGNORECASE)
# Longer than any claim, quote or summary we publish; beyond it is a paste gone wrong or abuse.
MAX_TEXT_CHARS = 20_000


def not_in_future(value) -> None:
    """For dates that record the past: when something was said, published, seen, decided."""
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


def no_script_url(value: str) -> None:
    if isinstance(value, str) and SCRIPT_URL.search(value):
        raise ValidationError(
            _("Links that run code (javascript:, data:text/html) are not allowed."),
            code="script_url",
        )


class SafeInputMixin:
    """For any form: no script link in any text, and no text beyond MAX_TEXT_CHARS where the
    field sets no limit of its own."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if not isinstance(value, str):
                continue
            try:
                no_script_url(value)
            except ValidationError as error:
                self.add_error(name, error)
                continue
            if len(value) > MAX_TEXT_CHARS and not getattr(self.fields[name], "max_length", None):
                self.add_error(
                    name,
                    ValidationError(
                        _("Keep this under %(limit)s characters."),
                        code="too_long",
                        params={"limit": f"{MAX_TEXT_CHARS:,}"},
                    ),
                )
        return cleaned
