"""Graph views of one account: the decision chain, single points, coverage, distances in the network."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..i18n import NP_, pgettext
from .views import AccountView, ContactView, RelationView
from .vocab import ATTITUDE_SCORE, POWER_RANK


def adjacency(account: AccountView) -> dict[int, set[int]]:
    """The undirected graph of reports-to lines and relations between active contacts."""
    active = {c.id for c in account.active_contacts}
    graph: dict[int, set[int]] = {cid: set() for cid in active}
    edges = [(c.id, c.reports_to_id) for c in account.active_contacts]
    edges += [(r.from_id, r.to_id) for r in account.relations]
    for a, b in edges:
        if a in active and b in active and a != b:
            graph[a].add(b)
            graph[b].add(a)
    return graph


def distances(graph: dict[int, set[int]], start: int) -> dict[int, int]:
    """Steps from `start` to every node it reaches (itself: 0), by breadth-first search; {} when
    `start` is not in the graph. An account's network is small: no need for networkx here."""
    if start not in graph:
        return {}
    seen = {start: 0}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for near in graph[node]:
                if near not in seen:
                    seen[near] = seen[node] + 1
                    following.append(near)
        frontier = following
    return seen


def articulation_points(graph: dict[int, set[int]]) -> set[int]:
    """Cut vertices: nodes whose removal disconnects their part of the graph (Hopcroft–Tarjan,
    with an explicit stack so a chain of thousands does not hit the recursion limit). The map
    needs only this, and computing it here spares `kam map` the import of networkx."""
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    cut: set[int] = set()
    for root in graph:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        root_children = 0
        stack = [(root, iter(graph[root]))]
        while stack:
            parent, neighbours = stack[-1]
            for node in neighbours:
                if node not in order:
                    order[node] = low[node] = len(order)
                    stack.append((node, iter(graph[node])))
                    if parent == root:
                        root_children += 1
                    break
                low[parent] = min(low[parent], order[node])
            else:
                stack.pop()
                if stack:
                    grand = stack[-1][0]
                    low[grand] = min(low[grand], low[parent])
                    if grand != root and low[parent] >= order[grand]:
                        cut.add(grand)
        if root_children > 1:
            cut.add(root)
    return cut


def single_points(account: AccountView) -> dict[int, list[str]]:
    """Contacts whose loss would cut the account's network, with the reasons (docs/spec.md §4)."""
    reasons: dict[int, list[str]] = {}
    for cid in sorted(articulation_points(adjacency(account))):
        reasons.setdefault(cid, []).append("holds the network together")
    active = account.active_contacts
    supporters = [c for c in active if c.supporter]
    if len(supporters) == 1:
        reasons.setdefault(supporters[0].id, []).append("only supporter")
    finals = [c for c in active if c.decision_power == "final"]
    if len(finals) == 1:
        reasons.setdefault(finals[0].id, []).append("only contact with final say")
    return reasons


@dataclass
class Coverage:
    active: int
    departments: int
    supporters: int
    decision_makers: int
    single_points: list[str] = field(default_factory=list)


# How a relation reads on the side of each of its two people (`kam relate A B --kind K` records
# A → B): "out" on A's side, "in" on B's; a peer relation reads the same both ways.
RELATION_TEXT = {
    ("referred", "out"): NP_("relation", "referred → {name}"),
    ("referred", "in"): NP_("relation", "← referred by {name}"),
    ("trusts", "out"): NP_("relation", "trusts → {name}"),
    ("trusts", "in"): NP_("relation", "← trusted by {name}"),
    ("peer", "out"): NP_("relation", "peer ↔ {name}"),
    ("peer", "in"): NP_("relation", "peer ↔ {name}"),
}


@dataclass(frozen=True, slots=True)
class Link:
    """One relation as one of its two people sees it: its kind, "out" (they are its `from`) or
    "in" (its `to`), and the other person."""

    kind: str
    direction: str
    other_id: int
    other: str

    def text(self) -> str:
        """`trusts → 马晓东`, `← referred by 王强`: the link as the map and its CSV write it."""
        template = RELATION_TEXT.get((self.kind, self.direction))
        if template is None:  # a kind the table does not know: as stored
            return f"{self.kind} {'→' if self.direction == 'out' else '←'} {self.other}"
        return pgettext("relation", template).format(name=self.other)

    def record(self) -> dict[str, object]:
        """The link as `kam map --format json` writes it."""
        return {"kind": self.kind, "direction": self.direction, "other": self.other, "other_id": self.other_id}


