"""Health scores: today's per account, and `kam health --record`, which stores them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..domain.checks import CheckOptions
from ..domain.health import Scorecard, assess
from ..domain.health import record as health_record
from ..storage.extras import record_health
from ..storage.reading import Reader, iter_accounts, name_key

if TYPE_CHECKING:  # a reader of a SQLite file works without SQLAlchemy: only `--record` needs it
    from ..storage.database import Database

Scores = list[tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class Recorded:
    """What `kam health --record` stored: the scores of the day `on`, and how many accounts had
    no data to score (nothing stored for them)."""

    on: date
    scores: int
    without_data: int


def health_scores(reader: Reader, card: Scorecard, opts: CheckOptions, names: Sequence[str] | None = None) -> Scores:
    """(account id, health record) of every account, or of the named ones, by account name."""
    results = [(v.id, health_record(v.name, opts.policy.tier(v), assess(v, card, opts)))
               for v in iter_accounts(reader, names)]  # fmt: skip
    results.sort(key=lambda p: name_key(p[1]["account"]))
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
