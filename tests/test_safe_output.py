"""What kam writes for the user (exports, backups): never onto the database or SQLite's files beside
it, owner-only whatever the umask, whole or not at all (a full disk leaves the previous file); and a
database left open to other users is made owner-only."""

from __future__ import annotations

import errno
import os
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from keyaccount_cli.importing import csvfile as csvio
from keyaccount_cli.services import export_halves

from .conftest import EXAMPLE

SUFFIXES = ["", "-wal", "-shm", "-journal"]


@pytest.fixture
def seeded(kam, isolated_db):
    assert kam("import", EXAMPLE).exit_code == 0
    return isolated_db


def contacts(db) -> list[tuple]:
    return db.rows("select id, name, email from contact order by id")


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@contextmanager
def wal_open(path: Path):
    """Another connection in the middle of using the database: its -wal and -shm files exist."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("select count(*) from contact").fetchone()
        conn.execute("begin immediate")
        conn.execute("update contact set notes = notes where id = 1")
        assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
        try:
            yield
        finally:
            conn.rollback()


def spellings(db: Path, suffix: str, how: str, monkeypatch) -> str:
    """The database's file `suffix` as another name: relative to the current folder, or a symlink."""
    if how == "relative":
        (db.parent / "sub").mkdir(exist_ok=True)
        monkeypatch.chdir(db.parent / "sub")
        return f"../sub/../{db.name}{suffix}"
    link = db.parent / f"link{suffix or '-db'}.csv"
    link.symlink_to(f"{db}{suffix}")
    return str(link)


# --- never onto the database --------------------------------------------------


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", ["export", "backup"])
@pytest.mark.parametrize("how", ["relative", "symlink"])
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_export_and_backup_onto_the_database_or_its_files_are_refused(kam, seeded, monkeypatch, command, how, suffix):
    db = seeded.path
    before = contacts(seeded)
    companion = Path(f"{db}{suffix}")
    target = spellings(db, suffix, how, monkeypatch)
    with wal_open(db):  # another command is using the database: its -wal and -shm are there
        was = companion.read_bytes() if companion.exists() else None
        result = kam(*(["export", "contacts", "-o"] if command == "export" else ["backup"]), target)
        now = companion.read_bytes() if companion.exists() else None
    assert now == was  # nothing written where SQLite keeps its own files
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert line.startswith(f"kam: {target} is the database") and line.endswith("; choose another file")
    assert f"({db}{suffix})" in line
    assert db.read_bytes().startswith(b"SQLite format 3\x00")
    assert contacts(seeded) == before
    assert kam("set", "lina@ecpower.example", "--title", "Buyer").exit_code == 0
    assert kam("check").exit_code in (0, 1)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", ["export", "backup"])
def test_a_hard_link_to_the_database_or_its_wal_is_refused(kam, seeded, tmp_path, command):
    db = seeded.path
    args = ["export", "contacts", "-o"] if command == "export" else ["backup"]
    os.link(db, tmp_path / "same.db")
    result = kam(*args, tmp_path / "same.db")
    assert result.exit_code == 2
    assert f"is the database itself ({db})" in one_line(result.stderr)
    with wal_open(db):
        os.link(f"{db}-wal", tmp_path / "same-wal.csv")
        wal = Path(f"{db}-wal").read_bytes()
        result = kam(*args, tmp_path / "same-wal.csv")
        assert result.exit_code == 2
        assert f"is the database's write-ahead log ({db}-wal)" in one_line(result.stderr)
        assert Path(f"{db}-wal").read_bytes() == wal


# --- owner-only, whatever the umask ----------------------------------------------


@contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def test_exports_and_backups_are_owner_only_under_umask_000(kam, seeded, tmp_path):
    with umask(0):
        assert kam("export", "contacts", "-o", tmp_path / "plain.csv").exit_code == 0
        assert kam("export", "accounts", "-o", tmp_path / "excel.csv", "--excel").exit_code == 0
        written = [tmp_path / "plain.csv", tmp_path / "excel.csv"]
        if seeded.path is not None:
            assert kam("backup", tmp_path / "copy.db").exit_code == 0
            written.append(tmp_path / "copy.db")
    for path in written:
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert (tmp_path / "excel.csv").read_bytes().startswith(b"\xef\xbb\xbfaccount,")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary files


