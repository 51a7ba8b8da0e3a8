import importlib

from django.db import migrations, models

# SQLite alters a column by rebuilding the table, which drops its triggers: put back the ones
# that move the public version (0010 creates them only where missing).
triggers = importlib.import_module("claims.migrations.0010_public_version_triggers")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_public_version_triggers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="claim",
            name="slug",
            field=models.SlugField(
                blank=True,
                db_index=False,
                help_text="Words in the public URL; the claim's number keeps the URL stable.",
                max_length=200,
                verbose_name="slug",
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="slug",
            field=models.SlugField(
                blank=True,
                db_index=False,
                help_text="Words in the public URL; the claim's number keeps the URL stable.",
                max_length=200,
                verbose_name="slug",
            ),
        ),
        migrations.RunPython(triggers.create_triggers, migrations.RunPython.noop),
    ]
