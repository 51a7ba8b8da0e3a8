"""Derived data only: keep the claims' search vectors in step with what they are built from."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Claim, Claimant
from .search import search_vector_refresh


@receiver(post_save, sender=Claim, dispatch_uid="claim_search_vector")
def claim_saved(sender, instance: Claim, raw: bool = False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(lambda: search_vector_refresh([instance.pk]))


@receiver(post_save, sender=Claimant, dispatch_uid="claimant_search_vector")
def claimant_saved(sender, instance: Claimant, raw: bool = False, created: bool = False, **kwargs):
    if not raw and not created:
        transaction.on_commit(
            lambda: search_vector_refresh(instance.claims.values_list("pk", flat=True))
        )
