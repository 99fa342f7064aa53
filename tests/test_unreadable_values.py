"""A stored value kam cannot read (a day that does not parse, a vocabulary value outside the
vocabulary, written by another tool or by hand): one line naming it, exit 2, for the commands that
need it; `kam set` and `kam import` overwrite it; `kam db --check` lists it.

SQLite stores any value in any column, so a day can be damaged there; a server's date columns are
typed, and its analogue is a text column holding a value outside the vocabulary."""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass

import pytest

from .conftest import BACKEND, EXAMPLE


def write(db, sql: str, params: tuple) -> None:
    """A statement straight to the database, as another tool would run it."""
    if db.path is not None:
        with sqlite3.connect(db.path) as conn:
            conn.execute(sql, params)
        return
    with db.admin.transaction():
        db.admin.execute(f'SET LOCAL search_path TO "{db.schema}"')
        db.admin.execute(sql.replace("?", "%s"), params)


@dataclass(frozen=True)
class Damage:
    column: str
    bad: str
    option: str  # `kam set`'s option for the column, with a good value
    good: str
    header: str  # the import column (the example's Chinese header), with a good value
    cell: str
    stored: str  # what the good value is stored as

    def apply(self, db) -> int:
        """Damage 王建华's column behind kam's back; his id."""
        write(db, f"UPDATE contact SET {self.column} = ? WHERE name = ?", (self.bad, "王建华"))
        return int(db.rows("SELECT id FROM contact WHERE name = ?", ("王建华",))[0][0])


DAY = Damage("change_date", "2026-13-45", "--change-date", "2026-12-01", "预期变动时间", "2026-12-01", "2026-12-01")
ATTITUDE = Damage("attitude", "happy", "--attitude", "support", "态度", "中度支持", "support")
DAMAGES = [pytest.param(DAY, id="day", marks=pytest.mark.sqlite_only), pytest.param(ATTITUDE, id="attitude")]


@pytest.fixture
def book(kam):
    assert kam("import", EXAMPLE).exit_code == 0


def one_line(result, damage: Damage, cid: int) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    (line,) = lines
    assert "internal error" not in line and "Traceback" not in result.output
    assert line.startswith(
        f"kam: contact #{cid} (王建华), column {damage.column}: cannot read the stored value '{damage.bad}'"
    )
    assert f"kam set {cid} {damage.option}" in line
    return line


