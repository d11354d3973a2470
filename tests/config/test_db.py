"""config/db.py: one psycopg cursor per connection for the hot-path prepared statements."""

import pytest
from django.db import connection, transaction

from config.db import pg_cursor

pytestmark = pytest.mark.django_db

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="psycopg cursors exist only on PostgreSQL"
)


@needs_postgres
def test_a_connection_keeps_one_cursor_of_each_kind():
    import psycopg

    plain, raw = pg_cursor(), pg_cursor(raw=True)
    assert type(plain) is psycopg.Cursor and type(raw) is psycopg.RawCursor
    assert pg_cursor() is plain and pg_cursor(raw=True) is raw
    plain.execute("SELECT %s::int + 1", [41], prepare=True)
    assert plain.fetchone() == (42,)
    raw.execute("SELECT $1::int * 2", [21], prepare=True)
    assert raw.fetchone() == (42,)


@needs_postgres
def test_a_closed_cursor_is_replaced():
    first = pg_cursor()
    first.close()
    second = pg_cursor()
    assert second is not first and not second.closed


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_gets_a_new_cursor():
    before = pg_cursor()
    connection.close()
    after = pg_cursor()
    assert after is not before
    after.execute("SELECT 1")
    assert after.fetchone() == (1,)


@needs_postgres
def test_the_cursor_works_inside_the_orms_transaction():
    from schools.models import School

    with pytest.raises(RuntimeError), transaction.atomic():
        School.objects.create(name="Rolled back")
        cursor = pg_cursor()
        cursor.execute("SELECT count(*) FROM schools_school WHERE name = %s", ["Rolled back"])
        assert cursor.fetchone() == (1,)
        raise RuntimeError
    assert not School.objects.filter(name="Rolled back").exists()


@needs_postgres
def test_the_sites_connections_never_jit_compile_a_query():
    # Past jit_above_cost PostgreSQL compiles a query on every run; the recording statement's
    # generic plan guessed its way past it, and each scenario step waited some 0.75 s.
    cursor = pg_cursor()
    cursor.execute("SHOW jit")
    assert cursor.fetchone() == ("off",)
    cursor.execute("SHOW plan_cache_mode")
    assert cursor.fetchone() == ("force_generic_plan",)
