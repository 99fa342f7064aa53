"""What the early warnings (docs/spec.md §11) read of an account beyond its contacts, and their
windows: plain data, filled by `storage.early_warnings`, judged by `early_warnings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEFAULT_RENEWAL_WINDOW = 90  # days ahead a renewal is watched (config `renewal_window`)
DEFAULT_ENGAGEMENT: dict[str, Any] = {"days": 30, "drop": 0.3, "min": 3}  # config `engagement`


@dataclass(frozen=True)
class EarlyPolicy:
    """RENEWAL_*: a renewal date from today up to `renewal_window` days ahead. ENGAGEMENT_DROP: the
    interactions of the last `days` days at least `drop` (a share) fewer than those of the `days`
    days before, which were at least `least`."""

    renewal_window: int = DEFAULT_RENEWAL_WINDOW
    days: int = DEFAULT_ENGAGEMENT["days"]
    drop: float = DEFAULT_ENGAGEMENT["drop"]
    least: int = DEFAULT_ENGAGEMENT["min"]

    @classmethod
    def from_config(cls, renewal_window: int, engagement: dict[str, Any]) -> EarlyPolicy:
        return cls(renewal_window, engagement["days"], engagement["drop"], engagement["min"])


@dataclass(slots=True)
class EarlyFacts:
    """One account's: its renewal date, when it falls in the window, with the health inputs and
    when people left (today's health band, as `kam health` scores it) and its open owner handovers
    (from, to); the interactions of the last `days` days and of the `days` before, when those were
    at least `least`."""

    renewal_date: date | None = None
    inputs: dict[str, Any] | None = None
    left_on: dict[int, date] = field(default_factory=dict)
    handovers: list[tuple[str, str]] = field(default_factory=list)
    recent: int = 0
    before: int = 0
