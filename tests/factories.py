import datetime

import factory
from django.contrib.auth import get_user_model

from claims.models import Appearance, Claim, Claimant, ClaimLink, Evidence, Rating, Topic
from sources.models import Investigation, InvestigationUpdate, Publisher, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher

    name = factory.Sequence(lambda n: f"Publisher {n}")
    slug = factory.Sequence(lambda n: f"publisher-{n}")
    kind = Publisher.Kind.MEDIA


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Document {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/articles/{n}")
    publisher = factory.SubFactory(PublisherFactory)
    kind = Source.Kind.ARTICLE
    language = "fr"
    published_on = datetime.date(2023, 11, 14)
    accessed_on = datetime.date(2023, 11, 21)


class InvestigationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investigation

    title = factory.Sequence(lambda n: f"Control procedure {n}")
    slug = factory.Sequence(lambda n: f"control-procedure-{n}")
    body = factory.SubFactory(PublisherFactory, kind=Publisher.Kind.REGULATOR)
    kind = Investigation.Kind.REGULATORY
    opened_on = datetime.date(2023, 11, 15)
    state = Investigation.State.OPEN


class InvestigationUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestigationUpdate

    investigation = factory.SubFactory(InvestigationFactory)
    happened_on = datetime.date(2023, 11, 15)
    summary = "The procedure opens."
    source = factory.SubFactory(SourceFactory)


class ClaimantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claimant

    name = factory.Sequence(lambda n: f"Claimant {n}")
    slug = factory.Sequence(lambda n: f"claimant-{n}")
    role = "Minister"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"The police do not use facial recognition ({n}).")
    claimant = factory.SubFactory(ClaimantFactory)
    said_on = datetime.date(2023, 11, 21)
    language = "fr"


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appearance

    claim = factory.SubFactory(ClaimFactory)
    medium = Appearance.Medium.TV
    outlet = "France 5"
    appeared_on = datetime.date(2023, 11, 21)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Evidence.Stance.CONTRADICTS
    excerpt = "One of its features allows facial recognition."


class ClaimLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimLink

    from_claim = factory.SubFactory(ClaimFactory)
    to_claim = factory.SubFactory(ClaimFactory)
    kind = ClaimLink.Kind.REPEAT


def member(group: str | None, username: str):
    """A staff account in the newsroom group `group` (a migration creates the groups)."""
    from django.contrib.auth.models import Group

    user = UserFactory(username=username)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def rating(slug: str) -> Rating:
    """A rating of the default scale, which a data migration seeds."""
    return Rating.objects.get(slug=slug)


def published_claim(**kwargs) -> Claim:
    """A complete published claim (evidence, summary) rated with `rating_slug` ("false")."""
    import datetime as _dt

    from claims.services import claim_publish, status_change_record

    slug = kwargs.pop("rating_slug", "false")
    kwargs.setdefault("summary", "What the record shows.")
    claim = ClaimFactory(**kwargs)
    EvidenceFactory(claim=claim)
    status_change_record(
        claim=claim,
        to_rating=rating(slug),
        facts_known_on=_dt.date(2023, 11, 22),
        explanation=f"Rated {slug} after checking the record.",
    )
    claim_publish(claim=claim)
    return claim


def public_data_settled() -> None:
    """As if the last public change were a minute old: Last-Modified is only sent once the
    second of the last change is over."""
    from django.db.models import F

    from claims.models import PublicKey

    PublicKey.objects.update(changed_at=F("changed_at") - 60)


def url_in(language: str, target, **kwargs) -> str:
    """The address of `target` (a URL name with its `kwargs`, or a model instance) in
    `language`. A request leaves its language active in the test's thread, so a bare
    `reverse()` after reading a French page would name the French one."""
    from django.urls import reverse
    from django.utils.translation import override

    with override(language):
        if isinstance(target, str):
            return reverse(target, kwargs=kwargs or None)
        return target.get_absolute_url()
