"""The root URLs: the API and its schema, the admin, sitemaps, robots, probes, the site."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from claims import api
from claims.public.caching import public_page
from claims.public.dependencies import CITED, CLAIMS
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
    path("lang/", views.switch_language, name="switch_language"),
    path(
        "sitemap.xml",
        public_page(sitemap_index, CLAIMS, CITED),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        public_page(sitemap, CLAIMS, CITED),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("claims.urls")),
]
