"""What account snapshots carry beyond the contacts: health inputs, interaction days,
opportunities with their contacts, recorded health scores, and when people left.

Loaded once per run for the accounts wanted (through the same plain-SQL reader as the
rest of a snapshot, so `kam check` on a SQLite file still needs no SQLAlchemy), then
attached to each snapshot as it streams by. The writers below it (recording scores,
`kam forget`) take a SQLAlchemy connection and import it when called.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..domain.views import AccountView, OpportunityView
from .reader import Reader, _in
from .stored_values import number


def _day(value: Any) -> date | None:
    """A date as sqlite3 (text) or a server driver (date, datetime) returns it."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _and(column: str, ids: list[int] | None) -> str:
    return _in(column, ids).replace(" WHERE ", " AND ")


@dataclass
class Extras:
    inputs: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    interaction_days: dict[int, list[date]] = field(default_factory=lambda: defaultdict(list))
    opportunities: dict[int, list[OpportunityView]] = field(default_factory=lambda: defaultdict(list))
    health_scores: dict[int, list[tuple[date, float | None]]] = field(default_factory=lambda: defaultdict(list))
    left_on: dict[int, dict[int, date]] = field(default_factory=lambda: defaultdict(dict))

    def holds(self, account_id: int) -> bool:
        """Whether the account has interactions, opportunities or recorded scores."""
        return (
            account_id in self.interaction_days or account_id in self.opportunities or account_id in self.health_scores
        )

    def fill(self, view: AccountView) -> None:
        view.usage, view.renewal_intent, view.p1_tickets, view.nps = self.inputs.get(view.id, (None,) * 4)
        view.interaction_days = self.interaction_days.get(view.id, [])
        view.opportunities = self.opportunities.get(view.id, [])
        view.health_scores = self.health_scores.get(view.id, [])
        view.left_on = self.left_on.get(view.id, {})


def load_extras(reader: Reader, wanted: list[int] | None, *, for_checks: bool = False) -> Extras:
    """`for_checks` leaves out what the checks never look at (`portfolio.findings`): the health
    inputs, and when people left, which would take a pass over the whole change history."""
    out = Extras()
    if not for_checks:
        for id_, *values in reader.rows(
            "SELECT id, usage, renewal_intent, p1_tickets, nps FROM account" + _in("id", wanted)
        ):
            if any(v is not None for v in values):
                usage, intent, tickets, nps = values
                out.inputs[id_] = (number("account", id_, None, "usage", usage), intent,
                                   number("account", id_, None, "p1_tickets", tickets), number("account", id_, None, "nps", nps))  # fmt: skip
    for account_id, day in reader.rows('SELECT DISTINCT account_id, "on" FROM interaction' + _in("account_id", wanted)
                                       + ' ORDER BY "on"'):  # fmt: skip
        out.interaction_days[account_id].append(_day(day))  # type: ignore[arg-type]
    links: dict[int, list[int]] = defaultdict(list)
    for opp_id, contact_id in reader.rows(
        "SELECT oc.opportunity_id, oc.contact_id FROM opportunity_contact oc JOIN opportunity o ON o.id = oc.opportunity_id"
        + _in("o.account_id", wanted) + " ORDER BY oc.contact_id"
    ):  # fmt: skip
        links[opp_id].append(contact_id)
    for id_, account_id, name, amount, stage, close_date in reader.rows(
        "SELECT id, account_id, name, amount, stage, close_date FROM opportunity" + _in("account_id", wanted) + " ORDER BY id"
    ):  # fmt: skip
        amount = number("opportunity", id_, name, "amount", amount)
        out.opportunities[account_id].append(
            OpportunityView(id_, name, amount, stage, _day(close_date), tuple(links[id_]))
        )
    for account_id, day, value in reader.rows('SELECT account_id, "on", score FROM health_score'
                                              + _in("account_id", wanted) + ' ORDER BY "on"'):  # fmt: skip
        out.health_scores[account_id].append((_day(day), value))  # type: ignore[arg-type]
    if for_checks:
        return out
    for account_id, contact_id, at in reader.rows(left_on_sql(reader, wanted)):
        out.left_on[account_id][contact_id] = _day(at)  # type: ignore[assignment]
    return out


def left_on_sql(reader: Reader, wanted: list[int] | None) -> str:
    """When the history marked each contact left (of the accounts wanted). For a few accounts the
    rows are found through the account index (`ix_change_account_id`); SQLite would otherwise take
    the entity index for `entity = 'contact'`, a pass over every contact's history, so there the
    entity column is written as an expression (`+entity`), which no index serves."""
    entity = "+entity" if wanted is not None and reader.dialect == "sqlite" else "entity"
    return (f"SELECT account_id, entity_id, max(at) FROM \"change\" WHERE {entity} = 'contact' AND field = 'status'"
            " AND new = 'left'" + _and("account_id", wanted) + " GROUP BY account_id, entity_id")  # fmt: skip


def record_health(conn: Any, scores: list[tuple[int, float | None, str | None, str]], *, on: date, at: datetime) -> int:
    """Store (account id, score, band, detail JSON) as the scores of `on`; a day recorded again is replaced."""
    from sqlalchemy import delete

    from .models import HealthScore

    h = HealthScore.__table__  # type: ignore[attr-defined]
    ids = [s[0] for s in scores]
    for i in range(0, len(ids), 500):
        conn.execute(delete(h).where(h.c.on == on, h.c.account_id.in_(ids[i : i + 500])))
    if scores:
        conn.execute(h.insert(), [{"account_id": a, "on": on, "score": s, "band": b, "detail": d, "recorded_at": at}
                                  for a, s, b, d in scores])  # fmt: skip
    return len(scores)


def health_trend(
    reader: Reader, account_ids: list[int] | None
) -> list[tuple[int, date, float | None, str | None, str | None]]:
    """Recorded scores (account id, day, score, band, detail JSON), by account then day."""
    rows = reader.rows('SELECT account_id, "on", score, band, detail FROM health_score' + _in("account_id", account_ids)
                       + ' ORDER BY account_id, "on"')  # fmt: skip
    return [(a, _day(d), s, b, detail) for a, d, s, b, detail in rows]  # type: ignore[misc]


def forget_in_portfolio(conn: Any, contact_id: int) -> int:
    """For `kam forget`: drop the person's opportunity links (their name in the opportunities'
    history and in recorded health scores is left to `mentions`). Returns the number dropped."""
    from sqlalchemy import delete

    from .models import OpportunityContact

    oc = OpportunityContact.__table__  # type: ignore[attr-defined]
    return int(conn.execute(delete(oc).where(oc.c.contact_id == contact_id)).rowcount)
