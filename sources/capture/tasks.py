"""Background captures (Django's tasks framework, django-tasks): small functions of ids,
enqueued when the transaction that asked for them commits, idempotent."""

from django.db import transaction
from django_tasks import task

from ..models import Source
from .services import source_capture, sources_pending


@task()
def capture_source(source_id: int) -> str:
    """Capture a source unless its current address already has a capture (so running it
    twice, or after `capture_sources --pending`, fetches nothing again)."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.url:
        return "nothing to capture"
    if source.captures.filter(requested_url=source.url).exists():
        return "already captured"
    return source_capture(source=source).outcome


@task()
def capture_pending() -> int:
    """Capture every source that has an address and no capture yet: one task for a whole
    import instead of one per source."""
    done = 0
    for pk in list(sources_pending().values_list("pk", flat=True)):
        # Looked at again just before: another task may have taken it meanwhile.
        source = sources_pending().filter(pk=pk).first()
        if source is not None:
            source_capture(source=source)
            done += 1
    return done


def capture_on_commit(source_id: int) -> None:
    transaction.on_commit(lambda: capture_source.enqueue(source_id))


def capture_pending_on_commit() -> None:
    transaction.on_commit(capture_pending.enqueue)
