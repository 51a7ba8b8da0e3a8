"""The public, read-only site. Every claim read starts from Claim.objects.published()."""

import datetime

from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from sources.capture.services import archive_states, capture_storage
from sources.models import Capture, Investigation, InvestigationUpdate, Source

from ..claimreview.export import as_script_json, claim_review, rating_bounds
from ..models import (
    Claim,
    Claimant,
    EditorialPage,
    Rating,
    Topic,
)
from ..selectors import (
    claim_detail_queryset,
    evidence_citing,
    is_reachable,
    public_claimants,
    public_corrections,
    published_claims,
    rating_counts,
    recent_changes,
    withdrawn_claim,
)
from .caching import depends_on
from .dependencies import claim_page_keys, investigation_keys, key, listing_key
from .filters import ClaimFilter
from .timeline import claim_as_of

PAGE_SIZE = 20


class CorrectionListView(ListView):
    template_name = "claims/correction_list.html"
    context_object_name = "corrections"
    paginate_by = 50

    def get_queryset(self):
        return public_corrections()


class HomeView(TemplateView):
    template_name = "claims/home.html"

    def get_context_data(self, **kwargs):
        claims = published_claims()
        return super().get_context_data(
            latest=claims.filter(rating__isnull=False).order_by("-published_at", "-id")[:6],
            changes=recent_changes(8),
            rating_counts=rating_counts(Claim.objects.published()),
            **kwargs,
        )


class ClaimListView(FilterView):
    filterset_class = ClaimFilter
    template_name = "claims/claim_list.html"
    paginate_by = PAGE_SIZE
    # An invalid filter is shown as an error beside its field; the rest still apply.
    strict = False

    def get_queryset(self):
        return published_claims().prefetch_related("topics").order_by("-said_on", "-id")

    def get_context_data(self, **kwargs):
        depends_on(*self.filterset.dependency_keys())
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


def parse_as_of(value: str | None) -> tuple[datetime.date | None, bool]:
    """The ?as_of= date, and whether a value was given but is not a date."""
    if not value:
        return None, False
    try:
        return datetime.date.fromisoformat(value.strip()[:10]), False
    except ValueError:
        return None, True


