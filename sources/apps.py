"""The sources app: publishers, documents and outside investigations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = _("Sources and investigations")

    def ready(self):
        from .capture import signals  # noqa: F401 - connects the receivers
