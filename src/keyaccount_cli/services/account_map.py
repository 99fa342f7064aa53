"""`kam map`: one account's decision chain, its single points and relations, for the command line
to draw (tree, Mermaid) or write (JSON, CSV)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.checks import coverage
from ..domain.graph import Coverage, MapNode, decision_tree, focus_view, single_points, walk
from ..domain.views import ContactView
from ..errors import KamError
from ..storage.lookup import resolve_contact
from ..storage.reader import Reader
from ..storage.reading import load_accounts, moved_to_accounts
from .timeline import past_view

# the keys of each person in `kam map --format json`, and the header of `--format csv`
MAP_FIELDS = (
    "id", "name", "email", "title", "department", "roles", "decision_power", "attitude", "status", "change_risk",
    "change_date", "change_kind", "reports_to", "successor", "depth", "single_point", "single_point_reasons",
    "flags", "relations", "our_contacts",
)  # fmt: skip


@dataclass
class AccountMap:
    """The map of one account (around one person, with `focus`): the tree's roots, the coverage of
    the whole account, and the relations between the people shown as (from, to, kind)."""

    account: str
    focus: str | None
    nodes: list[MapNode]
    coverage: Coverage
    relations: list[tuple[int, int, str]]
    points: dict[int, list[str]]
    names: dict[int, str]
    begins: date | None = None  # with `--on` a day before it: the day the account's recorded history begins

    def records(self) -> list[dict[str, Any]]:
        """One record per person, depth first in the tree's order (the keys of MAP_FIELDS); each
        relation an object with its `kind`, `direction` (`out`: this person is its first
        contact, `in`: the other one), `other` and `other_id`."""
        return [self._record(n, [link.record() for link in n.links]) for n in walk(self.nodes)]

    def rows(self) -> list[dict[str, Any]]:
        """The records with each relation as the tree writes it (`trusts → 马晓东`), for a CSV."""
        return [self._record(n, [link.text() for link in n.links]) for n in walk(self.nodes)]

    def _record(self, node: MapNode, relations: list[Any]) -> dict[str, Any]:
        c: ContactView = node.contact
        return {
            "id": c.id, "name": c.name, "email": c.email, "title": c.title, "department": c.department,
            "roles": list(c.roles), "decision_power": c.decision_power, "attitude": c.attitude,
            "status": c.status, "change_risk": c.change_risk,
            "change_date": c.change_date.isoformat() if c.change_date else None,
            "change_kind": c.change_kind, "reports_to": self.names.get(c.reports_to_id) if c.reports_to_id else None,
            "successor": self.names.get(c.successor_id) if c.successor_id else None,
            "depth": node.depth, "single_point": c.id in self.points,
            "single_point_reasons": self.points.get(c.id, []), "flags": node.flags, "relations": relations,
            "our_contacts": list(c.our_contacts),
        }  # fmt: skip


def account_map(reader: Reader, account: str, focus: str | None = None, on: date | None = None) -> AccountMap:
    """The map of the account named `account`, or of the neighbourhood of the contact `focus`
    there (manager, peers, reports, and the people they are related to either way); with `on`,
    as it stood at the end of that day (docs/spec.md §10), rebuilt from the history."""
    (view,) = load_accounts(reader, [account])
    begins = None
    if on is not None:
        view, begins = past_view(reader, view, on)
    moved = moved_to_accounts(reader, view.contacts)
    focused = resolve_contact(reader, focus, view.name).id if focus else None
    if focused is not None and focused not in view.by_id():
        raise KamError(f"--focus: {focus} is not on the map of {view.name} on {on}")
    points = single_points(view)
    shown = focus_view(view, focused) if focused is not None else view
    return AccountMap(
        account=view.name,
        focus=shown.by_id()[focused].name if focused is not None else None,
        nodes=decision_tree(shown, points, moved),
        coverage=coverage(view, points),
        relations=[(r.from_id, r.to_id, r.kind) for r in shown.relations],
        points=points,
        names={c.id: c.name for c in view.contacts},
        begins=begins,
    )
