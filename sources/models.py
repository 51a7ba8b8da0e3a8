"""The outside world: who published what, and the proceedings that may change verdicts.

This app knows nothing of claims; `claims` depends on it, never the reverse.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .urls_normal import normalise_url
from .validators import not_in_future

http_url = URLValidator(schemes=["http", "https"])


class AppendOnly(models.Model):
    """Rows written once: the model refuses to save one again or to delete one, with these
    messages (a database trigger refuses the same on PostgreSQL, for every other path)."""

    resave_refusal = _("This record is append-only.")
    delete_refusal = _("This record is append-only and cannot be deleted.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(self.resave_refusal)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.delete_refusal)


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

    @classmethod
    def from_db(cls, db, field_names, values):
        source = super().from_db(db, field_names, values)
        # What the address was when read: a save that changes it asks for a new capture
        # (sources/capture/signals.py).
        source.stored_url = source.__dict__.get("url")
        return source

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


class CaptureQuerySet(models.QuerySet):
    def successful(self) -> "CaptureQuerySet":
        """Captures that reached the document: what "seen on DATE" reads."""
        return self.filter(outcome__in=Capture.SEEN)

    def with_body(self) -> "CaptureQuerySet":
        """Captures that stored a body of their own (and its text): archived copies."""
        return self.filter(outcome__in=Capture.HOLDS_BODY)

    def alerts(self) -> "CaptureQuerySet":
        """Captures that should send the claims citing their source to re-review."""
        return self.filter(outcome__in=[Capture.Outcome.CHANGED, Capture.Outcome.VANISHED])


class Capture(AppendOnly):
    """One attempt to fetch a source's document, whatever came of it. Append-only: a later
    check is a new capture, so what we saw on any day stays on the record (a trigger refuses
    UPDATE and DELETE on PostgreSQL; on SQLite a trigger refuses UPDATE and the model both)."""

    resave_refusal = _("Captures are append-only; fetch again for a new one.")
    delete_refusal = _("Captures are append-only and cannot be deleted.")

    class Outcome(models.TextChoices):
        CAPTURED = "captured", _("Captured")
        CHANGED = "changed", _("Text changed")
        UNCHANGED = "unchanged", _("Unchanged")
        NOT_MODIFIED = "not_modified", _("Not modified (304)")
        MISSING = "missing", _("Not found")
        VANISHED = "vanished", _("Vanished")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    # The document answered: it was seen that day.
    SEEN = (Outcome.CAPTURED, Outcome.CHANGED, Outcome.UNCHANGED, Outcome.NOT_MODIFIED)
    # A new body was stored, with its text: an archived copy of its own.
    HOLDS_BODY = (Outcome.CAPTURED, Outcome.CHANGED)
    # The document is not there (404/410, its host gone, nothing listening).
    GONE = (Outcome.MISSING, Outcome.VANISHED)

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="captures"
    )
    requested_url = models.CharField(_("requested address"), max_length=2000)
    final_url = models.CharField(_("final address"), max_length=2000, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"), default=timezone.now, db_index=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    reason = models.TextField(_("reason"), blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    size = models.BigIntegerField(_("size in bytes"), null=True, blank=True)
    # SHA-256 of the body: it also names the stored file (bodies/ab/abcd…), so identical
    # bodies are stored once.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    warc_name = models.CharField(_("WARC file"), max_length=300, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    main_text = models.TextField(_("main text"), blank=True)
    title = models.CharField(_("title found"), max_length=500, blank=True)
    publisher_name = models.CharField(_("publisher found"), max_length=200, blank=True)
    published_on = models.DateField(_("published date found"), null=True, blank=True)
    text_changed = models.BooleanField(_("text changed"), default=False)
    # The latest capture before this one that stored a body: what an unchanged capture shows,
    # what a changed one is compared with.
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous copy"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = CaptureQuerySet.as_manager()

    class Meta:
        ordering = ["source", "-fetched_at", "-id"]
        get_latest_by = ["fetched_at", "id"]
        verbose_name = _("capture")
        verbose_name_plural = _("captures")
        indexes = [
            models.Index(fields=["source", "-fetched_at", "-id"], name="capture_latest_idx"),
            models.Index(
                fields=["fetched_at"],
                condition=Q(outcome__in=["changed", "vanished"]),
                name="capture_alert_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome__in=["captured", "changed"]) | ~Q(sha256=""),
                name="capture_body_has_hash",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.get_outcome_display()} ({self.fetched_at:%Y-%m-%d %H:%M})"

    @property
    def copy(self) -> "Capture | None":
        """The capture whose stored body and text this one shows."""
        if self.outcome in self.HOLDS_BODY:
            return self
        if self.outcome in (self.Outcome.UNCHANGED, self.Outcome.NOT_MODIFIED):
            return self.previous
        return None

    @property
    def body_name(self) -> str:
        return f"bodies/{self.sha256[:2]}/{self.sha256}" if self.sha256 else ""
