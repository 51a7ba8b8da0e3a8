"""The database triggers `dependencies.RULES` becomes, on PostgreSQL and on SQLite.

PostgreSQL: one statement-level trigger per table and kind of write, over its transition
tables, so a bulk write costs one pass. The keys a statement touches are noted in
claims_pendingkey, and the transaction once in claims_pendingflush, whose deferred trigger
moves their versions when the transaction commits, in key order (two editors' transactions
never wait on each other's keys in opposite orders, and the rows stay locked only while
committing), and announces them on the `public_keys` channel. The fan-outs to the claims a
row shows on (dependencies.SHOWN_PATHS) are noted in claims_pendingshown and followed then,
committing transactions taking turns (an advisory lock), so a path another editor made
meanwhile is seen. Versions come from one
sequence, so they never repeat. TRUNCATE moves every key, `site` (which every page shows)
included. SQLite (one writer at a time): row triggers move the versions at once. `install()` is
idempotent; a migration that rebuilds a SQLite table (which drops its triggers) or changes
RULES calls it again, and a test compares what is installed with this.
"""

from .dependencies import RULES, SHOWN_PATHS, UPDATED, Table

CHANNEL = "public_keys"

# Each fan-out, followed from the anchors a committing transaction noted.
SHOWN_EXPANSIONS = "\n        ".join(
    f"UNION SELECT {touch.keys[0]} FROM shown p {touch.anchor_path.format('p.value')} "
    f"WHERE p.path = {number} AND ({touch.where})"
    for number, touch in enumerate(SHOWN_PATHS)
)

