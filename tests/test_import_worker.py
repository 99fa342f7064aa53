"""A large file is parsed in a worker process while kam writes: what the user sees and what is
stored must be exactly what the same import gives when it parses in-process."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import pytest

from keyaccount_cli.importing import contacts as importer

from .conftest import FIXTURES, Kam

pytestmark = pytest.mark.sqlite_only

HEADER = ["account", "name", "email", "decision_power", "attitude", "reports_to", "status", "change_date", "successor"]


def messy_file(path: Path, rows: int = 3_500) -> Path:
    """Several chunks of contacts with forward references, leavers and, on some rows, every kind of problem."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            account, first = f"Account {i // 7}", i - i % 7
            boss = f"p{first}@x.example" if i % 7 else (f"Person {i + 3}" if i % 11 == 0 and i + 3 < rows else "")
            row = [account, f"Person {i}", f"p{i}@x.example", "final" if i % 5 == 0 else "", "support", boss,
                   "leaving" if i % 97 == 0 else "", "2027-01-15" if i % 97 == 0 else "",
                   f"p{i + 1}@x.example" if i % 97 == 0 and i % 7 != 6 else ""]  # fmt: skip
            if i % 997 == 5:
                row[2] = "not-an-email"
            if i % 1499 == 8:
                row[1] = ""
            if i % 2003 == 9:
                row[2] = "p3@x.example"  # another account's contact
            if i % 1201 == 10:
                row[3] = "supreme"
            if i == 1501:
                row[5] = "Nobody Here"
            if i == 1503:
                row.append("an extra cell")
            if i in (2001, 2002):  # each other's manager
                row[5] = f"p{2003 - i + 2000}@x.example"
            w.writerow(row)
    return path


def untimed(value):
    """A stored value, but the clock time of the run (created, updated, opened at) as one mark."""
    timestamp = isinstance(value, str) and len(value) == 26 and value[4] == "-" and value[10] == " "
    return "<time>" if timestamp else value


def both_ways(tmp_path: Path, monkeypatch, *commands: list[str]) -> list[tuple]:
    """Run the commands against a database of their own, parsing in-process, then in a worker;
    return what each way showed and stored."""
    seen = []
    monkeypatch.setattr(importer, "CHUNK", 1000)  # four chunks
    for worker in (False, True):
        monkeypatch.setattr(importer, "_worth_a_worker", lambda path, worker=worker: worker)
        db = tmp_path / f"worker-{worker}.db"
        kam = Kam()
        shown = []
        for command in commands:
            result = kam("--db", str(db), "--as-of", "2026-11-23", *command)
            shown.append((result.exit_code, result.stdout, result.stderr))
        stored = None
        if db.exists():
            with sqlite3.connect(db) as conn:
                stored = [[tuple(map(untimed, row)) for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1')]
                          for table in ("account", "contact", "change", "handover", "handover_step")]  # fmt: skip
        seen.append((shown, stored))
    return seen


def test_a_file_with_problems_in_every_chunk_is_reported_alike(tmp_path, monkeypatch):
    data = messy_file(tmp_path / "messy.csv")
    in_process, worker = both_ways(tmp_path, monkeypatch, ["import", str(data)])
    assert in_process == worker
    [(code, _, errors)] = in_process[0]
    assert code == 2 and in_process[1] is None  # nothing written, not even the file
    for expected in ("not an email address", "name is required", "belongs to", "supreme", "names nobody",
                     "reports-to cycle", "cells but the header has"):  # fmt: skip
        assert expected in errors, expected


def test_skip_invalid_then_a_changed_reimport_store_the_same(tmp_path, monkeypatch):
    data = messy_file(tmp_path / "messy.csv")
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = tmp_path / "changed.csv"  # a third of the last rows are now opposed
    changed.write_text("".join(line.replace(",support,", ",opposed,") if n > 2500 and n % 3 == 0 else line
                               for n, line in enumerate(lines)), encoding="utf-8")  # fmt: skip
    in_process, worker = both_ways(tmp_path, monkeypatch, ["import", str(data), "--skip-invalid"],
                                   ["import", str(changed), "--skip-invalid"], ["check", "--format", "json"])  # fmt: skip
    assert in_process == worker
    (first, second, check), stored = worker
    assert first[0] == 0 and re.search(r"3\d{3} created, 0 updated, 0 unchanged, \d+ skipped", first[1])
    updated = int(re.search(r"(\d+) updated", second[1]).group(1))
    assert second[0] == 0 and 250 < updated <= 334  # the changed rows, but those skipped
    assert check[0] == 1 and json.loads(check[1])  # findings, the same both ways
    accounts, contacts, history, plans, steps = stored
    assert len(contacts) > 3000 and len(history) > len(contacts) + 250 and plans and steps


def test_broken_csv_far_down_the_file_is_located_alike(tmp_path, monkeypatch):
    data = messy_file(tmp_path / "broken.csv")
    with data.open("a", encoding="utf-8") as fh:
        fh.write('Account X,"Never closed,p@x.example\n' + "more,rows\n" * 10)
    in_process, worker = both_ways(tmp_path, monkeypatch, ["import", str(data)], ["import", str(FIXTURES / "crm_export_gbk.csv")])
    assert in_process == worker
    (broken, gbk), _ = worker
    assert broken[0] == 2 and "line 3502" in broken[2] and "never closed" in broken[2]
    assert gbk[0] == 0 and "5 created" in gbk[1]


def test_the_worker_is_for_large_files_only(tmp_path):
    small = tmp_path / "small.csv"
    small.write_text(",".join(HEADER) + "\nA,B,b@x.example,,,,,,\n", encoding="utf-8")
    assert not importer._worth_a_worker(small)
    assert not importer._worth_a_worker(tmp_path / "missing.csv")


def test_without_a_process_to_spare_the_parse_runs_in_process(tmp_path, monkeypatch):
    data = messy_file(tmp_path / "messy.csv", rows=1_500)

    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    in_process, _ = both_ways(tmp_path, monkeypatch, ["import", str(data), "--skip-invalid"])
    monkeypatch.setattr(importer.os, "fork", no_fork)
    monkeypatch.setattr(importer, "_worth_a_worker", lambda path: True)
    shown = Kam()("--db", str(tmp_path / "nofork.db"), "--as-of", "2026-11-23", "import", str(data), "--skip-invalid")
    assert (shown.exit_code, shown.stdout, shown.stderr) == in_process[0][0]
