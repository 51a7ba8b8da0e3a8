"""The claim's admin page: its form, inlines, list, permissions and saving; the workflow
views and actions it adds come from `admin/workflow.py`."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    Appearance,
    Claim,
    ClaimLink,
    Evidence,
    StatusChange,
)
from ..services import (
    available_actions,
)
from ..similar import similar_claims
from .forms import ClaimAdminForm
from .records import rating_badge
from .vault import EvidenceVaultViews, alert_text, archive_summary, diff_html, source_alerts
from .workflow import PUBLICATION_ACTIONS, ClaimActions, ClaimWorkflowViews


class AppearanceInline(admin.TabularInline):
    model = Appearance
    extra = 0
    fields = ["medium", "outlet", "appeared_on", "url", "archive_url"]


class EvidenceInline(admin.StackedInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ["source"]
    fields = [("source", "stance"), "excerpt", "note", "archived"]
    readonly_fields = ["archived"]

    @admin.display(description=_("archived copy"))
    def archived(self, obj):
        return archive_summary(obj)


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


class NeedsRereviewFilter(admin.SimpleListFilter):
    title = _("re-review")
    parameter_name = "rereview"

    def lookups(self, request, model_admin):
        return [("needed", _("Needs re-review"))]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.filter(pk__in=Claim.objects.needs_rereview().values("pk"))
        return queryset


@admin.register(Claim)
class ClaimAdmin(EvidenceVaultViews, ClaimWorkflowViews, ClaimActions, SimpleHistoryAdmin):
    form = ClaimAdminForm
    view_on_site = False  # the object tools link only published claims to the site
    list_display = [
        "short_text",
        "claimant_name",
        "current_rating",
        "publication_state",
        "said_on",
        "published_by",
        "updated_at",
    ]
    list_filter = [
        NeedsRereviewFilter,
        "publication_state",
        "rating",
        "language",
        "topics",
        "claimant__kind",
    ]
    list_select_related = ["claimant", "rating", "published_by"]
    search_fields = ["text", "quote", "quote_translation", "claimant__name"]
    autocomplete_fields = ["claimant", "topics", "investigations"]
    date_hierarchy = "said_on"
    readonly_fields = [
        "current_rating",
        "publication_state",
        "published_at",
        "published_by",
        "withdrawal_note",
        "created_by",
        "created_at",
        "updated_at",
        "similar_claims",
    ]
    fieldsets = [
        (None, {"fields": ["text", "similar_claims", "claimant", "said_on", "language", "topics"]}),
        (_("Quote"), {"fields": ["quote", "quote_language", "quote_translation"]}),
        (_("Verdict"), {"fields": ["current_rating", "summary", "investigations"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "publication_state",
                    "slug",
                    "published_at",
                    "published_by",
                    "withdrawal_note",
                ]
            },
        ),
        (
            _("Internal"),
            {"fields": ["editor_note", "edit_version", "created_by", "created_at", "updated_at"]},
        ),
    ]
    inlines = [AppearanceInline, EvidenceInline, OutgoingLinkInline, StatusHistoryInline]
    actions = ["change_status_action", "submit_action", "publish_action", "export_csv_action"]

    class Media:
        js = ["admin/claims/similar_claims.js"]

    @admin.display(description=_("claim"), ordering="text")
    def short_text(self, obj):
        return str(obj)

    @admin.display(description=_("claimant"), ordering="claimant__name")
    def claimant_name(self, obj):
        return obj.claimant.name

    @admin.display(description=_("current rating"), ordering="rating__ordinal")
    def current_rating(self, obj):
        return rating_badge(obj.rating)

    @admin.display(description=_("similar claims"))
    def similar_claims(self, obj):
        matches = similar_claims(obj.text, exclude_pk=obj.pk) if obj and obj.pk else []
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> — {} ({})</li>',
            (
                (
                    reverse("admin:claims_claim_change", args=[c.pk]),
                    c.text,
                    c.claimant.name,
                    c.rating or _("not rated"),
                )
                for c in matches
            ),
        )
        empty = _("None found.") if obj and obj.pk else _("Type the claim to look for repeats.")
        return format_html(
            '<ul id="similar-claims" data-url="{}">{}</ul>{}',
            reverse("admin:claims_claim_similar"),
            items,
            ""
            if matches
            else format_html('<p class="help" id="similar-claims-empty">{}</p>', empty),
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # nothing to show about publication before the claim exists
            return [fs for fs in fieldsets if fs[0] != _("Publication")]
        return fieldsets

    # -- who may do what ---------------------------------------------------------------------

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting happens one claim at a time, where the published-claim rule is checked.
        actions.pop("delete_selected", None)
        if not request.user.has_perm("claims.publish_claim"):
            actions.pop("publish_action", None)
        return actions

    # -- saving ------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            obj.version = form.cleaned_data["edit_version"] + 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Evidence) and instance.added_by_id is None:
                instance.added_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()

    # -- extra views -------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("similar/", view(self.similar_view), name="claims_claim_similar"),
            path(
                "<int:object_id>/status/",
                view(self.change_status_view),
                name="claims_claim_status",
            ),
            path(
                "<int:object_id>/reviewed/", view(self.reviewed_view), name="claims_claim_reviewed"
            ),
            path(
                "<int:object_id>/evidence-by-url/",
                view(self.evidence_by_url_view),
                name="claims_claim_evidence_by_url",
            ),
            path(
                "<int:object_id>/evidence-by-url/<int:source_id>/found/",
                view(self.source_found_view),
                name="claims_claim_source_found",
            ),
            path(
                "<int:object_id>/workflow/<str:action>/",
                view(self.workflow_view),
                name="claims_claim_workflow",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        extra = {}
        if claim is not None:
            actions = {action.name: action for action in available_actions(claim, request.user)}
            extra = {
                "workflow": [
                    (name, actions[name].label) for name in PUBLICATION_ACTIONS if name in actions
                ],
                "can_rate": "status" in actions,
                "can_confirm": "reviewed" in actions,
                "needs_rereview": Claim.objects.needs_rereview().filter(pk=claim.pk).exists(),
                "source_alerts": [
                    {"text": alert_text(capture), "diff": diff_html(capture)}
                    for capture in source_alerts(claim)
                ],
                "can_add_evidence": request.user.has_perm("claims.add_evidence"),
            }
        return super().change_view(
            request, object_id, form_url, extra_context={**extra, **(extra_context or {})}
        )
