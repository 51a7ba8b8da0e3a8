"""What each public page depends on, and which writes change it: one table, read by the
database triggers that invalidate, the pages that declare, and the edge that purges.

A public response depends on *keys*: one per thing it shows (`claim:12`, `source:3`, …) and a
few for sets (`claims`: the published claims and everything a listing shows of them;
`changes`: the public record of changes; `cited`: the documents and publishers published
claims cite; `ratings`: the rating scale). A filtered listing depends on less than `claims`
(ClaimFilter.dependency_keys): on `cards`, which every write a listing shows touches but a
claim's own row, and on the key of one filter that each claim's row touches in its states
before and after a write (its rating's, claimant's, topics', each word of its search
vector's), so a verdict changed on one claim re-renders only the searches it can appear in.
`RULES` says, for every table readers can see,
which keys a written row touches and when: a row nobody can see (a draft's evidence, an
editors' note, a claimant only drafts name) touches none. Migration 0016 turns `RULES` into
triggers, so raw SQL, bulk updates and imports count as much as the admin; every touched key's
version moves when the transaction commits (claims_publickey). Pages compare the versions of
their keys (claims/public/caching.py); PostgreSQL also announces each commit's keys on the
`public_keys` channel, which the edge purger listens to (claims/public/edge.py).
"""

import hashlib
from dataclasses import dataclass

# The sets. A key nobody depends on costs nothing to touch.
CLAIMS = "claims"
CHANGES = "changes"
CITED = "cited"
RATINGS = "ratings"
# What listings show besides the claims' own rows: claimants' and topics' names, open
# investigations. Every write that touches `claims` touches it, except a claim's own row.
CARDS = "cards"
# Which claims are published, in which languages: the search form's choices.
PUBLISHED = "claims-published"
# A public change to any claim (its page's key moved): the order of "recently updated".
UPDATED = "claims-updated"

# A write to something listings show, other than a claim's own row (whose keys are finer).
LISTED = (f"'{CLAIMS}'", f"'{CARDS}'")

CLAIM_ON_RECORD = "r.publication_state IN ('published', 'withdrawn')"


def _claim_published(column: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM claims_claim c WHERE c.id = r.{column} "
        "AND c.publication_state = 'published')"
    )


def _cited_through(table: str, column: str, alias: str = "r") -> str:
    """A published claim reaches the row through `table` (claims' many-to-many)."""
    return (
        f"EXISTS (SELECT 1 FROM {table} t JOIN claims_claim c ON c.id = t.claim_id "
        f"WHERE t.{column} = {alias}.id AND c.publication_state = 'published')"
    )


def _source_cited(alias: str) -> str:
    # Cited as evidence, or by an update of an investigation a published claim depends on.
    return (
        "(EXISTS (SELECT 1 FROM claims_evidence e JOIN claims_claim c ON c.id = e.claim_id "
        f"WHERE e.source_id = {alias}.id AND c.publication_state = 'published') "
        "OR EXISTS (SELECT 1 FROM sources_investigationupdate u "
        "JOIN claims_claim_investigations t ON t.investigation_id = u.investigation_id "
        "JOIN claims_claim c ON c.id = t.claim_id "
        f"WHERE u.source_id = {alias}.id AND c.publication_state = 'published'))"
    )


PUBLISHER_CITED = (
    f"(EXISTS (SELECT 1 FROM sources_source s WHERE s.publisher_id = r.id AND {_source_cited('s')})"
    " OR EXISTS (SELECT 1 FROM sources_investigation i WHERE i.body_id = r.id AND "
    f"{_cited_through('claims_claim_investigations', 'investigation_id', 'i')}))"
)


# An investigation update is public once a published claim depends on its investigation.
INVESTIGATION_CITED = (
    "EXISTS (SELECT 1 FROM claims_claim_investigations t "
    "JOIN claims_claim c ON c.id = t.claim_id "
    "WHERE t.investigation_id = r.investigation_id AND c.publication_state = 'published')"
)