POSTGRES_COMMON = f"""
CREATE UNLOGGED TABLE IF NOT EXISTS claims_pendingkey (
    txid bigint NOT NULL, key text NOT NULL, PRIMARY KEY (txid, key)
);
-- One row per transaction with keys to move: its deferred trigger fires once, at commit.
CREATE UNLOGGED TABLE IF NOT EXISTS claims_pendingflush (txid bigint PRIMARY KEY);
-- The fan-outs a transaction started (dependencies.SHOWN_PATHS), followed when it commits.
CREATE UNLOGGED TABLE IF NOT EXISTS claims_pendingshown (
    txid bigint NOT NULL, path int NOT NULL, value bigint NOT NULL,
    PRIMARY KEY (txid, path, value)
);
-- Versions come from one sequence, so they never repeat, even after claims_publickey is
-- emptied or restored: a page stored under an old version can never pass for a new one.
CREATE SEQUENCE IF NOT EXISTS claims_publickey_version;

CREATE OR REPLACE FUNCTION claims_announce_keys(keys text[]) RETURNS void AS $$
DECLARE
    chunk text := '';
    k text;
BEGIN
    -- A notification carries at most 8000 bytes.
    FOREACH k IN ARRAY keys LOOP
        IF length(chunk) + length(k) > 7000 THEN
            PERFORM pg_notify('public_keys', chunk);
            chunk := '';
        END IF;
        chunk := CASE WHEN chunk = '' THEN k ELSE chunk || ' ' || k END;
    END LOOP;
    IF chunk <> '' THEN
        PERFORM pg_notify('public_keys', chunk);
    END IF;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION claims_flush_public_keys() RETURNS trigger AS $$
DECLARE
    touched text[];
BEGIN
    -- Commits that move keys take turns here: the fan-outs below then see every commit
    -- before this one, and one after it waits for this one. So an editor publishing a claim,
    -- or citing a document, while another retitles it, never leaves a page with the old
    -- title behind both commits.
    PERFORM pg_advisory_xact_lock(hashtext('claims_public_keys'));
    DELETE FROM claims_pendingflush WHERE txid = NEW.txid;
    WITH gone AS (
        DELETE FROM claims_pendingkey WHERE txid = NEW.txid RETURNING key
    ), shown AS (
        DELETE FROM claims_pendingshown WHERE txid = NEW.txid RETURNING path, value
    ), moved AS (
        SELECT key FROM gone
        {SHOWN_EXPANSIONS}
        -- A claim's page changed: so did the order of the recently updated.
        UNION SELECT '{UPDATED}' WHERE EXISTS (SELECT 1 FROM gone WHERE key LIKE 'claim:%')
    ), bumped AS (
        INSERT INTO claims_publickey AS p (key, version, changed_at)
        SELECT key, nextval('claims_publickey_version'), extract(epoch FROM clock_timestamp())
        FROM moved ORDER BY key
        ON CONFLICT (key) DO UPDATE
            SET version = excluded.version,
                changed_at = GREATEST(p.changed_at, excluded.changed_at)
        RETURNING p.key
    )
    SELECT array_agg(key ORDER BY key) INTO touched FROM bumped;
    IF touched IS NOT NULL THEN
        PERFORM claims_announce_keys(touched);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS claims_pendingkey_flush ON claims_pendingkey;
DROP TRIGGER IF EXISTS claims_pendingkey_flush ON claims_pendingflush;
CREATE CONSTRAINT TRIGGER claims_pendingkey_flush AFTER INSERT ON claims_pendingflush
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION claims_flush_public_keys();

CREATE OR REPLACE FUNCTION claims_public_keys_truncated() RETURNS trigger AS $$
DECLARE
    touched text[];
BEGIN
    -- Every page also depends on `site`: keys never touched have no row to move.
    INSERT INTO claims_publickey (key, version, changed_at) VALUES ('site', 0, 0)
        ON CONFLICT (key) DO NOTHING;
    UPDATE claims_publickey SET version = nextval('claims_publickey_version'),
        changed_at = extract(epoch FROM clock_timestamp());
    SELECT array_agg(key ORDER BY key) INTO touched FROM claims_publickey;
    IF touched IS NOT NULL THEN
        PERFORM claims_announce_keys(touched);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

POSTGRES_DOWN = """
DROP TABLE IF EXISTS claims_pendingkey;
DROP TABLE IF EXISTS claims_pendingflush;
DROP TABLE IF EXISTS claims_pendingshown;
DROP SEQUENCE IF EXISTS claims_publickey_version;
DROP FUNCTION IF EXISTS claims_flush_public_keys();
DROP FUNCTION IF EXISTS claims_announce_keys(text[]);
DROP FUNCTION IF EXISTS claims_public_keys_truncated() CASCADE;
"""

SQLITE_NOW = "(julianday('now') - 2440587.5) * 86400.0"
# How a SQLite trigger moves a key it inserts: one version on, the latest change kept.
SQLITE_MOVE = (
    "ON CONFLICT (key) DO UPDATE SET version = version + 1, "
    "changed_at = max(changed_at, excluded.changed_at);"
)


def _keys_of(table: Table, rows, postgres: bool = True, changed=None) -> str:
    """A query of the keys `rows` touch: a table expression of the table's rows, or a function
    of each Touch giving one. On SQLite, `changed(columns)` is the condition of an update
    that changed those columns, for a Touch only some columns' changes make."""
    selects = []
    for touch in table.touches:
        if (touch.postgres_only and not postgres) or (touch.anchor and postgres):
            continue  # PostgreSQL follows the fan-outs at commit (_markers_of)
        for select in touch.selects():
            select = select.replace("ROWS", rows(touch) if callable(rows) else rows)
            if touch.columns and changed:
                select += f" AND {changed(touch.columns)}"
            selects.append(select)
    return " UNION ".join(selects) or "SELECT NULL::text AS k WHERE FALSE"


def _markers_of(table: Table, rows) -> str:
    """The fan-outs (dependencies.SHOWN_PATHS) `rows` start, as (path, anchor value) pairs for
    claims_pendingshown: followed when the transaction commits."""
    selects = []
    for touch in table.touches:
        if touch.anchor:
            number = next(i for i, path in enumerate(SHOWN_PATHS) if path is touch)
            source = rows(touch) if callable(rows) else rows
            selects.append(f"SELECT {number} AS p, r.{touch.anchor} AS v FROM {source} AS r")
    return " UNION ".join(selects) or "SELECT NULL::int AS p, NULL::bigint AS v WHERE FALSE"


