"""The public site's addresses.

`urlpatterns` (namespace `claims`) are the pages readers read, each in every language: the
root URLconf puts them under a language prefix (`/en/claims/`, `/fr/claims/`). `resources`
are the same whatever the reader's language (the rating colours, the ClaimReview feed), so
they stay at one address each, outside the prefix and so outside the namespace: Django gives a
namespace one prefix, and these have none.
"""

from django.urls import path
from django.views.generic import RedirectView

from .public import views
from .public.caching import public_page
from .public.dependencies import CHANGES, CITED, CLAIMS, RATINGS, UPDATED
from .public.feeds import CorrectionsFeed, LatestChangesFeed

app_name = "claims"

urlpatterns = [
    path("", public_page(views.HomeView.as_view(), CLAIMS, CHANGES, RATINGS), name="home"),
    # What a list shows depends on its filters (ClaimFilter.dependency_keys).
    path("claims/", public_page(views.ClaimListView.as_view(), RATINGS), name="claim_list"),
    path(
        "claims/<int:pk>/",
        public_page(views.ClaimDetailView.as_view(), RATINGS),
        name="claim_short",
    ),
    path(
        "claims/<int:pk>-<str:slug>/",
        public_page(views.ClaimDetailView.as_view(), RATINGS),
        name="claim_detail",
    ),
    path("claimants/", public_page(views.ClaimantListView.as_view(), CLAIMS), name="claimant_list"),
    path(
        "claimants/<slug:slug>/",
        public_page(views.ClaimantDetailView.as_view(), RATINGS),
        name="claimant_detail",
    ),
    path(
        "topics/<slug:slug>/",
        public_page(views.TopicDetailView.as_view(), RATINGS),
        name="topic_detail",
    ),
    path(
        "sources/<int:pk>/",
        public_page(views.SourceDetailView.as_view(), CLAIMS, CITED, RATINGS),
        name="source_detail",
    ),
    path(
        "sources/<int:source_pk>/captures/<int:pk>/",
        public_page(views.CaptureDetailView.as_view(), CITED),
        name="capture_detail",
    ),
    path(
        "investigations/<slug:slug>/",
        public_page(views.InvestigationDetailView.as_view(), CLAIMS, CITED, RATINGS),
        name="investigation_detail",
    ),
    path(
        "pages/<slug:slug>/", public_page(views.EditorialPageView.as_view(), RATINGS), name="page"
    ),
    path(
        "methodology/",
        RedirectView.as_view(pattern_name="claims:page", permanent=False),
        {"slug": "methodology"},
        name="methodology",
    ),
    path("feed/", public_page(LatestChangesFeed(), CLAIMS, CHANGES, RATINGS), name="feed"),
    path(
        "corrections/",
        public_page(views.CorrectionListView.as_view(), CLAIMS, CHANGES, RATINGS),
        name="correction_list",
    ),
    path(
        "corrections/feed/",
        public_page(CorrectionsFeed(), CLAIMS, CHANGES, RATINGS),
        name="correction_feed",
    ),
]

resources = [
    path("ratings.css", public_page(views.rating_css, RATINGS), name="rating_css"),
    # Language-independent, and never cached whole: WARC files run to megabytes.
    path(
        "sources/<int:source_pk>/captures/<int:pk>.warc.gz",
        views.capture_warc,
        name="capture_warc",
    ),
    path(
        "claimreview.json",
        # Each review's dateModified is its claim's last public change.
        public_page(views.claimreview_feed, CLAIMS, UPDATED, RATINGS),
        name="claimreview_feed",
    ),
]
