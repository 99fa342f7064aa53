"""A team on one PostgreSQL server: imports from two people at once, `kam check` beside them,
a killed import, an upgrade from the first schema, a read-only reporting role, server errors.

These run when KAM_TEST_PG_URL names a server (the rest of the suite runs there too)."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from keyaccount_cli.storage.database import SCHEMA_VERSION, WRITER_LOCK

from .conftest import EXAMPLE, PG_URL, TestDatabase
from .test_reliability import another_writer

pytestmark = pytest.mark.postgresql_only

KAM = [sys.executable, "-m", "keyaccount_cli"]


def start(*args, db, env=None):
    return subprocess.Popen([*KAM, "--db", str(db), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})  # fmt: skip


def team_file(path: Path, who: str, rows: int) -> Path:
    """`rows` contacts of one team member: most at a shared account, the rest at their own;
    one person (lin@shared.example) is in both members' files, with a different title."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["account", "name", "email", "title", "attitude", "reports_to"])
        w.writerow(["Shared Co", "Lin", "lin@shared.example", f"Director ({who})", "support", ""])
        for n in range(rows - 1):
            account = "Shared Co" if n % 3 else f"{who} Own {n % 7}"
            boss = "lin@shared.example" if account == "Shared Co" else ""
            w.writerow([account, f"{who} {n}", f"{who.lower()}{n}@team.example", "Engineer", "neutral", boss])
    return path


def test_two_imports_at_once_keep_both_sets_of_rows_and_a_consistent_history(kam, tmp_path, isolated_db):
    rows = 2000
    files = {who: team_file(tmp_path / f"{who}.csv", who, rows) for who in ("Ann", "Bob")}
    assert kam("import", EXAMPLE).exit_code == 0
    before = isolated_db.count("contact")
    imports: list[subprocess.Popen] = []
    checks: list[subprocess.Popen] = []
    try:
        # a third member is writing as both imports start, so that both are under way at once
        with another_writer(isolated_db):
            imports = [start("import", f, db=isolated_db, env={"KAM_BUSY_TIMEOUT": "120"}) for f in files.values()]
            deadline = time.monotonic() + 60
            while writers_waiting(isolated_db) < 2 and time.monotonic() < deadline:
                assert all(p.poll() is None for p in imports), "an import ended while another member was writing"
                time.sleep(0.02)
            assert writers_waiting(isolated_db) == 2
        while any(p.poll() is None for p in imports):
            if not checks or checks[-1].poll() is not None:
                checks.append(start("check", "--format", "json", db=isolated_db))
            time.sleep(0.02)
    finally:
        outcomes = [(p, *p.communicate()) for p in imports + checks]
    for p, _, err in outcomes[: len(imports)]:
        assert p.returncode == 0, err
    for p, out, err in outcomes[len(imports) :]:
        assert p.returncode in (0, 1), err
        json.loads(out)
    # both sets of rows; Lin (in both files) once
    assert isolated_db.count("contact") == before + 2 * rows - 1
    assert isolated_db.rows("select count(*) from account where name_key = 'shared co'") == [(1,)]
    # every contact and account has exactly one "created" row in the history
    created = isolated_db.rows("select entity, entity_id, count(*) from \"change\" where field = '*' group by entity, entity_id having count(*) <> 1")
    assert created == []
    assert isolated_db.rows("select count(*) from \"change\" where entity = 'contact' and field = '*'") == [(isolated_db.count("contact"),)]
    # Lin's title: the second import changed the first one's, and the history says so
    (title,) = isolated_db.rows("select title from contact where email = 'lin@shared.example'")[0]
    history = json.loads(kam("history", "lin@shared.example", "--format", "json").stdout)
    assert [h["field"] for h in history] == ["*", "title"]
    assert history[1]["new"] == title and {history[1]["old"], title} == {"Director (Ann)", "Director (Bob)"}
    assert kam("check", "--format", "json").exit_code in (0, 1)


def writers_waiting(db: TestDatabase) -> int:
    """How many kam writers wait for another one."""
    return int(db.rows("select count(*) from pg_locks where locktype = 'advisory' and not granted"
                       f" and objid = {WRITER_LOCK}")[0][0])  # fmt: skip


def writer_lock_held(db: TestDatabase) -> bool:
    return bool(db.rows("select count(*) from pg_locks where locktype = 'advisory' and granted"
                        f" and objid = {WRITER_LOCK} and database = (select oid from pg_database where datname = current_database())")[0][0])  # fmt: skip


def test_a_killed_import_leaves_the_server_database_as_it_was_and_unlocked(kam, tmp_path, isolated_db, monkeypatch):
    data = team_file(tmp_path / "big.csv", "Kim", 10_000)
    assert kam("import", EXAMPLE).exit_code == 0
    before = (isolated_db.count("contact"), isolated_db.count("change"), isolated_db.count("account"))
    victim = start("import", data, db=isolated_db)
    deadline = time.monotonic() + 60
    while not writer_lock_held(isolated_db) and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # well into writing its rows
    assert victim.poll() is None, "the import finished before the kill; the test proved nothing"
    victim.send_signal(signal.SIGKILL)
    victim.communicate()
    # the server rolls the transaction back and releases the writer lock: the next writer
    # (in this process; the killed one was a process of its own) gets it
    monkeypatch.setenv("KAM_BUSY_TIMEOUT", "30")
    added = kam("add", "Shared Co", "Someone")
    assert added.exit_code == 0, added.stderr
    after = (isolated_db.count("contact"), isolated_db.count("change"), isolated_db.count("account"))
    assert after == (before[0] + 1, before[1] + 2, before[2] + 1)  # only the new contact and account


