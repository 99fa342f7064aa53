"""`kam whatif`: what `kam check` would add if these people left today, and the coverage before →
after (docs/spec.md §10). Writes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..domain.findings import SEVERITY_RANK, Severity
from ..i18n import _
from .checking import write_findings
from .common import AccountOption, Format, FormatOption, examples, fail, guarded, note, one_of, state

if TYPE_CHECKING:
    from ..domain.findings import Finding
    from ..domain.whatif import Impact
    from ..services.whatif import WhatIf


def register(app: typer.Typer) -> None:
    app.command("whatif", epilog=examples(
        "kam whatif 陈志远",
        "kam whatif wangjh@ecpower.example 李娜 --fail-on high",
        "kam whatif --staff 张伟",
        "kam whatif 陈志远 --coverage --format json",
    ))(whatif)  # fmt: skip


@guarded
def whatif(
    ctx: typer.Context,
    contacts: Annotated[list[str] | None, typer.Argument(help="The contacts who would leave today (email, id or name).", show_default=False, metavar="CONTACT...")] = None,
    staff: Annotated[str | None, typer.Option("--staff", help="One of our people who would leave today, instead of contacts.", metavar="NAME")] = None,
    account: AccountOption = None,
    due: Annotated[str | None, typer.Option("--due", help="Look-ahead window, as kam check's: 30d, 2w, 3m or a date. Default 30d (config: due).", metavar="WINDOW")] = None,
    fail_on: Annotated[Severity | None, typer.Option("--fail-on", help="Exit 1 when a new finding is at or above this severity (without it: exit 0).", case_sensitive=False, metavar=one_of(Severity))] = None,
    coverage: Annotated[bool, typer.Option("--coverage", help="Print each affected account's coverage before → after instead of the findings (every format).")] = False,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """What kam check would add if these people left today.

    The new findings, then each affected account's single points and coverage before → after.
    Writes nothing."""
    from ..services.options import check_options

    if bool(contacts) == (staff is not None):
        if contacts:
            raise fail(_("name the contacts who would leave or give --staff NAME for one of our people, not both"))
        raise fail(_("name the contacts who would leave (CONTACT …), or --staff NAME for one of our people"))
    if staff is not None and account is not None:
        raise fail(_("--account narrows the contacts named; --staff takes none"))
    st = state(ctx)
    opts = check_options(st.config(), st.today, due)
    offsets = st.config().deadlines
    if staff is not None:
        from ..services.whatif import whatif_staff

        found = whatif_staff(st.reader(), staff, opts, offsets)
    else:
        from ..services.whatif import whatif_contacts

        found = whatif_contacts(st.reader(), contacts or [], opts, offsets, account)
    _write(found, format, coverage)
    failing = fail_on is not None and any(
        SEVERITY_RANK[f.severity] <= SEVERITY_RANK[fail_on.value] for i in found.impacts for f in i.findings
    )
    raise typer.Exit(1 if failing else 0)


def _write(found: WhatIf, format: Format, coverage: bool) -> None:
    from ..render.output import emit

    findings: list[Finding] = []
    for name in found.left_already:
        note(_("{name} has left already: nothing changes there").format(name=name))
    if coverage:
        from ..services.whatif import COVERAGE_KEYS, coverage_record

        if format is not Format.table:
            emit([coverage_record(i) for i in found.impacts], format.value, [], fields=COVERAGE_KEYS)
            return
    else:
        findings += found.findings()
        if findings or format is not Format.table:
            write_findings(findings, format)
        if format is not Format.table:
            return
        if not findings:
            note(_("no new findings if {names} left today").format(names=", ".join(found.leaving)))
    for n, i in enumerate(found.impacts):
        _block(i, gap=n > 0)


SHOWN_POINTS = 10  # up to this many single points before and after, a block names them all


def _block(i: Impact, *, gap: bool) -> None:
    """One affected account's coverage before → after, and what changes on our side."""
    from ..render.output import heading, say

    def names(values: list[str]) -> str:
        return ", ".join(values) if values else _("none")

    b, a = i.before, i.after
    if gap:
        print()
    heading(i.account)
    for title, was, now in (
        (_("active contacts"), b.active, a.active), (_("departments"), b.departments, a.departments),
        (_("supporters"), b.supporters, a.supporters), (_("decision makers"), b.decision_makers, a.decision_makers),
    ):  # fmt: skip
        say(_("  {field}: {before} → {after}").format(field=title, before=was, after=now))
    if len(b.single_points) + len(a.single_points) <= SHOWN_POINTS:
        say(
            _("  single points: {before} → {after}").format(before=names(b.single_points), after=names(a.single_points))
        )
    else:  # a big account's: how many, and which change
        points_before, points_after = set(b.single_points), set(a.single_points)
        say(_("  single points: {before} → {after}; new: {new}; no longer: {gone}").format(
            before=len(b.single_points), after=len(a.single_points),
            new=names([n for n in a.single_points if n not in points_before]),
            gone=names([n for n in b.single_points if n not in points_after])))  # fmt: skip
    if i.owner[0] != i.owner[1]:
        say(_("  owner: {before} → {after}").format(before=i.owner[0] or _("none"), after=i.owner[1] or _("none")))
    if i.holders[0] != i.holders[1]:
        say(_("  our people who know its key contacts: {before} → {after}").format(
            before=names(i.holders[0]), after=names(i.holders[1])))  # fmt: skip
    if i.team[0] != i.team[1]:
        say(_("  team: {before} → {after}").format(before=names(i.team[0]), after=names(i.team[1])))
