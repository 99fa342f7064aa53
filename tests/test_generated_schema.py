"""The schema has one source, the models: the statements and column types the standard-library paths
use are generated from them (`python -m keyaccount_cli.storage.schema --write`), and the migrations are one
registry. A file `kam import` creates, one the full open creates and an upgraded old one behave alike."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, String, Table

from keyaccount_cli.storage import migrations, schema
from keyaccount_cli.storage.database import open_database
from keyaccount_cli.storage.sqlitefile import memory_database

from .conftest import EXAMPLE, FIXTURES
from .test_cli import loaded_by

EXAMPLES = EXAMPLE.parent
AS_OF = "2026-11-23"

# what a user does with a map, in order; then every command that reads, on the result
WRITES = [
    ("import", EXAMPLE),
    ("import", EXAMPLES / "accounts.csv", "--kind", "accounts"),
    ("import", EXAMPLES / "opportunities.csv", "--kind", "opportunities"),
    ("import", EXAMPLES / "interactions.csv", "--kind", "interactions"),
    (
        "add",
        "星河零售",
        "Ann Lee",
        "--email",
        "ann@xinghe.example",
        "--role",
        "it",
        "--can-sign",
        "yes",
        "--change-date",
        "2027-01-31",
    ),
    ("set", "赵强", "--attitude", "support", "--risk", "high"),
    ("relate", "李娜", "王建华", "--kind", "trusts"),
    ("successor", "王建华", "李娜"),
    ("log", "华东电力集团", "首次会面", "--contact", "李娜", "--kind", "meeting", "--on", "2026-11-20"),
    ("handover", "王建华", "--done", "confirm", "--on", "2026-11-21", "--notes", "HR 确认"),
    ("leave", "Ann Lee", "--on", "2026-12-31", "--kind", "transfer"),
    ("health", "--record"),
    ("forget", "杨帆", "--yes"),
]
READS = [
    ("accounts",),
    ("contacts", "华东电力集团", "--format", "json"),
    ("map", "华东电力集团"),
    ("map", "华东电力集团", "--format", "json"),
    ("map", "北辰制造", "--format", "mermaid"),
    ("show", "华东电力集团"),
    ("show", "星河零售", "--format", "json"),
    ("check", "--format", "json"),
    ("check", "--due", "60d"),
    ("history", "赵强"),
    ("history", "星河零售"),
    ("handover", "王建华"),
    ("handover", "Ann Lee"),
    ("successor", "王建华", "--suggest"),
    ("health", "--format", "json"),
    ("health", "星河零售", "--trend"),
    ("report", "--format", "json"),
    ("export", "contacts"),
    ("export", "accounts"),
    ("export", "findings"),
]
# the times things were recorded at: the same only to the second
NOW = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?(\+00:00|Z)?")


def answers(kam, path, commands):
    out = []
    for command in commands:
        result = kam("--db", path, "--as-of", AS_OF, *command)
        out.append((command, result.exit_code, NOW.sub("<time>", result.stdout), result.stderr))
    return out


def sqlite_master(path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(path) as conn:
        return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL"))


def test_the_generated_sqlite_schema_is_current():
    assert schema.GENERATED.read_text(encoding="utf-8") == schema.render(), (
        f"{schema.GENERATED.name} is stale: run {schema.COMMAND}"
    )
    assert schema.main(["--check"]) == 0
    head = schema.GENERATED.read_text(encoding="utf-8")[:400]
    assert "GENERATED from the models" in head and schema.COMMAND in head


def test_a_stale_generated_schema_names_the_command_to_run(monkeypatch, tmp_path, capsys):
    stale = tmp_path / "sqlite_schema.py"
    stale.write_text(schema.GENERATED.read_text(encoding="utf-8").replace("notes VARCHAR", "notes TEXT"))
    monkeypatch.setattr(schema, "GENERATED", stale)
    assert schema.main(["--check"]) == 1
    assert f"is stale: run {schema.COMMAND}" in capsys.readouterr().err
    assert schema.main(["--write"]) == 0
    assert schema.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == schema.render()


def test_a_column_name_with_two_types_is_refused_by_the_generator():
    metadata = MetaData()
    Table("visit", metadata, Column("id", Integer, primary_key=True), Column("on", Date))
    Table("note", metadata, Column("id", Integer, primary_key=True), Column("on", String))
    with pytest.raises(ValueError, match="column 'on' is (date|stored as is) in (visit|note) but"):
        schema.read_as(metadata)


@pytest.mark.sqlite_only
def test_a_file_made_by_import_and_one_made_by_the_full_open_work_the_same(kam, tmp_path):
    by_import, by_full_open = tmp_path / "by_import.db", tmp_path / "by_full_open.db"
    # `kam import` into a missing file creates it with the standard library alone
    assert loaded_by("--db", str(by_import), "import", str(EXAMPLE)) == []
    by_import.unlink()
    for suffix in ("-wal", "-shm"):
        by_import.with_name(by_import.name + suffix).unlink(missing_ok=True)
    open_database(str(by_full_open)).close()
    lite, full = answers(kam, by_import, WRITES), answers(kam, by_full_open, WRITES)
    assert [exit_code for _, exit_code, _, _ in lite] == [0] * len(WRITES), lite
    assert lite == full
    assert sqlite_master(by_import) == sqlite_master(by_full_open)
    lite, full = answers(kam, by_import, READS), answers(kam, by_full_open, READS)
    assert all(exit_code in (0, 1) and out for _, exit_code, out, _ in lite), lite
    assert lite == full
    with memory_database() as dry_run:
        assert sorted(dry_run.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL")) == (
            sqlite_master(by_full_open)
        )


@pytest.mark.sqlite_only
def test_an_old_database_is_upgraded_and_works_as_a_new_one(kam, tmp_path):
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    old.write_bytes((FIXTURES / "kam-schema-0001.db").read_bytes())  # the example, imported by kam 0.1
    (info,) = json.loads(kam("--db", old, "db", "--format", "json").stdout)
    assert info["schema_version"] == info["latest_schema"] == migrations.SCHEMA_VERSION
    with sqlite3.connect(old) as conn:
        assert [name for (name,) in conn.execute("SELECT name FROM migration ORDER BY name")] == list(
            migrations.MIGRATION_NAMES
        )
    open_database(str(new)).close()
    assert sqlite_master(old) == sqlite_master(new)  # the schema a new file gets
    # the same map made today: the example, and the relation and visit kam 0.1's database had
    as_it_was = tmp_path / "contacts.csv"  # the example as kam 0.1 imported it: without its last column, 我方对接人
    as_it_was.write_text("".join(line.rsplit(",", 1)[0] + "\n" for line in EXAMPLE.read_text(encoding="utf-8").splitlines()),
                         encoding="utf-8")  # fmt: skip
    for command in [("import", as_it_was), ("relate", "李娜", "孙悦", "--kind", "trusts"),
                    ("log", "华东电力集团", "季度回顾", "--contact", "陈志远", "--kind", "visit", "--on", "2026-11-20")]:  # fmt: skip
        assert kam("--db", new, "--as-of", AS_OF, *command).exit_code == 0
    old_answers, new_answers = answers(kam, old, WRITES + READS), answers(kam, new, WRITES + READS)
    assert [exit_code for _, exit_code, _, _ in old_answers[: len(WRITES)]] == [0] * len(WRITES), old_answers
    assert old_answers == new_answers


def test_every_open_records_the_registry_of_migrations(kam, isolated_db):
    assert kam("import", EXAMPLE).exit_code == 0
    (info,) = json.loads(kam("db", "--format", "json").stdout)
    assert info["schema_version"] == info["latest_schema"] == len(migrations.MIGRATIONS)
    assert sorted(name for (name,) in isolated_db.rows("SELECT name FROM migration")) == list(
        migrations.MIGRATION_NAMES
    )
