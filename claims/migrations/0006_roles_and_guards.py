from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = {
    "claims": {
        "claim": ["view", "add", "change"],
        "claimant": ["view", "add", "change"],
        "topic": ["view", "add", "change"],
        "appearance": ["view", "add", "change", "delete"],
        "evidence": ["view", "add", "change", "delete"],
        "claimlink": ["view", "add", "change", "delete"],
        "statuschange": ["view", "add"],
        "rating": ["view"],
        "editorialpage": ["view"],
    },
    "sources": {
        "publisher": ["view", "add", "change"],
        "source": ["view", "add", "change"],
        "investigation": ["view", "add", "change"],
        "investigationupdate": ["view", "add", "change"],
    },
}
CHIEF_EXTRA = {
    "claims": {
        "claim": ["delete", "publish_claim", "rate_published_claim"],
        "claimant": ["delete"],
        "topic": ["delete"],
        "rating": ["add", "change"],
        "editorialpage": ["add", "change"],
    },
    "sources": {
        "publisher": ["delete"],
        "source": ["delete"],
        "investigation": ["delete"],
        "investigationupdate": ["delete"],
    },
}

GROUPS = {"Editor": [EDITOR], "Chief editor": [EDITOR, CHIEF_EXTRA]}

POSTGRES_GUARDS = """
CREATE OR REPLACE FUNCTION claims_refuse_rewrite() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'status changes are append-only (%% refused)', TG_OP;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS claims_statuschange_append_only ON claims_statuschange;
CREATE TRIGGER claims_statuschange_append_only BEFORE UPDATE OR DELETE ON claims_statuschange
    FOR EACH ROW EXECUTE FUNCTION claims_refuse_rewrite();

CREATE OR REPLACE FUNCTION claims_keep_published() RETURNS trigger AS $$
BEGIN
    IF OLD.published_at IS NOT NULL THEN
        RAISE EXCEPTION 'a claim that has been published is never deleted (claim %%)', OLD.id;
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS claims_claim_keep_published ON claims_claim;
CREATE TRIGGER claims_claim_keep_published BEFORE DELETE ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_keep_published();

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS claim_text_trgm ON claims_claim USING gin (text gin_trgm_ops);
"""

POSTGRES_GUARDS_DOWN = """
DROP TRIGGER IF EXISTS claims_statuschange_append_only ON claims_statuschange;
DROP TRIGGER IF EXISTS claims_claim_keep_published ON claims_claim;
DROP FUNCTION IF EXISTS claims_refuse_rewrite();
DROP FUNCTION IF EXISTS claims_keep_published();
DROP INDEX IF EXISTS claim_text_trgm;
"""


def create_all_permissions(apps, schema_editor):
    # Permissions are normally created after migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def seed_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for grant in grants:
            for app_label, models in grant.items():
                for model, actions in models.items():
                    codenames = [a if "_" in a else f"{a}_{model}" for a in actions]
                    group.permissions.add(
                        *Permission.objects.filter(
                            content_type__app_label=app_label,
                            content_type__model=model,
                            codename__in=codenames,
                        )
                    )


def guards(apps, schema_editor):
    # On SQLite (the zero-set-up default) the model layer alone guards these rows: Django's
    # test flush deletes rows one statement at a time, which a trigger there would refuse.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_GUARDS)


def guards_down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_GUARDS_DOWN)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0002_workflow"),
    ]

    operations = [
        migrations.RunPython(create_all_permissions, migrations.RunPython.noop),
        migrations.RunPython(seed_roles, migrations.RunPython.noop),
        migrations.RunPython(guards, guards_down),
    ]
