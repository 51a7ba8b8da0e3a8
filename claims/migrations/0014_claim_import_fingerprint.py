import importlib

from django.db import migrations, models

# SQLite adds a NOT NULL column by rebuilding the table, which drops its triggers: put back
# the ones that move the public version (0010) and the record's guards (0013). Both create
# only what is missing, or replace it with the same, so PostgreSQL is left as it was.
version_triggers = importlib.import_module("claims.migrations.0010_public_version_triggers")
record_rules = importlib.import_module("claims.migrations.0013_record_rules")


def recreate_triggers(apps, schema_editor):
    version_triggers.create_triggers(apps, schema_editor)
    record_rules.create_rules(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0013_record_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="import_fingerprint",
            field=models.CharField(
                blank=True, db_default="", default="", editable=False, max_length=64
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="import_fingerprint",
            field=models.CharField(
                blank=True, db_default="", default="", editable=False, max_length=64
            ),
        ),
        migrations.RunPython(recreate_triggers, migrations.RunPython.noop),
    ]
