"""A capture touches its source's key (claims/public/dependencies.RULES, sources_capture): the
claim pages citing it show "seen on" and the archived copy."""

from django.db import migrations

from claims.public import triggers

TABLE = "sources_capture"


def install(apps, schema_editor):
    triggers.install(schema_editor, tables=[TABLE])


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_public_keys() CASCADE")
    elif schema_editor.connection.vendor == "sqlite":
        for event in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_public_keys_{event}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0019_claim_public_updated"), ("sources", "0006_captures")]

    operations = [migrations.RunPython(install, uninstall)]
