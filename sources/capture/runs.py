"""Running many captures in the foreground (`capture_sources`, `check_links`): one after the
other, each host paced by the fetcher, with a progress bar and a count per outcome."""

from collections import Counter

from django.db.models import QuerySet
from tqdm import tqdm

from .services import source_capture


def capture_all(sources: QuerySet, *, conditional: bool, stream, label: str) -> Counter:
    """Capture each of `sources`; the outcomes counted."""
    outcomes = Counter()
    total = sources.count()
    with tqdm(total=total, desc=label, unit="source", file=stream, disable=not total) as bar:
        for source in sources.iterator():
            capture = source_capture(source=source, conditional=conditional)
            outcomes[capture.outcome if capture else "no address"] += 1
            bar.update()
    return outcomes


def summary(outcomes: Counter) -> str:
    if not outcomes:
        return "nothing to fetch"
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
