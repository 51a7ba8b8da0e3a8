"""The admin of the claims around a claim: claimants, topics, the rating scale, status
history, evidence, appearances, links, rating mappings, editorial pages."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    Appearance,
    Claimant,
    ClaimLink,
    EditorialPage,
    Evidence,
    Rating,
    RatingMapping,
    StatusChange,
    Topic,
)


def rating_badge(rating: Rating | None):
    if rating is None:
        return _("Not rated")
    return format_html('<span class="rating-badge rating-{}">{}</span>', rating.slug, rating.label)


@admin.register(Claimant)
class ClaimantAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "role", "affiliation", "wikidata_id"]
    list_filter = ["kind"]
    search_fields = ["name", "role", "affiliation", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["badge", "ordinal", "is_final", "colour", "description"]
    list_filter = ["is_final"]
    search_fields = ["label", "description"]
    prepopulated_fields = {"slug": ["label"]}

    @admin.display(description=_("label"), ordering="label")
    def badge(self, obj):
        return rating_badge(obj)


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """Read-only: status changes are written through a claim's "Change status" form."""

    list_display = [
        "claim",
        "from_rating",
        "to_rating",
        "kind",
        "facts_known_on",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "to_rating"]
    list_select_related = ["claim", "from_rating", "to_rating", "created_by"]
    search_fields = ["explanation", "claim__text"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["source", "claim", "stance", "created_at"]
    list_filter = ["stance", "source__kind"]
    list_select_related = ["source", "claim"]
    search_fields = ["excerpt", "note", "source__title", "claim__text"]
    autocomplete_fields = ["claim", "source"]
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Appearance)
class AppearanceAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "medium", "outlet", "appeared_on"]
    list_filter = ["medium"]
    list_select_related = ["claim"]
    search_fields = ["outlet", "url", "claim__text"]
    autocomplete_fields = ["claim"]
    date_hierarchy = "appeared_on"


@admin.register(ClaimLink)
class ClaimLinkAdmin(admin.ModelAdmin):
    list_display = ["from_claim", "kind", "to_claim", "created_at"]
    list_filter = ["kind"]
    search_fields = ["from_claim__text", "to_claim__text"]
    autocomplete_fields = ["from_claim", "to_claim"]


@admin.register(RatingMapping)
class RatingMappingAdmin(admin.ModelAdmin):
    """How other newsrooms' rating labels map onto our scale when importing ClaimReview."""

    list_display = ["label", "rating"]
    list_filter = ["rating"]
    search_fields = ["label"]
    list_select_related = ["rating"]


@admin.register(EditorialPage)
class EditorialPageAdmin(SimpleHistoryAdmin):
    """Pages such as the methodology, one row per UI language."""

    list_display = ["title", "slug", "language", "updated_at"]
    list_filter = ["language"]
    search_fields = ["title", "body"]
