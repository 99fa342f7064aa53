"""`kam map`."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from .common import examples, guarded, one_of, state


class MapFormat(StrEnum):
    tree = "tree"
    json = "json"
    csv = "csv"
    mermaid = "mermaid"


def register(app: typer.Typer) -> None:
    app.command("map", epilog=examples(
        "kam map 华东电力集团",
        "kam map 华东电力集团 --focus 李娜",
        "kam map 华东电力集团 --format csv > map.csv",
        "kam map 华东电力集团 --format mermaid > map.mmd",
    ))(map_account)  # fmt: skip


@guarded
def map_account(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name (case-insensitive).", show_default=False, metavar="ACCOUNT")],
    format: Annotated[MapFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False, metavar=one_of(MapFormat))] = MapFormat.tree,
    focus: Annotated[str | None, typer.Option("--focus", help="Show one person's neighbourhood: manager, peers, reports, referrals, trusted colleagues.", metavar="CONTACT")] = None,
) -> None:  # fmt: skip
    """The decision chain as a tree, with flags and relations.

    Roles, power, attitude, who is leaving, single points, and who trusts or referred whom."""
    from ..services.account_map import MAP_FIELDS, account_map

    shown = account_map(state(ctx).reader(), account, focus)
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

        title = shown.account if shown.focus is None else f"{shown.account} — around {shown.focus}"
        render_tree(title, shown.nodes, shown.coverage)
