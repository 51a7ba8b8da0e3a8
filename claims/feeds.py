from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import StatusChange
from .views import public_corrections, recent_changes


class LatestChangesFeed(Feed):
    """New verdicts and every later change of a published claim's rating."""

    feed_type = Atom1Feed
    link = reverse_lazy("claims:claim_list")
    subtitle = gettext_lazy("New verdicts and status changes, corrections included.")

    def title(self):
        return _("%(site)s: verdicts and changes") % {"site": settings.SITE_NAME}

    def items(self):
        return recent_changes(50)

    def item_title(self, item: StatusChange):
        label = _("Correction") if item.kind == StatusChange.Kind.CORRECTION else _("Verdict")
        return f"{label}: {item.to_rating} — {item.claim.claimant.name}: {item.claim.text}"

    def item_description(self, item: StatusChange):
        before = (
            _(
                "was %(rating)s",
            )
            % {"rating": item.from_rating}
            if item.from_rating
            else ""
        )
        return " ".join(part for part in [before and f"({before})", item.explanation] if part)

    def item_link(self, item: StatusChange):
        return item.claim.get_absolute_url() + f"#change-{item.pk}"

    def item_guid(self, item: StatusChange):
        return f"status-change-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: StatusChange):
        return item.created_at

    def item_updateddate(self, item: StatusChange):
        return item.created_at

    def item_author_name(self, item: StatusChange):
        return settings.SITE_NAME

    def feed_url(self):
        return reverse("claims:feed")


class CorrectionsFeed(LatestChangesFeed):
    """Only corrections: where we changed a verdict because we had made an error."""

    link = reverse_lazy("claims:correction_list")
    subtitle = gettext_lazy("Corrections of our published verdicts.")

    def title(self):
        return _("%(site)s: corrections") % {"site": settings.SITE_NAME}

    def items(self):
        return public_corrections()[:50]

    def feed_url(self):
        return reverse("claims:correction_feed")
