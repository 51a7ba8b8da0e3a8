"""The root URLs: the API and its schema, the admin, sitemaps, robots, probes, the site.

The site's pages carry their language first (`/en/…`, `/fr/…`): a shared link opens in the
language it was shared in, and a cache in front keeps one copy of a page per address. An
address without one (an old link, a typed `/claims/`) is redirected by LocaleMiddleware to the
reader's language (their language cookie, else Accept-Language). Everything that is the same in
every language stays unprefixed: the API (its own language from the request, as the admin's),
the admin, the sitemaps (which list every language), robots.txt, the probes, the rating colours
and the ClaimReview feed.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from claims import api
from claims import urls as claims_urls
from claims.public.caching import public_page
from claims.public.dependencies import CITED, CLAIMS, UPDATED
from claims.public.sitemaps import SITEMAPS, sitemap_index

from . import views

router = DefaultRouter()
router.register("claims", api.ClaimViewSet, basename="claim")
router.register("claimants", api.ClaimantViewSet, basename="claimant")
router.register("sources", api.SourceViewSet, basename="source")
router.register("publishers", api.PublisherViewSet, basename="publisher")
router.register("investigations", api.InvestigationViewSet, basename="investigation")
router.register("topics", api.TopicViewSet, basename="topic")
router.register("ratings", api.RatingViewSet, basename="rating")

urlpatterns = [
    path("api/", include((router.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file: no inline script for the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path(settings.ADMIN_URL, admin.site.urls),
    path(
        "sitemap.xml",
        public_page(sitemap_index, CLAIMS, UPDATED, CITED),  # lastmod: the last public change
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        public_page(sitemap, CLAIMS, UPDATED, CITED),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    *claims_urls.resources,
    *i18n_patterns(path("", include("claims.urls")), prefix_default_language=True),
]
