"""A finding of `kam check` (docs/spec.md §6): its severities, its fields, and its order of keys."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    """The severities of findings, least severe first (as `kam check --fail-on` lists them)."""

    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


SEVERITIES = tuple(s.value for s in reversed(Severity))  # most severe first: the order of findings (docs/spec.md §6)
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


class Finding(NamedTuple):  # a tuple: a check over a million contacts makes hundreds of thousands
    code: str
    severity: str
    account: str
    contact: str | None
    date: date | None
    message: str

    def as_record(self) -> dict[str, str | None]:
        return dict(zip(FINDING_KEYS, self.as_row(), strict=True))

    def as_row(self) -> tuple[str, str, str, str | None, str | None, str]:
        """The values of `as_record`, in the order of FINDING_KEYS."""
        return (
            self.code,
            self.severity,
            self.account,
            self.contact,
            self.date.isoformat() if self.date else None,
            self.message,
        )


FINDING_KEYS = (
    "code",
    "severity",
    "account",
    "contact",
    "date",
    "message",
)  # JSON keys and CSV columns (docs/spec.md §6)


# Every finding code and its severity (docs/spec.md §6-§11): what `kam check --code` and the config's
# `disabled_checks` accept, in the order the spec lists them.
CODES: dict[str, str] = {
    "SINGLE_CONTACT": "high", "SINGLE_SUPPORTER": "high", "NO_DECISION_MAKER": "medium",
    "SINGLE_DEPARTMENT": "low", "KEY_PERSON_LEAVING": "critical", "NO_SUCCESSOR": "high",
    "HANDOVER_DUE": "medium", "HANDOVER_OVERDUE": "high", "HEALTH_LOW": "high", "FOLLOW_UP_OVERDUE": "medium",
    "SINGLE_THREADED_DEAL": "high", "CHAMPION_MOVED": "medium", "OWNER_MISSING": "low",
    "SINGLE_THREADED_INSIDE": "medium", "OWNER_HANDOVER_DUE": "medium", "OWNER_HANDOVER_OVERDUE": "high",
    "NO_CHAMPION": "medium", "UNKNOWN_ATTITUDE": "low", "REORG": "medium", "NEW_DECISION_MAKER": "high",
    "CHAMPION_QUIET": "medium", "RENEWAL_AT_RISK": "critical", "RENEWAL_DUE": "low", "ENGAGEMENT_DROP": "medium",
}  # fmt: skip


def unknown_codes(codes: list[str]) -> list[str]:
    """Those of `codes` that are no finding's code (case aside: `no_champion` is NO_CHAMPION)."""
    return [c for c in codes if c.strip().upper() not in CODES]