@dataclass(frozen=True)
class Touch:
    """Keys (SQL expressions over the row `r`) a written row touches when `where` holds."""

    keys: tuple[str, ...]
    where: str = "TRUE"
    join: str = ""  # more rows to take keys from (linked claims)
    postgres_only: bool = False  # needs what only PostgreSQL has (the search vector)
    # When given, an update touches the keys only if one of these columns changed.
    columns: tuple[str, ...] = ()
    # A fan-out followed at commit (_shown_on): the row's column and the joins from it.
    anchor: str = ""
    anchor_path: str = ""

    def selects(self) -> list[str]:
        """One SELECT per key over the rows ROWS (a placeholder each trigger fills)."""
        return [
            f"SELECT {key} AS k FROM ROWS AS r {self.join} WHERE ({self.where})"
            for key in self.keys
        ]


@dataclass(frozen=True)
class Table:
    touches: tuple[Touch, ...]
    # Columns no reader sees: an update that changes only these touches nothing.
    private: tuple[str, ...] = ()


def rating_key(rating_id: int) -> str:
    return f"claims-rating:{rating_id}"


def term_key(lexeme: str) -> str:
    """The key of the published claims whose search vector holds `lexeme` (hashed: a lexeme
    may hold spaces or letters a header cannot carry). The same as TERM_KEY_SQL."""
    return f"claims-term:{hashlib.md5(lexeme.encode()).hexdigest()[:16]}"


TERM_KEY_SQL = "'claims-term:' || left(md5(v.lexeme), 16)"


def shown_key(claim_id: int) -> str:
    """What a claim's page shows of other things (claim_page_keys)."""
    return f"claim-shown:{claim_id}"


def _shown_on(anchor: str, path: str) -> Touch:
    """The row shows on the pages of the published claims `c` that `path` (joins from the
    row's column `anchor`, written `{}`) reaches: it touches their `claim-shown` key, not
    `claim:N`, which dates a claim's last change (a document's "seen on" date is no news of
    the claim). On PostgreSQL the path is followed when the transaction commits, not when the
    row is written (triggers.py): another editor may have made a new path meanwhile."""
    return Touch(
        ("'claim-shown:' || c.id",),
        "c.publication_state = 'published'",
        path.format(f"r.{anchor}"),
        anchor=anchor,
        anchor_path=path,
    )


_TO_CLAIM = "JOIN claims_claim c ON c.id = {}"
_CITING = (  # the claims citing document `{}` as evidence, and through investigations
    "JOIN claims_evidence e ON e.source_id = {} " + _TO_CLAIM.format("e.claim_id"),
    "JOIN sources_investigationupdate u ON u.source_id = {} "
    "JOIN claims_claim_investigations t ON t.investigation_id = u.investigation_id "
    + _TO_CLAIM.format("t.claim_id"),
)
_INVESTIGATING = (  # the claims depending on investigation `{}`
    "JOIN claims_claim_investigations t ON t.investigation_id = {} "
    + _TO_CLAIM.format("t.claim_id")
)


def _object(prefix: str) -> Touch:
    return Touch((f"'{prefix}:' || r.id",))