@dataclass
class MapNode:
    contact: ContactView
    depth: int
    flags: list[str]
    children: list[MapNode] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def links(relations: list[RelationView], names: dict[int, str]) -> dict[int, list[Link]]:
    """Each person's relations among `names` (id → name): the ones they record first ("out"),
    then the ones that name them ("in"), each in the order they were recorded."""
    out: dict[int, list[Link]] = {}
    into: dict[int, list[Link]] = {}
    for r in relations:
        if r.from_id in names and r.to_id in names:
            out.setdefault(r.from_id, []).append(Link(r.kind, "out", r.to_id, names[r.to_id]))
            into.setdefault(r.to_id, []).append(Link(r.kind, "in", r.from_id, names[r.from_id]))
    return {cid: out.get(cid, []) + into.get(cid, []) for cid in out.keys() | into.keys()}


def _rank(c: ContactView) -> tuple[int, int, int, str]:
    return (
        0 if c.active else 1,
        -POWER_RANK.get(c.decision_power or "", 0),
        -ATTITUDE_SCORE.get(c.attitude or "", 0),
        c.name,
    )


def flags(c: ContactView, account: AccountView, points: dict[int, list[str]], names: dict[int, str],
          moved: dict[int, str] | None = None) -> list[str]:  # fmt: skip
    """The flags the map shows next to a person (docs/spec.md §4); `moved` maps moved_to ids to accounts."""
    out: list[str] = []
    if c.status == "left":
        out.append(f"left {c.change_date.isoformat()}" if c.change_date else "left")
    elif c.leaving:
        out.append(f"leaving {c.change_date.isoformat()}" if c.change_date else "leaving")
    elif c.change_date:
        out.append(f"may change {c.change_date.isoformat()} (risk {c.change_risk or 'unknown'})")
    elif c.change_risk == "high":
        out.append("change risk high")
    if moved and c.moved_to_id in moved:
        out.append(f"moved to {moved[c.moved_to_id]}")  # type: ignore[index]
    if c.successor_id is not None and c.successor_id in names:
        out.append(f"successor → {names[c.successor_id]}")
    elif c.status == "left" or c.leaving:
        out.append("no successor")
    if "only supporter" in points.get(c.id, []):
        out.append("sole supporter")
    if c.id in points:
        out.append("single point")
    return out


def decision_tree(account: AccountView, points: dict[int, list[str]] | None = None,
                  moved: dict[int, str] | None = None) -> list[MapNode]:  # fmt: skip
    """The reports-to hierarchy; roots are contacts without a manager in the account."""
    if points is None:
        points = single_points(account)
    by_id = account.by_id()
    names = {c.id: c.name for c in account.contacts}
    children: dict[int | None, list[ContactView]] = {}
    for c in account.contacts:
        parent = c.reports_to_id if c.reports_to_id in by_id else None
        children.setdefault(parent, []).append(c)

    linked = links(account.relations, names)
    roots = [MapNode(c, 0, flags(c, account, points, names, moved), links=linked.get(c.id, []))
             for c in sorted(children.get(None, []), key=_rank)]  # fmt: skip
    # a work list, not recursion: a reports-to chain may be thousands deep
    queue, seen = list(roots), {n.contact.id for n in roots}
    while queue:
        node = queue.pop()
        for child in sorted(children.get(node.contact.id, []), key=_rank):
            if child.id not in seen:
                seen.add(child.id)
                kid = MapNode(child, node.depth + 1, flags(child, account, points, names, moved),
                              links=linked.get(child.id, []))  # fmt: skip
                node.children.append(kid)
                queue.append(kid)
    return roots


def walk(nodes: list[MapNode]) -> Iterator[MapNode]:
    """Every node, depth first in display order."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def focus_view(account: AccountView, contact_id: int) -> AccountView:
    """One person's neighbourhood: manager, peers (same manager), reports, and relations either way."""
    by_id = account.by_id()
    me = by_id[contact_id]
    keep = {contact_id}
    if me.reports_to_id in by_id:
        keep.add(me.reports_to_id)  # type: ignore[arg-type]
    for c in account.contacts:
        if c.reports_to_id == contact_id or (me.reports_to_id is not None and c.reports_to_id == me.reports_to_id):
            keep.add(c.id)
    for r in account.relations:
        if contact_id in (r.from_id, r.to_id):
            keep.update((r.from_id, r.to_id))
    return AccountView(
        id=account.id, name=account.name, industry=account.industry, tier=account.tier, owner=account.owner,
        annual_revenue=account.annual_revenue, notes=account.notes,
        contacts=[c for c in account.contacts if c.id in keep],
        relations=[r for r in account.relations if r.from_id in keep and r.to_id in keep],
    )  # fmt: skip
