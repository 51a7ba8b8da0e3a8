"""Filtered listings depend on the claims they can match (dependencies.listing_keys): a claim's
row touches its rating's and its search words' keys, every other write a listing shows
touches `cards`, and a claim's page key moving moves the order of the recently updated."""

from django.db import migrations

from claims.public import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor)
    triggers.install_public_updated(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("claims", "0020_capture_keys")]

    # Backwards, the triggers stay: they touch more keys than the pages before them read.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