RULES: dict[str, Table] = {
    "claims_claim": Table(
        (
            Touch(("'claim:' || r.id", f"'{CLAIMS}'", f"'{CHANGES}'"), CLAIM_ON_RECORD),
            # Its claimant's page and its topics' pages list it: they depend on their list's
            # key (listing_key), not on every claim (`claims`), so one claim's change leaves
            # the others' pages alone; and not on the claimant's or topic's own key, which
            # every page naming them depends on.
            Touch(("'claimant-claims:' || r.claimant_id",), CLAIM_ON_RECORD),
            Touch((f"'{PUBLISHED}'",), CLAIM_ON_RECORD, columns=("publication_state", "language")),
            # What a filtered listing can match it by (ClaimFilter.dependency_keys), before
            # and after.
            Touch(("'claims-rating:' || r.rating_id",), CLAIM_ON_RECORD),
            Touch(
                (TERM_KEY_SQL,),
                CLAIM_ON_RECORD,
                "CROSS JOIN LATERAL unnest(r.search_vector) AS v",
                postgres_only=True,
            ),
            Touch(
                ("'topic-claims:' || t.topic_id",),
                CLAIM_ON_RECORD,
                "JOIN claims_claim_topics t ON t.claim_id = r.id",
            ),
            # A linked claim's page shows this one once both are published.
            Touch(
                ("'claim:' || l.from_claim_id",),
                CLAIM_ON_RECORD,
                "JOIN claims_claimlink l ON l.to_claim_id = r.id",
            ),
            Touch(
                ("'claim:' || l.to_claim_id",),
                CLAIM_ON_RECORD,
                "JOIN claims_claimlink l ON l.from_claim_id = r.id",
            ),
        ),
        # public_updated_at is dated from this claim's key (claims/public/triggers.py).
        private=(
            "editor_note",
            "created_by_id",
            "updated_at",
            "public_updated_at",
            "version",
            "import_key",
            "import_fingerprint",
        ),
    ),
    "claims_claim_topics": Table(
        (
            Touch(
                ("'claim:' || r.claim_id", "'topic-claims:' || r.topic_id", *LISTED),
                _claim_published("claim_id"),
            ),
        )
    ),
    "claims_claim_investigations": Table(
        (
            Touch(
                ("'claim:' || r.claim_id", "'investigation:' || r.investigation_id"),
                _claim_published("claim_id"),
            ),
            Touch((*LISTED, f"'{CITED}'"), _claim_published("claim_id")),
        )
    ),
    "claims_claimant": Table(
        (
            _object("claimant"),
            # Its claims' pages, and the pages of the claims linked to them, name it.
            _shown_on("id", "JOIN claims_claim c ON c.claimant_id = {}"),
            # A linked claim shows once both ends are published.
            _shown_on(
                "id",
                "JOIN claims_claim k ON k.claimant_id = {} AND k.publication_state = 'published' "
                "JOIN claims_claimlink l ON l.to_claim_id = k.id "
                + _TO_CLAIM.format("l.from_claim_id"),
            ),
            _shown_on(
                "id",
                "JOIN claims_claim k ON k.claimant_id = {} AND k.publication_state = 'published' "
                "JOIN claims_claimlink l ON l.from_claim_id = k.id "
                + _TO_CLAIM.format("l.to_claim_id"),
            ),
            # The cards on a topic's page name each claim's claimant.
            Touch(
                ("'topic-claims:' || t.topic_id",),
                "c.publication_state = 'published'",
                "JOIN claims_claim c ON c.claimant_id = r.id "
                "JOIN claims_claim_topics t ON t.claim_id = c.id",
            ),
            # Withdrawn claims stay in the feed's news of their withdrawal.
            Touch(
                (*LISTED, f"'{CHANGES}'"),
                "EXISTS (SELECT 1 FROM claims_claim c WHERE c.claimant_id = r.id "
                "AND c.publication_state IN ('published', 'withdrawn'))",
            ),
        ),
        private=("updated_at",),
    ),
    "claims_topic": Table(
        (
            _object("topic"),
            _shown_on(
                "id",
                "JOIN claims_claim_topics t ON t.topic_id = {} " + _TO_CLAIM.format("t.claim_id"),
            ),
            Touch((*LISTED,), _cited_through("claims_claim_topics", "topic_id")),
        )
    ),
    "claims_rating": Table((Touch((f"'{RATINGS}'",)),)),
    # Appearances are in ClaimReview too (claimreview.json, a listing of every claim).
    "claims_appearance": Table(
        (Touch(("'claim:' || r.claim_id", *LISTED), _claim_published("claim_id")),)
    ),
    "claims_statuschange": Table(
        (
            Touch(
                ("'claim:' || r.claim_id", f"'{CHANGES}'"),
                "EXISTS (SELECT 1 FROM claims_claim c WHERE c.id = r.claim_id "
                "AND c.publication_state IN ('published', 'withdrawn'))",
            ),
        )
    ),
    # Every publication event is of a claim readers see, or saw.
    "claims_publicationevent": Table(
        (Touch(("'claim:' || r.claim_id", *LISTED, f"'{CHANGES}'", f"'{CITED}'")),)
    ),
    "claims_evidence": Table(
        (
            Touch(
                ("'claim:' || r.claim_id", "'source:' || r.source_id", f"'{CITED}'"),
                _claim_published("claim_id"),
            ),
        ),
        private=("note", "updated_at"),
    ),
    "claims_claimlink": Table(
        (
            Touch(
                ("'claim:' || r.from_claim_id", "'claim:' || r.to_claim_id"),
                # Shown only once both ends are published; a claim published later touches
                # the keys of the claims linked to it (claims_claim above).
                f"({_claim_published('from_claim_id')} AND {_claim_published('to_claim_id')})",
            ),
        )
    ),
    "claims_editorialpage": Table((Touch(("'page:' || r.slug",)),), private=("updated_at",)),
    "sources_publisher": Table(
        (
            _object("publisher"),
            Touch((f"'{CITED}'",), PUBLISHER_CITED),
            # Claim pages name the publisher of each document and the body investigating.
            _shown_on(
                "id",
                "JOIN sources_source s ON s.publisher_id = {} "
                "JOIN claims_evidence e ON e.source_id = s.id " + _TO_CLAIM.format("e.claim_id"),
            ),
            _shown_on(
                "id",
                "JOIN sources_investigation i ON i.body_id = {} "
                + _INVESTIGATING.replace("{}", "i.id"),
            ),
        ),
        private=("updated_at",),
    ),
    "sources_source": Table(
        (
            _object("source"),
            Touch((f"'{CITED}'",), _source_cited("r")),
            *(_shown_on("id", path) for path in _CITING),
        ),
        private=("updated_at", "normalised_url"),
    ),
    "sources_investigation": Table(
        (
            _object("investigation"),
            _shown_on("id", _INVESTIGATING),
            Touch(
                (*LISTED, f"'{CITED}'"),
                _cited_through("claims_claim_investigations", "investigation_id"),
            ),
        ),
        private=("updated_at",),
    ),
    "sources_investigationupdate": Table(
        (
            _shown_on("investigation_id", _INVESTIGATING),
            Touch(("'investigation:' || r.investigation_id", f"'{CITED}'"), INVESTIGATION_CITED),
            Touch(
                ("'source:' || r.source_id",),
                f"r.source_id IS NOT NULL AND {INVESTIGATION_CITED}",
            ),
        )
    ),
    # A capture ("seen on", an archived copy, a source gone) shows on its source's pages and
    # on the pages of the claims citing it.
    "sources_capture": Table(
        (
            Touch(
                ("'source:' || r.source_id",),
                "EXISTS (SELECT 1 FROM sources_source s WHERE s.id = r.source_id AND "
                f"{_source_cited('s')})",
            ),
            *(_shown_on("source_id", path) for path in _CITING),
        )
    ),
}


