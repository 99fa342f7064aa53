"""Records: what a command prints (as a table row, JSON or CSV) for one stored thing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..domain.views import ContactView


def contact_record(c: ContactView, account: str, names: Mapping[int, str], moved: Mapping[int, str]) -> dict[str, Any]:
    """A contact as `kam contacts` and `kam show` give it: `names` of the
    account's contacts by id (for the manager and successor), `moved` the accounts their
    records moved to."""
    return {
        "id": c.id, "account": account, "name": c.name, "email": c.email, "phone": c.phone,
        "title": c.title, "department": c.department, "roles": list(c.roles),
        "decision_power": c.decision_power, "attitude": c.attitude, "concerns": list(c.concerns),
        "can_sign": c.can_sign, "project_owner": c.project_owner,
        "reports_to": names.get(c.reports_to_id) if c.reports_to_id else None,
        "status": c.status, "change_risk": c.change_risk,
        "change_date": c.change_date.isoformat() if c.change_date else None,
        "change_kind": c.change_kind, "successor": names.get(c.successor_id) if c.successor_id else None,
        "moved_to": moved.get(c.moved_to_id) if c.moved_to_id else None, "notes": c.notes,
    }  # fmt: skip
