"""`kam handover CONTACT`: the departing contact's handover plan, read through a `Reader`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.labels import label
from ..domain.succession import PlanView
from ..errors import KamError
from ..i18n import _
from ..storage.lookup import resolve_contact
from ..storage.plans import history_change, load_plan
from ..storage.reader import Reader


@dataclass
class PlanPage:
    plan: PlanView
    title: str
    steps: list[dict[str, Any]]  # one record per step, `overdue` among them


def handover_plan(reader: Reader, contact: str, account: str | None, today: date) -> PlanPage:
    """The contact's open plan, else their last closed one; an error when they never had one."""
    c = resolve_contact(reader, contact, account)
    plan = load_plan(reader, c.id, today=today)
    if plan is None:
        old = history_change(reader, c.id)
        if old is not None:
            raise KamError(f"{c.name} has no handover plan: their change on {old.isoformat()} was recorded long "
                           f"after it (history); kam leave {contact} --on DATE opens one for a new change")  # fmt: skip
        raise KamError(f"{c.name} has no handover plan; kam leave {contact} --on DATE opens one")
    steps = [{
        "step": p["step"], "description": p["description"], "owner": p["owner"],
        "deadline": p["deadline"].isoformat() if p["deadline"] else None, "status": p["status"],
        "overdue": plan.status == "open" and p["status"] == "open" and p["deadline"] is not None
                   and p["deadline"] < today,
        "done_on": p["done_on"].isoformat() if p["done_on"] else None, "notes": p["notes"],
    } for p in plan.steps]  # fmt: skip
    kind = label("change_kind", plan.kind) if plan.kind else _("change")
    when = _("{kind} on {date}").format(kind=kind, date=plan.change_date.isoformat()) if plan.change_date else kind
    title = _("Handover of {name} ({account}) — {when} — plan {status}").format(
        name=plan.contact, account=plan.account, when=when, status=label("plan_status", plan.status)
    )
    return PlanPage(plan, title, steps)
