"""`kam export contacts` of a big SQLite book is written by two processes: the output is what one
process writes, byte for byte, whatever the language, line ends, order and names; when the
child's snapshot may differ, or it fails, this process writes its half itself."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from keyaccount_cli.services import export_halves
from keyaccount_cli.storage.reader import SqliteReader, open_sqlite_reader

pytestmark = pytest.mark.sqlite_only

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "contacts.csv"
ASCII_BOOK = "account,name,email,phone,roles,reports_to,status,change_date\n" + "".join(
    f"Acme {a:02},Person {a}-{p},p{a}.{p}@acme.example,+86 1380000{a:02}{p:02},"
    f"{'champion' if p == 0 else 'user'},{f'p{a}.0@acme.example' if p else ''},"
    f"{'leaving' if p == 3 else 'active'},{'2026-12-20' if p == 3 else ''}\n"
    for a in (7, 3, 11, 1, 5, 9, 2) for p in range(a % 4 + 2)
)  # fmt: skip


@pytest.fixture
def forks(monkeypatch):
    """Every book counts as big, and the forks are counted."""
    monkeypatch.setattr(export_halves, "LEAST", 2)
    made = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return made


def one_process(kam, monkeypatch, *args):
    with monkeypatch.context() as m:
        m.setenv("KAM_READ_TRICKS", "off")
        return kam(*args)


@pytest.mark.parametrize("book", ["example", "ascii"])
@pytest.mark.parametrize("options", [(), ("--lang", "zh"), ("--excel",)])
def test_two_processes_write_what_one_writes(kam, write_csv, monkeypatch, forks, tmp_path, book, options):
    source = EXAMPLE if book == "example" else write_csv(ASCII_BOOK)
    assert kam("import", source).exit_code == 0
    alone = one_process(kam, monkeypatch, "export", "contacts", *options)
    assert forks == []
    together = kam("export", "contacts", *options)
    assert len(forks) == 1 and together.exit_code == alone.exit_code == 0
    assert together.stdout_bytes == alone.stdout_bytes and together.stdout.count("\n") > 10
    kam("export", "contacts", "-o", tmp_path / "halves.csv", *options)
    one_process(kam, monkeypatch, "export", "contacts", "-o", tmp_path / "one.csv", *options)
    assert (tmp_path / "halves.csv").read_bytes() == (tmp_path / "one.csv").read_bytes() == alone.stdout_bytes
    assert len(forks) == 2


def test_the_folders_contacts_in_two_processes_are_those_of_one(kam, monkeypatch, forks, tmp_path):
    assert kam("import", EXAMPLE).exit_code == 0
    assert kam("export", "all", "-o", tmp_path / "two").exit_code == 0
    assert one_process(kam, monkeypatch, "export", "all", "-o", tmp_path / "one").exit_code == 0
    assert len(forks) == 1
    for name in os.listdir(tmp_path / "one"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name


def test_when_the_snapshots_may_differ_this_process_writes_the_second_half(kam, monkeypatch, forks):
    assert kam("import", EXAMPLE).exit_code == 0
    alone = one_process(kam, monkeypatch, "export", "contacts").stdout
    monkeypatch.setattr(SqliteReader, "unchanged", lambda self: False)
    assert kam("export", "contacts").stdout == alone and len(forks) == 1


def test_a_damaged_day_in_the_second_half_is_named_and_nothing_is_written(kam, isolated_db, forks, tmp_path):
    assert kam("import", EXAMPLE).exit_code == 0
    last = max(isolated_db.rows("SELECT id FROM contact WHERE account_id = (SELECT id FROM account WHERE name = '北辰制造')"))
    with sqlite3.connect(isolated_db.path) as conn:
        conn.execute("UPDATE contact SET change_date = '2026-13-45' WHERE id = ?", last)
    out = tmp_path / "contacts.csv"
    result = kam("export", "contacts", "-o", out)
    assert result.exit_code == 2 and len(forks) == 1
    assert f"contact #{last[0]}" in result.stderr and "'2026-13-45'" in result.stderr
    assert result.stderr.count("\n") == 1 and not out.exists()


def test_a_reader_knows_whether_another_connection_has_committed_since_its_snapshot(kam, isolated_db):
    assert kam("import", EXAMPLE).exit_code == 0
    reader = open_sqlite_reader(isolated_db.path, 5.0)
    assert reader is not None and reader.unchanged() and reader.unchanged()
    with sqlite3.connect(isolated_db.path) as conn:
        conn.execute("UPDATE contact SET notes = 'changed' WHERE id = 1")
    assert not reader.unchanged()
    reader.close()
