"""The public claim list's filters, shared with the API so they are written once.

Choices and accepted values come from published claims only (claims.selectors.reachable):
a claimant or topic only drafts use answers exactly like one that never existed.
"""

import functools

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from ..models import Claim, Claimant, Rating, Topic
from ..search import MAX_QUERY_LENGTH, matching_lexemes
from ..selectors import reachable
from .caching import cached
from .dependencies import (
    CARDS,
    CLAIMS,
    PUBLISHED,
    RATINGS,
    UPDATED,
    listing_key,
    rating_key,
    term_key,
)


def published_languages() -> list[str]:
    """The languages of published claims; recomputed only when published claims change."""
    return cached(
        "published-languages",
        lambda: list(
            Claim.objects.published()
            .order_by("language")
            .values_list("language", flat=True)
            .distinct()
        ),
        PUBLISHED,
    )


def public_topics() -> list[tuple[str, str]]:
    """(slug, name) of the topics published claims carry; recomputed only when published claims
    change."""
    return cached(
        "public-topics",
        lambda: list(reachable(Topic).order_by("name").values_list("slug", "name")),
        PUBLISHED,
        CARDS,
    )


def rating_scale() -> list[Rating]:
    """The ratings in the scale's order; read again only when a rating changes."""
    return cached("rating-scale", lambda: list(Rating.objects.all()), RATINGS)


class StableOrdering(django_filters.OrderingFilter):
    """The order a reader chose, then the newest first: claims said on the same day keep their
    places from one page (and one render) to the next."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.order_by(*(self.get_ordering_value(param) for param in value), "-id")


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search", max_length=MAX_QUERY_LENGTH
    )
    rating = django_filters.ModelChoiceFilter(
        label=_("Rating"),
        queryset=Rating.objects.all(),
        to_field_name="slug",
        empty_label=_("Any rating"),
    )
    # A text box, not a select: a newsroom has tens of thousands of claimants.
    claimant = django_filters.ModelChoiceFilter(
        label=_("Claimant (name in the address, e.g. gerald-darmanin)"),
        queryset=reachable(Claimant),
        to_field_name="slug",
        widget=forms.TextInput,
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        queryset=reachable(Topic),
        to_field_name="slug",
        empty_label=_("Any topic"),
    )
    # Called each time the choices are read: a field built once (the API schema builds the
    # class's own) never keeps the languages of that moment.
    language = django_filters.ChoiceFilter(
        label=_("Language of the claim"),
        choices=lambda: [(code, code) for code in published_languages()],
        empty_label=_("Any language"),
    )
    said_from = django_filters.DateFilter(
        label=_("Said from"),
        field_name="said_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    said_to = django_filters.DateFilter(
        label=_("Said until"),
        field_name="said_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    open_investigation = django_filters.BooleanFilter(
        label=_("Open investigation"),
        method="filter_open_investigation",
        widget=forms.Select(choices=[("", _("Either")), ("true", _("Yes")), ("false", _("No"))]),
    )
    sort = StableOrdering(
        label=_("Sort by"),
        fields=[("said_on", "said"), ("public_updated_at", "updated")],
        field_labels={"-said": _("Newest"), "-updated": _("Recently updated")},
        choices=[("-said", _("Newest")), ("-updated", _("Recently updated"))],
        empty_label=_("Relevance or newest"),
    )

    class Meta:
        model = Claim
        fields = [
            "q",
            "rating",
            "claimant",
            "topic",
            "language",
            "said_from",
            "said_to",
            "open_investigation",
        ]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            fields = super().form.fields
            topic, rating = fields["topic"], fields["rating"]
            # A value is checked against reachable(Topic) (one indexed query); the selects'
            # options come from the cache instead of a query over every topic's claims (and a
            # server-side cursor over the ratings) on each request, read once per form and
            # only if it is rendered (never for JSON).
            topic.widget.choices = functools.cache(
                lambda: [("", topic.empty_label), *public_topics()]
            )
            rating.widget.choices = functools.cache(
                lambda: [("", rating.empty_label), *((r.slug, str(r)) for r in rating_scale())]
            )
        return super().form

    def dependency_keys(self) -> list[str]:
        """What the listing this filters shows depends on: `cards`, and the key of one
        filter that every claim it can match touches (its search words', its claimant's,
        topic's or rating's; dependencies.RULES, claims_claim), or else every claim's."""
        if self.is_bound and self.form.errors:
            return [CLAIMS, UPDATED]  # a value left out may be valid after the next change
        data = self.form.cleaned_data if self.is_bound else {}
        ordered_by_change = any(o.lstrip("-") == "updated" for o in data.get("sort") or [])
        keys = [UPDATED] if ordered_by_change else []
        narrowest = None
        if data.get("q"):
            lexemes = matching_lexemes(data["q"])
            if lexemes is not None:
                narrowest = [term_key(lexeme) for lexeme in lexemes]
        # A claimant or topic given is checked against those published claims reach: its
        # list's key moves when that may change (and a search alone would not see it).
        chosen = [listing_key(data[name]) for name in ("claimant", "topic") if data.get(name)]
        if narrowest is None and chosen:
            narrowest = []
        if narrowest is None and data.get("rating"):
            narrowest = [rating_key(data["rating"].pk)]
        if narrowest is None:
            return [CLAIMS, *keys]
        return [CARDS, *narrowest, *chosen, *keys]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_open_investigation(self, queryset, name, value):
        if value is None:
            return queryset
        pending = queryset.with_open_investigation().values("pk")
        return queryset.filter(pk__in=pending) if value else queryset.exclude(pk__in=pending)
