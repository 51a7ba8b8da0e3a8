from django.db import migrations

# Every table whose rows readers can see, directly or through a published claim.
PUBLIC_TABLES = [
    "claims_claim", "claims_claim_topics", "claims_claim_investigations", "claims_claimant",
    "claims_topic", "claims_rating", "claims_appearance", "claims_statuschange",
    "claims_evidence", "claims_claimlink", "claims_editorialpage", "sources_publisher",
    "sources_source", "sources_investigation", "sources_investigationupdate",
]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION claims_bump_public_version() RETURNS trigger AS $$
BEGIN
    UPDATE claims_publicversion SET version = version + 1, changed_at = now() WHERE id = 1;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def seed_version(apps, schema_editor):
    PublicVersion = apps.get_model("claims", "PublicVersion")
    PublicVersion.objects.get_or_create(pk=1)


def create_triggers(apps, schema_editor, tables=PUBLIC_TABLES):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        for table in tables:
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_bump_public_version ON {table}; "
                f"CREATE TRIGGER {table}_bump_public_version "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION claims_bump_public_version();"
            )
    elif vendor == "sqlite":
        for table in tables:
            for event in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_bump AFTER {event} "
                    f"ON {table} BEGIN UPDATE claims_publicversion SET version = version + 1, "
                    f"changed_at = strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now') WHERE id = 1; END;"
                )


def drop_triggers(apps, schema_editor, tables=PUBLIC_TABLES):
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_bump_public_version ON {table}")
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_bump")


class Migration(migrations.Migration):
    dependencies = [("claims", "0009_public_version"), ("sources", "0003_claimreview_import")]

    operations = [
        migrations.RunPython(seed_version, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
