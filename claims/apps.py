"""The claims app: what was said, what we concluded, and how readers see it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Claims and verdicts")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the search-vector receivers)
