"""Interactions (meetings, calls, visits …) and what they settle in the handover plans."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from .models import Interaction, InteractionContact
from .plans import complete_step, plans_waiting_for, schedule_step

# the kinds of interaction in which people meet: with a successor, the handover's first meeting
MEETING_KINDS = ("meeting", "visit")


def add_interaction(
    session: Session, account_id: int, *, on: date, kind: str, summary: str, contact_ids: Iterable[int], at: datetime,
    by: str | None = None,
) -> int:  # fmt: skip
    """Record an interaction of the account with these contacts (each linked once), had by our
    person `by`; its id."""
    item = Interaction(account_id=account_id, on=on, kind=kind, summary=summary, created_at=at, by_person=by)
    session.add(item)
    session.flush()
    assert item.id is not None
    for contact_id in dict.fromkeys(contact_ids):
        session.add(InteractionContact(interaction_id=item.id, contact_id=contact_id))
    session.flush()
    return item.id


def complete_first_meetings(
    conn: Any, kind: str, contact_ids: Iterable[int], *, on: date, notes: str | None, today: date | None = None
) -> list[int]:
    """A meeting or visit (`kind`) with a successor completes the `first_meeting` step of each
    open handover plan of the people they take over from. `conn`: a `sqlite3` or SQLAlchemy
    connection inside the caller's transaction. Returns the contacts met, once per step done.
    A meeting dated after `today` is recorded on the step, which stays open and counts as done
    once its day has come (`plans.schedule_step`)."""
    if kind not in MEETING_KINDS:
        return []
    done = []
    for contact_id in contact_ids:
        for plan_id in plans_waiting_for(conn, contact_id):
            if today is not None and on > today:
                if schedule_step(conn, plan_id, "first_meeting", on=on, notes=notes):
                    done.append(contact_id)
            elif complete_step(conn, plan_id, "first_meeting", on=on, notes=notes, only_if_open=True):
                done.append(contact_id)
    return done
