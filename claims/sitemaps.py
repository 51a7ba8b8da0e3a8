from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from sources.models import Investigation, Source

from .models import Claim, Claimant, Topic
from .selectors import reachable


class ClaimSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Claim.objects.published().order_by("pk").only("pk", "slug", "updated_at")

    def lastmod(self, claim):
        return claim.updated_at


class RelatedToPublishedSitemap(Sitemap):
    """Pages that exist only through a published claim: the same rule as their views."""

    changefreq = "weekly"
    priority = 0.5

    def __init__(self, model):
        self.model = model

    def items(self):
        return reachable(self.model).order_by("pk")


class StaticSitemap(Sitemap):
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


class PageSitemap(Sitemap):
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