# The fan-outs PostgreSQL follows at commit, numbered: claims_pendingshown names them so.
SHOWN_PATHS = [touch for table in RULES.values() for touch in table.touches if touch.anchor]


def key(obj) -> str:
    """The key of one public object: `claim:12`, `source:3`, `page:methodology`…"""
    label = obj._meta.model_name
    if label == "editorialpage":
        return f"page:{obj.slug}"
    return f"{label}:{obj.pk}"


def listing_key(obj) -> str:
    """The key of the published claims a claimant's or topic's page lists: `topic-claims:4`."""
    return f"{obj._meta.model_name}-claims:{obj.pk}"


def claim_page_keys(claim) -> list[str]:
    """Everything a claim's page (and its API answer) shows: the claim itself (its evidence,
    topics, verdicts, links: `claim:N`), what it shows of other things (its claimant and
    linked claims' claimants, topics, documents and their publishers and captures,
    investigations and the documents their updates cite: `claim-shown:N`, which RULES fan
    out to), and the rating scale. Three keys, so a cached page costs one small read."""
    return sorted([key(claim), shown_key(claim.pk), RATINGS])


def investigation_keys(investigation) -> list[str]:
    """An investigation as a page shows it: itself, the body leading it, the documents its
    updates cite (from its prefetched updates)."""
    keys = [key(investigation)]
    if investigation.body_id:
        keys.append(f"publisher:{investigation.body_id}")
    keys += [f"source:{u.source_id}" for u in investigation.updates.all() if u.source_id]
    return keys
