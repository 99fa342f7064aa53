"""`kam check`: the cron job."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from .common import Format, FormatOption, err, guarded, state


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


def register(app: typer.Typer) -> None:
    app.command(
        "check",
        epilog="Example (crontab): 0 7 * * 1-5  kam check --due 30d --quiet",
    )(check)


@guarded
def check(
    ctx: typer.Context,
    account: Annotated[list[str] | None, typer.Option("--account", "-a", help="Check only this account (repeatable).")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Look-ahead window: 30d, 2w, 3m or a date. Default 30d (config: due).")] = None,
    fail_on: Annotated[Severity, typer.Option("--fail-on", help="Exit 1 when a finding is at or above this severity.", case_sensitive=False)] = Severity.low,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing unless a finding is at or above --fail-on (for cron mail).")] = False,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """Single points, departing key people without successor, overdue handovers. Exit 1 when something is found."""
    from ..bulk import pause_cyclic_gc
    from ..checks import FINDING_KEYS, check_accounts, fails
    from ..csvio import write_csv
    from ..reading import iter_account_facts
    from ..render import emit, write_json_rows
    from .contacts import _check_options

    st = state(ctx)
    opts = _check_options(st, due)
    checked = 0

    def counted(views):  # type: ignore[no-untyped-def]
        nonlocal checked
        for v in views:
            checked += 1
            yield v

    with pause_cyclic_gc():
        findings = check_accounts(counted(iter_account_facts(st.reader(), account, due=opts.horizon)), opts)
    columns = [("code", "Code"), ("severity", "Severity"), ("account", "Account"), ("contact", "Contact"),
               ("date", "Date"), ("message", "Message")]  # fmt: skip
    if not findings:
        if not quiet:
            if format is Format.table:
                err(f"no findings: {checked} account{'s' if checked != 1 else ''} checked up to {opts.horizon.isoformat()}")
            else:
                emit([], format.value, columns)
        raise typer.Exit(0)
    failing = fails(findings, fail_on.value)
    if quiet and not failing:
        raise typer.Exit(0)  # cron mails only what --fail-on asks for
    if format is Format.json:  # what emit writes, without a dict per finding
        write_json_rows(FINDING_KEYS, findings, sys.stdout)  # a finding is a tuple in key order
    elif format is Format.csv:
        write_csv((f.as_row() for f in findings), FINDING_KEYS)
    else:
        style = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}
        emit([f.as_record() for f in findings], format.value, [columns[1], columns[0], *columns[2:]],
             style=lambda r: style[r["severity"]])  # fmt: skip
    raise typer.Exit(1 if failing else 0)
