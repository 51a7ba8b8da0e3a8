from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.models import normalise_label

# Common labels of other newsrooms' ClaimReview markup, mapped onto the default scale.
# Editors extend this list in the admin (Rating mappings); an import lists what it missed.
DEFAULT_MAPPINGS = {
    "false": [
        "false", "faux", "falso", "falsa", "fake", "fake news", "incorrect", "wrong", "falsch",
        "pants on fire", "pants on fire!", "totally false", "totalmente falso", "really false",
        "really_false", "fabricated", "bogus", "not true", "four pinocchios", "hoax", "canular",
        "bulo", "faux et trompeur", "خاطئ", "زائف", "مزيف", "كاذب", "ملفق", "غير صحيح", "مفبرك", "خطأ", "خبر كاذب", "مش حقيقي",
        "ادعاء خاطئ", "معلومة خاطئة",
    ],
    "mostly-false": [
        "mostly false", "plutôt faux", "en grande partie faux", "mostly incorrect",
        "three pinocchios", "mayormente falso", "em grande parte falso",
    ],
    "misleading": [
        "misleading", "trompeur", "enganoso", "engañoso", "enganador", "half true", "half-true",
        "mixture", "mixed", "partly false", "partly true", "partially false", "partially true",
        "half truth", "missing context", "manque de contexte", "sans contexte",
        "out of context", "hors contexte", "fora de contexto", "exagerado", "exaggerated",
        "exagéré", "exagerada", "não é bem assim", "distorted", "distorcido", "impreciso",
        "imprecise", "inaccurate", "two pinocchios", "excitement", "مضلل", "مضللة",
        "ناقص", "سياق ناقص", "عنوان مضلل", "مبالغ فيه", "صحيح جزئياً", "صحيح جزئيا",
        "غير صحيح جزئيا", "غير دقيق", "مجتزأ",
    ],
    "mostly-true": [
        "mostly true", "plutôt vrai", "en grande partie vrai", "mostly correct",
        "one pinocchio", "mayormente verdadero", "verdadeiro, mas",
    ],
    "true": [
        "true", "vrai", "verdadeiro", "verdadero", "verdadera", "correct", "accurate", "wahr",
        "richtig", "geppetto checkmark", "صحيح",
    ],
    "unverified": [
        "unproven", "unverified", "non vérifié", "invérifiable", "unverifiable",
        "insustentável", "unsupported", "no evidence", "sin evidencia", "sem evidências",
        "inconclusive", "undetermined", "legend", "research in progress", "cedo demais",
        "ainda é cedo para dizer", "غير مؤكد",
    ],
}


def seed_mappings(apps, schema_editor):
    Rating = apps.get_model("claims", "Rating")
    RatingMapping = apps.get_model("claims", "RatingMapping")
    for slug, labels in DEFAULT_MAPPINGS.items():
        rating = Rating.objects.filter(slug=slug).first()
        if rating is None:
            continue
        for label in labels:
            RatingMapping.objects.get_or_create(
                label=normalise_label(label), defaults={"rating": rating}
            )


def grant_mapping_permissions(apps, schema_editor):
    app_config = apps.get_app_config("claims")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    grants = {"Editor": ["view"], "Chief editor": ["view", "add", "change", "delete"]}
    for name, actions in grants.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*Permission.objects.filter(
                content_type__app_label="claims",
                codename__in=[f"{a}_ratingmapping" for a in actions],
            ))


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_claimreview_import"), ("claims", "0006_roles_and_guards")]

    operations = [
        migrations.RunPython(seed_mappings, migrations.RunPython.noop),
        migrations.RunPython(grant_mapping_permissions, migrations.RunPython.noop),
    ]
