"""The outside world: who published what, and the proceedings that may change verdicts.

This app knows nothing of claims; `claims` depends on it, never the reverse.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .urls_normal import normalise_url
from .validators import not_in_future

http_url = URLValidator(schemes=["http", "https"])


class Publisher(models.Model):
    class Kind(models.TextChoices):
        MEDIA = "media", _("Media outlet")
        GOVERNMENT = "government", _("Government or ministry")
        REGULATOR = "regulator", _("Regulator or independent authority")
        COURT = "court", _("Court")
        PARLIAMENT = "parliament", _("Parliament")
        PARTY = "party", _("Political party or group")
        NGO = "ngo", _("NGO or association")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MEDIA)
    url = models.URLField(_("website"), blank=True, validators=[http_url])
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """One document: an article, a statement, a law, a decision, a video..."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("News article")
        INVESTIGATION = "investigation", _("Investigative report")
        STATEMENT = "statement", _("Official statement")
        INTERVIEW = "interview", _("Interview or video")
        LAW = "law", _("Law or regulation")
        DECISION = "decision", _("Court or regulator decision")
        REPORT = "report", _("Report or study")
        PRESS_RELEASE = "press_release", _("Press release")
        SOCIAL = "social", _("Social media post")
        FACT_CHECK = "fact_check", _("Fact-check by another newsroom")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(
        _("URL"),
        max_length=2000,
        blank=True,
        validators=[http_url],
        help_text=_("Leave empty only for documents with no web address (print, broadcast)."),
    )
    # Derived from url on save: the form that every address of the same document shares.
    normalised_url = models.CharField(max_length=2000, blank=True, editable=False)
    publisher = models.ForeignKey(
        Publisher,
        verbose_name=_("publisher"),
        on_delete=models.PROTECT,
        related_name="sources",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.ARTICLE)
    language = models.CharField(_("language"), max_length=8, blank=True, help_text=_("e.g. fr, en"))
    published_on = models.DateField(
        _("published on"), null=True, blank=True, validators=[not_in_future]
    )
    accessed_on = models.DateField(
        _("accessed on"), null=True, blank=True, validators=[not_in_future]
    )
    archive_url = models.URLField(
        _("archived copy"), max_length=2000, blank=True, validators=[http_url]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            # The same document is never entered twice; documents without a URL are exempt.
            models.UniqueConstraint(
                fields=["normalised_url"],
                condition=~Q(normalised_url=""),
                name="source_normalised_url_unique",
                violation_error_message=_("A source with this address already exists."),
            ),
            models.CheckConstraint(
                condition=Q(accessed_on__isnull=True)
                | Q(published_on__isnull=True)
                | Q(accessed_on__gte=models.F("published_on")),
                name="source_accessed_after_published",
                violation_error_message=_("A source cannot be accessed before it was published."),
            ),
        ]
        indexes = [models.Index(fields=["published_on"], name="source_published_on_idx")]

    def __str__(self) -> str:
        if self.publisher_id:
            return f"{self.title} ({self.publisher})"
        return self.title

    def save(self, *args, **kwargs):
        self.normalised_url = normalise_url(self.url)
        super().save(*args, **kwargs)

    def clean(self):
        # Forms leave the non-editable normalised_url out of constraint checks: check here so
        # a duplicate address is a message on the URL field, not a database error.
        self.normalised_url = normalise_url(self.url)
        if self.normalised_url:
            twin = (
                Source.objects.filter(normalised_url=self.normalised_url)
                .exclude(pk=self.pk)
                .first()
            )
            if twin is not None:
                raise ValidationError(
                    {
                        "url": _("A source with this address already exists: %(title)s (#%(id)s).")
                        % {"title": twin.title, "id": twin.pk}
                    }
                )


class Investigation(models.Model):
    """An outside proceeding whose outcome may change verdicts."""

    class Kind(models.TextChoices):
        REGULATORY = "regulatory", _("Regulatory control")
        LEGAL = "legal", _("Legal action")
        PARLIAMENTARY = "parliamentary", _("Parliamentary inquiry")
        CRIMINAL = "criminal", _("Criminal investigation")
        INSPECTION = "inspection", _("Administrative inspection")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        OPEN = "open", _("Open")
        CONCLUDED = "concluded", _("Concluded")
        DROPPED = "dropped", _("Dropped")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    body = models.ForeignKey(
        Publisher,
        verbose_name=_("body"),
        on_delete=models.PROTECT,
        related_name="investigations",
        help_text=_("Who conducts it, or to whom it was requested."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    description = models.TextField(_("description"), blank=True)
    opened_on = models.DateField(_("opened or requested on"), validators=[not_in_future])
    # Kept apart from `state`, which updates overwrite: "as of" a day before any update that
    # sets a state, the investigation was in this one.
    initial_state = models.CharField(
        _("state when opened or requested"),
        max_length=20,
        choices=State,
        default=State.REQUESTED,
        help_text=_("Updates that set a state move the current state on from this one."),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=State,
        default=State.REQUESTED,
        help_text=_(
            "Follows the latest update that sets a state; without one, the state when opened "
            "or requested."
        ),
    )
    outcome = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "title"]
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        indexes = [models.Index(fields=["state"], name="investigation_state_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.state in {self.State.REQUESTED, self.State.OPEN}


class InvestigationUpdate(models.Model):
    """A dated step in an investigation, citing the document that reports it."""

    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("investigation"),
        on_delete=models.PROTECT,
        related_name="updates",
    )
    happened_on = models.DateField(_("date"), validators=[not_in_future])
    state = models.CharField(
        _("new state"),
        max_length=20,
        choices=Investigation.State,
        blank=True,
        help_text=_("Leave empty when the state does not change."),
    )
    summary = models.TextField(_("public summary"))
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="investigation_updates",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["investigation", "happened_on", "id"]
        verbose_name = _("investigation update")
        verbose_name_plural = _("investigation updates")
        constraints = [
            models.CheckConstraint(
                condition=~Q(summary=""), name="investigation_update_summary_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.investigation}: {self.happened_on:%Y-%m-%d}"
