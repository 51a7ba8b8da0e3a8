"""A capture is asked for whenever a source is saved new or with a new address: Source.save()
is the one place the admin, *Add evidence by URL* and the import's single records all cross
(the import's bulk inserts ask for `capture_pending` instead, claims/claimreview/load.py)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from ..models import Source
from .tasks import capture_on_commit


@receiver(post_save, sender=Source, dispatch_uid="sources_capture_on_save")
def source_saved(sender, instance: Source, created: bool, raw: bool = False, **kwargs):
    if raw:  # loaddata: the rows come with their own history
        return
    if instance.url and (created or instance.url != getattr(instance, "stored_url", None)):
        capture_on_commit(instance.pk)
    instance.stored_url = instance.url
