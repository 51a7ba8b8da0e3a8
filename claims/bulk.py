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


def insert(
    model: type[Model],
    rows: list[dict],
    *,
    computed: dict | None = None,
    history: bool = True,
) -> list[int]:
    """Insert these rows (and their history, unless `history` is off) and return their new
    ids, in order.

    `computed` maps a column to an SQL expression over the staged row `s`, evaluated by
    PostgreSQL as the row goes in (a search vector): one write per row instead of an insert
    and then an update that rewrites the row and every index on it. Ignored elsewhere.
    """
    if not rows:
        return []
    history_model = _history_model(model) if history else None
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        if history_model is None:
            model._default_manager.bulk_create(objs)
        else:
            bulk_create_with_history(objs, model)
        return [obj.pk for obj in objs]

    computed = computed or {}
    written = _plain_fields(model, computed)
    with connection.cursor() as cursor:
        ids = _reserve_ids(cursor, model, len(rows))
        full = _complete(model, written, rows, ids)
        table = model._meta.db_table
        if computed:
            _copy_computed(cursor, model, written, full, computed)
        else:
            _copy(cursor, table, [(f.column, f.attname) for f in written], full)
        if history_model is not None:
            _copy_history(cursor, history_model, full)
    return ids


def _plain_fields(model, computed: dict) -> list:
    written = [f for f in model._meta.concrete_fields if f.column not in computed]
    for field in written:
        if field.get_internal_type() not in PLAIN:
            raise TypeError(f"{model.__name__}.{field.name} is not a plain value to COPY")
    return written


def _reserve_ids(cursor, model, count: int) -> list[int]:
    """New ids from the table's own sequence: safe beside other writers (max(id) is not)."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],
    )
    return [pk_value for (pk_value,) in cursor.fetchall()]


def _complete(model, written: list, rows: list[dict], ids: list[int]) -> list[dict]:
    """Each row with its id, its defaults and its auto_now stamps."""
    now = timezone.now()
    pk = model._meta.pk
    stamped = {
        f.attname
        for f in written
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    defaults = {
        f.attname: now if f.attname in stamped else f.get_default() for f in written if f is not pk
    }
    return [
        {**defaults, **row, pk.attname: pk_value, **dict.fromkeys(stamped, now)}
        for row, pk_value in zip(rows, ids, strict=True)
    ]


def _copy_computed(cursor, model, written: list, full: list[dict], computed: dict) -> None:
    """COPY into a staging table, then one INSERT … SELECT that computes the other columns."""
    table = model._meta.db_table
    stage = f"stage_{table}"
    cursor.execute(f"CREATE TEMP TABLE {stage} (LIKE {table}) ON COMMIT DROP")
    _copy(cursor, stage, [(f.column, f.attname) for f in written], full)
    columns = [f.column for f in model._meta.concrete_fields]
    select = ", ".join(computed.get(c, f"s.{c}") for c in columns)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {stage} AS s", []
    )
    cursor.execute(f"DROP TABLE {stage}")


def _copy_history(cursor, history_model, full: list[dict]) -> None:
    """The "+" rows simple-history writes one save at a time, for all rows at once."""
    now = timezone.now()
    fields = [f for f in history_model._meta.concrete_fields if f.column != "history_id"]
    extra = {name: now if value == "now" else value for name, value in HISTORY.items()}
    for row in full:
        row.update(extra)
    _copy(cursor, history_model._meta.db_table, [(f.column, f.attname) for f in fields], full)


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
