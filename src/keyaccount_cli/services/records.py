"""Records: what a command prints (as a table row, JSON or CSV) for one stored thing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..domain.views import ContactView

# the keys of `contact_record()`: the CSV header of `kam contacts` and `kam show`, with or without contacts
CONTACT_KEYS = ("id", "account", "name", "email", "phone", "title", "department", "roles", "decision_power", "attitude",
                "concerns", "can_sign", "project_owner", "reports_to", "status", "change_risk", "change_date",
                "change_kind", "successor", "moved_to", "notes", "our_contacts")  # fmt: skip


def contact_record(c: ContactView, account: str, names: Mapping[int, str], moved: Mapping[int, str]) -> dict[str, Any]:
    """A contact as `kam contacts` and `kam show` give it: `names` of the
    account's contacts by id (for the manager and successor), `moved` the accounts their
    records moved to."""
    return dict(zip(CONTACT_KEYS, (
        c.id, account, c.name, c.email, c.phone, c.title, c.department, list(c.roles), c.decision_power, c.attitude,
        list(c.concerns), c.can_sign, c.project_owner, names.get(c.reports_to_id) if c.reports_to_id else None,
        c.status, c.change_risk, c.change_date.isoformat() if c.change_date else None, c.change_kind,
        names.get(c.successor_id) if c.successor_id else None, moved.get(c.moved_to_id) if c.moved_to_id else None,
        c.notes, list(c.our_contacts),
    ), strict=True))  # fmt: skip
