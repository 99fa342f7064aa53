"""`kam --help` and every `kam COMMAND --help` as a user reads them at 80 columns: whole lines,
real metavars, one-line descriptions that are not cut, and examples that run against the
bundled example (examples/contacts.csv)."""

from __future__ import annotations

import re
import shlex
import shutil
import unicodedata

import pytest

from keyaccount_cli.cli import app

from .conftest import BACKEND, EXAMPLE

COMMANDS = [c.name or "" for c in app.registered_commands]
SHELL = {">", ">>", "|", "&&", "||", ";", "<"}


def columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@pytest.fixture
def at_80(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


def helps(kam) -> dict[str, str]:
    pages = {"": kam("--help").stdout}
    for name in COMMANDS:
        result = kam(name, "--help")
        assert result.exit_code == 0, (name, result.stderr)
        pages[name] = result.stdout
    return pages


def test_help_at_80_columns_has_whole_lines_and_names_for_its_values(kam, at_80):
    for name, page in helps(kam).items():
        assert [line for line in page.splitlines() if columns(line) > 80] == [], name
        assert "{" not in page and "<str>" not in page, name  # Typer's `{contact}`, `--kind <str>`
        usage = page.splitlines()[0]
        assert usage.startswith(f"Usage: kam {name}".rstrip()), usage
    assert "Usage: kam relate [OPTIONS] CONTACT OTHER" in helps(kam)["relate"]
    leave = helps(kam)["leave"]
    assert "--kind resignation|transfer|promotion" in leave and "-a, --account ACCOUNT" in leave


def test_kam_help_gives_each_command_its_whole_first_sentence(kam, at_80):
    page = kam("--help").stdout
    listed = dict(
        line.strip().split(None, 1) for line in page[page.index("Commands:") :].splitlines()[1:] if line.strip()
    )
    assert set(listed) == set(COMMANDS)
    for info in app.registered_commands:
        first = " ".join((info.callback.__doc__ or "").split("\n\n")[0].split())
        assert listed[info.name] == first, info.name  # not cut with "..."
        assert not listed[info.name].endswith("...")


def test_no_example_breaks_inside_an_option(kam, at_80):
    for name, page in helps(kam).items():
        for example in examples(page):
            assert not re.search(r"-$", example), (name, example)  # `--change-` / `date`
    assert "    kam set 赵强 --change-date 2027-06-30 --change-kind transfer\n" in helps(kam)["set"]


def examples(page: str) -> list[str]:
    """The example lines of a help page: the lines under its `Examples:`."""
    block = page[page.index("Examples:") :].split("\n\n")[0]
    return [line.strip() for line in block.splitlines()[1:] if line.strip()]


def example_args(line: str, home: str) -> list[str]:
    """The arguments of kam in an example line (a crontab line's command too), as the shell would
    pass them: up to a redirection or pipe, comments dropped, `~` a home, `$(…)` one word."""
    line = line[line.index("kam ") :].replace("~", home)
    line = re.sub(r"\$\([^)]*\)", "Mon", line)
    words = shlex.split(line, comments=True)[1:]
    for i, word in enumerate(words):
        if word in SHELL:
            return words[:i]
    return words


def test_every_example_runs_against_the_bundled_example(kam, at_80, new_db, monkeypatch, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(EXAMPLE.parent, work)
    (tmp_path / "home" / "backups").mkdir(parents=True)
    monkeypatch.chdir(work)
    ran = 0
    for name, page in helps(kam).items():
        if name == "backup" and BACKEND == "postgresql":
            continue  # it copies SQLite files; a server database is refused, naming its own tools
        monkeypatch.setenv("KAM_DB", new_db(f"{name or 'kam'}.db").location)
        assert kam("import", "contacts.csv").exit_code == 0
        assert kam("import", "accounts.csv", "--kind", "accounts").exit_code == 0  # the owners (kam reassign)
        if not (work / "backup").exists():
            assert kam("export", "all", "-o", "backup").exit_code == 0  # the folder `kam import backup/` reads
        if not (work / "contacts.xlsx").exists():
            assert kam("export", "contacts", "-o", "contacts.xlsx").exit_code == 0  # the workbook kam import reads
        for line in examples(page):
            args = example_args(line, str(tmp_path / "home"))
            assert args and (not name or args[0] == name), (name, line)
            result = kam(*args, input="y\n")
            assert result.exit_code != 2, (line, result.stderr)
            ran += 1
    assert ran >= 2 * len(COMMANDS) - 2
