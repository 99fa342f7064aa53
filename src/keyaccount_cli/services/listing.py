"""The read-only lists: accounts (`kam accounts`), an account's contacts (`kam contacts`), the change
history (`kam history`), successor candidates (`kam successor --suggest`). Each takes a `Reader`
(`State.reader()`), so that on a SQLite file none of them loads SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..domain.checks import CheckOptions, check_facts
from ..domain.early_facts import EarlyPolicy
from ..domain.order import sort_key
from ..domain.succession import Candidate, suggest_successors
from ..domain.views import AccountView
from ..i18n import _
from ..storage.activity import history
from ..storage.lookup import ContactRef, contact_names, find_account, resolve_contact
from ..storage.reader import Reader
from ..storage.reading import iter_book_facts, load_accounts, moved_to_accounts
from .records import contact_record

ACCOUNT_FIELDS = ("account", "industry", "tier", "owner", "contacts", "departments", "supporters", "decision_makers",
                  "findings", "renewal_date", "tier_source", "status")  # fmt: skip


def account_overview(reader: Reader, opts: CheckOptions) -> list[dict[str, Any]]:
    """One record per account, by name: its effective tier (its own, else the one its annual revenue
    reaches, as `health`, `show` and `report` give it), coverage and number of findings, from the
    facts `kam check` works from (`iter_book_facts`)."""
    records: list[dict[str, Any]] = []
    for facts in iter_book_facts(reader, due=opts.horizon, today=opts.today, scores=False, early=opts.early):
        a = facts.view
        assert a is not None  # a whole book: every account has its view
        records.append({
            "account": a.name, "industry": a.industry, "tier": opts.policy.tier(a), "owner": a.owner,
            "contacts": facts.active, "departments": facts.departments, "supporters": facts.supporters,
            "decision_makers": facts.decision_makers, "findings": len(check_facts(facts, opts)),
            "renewal_date": a.renewal_date.isoformat() if a.renewal_date else None,
            "tier_source": opts.policy.tier_source(a), "status": a.status,
        })  # fmt: skip
    records.sort(key=lambda r: sort_key(r["account"]))
    return records


def account_contacts(
    reader: Reader, account: str, today: date | None = None, early: EarlyPolicy | None = None
) -> tuple[AccountView, list[dict[str, Any]]]:  # fmt: skip
    """The account (by name) and its relationship table, one record per contact (with `today`, its
    open handover steps as of that day and its early warnings' facts, in the `early` windows)."""
    (view,) = load_accounts(reader, [account], today=today, early=early)
    moved = moved_to_accounts(reader, view.contacts)
    names = {c.id: c.name for c in view.contacts}
    return view, [contact_record(c, view.name, names, moved) for c in view.contacts]


HISTORY_KEYS = ("at", "entity", "name", "field", "old", "new", "source")  # the CSV header of `kam history`
# the keys of `kam successor --suggest`'s records
CANDIDATE_KEYS = (
    "rank",
    "id",
    "name",
    "email",
    "title",
    "department",
    "decision_power",
    "attitude",
    "score",
    "reasons",
)


@dataclass
class History:
    title: str
    rows: list[dict[str, Any]]  # `at` is the stored time, in UTC


def change_history(reader: Reader, who: str, account: str | None = None) -> History:
    """The history of an account and its contacts when `who` names an account (and no --account,
    email or id says it is a contact), else of the contact `who` names."""
    acc = (
        None
        if (account or "@" in who or (who.strip().isascii() and who.strip().isdigit()))
        else find_account(reader, who)
    )
    if acc is not None:
        rows = history(reader, account_id=acc[0])
        title, account_name = _("History of {name}").format(name=acc[1]), acc[1]
    else:
        c = resolve_contact(reader, who, account)
        rows = history(reader, contact_id=c.id)
        title, account_name = _("History of {name}").format(name=c.name), ""
    names = contact_names(reader, [r.entity_id for r in rows if r.entity == "contact"])
    records = [dict(zip(HISTORY_KEYS, (
        r.at, r.entity, names.get(r.entity_id, account_name) if r.entity == "contact" else account_name,
        r.field, r.old, r.new, r.source,
    ), strict=True)) for r in rows]  # fmt: skip
    return History(title, records)


def history_time(at: datetime, *, table: bool) -> str:
    """A history time as shown: local minutes in a table, else ISO as stored."""
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if table else at.isoformat()


def candidate_records(ranked: list[Candidate]) -> list[dict[str, Any]]:
    """The ranked candidates as records (`CANDIDATE_KEYS`), best first."""
    return [dict(zip(CANDIDATE_KEYS, (
        i, k.contact.id, k.contact.name, k.contact.email, k.contact.title, k.contact.department,
        k.contact.decision_power, k.contact.attitude, k.score, k.reasons,
    ), strict=True)) for i, k in enumerate(ranked, 1)]  # fmt: skip


def successor_candidates(
    reader: Reader, contact: str, account: str | None = None
) -> tuple[ContactRef, AccountView, list[Candidate]]:
    """The departing contact, their account and the ranked candidates to take over from them."""
    c = resolve_contact(reader, contact, account)
    (view,) = load_accounts(reader, ids=[c.account_id])
    return c, view, suggest_successors(view, c.id)
