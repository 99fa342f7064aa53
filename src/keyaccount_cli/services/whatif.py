"""`kam whatif` (docs/spec.md §10): what `kam check` would add, and the coverage before → after, if
these contacts, or one of our people, left today. Reads only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain.checks import CheckOptions, finding_order
from ..domain.findings import Finding
from ..domain.keys import name_key
from ..domain.order import sort_key
from ..domain.our_side import people
from ..domain.whatif import Impact, Leavers, impact
from ..storage.lookup import resolve_contact
from ..storage.our_people import known_by, team_rows
from ..storage.reader import Reader
from ..storage.reading import load_accounts, plan_marks
from .our_side import our_people

# the keys of each affected account in `kam whatif --coverage` (JSON and CSV)
COVERAGE_KEYS = (
    "account", "active_before", "active_after", "departments_before", "departments_after", "supporters_before",
    "supporters_after", "decision_makers_before", "decision_makers_after", "single_points_before",
    "single_points_after", "owner_before", "owner_after", "our_people_before", "our_people_after",
    "team_before", "team_after",
)  # fmt: skip


@dataclass
class WhatIf:
    """Who would leave (as named in the database), those of them who left already, and each
    affected account's `Impact`, by account name."""

    leaving: list[str]
    left_already: list[str] = field(default_factory=list)
    impacts: list[Impact] = field(default_factory=list)

    def findings(self) -> list[Finding]:
        """The new findings of every affected account, in `kam check`'s order."""
        return sorted((f for i in self.impacts for f in i.findings), key=finding_order)


def whatif_contacts(
    reader: Reader, refs: Sequence[str], opts: CheckOptions, offsets: Mapping[str, int], account: str | None = None
) -> WhatIf:
    """If the contacts named (email, id or name, narrowed by `account`) left today."""
    found = {c.id: c for c in (resolve_contact(reader, ref, account) for ref in refs)}
    ids = sorted({c.account_id for c in found.values()})
    views = load_accounts(reader, ids=ids, today=opts.today, early=opts.early)
    leavers = Leavers(contacts=frozenset(found))
    marks = plan_marks(reader, ids)
    status = {c.id: c.status for v in views for c in v.contacts}
    out = WhatIf(leaving=[c.name for c in found.values()],
                 left_already=[c.name for c in found.values() if status.get(c.id) == "left"])  # fmt: skip
    teams = team_rows(reader, ids)
    out.impacts = [impact(v, leavers, opts, offsets, marks, [n for n, _role in teams.get(v.id, [])]) for v in views]
    return out


def whatif_staff(reader: Reader, name: str, opts: CheckOptions, offsets: Mapping[str, int]) -> WhatIf:
    """If one of our people left today: the accounts they own, the contacts they know and the
    teams they are on, without them. Somebody not of ours is `kam staff NAME`'s error."""
    (person,) = our_people(reader, name)
    key = name_key(person.name)
    ids = {
        i for i, owner in reader.rows("SELECT id, owner FROM account WHERE owner IS NOT NULL") if name_key(owner) == key
    }
    ids |= {row[0] for row in known_by(reader) if any(name_key(n) == key for n in people(row[2]))}
    teams = team_rows(reader)
    ids |= {i for i, members in teams.items() if any(name_key(n) == key for n, _role in members)}
    views = load_accounts(reader, ids=sorted(ids), today=opts.today, early=opts.early) if ids else []
    leavers = Leavers(staff=person.name)
    out = WhatIf(leaving=[person.name])
    out.impacts = [impact(v, leavers, opts, offsets, team=[n for n, _role in teams.get(v.id, [])]) for v in views]
    return out


def coverage_record(i: Impact) -> dict[str, Any]:
    """One affected account as `kam whatif --coverage` writes it (the keys of COVERAGE_KEYS)."""
    b, a = i.before, i.after
    values = (
        i.account, b.active, a.active, b.departments, a.departments, b.supporters, a.supporters,
        b.decision_makers, a.decision_makers, b.single_points, a.single_points, i.owner[0], i.owner[1],
        i.holders[0], i.holders[1], sorted(i.team[0], key=sort_key), sorted(i.team[1], key=sort_key),
    )  # fmt: skip
    return dict(zip(COVERAGE_KEYS, values, strict=True))
