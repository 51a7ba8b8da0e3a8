"""Claim.public_updated_at: the date readers are told of a claim's last change, moved by a
trigger only when a column they see changes (an editors' note never shows as an update)."""

from django.db import migrations, models

from claims.public import triggers

BACKFILL = "UPDATE claims_claim SET public_updated_at = updated_at"


def forwards(apps, schema_editor):
    schema_editor.execute(BACKFILL)
    # The keys' triggers learn that the new column is one readers only see move with others.
    triggers.install(schema_editor, tables=["claims_claim"])
    triggers.install_public_updated(schema_editor)


def backwards(apps, schema_editor):
    triggers.uninstall_public_updated(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("claims", "0018_claimant_topic_keys")]

    operations = [
        migrations.RemoveIndex(model_name="claim", name="claim_public_updated_idx"),
        migrations.AddField(
            model_name="claim",
            name="public_updated_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="last public change"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["publication_state", "-public_updated_at"], name="claim_public_changed_idx"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
