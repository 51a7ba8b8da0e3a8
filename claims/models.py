"""What was said, and what we concluded about it."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sources.models import AppendOnly, Capture, Investigation, InvestigationUpdate, Source, http_url
from sources.validators import not_in_future


def default_language_url(obj: models.Model) -> str:
    """The object's page in the site's default language (`/en/claims/12-…/`): the one address
    given to machines (ClaimReview, the API, exports), whatever language the request or
    command that builds it runs in; a reader who follows it can switch from there."""
    with override(settings.LANGUAGE_CODE):
        return obj.get_absolute_url()


class Claimant(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PERSON)
    role = models.CharField(_("role"), max_length=200, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", _("A Wikidata id looks like Q12345."))],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("claimant")
        verbose_name_plural = _("claimants")
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="claimant_wikidata_id_unique_when_set",
            ),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__startswith="Q"),
                name="claimant_wikidata_id_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name

    def get_absolute_url(self) -> str:
        return reverse("claims:claimant_detail", kwargs={"slug": self.slug})


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("claims:topic_detail", kwargs={"slug": self.slug})


class Rating(models.Model):
    """One step of the verdict scale, or a non-final status such as "Under investigation".

    Final ratings carry an ordinal (1 = worst) that becomes ClaimReview's ratingValue.
    """

    label = models.CharField(_("label"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    ordinal = models.PositiveSmallIntegerField(
        _("position on the scale"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("1 is the worst verdict. Empty for non-final statuses."),
    )
    is_final = models.BooleanField(
        _("final verdict"),
        default=True,
        help_text=_("Non-final statuses (Unverified, Under investigation) are not verdicts."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#6b7280",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a hex colour like #1a7f37."))],
    )
    description = models.TextField(_("definition"), help_text=_("Shown to readers."))
    label_fr = models.CharField(_("label in French"), max_length=60, blank=True)
    description_fr = models.TextField(_("definition in French"), blank=True)

    class Meta:
        ordering = [models.F("ordinal").desc(nulls_last=True), "label"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_final=False, ordinal__isnull=True)
                | Q(is_final=True, ordinal__isnull=False),
                name="rating_final_has_ordinal",
                violation_error_message=_(
                    "A final verdict needs a position on the scale; a non-final status has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ordinal__isnull=True) | Q(ordinal__gte=1),
                name="rating_ordinal_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.localized_label

    @property
    def localized_label(self) -> str:
        """The label in the reader's language, falling back to the main one."""
        if (get_language() or "").startswith("fr") and self.label_fr:
            return self.label_fr
        return self.label

    @property
    def localized_description(self) -> str:
        if (get_language() or "").startswith("fr") and self.description_fr:
            return self.description_fr
        return self.description


class ClaimQuerySet(models.QuerySet):
    def published(self) -> "ClaimQuerySet":
        """Claims readers may see: published ones. Every public read starts here."""
        return self.filter(publication_state=Claim.State.PUBLISHED)

    def ever_published(self) -> "ClaimQuerySet":
        """Claims that have been public at some time (published now, or withdrawn): what
        they show belongs to the public record, and only chief editors change it."""
        return self.filter(published_at__isnull=False)

    def with_open_investigation(self) -> "ClaimQuerySet":
        """Claims that depend on an investigation still requested or open."""
        pending = Investigation.objects.filter(
            claims=models.OuterRef("pk"),
            state__in=[Investigation.State.REQUESTED, Investigation.State.OPEN],
        )
        return self.filter(models.Exists(pending))

    def search(self, query: str) -> "ClaimQuerySet":
        """Claims matching a reader's search, best first.

        PostgreSQL: full-text search over French, English and language-neutral stems with
        accents folded, ranked by ts_rank (see claims/search.py). Elsewhere: a plain substring
        match in the claim, the quote, its translation, the summary and the claimant's name.
        """
        from .search import search_claims

        return search_claims(self, query)

    def needs_rereview(self) -> "ClaimQuerySet":
        """Rated claims whose evidence or investigations moved after their last status change.

        Evidence added or edited, an update recorded on one of the claim's investigations, or
        a capture finding that a cited source vanished or that its text changed, later than
        the claim's latest status change (a "reviewed, no change" entry counts).
        """
        last_change = StatusChange.objects.filter(claim=models.OuterRef("pk")).order_by(
            "-created_at"
        )
        rated = self.annotate(
            last_change_at=models.Subquery(last_change.values("created_at")[:1])
        ).filter(last_change_at__isnull=False)
        newer_evidence = Evidence.objects.filter(
            claim=models.OuterRef("pk"), updated_at__gt=models.OuterRef("last_change_at")
        )
        newer_update = InvestigationUpdate.objects.filter(
            investigation__claims=models.OuterRef("pk"),
            created_at__gt=models.OuterRef("last_change_at"),
        )
        source_alert = Capture.objects.alerts().filter(
            source__evidence__claim=models.OuterRef("pk"),
            fetched_at__gt=models.OuterRef("last_change_at"),
        )
        return rated.filter(
            models.Exists(newer_evidence)
            | models.Exists(newer_update)
            | models.Exists(source_alert)
        )

    def for_cards(self) -> "ClaimQuerySet":
        """What a list of claims shows: claimant and rating in the same query."""
        return self.select_related("claimant", "rating")


