"""Inserting many new rows at once, with their history, for imports.

Rows are plain dicts of attribute names (`claimant_id`, not `claimant`) to values; a field a
row leaves out gets its default. On PostgreSQL they go in through COPY with ids reserved from
the table's own sequence (safe beside other writers), and a model that keeps history gets its
"+" history rows the same way, as simple-history writes them one save at a time. Elsewhere
(SQLite) this is simple-history's `bulk_create_with_history`. Either way the new ids come
back, in order. No model instance is built on PostgreSQL: at tens of thousands of rows, that
is most of the cost.

Only plain values are written (text, numbers, dates, booleans, foreign keys by id): the
models imports create have no other kind, and a field of another kind is refused rather than
written wrongly.
"""

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "SlugField",
    "TextField",
    "URLField",
}
HISTORY = {
    "history_date": "now",
    "history_change_reason": None,
    "history_type": "+",
    "history_user_id": None,
}


def insert(model: type[Model], rows: list[dict], *, computed: dict | None = None) -> list[int]:
    """Insert these rows (and their history) and return their new ids, in order.

    `computed` maps a column to an SQL expression over the staged row `s`, evaluated by
    PostgreSQL as the row goes in (a search vector): one write per row instead of an insert
    and then an update that rewrites the row and every index on it. Ignored elsewhere.
    """
    if not rows:
        return []
    history = _history_model(model)
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        if history is None:
            model._default_manager.bulk_create(objs)
        else:
            bulk_create_with_history(objs, model)
        return [obj.pk for obj in objs]

    computed = computed or {}
    now = timezone.now()
    pk = model._meta.pk
    written = [f for f in model._meta.concrete_fields if f.column not in computed]
    for field in written:
        if field.get_internal_type() not in PLAIN:
            raise TypeError(f"{model.__name__}.{field.name} is not a plain value to COPY")
    stamped = {
        f.attname
        for f in written
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    defaults = {
        f.attname: now if f.attname in stamped else f.get_default() for f in written if f is not pk
    }
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(rows)],
        )
        ids = [pk_value for (pk_value,) in cursor.fetchall()]
        full = [
            {**defaults, **row, pk.attname: pk_value, **dict.fromkeys(stamped, now)}
            for row, pk_value in zip(rows, ids, strict=True)
        ]

        target = f"stage_{table}" if computed else table
        if computed:
            cursor.execute(f"CREATE TEMP TABLE {target} (LIKE {table}) ON COMMIT DROP")
        _copy(cursor, target, [(f.column, f.attname) for f in written], full)
        if computed:
            columns = [f.column for f in model._meta.concrete_fields]
            select = ", ".join(computed.get(c, f"s.{c}") for c in columns)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {target} AS s",
                [],
            )
            cursor.execute(f"DROP TABLE {target}")

        if history is not None:
            fields = [f for f in history._meta.concrete_fields if f.column != "history_id"]
            extra = {name: now if value == "now" else value for name, value in HISTORY.items()}
            for row in full:
                row.update(extra)
            _copy(cursor, history._meta.db_table, [(f.column, f.attname) for f in fields], full)
    return ids


def _copy(cursor, table: str, columns: list[tuple[str, str]], rows: list[dict]) -> None:
    names = [name for _, name in columns]
    # Straight to psycopg: its errors become Django's, as on every other query.
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({', '.join(c for c, _ in columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in names])


def _history_model(model):
    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


def defer_index_merges(megabytes: int = 64) -> None:
    """For the rest of this transaction, let new entries of the GIN indexes (full-text and
    trigram) gather in each index's pending list instead of being merged every 4 MB: the
    import writes them once, and autovacuum merges them in one sorted pass afterwards, which
    costs the database less in all. Searches read the pending list until then."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL gin_pending_list_limit = '{int(megabytes)}MB'")
