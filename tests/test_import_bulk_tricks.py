"""The contacts import's speed tricks sit behind one switch, KAM_BULK_TRICKS: with them off the
import shows and stores exactly the same, through SQLite's ordinary path (WAL, foreign-key checks,
every index kept, no worker process)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from keyaccount_cli.importing import contacts as importer

from .test_import_worker import messy_file, untimed


def _import_seen(tmp_path: Path, monkeypatch, kam, tricks: str) -> tuple[list[str], object]:
    """A first import of a few contacts, two to a chunk: the files beside the database while
    the second chunk is read (the first one written by then), and the command's result."""
    monkeypatch.setenv("KAM_BULK_TRICKS", tricks)
    monkeypatch.setattr(importer, "CHUNK", 2)
    data = tmp_path / "contacts.csv"
    data.write_text("account,name,email,reports_to\n" + "".join(f"ACME,P{i},p{i}@acme.example,{'p0@acme.example' if i else ''}\n"
                                                              for i in range(5)), encoding="utf-8")  # fmt: skip
    db = tmp_path / "kam.db"
    seen: list[str] = []
    read_rows = importer.read_rows

    def read_beside(*args, **kwargs):
        for n, chunk in enumerate(read_rows(*args, **kwargs)):
            if n == 1:
                seen.extend(sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("kam.db")))
            yield chunk

    monkeypatch.setattr(importer, "read_rows", read_beside)
    return seen, kam("--db", db, "import", data)


@pytest.mark.sqlite_only
def test_with_the_tricks_off_a_first_import_writes_through_the_wal(tmp_path, monkeypatch, kam):
    seen, result = _import_seen(tmp_path, monkeypatch, kam, "off")
    assert result.exit_code == 0, result.stderr
    assert "imported contacts.csv: 5 created" in result.stdout
    assert "kam.db-wal" in seen and "kam.db-journal" not in seen


@pytest.mark.sqlite_only
def test_with_the_tricks_on_a_first_import_writes_the_file_directly(tmp_path, monkeypatch, kam):
    seen, result = _import_seen(tmp_path, monkeypatch, kam, "on")
    assert result.exit_code == 0, result.stderr
    assert "kam.db-journal" in seen and "kam.db-wal" not in seen
    with sqlite3.connect(tmp_path / "kam.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # back once it has ended


@pytest.mark.sqlite_only
def test_with_the_tricks_off_a_large_file_is_parsed_without_a_worker(tmp_path, monkeypatch, kam):
    def no_fork():
        raise AssertionError("a worker process was started")

    monkeypatch.setenv("KAM_BULK_TRICKS", "off")
    monkeypatch.setattr(importer, "_worth_a_worker", lambda path: True)
    monkeypatch.setattr(importer.os, "fork", no_fork)
    result = kam("--db", tmp_path / "kam.db", "import", messy_file(tmp_path / "messy.csv", rows=300))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "a worker process was started" not in result.stderr
    assert "nothing was written" in result.stderr


@pytest.mark.sqlite_only
@pytest.mark.parametrize("keep", ["gc,worker", "foreign-keys", "late-indexes,email-filter,direct-write"])
def test_an_import_shows_and_stores_the_same_with_any_tricks_off(tmp_path, monkeypatch, kam, keep):
    data = messy_file(tmp_path / "messy.csv", rows=600)
    seen = []
    for tricks in ("on", keep, "off"):
        monkeypatch.setenv("KAM_BULK_TRICKS", tricks)
        db = tmp_path / f"{tricks}.db"
        shown = [(r.exit_code, r.stdout, r.stderr) for r in (
            kam("--db", db, "--as-of", "2026-11-23", "import", data),
            kam("--db", db, "--as-of", "2026-11-23", "import", data, "--skip-invalid"),
            kam("--db", db, "--as-of", "2026-11-23", "import", data, "--skip-invalid"),
        )]  # fmt: skip
        with sqlite3.connect(db) as conn:
            stored = [[tuple(map(untimed, row)) for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1')]
                      for table in ("account", "contact", "change", "handover", "handover_step")]  # fmt: skip
            indexes = sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        seen.append((shown, stored, indexes))
    assert seen[0][0][1][0] == 0 and "created" in seen[0][0][1][1]
    assert seen[1] == seen[0]
    assert seen[2] == seen[0]


def test_an_unknown_trick_is_one_clear_line(kam, write_csv, isolated_db, monkeypatch):
    monkeypatch.setenv("KAM_BULK_TRICKS", "gc,turbo")
    result = kam("import", write_csv("account,name\nACME,Ann\n"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "kam: KAM_BULK_TRICKS: unknown trick 'turbo' (on, off, or some of gc, foreign-keys, direct-write, "
        "late-indexes, email-filter, worker)"
    ]
    assert not isolated_db.exists() or isolated_db.count("contact") == 0
