"""`kam map`."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import KamError
from ..i18n import N_, _
from .common import checked_output, examples, guarded, one_of, parse_day, state, write_picture

if TYPE_CHECKING:
    from ..domain.graph import Coverage


class MapFormat(StrEnum):
    tree = "tree"
    json = "json"
    csv = "csv"
    mermaid = "mermaid"
    html = "html"
    svg = "svg"


def register(app: typer.Typer) -> None:
    app.command("map", epilog=examples(
        "kam map 华东电力集团",
        "kam map 华东电力集团 --focus 李娜",
        "kam map 华东电力集团 --format csv > map.csv",
        "kam map 华东电力集团 --format mermaid > map.mmd",
        "kam map 华东电力集团 --format html -o map.html",
        "kam map 华东电力集团 --on 2026-10-01",
    ))(map_account)  # fmt: skip
    app.command("changes", epilog=examples(
        "kam changes 华东电力集团 --since 2026-10-01",
        "kam changes 华东电力集团 --since 2026-10-01 --format json",
    ))(map_changes)  # fmt: skip


class ChangesFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _begins_note(account: str, on: object, begins: object) -> None:
    """The note that a day is before the account's recorded history begins (docs/spec.md §10)."""
    from ..messages import note

    note(_("note: the recorded history of {account} begins on {begins}, after {on}").format(
        account=account, begins=begins, on=on))  # fmt: skip


@guarded
def map_account(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name (case-insensitive).", show_default=False, metavar="ACCOUNT")],
    format: Annotated[MapFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False, metavar=one_of(MapFormat))] = MapFormat.tree,
    focus: Annotated[str | None, typer.Option("--focus", help="Show one person's neighbourhood: manager, peers, reports, referrals, trusted colleagues.", metavar="CONTACT")] = None,
    on: Annotated[str | None, typer.Option("--on", help="The map as it stood at the end of this day (YYYY-MM-DD), rebuilt from the history.", metavar="DATE")] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the picture (html, svg) to this file instead of stdout.", metavar="FILE")] = None,
) -> None:  # fmt: skip
    """The decision chain as a tree, with flags and relations.

    Roles, power, attitude, who is leaving, single points, and who trusts or referred whom;
    `--format html` or `svg` draws it as a picture in one self-contained file."""
    from ..services.account_map import MAP_FIELDS, account_map

    day = parse_day(on, "--on")
    if output is not None and format not in (MapFormat.html, MapFormat.svg):
        raise KamError(f"-o writes a picture: use it with --format html or svg, not {format.value}")
    st = state(ctx)
    target = checked_output(st, output)
    shown = account_map(st.reader(), account, focus, on=day)
    if shown.begins is not None:
        _begins_note(shown.account, day, shown.begins)
    title = (shown.account if shown.focus is None else
             _("{account} — around {name}").format(account=shown.account, name=shown.focus))  # fmt: skip
    if format in (MapFormat.html, MapFormat.svg):
        from ..render.picture import map_html, map_svg

        draw = map_html if format is MapFormat.html else map_svg
        write_picture(draw(title, shown.nodes, shown.relations, picture_coverage(shown.coverage)), target)
        return
    if format is MapFormat.json:
        from ..render.output import write_json_list

        write_json_list(shown.records(), sys.stdout)
    elif format is MapFormat.csv:
        from ..render.output import emit

        emit(shown.rows(), "csv", [], fields=MAP_FIELDS)
    elif format is MapFormat.mermaid:
        from ..render.output import mermaid

        print(mermaid(shown.account, shown.nodes, shown.relations), end="")
    else:
        from ..render.output import render_tree

        render_tree(title, shown.nodes, shown.coverage)


def picture_coverage(cov: Coverage) -> str:
    """The coverage line with the single points named, as under the tree."""
    from ..render.output import coverage_line

    return coverage_line(cov) + (f" ({', '.join(cov.single_points)})" if cov.single_points else "")


# `kam changes`: the table's columns, and how a field is named there
CHANGE_COLUMNS = [("contact", N_("Contact")), ("field", N_("Field")), ("before", N_("Before")),
                  ("after", N_("Now")), ("direction", N_("Direction"))]  # fmt: skip
FIELD_TEXT = {"contact": N_("person"), "attitude": N_("attitude"), "decision_power": N_("power"),
              "roles": N_("roles"), "reports_to": N_("reports to"), "status": N_("status"),
              "successor": N_("successor")}  # fmt: skip
VALUE_TEXT = {"added": N_("added"), "gone": N_("gone")}
DIRECTION_TEXT = {"better": N_("↑ better"), "worse": N_("↓ worse")}
_VOCABULARY = {"attitude": "attitude", "decision_power": "decision_power", "roles": "roles", "status": "status"}


def _shown(field: str, value: object) -> object:
    from ..domain.labels import shown

    if value is None:
        return None
    if field == "contact":
        return _(VALUE_TEXT[str(value)])
    vocabulary = _VOCABULARY.get(field)
    value = shown(vocabulary, value) if vocabulary else value
    return ", ".join(value) if isinstance(value, list) else value


@guarded
def map_changes(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name (case-insensitive).", show_default=False, metavar="ACCOUNT")],
    since: Annotated[str, typer.Option("--since", help="Compare the map at the end of this day (YYYY-MM-DD) with the map now.", metavar="DATE")],
    format: Annotated[ChangesFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False, metavar=one_of(ChangesFormat))] = ChangesFormat.table,
) -> None:  # fmt: skip
    """What changed on an account's map since a day.

    One row per person and field, with the value then and now (values in between are skipped):
    people added and gone, attitude, power, roles, reports-to, status, successor."""
    from ..domain.timeline import CHANGE_KEYS
    from ..render.output import emit
    from ..services.timeline import map_changes as changes

    day = parse_day(since, "--since")
    assert day is not None
    found = changes(state(ctx).reader(), account, day)
    if found.begins is not None:
        _begins_note(found.account, day, found.begins)
    if format is not ChangesFormat.table:
        emit(found.records, format.value, [], fields=CHANGE_KEYS)
        return
    rows = [{"contact": r["contact"], "field": _(FIELD_TEXT[r["field"]]), "before": _shown(r["field"], r["before"]),
             "after": _shown(r["field"], r["after"]),
             "direction": _(DIRECTION_TEXT[r["direction"]]) if r["direction"] else None} for r in found.records]  # fmt: skip
    title = _("{account}: changes since {day}").format(account=found.account, day=day.isoformat())
    emit(rows, "table", CHANGE_COLUMNS, title=title, empty=N_("no changes"))
