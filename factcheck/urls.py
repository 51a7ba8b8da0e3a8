from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from claims.sitemaps import SITEMAPS

from . import views

admin.site.site_header = _("Fact-check tracker — editors")
admin.site.site_title = _("Fact-check tracker")
admin.site.index_title = _("Newsroom")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("claims.urls")),
]
