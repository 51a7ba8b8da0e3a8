"""The evidence vault in the editors' admin: why a claim is back in the re-review queue (a
cited source vanished, or its text changed, with the diff), a warning when an evidence
excerpt is no longer in its source's latest captured text, and the page offering what a
capture found of a new source (title, publisher, published date)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from sources.capture.services import capture_text_diff, comparable, latest_copy, source_capture
from sources.models import Capture, Source
from sources.services import source_metadata_apply

from ..models import Claim, Evidence, StatusChange
from .guards import may_change_record


def source_alerts(claim: Claim) -> list[Capture]:
    """The captures that put `claim` in the re-review queue: a cited source vanished or its
    text changed after the claim's latest status change."""
    last = StatusChange.objects.filter(claim=claim).order_by("-created_at").first()
    if last is None:
        return []
    return list(
        Capture.objects.alerts()
        .filter(source__evidence__claim=claim, fetched_at__gt=last.created_at)
        .select_related("source", "previous")
        .order_by("fetched_at", "id")
    )


def alert_text(capture: Capture) -> str:
    day = capture.fetched_at.date().isoformat()
    if capture.outcome == Capture.Outcome.VANISHED:
        return _("Source “%(source)s” vanished on %(day)s (%(reason)s).") % {
            "source": capture.source.title,
            "day": day,
            "reason": capture.reason,
        }
    return _("Source “%(source)s” changed on %(day)s.") % {
        "source": capture.source.title,
        "day": day,
    }


def diff_html(capture: Capture) -> str:
    """The text's unified diff, each line escaped, removals in <del> and additions in <ins>."""
    lines = capture_text_diff(capture)
    if not lines:
        return ""

    def tag(line: str) -> str:
        if line.startswith("+") and not line.startswith("+++"):
            return "ins"
        if line.startswith("-") and not line.startswith("---"):
            return "del"
        return "span"

    rows = format_html_join("\n", "<{}>{}</{}>", ((tag(x), x, tag(x)) for x in lines))
    return format_html('<pre class="capture-diff">{}</pre>', rows)


def excerpt_warning(evidence: Evidence) -> str:
    """Why the excerpt may no longer hold, or ""."""
    if not evidence.excerpt.strip() or not evidence.source_id:
        return ""
    copy = latest_copy(evidence.source)
    if copy is None or not copy.main_text:
        return ""
    if comparable(evidence.excerpt) in comparable(copy.main_text):
        return ""
    return _("The excerpt is no longer found in the source's latest captured text (%(day)s).") % {
        "day": copy.fetched_at.date().isoformat()
    }


def archive_summary(evidence: Evidence) -> str:
    """The evidence's line on the claim's admin page: seen on, and the excerpt check."""
    if evidence.pk is None or not evidence.source_id:
        return "—"
    seen = evidence.source.captures.successful().order_by("-fetched_at", "-id").first()
    latest = evidence.source.captures.order_by("-fetched_at", "-id").first()
    if latest is None:
        state = _("Not captured yet.")
    elif seen is None:
        state = _("Never reached: %(reason)s") % {"reason": latest.reason}
    else:
        state = _("Seen on %(day)s.") % {"day": seen.fetched_at.date().isoformat()}
        if latest.outcome in Capture.GONE:
            state += " " + _("Gone since %(day)s.") % {"day": latest.fetched_at.date().isoformat()}
    warning = excerpt_warning(evidence)
    if warning:
        return format_html('{} <strong class="errornote">{}</strong>', state, warning)
    return state


class FoundForm(forms.Form):
    title = forms.BooleanField(required=False)
    publisher = forms.BooleanField(required=False)
    published_on = forms.BooleanField(required=False)


class EvidenceVaultViews:
    """Mixed into ClaimAdmin: what a capture found of a source, to accept or leave."""

    def source_found_view(self, request, object_id, source_id):
        claim = self._claim_or_404(request, object_id)
        source = get_object_or_404(Source, pk=source_id, evidence__claim=claim)
        capture = source.captures.with_body().order_by("-fetched_at", "-id").first()
        may_change = may_change_record(request.user, source) and request.user.has_perm(
            "sources.change_source"
        )
        form = FoundForm(request.POST or None)
        if request.method == "POST":
            if not may_change:
                raise PermissionDenied
            if "capture" in request.POST:
                done = source_capture(source=source)
                if done is None:  # a document with no web address
                    messages.error(request, _("This source has no address to capture."))
                else:
                    outcome = done.get_outcome_display()
                    messages.info(request, _("Capture: %(outcome)s.") % {"outcome": outcome})
                return redirect(request.path)
            if capture is not None and form.is_valid():
                fields = {name for name, value in form.cleaned_data.items() if value}
                try:
                    source_metadata_apply(source=source, capture=capture, fields=fields)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(request, _("The source now has what its page says."))
                    return redirect("admin:claims_claim_change", claim.pk)
        return self._render(
            request,
            "source_found.html",
            claim,
            _("What the page says of itself"),
            source=source,
            capture=capture,
            latest=source.captures.order_by("-fetched_at", "-id").first(),
            may_change=may_change,
        )
