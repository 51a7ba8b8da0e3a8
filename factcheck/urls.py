from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Fact-check tracker — editors")
admin.site.site_title = _("Fact-check tracker")
admin.site.index_title = _("Newsroom")

urlpatterns = [
    path("admin/", admin.site.urls),
]
