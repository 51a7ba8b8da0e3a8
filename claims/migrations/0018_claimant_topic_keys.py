"""A claim's change touches its claimant's and its topics' keys, and a claimant's change the
keys of the topics its published claims are in: their pages stop depending on every claim."""

from django.db import migrations

from claims.public import triggers


def forwards(apps, schema_editor):
    triggers.install(schema_editor, tables=["claims_claim", "claims_claimant"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0017_public_record_reads")]

    # Backwards keeps the finer triggers: they touch more keys than the pages of the older
    # code read, never fewer.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
