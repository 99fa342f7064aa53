"""kam benchmarks against their targets: import, re-import, export, check, --help, map, the
per-account commands, and one big account.

Each measurement runs in a fresh child process: wall-clock time and the child's
peak RSS. Imports of up to 200,000 rows run three times (baseline, import, re-import in
turn, each time into new databases) and the fastest run of each counts; so does the
fastest of three `kam check` runs, and of five for `--help` and `map`. `kam accounts`, `kam
health` and `kam report` (`--format json`) over the check's database run in turn with the floor
(`bench/floor.py`: plain sqlite3 + json doing the same reads), three times each, and the fastest
of each counts; the floor's output must be kam's, byte for byte; each once more with the read
trick off (KAM_READ_TRICKS=off), for what it buys. Files and databases live in a temporary directory.

    .venv/bin/python bench/run.py [--rows N ...] [--check-rows N] [--map-contacts N]
        [--account-rows N,N] [--big-account N] [--workbook-rows N] [--quick] [--pg-url URL]
    .venv/bin/python bench/run.py --reads-db DB    # only accounts, health and report over a kam database

With no options: import of 100,000 and 1,000,000 rows (each beside the baseline; the million once
more with the import's bulk-load tricks off, KAM_BULK_TRICKS=off, and the ratio on/off), re-import,
`kam export contacts` of each against its import (and with the read trick off), `kam import` of
100,000 rows as a workbook (.xlsx) against the same rows as CSV, `kam check`, `accounts`, `health` and `report`
over the million (the last three beside a plain sqlite3 + json floor, `bench/floor.py`), `kam
--help`, `kam map` (and `kam map --format html`) and `kam whatif` of one account of 2,000 contacts (and `kam map --on` of them with 20,000 history rows), each read-only per-account command (`contacts`, `show`,
`map`, `health`, `history`, `handover`, `successor --suggest`, a person named by email and by
name) on 20,000 and 1,000,000 contacts against `import typer`, `show`/`contacts` of one
account of 8,000 contacts (best of three, output in a pipe), and `kam staff` and `kam check --owner`
over 100,000 contacts of 10,000 accounts owned by 200 people, and `kam report --format json` over
100,000 contacts (≤ 2 s); about a quarter of an hour.
With `--pg-url` (or KAM_BENCH_PG_URL), a SQLAlchemy URL of a PostgreSQL database, the
imports also run against that server, each into a schema of its own that is dropped
afterwards.
"""

from __future__ import annotations

import argparse
import csv as csvlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from generate import AS_OF, SINGLE_ACCOUNT, generate, our_side, workbook

BENCH = Path(__file__).resolve().parent
KAM = [str(Path(sys.executable).with_name("kam")), "--as-of", AS_OF.isoformat()]
# as a user runs kam: no test database or config, and byte-code caches allowed (an installed
# package has them; PYTHONDONTWRITEBYTECODE would recompile kam's modules on every start)
ENV = {key: value for key, value in os.environ.items()
       if key not in ("KAM_DB", "KAM_CONFIG", "PYTHONDONTWRITEBYTECODE")}  # fmt: skip
ENV["NO_COLOR"] = "1"
MB = 1024 * 1024
REPEATS = 5  # best-of for the start-up measurements
IMPORT_REPEATS = 3  # best-of for imports of up to 200,000 rows
TRICKS_OFF_ROWS = 1_000_000  # from this size the first import also runs with KAM_BULK_TRICKS=off
CHECK_REPEATS = 3  # best-of for kam check (the first run may find the file out of the system's cache)
READS = ("accounts", "health", "report")  # the read-only commands measured against bench/floor.py
READ_REPEATS = 3  # best-of for each of them and its floor, run in turn


@dataclass
class Measurement:
    seconds: float
    peak_bytes: int
    cpu: float = 0.0  # user + system seconds of the child


@dataclass
class Result:
    name: str
    figure: str
    target: str = ""
    ok: bool | None = None
    seconds: float = 0.0


