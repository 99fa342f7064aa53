"""Nothing lost, nothing half-written: real processes killed mid-import, readers beside a writer,
a busy database, upgrades from the first schema, backups, permissions, hostile files.

Tests marked `sqlite_only` are about the SQLite file itself; tests/test_postgres.py has the
server's counterparts."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyaccount_cli.importing import contacts as importer
from keyaccount_cli.storage.database import SCHEMA_VERSION, WRITER_LOCK

from .conftest import BACKEND, EXAMPLE, FIXTURES, PG_URL, TestDatabase

KAM = [sys.executable, "-m", "keyaccount_cli"]


def run(*args, db, check=False, timeout=120, env=None):
    return subprocess.run([*KAM, "--db", str(db), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, check=check, env={**os.environ, **(env or {})})  # fmt: skip


def big_file(path: Path, rows: int) -> Path:
    """`rows` contacts in 1–40 contact accounts, each reporting to the account's first contact."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["account", "name", "email", "department", "attitude", "reports_to"])
        n = 0
        account = 0
        while n < rows:
            size = 1 + account % 40
            for k in range(min(size, rows - n)):
                boss = "" if k == 0 else f"c{n - k}@a{account}.example"
                w.writerow([f"Account {account}", f"Person {n}", f"c{n}@a{account}.example", f"D{k % 3}", "support", boss])
                n += 1
            account += 1
    return path


def local(*args, db, env=None):
    """The same command in-process: for everything that needs no second process."""
    from typer.testing import CliRunner

    from keyaccount_cli.cli import app

    return CliRunner().invoke(app, ["--db", str(db), *map(str, args)], env=env)


def snapshot(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select * from contact order by id").fetchall() + conn.execute(
            'select * from "change" order by id').fetchall()  # fmt: skip


def copy_db(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def contact_count(db: Path | TestDatabase) -> int:
    if isinstance(db, TestDatabase):
        return db.count("contact")
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from contact").fetchone()[0])


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # the process has gone
        return b""


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("pragma integrity_check").fetchone()[0])


@pytest.fixture
def seeded(isolated_db):
    assert local("import", EXAMPLE, db=isolated_db).exit_code == 0
    return isolated_db


@pytest.fixture
def seeded_file(seeded):
    return seeded.path


