"""`kam import` opens a SQLite file with the standard library alone: the file it creates and the
values it writes must be what the full open and SQLAlchemy would have made (the statements come
from the models: tests/test_generated_schema.py)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from keyaccount_cli.storage import statements as driver
from keyaccount_cli.storage.database import open_database
from keyaccount_cli.storage.migrations import MIGRATION_NAMES
from keyaccount_cli.storage.sqlitefile import open_sqlite_writer

from .conftest import EXAMPLE, FIXTURES
from .test_cli import loaded_by

pytestmark = pytest.mark.sqlite_only


def schema_of(conn: sqlite3.Connection) -> set[tuple[str, str, str, str]]:
    """Every table and index as (type, name, table, SQL with its spacing evened out)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    return {(kind, name, table, " ".join(sql.replace("(", " ( ").split())) for kind, name, table, sql in rows}


def test_a_new_file_is_private_in_wal_and_current(tmp_path):
    lite = open_sqlite_writer(tmp_path / "lite.db")
    assert lite is not None
    assert [name for (name,) in lite.execute("SELECT name FROM migration ORDER BY name")] == list(MIGRATION_NAMES)
    assert (tmp_path / "lite.db").stat().st_mode & 0o777 == 0o600
    assert lite.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    lite.close()
    # and the full open takes the file as current: nothing to upgrade
    again = open_database(str(tmp_path / "lite.db"))
    assert again.schema_version() == len(MIGRATION_NAMES)
    again.close()


def test_a_file_kam_did_not_make_or_at_an_older_schema_is_left_to_the_full_open(tmp_path):
    old = tmp_path / "old.db"
    old.write_bytes((FIXTURES / "kam-schema-0001.db").read_bytes())
    assert open_sqlite_writer(old) is None
    foreign = tmp_path / "notes.db"
    foreign.write_text("not a database, just text\n" * 100)
    assert open_sqlite_writer(foreign) is None
    assert open_sqlite_writer(tmp_path) is None  # a directory


def sqlalchemy_processors():
    """(table, column, bind processor, result processor) of every column SQLAlchemy converts on SQLite."""
    from sqlalchemy.dialects import sqlite
    from sqlmodel import SQLModel

    dialect = sqlite.dialect()
    for table in SQLModel.metadata.sorted_tables:
        for column in table.c:
            impl = column.type.dialect_impl(dialect)
            yield table.name, column, impl.bind_processor(dialect), impl.result_processor(dialect, None)


def test_values_are_written_and_read_back_as_sqlalchemy_does():
    samples = {
        "Date": [date(2026, 2, 28), date(1999, 12, 31)],
        "UTCDateTime": [datetime(2026, 11, 23, 9, 5, 7, tzinfo=UTC), datetime(2026, 1, 2, 23, 59, 1, 500, tzinfo=UTC),
                        datetime(2026, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))],  # fmt: skip
        "Boolean": [True, False],
        "Float": [1.5, 3.0],
    }
    seen = {}
    for table, column, bind, result in sqlalchemy_processors():
        kind = type(column.type).__name__
        seen.setdefault(kind, set()).add(column.name)
        for value in samples.get(kind, ["text", 7]):
            stored = bind(value) if bind else value
            assert driver.sqlite_value(value) == stored, (table, column.name, value)
            back = result(stored) if result else stored
            assert driver.sqlite_python(column.name, stored) == back, (table, column.name, stored)
            assert type(driver.sqlite_python(column.name, stored)) is type(back)
        assert driver.sqlite_python(column.name, None) is None
    assert {"Date", "UTCDateTime", "Boolean", "Float", "AutoString", "Integer"} <= set(seen)


def test_import_into_a_new_or_current_file_loads_no_sqlalchemy(kam, isolated_db, tmp_path):
    assert loaded_by("--db", str(isolated_db), "import", str(EXAMPLE)) == []
    assert loaded_by("--db", str(isolated_db), "import", str(EXAMPLE)) == []  # again: all unchanged
    assert loaded_by("--db", str(tmp_path / "none.db"), "import", str(EXAMPLE), "--dry-run") == []
    assert not (tmp_path / "none.db").exists()
    # the file it made is a kam database like any other, with every index (some are built at the end)
    open_database(str(tmp_path / "made_by_models.db")).close()
    with sqlite3.connect(isolated_db.path) as imported, sqlite3.connect(tmp_path / "made_by_models.db") as models:
        assert schema_of(imported) == schema_of(models)
    (info,) = json.loads(kam("db", "--format", "json").stdout)
    assert info["schema_version"] == len(MIGRATION_NAMES)
    assert info["contact"] > 10 and info["handover"] > 0


def test_import_into_a_file_at_an_older_schema_upgrades_it_first(kam, tmp_path):
    old = tmp_path / "old.db"
    old.write_bytes((FIXTURES / "kam-schema-0001.db").read_bytes())  # the example, imported by kam 0.1
    result = kam("--db", str(old), "import", str(EXAMPLE))
    assert result.exit_code == 0, result.stderr
    assert "0 created, 11 updated, 5 unchanged" in result.stdout  # the example now says who of ours knows them
    with sqlite3.connect(old) as conn:
        assert {name for (name,) in conn.execute("SELECT name FROM migration")} == set(MIGRATION_NAMES)
    # now current: the next import opens it with the standard library
    assert loaded_by("--db", str(old), "import", str(EXAMPLE)) == []