def measure(
    command: list[str], *, ok_codes: tuple[int, ...] = (0,), env: dict[str, str] | None = None, out: Path | None = None
) -> Measurement:
    """Run `command` with its output discarded (or written to `out`): wall time and peak memory. The peak is the larger
    of the process's own peak RSS (ru_maxrss, KiB on Linux) and the largest sum of the RSS of it
    and its children (a large import parses in a worker process), sampled every 20 ms."""
    with tempfile.TemporaryFile() as errors, open(out or os.devnull, "wb") as output:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=errors, env={**ENV, **(env or {})})
        tree = TreeMemory(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        tree.stop()
        code = child.returncode = os.waitstatus_to_exitcode(status)
        if code not in ok_codes:
            errors.seek(0)
            shown = " ".join(shown_arg(arg) for arg in command)
            sys.exit(f"{shown} exited {code}:\n{errors.read().decode()[-2000:]}")
    return Measurement(seconds, max(usage.ru_maxrss * 1024, tree.peak), usage.ru_utime + usage.ru_stime)


class TreeMemory(threading.Thread):
    """The largest total RSS of a process and its descendants, sampled from /proc (Linux)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()
        if Path("/proc/self/status").exists():
            self.start()

    def stop(self) -> None:
        self.done.set()
        if self.is_alive():
            self.join()

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, sum(map(rss, self.descendants())))

    def descendants(self) -> list[int]:
        pids, children = [self.pid], {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(stat.parent.name))
        for pid in pids:
            pids += children.get(pid, [])
        return pids


def rss(pid: int) -> int:
    """A process's resident memory in bytes; 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def fastest(best: Measurement | None, run: Measurement) -> Measurement:
    """The faster of two runs (wall and CPU time each), with the larger peak memory of the two."""
    if best is None:
        return run
    return Measurement(min(best.seconds, run.seconds), max(best.peak_bytes, run.peak_bytes), min(best.cpu, run.cpu))


def shown_arg(arg: str) -> str:
    """A command-line word as it may be printed: a database URL without its password."""
    if "://" not in arg:
        return arg
    from keyaccount_cli.storage.database import display_location

    return display_location(arg)


def best(command: list[str]) -> float:
    """Best wall time of several runs, for start-up-bound commands."""
    return min(measure(command).seconds for _ in range(REPEATS))


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_import(rows: int, work: Path) -> tuple[list[Result], Path]:
    """Baseline, first kam import and re-import of `rows` contacts; the kam database."""
    csv, db = work / f"contacts-{rows}.csv", work / f"kam-{rows}.db"
    progress(f"generating {rows:,} rows")
    generate(str(csv), rows)
    # the shorter imports are run a few times (each time into a new database) and the fastest
    # run counts, for the baseline as for kam: on a shared machine one run can be off by a third
    runs = IMPORT_REPEATS if rows <= 200_000 else 1
    base = first = again = None
    for run in range(runs):
        for path in work.glob(f"*-{rows}.db*"):
            path.unlink()
        progress(f"baseline import ({run + 1}/{runs})")
        base = fastest(base, measure([sys.executable, str(BENCH / "baseline.py"), str(csv), str(work / f"baseline-{rows}.db")]))
        progress(f"kam import ({run + 1}/{runs})")
        first = fastest(first, measure([*KAM, "--db", str(db), "import", str(csv)]))
        progress(f"kam re-import ({run + 1}/{runs})")
        again = fastest(again, measure([*KAM, "--db", str(db), "import", str(csv)]))
    assert base and first and again
    plain = None
    if rows >= TRICKS_OFF_ROWS:  # the same first import with the bulk-load tricks off, for what they buy
        progress("kam import, bulk-load tricks off")
        plain = measure(
            [*KAM, "--db", str(work / f"plain-{rows}.db"), "import", str(csv)], env={"KAM_BULK_TRICKS": "off"}
        )
        for path in work.glob(f"plain-{rows}.db*"):
            path.unlink()
    memory_limit = 150 if rows <= 100_000 else 300

    def kam_row(name: str, run: Measurement, *, targets: bool = True) -> Result:
        ratio = run.seconds / base.seconds
        figure = f"{run.seconds:.2f} s = {ratio:.2f}× baseline, {run.peak_bytes / MB:.0f} MB"
        if not targets:  # the re-import's target is the first import's time (the next row)
            return Result(f"{name} {rows:,}", figure, seconds=run.seconds)
        return Result(
            f"{name} {rows:,}",
            figure,
            f"≤ 1.5× baseline, ≤ {memory_limit} MB",
            ratio <= 1.5 and run.peak_bytes <= memory_limit * MB,
            seconds=run.seconds,
        )

    off = []
    if plain is not None:
        off = [Result(f"kam import {rows:,}, tricks off", f"{plain.seconds:.2f} s = {plain.seconds / base.seconds:.2f}× "
                      f"baseline, {plain.peak_bytes / MB:.0f} MB; tricks on/off = {first.seconds / plain.seconds:.2f}")]  # fmt: skip
    return [
        Result(f"baseline import {rows:,}", f"{base.seconds:.2f} s, {base.peak_bytes / MB:.0f} MB", seconds=base.seconds),
        kam_row("kam import", first),
        kam_row("kam re-import", again, targets=False),
        Result(
            f"re-import vs import {rows:,}",
            f"{again.seconds:.2f} s vs {first.seconds:.2f} s",
            "≤ first import",
            again.seconds <= first.seconds,
        ),
        *off,
    ], db


def bench_workbook(rows: int, work: Path) -> list[Result]:
    """`kam import` of `rows` contacts as a workbook against the same rows as CSV, each into a new
    database, in turn, the fastest of a few runs of each."""
    csv = work / f"contacts-{rows}.csv"
    if not csv.exists():
        progress(f"generating {rows:,} rows")
        generate(str(csv), rows)
    book = work / f"contacts-{rows}.xlsx"
    progress(f"writing them as a workbook ({rows:,} rows)")
    workbook(str(csv), str(book))
    as_csv = as_book = None
    for run in range(IMPORT_REPEATS):
        for source in (csv, book):
            for path in work.glob("workbook-bench.db*"):
                path.unlink()
            progress(f"kam import {source.suffix} ({run + 1}/{IMPORT_REPEATS})")
            took = measure([*KAM, "--db", str(work / "workbook-bench.db"), "import", str(source)])
            if source is csv:
                as_csv = fastest(as_csv, took)
            else:
                as_book = fastest(as_book, took)
    assert as_csv and as_book
    ratio = as_book.seconds / as_csv.seconds
    return [Result(f"kam import {rows:,} as a workbook", f"{as_book.seconds:.2f} s = {ratio:.2f}× the CSV "
                   f"({as_csv.seconds:.2f} s), {as_book.peak_bytes / MB:.0f} MB", "≤ 2× the CSV", ratio <= 2)]  # fmt: skip


def bench_pg_import(rows: int, work: Path, url: str, baseline: float) -> list[Result]:
    """First import and re-import of `rows` contacts into a fresh schema on a PostgreSQL server."""
    import psycopg
    from sqlalchemy.engine import make_url

    csv = work / f"contacts-{rows}.csv"
    server = make_url(url)
    schema = f"kam_bench_{os.getpid()}_{rows}"
    admin = psycopg.connect(server.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True)
    try:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        db = server.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        progress("kam import (PostgreSQL)")
        first = measure([*KAM, "--db", db, "import", str(csv)])
        progress("kam re-import (PostgreSQL)")
        again = measure([*KAM, "--db", db, "import", str(csv)])
    finally:
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.close()
    return [
        Result(f"kam import {rows:,} (PostgreSQL)",
               f"{first.seconds:.2f} s = {first.seconds / baseline:.2f}× SQLite baseline, {first.peak_bytes / MB:.0f} MB"),
        Result(f"kam re-import {rows:,} (PostgreSQL)",
               f"{again.seconds:.2f} s = {again.seconds / baseline:.2f}× SQLite baseline, {again.peak_bytes / MB:.0f} MB"),
    ]  # fmt: skip


def bench_check(rows: int, work: Path, databases: dict[int, Path]) -> Result:
    """`kam check` over a database of `rows` contacts (reusing an imported one, else importing one
    and keeping it in `databases`)."""
    db = databases.get(rows)
    if db is None:
        csv, db = work / f"check-{rows}.csv", work / f"check-{rows}.db"
        progress(f"generating and importing {rows:,} rows for check")
        generate(str(csv), rows)
        measure([*KAM, "--db", str(db), "import", str(csv)])
        databases[rows] = db
    progress("kam check")
    command = [*KAM, "--db", str(db), "check", "--due", "30d", "--format", "json"]
    run = None
    for _ in range(CHECK_REPEATS):
        run = fastest(run, measure(command, ok_codes=(0, 1)))
    assert run is not None
    return Result(
        f"kam check {rows:,}",
        f"{run.seconds:.2f} s, {run.peak_bytes / MB:.0f} MB",
        "≤ 3 s, ≤ 600 MB",
        run.seconds <= 3 and run.peak_bytes <= 600 * MB,
    )


def bench_report(rows: int, work: Path, databases: dict[int, Path]) -> Result:
    """`kam report --format json` over a database of `rows` contacts (docs/spec.md §11 adds the
    renewals and where key people change most), best of three."""
    db = databases.get(rows)
    if db is None:
        csv, db = work / f"report-{rows}.csv", work / f"report-{rows}.db"
        progress(f"generating and importing {rows:,} rows for report")
        generate(str(csv), rows)
        measure([*KAM, "--db", str(db), "import", str(csv)])
        databases[rows] = db
    progress("kam report")
    run = None
    for _ in range(READ_REPEATS):
        run = fastest(run, measure([*KAM, "--db", str(db), "report", "--format", "json"]))
    assert run is not None
    return Result(f"kam report {rows:,}", f"{run.seconds:.2f} s, {run.peak_bytes / MB:.0f} MB", "≤ 2 s",
                  run.seconds <= 2)  # fmt: skip


def bench_reads(rows: int, work: Path, databases: dict[int, Path]) -> list[Result]:
    """`kam accounts`, `health` and `report --format json` over the database of `rows` contacts, each
    beside the floor (bench/floor.py), run in turn; both write their output to a file, and the two
    files must be the same. The target is on wall time; the CPU time (user + system) is shown too,
    for a shared machine, where the wall time also counts the neighbours' work."""
    db = databases[rows]
    results = []
    for command in READS:
        kam_out, floor_out = work / f"{command}.kam.json", work / f"{command}.floor.json"
        kam = floor = None
        for run in range(READ_REPEATS):
            progress(f"kam {command} and its floor ({run + 1}/{READ_REPEATS})")
            kam = fastest(kam, measure([*KAM, "--db", str(db), command, "--format", "json"], out=kam_out))
            floor = fastest(floor, measure([sys.executable, str(BENCH / "floor.py"), command, str(db),
                                            "--as-of", AS_OF.isoformat()], out=floor_out))  # fmt: skip
        assert kam and floor
        if kam_out.read_bytes() != floor_out.read_bytes():
            sys.exit(f"kam {command} and bench/floor.py {command} wrote different output")
        progress(f"kam {command}, read trick off")
        plain = measure([*KAM, "--db", str(db), command, "--format", "json"], env={"KAM_READ_TRICKS": "off"})
        ratio, cpu_ratio = kam.seconds / floor.seconds, kam.cpu / floor.cpu
        results.append(Result(
            f"kam {command} {rows:,}" if rows else f"kam {command}",
            f"{kam.seconds:.2f} s = {ratio:.2f}× floor ({floor.seconds:.2f} s); CPU {kam.cpu:.2f} s = "
            f"{cpu_ratio:.2f}× floor ({floor.cpu:.2f} s); {kam.peak_bytes / MB:.0f} MB (floor {floor.peak_bytes / MB:.0f})",
            "≤ 1.5× floor",
            ratio <= 1.5,
        ))  # fmt: skip
        results.append(Result(f"kam {command}, read trick off", f"{plain.seconds:.2f} s, CPU {plain.cpu:.2f} s; "
                              f"trick on/off = {kam.seconds / plain.seconds:.2f}, CPU {kam.cpu / plain.cpu:.2f}"))  # fmt: skip
    return results


def bench_startup(contacts: int, work: Path) -> list[Result]:
    """`kam --help` against `import typer`; `kam map` and `kam whatif` (one contact leaving) of one
    account of `contacts` beyond interpreter start."""
    progress("kam --help")
    help_seconds = best([*KAM, "--help"])
    typer_seconds = best([sys.executable, "-c", "import typer"])
    csv, db = work / "map.csv", work / "map.db"
    progress(f"kam map of {contacts:,} contacts")
    generate(str(csv), contacts, single_account=True)
    measure([*KAM, "--db", str(db), "import", str(csv)])
    map_seconds = best([*KAM, "--db", str(db), "map", SINGLE_ACCOUNT])
    start = best([sys.executable, "-c", "pass"])
    beyond = map_seconds - start
    progress(f"kam whatif on one account of {contacts:,} contacts")
    with csv.open(encoding="utf-8") as fh:
        first = next(csvlib.DictReader(fh))["email"]  # the account's first contact: high in its chain
    whatif_seconds = best([*KAM, "--db", str(db), "whatif", first])
    progress(f"kam map --format html of {contacts:,} contacts")
    html = work / "map.html"
    html_seconds = best([*KAM, "--db", str(db), "map", SINGLE_ACCOUNT, "--format", "html", "-o", str(html)])
    ratio = help_seconds / typer_seconds
    return [
        Result(
            "kam --help",
            f"{help_seconds:.3f} s = {ratio:.2f}× import typer ({typer_seconds:.3f} s)",
            "≤ 2.5× import typer",
            ratio <= 2.5,
        ),
        Result(
            f"kam map {contacts:,} contacts",
            f"{map_seconds:.3f} s, {beyond:.3f} s beyond interpreter start",
            "≤ 0.5 s beyond interpreter start",
            beyond <= 0.5,
        ),
        Result(
            f"kam map --format html {contacts:,} contacts",
            f"{html_seconds:.3f} s, the page {html.stat().st_size / MB:.1f} MB",
            "≤ 1 s",
            html_seconds <= 1.0,
        ),
        Result(
            f"kam whatif on one account of {contacts:,} contacts",
            f"{whatif_seconds:.3f} s, {whatif_seconds - start:.3f} s beyond interpreter start",
            "≤ 0.5 s beyond interpreter start",
            whatif_seconds - start <= 0.5,
        ),
    ]


def leaving_contact(csv_path: Path) -> tuple[str, str, str]:
    """(account, email, name) of the first leaving contact in a generated file: the person the
    per-account commands are asked about (the files of every size share their first accounts)."""
    with csv_path.open(encoding="utf-8") as fh:
        for row in csvlib.DictReader(fh):
            if row["status"] == "leaving":
                return row["account"], row["email"], row["name"]
    sys.exit(f"{csv_path}: no leaving contact")


def per_account_commands(account: str, email: str, name: str) -> list[list[str]]:
    """The read-only per-account commands of issue #14, the person named by email and by name."""
    return [
        ["contacts", account], ["show", account], ["map", account], ["health", account],
        ["history", email], ["history", name], ["handover", email], ["handover", name],
        ["successor", email, "--suggest"], ["successor", name, "--suggest"],
    ]  # fmt: skip


def bench_per_account(sizes: list[int], work: Path, databases: dict[int, Path]) -> list[Result]:
    """Each per-account command on databases of each size, against `import typer`: flat in size."""
    typer_seconds = best([sys.executable, "-c", "import typer"])
    results = []
    for rows in sizes:
        db = databases.get(rows) or imported_database(rows, work)
        account, email, name = leaving_contact(work / f"contacts-{rows}.csv")
        for args in per_account_commands(account, email, name):
            progress(f"kam {args[0]} on {rows:,} contacts")
            seconds = best([*KAM, "--db", str(db), *args])
            ratio = seconds / typer_seconds
            shown = " ".join(a if a.startswith("--") or a == args[0] else "NAME" if a == name else
                             "EMAIL" if a == email else "ACCOUNT" for a in args)  # fmt: skip
            results.append(Result(f"kam {shown} ({rows:,})", f"{seconds:.3f} s = {ratio:.2f}× import typer",
                                  "≤ 2.5× import typer", ratio <= 2.5))  # fmt: skip
    # what building only the invoked command's parser buys (cli.command_app)
    contacts = [*KAM, "--db", str(databases.get(sizes[0]) or imported_database(sizes[0], work)), "contacts", account]
    one, every = best(contacts), min(measure(contacts, env={"KAM_ALL_COMMANDS": "1"}).seconds for _ in range(REPEATS))
    results.append(Result(f"kam contacts ACCOUNT, every parser built ({sizes[0]:,})",
                          f"{every:.3f} s; one parser / every parser = {one / every:.2f}"))  # fmt: skip
    return results


def imported_database(rows: int, work: Path) -> Path:
    """A database of `rows` generated contacts (its CSV kept beside it)."""
    csv, db = work / f"contacts-{rows}.csv", work / f"kam-{rows}.db"
    if not db.exists():
        progress(f"generating and importing {rows:,} rows")
        generate(str(csv), rows)
        measure([*KAM, "--db", str(db), "import", str(csv)])
    return db


def bench_export(rows: int, work: Path, databases: dict[int, Path], import_seconds: float) -> list[Result]:
    """`kam export contacts` of the imported rows, against the time their first import took; and
    once more with the read trick off (one process instead of two: services/export_halves.py)."""
    progress(f"kam export contacts of {rows:,}")
    out = work / f"export-{rows}.csv"
    command = [*KAM, "--db", str(databases[rows]), "export", "contacts", "-o", str(out)]
    run = measure(command)
    progress(f"kam export contacts of {rows:,}, read trick off")
    plain = measure(command, env={"KAM_READ_TRICKS": "off"})
    out.unlink()
    ratio = run.seconds / import_seconds
    return [
        Result(f"kam export contacts {rows:,}", f"{run.seconds:.2f} s = {ratio:.2f}× import, "
               f"{run.peak_bytes / MB:.0f} MB", "≤ 0.5× import, ≤ 250 MB",
               ratio <= 0.5 and run.peak_bytes <= 250 * MB),
        Result(f"kam export contacts {rows:,}, read trick off",
               f"{plain.seconds:.2f} s, {plain.peak_bytes / MB:.0f} MB; trick on/off = {run.seconds / plain.seconds:.2f}, "
               f"CPU {run.cpu / plain.cpu:.2f}"),
    ]  # fmt: skip


def bench_our_side(rows: int, work: Path) -> list[Result]:
    """`kam staff` and `kam check --owner` (docs/spec.md §9) over `rows` contacts in about a tenth as
    many accounts, owned by 200 of our people who know most of the contacts (best of three each)."""
    contacts, accounts, db = work / f"ours-{rows}.csv", work / f"ours-{rows}-accounts.csv", work / f"ours-{rows}.db"
    progress(f"generating and importing {rows:,} contacts with our people")
    our_side(str(contacts), str(accounts), rows)
    measure([*KAM, "--db", str(db), "import", str(contacts)])
    measure([*KAM, "--db", str(db), "import", str(accounts), "--kind", "accounts"])
    results = []
    for name, args, codes in (("kam staff", ["staff"], (0,)), ("kam check --owner", ["check", "--owner", "Staff 007"], (0, 1))):
        progress(name)
        run = None
        for _ in range(CHECK_REPEATS):
            run = fastest(run, measure([*KAM, "--db", str(db), *args, "--format", "json"], ok_codes=codes))
        assert run is not None
        results.append(Result(f"{name} ({rows:,} contacts, 200 people)", f"{run.seconds:.2f} s, "
                              f"{run.peak_bytes / MB:.0f} MB", "≤ 1.5 s", run.seconds <= 1.5))  # fmt: skip
    return results


def bench_big_account(contacts: int, work: Path) -> list[Result]:
    """`kam show` and `kam contacts` of one account with `contacts` people, output in a pipe."""
    csv, db = work / f"big-{contacts}.csv", work / f"big-{contacts}.db"
    progress(f"kam show and contacts of one account of {contacts:,}")
    generate(str(csv), contacts, single_account=True)
    measure([*KAM, "--db", str(db), "import", str(csv)])
    results = []
    for command in ("show", "contacts"):
        seconds = min(measure([*KAM, "--db", str(db), command, SINGLE_ACCOUNT]).seconds for _ in range(3))
        results.append(Result(f"kam {command} of {contacts:,} contacts", f"{seconds:.2f} s", "≤ 1.5 s", seconds <= 1.5))
    return results


def bench_map_over_time(contacts: int, history: int, work: Path) -> Result:
    """`kam map --on` of one account of `contacts` people whose history holds `history` rows
    (after the first import, imports that change every attitude, a week apart), rewound half way."""
    csv, db = work / f"time-{contacts}.csv", work / f"time-{contacts}.db"
    progress(f"kam map --on of {contacts:,} contacts with {history:,} history rows")
    generate(str(csv), contacts, single_account=True)
    first = date(2026, 1, 5)
    measure([*KAM[:1], "--db", str(db), "--as-of", first.isoformat(), "import", str(csv)])
    with open(csv, encoding="utf-8", newline="") as f:
        rows = list(csvlib.reader(f))
    header, body = rows[0], rows[1:]
    column = header.index("attitude")
    rounds = max(1, history // contacts)
    moods = ("strong_support", "support", "neutral", "reserved", "opposed")
    for k in range(1, rounds + 1):
        for i, row in enumerate(body):  # a new attitude for everyone: a history row each
            row[column] = moods[(i + k) % len(moods)]
        again = work / f"time-{k}.csv"
        with open(again, "w", encoding="utf-8", newline="") as f:
            csvlib.writer(f).writerows([header, *body])
        day = first + timedelta(weeks=k)
        measure([*KAM[:1], "--db", str(db), "--as-of", day.isoformat(), "import", str(again)])
    middle = (first + timedelta(weeks=rounds // 2)).isoformat()
    seconds = min(measure([*KAM, "--db", str(db), "map", SINGLE_ACCOUNT, "--on", middle]).seconds for _ in range(3))
    return Result(f"kam map --on of {contacts:,} contacts, {rounds * contacts:,} history rows",
                  f"{seconds:.2f} s", "≤ 1 s", seconds <= 1.0)  # fmt: skip


def print_table(results: list[Result]) -> None:
    """An aligned plain-text table: benchmark, figure, target, pass/FAIL."""
    lines = [("benchmark", "figure", "target", "result")]
    lines += [(r.name, r.figure, r.target, {True: "pass", False: "FAIL", None: ""}[r.ok]) for r in results]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


def counts(text: str) -> list[int]:
    """`--rows` value: one count or a comma list (`100000,1_000_000`)."""
    return [int(part.replace("_", "")) for part in text.split(",") if part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=counts, action="append", help="rows to import (repeatable or 1,2,3); default 100000,1000000"
    )
    parser.add_argument("--check-rows", type=int,
                        help="contacts in the database for kam check, accounts, health, report; default 1000000, 0 = skip")  # fmt: skip
    parser.add_argument("--map-contacts", type=int, help="contacts of the mapped account; default 2000")
    parser.add_argument("--account-rows", type=counts, help="database sizes for the per-account commands; default 20000,1000000")
    parser.add_argument("--big-account", type=int, help="contacts of the account for show/contacts; default 8000")
    parser.add_argument("--our-side-rows", type=int,
                        help="contacts for kam staff and check --owner; default 100000, 0 = skip")  # fmt: skip
    parser.add_argument("--workbook-rows", type=int,
                        help="rows of the workbook import (against the same CSV); default 100000, 0 = skip")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--pg-url", default=os.environ.get("KAM_BENCH_PG_URL"),
                        help="also import into this PostgreSQL database (SQLAlchemy URL); default $KAM_BENCH_PG_URL")  # fmt: skip
    parser.add_argument("--reads-db", type=Path, help="only the accounts, health and report rows, over this kam database")
    args = parser.parse_args()
    if args.reads_db:
        with tempfile.TemporaryDirectory(prefix="kam-bench-") as tmp:
            print_table(bench_reads(0, Path(tmp), {0: args.reads_db.resolve()}))
        return
    row_counts = [n for group in args.rows for n in group] if args.rows else (
        [5_000] if args.quick else [100_000, 1_000_000])  # fmt: skip
    check_rows = args.check_rows if args.check_rows is not None else (5_000 if args.quick else 1_000_000)
    map_contacts = args.map_contacts or 2_000
    account_sizes = args.account_rows or ([2_000] if args.quick else [20_000, 1_000_000])
    big_account = args.big_account or (800 if args.quick else 8_000)
    ours = args.our_side_rows if args.our_side_rows is not None else (5_000 if args.quick else 100_000)
    book_rows = args.workbook_rows if args.workbook_rows is not None else (5_000 if args.quick else 100_000)

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="kam-bench-") as tmp:
        work = Path(tmp)
        databases = {}
        for rows in row_counts:
            imported, databases[rows] = bench_import(rows, work)
            results += imported
            if args.pg_url:
                results += bench_pg_import(rows, work, args.pg_url, imported[0].seconds)
            results += bench_export(rows, work, databases, imported[1].seconds)
        if book_rows:
            results += bench_workbook(book_rows, work)
        if check_rows:
            results.append(bench_check(check_rows, work, databases))
            results += bench_reads(check_rows, work, databases)
        results.append(bench_report(5_000 if args.quick else 100_000, work, databases))
        results += bench_startup(map_contacts, work)
        results.append(bench_map_over_time(map_contacts, 10 * map_contacts, work))
        results += bench_per_account(account_sizes, work, databases)
        results += bench_big_account(big_account, work)
        if ours:
            results += bench_our_side(ours, work)
    print_table(results)


if __name__ == "__main__":
    main()
