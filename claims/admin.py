"""The editors' admin for claims: forms, inlines, workflow pages and actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .exports import export_queryset, write_claims_csv
from .forms import ClaimAdminForm, EvidenceByUrlForm, ReviewedForm, StatusChangeForm, WithdrawForm
from .models import (
    Appearance,
    Claim,
    Claimant,
    ClaimLink,
    EditorialPage,
    Evidence,
    Rating,
    RatingMapping,
    StatusChange,
    Topic,
)
from .services import (
    ACTIONS,
    available_actions,
    claim_mark_reviewed,
    evidence_add_by_url,
    publication_problems,
    publication_snapshot,
    status_change_record,
)
from .similar import similar_claims


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


class NeedsRereviewFilter(admin.SimpleListFilter):
    title = _("re-review")
    parameter_name = "rereview"

    def lookups(self, request, model_admin):
        return [("needed", _("Needs re-review"))]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.filter(pk__in=Claim.objects.needs_rereview().values("pk"))
        return queryset


# The publication steps the claim page offers as buttons (the rating steps have their own).
PUBLICATION_ACTIONS = [name for name, action in ACTIONS.items() if action.to_state is not None]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
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
                "can_add_evidence": request.user.has_perm("claims.add_evidence"),
            }
        return super().change_view(
            request, object_id, form_url, extra_context={**extra, **(extra_context or {})}
        )

    def _claim_or_404(self, request, object_id) -> Claim:
        claim = get_object_or_404(Claim.objects.select_related("rating", "claimant"), pk=object_id)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        return claim

    def _render(self, request, template: str, claim: Claim, title: str, **context):
        return TemplateResponse(
            request,
            f"admin/claims/claim/{template}",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "subtitle": str(claim),
                "opts": self.opts,
                "original": claim,
                **context,
            },
        )

    def change_status_view(self, request, object_id):
        claim = self._claim_or_404(request, object_id)
        if not ACTIONS["status"].allows(claim, request.user):
            raise PermissionDenied
        form = StatusChangeForm(
            request.POST or None,
            initial={"to_rating": claim.rating, "kind": StatusChange.Kind.UPDATE},
        )
        if request.method == "POST" and form.is_valid():
            try:
                change = status_change_record(claim=claim, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_change(request, claim, f"Status changed: {change}")
                messages.success(request, _("Status changed: %(change)s.") % {"change": change})
                return redirect("admin:claims_claim_change", claim.pk)
        history = claim.status_changes.select_related(
            "from_rating", "to_rating", "created_by"
        ).order_by("-created_at", "-id")
        return self._render(
            request,
            "change_status.html",
            claim,
            _("Change status"),
            form=form,
            media=self.media + form.media,
            history=history,
        )

    def reviewed_view(self, request, object_id):
        claim = self._claim_or_404(request, object_id)
        if not ACTIONS["reviewed"].allows(claim, request.user):
            raise PermissionDenied
        form = ReviewedForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                claim_mark_reviewed(claim=claim, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_change(request, claim, "Reviewed, rating unchanged")
                messages.success(request, _("Recorded: reviewed, rating unchanged."))
                return redirect("admin:claims_claim_change", claim.pk)
        return self._render(request, "reviewed.html", claim, _("Reviewed, no change"), form=form)

    def evidence_by_url_view(self, request, object_id):
        claim = self._claim_or_404(request, object_id)
        if not request.user.has_perm("claims.add_evidence"):
            raise PermissionDenied
        form = EvidenceByUrlForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                evidence, created = evidence_add_by_url(
                    claim=claim, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_change(request, claim, f"Evidence added by URL: {evidence.source.url}")
                if created:
                    note = _("New source created: %(source)s.")
                else:
                    note = _("Existing source reused: %(source)s.")
                messages.success(request, note % {"source": evidence.source})
                return redirect("admin:claims_claim_change", claim.pk)
        return self._render(
            request, "evidence_by_url.html", claim, _("Add evidence by URL"), form=form
        )

    def workflow_view(self, request, object_id, action):
        claim = self._claim_or_404(request, object_id)
        if action not in PUBLICATION_ACTIONS:
            raise Http404
        step = ACTIONS[action]
        if not request.user.has_perm(step.permission):
            raise PermissionDenied
        form = WithdrawForm(request.POST or None) if action == "withdraw" else None
        problems = publication_problems(claim) if action == "publish" else []
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                self.run_workflow(action, claim, request.user, form, request.POST.get("seen", ""))
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                self.log_change(request, claim, f"Workflow: {action}")
                messages.success(request, _("%(action)s: done.") % {"action": step.label})
            return redirect("admin:claims_claim_change", claim.pk)
        return self._render(
            request,
            "workflow.html",
            claim,
            step.label,
            action=action,
            form=form,
            problems=problems,
            allowed=step.allows(claim, request.user) and not problems,
            seen=publication_snapshot(claim) if action == "publish" else "",
            verdict=claim.status_changes.order_by("-created_at", "-id").first(),
        )

    @staticmethod
    def run_workflow(action: str, claim: Claim, user, form=None, seen: str | None = None) -> None:
        """Carry out a publication step through its service, as the table declares it.
        `seen` is what the publishing chief editor reviewed (None: the list they acted on)."""
        extra = {}
        if action == "withdraw":
            extra["note"] = form.cleaned_data["note"] if form else ""
        elif action == "publish":
            extra["seen"] = seen
        ACTIONS[action].service(claim=claim, user=user, **extra)

    def similar_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        exclude = request.GET.get("exclude", "")
        matches = similar_claims(
            request.GET.get("text", ""), exclude_pk=int(exclude) if exclude.isdigit() else None
        )
        return JsonResponse(
            {
                "results": [
                    {
                        "id": c.pk,
                        "text": c.text,
                        "claimant": c.claimant.name,
                        "rating": str(c.rating) if c.rating else None,
                        "url": reverse("admin:claims_claim_change", args=[c.pk]),
                    }
                    for c in matches
                ]
            }
        )

    # -- actions -----------------------------------------------------------------------------

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

    def _bulk(self, request, queryset, action: str) -> None:
        done, refused = 0, []
        for claim in queryset:
            try:
                self.run_workflow(action, claim, request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                reason = " ".join(getattr(error, "messages", [str(error)]))
                refused.append(f"«{claim}»: {reason}")
        if done:
            self.message_user(request, _("%(count)d claim(s) done.") % {"count": done})
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Send the selected drafts to review"))
    def submit_action(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description=_("Publish the selected claims"), permissions=["publish"])
    def publish_action(self, request, queryset):
        self._bulk(request, queryset, "publish")

    def has_publish_permission(self, request):
        return request.user.has_perm("claims.publish_claim")

    @admin.action(description=_("Export the selected claims as CSV"))
    def export_csv_action(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="claims.csv"'
        base = request.build_absolute_uri("/").rstrip("/")
        write_claims_csv(export_queryset(queryset), response, base_url=base, bom=True)
        return response


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