class ClaimDetailView(DetailView):
    template_name = "claims/claim_detail.html"
    context_object_name = "claim"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if kwargs.get("slug") != self.object.slug:
            # Old or missing words in the URL: send readers to the canonical address.
            target = self.object.get_absolute_url()
            if request.GET:
                target += "?" + request.GET.urlencode()
            return redirect(target, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_object(self, queryset=None):
        try:
            claim = claim_detail_queryset().get(pk=self.kwargs["pk"])
        except Claim.DoesNotExist:
            withdrawn = withdrawn_claim(self.kwargs["pk"])
            if withdrawn is not None:
                raise ClaimWithdrawn(withdrawn) from None
            raise Http404 from None
        depends_on(*claim_page_keys(claim))
        return claim

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ClaimWithdrawn as gone:
            # A withdrawn fact-check says so openly, with its note, instead of vanishing.
            return TemplateResponse(
                request, "claims/claim_withdrawn.html", {"claim": gone.claim}, status=410
            )

    def get_context_data(self, **kwargs):
        claim = self.object
        # "Seen on" and our archived copy of each document: one query for all of them.
        archives = archive_states(e.source_id for e in claim.evidence.all())
        for evidence in claim.evidence.all():
            evidence.archive = archives.get(evidence.source_id)
        as_of, bad_as_of = parse_as_of(self.request.GET.get("as_of"))
        state = claim_as_of(claim, as_of)
        review = claim_review(
            claim,
            base_url=self.request.build_absolute_uri("/").rstrip("/"),
            bounds=rating_bounds(),
            archives=archives,
        )
        links = [(link.get_kind_display(), link.to_claim) for link in claim.links_out.all()]
        links += [(link.get_kind_display(), link.from_claim) for link in claim.links_in.all()]
        return super().get_context_data(
            state=state,
            bad_as_of=bad_as_of,
            linked_claims=links,
            claimreview_json=mark_safe(as_script_json(review)) if review else "",  # noqa: S308
            today=timezone.localdate(),
            **kwargs,
        )


class ClaimWithdrawn(Exception):
    def __init__(self, claim: Claim):
        self.claim = claim


class PublishedOnlyDetailMixin:
    """A page about something readers may only see through a published claim."""

    claims_relation: str  # how the published claims listed on the page point at the object

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not is_reachable(obj):
            raise Http404
        depends_on(key(obj))
        self.claims = published_claims().filter(**{self.claims_relation: obj}).distinct()
        return obj


class ClaimantDetailView(PublishedOnlyDetailMixin, DetailView):
    model = Claimant
    template_name = "claims/claimant_detail.html"
    claims_relation = "claimant"

    def get_context_data(self, **kwargs):
        depends_on(listing_key(self.object))
        return super().get_context_data(
            claims=self.claims.order_by("-said_on", "-id"),
            rating_counts=[(r, n) for r, n in rating_counts(self.claims) if n],
            **kwargs,
        )


class TopicDetailView(PublishedOnlyDetailMixin, DetailView):
    model = Topic
    template_name = "claims/topic_detail.html"
    claims_relation = "topics"

    def get_context_data(self, **kwargs):
        depends_on(listing_key(self.object))
        return super().get_context_data(claims=self.claims.order_by("-said_on", "-id"), **kwargs)


class SourceDetailView(PublishedOnlyDetailMixin, DetailView):
    model = Source
    queryset = Source.objects.select_related("publisher")
    template_name = "sources/source_detail.html"
    claims_relation = "evidence__source"

    def get_context_data(self, **kwargs):
        if self.object.publisher_id:
            depends_on(f"publisher:{self.object.publisher_id}")
        return super().get_context_data(evidence=evidence_citing(self.object), **kwargs)


class InvestigationDetailView(PublishedOnlyDetailMixin, DetailView):
    model = Investigation
    queryset = Investigation.objects.select_related("body").prefetch_related(
        Prefetch("updates", queryset=InvestigationUpdate.objects.select_related("source"))
    )
    template_name = "sources/investigation_detail.html"
    claims_relation = "investigations"

    def get_context_data(self, **kwargs):
        depends_on(*investigation_keys(self.object))
        return super().get_context_data(claims=self.claims.order_by("-said_on", "-id"), **kwargs)


class CaptureDetailView(DetailView):
    """Our archived copy of a cited document: when we saw it, where, its SHA-256 and its main
    text, and its WARC file to download. Never the captured HTML: it would run a stranger's
    scripts on our origin."""

    template_name = "sources/capture_detail.html"
    context_object_name = "capture"

    def get_object(self, queryset=None):
        capture = public_capture(self.kwargs["source_pk"], self.kwargs["pk"])
        depends_on(key(capture.source))
        return capture

    def get_context_data(self, **kwargs):
        capture = self.object
        return super().get_context_data(
            copy=capture.copy,
            source=capture.source,
            archive=archive_states([capture.source_id]).get(capture.source_id),
            **kwargs,
        )


def public_capture(source_pk: int, pk: int) -> Capture:
    """A capture readers may see: one that reached the document, of a source a published
    claim cites."""
    capture = get_object_or_404(
        Capture.objects.successful().select_related("source", "previous"),
        pk=pk,
        source_id=source_pk,
    )
    if not is_reachable(capture.source):
        raise Http404
    return capture


def capture_warc(request, source_pk: int, pk: int):
    """The capture's WARC file, as a download (never shown by a browser on our origin)."""
    capture = public_capture(source_pk, pk)
    if not capture.warc_name:
        raise Http404
    storage = capture_storage()
    try:
        handle = storage.open(capture.warc_name)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"source-{capture.source_id}-capture-{capture.pk}.warc.gz",
        content_type="application/warc",
    )
    # Belt and braces: should anything render it, it runs nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


class ClaimantListView(ListView):
    template_name = "claims/claimant_list.html"
    context_object_name = "claimants"

    def get_queryset(self):
        return public_claimants()


class EditorialPageView(DetailView):
    template_name = "claims/editorial_page.html"
    context_object_name = "page"

    def get_object(self, queryset=None):
        depends_on(f"page:{self.kwargs['slug']}")
        pages = {p.language: p for p in EditorialPage.objects.filter(slug=self.kwargs["slug"])}
        page = pages.get((get_language() or "en")[:2]) or pages.get("en")
        if page is None:
            raise Http404
        return page

    def get_context_data(self, **kwargs):
        ratings = Rating.objects.all() if self.object.slug == "methodology" else []
        return super().get_context_data(ratings=ratings, **kwargs)


def rating_css(request):
    """Each rating's colour as a class, so pages carry no inline style (CSP-friendly)."""
    rules = [
        f".rating-{r.slug} {{ --rating-colour: {r.colour}; }}"
        for r in Rating.objects.only("slug", "colour")
    ]
    response = HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
    return response


def claimreview_feed(request):
    """Every published verdict as ClaimReview, in a schema.org DataFeed."""
    from ..claimreview.export import claimreview_datafeed

    data = claimreview_datafeed(base_url=request.build_absolute_uri("/").rstrip("/"))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    return response
