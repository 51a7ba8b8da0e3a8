from django.db import migrations

DEFAULT_SCALE = [
    # label, slug, ordinal, is_final, colour, description
    ("True", "true", 5, True, "#1a7f37",
     "The claim is accurate and nothing significant is missing."),
    ("Mostly true", "mostly-true", 4, True, "#4d9221",
     "The claim is accurate but needs clarification or additional information."),
    ("Misleading", "misleading", 3, True, "#bf8700",
     "The claim contains accurate elements but leaves a false impression or omits key context."),
    ("Mostly false", "mostly-false", 2, True, "#d1570f",
     "The claim contains an element of truth but ignores facts that would give a different "
     "impression."),
    ("False", "false", 1, True, "#cf222e", "The claim is not accurate."),
    ("Under investigation", "under-investigation", None, False, "#8250df",
     "The facts depend on an outside investigation or procedure that is still pending; the "
     "verdict will follow its outcome."),
    ("Unverified", "unverified", None, False, "#6b7280",
     "We have recorded the claim and not yet established the facts."),
]


def seed_scale(apps, schema_editor):
    Rating = apps.get_model("claims", "Rating")
    for label, slug, ordinal, is_final, colour, description in DEFAULT_SCALE:
        Rating.objects.get_or_create(
            slug=slug,
            defaults={"label": label, "ordinal": ordinal, "is_final": is_final,
                      "colour": colour, "description": description},
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(seed_scale, migrations.RunPython.noop)]
