"""The account-planning red flags (docs/spec.md §10), from Strategic Selling's buying influences and
MEDDPICC's champion and economic buyer: no champion, a decision maker whose attitude nobody knows,
reporting lines redrawn, a new decision maker nobody has met, a champion we have gone quiet on.
For customer accounts (the caller asks). Pure: the history and interaction facts come in `FlagFacts`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..i18n import _, ngettext
from .findings import Finding

# the windows in days (config `red_flags`)
DEFAULT_RED_FLAGS = {"reorg_days": 90, "new_decision_maker_days": 30, "champion_quiet_days": 60}


@dataclass(frozen=True)
class RedFlagPolicy:
    reorg_days: int = DEFAULT_RED_FLAGS["reorg_days"]
    new_decision_maker_days: int = DEFAULT_RED_FLAGS["new_decision_maker_days"]
    champion_quiet_days: int = DEFAULT_RED_FLAGS["champion_quiet_days"]

    @property
    def lookback(self) -> int:
        """How far back the history is read for REORG and NEW_DECISION_MAKER."""
        return max(self.reorg_days, self.new_decision_maker_days)


@dataclass(slots=True)
class FlagFacts:
    """What the red flags need of one account beyond its contacts, read from the history and the
    interactions (`storage.red_flags`): each active champion with the last day an interaction with
    them was logged (up to today); each change of a reports-to line in the window (contact id, name,
    day, whether they decide); each contact who became a decision maker in the window (contact id,
    name, day, the last interaction with them up to today)."""

    champions: list[tuple[int, str, date | None]] = field(default_factory=list)
    reorg: list[tuple[int, str, date, bool]] = field(default_factory=list)
    new_deciders: list[tuple[int, str, date, date | None]] = field(default_factory=list)


def red_flag_findings(
    account: str, active: int, champions: int, unknown: list[str], facts: FlagFacts | None, today: date,
    policy: RedFlagPolicy,
) -> list[Finding]:  # fmt: skip
    """The red flags of a customer account with `active` contacts, `champions` of them champions, the
    names of its active decision makers without an attitude (`unknown`), and its `facts`."""
    out = [Finding("UNKNOWN_ATTITUDE", "low", account, name, None, _unknown_text(name)) for name in unknown]
    if active and not champions:
        out.append(Finding("NO_CHAMPION", "medium", account, None, None, _("no active contact has the champion role")))
    if facts is None:
        return out
    out += _quiet(account, facts, today, policy.champion_quiet_days)
    out += _reorg(account, facts, today, policy.reorg_days)
    out += _new_deciders(account, facts, today, policy.new_decision_maker_days)
    return out


def _unknown_text(name: str) -> str:
    return _("nobody has recorded what decision maker {name} thinks of us (attitude)").format(name=name)


def _quiet(account: str, facts: FlagFacts, today: date, days: int) -> list[Finding]:
    """CHAMPION_QUIET: no interaction with an active champion in the last `days` days; dated with
    the last day that was still in time (none when nothing was ever logged with them)."""
    out = []
    for _id, name, last in facts.champions:
        if last is None:
            text = _("no interaction with champion {name} logged yet").format(name=name)
            out.append(Finding("CHAMPION_QUIET", "medium", account, name, None, text))
        elif last < today - timedelta(days=days):
            text = _("no interaction with champion {name} in the last {days} days (last {last})").format(
                name=name, days=days, last=last.isoformat())  # fmt: skip
            out.append(Finding("CHAMPION_QUIET", "medium", account, name, last + timedelta(days=days), text))
    return out


def _reorg(account: str, facts: FlagFacts, today: date, days: int) -> list[Finding]:
    """REORG: in the last `days` days the reports-to line changed for two contacts or more, or for a
    decision maker; dated with the latest such change."""
    since = today - timedelta(days=days)
    moved = {cid: (name, day, decides) for cid, name, day, decides in facts.reorg if since <= day <= today}
    if not moved or (len(moved) < 2 and not any(decides for _n, _d, decides in moved.values())):
        return []
    latest = max(day for _n, day, _d in moved.values())
    names = ", ".join(name for name, _d, _x in sorted(moved.values(), key=lambda m: m[1]))
    text = ngettext(
        "the reports-to line of decision maker {names} changed in the last {days} days",
        "the reports-to lines of {n} contacts changed in the last {days} days: {names}", len(moved),
    ).format(n=len(moved), days=days, names=names)  # fmt: skip
    return [Finding("REORG", "medium", account, None, latest, text)]


def _new_deciders(account: str, facts: FlagFacts, today: date, days: int) -> list[Finding]:
    """NEW_DECISION_MAKER: someone became a decision maker in the last `days` days and no interaction
    with them has been logged since; dated with the day they became one."""
    since = today - timedelta(days=days)
    out = []
    for _id, name, day, last in facts.new_deciders:
        if since <= day <= today and (last is None or last < day):
            text = _("{name} became a decision maker on {day} and no interaction with them has been logged since").format(
                name=name, day=day.isoformat())  # fmt: skip
            out.append(Finding("NEW_DECISION_MAKER", "high", account, name, day, text))
    return out
