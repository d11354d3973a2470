"""Rows for the player's hot path: raw reads turned into model instances, and the attempt insert.

A learner's every step goes through here, so these skip the ORM's query building, which cost
more than the database took to answer (docs/benchmarks.md). They build the same instances the
ORM would: each field's converters are applied, and fields not read load on first use.
"""

from __future__ import annotations

from functools import cache
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connection, connections

from config.db import pg_cursor

# Per database connection, the converters the ORM would apply to each field read (they
# depend on the backend: SQLite returns text and integers, psycopg JSON as text). Worked out
# once per connection rather than on every read.
_read_converters: WeakKeyDictionary = WeakKeyDictionary()


def fetch_one(sql: str, params: list):
    """The first row of `sql`. On PostgreSQL the statement is prepared on the connection
    (planning these small joins cost more than running them); the settings allow that."""
    if connection.vendor == "postgresql":
        cursor = pg_cursor()
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def instance(model, names: tuple[str, ...], values):
    """An instance of `model` with only the fields `names` loaded (the rest load on first
    use) from `values` as the database returned them, converted as the ORM would."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    known = _read_converters.setdefault(wrapper, {})
    plan = known.get((model, names))
    if plan is None:
        # Model.from_db takes the values in the model's field order.
        fields = [f for f in model._meta.concrete_fields if f.attname in names]
        plan = (
            tuple(field.attname for field in fields),
            [
                (
                    names.index(field.attname),
                    column := field.get_col(model._meta.db_table),
                    wrapper.ops.get_db_converters(column) + field.get_db_converters(wrapper),
                )
                for field in fields
            ],
        )
        known[(model, names)] = plan
    attnames, steps = plan
    loaded = []
    for index, column, converters in steps:
        value = values[index]
        for converter in converters:
            value = converter(value, column, wrapper)
        loaded.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, attnames, loaded)


@cache
def insert_fields(model) -> tuple:
    """The fields an insert of `model` writes: every concrete field but the primary key."""
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


def typed_placeholders(fields) -> str:
    """`%s::type` for each field, for prepared statements (server-side parameters)."""
    return ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields)


def insert_params(obj) -> list:
    """What an insert of the new instance `obj` sends, prepared as `save()` would prepare it
    (defaults and auto_now_add fields filled in)."""
    # The connection itself, not Django's per-thread proxy: each field's preparation asks it
    # several things.
    wrapper = connections[DEFAULT_DB_ALIAS]
    return [
        f.get_db_prep_save(f.pre_save(obj, add=True), wrapper) for f in insert_fields(type(obj))
    ]


@cache
def _insert_sql(model) -> str:
    meta = model._meta
    quote = connection.ops.quote_name
    fields = insert_fields(model)
    columns = ", ".join(quote(f.column) for f in fields)
    # Only the model's own table and column names are interpolated.
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({typed_placeholders(fields)}) RETURNING {quote(meta.pk.column)}"
    )


def insert(obj) -> None:
    """Save a new instance, as `save(force_insert=True)` would (defaults and auto_now_add
    fields filled in, the primary key set), in one prepared statement on PostgreSQL."""
    if connection.vendor != "postgresql":
        obj.save(force_insert=True)
        return
    obj.pk = fetch_one(_insert_sql(type(obj)), insert_params(obj))[0]
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
