"""A database given as a `sqlite://` URL is the same file as its path: never exported or backed up onto."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from .conftest import EXAMPLE

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def seeded(kam, isolated_db):
    assert kam("import", EXAMPLE).exit_code == 0
    return isolated_db.path


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from contact").fetchone()[0])


def test_export_onto_the_database_of_a_url_with_parameters_is_refused(kam, seeded):
    before = seeded.read_bytes()
    result = kam("--db", f"sqlite:///{seeded}?timeout=5", "export", "contacts", "-o", str(seeded))
    assert result.exit_code == 2, result.output
    assert f"{seeded} is the database itself" in result.stderr
    assert seeded.read_bytes() == before


def test_export_onto_the_wal_of_a_relative_url_with_a_driver_is_refused(kam, seeded, monkeypatch):
    monkeypatch.chdir(seeded.parent)
    result = kam("--db", f"sqlite+pysqlite:///{seeded.name}", "export", "contacts", "-o", f"{seeded.name}-wal")
    assert result.exit_code == 2, result.output
    assert "is the database's write-ahead log" in result.stderr
    assert not Path(f"{seeded}-wal").exists() or Path(f"{seeded}-wal").read_bytes()[:4] != b"name"
    assert count(seeded) > 0


def test_backup_onto_the_database_of_a_url_is_refused(kam, seeded):
    before = seeded.read_bytes()
    result = kam("--db", f"sqlite:///{seeded}?timeout=5", "backup", str(seeded))
    assert result.exit_code == 2, result.output
    assert "is the database itself" in result.stderr
    assert seeded.read_bytes() == before


def test_backup_of_a_url_with_parameters_copies_the_file(kam, seeded, tmp_path):
    target = tmp_path / "copy.db"
    result = kam("--db", f"sqlite:///{seeded}?timeout=5", "backup", str(target))
    assert result.exit_code == 0, result.output
    assert count(target) == count(seeded)


def test_a_url_database_open_to_others_is_made_owner_only(kam, seeded):
    os.chmod(seeded, 0o644)
    result = kam("--db", f"sqlite:///{seeded}?timeout=5", "accounts")
    assert result.exit_code == 0, result.output
    assert "made it owner-only" in result.stderr
    assert seeded.stat().st_mode & 0o077 == 0
