"""`kam` builds the parser of the one command it runs (cli.command_app); everything a user sees —
help, usage errors, global options anywhere, output and exit codes — is what the whole app gives
(KAM_ALL_COMMANDS=1, also the path of `kam --help` and of a mistyped command)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from keyaccount_cli.cli import invoked_command

from .conftest import EXAMPLE

RUNS = [
    (), ("--help",), ("--version",), ("contacts",), ("contacts", "--help"), ("contacts", "--bogus"),
    ("contacts", "华东电力集团"), ("contacts", "华东电力集团", "--format", "json"), ("contcts", "x"),
    ("check", "--due", "30d", "--as-of", "2026-11-22"), ("--as-of=2026-11-22", "map", "华东电力集团"),
    ("successor", "王建华", "--suggest", "--as-of", "2026-11-22"), ("check", "--due"), ("import", "--help"),
    ("show", "Nobody"), ("--db",),
]  # fmt: skip


def kam_process(db: str, args: tuple[str, ...], **env: str) -> tuple[int, str, str]:
    run = subprocess.run(
        [sys.executable, "-m", "keyaccount_cli", "--db", db, *args],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "80", **env},
    )  # fmt: skip
    return run.returncode, run.stdout, run.stderr


@pytest.mark.sqlite_only
def test_each_command_run_alone_behaves_as_in_the_whole_app(kam, isolated_db):
    assert kam("import", EXAMPLE).exit_code == 0
    for args in RUNS:
        assert kam_process(str(isolated_db), args) == kam_process(str(isolated_db), args, KAM_ALL_COMMANDS="1"), args


def test_the_command_is_found_behind_global_options_and_nowhere_else():
    assert invoked_command(["--db", "x.db", "--as-of=2026-01-01", "map", "ACME"]) == "map"
    assert invoked_command(["--config", "c.yaml", "check"]) == "check"
    assert invoked_command(["--help", "map"]) is None  # the whole app's help
    assert invoked_command(["mapp", "ACME"]) is None  # the whole app suggests the command meant
    assert invoked_command(["--db"]) is None
    assert invoked_command([]) is None
