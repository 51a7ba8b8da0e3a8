"""Template tags of the public pages: labels of investigation states, the page in every
language (the language links and hreflang alternates)."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri

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


@dataclass(frozen=True)
class LanguageVersion:
    code: str  # a language code, or "x-default"
    name: str  # the language's own name for itself ("Français")
    path: str  # the address on this site, query string kept
    url: str  # the same, absolute


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[LanguageVersion]:
    """The page being shown in each of the site's languages, then `x-default`: the address
    without a language, which sends each reader to their own (the sitemap's x-default too).

    Empty for an address that is not a page in a language (an unknown one, say).
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or not translation.get_language_from_path(request.path_info):
        return []
    query = iri_to_uri(request.META.get("QUERY_STRING", ""))
    paths = {}
    for code, _ in settings.LANGUAGES:
        with translation.override(code):
            try:
                paths[code] = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                return []
    default = settings.LANGUAGE_CODE
    paths["x-default"] = paths[default].replace(f"/{default}/", "/", 1)
    versions = []
    for code, path in paths.items():
        path += f"?{query}" if query else ""
        name = "" if code == "x-default" else translation.get_language_info(code)["name_local"]
        versions.append(LanguageVersion(code, name, path, request.build_absolute_uri(path)))
    return versions
