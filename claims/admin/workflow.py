"""The claim admin's own pages and actions: change status, reviewed-no-change, evidence
by URL, the publication steps (from the workflow table), similar claims, bulk steps, CSV."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..exports import export_queryset, write_claims_csv
from ..models import (
    Claim,
    StatusChange,
)
from ..services import (
    ACTIONS,
    claim_mark_reviewed,
    evidence_add_by_url,
    latest_status_change,
    publication_problems,
    publication_snapshot,
    status_change_record,
)
from ..similar import similar_claims
from .forms import EvidenceByUrlForm, ReviewedForm, StatusChangeForm, WithdrawForm

# The publication steps the claim page offers as buttons (the rating steps have their own).
PUBLICATION_ACTIONS = [name for name, action in ACTIONS.items() if action.to_state is not None]


class ClaimWorkflowViews:
    """Mixed into ClaimAdmin: the pages under a claim's admin URL (see ClaimAdmin.get_urls)."""

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
                if created:
                    # It is captured in the background; its page's own title, publisher and
                    # date are offered there.
                    return redirect("admin:claims_claim_source_found", claim.pk, evidence.source_id)
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
            verdict=latest_status_change(claim),
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


class ClaimActions:
    """Mixed into ClaimAdmin: the list page's actions, each through the workflow's services."""

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
