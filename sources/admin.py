"""The editors' admin for publishers, sources and investigations."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Investigation, InvestigationUpdate, Publisher, Source
from .services import investigation_state_sync


@admin.register(Publisher)
class PublisherAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "url"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "url"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "publisher", "kind", "language", "published_on", "accessed_on"]
    list_filter = ["kind", "language", "publisher__kind"]
    search_fields = ["title", "url", "publisher__name"]
    autocomplete_fields = ["publisher"]
    date_hierarchy = "published_on"
    list_select_related = ["publisher"]
    fieldsets = [
        (None, {"fields": ["title", "url", "publisher", "kind", "language"]}),
        (_("Dates and archive"), {"fields": ["published_on", "accessed_on", "archive_url"]}),
    ]


class InvestigationUpdateInline(admin.StackedInline):
    model = InvestigationUpdate
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["happened_on", "state", "summary", "source"]


@admin.register(Investigation)
class InvestigationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "body", "kind", "state", "opened_on"]
    list_filter = ["state", "kind"]
    search_fields = ["title", "description", "body__name"]
    autocomplete_fields = ["body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "opened_on"
    list_select_related = ["body"]
    inlines = [InvestigationUpdateInline]
    # Derived: the latest update that names a state, else the initial state.
    readonly_fields = ["state"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        investigation_state_sync(investigation=form.instance)


@admin.register(InvestigationUpdate)
class InvestigationUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["investigation", "happened_on", "state", "source"]
    list_filter = ["state", "investigation"]
    search_fields = ["summary", "investigation__title"]
    autocomplete_fields = ["investigation", "source"]
    date_hierarchy = "happened_on"
    list_select_related = ["investigation", "source"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        investigation_state_sync(investigation=obj.investigation)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        investigation_state_sync(investigation=obj.investigation)

    def delete_queryset(self, request, queryset):
        investigations = {update.investigation for update in queryset}
        super().delete_queryset(request, queryset)
        for investigation in investigations:
            investigation_state_sync(investigation=investigation)