def postgres_function_body(name: str) -> str:
    table = RULES[name]
    private = "'{" + ",".join(table.private) + "}'::text[]"

    def changed(side: str):
        def rows(touch) -> str:
            if touch.columns:
                new = ", ".join(f"n.{column}" for column in touch.columns)
                old = ", ".join(f"o.{column}" for column in touch.columns)
                differs = f"ROW({new}) IS DISTINCT FROM ROW({old})"
            else:
                differs = f"(to_jsonb(n) - {private}) IS DISTINCT FROM (to_jsonb(o) - {private})"
            return (
                f"(SELECT {side}.* FROM new_rows n FULL JOIN old_rows o ON o.id = n.id "
                f"WHERE n.id IS NULL OR o.id IS NULL OR {differs})"
            )

        return rows

    note = (
        "INSERT INTO claims_pendingkey (txid, key) SELECT txid_current(), k FROM ({keys}) AS t "
        "WHERE k IS NOT NULL ON CONFLICT DO NOTHING; noted := FOUND; "
        "INSERT INTO claims_pendingshown (txid, path, value) SELECT txid_current(), p, v "
        "FROM ({markers}) AS m WHERE v IS NOT NULL ON CONFLICT DO NOTHING; "
        "noted := noted OR FOUND; "
        "IF noted THEN INSERT INTO claims_pendingflush VALUES (txid_current()) "
        "ON CONFLICT DO NOTHING; END IF;"
    )
    updated = " UNION ".join(_keys_of(table, changed(side)) for side in "no")
    updated_markers = " UNION ".join(_markers_of(table, changed(side)) for side in "no")
    inserted = note.format(keys=_keys_of(table, "new_rows"), markers=_markers_of(table, "new_rows"))
    deleted = note.format(keys=_keys_of(table, "old_rows"), markers=_markers_of(table, "old_rows"))
    return f"""
DECLARE
    noted boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        {inserted}
    ELSIF TG_OP = 'DELETE' THEN
        {deleted}
    ELSE
        {note.format(keys=updated, markers=updated_markers)}
    END IF;
    RETURN NULL;
END
"""


def _postgres_table(name: str) -> list[str]:
    function = f"{name}_public_keys"
    statements = [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$"
        f"{postgres_function_body(name)}$$ LANGUAGE plpgsql;"
    ]
    referencing = {
        "INSERT": "REFERENCING NEW TABLE AS new_rows",
        "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "REFERENCING OLD TABLE AS old_rows",
    }
    for event, tables in referencing.items():
        trigger = f"{name}_public_keys_{event.lower()}"
        statements.append(
            f"DROP TRIGGER IF EXISTS {trigger} ON {name}; CREATE TRIGGER {trigger} AFTER {event} "
            f"ON {name} {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        )
    statements.append(
        f"DROP TRIGGER IF EXISTS {name}_public_keys_truncate ON {name}; "
        f"CREATE TRIGGER {name}_public_keys_truncate AFTER TRUNCATE ON {name} "
        "FOR EACH STATEMENT EXECUTE FUNCTION claims_public_keys_truncated();"
    )
    return statements


def sqlite_triggers(name: str, columns: list[str]) -> dict[str, str]:
    """Each trigger's name and its CREATE statement, for the table's present columns."""
    table = RULES[name]

    def row(side: str) -> str:
        return "(SELECT " + ", ".join(f"{side}.{c} AS {c}" for c in columns) + ")"

    def differs(columns) -> str:
        return "(" + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns) + ")"

    def bump(side: str, update: bool = False) -> str:
        keys = _keys_of(table, row(side), postgres=False, changed=differs if update else None)
        return (
            "INSERT INTO claims_publickey (key, version, changed_at) "
            f"SELECT k, 1, {SQLITE_NOW} FROM ({keys}) WHERE k IS NOT NULL {SQLITE_MOVE}"
        )

    public = [c for c in columns if c not in table.private]
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in public)
    bodies = {
        "insert": ("", bump("NEW")),
        "update": (f" WHEN {changed}", bump("NEW", True) + " " + bump("OLD", True)),
        "delete": ("", bump("OLD")),
    }
    return {
        f"{name}_public_keys_{event}": (
            f"CREATE TRIGGER {name}_public_keys_{event} AFTER {event.upper()} ON {name}"
            f"{when} BEGIN {body} END"
        )
        for event, (when, body) in bodies.items()
    }


