"""`kam check`: the cron job."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from .. import i18n, messages
from ..domain.findings import Severity
from ..domain.labels import label
from ..i18n import N_, ngettext
from .common import Format, FormatOption, State, examples, fail, guarded, note, one_of, state

if TYPE_CHECKING:
    from ..domain.checks import CheckOptions
    from ..domain.findings import Finding


def register(app: typer.Typer) -> None:
    app.command(
        "check",
        epilog=examples(
            "kam check --due 30d",
            "kam check --account 华东电力集团 --fail-on high",
            "crontab: 0 7 * * 1-5  kam check --due 30d --quiet",
        ),
    )(check)


@guarded
def check(
    ctx: typer.Context,
    account: Annotated[list[str] | None, typer.Option("--account", "-a", help="Check only this account (repeatable).", metavar="ACCOUNT")] = None,
    owner: Annotated[list[str] | None, typer.Option("--owner", help="Check only the accounts this person of ours owns (repeatable).", metavar="NAME")] = None,
    code: Annotated[list[str] | None, typer.Option("--code", help="Show only findings of this code (repeatable).", metavar="CODE")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Look-ahead window: 30d, 2w, 3m or a date. Default 30d (config: due).", metavar="WINDOW")] = None,
    fail_on: Annotated[Severity, typer.Option("--fail-on", help="Exit 1 when a finding is at or above this severity.", case_sensitive=False, metavar=one_of(Severity))] = Severity.low,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing unless a finding is at or above --fail-on (for cron mail).")] = False,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """Find the risks: single points, leavers, late handovers.

    Single points, departing key people without successor, overdue handovers (a departing
    contact's, and an owner's after kam reassign: OWNER_HANDOVER_DUE, OWNER_HANDOVER_OVERDUE).
    Exit 1 when something is found."""
    from ..services.options import check_options
    from ..storage.bulkload import pause_cyclic_gc
    from ..storage.reading import read_tricks

    st = state(ctx)
    quiet = quiet or messages.quiet()  # `kam -q check` is `kam check --quiet`
    opts = check_options(st.config(), st.today, due)
    # the findings of a big book are hundreds of thousands of tuples and strings, none in a cycle: no
    # cycle collection while they are made, and none after while they are still there to walk through
    # (the read trick: KAM_READ_TRICKS=off leaves the collector on)
    codes = _codes(code)
    if owner:
        from ..services.our_side import checked_accounts

        account = checked_accounts(st.reader(), account, owner)
    with pause_cyclic_gc(read_tricks()):
        status = _report(st, opts, account, fail_on, quiet, format, codes)
    raise typer.Exit(status)


def _codes(given: list[str] | None) -> frozenset[str] | None:
    """The codes of `--code`, in capitals; an unknown one is an error naming it and the codes."""
    if not given:
        return None
    from ..domain.findings import CODES, unknown_codes

    unknown = unknown_codes(given)
    if unknown:
        raise fail(f"--code: unknown code {unknown[0]!r}; the codes: {', '.join(CODES)}")
    return frozenset(c.strip().upper() for c in given)


def _report(
    st: State, opts: CheckOptions, account: list[str] | None, fail_on: Severity, quiet: bool, format: Format,
    codes: frozenset[str] | None = None,
) -> int:  # fmt: skip
    """Write what `kam check` finds; the exit code."""
    from ..domain.checks import check_book, kept
    from ..domain.findings import SEVERITIES
    from ..render.output import emit
    from ..storage.reading import read_account_book

    book = read_account_book(
        st.reader(), account, due=opts.horizon, today=opts.today, lookback=opts.red_flags.lookback, early=opts.early
    )
    # JSON: each finding's line as it is found, while the counts are read
    found = check_book(book, opts, json=format is Format.json)
    if codes is not None:
        found = kept(found, codes)
    if not any(found.values()):
        if not quiet:
            if format is Format.table:
                n = len(book.accounts)
                checked = ngettext(
                    "no findings: {n} account checked up to {day}", "no findings: {n} accounts checked up to {day}", n
                )
                note(checked.format(n=n, day=opts.horizon.isoformat()))
            else:
                emit([], format.value, COLUMNS)
        return 0
    failing = any(found[s] for s in SEVERITIES[: SEVERITIES.index(fail_on.value) + 1])
    if quiet and not failing:
        return 0  # cron mails only what --fail-on asks for
    if format is Format.json:  # what emit writes, one object per line
        start = "[\n"
        for severity in SEVERITIES:
            lines = found[severity]
            for i in range(0, len(lines), 20_000):
                sys.stdout.write(start + ",\n".join(lines[i : i + 20_000]))
                start = ",\n"
        sys.stdout.write("\n]\n")
    else:
        write_findings([f for severity in SEVERITIES for f in found[severity]], format)
    return 1 if failing else 0


COLUMNS = [("code", N_("Code")), ("severity", N_("Severity")), ("account", N_("Account")),
           ("contact", N_("Contact")), ("date", N_("Date")), ("message", N_("Message"))]  # fmt: skip


def write_findings(findings: list[Finding], format: Format) -> None:
    """Findings as `kam check` writes them: JSON objects with its keys, its CSV columns, or its
    table (the severity first, coloured)."""
    from ..domain.findings import FINDING_KEYS
    from ..importing.csvfile import write_csv
    from ..render.output import emit

    if format is Format.json:
        emit([f.as_record() for f in findings], "json", COLUMNS)
    elif format is Format.csv:
        write_csv((f.as_row() for f in findings), FINDING_KEYS)
    else:
        style = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}
        if i18n.current() == "en":
            records = [f.as_record() for f in findings]
            style_of = lambda r: style[r["severity"]]  # noqa: E731
        else:  # the severity's label; its style from the finding
            styles = {label("severity", s): v for s, v in style.items()}
            records = [dict(f.as_record(), severity=label("severity", f.severity)) for f in findings]
            style_of = lambda r: styles[r["severity"]]  # noqa: E731
        emit(records, format.value, [COLUMNS[1], COLUMNS[0], *COLUMNS[2:]], style=style_of)
