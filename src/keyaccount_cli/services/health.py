"""Health scores: today's per account, `kam health --record`, which stores them, and the recorded
ones (`kam health --trend`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..domain.checks import CheckOptions
from ..domain.health import Scorecard, assess
from ..domain.health import record as health_record
from ..domain.order import by_name_of
from ..storage.extras import health_trend, record_health
from ..storage.reader import Reader
from ..storage.reading import account_ids, iter_book_facts

if TYPE_CHECKING:  # a reader of a SQLite file works without SQLAlchemy: only `--record` needs it
    from ..storage.database import Database

Scores = list[tuple[int, dict[str, Any]]]
# what a recorded score keeps besides the score and band, shown by `kam health --trend`
TREND_DETAIL = ("usage_points", "renewal_intent_points", "p1_tickets_points", "nps_points", "deductions", "explanation")
TREND_KEYS = ("account", "date", "score", "band", *TREND_DETAIL)  # the CSV header of `kam health --trend`


@dataclass(frozen=True)
class Recorded:
    """What `kam health --record` stored: the scores of the day `on`, and how many accounts had
    no data to score (nothing stored for them)."""

    on: date
    scores: int
    without_data: int


def health_scores(reader: Reader, card: Scorecard, opts: CheckOptions, names: Sequence[str] | None = None) -> Scores:
    """(account id, health record) of every account, or of the named ones, by account name; the
    tier in each record is the effective one."""
    results = []
    for facts in iter_book_facts(reader, names, due=opts.horizon, today=opts.today, early=opts.early):
        v = facts.view
        assert v is not None  # a whole book: every account has its view
        record = health_record(
            v.name, opts.policy.tier(v), assess(v, card, opts, facts=facts), opts.policy.tier_source(v)
        )
        results.append((v.id, record))
    results = by_name_of(results, lambda p: p[1]["account"])
    return results


def record_health_scores(db: Database, scores: Scores, *, on: date, at: datetime) -> Recorded:
    """Store the `scores` (from `health_scores`) that have a score as the day `on`'s, replacing
    any recorded for that day, with all they say (points, deductions, explanation)."""
    scored = [
        (i, r["score"], r["band"], json.dumps(r, ensure_ascii=False)) for i, r in scores if r["score"] is not None
    ]
    with db.writer.begin() as conn:
        n = record_health(conn, scored, on=on, at=at)
    return Recorded(on=on, scores=n, without_data=len(scores) - n)


def health_history(reader: Reader, account: str | None) -> list[dict[str, Any]]:
    """The recorded scores of every account (or the one named), by account name then day."""
    wanted = account_ids(reader, [account]) if account else None
    names = {i: n for i, n in reader.rows("SELECT id, name FROM account")}  # noqa: C416 - a SQLAlchemy Result has .keys(), so dict() would misread it
    records = []
    for account_id, day, value, band, detail in health_trend(reader, wanted):
        extra = json.loads(detail) if detail else {}
        values = (names[account_id], day.isoformat(), value, band, *(extra.get(k) for k in TREND_DETAIL))
        records.append(dict(zip(TREND_KEYS, values, strict=True)))
    records = by_name_of(records, lambda r: r["account"], lambda r: r["date"])
    return records
