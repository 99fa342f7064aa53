"""`kam map`."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ..i18n import _
from .common import guarded, state


class MapFormat(StrEnum):
    tree = "tree"
    json = "json"
    mermaid = "mermaid"


def register(app: typer.Typer) -> None:
    app.command("map", epilog="Example: kam map ACME   |   kam map ACME --format mermaid > acme.mmd")(map_account)


@guarded
def map_account(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name (case-insensitive).", show_default=False)],
    format: Annotated[MapFormat, typer.Option("--format", "-f", help="tree, json or mermaid.", case_sensitive=False)] = MapFormat.tree,
    focus: Annotated[str | None, typer.Option("--focus", help="Show one person's neighbourhood: manager, peers, reports, referrals, trusted colleagues.")] = None,
) -> None:  # fmt: skip
    """The decision chain as a tree: roles, power, attitude, who is leaving, single points."""
    from ..domain.checks import coverage
    from ..domain.graph import decision_tree, focus_view, single_points, walk
    from ..render.output import mermaid, render_tree, write_json_list
    from ..storage.reading import load_accounts, moved_to_accounts

    st = state(ctx)
    reader = st.reader()
    (view,) = load_accounts(reader, [account])
    moved = moved_to_accounts(reader, view.contacts)
    focused = None
    if focus:
        from ..storage.lookup import resolve_contact

        focused = resolve_contact(reader, focus, view.name).id
    points = single_points(view)
    cov = coverage(view, points)
    shown = focus_view(view, focused) if focused is not None else view
    nodes = decision_tree(shown, points, moved)
    if format is MapFormat.json:
        by_name = {c.id: c.name for c in view.contacts}
        records = []
        for n in walk(nodes):
            c = n.contact
            records.append({
                "id": c.id, "name": c.name, "email": c.email, "title": c.title, "department": c.department,
                "roles": list(c.roles), "decision_power": c.decision_power, "attitude": c.attitude,
                "status": c.status, "change_risk": c.change_risk,
                "change_date": c.change_date.isoformat() if c.change_date else None,
                "change_kind": c.change_kind, "reports_to": by_name.get(c.reports_to_id) if c.reports_to_id else None,
                "successor": by_name.get(c.successor_id) if c.successor_id else None,
                "depth": n.depth, "single_point": c.id in points, "single_point_reasons": points.get(c.id, []),
                "flags": n.flags,
            })  # fmt: skip
        write_json_list(records, sys.stdout)
    elif format is MapFormat.mermaid:
        print(mermaid(view.name, nodes, [(r.from_id, r.to_id, r.kind) for r in shown.relations]), end="")
    else:
        title = (view.name if focused is None else
                 _("{account} — around {name}").format(account=view.name, name=shown.by_id()[focused].name))  # fmt: skip
        render_tree(title, nodes, cov)
