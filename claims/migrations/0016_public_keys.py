"""Public pages depend on keys instead of one version of everything (issue 13): the
PublicVersion counter and its triggers give way to claims_publickey and the triggers of
claims/public/dependencies.RULES."""

import importlib

from django.db import migrations, models

from claims.public import triggers

version_triggers = importlib.import_module("claims.migrations.0010_public_version_triggers")


def install(apps, schema_editor):
    version_triggers.drop_triggers(
        apps, schema_editor, tables=[*version_triggers.PUBLIC_TABLES, "claims_publicationevent"]
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS claims_bump_public_version()")
    triggers.install(schema_editor)


def uninstall(apps, schema_editor):
    triggers.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("claims", "0015_latest_entries"), ("sources", "0005_investigation_initial_state")]

    operations = [
        migrations.CreateModel(
            name="PublicKey",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=1)),
                ("changed_at", models.FloatField(default=0, help_text="Unix time of the last change.")),
            ],
            options={"verbose_name": "public key", "verbose_name_plural": "public keys"},
        ),
        migrations.RunPython(install, uninstall),
        migrations.DeleteModel(name="PublicVersion"),
    ]