class Claim(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The only moves of publication_state. A published claim never goes back to draft: once
    # readers have seen it, it stays on the record (withdrawn at most). The database holds the
    # same table (migration 0013); the workflow's actions are derived from it.
    TRANSITIONS = frozenset(
        {
            (State.DRAFT, State.REVIEW),
            (State.REVIEW, State.DRAFT),
            (State.DRAFT, State.PUBLISHED),
            (State.REVIEW, State.PUBLISHED),
            (State.PUBLISHED, State.WITHDRAWN),
            (State.WITHDRAWN, State.PUBLISHED),
        }
    )
    # A claim comes into the world as a draft, in review, or (an import with --publish)
    # published; never withdrawn.
    INITIAL_STATES = frozenset({State.DRAFT, State.REVIEW, State.PUBLISHED})

    text = models.TextField(
        _("claim as reviewed"),
        help_text=_("The checkable statement, in the words we review it under."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        blank=True,
        db_index=False,  # URLs find a claim by its number; the slug is only words for readers
        help_text=_("Words in the public URL; the claim's number keeps the URL stable."),
    )
    quote = models.TextField(_("verbatim quote"), blank=True)
    quote_language = models.CharField(_("quote language"), max_length=8, blank=True)
    quote_translation = models.TextField(_("translation of the quote"), blank=True)
    claimant = models.ForeignKey(
        Claimant, verbose_name=_("claimant"), on_delete=models.PROTECT, related_name="claims"
    )
    said_on = models.DateField(_("date said"), validators=[not_in_future])
    language = models.CharField(_("language"), max_length=8, default="fr")
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="claims"
    )
    investigations = models.ManyToManyField(
        Investigation,
        verbose_name=_("investigations"),
        blank=True,
        related_name="claims",
        help_text=_("Outside proceedings whose outcome may change this verdict."),
    )
    summary = models.TextField(
        _("public summary of the verdict"),
        blank=True,
        help_text=_("What readers see under the verdict."),
    )
    # The current rating is derived data: only status_change_record() writes it, together with
    # the StatusChange that explains it.
    rating = models.ForeignKey(
        Rating,
        verbose_name=_("current rating"),
        on_delete=models.PROTECT,
        related_name="claims",
        null=True,
        blank=True,
        editable=False,
    )
    # Moved only by the services (submit, publish, withdraw), which check who may do what.
    publication_state = models.CharField(
        _("publication state"), max_length=20, choices=State, default=State.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    # Optimistic lock: every save through the editors' form bumps it; a form that was opened
    # on an older version is refused instead of overwriting a colleague's work.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # For claims imported from ClaimReview: the review's normalised URL and the claim text,
    # hashed, so importing the same review again finds this claim instead of a new one.
    import_key = models.CharField(max_length=40, blank=True, editable=False)
    # What the last import left of the claim (claimreview.load.claim_import_fingerprint): a
    # later import changes the claim only while it still matches, so a person's edit stands.
    # A default in the database too: rows written by raw SQL (seed_bench) may leave it out.
    import_fingerprint = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    withdrawal_note = models.TextField(_("public withdrawal note"), blank=True)
    editor_note = models.TextField(
        _("editors' note"), blank=True, help_text=_("Internal; never shown to readers.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # What readers are told of updates (the API, the sitemap, ClaimReview's dateModified, the
    # "recently updated" order): the time the claim's page last changed, set by a database
    # trigger when its key moves (claims/public/triggers.py), so an editors' note saved at
    # night never shows, and new evidence or topics do.
    public_updated_at = models.DateTimeField(_("last public change"), null=True, editable=False)
    # Derived by claims/search.py after each save; only PostgreSQL fills it.
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["updated_at", "public_updated_at", "search_vector"]
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-said_on", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("publish_claim", _("Can publish and withdraw claims")),
            ("rate_published_claim", _("Can change the rating of a published claim")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(publication_state="withdrawn") | ~Q(withdrawal_note=""),
                name="claim_withdrawn_has_note",
                violation_error_message=_("A withdrawn claim needs a public withdrawal note."),
            ),
            models.CheckConstraint(
                condition=Q(publication_state__in=["draft", "review"])
                | Q(published_at__isnull=False),
                name="claim_published_has_date",
            ),
            # A draft or a claim in review has never been public: no publication date.
            models.CheckConstraint(
                condition=~Q(publication_state__in=["draft", "review"])
                | Q(published_at__isnull=True),
                name="claim_unpublished_has_no_date",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_required"),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="claim_import_key_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["publication_state", "-said_on"], name="claim_public_said_on_idx"),
            models.Index(
                fields=["publication_state", "-public_updated_at"],
                name="claim_public_changed_idx",
            ),
            models.Index(fields=["language"], name="claim_language_idx"),
            # The home page: the latest verdicts, and how many published claims carry each
            # rating (an index-only count).
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(publication_state="published") & Q(rating__isnull=False),
                name="claim_latest_verdicts_idx",
            ),
            models.Index(
                fields=["rating"],
                condition=Q(publication_state="published"),
                name="claim_published_rating_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.text)[:80].rstrip("-") or "claim"
        self.check_record_rules()
        if not self._state.adding and kwargs.get("update_fields") is None:
            # The database dates public changes (public_updated_at): never write it back.
            deferred = self.get_deferred_fields()  # as Django saves a partly loaded row
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "public_updated_at" and f.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        if not self.slug:  # an unsaved edit that emptied it: the stable short address
            return reverse("claims:claim_short", kwargs={"pk": self.pk})
        return reverse("claims:claim_detail", kwargs={"pk": self.pk, "slug": self.slug})

    def delete(self, *args, **kwargs):
        if self.published_at is not None:
            raise ValidationError(
                _("A claim that has been published is never deleted; withdraw it instead.")
            )
        return super().delete(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.publication_state == self.State.PUBLISHED

    @property
    def was_published(self) -> bool:
        """Public now or once (withdrawn): see ClaimQuerySet.ever_published()."""
        return self.published_at is not None

    def check_record_rules(self) -> None:
        """The rules of the public record, as the database holds them on PostgreSQL (migration
        0013), checked here for every ORM save on any database: publication state moves only
        along TRANSITIONS, the first publication is never undone or redated, and the current
        rating is the latest status change's."""
        stored = (
            Claim.objects.filter(pk=self.pk)
            .values("publication_state", "published_at", "published_by_id", "rating_id")
            .first()
            if self.pk is not None
            else None
        )
        if stored is None:
            if self.publication_state not in self.INITIAL_STATES:
                raise ValidationError(_("A new claim cannot start out withdrawn."))
        else:
            move = (stored["publication_state"], self.publication_state)
            if move[0] != move[1] and move not in self.TRANSITIONS:
                raise ValidationError(
                    _("A claim cannot go from %(old)s to %(new)s.")
                    % {"old": self.State(move[0]).label, "new": self.State(move[1]).label}
                )
            if stored["published_at"] is not None and (
                self.published_at != stored["published_at"]
                or self.published_by_id != stored["published_by_id"]
            ):
                raise ValidationError(_("The first publication of a claim is never undone."))
        if stored is None or stored["rating_id"] != self.rating_id:
            latest = (
                StatusChange.objects.filter(claim_id=self.pk).order_by("-created_at", "-id")
                if self.pk is not None
                else StatusChange.objects.none()
            )
            if self.rating_id != latest.values_list("to_rating_id", flat=True).first():
                raise ValidationError(_("A claim's rating changes only through a status change."))

    @property
    def has_final_rating(self) -> bool:
        return self.rating is not None and self.rating.is_final


class Appearance(models.Model):
    """Where the claim was made or repeated."""

    class Medium(models.TextChoices):
        TV = "tv", _("Television")
        RADIO = "radio", _("Radio")
        PRINT = "print", _("Print")
        ONLINE = "online", _("Online article")
        SOCIAL = "social", _("Social media")
        SPEECH = "speech", _("Speech or rally")
        PARLIAMENT = "parliament", _("Parliament")
        PRESS = "press", _("Press conference or briefing")
        OTHER = "other", _("Other")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="appearances"
    )
    medium = models.CharField(_("medium"), max_length=20, choices=Medium)
    outlet = models.CharField(_("outlet or programme"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=2000, blank=True, validators=[http_url])
    archive_url = models.URLField(
        _("archived copy"), max_length=2000, blank=True, validators=[http_url]
    )
    appeared_on = models.DateField(_("date"), validators=[not_in_future])
    history = HistoricalRecords()

    class Meta:
        ordering = ["appeared_on", "id"]
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "url"],
                condition=~Q(url=""),
                name="appearance_url_unique_per_claim",
            ),
        ]

    def __str__(self) -> str:
        where = self.outlet or self.get_medium_display()
        return f"{where}, {self.appeared_on:%Y-%m-%d}"


class StatusChangeQuerySet(models.QuerySet):
    def after_publication(self) -> "StatusChangeQuerySet":
        """Changes made once the claim had been published: changes of a public verdict."""
        return self.filter(after_publication=True)

    def on_record(self) -> "StatusChangeQuerySet":
        """What readers see of the rating history: the verdict the claim was first published
        with, and every change after. Ratings proposed before publication stay in the admin."""
        first_verdict = PublicationEvent.objects.filter(
            status_change=models.OuterRef("pk"), kind=PublicationEvent.Kind.PUBLISHED
        )
        return self.filter(Q(after_publication=True) | models.Exists(first_verdict))


class StatusChange(AppendOnly):
    """One step of a claim's rating history. Append-only: rows are never edited or deleted."""

    resave_refusal = _("Status changes are append-only; record a new one instead.")
    delete_refusal = _("Status changes are append-only and cannot be deleted.")

    class Kind(models.TextChoices):
        UPDATE = "update", _("Update (new facts)")
        CORRECTION = "correction", _("Correction (our error)")
        REVIEWED = "reviewed", _("Reviewed, no change")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_rating = models.ForeignKey(
        Rating,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    to_rating = models.ForeignKey(
        Rating, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    facts_known_on = models.DateField(
        _("facts known on"), help_text=_("The date the facts behind this change became known.")
    )
    explanation = models.TextField(_("public explanation"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.UPDATE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now, editable=False)
    # Made after the claim was first published: a change of a public verdict. Fixed when the
    # row is written (published_at never moves once set, and rows are append-only), by a
    # trigger on PostgreSQL (migration 0017) and by save() elsewhere, so that the public
    # record of changes is one indexed read instead of a pass over every claim's history.
    after_publication = models.BooleanField(default=False, db_default=False, editable=False)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "created_at", "id"]
        get_latest_by = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(explanation=""),
                name="status_change_explanation_required",
                violation_error_message=_("A status change needs a public explanation."),
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at"], name="status_change_recent_idx"),
            # The public record of changes, newest first (home, feeds, corrections).
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(after_publication=True) & ~Q(kind="reviewed"),
                name="status_change_public_idx",
            ),
            # A claim's latest change: its current rating, checked at every write.
            models.Index(fields=["claim", "created_at", "id"], name="status_change_latest_idx"),
        ]

    def __str__(self) -> str:
        before = self.from_rating or "—"
        return f"{before} → {self.to_rating} ({self.facts_known_on:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(self.resave_refusal)
        published_at = Claim.objects.filter(pk=self.claim_id).values("published_at")[:1]
        first = published_at[0]["published_at"] if published_at else None
        self.after_publication = first is not None and self.created_at > first
        super().save(*args, **kwargs)

    def clean(self):
        if self.facts_known_on and self.facts_known_on > timezone.localdate():
            raise ValidationError({"facts_known_on": _("Facts cannot become known in the future.")})


class PublicationEvent(AppendOnly):
    """A claim going public, being withdrawn, or coming back: public, dated, append-only.

    The claim's publication state always matches its latest event (the database checks it at
    commit on PostgreSQL), so a withdrawal and its note stay on the record after the claim is
    published again.
    """

    resave_refusal = _("Publication events are append-only.")
    delete_refusal = _("Publication events are append-only and cannot be deleted.")

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REPUBLISHED = "republished", _("Published again")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="publication_events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # The verdict readers saw from this moment: the claim's latest status change then.
    status_change = models.ForeignKey(
        StatusChange,
        verbose_name=_("verdict at the time"),
        on_delete=models.PROTECT,
        related_name="publication_events",
        null=True,
        blank=True,
    )
    note = models.TextField(_("public note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["claim", "created_at", "id"]
        get_latest_by = ["created_at", "id"]
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="withdrawn") | ~Q(note=""),
                name="publication_event_withdrawal_has_note",
                violation_error_message=_("A withdrawal needs a public note."),
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(kind="published"),
                name="publication_event_first_once",
            ),
        ]
        indexes = [
            # The feed's latest events: in the index's order, or PostgreSQL sorts them all.
            models.Index(fields=["-created_at", "-id"], name="publication_event_recent_idx"),
            models.Index(fields=["claim", "created_at", "id"], name="publication_event_latest_idx"),
        ]

    # What each kind leaves the claim as.
    STATE_AFTER = {
        Kind.PUBLISHED: Claim.State.PUBLISHED,
        Kind.REPUBLISHED: Claim.State.PUBLISHED,
        Kind.WITHDRAWN: Claim.State.WITHDRAWN,
    }

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class Evidence(models.Model):
    """A source linked to a claim, with the side it takes."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports the claim")
        CONTRADICTS = "contradicts", _("Contradicts the claim")
        CONTEXT = "context", _("Context")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="evidence"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="evidence"
    )
    stance = models.CharField(_("stance"), max_length=20, choices=Stance)
    excerpt = models.TextField(_("relevant excerpt"), blank=True)
    note = models.TextField(_("editor's note"), blank=True, help_text=_("Internal."))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "stance", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source"],
                name="evidence_source_once_per_claim",
                violation_error_message=_("This source is already evidence for this claim."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source.title}"


class ClaimLink(models.Model):
    """A typed link between two claims, so a repeated claim points at the one verdict."""

    class Kind(models.TextChoices):
        REPEAT = "repeat", _("Repeats")
        SAME_OTHER_CLAIMANT = "same_other_claimant", _("Same claim by another claimant")
        FOLLOW_UP = "follow_up", _("Follows up")
        CONTRADICTS = "contradicts", _("Contradicts an earlier claim")

    from_claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="links_out"
    )
    to_claim = models.ForeignKey(
        Claim, verbose_name=_("linked claim"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["from_claim", "kind", "id"]
        verbose_name = _("claim link")
        verbose_name_plural = _("claim links")
        constraints = [
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "kind"], name="claim_link_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_claim=models.F("to_claim")),
                name="claim_link_not_self",
                violation_error_message=_("A claim cannot link to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_claim} — {self.get_kind_display()} — {self.to_claim}"


class EditorialPage(models.Model):
    """A page of text editors keep up to date, such as the methodology, in each UI language."""

    slug = models.SlugField(_("slug"), max_length=60)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Plain text; a blank line starts a paragraph."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug", "language"]
        verbose_name = _("editorial page")
        verbose_name_plural = _("editorial pages")
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="editorial_page_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def get_absolute_url(self) -> str:
        return reverse("claims:page", kwargs={"slug": self.slug})


class RatingMapping(models.Model):
    """How another newsroom's textual rating ("Faux", "Pants on Fire", "misleading") maps onto
    our scale when its ClaimReview records are imported."""

    label = models.CharField(
        _("their label"),
        max_length=200,
        unique=True,
        help_text=_("Compared without case, accents, punctuation or surrounding spaces."),
    )
    rating = models.ForeignKey(
        Rating, verbose_name=_("our rating"), on_delete=models.PROTECT, related_name="mappings"
    )

    class Meta:
        ordering = ["label"]
        verbose_name = _("rating mapping")
        verbose_name_plural = _("rating mappings")

    def __str__(self) -> str:
        return f"{self.label} → {self.rating}"

    def save(self, *args, **kwargs):
        self.label = normalise_label(self.label)
        super().save(*args, **kwargs)


def normalise_label(label: str) -> str:
    """A rating label reduced to what matters for matching: "  FAUX\r" → "faux",
    "não_é_bem_assim" → "nao e bem assim", "Half-True" → "half true"."""
    import html
    import unicodedata

    text = html.unescape(str(label)).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(text.split())[:200]


class PublicKey(models.Model):
    """The version of one thing readers can see (claims/public/dependencies.py names them).

    Database triggers move a key's version when a transaction that changed what it names
    commits (claims/public/triggers.py), so raw SQL, bulk updates and imports count too.
    Public pages compare the versions of the keys they show: a status change shows on the
    very next request, and nothing else is recomputed. A key never touched has no row.
    """

    key = models.CharField(primary_key=True, max_length=200)
    version = models.BigIntegerField(default=1)
    changed_at = models.FloatField(default=0, help_text="Unix time of the last change.")

    class Meta:
        verbose_name = _("public key")
        verbose_name_plural = _("public keys")

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"
