"""What account snapshots carry beyond the contacts: health inputs, interaction days,
opportunities with their contacts, recorded health scores, and when people left.

Loaded once per run for the accounts wanted, then attached to each snapshot as it streams by.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from .models import Account, Change, HealthScore, Interaction, Opportunity, OpportunityContact
from .snapshot import AccountView, OpportunityView


@dataclass
class Extras:
    inputs: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    interaction_days: dict[int, list[date]] = field(default_factory=lambda: defaultdict(list))
    opportunities: dict[int, list[OpportunityView]] = field(default_factory=lambda: defaultdict(list))
    health_scores: dict[int, list[tuple[date, float | None]]] = field(default_factory=lambda: defaultdict(list))
    left_on: dict[int, dict[int, date]] = field(default_factory=lambda: defaultdict(dict))

    def fill(self, view: AccountView) -> None:
        view.usage, view.renewal_intent, view.p1_tickets, view.nps = self.inputs.get(view.id, (None,) * 4)
        view.interaction_days = self.interaction_days.get(view.id, [])
        view.opportunities = self.opportunities.get(view.id, [])
        view.health_scores = self.health_scores.get(view.id, [])
        view.left_on = self.left_on.get(view.id, {})


def load_extras(conn: Connection, wanted: list[int] | None) -> Extras:
    a, i, o, oc, h, ch = (t.__table__ for t in (Account, Interaction, Opportunity, OpportunityContact, HealthScore, Change))  # type: ignore[attr-defined]
    out = Extras()

    def only(query: Any, column: Any) -> Any:
        return query if wanted is None else query.where(column.in_(wanted))

    for id_, *values in conn.execute(only(select(a.c.id, a.c.usage, a.c.renewal_intent, a.c.p1_tickets, a.c.nps), a.c.id)):
        if any(v is not None for v in values):
            out.inputs[id_] = tuple(values)
    for account_id, day in conn.execute(only(select(i.c.account_id, i.c.on).distinct().order_by(i.c.on), i.c.account_id)):
        out.interaction_days[account_id].append(day)
    links: dict[int, list[int]] = defaultdict(list)
    link_query = select(oc.c.opportunity_id, oc.c.contact_id).join(o, o.c.id == oc.c.opportunity_id)
    for opp_id, contact_id in conn.execute(only(link_query, o.c.account_id).order_by(oc.c.contact_id)):
        links[opp_id].append(contact_id)
    opp_query = select(o.c.id, o.c.account_id, o.c.name, o.c.amount, o.c.stage, o.c.close_date).order_by(o.c.id)
    for id_, account_id, name, amount, stage, close_date in conn.execute(only(opp_query, o.c.account_id)):
        out.opportunities[account_id].append(OpportunityView(id_, name, amount, stage, close_date, tuple(links[id_])))
    for account_id, day, value in conn.execute(only(select(h.c.account_id, h.c.on, h.c.score).order_by(h.c.on), h.c.account_id)):
        out.health_scores[account_id].append((day, value))
    left_query = (
        select(ch.c.account_id, ch.c.entity_id, func.max(ch.c.at))
        .where(ch.c.entity == "contact", ch.c.field == "status", ch.c.new == "left")
        .group_by(ch.c.account_id, ch.c.entity_id)
    )
    for account_id, contact_id, at in conn.execute(only(left_query, ch.c.account_id)):
        if isinstance(at, str):  # an aggregate over a DateTime column comes back as text on SQLite
            at = datetime.fromisoformat(at)
        out.left_on[account_id][contact_id] = at.date()
    return out



def record_health(conn: Connection, scores: list[tuple[int, float | None, str | None, str]], *, on: date, at: datetime) -> int:
    """Store (account id, score, band, detail JSON) as the scores of `on`; a day recorded again is replaced."""
    from sqlalchemy import delete

    h = HealthScore.__table__  # type: ignore[attr-defined]
    ids = [s[0] for s in scores]
    for i in range(0, len(ids), 500):
        conn.execute(delete(h).where(h.c.on == on, h.c.account_id.in_(ids[i : i + 500])))
    if scores:
        conn.execute(h.insert(), [{"account_id": a, "on": on, "score": s, "band": b, "detail": d, "recorded_at": at}
                                  for a, s, b, d in scores])  # fmt: skip
    return len(scores)


def health_trend(conn: Connection, account_ids: list[int] | None) -> list[tuple[int, date, float | None, str | None, str | None]]:
    """Recorded scores (account id, day, score, band, detail JSON), by account then day."""
    h = HealthScore.__table__  # type: ignore[attr-defined]
    query = select(h.c.account_id, h.c.on, h.c.score, h.c.band, h.c.detail).order_by(h.c.account_id, h.c.on)
    if account_ids is not None:
        query = query.where(h.c.account_id.in_(account_ids))
    return [tuple(r) for r in conn.execute(query)]  # type: ignore[misc]


def forget_in_portfolio(conn: Connection, contact_id: int, name: str, account_id: int, placeholder: str) -> int:
    """For `kam forget`: drop the person's opportunity links, and put `placeholder` for their name
    where it sits inside longer texts: the contact lists of opportunity history rows and the
    reasons of recorded health scores. Returns the number of links dropped."""
    import json

    from sqlalchemy import delete, update

    oc, ch, h = OpportunityContact.__table__, Change.__table__, HealthScore.__table__  # type: ignore[attr-defined]
    links = conn.execute(delete(oc).where(oc.c.contact_id == contact_id)).rowcount
    rows = conn.execute(select(ch.c.id, ch.c.old, ch.c.new).where(
        ch.c.account_id == account_id, ch.c.entity == "opportunity", ch.c.field.like("%: contacts"))).all()  # fmt: skip
    for id_, old, new in rows:
        values = {k: ", ".join(placeholder if p == name else p for p in v.split(", "))
                  for k, v in (("old", old), ("new", new)) if v}  # fmt: skip
        conn.execute(update(ch).where(ch.c.id == id_).values(**values))
    for id_, detail in conn.execute(select(h.c.id, h.c.detail).where(h.c.account_id == account_id)).all():
        if not detail or name not in detail:
            continue
        record = json.loads(detail)
        record["deduction_reasons"] = [r.replace(name, placeholder) for r in record.get("deduction_reasons", [])]
        record["explanation"] = (record.get("explanation") or "").replace(name, placeholder)
        conn.execute(update(h).where(h.c.id == id_).values(detail=json.dumps(record, ensure_ascii=False)))
    return int(links)
