"""A claim's change touches the keys of its claimant's and its topics' lists of claims, and a
claimant's change those of the topics its published claims are in: their pages stop depending
on every claim."""

from django.db import migrations

from claims.public import triggers


def forwards(apps, schema_editor):
    triggers.install(
        schema_editor, tables=["claims_claim", "claims_claimant", "claims_claim_topics"]
    )


class Migration(migrations.Migration):
    dependencies = [("claims", "0017_public_record_reads")]

    # Backwards keeps the finer triggers: they touch more keys than the pages of the older
    # code read, never fewer.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
