"""The write commands as thin front ends: parse, call the service, print. No command module
talks to a database driver or borrows another command module's private helpers, and an
error nobody foresaw is still one line, not a traceback."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import keyaccount_cli.cli as cli_package
from keyaccount_cli.cli.common import State

CLI = Path(cli_package.__file__).parent
DRIVERS = ("sqlite3", "sqlalchemy", "sqlmodel", "psycopg")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                yield ("." * node.level) + (node.module or ""), alias.name, node.lineno


def test_no_command_module_imports_a_database_driver():
    found = [f"{path.name}:{line} {module}" for path in sorted(CLI.glob("*.py"))
             for module, _, line in _imports(path) if module.split(".")[0] in DRIVERS]  # fmt: skip
    assert found == []


def test_no_command_module_imports_another_ones_private_names():
    found = [f"{path.name}:{line} from {module} import {name}" for path in sorted(CLI.glob("*.py"))
             for module, name, line in _imports(path)
             if module.startswith(".") and not module.startswith("..") and name and name.startswith("_")]  # fmt: skip
    assert found == []


def test_an_unforeseen_error_in_a_write_command_is_one_line(kam, monkeypatch):
    def broken(self):
        raise RuntimeError("the config reader broke")

    monkeypatch.setattr(State, "config", broken)
    result = kam("relate", "a@acme.example", "b@acme.example", "--kind", "trusts")
    assert result.exit_code == 2
    assert result.stderr == "kam: internal error: RuntimeError: the config reader broke (set KAM_DEBUG=1 for details)\n"


def test_a_change_made_as_of_a_day_is_dated_that_day_in_the_history(kam):
    assert kam("--as-of", "2026-09-01", "add", "星河零售", "Ann Lee", "--email", "ann@xinghe.example").exit_code == 0
    assert kam("set", "ann@xinghe.example", "--attitude", "support", "--as-of", "2026-10-15").exit_code == 0
    history = json.loads(kam("history", "ann@xinghe.example", "--format", "json").stdout)
    assert [(row["field"], row["at"][:10]) for row in history] == [("*", "2026-09-01"), ("attitude", "2026-10-15")]