def test_a_database_from_the_first_schema_is_upgraded_in_place(kam, isolated_db, tmp_path):
    as_it_was = tmp_path / "contacts.csv"  # the example without its last column, 我方对接人, which 0009 added
    as_it_was.write_text("".join(line.rsplit(",", 1)[0] + "\n" for line in EXAMPLE.read_text(encoding="utf-8").splitlines()),
                         encoding="utf-8")  # fmt: skip
    assert kam("import", as_it_was).exit_code == 0
    exported = kam("export", "contacts").stdout
    _downgrade(isolated_db)
    assert [r[0] for r in isolated_db.rows("select name from migration")] == ["0001_initial"]
    (info,) = json.loads(kam("db", "--format", "json").stdout)
    assert info["schema_version"] == SCHEMA_VERSION == 9
    indexes = {r[0] for r in isolated_db.rows("select indexname from pg_indexes where schemaname = current_schema()")}
    assert {"ix_contact_reports_to_id", "ix_contact_successor_id", "ix_contact_moved_to_id", "ix_contact_watched"} <= indexes
    assert isolated_db.count("opportunity") == isolated_db.count("health_score") == 0
    assert kam("export", "contacts").stdout == exported


def _downgrade(db: TestDatabase) -> None:
    """Back to the first schema: without migration 0002's and 0004's indexes, 0003's and 0009's tables,
    0008's account columns and 0009's contact and interaction columns."""
    with db.admin.transaction():
        db.admin.execute(f'SET LOCAL search_path TO "{db.schema}"')
        for index in ("ix_contact_reports_to_id", "ix_contact_successor_id", "ix_contact_moved_to_id", "ix_contact_watched"):
            db.admin.execute(f"DROP INDEX {index}")
        db.admin.execute("DROP TABLE opportunity_contact, opportunity, health_score")
        db.admin.execute("ALTER TABLE account DROP COLUMN status, DROP COLUMN renewal_date")
        db.admin.execute("DROP TABLE owner_handover_step, owner_handover, team_member")
        db.admin.execute("ALTER TABLE contact DROP COLUMN our_contacts")
        db.admin.execute("ALTER TABLE interaction DROP COLUMN by_person")
        db.admin.execute("DELETE FROM migration WHERE name <> '0001_initial'")


def test_backup_points_at_the_servers_own_tools(kam, tmp_path, isolated_db):
    assert kam("import", EXAMPLE).exit_code == 0
    result = kam("backup", tmp_path / "copy.db")
    assert result.exit_code == 2 and f"pg_dump --format=custom --file {tmp_path / 'copy.db'} 'postgresql://" in result.stderr
    assert result.stderr.count("\n") == 1 and not (tmp_path / "copy.db").exists()
    # the command to copy leaves the password out (CI's server has one): pg_dump asks or reads ~/.pgpass
    password = make_url(isolated_db.location).password
    assert "***" not in result.stderr and (not password or password not in result.stderr)


def test_a_read_only_role_reports_but_cannot_write(kam, isolated_db):
    """The README's reporting role: the GRANTs it gives let `kam check` run and refuse writes."""
    admin = isolated_db.admin
    allowed = admin.execute("select rolsuper or rolcreaterole from pg_roles where rolname = current_user").fetchone()[0]
    if not allowed:
        pytest.skip("the test user may not create roles")
    assert kam("import", EXAMPLE).exit_code == 0
    role = f"kam_test_reader_{os.getpid()}"
    schema = isolated_db.schema
    admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'reader-secret'")
    try:
        admin.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}')
        admin.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {role}')
        url = make_url(isolated_db.location).set(username=role, password="reader-secret")
        reader = url.render_as_string(hide_password=False)
        check = kam("--db", reader, "--as-of", "2026-11-22", "check", "--format", "json")
        assert check.exit_code == 1 and json.loads(check.stdout), check.stderr
        assert kam("--db", reader, "map", "华东电力集团").exit_code == 0
        refused = kam("--db", reader, "add", "华东电力集团", "New Person")
        assert refused.exit_code == 2 and "permission denied" in refused.stderr
        assert refused.stderr.count("\n") == 1 and "reader-secret" not in refused.stderr
    finally:
        admin.execute(f"DROP OWNED BY {role}")
        admin.execute(f"DROP ROLE {role}")


def test_server_errors_are_one_line_without_the_password(kam):
    url = make_url(PG_URL).set(password="s3cret-word", database="kam_no_such_database_here")
    result = kam("--db", url.render_as_string(hide_password=False), "accounts")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "s3cret-word" not in result.stderr
    # the server says which, depending on how it authenticates
    assert "cannot connect" in result.stderr
    assert "does not exist" in result.stderr or "password authentication failed" in result.stderr


def test_a_plain_postgresql_url_works_too(kam, isolated_db):
    """As psql and pg_dump write it, without the driver name."""
    assert kam("import", EXAMPLE).exit_code == 0
    plain = "postgresql://" + isolated_db.location.split("://", 1)[1]
    result = kam("--db", plain, "accounts", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 5


def test_a_read_command_on_an_empty_server_database_creates_nothing(kam, isolated_db):
    result = kam("check")
    assert result.exit_code == 2 and "import contacts first" in result.stderr
    assert not isolated_db.exists()
    assert kam("import", EXAMPLE, "--dry-run").exit_code == 0
    assert not isolated_db.exists()