def test_an_export_over_a_0644_file_leaves_it_owner_only(kam, seeded, tmp_path):
    out = tmp_path / "contacts.csv"
    out.write_text("old\n")
    out.chmod(0o644)
    result = kam("export", "contacts", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    assert out.read_text(encoding="utf-8").startswith("account,name,")


def test_an_export_through_a_symlink_writes_the_file_it_points_to(kam, seeded, tmp_path):
    real = tmp_path / "exports" / "latest.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    (tmp_path / "latest.csv").symlink_to(real)
    assert kam("export", "contacts", "-o", tmp_path / "latest.csv").exit_code == 0
    assert (tmp_path / "latest.csv").is_symlink()
    assert real.read_text(encoding="utf-8").startswith("account,name,")
    assert real.stat().st_mode & 0o777 == 0o600


# --- a full disk -----------------------------------------------------------------


def no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_an_export_on_a_full_disk_leaves_the_previous_file(kam, seeded, tmp_path, monkeypatch):
    out = tmp_path / "contacts.csv"
    out.write_text("the previous export\n")
    real_write = csvio.write_csv

    def write_then_fill_the_disk(rows, header, *, out=None, **options):
        real_write(list(rows)[:2], header, out=out, **options)
        out.flush()
        no_space()

    monkeypatch.setattr(export_halves, "write_csv", write_then_fill_the_disk)  # what the export writes with
    result = kam("export", "contacts", "-o", out)
    assert result.exit_code == 2
    assert one_line(result.stderr) == f"kam: cannot write {out}: No space left on device"
    assert out.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.sqlite_only
def test_a_backup_on_a_full_disk_leaves_the_previous_backup(kam, seeded, tmp_path, monkeypatch):
    target = tmp_path / "kam-mon.db"
    target.write_bytes(b"last monday's backup")
    monkeypatch.setattr(os, "fsync", no_space)  # the copy's last blocks do not fit
    result = kam("backup", target)
    assert result.exit_code == 2
    assert one_line(result.stderr) == f"kam: cannot write the backup {target}: No space left on device"
    assert target.read_bytes() == b"last monday's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kam-mon.db", "kam.db"]


# --- a database open to other users ---------------------------------------------------


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "command", [["accounts"], ["db"], ["import", EXAMPLE], ["set", "lina@ecpower.example", "--title", "X"]]
)
def test_a_0644_database_is_made_owner_only_and_kam_says_so(kam, seeded, command):
    db = seeded.path
    db.chmod(0o644)
    result = kam(*command)
    assert result.exit_code == 0, result.stderr
    notice = [line for line in result.stderr.splitlines() if "owner-only" in line]
    assert notice == [f"kam: {db} was open to other users (mode 0644); made it owner-only"]
    assert db.stat().st_mode & 0o777 == 0o600
    assert "owner-only" not in kam(*command).stderr  # said once, when it was so


@pytest.mark.sqlite_only
def test_the_wal_and_shm_of_a_database_open_to_others_are_made_owner_only_too(kam, seeded):
    db = seeded.path
    with wal_open(db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").chmod(0o664)
        result = kam("accounts")
        assert result.exit_code == 0, result.stderr
        assert (
            one_line(result.stderr)
            == f"kam: {db} (and its -wal, -shm) was open to other users (mode 0664); made it owner-only"
        )
        for suffix in ("", "-wal", "-shm"):
            assert Path(f"{db}{suffix}").stat().st_mode & 0o777 == 0o600


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_database_keeps_its_mode(kam, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database at all")
    notes.chmod(0o644)
    result = kam("--db", notes, "accounts")
    assert result.exit_code == 2
    assert "not a kam database" in one_line(result.stderr)
    assert notes.stat().st_mode & 0o777 == 0o644
