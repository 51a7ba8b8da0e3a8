"""Guards the admin site puts on every ModelAdmin it registers, whatever the model.

Generic admin pages are doors too: a model's change, delete and bulk-delete pages, the inlines
of another model's page, and django-simple-history's past-version pages (which save a POST as
a revert). So the rules are applied here, once, to every registered admin, rather than in
each admin class:

- Past versions are read-only for everyone: they are the audit trail, not an editor.
- What a published claim's page shows (`selectors.on_public_record`) is changed or removed
  by a chief editor only. Editors may still *add* evidence and investigation updates to it:
  those put the claim in the re-review queue (`EDITORS_MAY_ADD`).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed

from sources.models import InvestigationUpdate

from ..models import Evidence
from ..selectors import on_public_record
from ..services.workflow import CHIEF_EDITOR_PERMISSION

EDITORS_MAY_ADD = frozenset({Evidence, InvestigationUpdate})


def may_change_record(user, obj) -> bool:
    """Whether `user` may change or remove `obj` as it stands (saved or not)."""
    return user.has_perm(CHIEF_EDITOR_PERMISSION) or not on_public_record(obj)


def may_add_to_record(user, obj) -> bool:
    """Whether `user` may save the new row `obj`."""
    return type(obj) in EDITORS_MAY_ADD or may_change_record(user, obj)


class PublicRecordGuard:
    """Mixed into each registered ModelAdmin by factcheck/admin_site.py (its register())."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change_record(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_change_record(request.user, obj))

    def save_model(self, request, obj, form, change):
        # The page's object was checked as stored; this checks what it would become (a row
        # moved onto a published claim, say).
        allowed = may_change_record if change else may_add_to_record
        if not allowed(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            instance = inline_form.instance
            if inline_form in formset.deleted_forms:
                refused = instance.pk is not None and not may_change_record(request.user, instance)
            elif not inline_form.has_changed():
                continue
            elif instance.pk is None:
                refused = not may_add_to_record(request.user, instance)
            else:
                stored = type(instance)._default_manager.get(pk=instance.pk)
                refused = not (
                    may_change_record(request.user, stored)
                    and may_change_record(request.user, instance)
                )
            if refused:
                raise PermissionDenied
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        if not may_change_record(request.user, obj):
            raise PermissionDenied
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if any(not may_change_record(request.user, obj) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if not str(version_id).isdigit():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


def guarded(admin_class: type) -> type:
    """`admin_class` with the guards in front of its own methods."""
    if issubclass(admin_class, PublicRecordGuard):
        return admin_class
    return type(admin_class.__name__, (PublicRecordGuard, admin_class), {})
