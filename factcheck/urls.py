from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from claims import api
from claims.sitemaps import SITEMAPS

from . import views

admin.site.site_header = _("Fact-check tracker — editors")
admin.site.site_title = _("Fact-check tracker")
admin.site.index_title = _("Newsroom")

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
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("claims.urls")),
]
