from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse

from sources.models import Investigation, Source

from .models import Claim, Claimant, Topic


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

    def __init__(self, model, *relations: str):
        self.model, self.relations = model, relations

    def items(self):
        published = Claim.objects.published()
        cites = Q()
        for relation in self.relations:
            cites |= Q(**{f"{relation}__in": published})
        return self.model.objects.filter(cites).distinct().order_by("pk")


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
    "claimants": RelatedToPublishedSitemap(Claimant, "claims"),
    "topics": RelatedToPublishedSitemap(Topic, "claims"),
    "sources": RelatedToPublishedSitemap(
        Source, "evidence__claim", "investigation_updates__investigation__claims"
    ),
    "investigations": RelatedToPublishedSitemap(Investigation, "claims"),
}