def install(schema_editor, tables=None) -> None:
    """(Re)create the triggers of `tables` (all of RULES by default)."""
    connection = schema_editor.connection
    names = list(RULES) if tables is None else tables
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_COMMON, params=None)
        for name in names:
            for statement in _postgres_table(name):
                schema_editor.execute(statement, params=None)
    elif connection.vendor == "sqlite":
        for name in names:
            with connection.cursor() as cursor:
                description = connection.introspection.get_table_description(cursor, name)
            for trigger, sql in sqlite_triggers(name, [c.name for c in description]).items():
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
                schema_editor.execute(sql)


def uninstall(schema_editor) -> None:
    connection = schema_editor.connection
    for name in RULES:
        if connection.vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}_public_keys() CASCADE")
        elif connection.vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_public_keys_{event}")
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)


# The claim's last public change (Claim.public_updated_at) is the time its page's key
# `claim:N` last moved: whatever readers see of it changed (its own columns, its evidence,
# topics, appearances, verdicts, links…), never an editors' note. Only this dates it.
DATING = "claims.dating_public_change"


def install_public_updated(schema_editor) -> None:
    """(Re)create the triggers that date a claim's last public change from its key. A
    migration that rebuilds claims_claim on SQLite calls it again, as install()."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(
            f"""
CREATE OR REPLACE FUNCTION claims_claim_public_updated() RETURNS trigger AS $$
BEGIN
    -- Whatever a writer sends is not a date: only the key's trigger below sets one.
    IF TG_OP = 'INSERT' THEN
        NEW.public_updated_at := clock_timestamp();
    ELSIF current_setting('{DATING}', true) IS DISTINCT FROM 'on' THEN
        NEW.public_updated_at := OLD.public_updated_at;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS claims_claim_public_updated ON claims_claim;
CREATE TRIGGER claims_claim_public_updated BEFORE INSERT OR UPDATE ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claim_public_updated();

CREATE OR REPLACE FUNCTION claims_publickey_dates_claim() RETURNS trigger AS $$
BEGIN
    PERFORM set_config('{DATING}', 'on', true);
    -- This runs while committing, after the keys were taken in order: waiting here for a
    -- claim another transaction is writing (it may wait for one of our keys) would be a
    -- deadlock. That writer dates the claim itself if what it changes is public.
    UPDATE claims_claim SET public_updated_at = to_timestamp(NEW.changed_at)
        WHERE id = (SELECT id FROM claims_claim WHERE id = substr(NEW.key, 7)::bigint
                    FOR NO KEY UPDATE SKIP LOCKED);
    PERFORM set_config('{DATING}', 'off', true);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS claims_publickey_dates_claim ON claims_publickey;
CREATE TRIGGER claims_publickey_dates_claim AFTER INSERT OR UPDATE ON claims_publickey
    FOR EACH ROW WHEN (NEW.key LIKE 'claim:%')
    EXECUTE FUNCTION claims_publickey_dates_claim();
""",
            params=None,
        )
    elif connection.vendor == "sqlite":
        uninstall_public_updated(schema_editor)
        date = "strftime('%Y-%m-%d %H:%M:%f', NEW.changed_at, 'unixepoch')"
        for event in ("insert", "update"):
            schema_editor.execute(
                f"CREATE TRIGGER claims_publickey_dates_claim_{event} AFTER {event.upper()} "
                "ON claims_publickey WHEN NEW.key LIKE 'claim:%' BEGIN UPDATE claims_claim "
                f"SET public_updated_at = {date} "
                "WHERE id = CAST(substr(NEW.key, 7) AS INTEGER); "
                # A claim's page changed: so did the order of the recently updated.
                "INSERT INTO claims_publickey (key, version, changed_at) "
                f"VALUES ('{UPDATED}', 1, NEW.changed_at) {SQLITE_MOVE} END"
            )


def uninstall_public_updated(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS claims_claim_public_updated() CASCADE")
        schema_editor.execute("DROP FUNCTION IF EXISTS claims_publickey_dates_claim() CASCADE")
    else:
        for event in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS claims_publickey_dates_claim_{event}")
