"""The read-only commands read through `State.reader()`: on a SQLite file without SQLAlchemy or
networkx, per account through indexes, and `kam accounts` gives the tier the other commands give."""

from __future__ import annotations

import json
import sqlite3

import pytest

from .conftest import EXAMPLE, ROOT
from .test_cli import loaded_by

EXAMPLES = ROOT / "examples"


def book(kam) -> None:
    assert kam("import", EXAMPLE).exit_code == 0
    for kind in ("accounts", "opportunities", "interactions"):
        assert kam("import", EXAMPLES / f"{kind}.csv", "--kind", kind).exit_code == 0
    assert kam("--as-of", "2025-01-01", "leave", "陈志远", "--on", "2025-01-01").exit_code == 0


READS = [
    ("accounts",), ("accounts", "--format", "json"), ("contacts", "华东电力集团"), ("show", "华东电力集团"),
    ("history", "华东电力集团"), ("history", "王建华"), ("handover", "陈志远"), ("successor", "王建华", "--suggest"),
    ("health", "华东电力集团"), ("report",), ("export", "contacts"), ("export", "accounts"), ("export", "findings"),
    ("map", "华东电力集团", "--focus", "王建华"), ("whatif", "王建华"), ("whatif", "--staff", "张伟"),
    ("map", "华东电力集团", "--focus", "王建华"), ("map", "华东电力集团", "--on", "2025-06-01"),
    ("changes", "华东电力集团", "--since", "2024-12-31"),
    ("map", "华东电力集团", "--format", "html"), ("map", "华东电力集团", "--format", "svg"),
    ("show", "华东电力集团", "--format", "html"),
]  # fmt: skip


@pytest.mark.sqlite_only
def test_the_read_commands_on_a_current_sqlite_file_load_neither_sqlalchemy_nor_networkx(kam, isolated_db):
    book(kam)
    for args in READS:
        assert loaded_by("--db", str(isolated_db), *args, heavy=("sqlalchemy", "sqlmodel", "networkx")) == [], args


def test_accounts_gives_the_effective_tier_as_health_show_and_report_do(kam, isolated_db):
    book(kam)
    stored = dict(isolated_db.rows("SELECT name, tier FROM account"))
    assert stored["北辰制造"] is None and stored["星河零售"] is None  # no tier of their own, an annual revenue
    listed = {r["account"]: r["tier"] for r in json.loads(kam("accounts", "--format", "json").stdout)}
    health = {r["account"]: r["tier"] for r in json.loads(kam("health", "--format", "json").stdout)}
    assert listed == health
    assert listed["北辰制造"] == "strategic" and listed["星河零售"] == "key" and listed["华东电力集团"] == "strategic"
    page = json.loads(kam("show", "星河零售", "--format", "json").stdout)[0]
    assert page["follow_up"]["tier"] == listed["星河零售"]
    csv_lines = kam("accounts", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].split(",")[:3] == ["account", "industry", "tier"]
    assert any(line.startswith("北辰制造,制造,strategic,张伟,") for line in csv_lines)


WIDE = ("SCAN ", "ix_change_entity (entity=?)")  # a pass over a whole table, or over every contact's history


def _wide(detail: str, tables: set[str]) -> bool:
    """Whether a query plan's step passes over a whole table (not over a subquery's few rows)."""
    if detail.startswith("SCAN "):
        return detail.split()[1] in tables
    return any(w in detail for w in WIDE)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args", [
    ("history", "王建华"), ("history", "华东电力集团"), ("health", "华东电力集团"), ("show", "华东电力集团"),
    ("handover", "陈志远"), ("successor", "王建华", "--suggest"), ("map", "华东电力集团", "--focus", "王建华"),
    ("contacts", "华东电力集团"), ("map", "华东电力集团", "--on", "2025-06-01"),
    ("changes", "华东电力集团", "--since", "2024-12-31"), ("show", "华东电力集团", "--format", "html"),
])  # fmt: skip
def test_a_command_about_one_account_or_contact_reads_through_indexes(kam, isolated_db, monkeypatch, args):
    book(kam)
    statements: list[str] = []
    real = sqlite3.connect

    def traced(*a, **k):
        conn = real(*a, **k)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", traced)
    assert kam(*args).exit_code == 0
    monkeypatch.undo()
    assert statements
    wide = []
    with sqlite3.connect(isolated_db.path) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for sql in statements:
            if sql.lstrip().upper().startswith("SELECT") and "FROM migration" not in sql:
                for *_, detail in conn.execute("EXPLAIN QUERY PLAN " + sql):
                    if _wide(detail, tables):
                        wide.append((detail, sql))
    assert wide == []


def test_a_contact_named_by_name_is_found_through_an_index(kam, isolated_db):
    assert kam("import", EXAMPLE).exit_code == 0
    if isolated_db.path is not None:
        indexes = {name for (name,) in isolated_db.rows("SELECT name FROM sqlite_master WHERE type = 'index'")}
    else:
        indexes = {
            name for (name,) in isolated_db.rows("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        }
    assert "ix_contact_name_key" in indexes
    assert kam("history", "王建华").stdout.startswith("History of 王建华")


@pytest.mark.sqlite_only
def test_an_older_file_gets_the_name_index_when_a_read_command_opens_it(kam, tmp_path):
    import shutil

    old = tmp_path / "old.db"
    shutil.copy(ROOT / "tests" / "fixtures" / "kam-schema-0001.db", old)
    assert kam("--db", old, "contacts", "华东电力集团").exit_code == 0
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'ix_contact_name_key'").fetchall() == [(1,)]
