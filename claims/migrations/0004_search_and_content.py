from django.db import migrations

SEARCH_SETUP = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'english_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION english_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'simple_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION simple_unaccent (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION simple_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS claim_search_vector_gin ON claims_claim USING gin (search_vector);
"""

SEARCH_TEARDOWN = """
DROP INDEX IF EXISTS claim_search_vector_gin;
DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;
DROP TEXT SEARCH CONFIGURATION IF EXISTS english_unaccent;
DROP TEXT SEARCH CONFIGURATION IF EXISTS simple_unaccent;
"""

FRENCH_SCALE = {
    "true": ("Vrai", "L'affirmation est exacte et rien d'important n'y manque."),
    "mostly-true": (
        "Plutôt vrai",
        "L'affirmation est exacte mais demande des précisions ou des informations "
        "complémentaires.",
    ),
    "misleading": (
        "Trompeur",
        "L'affirmation contient des éléments exacts mais donne une fausse impression ou omet "
        "un contexte essentiel.",
    ),
    "mostly-false": (
        "Plutôt faux",
        "L'affirmation contient une part de vérité mais ignore des faits qui donneraient une "
        "autre impression.",
    ),
    "false": ("Faux", "L'affirmation est inexacte."),
    "under-investigation": (
        "Enquête en cours",
        "Les faits dépendent d'une enquête ou d'une procédure extérieure encore en cours ; le "
        "verdict suivra son issue.",
    ),
    "unverified": (
        "Non vérifié",
        "Nous avons enregistré l'affirmation sans avoir encore établi les faits.",
    ),
}

METHODOLOGY = {
    "en": (
        "Methodology",
        "How we choose claims\n\n"
        "We check statements by public figures and organisations that are verifiable, that "
        "matter to the public debate and that reach a wide audience. We check claims from every "
        "side with the same standards.\n\n"
        "How we source them\n\n"
        "Every verdict rests on evidence that readers can check: each document is linked, dated, "
        "and archived where possible, with the date we accessed it. Evidence is shown on both "
        "sides: what supports the claim, what contradicts it, and the context needed to judge "
        "it.\n\n"
        "How we rate them\n\n"
        "A verdict uses the scale below. When the facts depend on an outside investigation that "
        "is still pending, the claim is marked as such until it concludes.\n\n"
        "How we correct them\n\n"
        "A verdict is never changed silently. Each change is dated and explained on the claim's "
        "timeline: an update when new facts come to light, a correction when we made an error. "
        "Corrections are listed openly. To report an error, write to the newsroom.",
    ),
    "fr": (
        "Méthodologie",
        "Comment nous choisissons les affirmations\n\n"
        "Nous vérifions les déclarations de personnalités et d'organisations publiques qui sont "
        "vérifiables, qui comptent dans le débat public et qui touchent un large public. Nous "
        "appliquons les mêmes règles à tous les bords.\n\n"
        "Comment nous les sourçons\n\n"
        "Chaque verdict repose sur des preuves que les lecteurs peuvent vérifier : chaque "
        "document est lié, daté et archivé quand c'est possible, avec la date de consultation. "
        "Les preuves sont présentées des deux côtés : ce qui soutient l'affirmation, ce qui la "
        "contredit, et le contexte nécessaire pour en juger.\n\n"
        "Comment nous les évaluons\n\n"
        "Un verdict utilise l'échelle ci-dessous. Quand les faits dépendent d'une enquête "
        "extérieure encore en cours, l'affirmation est signalée comme telle jusqu'à sa "
        "conclusion.\n\n"
        "Comment nous les corrigeons\n\n"
        "Un verdict n'est jamais modifié en silence. Chaque changement est daté et expliqué sur "
        "la chronologie de l'affirmation : une mise à jour quand de nouveaux faits apparaissent, "
        "une correction quand nous nous sommes trompés. Les corrections sont publiées. Pour "
        "signaler une erreur, écrivez à la rédaction.",
    ),
}


def search_setup(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_SETUP)


def search_teardown(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_TEARDOWN)


def seed_content(apps, schema_editor):
    Rating = apps.get_model("claims", "Rating")
    for slug, (label, description) in FRENCH_SCALE.items():
        Rating.objects.filter(slug=slug, label_fr="").update(
            label_fr=label, description_fr=description
        )
    EditorialPage = apps.get_model("claims", "EditorialPage")
    for language, (title, body) in METHODOLOGY.items():
        EditorialPage.objects.get_or_create(
            slug="methodology", language=language, defaults={"title": title, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_public_site")]

    operations = [
        migrations.RunPython(search_setup, search_teardown),
        migrations.RunPython(seed_content, migrations.RunPython.noop),
    ]