@contextmanager
def another_writer(db: TestDatabase):
    """Someone else in the middle of a write transaction."""
    if db.path is not None:
        holder = sqlite3.connect(db.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        import psycopg
        from sqlalchemy.engine import make_url

        holder = psycopg.connect(make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False))
        holder.execute(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.sqlite_only
def test_an_import_killed_at_any_moment_leaves_the_database_as_it_was(tmp_path, seeded_file):
    seeded = seeded_file
    data = big_file(tmp_path / "big.csv", 12_000)
    before = snapshot(seeded)
    # a whole import on a copy: how long it takes here, and what "after" looks like
    trial = tmp_path / "trial.db"
    copy_db(seeded, trial)
    start = time.monotonic()
    run("import", data, db=trial, check=True)
    duration = time.monotonic() - start
    after = snapshot(trial)
    outcomes = []
    for fraction in (0.5, 0.9):
        victim = tmp_path / f"victim-{fraction}.db"
        copy_db(seeded, victim)
        proc = subprocess.Popen([*KAM, "--db", str(victim), "import", str(data)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert integrity(victim) == "ok"
        state = snapshot(victim)
        assert state == before or len(state) == len(after), "a killed import left half its rows"
        outcomes.append(state == before)
    assert any(outcomes), "every import finished before the kill; the test proved nothing"


@pytest.mark.sqlite_only
def test_a_first_import_killed_midway_leaves_an_empty_database_that_imports_again(tmp_path):
    """The first import into a new file writes it directly (a rollback journal, no WAL) and, at this
    size, parses in a worker process: a kill still leaves nothing half-written, and no process behind."""
    data = big_file(tmp_path / "big.csv", 32_000)
    assert data.stat().st_size >= importer.WORKER_MIN_BYTES
    start = time.monotonic()
    run("import", data, db=tmp_path / "trial.db", check=True)
    duration = time.monotonic() - start
    outcomes = []
    for fraction in (0.5, 0.5):
        victim = tmp_path / "victim.db"
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{victim}{suffix}").unlink(missing_ok=True)
        proc = subprocess.Popen([*KAM, "--db", str(victim), "import", str(data)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not victim.exists():
            continue  # killed before it made the file
        assert integrity(victim) == "ok"
        count = contact_count(victim)
        assert count in (0, 32_000), "a killed import left half its rows"
        outcomes.append(count == 0)
        if count == 0:
            break
    assert any(outcomes), "every import finished before the kill; the test proved nothing"
    result = run("import", data, db=victim)
    assert result.returncode == 0, result.stderr
    assert contact_count(victim) == 32_000
    with sqlite3.connect(victim) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    time.sleep(0.2)  # the orphaned worker stops at its next write to the closed pipe
    assert not [cmd for cmd in Path("/proc").glob("[0-9]*/cmdline") if str(data).encode() in read_bytes(cmd)]


@pytest.mark.sqlite_only
def test_during_a_first_import_other_commands_wait_their_turn(tmp_path):
    """The first import into a new file writes it without the WAL; a second import, a backup and a
    read started meanwhile wait for it (the busy timeout), then work, and the file is in WAL again."""
    data = big_file(tmp_path / "big.csv", 32_000)
    db = tmp_path / "new.db"
    first = subprocess.Popen([*KAM, "--db", str(db), "import", str(data)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)  # fmt: skip
    journal = Path(f"{db}-journal")  # there while the import writes the file without the WAL
    while not journal.exists() and first.poll() is None:
        time.sleep(0.01)
    assert first.poll() is None, "the import ended before the test could start the others"
    second = run("import", EXAMPLE, db=db)
    backup = run("backup", tmp_path / "copy.db", db=db)
    _, errors = first.communicate()
    assert first.returncode == 0, errors
    assert second.returncode == 0, second.stderr
    assert backup.returncode == 0, backup.stderr
    assert contact_count(db) == 32_000 + 16
    assert contact_count(tmp_path / "copy.db") in (16, 32_000, 32_016)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_readers_beside_a_writer_see_before_or_after_never_half(tmp_path, seeded):
    rows = 15_000 if BACKEND == "sqlite" else 5_000
    data = big_file(tmp_path / "big.csv", rows)
    before = contact_count(seeded)
    writer = subprocess.Popen([*KAM, "--db", str(seeded), "import", str(data)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    seen = set()
    # cron's check in a process of its own, and `kam db` in this one: both beside the writer's process
    while writer.poll() is None:
        check = run("check", "--format", "json", db=seeded)
        assert check.returncode in (0, 1), check.stderr
        db = local("db", "--format", "json", db=seeded)
        assert db.exit_code == 0, db.stderr
        (info,) = json.loads(db.stdout)
        seen.add(info["contact"])
    _, errors = writer.communicate()
    assert writer.returncode == 0, errors
    assert seen <= {before, before + rows}
    assert contact_count(seeded) == before + rows


def test_a_second_writer_waits_then_says_the_database_is_busy(seeded):
    with another_writer(seeded):
        # a real process: its exit code and stderr are what cron sees
        result = run("add", "ACME", "Someone", db=seeded, env={"KAM_BUSY_TIMEOUT": "0.3"})
        assert result.returncode == 2
        assert "busy" in result.stderr and "Traceback" not in result.stderr
        # a reader is not held up by the writer
        reader = local("accounts", db=seeded, env={"KAM_BUSY_TIMEOUT": "0.3"})
        assert reader.exit_code == 0, reader.stderr
    added = local("add", "ACME", "Someone", db=seeded)
    assert added.exit_code == 0, added.stderr


def test_an_import_waits_for_another_writer_then_says_the_database_is_busy(seeded, tmp_path):
    data = big_file(tmp_path / "some.csv", 30)
    before = contact_count(seeded)
    with another_writer(seeded):
        result = run("import", data, db=seeded, env={"KAM_BUSY_TIMEOUT": "0.3"})
        assert result.returncode == 2
        assert "busy" in result.stderr and "Traceback" not in result.stderr
    assert contact_count(seeded) == before
    assert run("import", data, db=seeded).returncode == 0
    assert contact_count(seeded) == before + 30


@pytest.mark.sqlite_only
def test_a_database_from_the_first_schema_is_upgraded_in_place(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "kam-schema-0001.db", db)
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("select name from migration")] == ["0001_initial"]
    (info,) = json.loads(local("db", "--format", "json", db=db).stdout)
    assert info["schema_version"] == SCHEMA_VERSION == 10
    assert local("export", "contacts", db=db).stdout == (FIXTURES / "kam-schema-0001.contacts.csv").read_text(encoding="utf-8")
    assert (info["relation"], info["handover"], info["interaction"]) == (1, 4, 1)
    assert (info["opportunity"], info["health_score"]) == (0, 0)  # the tables of migration 0003
    with sqlite3.connect(db) as conn:
        indexes = {r[0] for r in conn.execute("select name from sqlite_master where type = 'index'")}
    assert {"ix_contact_reports_to_id", "ix_contact_successor_id", "ix_contact_watched", "ix_contact_counts"} <= indexes
    history = json.loads(local("history", "王建华", "--format", "json", db=db).stdout)
    assert history[0]["new"] == "created"


@pytest.mark.sqlite_only
def test_backup_is_a_consistent_private_copy(tmp_path, seeded_file):
    seeded = seeded_file
    target = tmp_path / "backups" / "kam-mon.db"
    target.parent.mkdir()
    result = local("backup", target, db=seeded)
    assert result.exit_code == 0, result.stderr
    assert target.stat().st_mode & 0o777 == 0o600
    assert integrity(target) == "ok"
    dump = "select * from contact order by id"
    with sqlite3.connect(target) as copy, sqlite3.connect(seeded) as original:
        assert copy.execute(dump).fetchall() == original.execute(dump).fetchall()
    assert local("backup", seeded, db=seeded).exit_code == 2


@pytest.mark.sqlite_only
def test_backup_while_an_import_runs(tmp_path, seeded_file):
    seeded = seeded_file
    data = big_file(tmp_path / "big.csv", 15_000)
    before = contact_count(seeded)
    writer = subprocess.Popen([*KAM, "--db", str(seeded), "import", str(data)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    copies = []
    while writer.poll() is None and len(copies) < 5:
        target = tmp_path / f"copy{len(copies)}.db"
        assert local("backup", target, db=seeded).exit_code == 0
        copies.append(target)
    writer.wait()
    assert copies, "the import ended before a backup ran; use a bigger file"
    assert contact_count(seeded) == before + 15_000
    for copy in copies:
        assert integrity(copy) == "ok"
        assert contact_count(copy) in (before, before + 15_000)


@pytest.mark.sqlite_only
def test_database_and_its_journal_files_are_owner_only(seeded_file):
    seeded = seeded_file
    for path in seeded.parent.glob("kam.db*"):
        assert path.stat().st_mode & 0o777 == 0o600, path


# --- hostile files ----------------------------------------------------------


def test_an_undetectable_encoding_suggests_encoding(tmp_path, seeded):
    bad = tmp_path / "weird.csv"
    bad.write_bytes(b"account,name\nACME,\x80\x80\xff\n")
    result = local("import", bad, db=seeded)
    assert result.exit_code == 2 and "--encoding" in result.stderr


def test_a_cell_beyond_the_csv_size_limit(tmp_path, seeded):
    bad = tmp_path / "huge.csv"
    bad.write_text("account,name,notes\nACME,A," + "x" * 200_000 + "\n", encoding="utf-8")
    result = local("import", bad, db=seeded)
    assert result.exit_code == 2 and "larger than" in result.stderr and "line 2" in result.stderr


def test_a_directory_is_not_a_csv(tmp_path, seeded):
    result = local("import", tmp_path, db=seeded)
    assert result.exit_code == 2 and "directory" in result.stderr


HEADERS = ["account", "name", "email", "roles", "attitude", "reports_to", "successor", "change_date", "can_sign", "status"]
CELLS = st.sampled_from([
    "", "ACME", "Other", "A", "B", "a@x.example", "b@x.example", "decision_maker", "KDM;coach", "决策者、IT",
    "nonsense", "support", "+3", "2026-13-01", "2026-12", "yes", "perhaps", "left", "leaving", "=cmd|' /C calc'!A0",
    "'=SUM(1)", '"', "\t", "名字", "a,b",
])  # fmt: skip


def _import_keeps_its_promise(tmp_path, db: TestDatabase, content: bytes) -> None:
    """In-process (fast enough for many examples): exit 0 or 2, no exception, and on 2 no change."""
    from typer.testing import CliRunner

    from keyaccount_cli.cli import app

    runner = CliRunner()
    env = {"KAM_DB": db.location}
    if not db.exists():
        assert runner.invoke(app, ["import", str(EXAMPLE)], env=env).exit_code == 0
    before = runner.invoke(app, ["export", "contacts"], env=env).stdout
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    result = runner.invoke(app, ["import", str(path)], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), result.stderr
    assert "internal error" not in result.stderr
    if result.exit_code == 2:
        # one located line per problem, naming the file: never a bare database error
        assert result.stderr.startswith("kam: ") and "in.csv" in result.stderr.splitlines()[0], result.stderr
        assert "database error" not in result.stderr, result.stderr
        assert runner.invoke(app, ["export", "contacts"], env=env).stdout == before


# The parsing is the same code on both backends; on the server fewer examples check the
# all-or-nothing promise, each costing a few round trips.
EXAMPLES = 1.0 if BACKEND == "sqlite" else 0.4


@settings(max_examples=int(15 * EXAMPLES), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_exit_0_or_2_and_never_half_write(tmp_path, isolated_db, content):
    _import_keeps_its_promise(tmp_path, isolated_db, content)


def _cell(value: str, delimiter: str) -> str:
    return '"' + value.replace('"', '""') + '"' if delimiter in value or '"' in value or "\n" in value else value


@settings(max_examples=int(20 * EXAMPLES), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6, unique=True),
    st.lists(st.lists(CELLS, min_size=0, max_size=7), min_size=0, max_size=6),
    st.sampled_from([",", ";", "\t"]),
)
def test_well_formed_but_wrong_csv_exits_0_or_2_and_never_half_writes(tmp_path, isolated_db, header, rows, delimiter):
    lines = [delimiter.join(header)] + [delimiter.join(_cell(c, delimiter) for c in row) for row in rows]
    _import_keeps_its_promise(tmp_path, isolated_db, ("\n".join(lines) + "\n").encode("utf-8"))
