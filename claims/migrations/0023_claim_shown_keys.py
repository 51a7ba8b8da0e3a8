"""A claim's page depends on three keys (dependencies.claim_page_keys): what it shows of other
things (claimants, topics, documents, publishers, captures, investigations) touches the
`claim-shown` key of each published claim that shows it, followed when the transaction
commits (claims_pendingshown), commits taking turns."""

from django.db import migrations

from claims.public import triggers

def install(apps, schema_editor):
    # Every table: the fan-outs are followed at commit, and each touch's condition is now
    # bracketed in every trigger.
    triggers.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("claims", "0022_publication_event_recent_order")]

    # Backwards, the triggers stay: they touch more keys than the pages before them read.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