def history_of(kam, field: str) -> list[dict]:
    result = kam("history", "王建华", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [r for r in json.loads(result.stdout) if r["field"] == field]


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_value_is_one_line_naming_it_for_the_commands_that_read_it(kam, book, isolated_db, damage):
    cid = damage.apply(isolated_db)
    for args in (["map", "华东电力集团"], ["contacts", "华东电力集团"], ["check"], ["show", "华东电力集团"],
                 ["accounts"], ["check", "--format", "json"]):  # fmt: skip
        result = kam(*args)
        one_line(result, damage, cid)
        assert result.stdout == "", args  # nothing half-written
    # an account that does not hold it reads as before
    assert kam("map", "北辰制造").exit_code == 0


@pytest.mark.parametrize("damage", DAMAGES)
def test_kam_set_overwrites_a_damaged_value_and_history_keeps_the_stored_text(kam, book, isolated_db, damage):
    cid = damage.apply(isolated_db)
    result = kam("set", "王建华", damage.option, damage.good)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == f"王建华: changed {damage.column.replace('_', ' ')}"  # then what it did to the plan
    assert isolated_db.rows(f"SELECT {damage.column} FROM contact WHERE id = ?", (cid,)) == [(damage.stored,)]
    assert kam("map", "华东电力集团").exit_code == 0
    assert kam("check").exit_code == 1  # the example's findings, as before the damage
    assert kam("show", "华东电力集团").exit_code == 0
    (change,) = history_of(kam, damage.column)[-1:]
    assert (change["old"], change["new"], change["source"]) == (damage.bad, damage.stored, "set")


@pytest.mark.parametrize("damage", DAMAGES)
def test_kam_import_of_the_contacts_row_overwrites_a_damaged_value(kam, book, isolated_db, damage, tmp_path):
    damage.apply(isolated_db)
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    (row,) = [r for r in rows if r[1] == "王建华"]
    row[header.index(damage.header)] = damage.cell
    path = tmp_path / "fix.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, row])
    result = kam("import", path)
    assert result.exit_code == 0, result.stderr
    assert "1 updated" in result.stdout
    assert kam("map", "华东电力集团").exit_code == 0
    (change,) = history_of(kam, damage.column)[-1:]
    assert (change["old"], change["new"], change["source"]) == (damage.bad, damage.stored, "import fix.csv")


@pytest.mark.parametrize("damage", DAMAGES)
def test_db_check_lists_damaged_values_and_is_clean_once_they_are_overwritten(kam, book, isolated_db, damage):
    clean = kam("db", "--check", "--format", "json")
    assert (clean.exit_code, json.loads(clean.stdout)) == (0, [])
    cid = damage.apply(isolated_db)
    write(isolated_db, "UPDATE contact SET roles = ? WHERE name = ?", ("it;wizard", "李娜"))
    found = kam("db", "--check", "--format", "json")
    assert found.exit_code == 1, found.stderr
    records = json.loads(found.stdout)
    lina = int(isolated_db.rows("SELECT id FROM contact WHERE name = ?", ("李娜",))[0][0])
    assert [(r["table"], r["row"], r["name"], r["column"], r["value"]) for r in records] == sorted(
        [("contact", cid, "王建华", damage.column, damage.bad), ("contact", lina, "李娜", "roles", "it;wizard")],
        key=lambda r: r[1],
    )
    assert all(list(r) == ["table", "row", "name", "column", "value", "problem"] and r["problem"] for r in records)
    note = "integrity check: ok" if BACKEND == "sqlite" else "integrity check: skipped"
    assert found.stderr.startswith("2 unreadable stored values; ") and note in found.stderr
    as_csv = kam("db", "--check", "--format", "csv")
    assert as_csv.exit_code == 1
    assert as_csv.stdout.splitlines()[0] == "table,row,name,column,value,problem"
    table = kam("db", "--check")
    assert table.exit_code == 1 and damage.bad in table.stdout and "wizard" in table.stdout
    assert kam("set", "王建华", damage.option, damage.good).exit_code == 0
    assert kam("set", "李娜", "--role", "it").exit_code == 0
    after = kam("db", "--check")
    assert (after.exit_code, after.stdout) == (0, "")
    assert after.stderr.startswith("0 unreadable stored values; ")
    assert kam("db", "--check", "--format", "xml").exit_code == 2


@pytest.mark.sqlite_only
def test_a_damaged_time_is_named_by_the_commands_that_read_it_through_sqlalchemy(kam, book, isolated_db):
    write(isolated_db, "UPDATE account SET created_at = 'yesterday' WHERE name = ?", ("华东电力集团",))
    (aid,) = isolated_db.rows("SELECT id FROM account WHERE name = ?", ("华东电力集团",))[0]
    result = kam("log", "华东电力集团", "电话沟通")
    assert result.exit_code == 2
    assert result.stderr == (
        f"kam: account #{aid} (华东电力集团), column created_at: cannot read the stored value 'yesterday': not a date "
        "and time (YYYY-MM-DD HH:MM:SS); kam db --check lists every such value\n"
    )
    listed = kam("db", "--check", "--format", "csv")
    assert listed.exit_code == 1
    assert listed.stdout.splitlines()[1:] == [f"account,{aid},华东电力集团,created_at,yesterday,"
                                              "not a date and time (YYYY-MM-DD HH:MM:SS)"]  # fmt: skip


@pytest.mark.sqlite_only
def test_kam_set_of_another_field_names_the_damaged_day_and_writes_nothing(kam, book, isolated_db):
    cid = DAY.apply(isolated_db)
    one_line(kam("set", "王建华", "--title", "采购总经理"), DAY, cid)
    assert isolated_db.rows("SELECT title FROM contact WHERE id = ?", (cid,)) == [("采购总监",)]


def test_a_damaged_attitude_of_someone_with_no_change_ahead_is_named_by_every_command_that_counts_it(
    kam, book, isolated_db
):
    """The commands that count a whole book in SQL (`check`, `accounts`, `health`, `report`, the
    accounts and findings exports) name it as `show` does, rather than count it as no support."""
    write(isolated_db, "UPDATE contact SET attitude = ? WHERE name = ?", ("friendly", "李娜"))
    cid = int(isolated_db.rows("SELECT id FROM contact WHERE name = ?", ("李娜",))[0][0])
    for args in (["check"], ["accounts"], ["health"], ["report"], ["export", "accounts"], ["export", "findings"],
                 ["show", "华东电力集团"]):  # fmt: skip
        result = kam(*args)
        assert result.exit_code == 2, args
        assert result.stderr.splitlines()[-1].startswith(
            f"kam: contact #{cid} (李娜), column attitude: cannot read the stored value 'friendly'"
        ), args
        assert result.stdout == "", args


@pytest.mark.sqlite_only  # a server's number and time columns are typed: they hold no such value
def test_kam_accounts_reads_no_health_input_and_no_history(kam, book, isolated_db):
    """A damaged health input or history time stops the commands that score health, not `kam accounts`."""
    write(isolated_db, "UPDATE account SET nps = ? WHERE name = ?", ("ten", "华东电力集团"))
    write(isolated_db, "UPDATE \"change\" SET at = ? WHERE field = ?", ("garbage", "status"))
    assert kam("accounts", "--format", "json").exit_code == 0
    assert kam("export", "accounts").exit_code == 0
    assert kam("health").exit_code == 2
