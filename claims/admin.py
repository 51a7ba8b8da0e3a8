from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .forms import StatusChangeForm
from .models import (
    Appearance,
    Claim,
    Claimant,
    ClaimLink,
    EditorialPage,
    Evidence,
    Rating,
    StatusChange,
    Topic,
)
from .services import status_change_record


def rating_badge(rating: Rating | None):
    if rating is None:
        return _("Not rated")
    return format_html(
        '<span style="border-left:0.8em solid {};padding-left:0.4em">{}</span>',
        rating.colour,
        rating.label,
    )


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


class AppearanceInline(admin.TabularInline):
    model = Appearance
    extra = 0
    fields = ["medium", "outlet", "appeared_on", "url", "archive_url"]


class EvidenceInline(admin.StackedInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ["source"]
    fields = [("source", "stance"), "excerpt", "note"]


class StatusHistoryInline(admin.TabularInline):
    """The claim's rating history, read-only: it only grows through "Change status"."""

    model = StatusChange
    verbose_name_plural = _("Status history")
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "from_rating",
        "to_rating",
        "facts_known_on",
        "kind",
        "explanation",
        "created_by",
    ]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OutgoingLinkInline(admin.TabularInline):
    model = ClaimLink
    fk_name = "from_claim"
    extra = 0
    autocomplete_fields = ["to_claim"]
    verbose_name_plural = _("Links to other claims")


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = [
        "short_text",
        "claimant_name",
        "current_rating",
        "publication_state",
        "said_on",
        "updated_at",
    ]
    list_filter = ["publication_state", "rating", "language", "topics", "claimant__kind"]
    list_select_related = ["claimant", "rating"]
    search_fields = ["text", "quote", "quote_translation", "claimant__name"]
    autocomplete_fields = ["claimant", "topics", "investigations"]
    date_hierarchy = "said_on"
    readonly_fields = ["current_rating", "published_at", "created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["text", "claimant", "said_on", "language", "topics"]}),
        (_("Quote"), {"fields": ["quote", "quote_language", "quote_translation"]}),
        (_("Verdict"), {"fields": ["current_rating", "summary", "investigations"]}),
        (
            _("Publication"),
            {"fields": ["publication_state", "slug", "published_at", "withdrawal_note"]},
        ),
        (_("Internal"), {"fields": ["editor_note", "created_by", "created_at", "updated_at"]}),
    ]
    inlines = [AppearanceInline, EvidenceInline, OutgoingLinkInline, StatusHistoryInline]
    actions = ["change_status_action"]

    @admin.display(description=_("claim"), ordering="text")
    def short_text(self, obj):
        return str(obj)

    @admin.display(description=_("claimant"), ordering="claimant__name")
    def claimant_name(self, obj):
        return obj.claimant.name

    @admin.display(description=_("current rating"), ordering="rating__ordinal")
    def current_rating(self, obj):
        return rating_badge(obj.rating)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Evidence) and instance.added_by_id is None:
                instance.added_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()

    def get_urls(self):
        return [
            path(
                "<path:object_id>/status/",
                self.admin_site.admin_view(self.change_status_view),
                name="claims_claim_status",
            ),
            *super().get_urls(),
        ]

    def has_status_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("claims.add_statuschange") and self.has_change_permission(
            request, obj
        )

    def change_status_view(self, request, object_id):
        claim = get_object_or_404(Claim.objects.select_related("rating", "claimant"), pk=object_id)
        if not self.has_status_change_permission(request, claim):
            raise PermissionDenied
        if request.method == "POST":
            form = StatusChangeForm(request.POST)
            if form.is_valid():
                change = status_change_record(claim=claim, user=request.user, **form.cleaned_data)
                messages.success(
                    request,
                    _("Status changed: %(change)s.") % {"change": change},
                )
                return redirect("admin:claims_claim_change", claim.pk)
        else:
            form = StatusChangeForm(
                initial={"to_rating": claim.rating, "kind": StatusChange.Kind.UPDATE}
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change status"),
            "subtitle": str(claim),
            "opts": self.opts,
            "original": claim,
            "form": form,
            "media": self.media + form.media,
            "history": claim.status_changes.select_related(
                "from_rating", "to_rating", "created_by"
            ).order_by("-created_at", "-id"),
        }
        return TemplateResponse(request, "admin/claims/claim/change_status.html", context)

    @admin.action(description=_("Change status of the selected claim"))
    def change_status_action(self, request, queryset):
        count = queryset.count()
        if count != 1:
            self.message_user(
                request,
                ngettext(
                    "Select exactly one claim to change its status (%(count)d selected).",
                    "Select exactly one claim to change its status (%(count)d selected).",
                    count,
                )
                % {"count": count},
                messages.WARNING,
            )
            return None
        return redirect(reverse("admin:claims_claim_status", args=[queryset.get().pk]))


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


@admin.register(EditorialPage)
class EditorialPageAdmin(SimpleHistoryAdmin):
    """Pages such as the methodology, one row per UI language."""

    list_display = ["title", "slug", "language", "updated_at"]
    list_filter = ["language"]
    search_fields = ["title", "body"]
