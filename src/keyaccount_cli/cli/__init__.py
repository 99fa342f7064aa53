"""The `kam` command line: one small module per command group, joined here."""

from __future__ import annotations

import copy
import os
import sys
from typing import Annotated

import typer

from .. import __version__, i18n, messages
from ..errors import KamError
from . import (
    accounts,
    admin,
    checking,
    contacts,
    exporting,
    importing,
    mapping,
    our_side,
    reports,
    showing,
    succession,
    whatif,
)
from .common import KamCommand, State, examples, fail

app = typer.Typer(
    name="kam",
    help=(
        "Key-account relationship maps: who decides, who supports us, who is leaving — "
        "and a warning before a relationship walks out with one person.\n\n"
        + examples("kam import contacts.csv", "kam check --due 30d", "kam map 华东电力集团")
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"kam {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="Database file (or SQLAlchemy URL). Default: $KAM_DB, else kam.db in the app directory.", metavar="PATH")] = None,
    config: Annotated[str | None, typer.Option("--config", help="YAML config. Default: $KAM_CONFIG, else kam.yaml beside the database.", metavar="PATH")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Take this date (YYYY-MM-DD) as today for every date computation.", metavar="DATE")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of tables, labels and messages: zh or en. Default: $KAM_LANG, else the locale.", metavar="zh|en")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but data and errors: import, health --record and backup are silent on success.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", callback=_version, is_eager=True)] = False,
) -> None:  # fmt: skip
    messages.be_quiet(quiet)
    try:
        i18n.use(i18n.language_from(lang))
    except KamError as exc:
        raise fail(str(exc)) from None
    day = None
    if as_of is not None:
        from ..domain.vocab import VocabError, parse_date  # as every command's core: not on the `kam --help` path

        try:
            day = parse_date(as_of)
        except VocabError as exc:
            raise fail(f"--as-of: {exc}") from None
    ctx.obj = State(db_option=db, config_option=config, as_of=day)
    ctx.call_on_close(ctx.obj.close)
    ctx.call_on_close(lambda: i18n.use("en"))  # the language is this run's (several runs share a process in tests)
    ctx.call_on_close(lambda: messages.be_quiet(False))  # and so is -q


for module in (
    importing,
    contacts,
    accounts,
    our_side,
    succession,
    mapping,
    showing,
    checking,
    whatif,
    reports,
    exporting,
    admin,
):
    module.register(app)
for _info in app.registered_commands:  # every command's usage line names its arguments as their help does
    _info.cls = KamCommand

GLOBAL_WITH_VALUE = ("--db", "--config", "--as-of", "--lang")
GLOBAL_FLAGS = ("-q", "--quiet")


def hoist_global_options(argv: list[str]) -> list[str]:
    """Let global options stand anywhere: `kam check --as-of 2026-12-01` works like `kam --as-of … check`."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.split("=", 1)[0]
        if arg in GLOBAL_FLAGS and rest:
            front.append(arg)
        elif name in GLOBAL_WITH_VALUE and rest:
            if "=" in arg:
                front.append(arg)
            elif i + 1 < len(argv):
                front.extend(argv[i : i + 2])
                i += 1
            else:
                rest.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def invoked_command(argv: list[str]) -> str | None:
    """The command that `argv` (global options hoisted) runs, when it names one; None for
    `kam`, `kam --help`, `kam --version` or a word that is no command."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in GLOBAL_WITH_VALUE:
            i += 2
        elif arg.split("=", 1)[0] in GLOBAL_WITH_VALUE or arg in GLOBAL_FLAGS:
            i += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg if arg in _commands() else None
    return None


def _commands() -> dict[str, typer.models.CommandInfo]:
    return {info.name or "": info for info in app.registered_commands}


def command_app(name: str) -> typer.Typer:
    """The `kam` app with only the command `name`: the same options, help and messages for that
    command. Typer builds the click parser of every registered command on each start, about a
    tenth of a per-account command's time, where one command is all a run needs."""
    one = copy.copy(app)  # every setting of the app (help, markup, context), one command
    one.registered_commands = [_commands()[name]]
    return one


def main() -> None:
    """`kam`: the parser of the one command asked for (KAM_ALL_COMMANDS=1 builds every one, as
    `kam --help`, a mistyped command and the test runner do)."""
    argv = hoist_global_options(sys.argv[1:])
    name = None if os.environ.get("KAM_ALL_COMMANDS") == "1" else invoked_command(argv)
    (app if name is None else command_app(name))(args=argv, prog_name="kam")
