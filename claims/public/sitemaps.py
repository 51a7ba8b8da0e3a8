"""The sitemap: an index (`/sitemap.xml`) of one section per kind of public page, each
section in pages of at most 50,000 addresses; only what a published claim makes public.

Every page is listed once per language, each entry naming the others and the address without
a language (x-default) as `xhtml:link` alternates: one sitemap for every language, so the
index and its sections keep their one address each."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import Http404
from django.urls import reverse

from sources.models import Investigation, Source

from ..models import Claim, Claimant, Topic
from ..selectors import reachable


class InEveryLanguage(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class ClaimSitemap(InEveryLanguage):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Claim.objects.published().order_by("pk").only("pk", "slug", "public_updated_at")

    def lastmod(self, claim):
        return claim.public_updated_at

    def get_latest_lastmod(self):
        # The index's date for the section: one aggregate, not a pass over every claim.
        return self.items().aggregate(latest=Max("public_updated_at"))["latest"]


class RelatedToPublishedSitemap(InEveryLanguage):
    """Pages that exist only through a published claim: the same rule as their views."""

    changefreq = "weekly"
    priority = 0.5

    def __init__(self, model):
        self.model = model

    def items(self):
        return reachable(self.model).order_by("pk")


class StaticSitemap(InEveryLanguage):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return [
            "claims:home",
            "claims:claim_list",
            "claims:claimant_list",
            "claims:correction_list",
        ]

    def location(self, name):
        return reverse(name)


class PageSitemap(InEveryLanguage):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return ["methodology"]

    def location(self, slug):
        return reverse("claims:page", kwargs={"slug": slug})


SITEMAPS = {
    "static": StaticSitemap,
    "pages": PageSitemap,
    "claims": ClaimSitemap,
    "claimants": RelatedToPublishedSitemap(Claimant),
    "topics": RelatedToPublishedSitemap(Topic),
    "sources": RelatedToPublishedSitemap(Source),
    "investigations": RelatedToPublishedSitemap(Investigation),
}


def sitemap_index(request, sitemaps):
    """`/sitemap.xml`: the index of every section's pages (`/sitemap-<section>.xml?p=N`).

    A section holds at most `Sitemap.limit` (50,000) addresses per page, the protocol's bound;
    the index itself is one page, so a `?p=` other than 1 names nothing and answers 404, as a
    section's page out of range does.
    """
    if request.GET.get("p", "1") != "1":
        raise Http404("The sitemap index has one page.")
    return sitemap_views.index(request, sitemaps, sitemap_url_name="sitemap_section")
