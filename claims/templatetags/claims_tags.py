"""Template filters of the public pages (labels of investigation states)."""

from django import template

from sources.models import Investigation

register = template.Library()


@register.filter
def investigation_state(value: str) -> str:
    """The reader's-language label of an investigation state code."""
    try:
        return Investigation.State(value).label
    except ValueError:
        return value


@register.simple_tag
def needs_rereview_count() -> int:
    from claims.models import Claim

    return Claim.objects.needs_rereview().count()
