"""`kam health` (today's scores, the recorded trend) and `kam report` (the team lead's dashboard),
read through a `Reader`."""

from __future__ import annotations

import json
from typing import Any

from ..domain.checks import CheckOptions
from ..domain.dashboard import dashboard
from ..domain.health import Scorecard, assess
from ..domain.health import record as health_record
from ..storage.extras import health_trend
from ..storage.reader import Reader, name_key
from ..storage.reading import account_ids, iter_accounts

TREND_DETAIL = ("usage_points", "renewal_intent_points", "p1_tickets_points", "nps_points", "deductions", "explanation")


def health_scores(
    reader: Reader, account: str | None, card: Scorecard, opts: CheckOptions
) -> list[tuple[int, dict[str, Any]]]:
    """(account id, health record) of every account, or of the one named, by account name; the
    tier in each record is the effective one."""
    results = [(v.id, health_record(v.name, opts.policy.tier(v), assess(v, card, opts)))
               for v in iter_accounts(reader, [account] if account else None)]  # fmt: skip
    results.sort(key=lambda p: name_key(p[1]["account"]))
    return results


def health_history(reader: Reader, account: str | None) -> list[dict[str, Any]]:
    """The recorded scores of every account (or the one named), by account name then day."""
    wanted = account_ids(reader, [account]) if account else None
    names = {i: n for i, n in reader.rows("SELECT id, name FROM account")}  # noqa: C416 - a SQLAlchemy Result has .keys(), so dict() would misread it
    records = []
    for account_id, day, value, band, detail in health_trend(reader, wanted):
        extra = json.loads(detail) if detail else {}
        records.append({"account": names[account_id], "date": day.isoformat(), "score": value, "band": band,
                        **{k: extra.get(k) for k in TREND_DETAIL}})  # fmt: skip
    records.sort(key=lambda r: (name_key(r["account"]), r["date"]))
    return records


def team_dashboard(reader: Reader, card: Scorecard, opts: CheckOptions, *, min_amount: float) -> dict[str, Any]:
    """The team lead's dashboard over every account."""
    return dashboard(iter_accounts(reader, for_checks=True), card, opts, min_amount=min_amount)
