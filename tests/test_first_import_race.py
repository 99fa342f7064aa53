"""Two first imports into a new database file at once: one database, intact, holding what every
import that said "imported" wrote; a failed first import removes only a file it created itself."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE

KAM = [sys.executable, "-m", "keyaccount_cli"]
ROWS = 200


def contacts_file(path: Path, tag: str, *, attitude: str = "support") -> Path:
    """`ROWS` contacts of their own (emails at `tag`.example), in accounts of ten."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["account", "name", "email", "attitude"])
        for n in range(ROWS):
            w.writerow([f"{tag} {n // 10}", f"Person {n}", f"c{n}@{tag}.example", attitude])
    return path


def emails_at(db: Path, tag: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM contact WHERE email LIKE ?", (f"%@{tag}.example",)).fetchone()[0])


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.mark.sqlite_only
def test_two_first_imports_at_once_leave_one_intact_database_with_every_reported_import(tmp_path):
    files = {
        "one": contacts_file(tmp_path / "one.csv", "one"),
        "two": contacts_file(tmp_path / "two.csv", "two"),
        "bad": contacts_file(tmp_path / "bad.csv", "bad", attitude="lukewarm"),
    }
    # a short busy timeout: the one that waits may give up, as a cron job that waits too long would
    env = {**os.environ, "KAM_BUSY_TIMEOUT": "0.05"}
    for round_ in range(10):
        db = tmp_path / f"race-{round_}.db"
        pair = ("one", "two") if round_ % 3 else ("bad", "one")
        procs = {tag: subprocess.Popen([*KAM, "--db", str(db), "import", str(files[tag])], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, env=env) for tag in pair}  # fmt: skip
        done = {tag: (*proc.communicate(timeout=60), proc.returncode) for tag, proc in procs.items()}
        succeeded = [tag for tag, (_, _, code) in done.items() if code == 0]
        for tag, (out, errors, code) in done.items():
            assert "Traceback" not in errors
            if code == 0:
                assert f"imported {tag}.csv: {ROWS} created" in out
            else:
                assert code == 2, errors
                if tag != "bad":  # the one that gave up waiting says why, in one line
                    assert errors.count("\n") == 1 and "busy" in errors, errors
        assert "bad" not in succeeded
        if "bad" not in pair:  # the one that made the file imports into it, whoever waits for it
            assert succeeded, done
        if succeeded:
            assert db.exists(), f"round {round_}: {succeeded} said imported, and the database is gone"
        if db.exists():
            assert integrity(db) == "ok"
            for tag in ("one", "two", "bad"):
                assert emails_at(db, tag) == (ROWS if tag in succeeded else 0), f"round {round_}: {done}"
        assert not list(tmp_path.glob(".*")), "a file of the creation left behind"


@pytest.mark.sqlite_only
def test_a_failed_first_import_keeps_a_database_another_command_created_meanwhile(tmp_path, monkeypatch, kam):
    """The file appears (another kam's first import, committed) just after this import found it
    missing; this import then fails on a bad row: the other's database stays, whole."""
    theirs = tmp_path / "theirs.db"
    assert kam("--db", theirs, "import", EXAMPLE).exit_code == 0
    db = tmp_path / "kam.db"
    exists = Path.exists

    def appears_right_after_the_check(self: Path) -> bool:
        found = exists(self)
        if self == db and not found:
            with sqlite3.connect(theirs) as src, sqlite3.connect(db) as dst:
                src.backup(dst)
        return found

    monkeypatch.setattr(Path, "exists", appears_right_after_the_check)
    result = kam("--db", db, "import", contacts_file(tmp_path / "bad.csv", "bad", attitude="lukewarm"))
    monkeypatch.undo()
    assert result.exit_code == 2 and "nothing was written" in result.stderr
    assert db.exists(), "the failed import deleted a database it had not created"
    assert integrity(db) == "ok"
    assert emails_at(db, "bad") == 0
    assert kam("--db", db, "accounts").exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 16


@pytest.mark.sqlite_only
def test_a_failed_first_import_keeps_its_file_while_another_command_reads_it(tmp_path, monkeypatch, kam):
    """A reader (say `kam check` from cron) has the new file open when the first import fails:
    the file stays, an empty kam database, rather than vanish under the reader."""
    from keyaccount_cli.importing import contacts as importer

    db = tmp_path / "kam.db"
    readers: list[sqlite3.Connection] = []
    read_rows = importer.read_rows

    def read_beside(*args, **kwargs):  # the import has made the file: a reader opens it and reads
        readers.append(sqlite3.connect(db, isolation_level=None))
        readers[0].execute("BEGIN")
        readers[0].execute("SELECT count(*) FROM contact").fetchone()
        return read_rows(*args, **kwargs)

    monkeypatch.setattr(importer, "read_rows", read_beside)
    try:
        result = kam("--db", db, "import", contacts_file(tmp_path / "bad.csv", "bad", attitude="lukewarm"))
    finally:
        for reader in readers:
            reader.close()
    assert result.exit_code == 2 and "nothing was written" in result.stderr
    assert db.exists(), "the failed import removed a file another command was reading"
    assert integrity(db) == "ok"
    assert emails_at(db, "bad") == 0
    assert kam("--db", db, "accounts").exit_code == 0
