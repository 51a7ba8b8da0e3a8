"""A claim's page depends on three keys (dependencies.claim_page_keys): what it shows of other
things (claimants, topics, documents, publishers, captures, investigations) touches the
`claim-shown` key of each published claim that shows it."""

from django.db import migrations

from claims.public import triggers

TABLES = [
    "claims_claimant",
    "claims_topic",
    "sources_publisher",
    "sources_source",
    "sources_investigation",
    "sources_investigationupdate",
    "sources_capture",
]


def install(apps, schema_editor):
    triggers.install(schema_editor, tables=TABLES)


class Migration(migrations.Migration):
    dependencies = [("claims", "0022_publication_event_recent_order")]

    # Backwards, the triggers stay: they touch more keys than the pages before them read.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
