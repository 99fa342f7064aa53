"""Our own people changing (docs/spec.md §9): the rules of `kam reassign` and of the owner
handover plan it opens — names replaced, the steps' deadlines, when `key_contacts_met` is done,
and the findings of the open steps. Pure: the SQL is `storage.owner_plans` and
`storage.reassign`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from ..errors import KamError
from ..i18n import _
from .keys import name_key
from .portfolio import is_key_person
from .views import ContactView, OwnerStepView
from .vocab import OWNER_DEADLINES, OWNER_HANDOVER_DAYS, OWNER_STEP_TEXT, OWNER_STEPS

__all__ = ["OWNER_STEPS", "OWNER_STEP_TEXT"]  # defined with the vocabularies, re-exported

# the kinds of interaction in which the new owner meets a key contact (`key_contacts_met`)
MEETING_KINDS = ("meeting", "visit", "call")


def handover_day(today: date, on: date | None) -> date:
    """The handover date: `--on`, else OWNER_HANDOVER_DAYS from today."""
    return on if on is not None else today + timedelta(days=OWNER_HANDOVER_DAYS)


def owner_deadline(day: date, step: str) -> date:
    """A step's deadline, counted from the handover date."""
    return day + timedelta(days=OWNER_DEADLINES[step])


def owner_step_name(value: str) -> str:
    """An owner handover step by name or number (1–4)."""
    v = value.strip().lower().replace("-", "_")
    if v.isascii() and v.isdigit() and 1 <= int(v) <= len(OWNER_STEPS):
        return OWNER_STEPS[int(v) - 1]
    if v in OWNER_STEPS:
        return v
    steps = ", ".join(f"{i} {s}" for i, s in enumerate(OWNER_STEPS, 1))
    raise KamError(f"unknown owner handover step {value!r}; steps are {steps}")


def is_key_contact(status: str | None, roles: str | None, power: str | None) -> bool:
    """An active key person (`portfolio.is_key_person`: a decision maker or champion), whom the new
    owner must meet, from the stored values (`roles`: canonical values joined with `;`)."""
    person = ContactView(0, 0, "", roles=tuple(roles.split(";")) if roles else (), decision_power=power,
                         status=status or "active")  # fmt: skip
    return person.active and is_key_person(person)


def counts_for_meeting(kind: str, by: str | None, to: str, on: date, since: date, today: date) -> bool:
    """Whether an interaction counts towards `key_contacts_met`: a meeting, visit or call had by
    the new owner `to`, on or after the day of the reassignment `since` and not after today."""
    return kind in MEETING_KINDS and by is not None and name_key(by) == name_key(to) and since <= on <= today


def key_contacts_met_on(key_contacts: Iterable[int], first_met: Mapping[int, date]) -> date | None:
    """The day the new owner had met every key contact (each one's first meeting that counts,
    `first_met`), the last of those days; None while one is not met, or when the account has no
    key contact (then there is nobody to have met: the step is done by hand)."""
    days = [first_met.get(c) for c in key_contacts]
    if not days or any(d is None for d in days):
        return None
    return max(d for d in days if d is not None)


def owner_findings(steps: Iterable[OwnerStepView], today: date, horizon: date) -> list[tuple[str, str, date, str]]:
    """OWNER_HANDOVER_OVERDUE and OWNER_HANDOVER_DUE as (code, severity, date, message): the open
    steps of an open owner handover plan due by the end of the window."""
    out = []
    for s in steps:
        if s.deadline > horizon:
            continue
        if s.deadline < today:
            text = _("owner handover {old} → {new}: step {step} was due {date}")
            code, severity = "OWNER_HANDOVER_OVERDUE", "high"
        else:
            text = _("owner handover {old} → {new}: step {step} is due {date}")
            code, severity = "OWNER_HANDOVER_DUE", "medium"
        message = text.format(old=s.from_owner, new=s.to_owner, step=s.step, date=s.deadline.isoformat())
        out.append((code, severity, s.deadline, message))
    return out
