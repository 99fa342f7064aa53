"""What the early warnings (docs/spec.md §11, `domain.early_warnings`) read: the renewals of the
window with the health inputs and when people left of their accounts, the open owner handovers,
and the interactions of the last two engagement windows. Plain SQL through a `Reader`, for one
account or the whole book; the same for both, so that they find the same."""

from __future__ import annotations

from datetime import date, timedelta

from ..domain.early_facts import EarlyFacts, EarlyPolicy
from ..domain.health import DIMENSIONS
from .extras import _day, left_on_sql
from .reader import Reader
from .stored_values import number, unreadable


def early_facts(reader: Reader, where: str, today: date, policy: EarlyPolicy) -> dict[int, EarlyFacts]:
    """Account id → its `EarlyFacts`, for the accounts with a renewal in the window or enough
    interactions in the engagement window before the last. `where`: more conditions on the
    `account_id` (` AND account_id IN (…)`), or none for every account."""
    sqlite = getattr(reader, "dialect", "sqlite") == "sqlite"
    end, mid, start = today + timedelta(days=policy.renewal_window), today - timedelta(days=policy.days), \
        today - timedelta(days=2 * policy.days)  # fmt: skip
    params = {k: v.isoformat() if sqlite else v for k, v in (("today", today), ("end", end), ("mid", mid),
                                                               ("start", start))}  # fmt: skip
    found: dict[int, EarlyFacts] = {}
    for id_, name, renewal, *inputs in reader.rows(
        "SELECT id, name, renewal_date, usage, renewal_intent, p1_tickets, nps FROM account WHERE renewal_date"
        " IS NOT NULL AND renewal_date >= :today AND renewal_date <= :end" + where.replace("account_id", "id")
        + " ORDER BY id", params,
    ):  # fmt: skip
        try:
            day = _day(renewal)
        except (TypeError, ValueError):
            raise unreadable("account", id_, name, "renewal_date", renewal) from None
        usage, intent, tickets, nps = inputs
        values = (number("account", id_, name, "usage", usage), intent,
                  number("account", id_, name, "p1_tickets", tickets), number("account", id_, name, "nps", nps))  # fmt: skip
        found[id_] = EarlyFacts(renewal_date=day, inputs=dict(zip(DIMENSIONS, values, strict=True)))
    if found:
        _renewal_accounts(reader, found, where)
    least = int(policy.least)
    for id_, recent, total in reader.rows(
        'SELECT account_id, sum(CASE WHEN "on" > :mid THEN 1 ELSE 0 END), count(*) FROM interaction'
        ' WHERE "on" > :start AND "on" <= :today' + where + " GROUP BY account_id"
        f' HAVING count(*) - sum(CASE WHEN "on" > :mid THEN 1 ELSE 0 END) >= {least}', params,
    ):  # fmt: skip
        facts = found.setdefault(id_, EarlyFacts())
        facts.recent, facts.before = int(recent), int(total) - int(recent)
    return found


def _renewal_accounts(reader: Reader, found: dict[int, EarlyFacts], where: str) -> None:
    """When people left, and the open owner handovers, of the accounts with a renewal in the window."""
    ids = sorted(found)
    for i in range(0, len(ids), 5000):
        for account_id, contact_id, at in reader.rows(left_on_sql(reader, ids[i : i + 5000])):
            found[account_id].left_on[contact_id] = _day(at)  # type: ignore[assignment]
    for account_id, old, new in reader.rows(
        "SELECT account_id, from_owner, to_owner FROM owner_handover WHERE status = 'open'" + where + " ORDER BY id"
    ):  # fmt: skip
        if account_id in found:
            found[account_id].handovers.append((old, new))
