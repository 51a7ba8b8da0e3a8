"""Atom feeds: verdicts, changes, withdrawals and returns; corrections alone."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import PublicationEvent, StatusChange
from ..selectors import public_corrections, publication_events, recent_changes

EVENT_TITLES = {
    PublicationEvent.Kind.PUBLISHED: gettext_lazy("Verdict"),
    PublicationEvent.Kind.REPUBLISHED: gettext_lazy("Published again"),
    PublicationEvent.Kind.WITHDRAWN: gettext_lazy("Withdrawn"),
}


class LatestChangesFeed(Feed):
    """New verdicts, every later change of a published verdict, withdrawals and returns."""

    feed_type = Atom1Feed
    link = reverse_lazy("claims:claim_list")
    subtitle = gettext_lazy("New verdicts and status changes, corrections included.")

    def title(self):
        return _("%(site)s: verdicts and changes") % {"site": settings.SITE_NAME}

    def items(self):
        items = [*recent_changes(50), *publication_events(50)]
        return sorted(items, key=lambda item: item.created_at, reverse=True)[:50]

    def item_title(self, item):
        claim = f"{item.claim.claimant.name}: {item.claim.text}"
        if isinstance(item, PublicationEvent):
            rating = item.status_change.to_rating if item.status_change else None
            label = EVENT_TITLES[item.kind]
            if rating is None or item.kind == PublicationEvent.Kind.WITHDRAWN:
                return f"{label} — {claim}"
            return f"{label}: {rating} — {claim}"
        label = _("Correction") if item.kind == StatusChange.Kind.CORRECTION else _("Verdict")
        return f"{label}: {item.to_rating} — {claim}"

    def item_description(self, item):
        if isinstance(item, PublicationEvent):
            if item.kind == PublicationEvent.Kind.WITHDRAWN or item.status_change is None:
                return item.note
            return item.status_change.explanation
        before = (
            _(
                "was %(rating)s",
            )
            % {"rating": item.from_rating}
            if item.from_rating
            else ""
        )
        return " ".join(part for part in [before and f"({before})", item.explanation] if part)

    def item_link(self, item):
        anchor = "event" if isinstance(item, PublicationEvent) else "change"
        return item.claim.get_absolute_url() + f"#{anchor}-{item.pk}"

    def item_guid(self, item):
        if isinstance(item, PublicationEvent):
            return f"publication-event-{item.pk}"
        return f"status-change-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at

    def item_author_name(self, item):
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
