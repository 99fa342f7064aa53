from __future__ import annotations

import functools
import itertools
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from keyaccount_cli import i18n
from keyaccount_cli.cli import app, hoist_global_options
from keyaccount_cli.storage.database import display_location

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "contacts.csv"
SAMPLE_GBK = ROOT.parent / "shared" / "samples" / "crm_export_gbk.csv"
FIXTURES = Path(__file__).parent / "fixtures"

# The whole suite runs on one backend: SQLite files, or the PostgreSQL server named by
# KAM_TEST_PG_URL (a SQLAlchemy URL of a database the test user may create schemas in).
PG_URL = os.environ.get("KAM_TEST_PG_URL")
BACKEND = "postgresql" if PG_URL else "sqlite"
_names = itertools.count()

# Typer's CliRunner rebuilds the whole click command tree from the commands' signatures on
# every invoke (about 50 ms here, several hundred invokes in the suite), where `kam` builds it
# once per process. The tests build it once per test session: the same command, same parsing.
if getattr(typer.testing, "_get_command", None) is typer.main.get_command:
    typer.testing._get_command = functools.cache(typer.main.get_command)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BACKEND == "postgresql" and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="about SQLite files; runs in the suite without KAM_TEST_PG_URL"))
        if BACKEND == "sqlite" and item.get_closest_marker("postgresql_only"):
            item.add_marker(pytest.mark.skip(reason="needs a PostgreSQL server: set KAM_TEST_PG_URL"))


@dataclass
class TestDatabase:
    """One fresh, empty database for a test: a SQLite file that does not exist yet, or a new
    schema on the test server (the URL sets the connection's search_path to it)."""

    __test__ = False  # not a test class, whatever its name

    location: str
    path: Path | None = None
    schema: str | None = None
    admin: Any = None

    def __str__(self) -> str:
        return self.location

    @property
    def shown(self) -> str:
        """The location as kam prints it."""
        return display_location(self.location)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.path is not None:
            with sqlite3.connect(self.path) as conn:
                return conn.execute(sql, params).fetchall()
        with self.admin.transaction():
            self.admin.execute(f'SET LOCAL search_path TO "{self.schema}"')
            return self.admin.execute(sql.replace("?", "%s"), params).fetchall()

    def count(self, table: str) -> int:
        return int(self.rows(f'select count(*) from "{table}"')[0][0])

    def exists(self) -> bool:
        """Whether kam has created its database here."""
        if self.path is not None:
            return self.path.exists()
        return self.admin.execute("select to_regclass(%s)", (f'"{self.schema}".migration',)).fetchone()[0] is not None


@pytest.fixture(scope="session")
def pg_admin():
    if not PG_URL:
        yield None
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    conn = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True)
    yield conn
    conn.close()


@pytest.fixture
def new_db(tmp_path, pg_admin):
    """A factory of fresh, empty databases on the backend under test; dropped afterwards."""
    made: list[TestDatabase] = []

    def make(name: str = "kam.db") -> TestDatabase:
        if pg_admin is None:
            path = tmp_path / name
            db = TestDatabase(str(path), path=path)
        else:
            from sqlalchemy.engine import make_url

            schema = f"kam_test_{os.getpid()}_{next(_names)}"
            pg_admin.execute(f'CREATE SCHEMA "{schema}"')
            url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
            db = TestDatabase(url.render_as_string(hide_password=False), schema=schema, admin=pg_admin)
        made.append(db)
        return db

    yield make
    for db in made:
        if db.schema is not None:
            pg_admin.execute(f'DROP SCHEMA "{db.schema}" CASCADE')


@pytest.fixture(autouse=True, params=[BACKEND])
def isolated_db(new_db, monkeypatch):
    """Tests never touch the user's real database or config: each gets a fresh one."""
    db = new_db()
    monkeypatch.setenv("KAM_DB", db.location)
    monkeypatch.delenv("KAM_CONFIG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("KAM_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):  # English unless a test asks (kam reads the locale)
        monkeypatch.delenv(name, raising=False)
    i18n.use("en")
    return db


class Kam:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        result = self.runner.invoke(app, hoist_global_options([str(a) for a in args]), input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result


@pytest.fixture
def kam():
    return Kam()


@pytest.fixture
def sample_gbk(tmp_path):
    """The Chinese CRM export (GBK, CRLF); a bundled copy when the shared folder is absent."""
    src = SAMPLE_GBK if SAMPLE_GBK.exists() else FIXTURES / "crm_export_gbk.csv"
    dst = tmp_path / "crm_export_gbk.csv"
    shutil.copy(src, dst)
    return dst


@pytest.fixture
def write_csv(tmp_path):
    def write(text: str, name: str = "contacts.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write
