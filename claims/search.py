"""Full-text search over claims.

On PostgreSQL each claim carries a `search_vector` built from its text, quote, translation,
summary and claimant name, stemmed as French and as English and with accents folded (the
`french_unaccent` / `english_unaccent` / `simple_unaccent` configurations that migration 0003
creates). A reader's query is matched against all three, so "reconnaissance faciale",
"Reconnaissance Faciale" and "facial recognition" all find the minister's claim. Elsewhere
(SQLite) search falls back to substring matching.
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet

CONFIGS = ("french_unaccent", "english_unaccent", "simple_unaccent")
MAX_QUERY_LENGTH = 200

# The quote is stemmed in its own language; the claim text and summary, written by the
# newsroom, in both UI languages; names are never stemmed. Written once over named inputs:
# the stored claim's columns when refreshing, the staged row's when importing.
VECTOR_SQL = """
    setweight(to_tsvector('french_unaccent', {text}), 'A')
    || setweight(to_tsvector('english_unaccent', {text}), 'A')
    || setweight(to_tsvector('simple_unaccent', {name}), 'A')
    || setweight(to_tsvector(
        CASE WHEN {quote_language} LIKE 'fr%%' THEN 'french_unaccent'
             WHEN {quote_language} LIKE 'en%%' THEN 'english_unaccent'
             ELSE 'simple_unaccent' END::regconfig, {quote}), 'A')
    || setweight(to_tsvector('english_unaccent', {quote_translation}), 'B')
    || setweight(to_tsvector('french_unaccent', {summary}), 'C')
    || setweight(to_tsvector('english_unaccent', {summary}), 'C')
"""


def vector_sql(row: str, claimant_name: str) -> str:
    """The search vector as SQL over the claim columns of table alias `row`, with the
    claimant's name given as an SQL expression."""
    return VECTOR_SQL.format(
        text=f"{row}.text",
        name=claimant_name,
        quote=f"{row}.quote",
        quote_language=f"{row}.quote_language",
        quote_translation=f"{row}.quote_translation",
        summary=f"{row}.summary",
    )


REFRESH_SQL = f"""
UPDATE claims_claim AS c SET search_vector = {vector_sql("c", "cl.name")}
FROM claims_claimant AS cl
WHERE cl.id = c.claimant_id AND c.id = ANY(%s)
"""


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def search_vector_refresh(claim_ids: Iterable[int]) -> None:
    """Rebuild the search vector of these claims (PostgreSQL only)."""
    ids = list(claim_ids)
    if ids and uses_full_text():
        with connection.cursor() as cursor:
            cursor.execute(REFRESH_SQL, [ids])


def _normalised(query: str) -> str:
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


LEXEME = re.compile(r"'((?:[^']|'')*)'")


def matching_lexemes(query: str) -> list[str] | None:
    """Lexemes such that every claim `query` finds holds one of them in its search vector
    (dependencies.term_key), or None if there is none such: no full-text search, or a
    negated word (`-word` finds the claims without it). A query of stop words alone finds
    nothing, and needs none."""
    query = _normalised(query)
    if not query or not uses_full_text():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["websearch_to_tsquery(%s::regconfig, %s)::text"] * len(CONFIGS)),
            [value for config in CONFIGS for value in (config, query)],
        )
        readings = cursor.fetchone()
    lexemes = set()
    for reading in readings:  # search_claims matches any of the configurations' readings
        words = [word.replace("''", "'") for word in LEXEME.findall(reading)]
        operators = LEXEME.sub("", reading)
        if "!" in operators:
            return None
        if "|" in operators:
            lexemes.update(words)  # a match holds at least one of them
        elif words:
            lexemes.add(max(words, key=len))  # a match holds all of them: the rarest, likely
    return sorted(lexemes)


def search_claims(queryset: QuerySet, query: str) -> QuerySet:
    query = _normalised(query)
    if not query:
        return queryset
    if not uses_full_text():
        return queryset.filter(
            Q(text__icontains=query)
            | Q(quote__icontains=query)
            | Q(quote_translation__icontains=query)
            | Q(summary__icontains=query)
            | Q(claimant__name__icontains=query)
        )
    search_query = SearchQuery(query, config=CONFIGS[0], search_type="websearch")
    for config in CONFIGS[1:]:
        search_query |= SearchQuery(query, config=config, search_type="websearch")
    return (
        queryset.filter(search_vector=search_query)
        .annotate(rank=SearchRank(F("search_vector"), search_query))
        .order_by("-rank", "-said_on", "-id")
    )
