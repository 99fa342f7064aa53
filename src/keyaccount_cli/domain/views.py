"""Plain, database-free views of an account, for the graph, the checks and the renderers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .early_facts import EarlyFacts
from .red_flags import FlagFacts
from .vocab import ATTITUDE_SCORE


@dataclass(slots=True)
class ContactView:
    id: int
    account_id: int
    name: str
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    department: str | None = None
    roles: tuple[str, ...] = ()
    decision_power: str | None = None
    attitude: str | None = None
    concerns: tuple[str, ...] = ()
    can_sign: bool | None = None
    project_owner: bool | None = None
    reports_to_id: int | None = None
    status: str = "active"
    change_risk: str | None = None
    change_date: date | None = None
    change_kind: str | None = None
    successor_id: int | None = None
    moved_to_id: int | None = None
    notes: str | None = None
    # from the contact's handover plan (docs/spec.md §8): the day an undated change counts from (the day it
    # was recorded), and whether the change is history (dated too far back when recorded)
    recorded_day: date | None = None
    history: bool = False
    our_contacts: tuple[str, ...] = ()  # docs/spec.md §9: our people who hold the relationship

    @property
    def change_on(self) -> date | None:
        """The day of the change: its date, else the day it was recorded."""
        return self.change_date or self.recorded_day

    @property
    def active(self) -> bool:
        return self.status != "left"

    @property
    def supporter(self) -> bool:
        return self.attitude is not None and ATTITUDE_SCORE[self.attitude] >= 1

    @property
    def decision_maker(self) -> bool:
        return self.decision_power == "final" or "decision_maker" in self.roles

    @property
    def leaving(self) -> bool:
        """Status `leaving`, or a change that is confirmed."""
        return self.status == "leaving" or self.change_risk == "confirmed"


@dataclass(slots=True)
class RelationView:
    from_id: int
    to_id: int
    kind: str


@dataclass(slots=True)
class StepView:
    """An open step of an open handover plan."""

    contact_id: int
    step: str
    deadline: date | None
    owner: str | None


@dataclass(slots=True)
class OwnerStepView:
    """An open step of an open owner handover plan (docs/spec.md §9): the account went from
    `from_owner` to `to_owner`."""

    step: str
    deadline: date
    from_owner: str
    to_owner: str


@dataclass(slots=True)
class OpportunityView:
    id: int
    name: str
    amount: float | None = None
    stage: str | None = None
    close_date: date | None = None
    contact_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Move:
    """Where a contact went (`kam leave --moved-to`): the account, and the days of the interactions
    logged with their new record there."""

    account: str
    days: tuple[date, ...] = ()


# docs/spec.md §8: an account is a customer (the default), a prospect or lost (`vocab.VOCABULARIES`)
CUSTOMER = "customer"
PROSPECT = "prospect"  # an account `kam leave --moved-to` creates
# the coverage findings, raised for customer accounts only (`covered`)
COVERAGE_CODES = ("SINGLE_CONTACT", "SINGLE_SUPPORTER", "NO_DECISION_MAKER", "SINGLE_DEPARTMENT", "FOLLOW_UP_OVERDUE")


def covered(status: str | None) -> bool:
    """Whether an account of this status is checked for its coverage (COVERAGE_CODES): a customer."""
    return status is None or status == CUSTOMER


@dataclass
class AccountView:
    id: int
    name: str
    industry: str | None = None
    tier: str | None = None
    owner: str | None = None
    annual_revenue: float | None = None
    notes: str | None = None
    contacts: list[ContactView] = field(default_factory=list)
    relations: list[RelationView] = field(default_factory=list)
    open_steps: list[StepView] = field(default_factory=list)
    # health inputs, interactions, opportunities and recorded scores (docs/spec.md §7)
    usage: float | None = None
    renewal_intent: str | None = None
    p1_tickets: int | None = None
    nps: int | None = None
    interaction_days: list[date] = field(default_factory=list)
    opportunities: list[OpportunityView] = field(default_factory=list)
    health_scores: list[tuple[date, float | None]] = field(default_factory=list)  # oldest first
    left_on: dict[int, date] = field(default_factory=dict)  # contact id → day the history marked them left
    status: str = CUSTOMER
    renewal_date: date | None = None
    moves: dict[int, Move] = field(default_factory=dict)  # contact id → where they went, of those who moved
    flags: FlagFacts | None = None  # what the red flags read of the history and interactions (docs/spec.md §10)
    owner_steps: list[OwnerStepView] = field(default_factory=list)  # of its open owner handover plan
    early: EarlyFacts | None = None  # what the early warnings read (docs/spec.md §11), with `today`

    @property
    def health_inputs(self) -> dict[str, object]:
        return {"usage": self.usage, "renewal_intent": self.renewal_intent, "p1_tickets": self.p1_tickets,
                "nps": self.nps}  # fmt: skip

    def by_id(self) -> dict[int, ContactView]:
        return {c.id: c for c in self.contacts}

    @property
    def active_contacts(self) -> list[ContactView]:
        return [c for c in self.contacts if c.active]


# The contacts `kam check` looks at one by one, with a change ahead or behind them: a change date,
# one of these change risks, or one of these statuses. `AccountFacts.watched` is the rule in Python,
# `storage.migrations.WATCHED` the same rule in SQL, made from these two (a test holds them equal).
WATCH_RISKS = ("high", "confirmed")
WATCH_STATUSES = ("leaving", "left")


@dataclass(slots=True)
class AccountFacts:
    """What the checks look at in one account: counts over its active contacts, and the few people
    with a change ahead or behind them. Built from an AccountView (`checks.facts_of`) or straight
    from SQL aggregates (`reading.iter_account_facts`), so that a check over a million contacts
    does not load each of them; the rules (`checks.check_facts`) are the same either way."""

    name: str
    active: int = 0
    only_active: str | None = None  # the only active contact's name, when there is exactly one
    supporters: int = 0
    sole_supporter: tuple[int, str] | None = None  # (id, name) when exactly one active contact supports us
    has_decision_maker: bool = False
    departments: int = 0  # distinct departments given among active contacts
    department: str | None = None  # the department, when there is exactly one
    watch: list[ContactView] = field(default_factory=list)  # change date, high/confirmed risk, leaving or left
    steps: list[tuple[StepView, str]] = field(default_factory=list)  # open handover steps, departing contact's name
    # the account's profile, interactions, opportunities and health scores (docs/spec.md §7), with at least the
    # contacts linked to its opportunities; None when it has none of these (then §7 finds nothing)
    view: AccountView | None = None
    status: str = CUSTOMER
    moves: dict[int, Move] = field(default_factory=dict)  # of the watched people: where they went
    decision_makers: int = 0  # active contacts with final say or the decision_maker role
    # docs/spec.md §9: the owner, the stored tier and annual revenue (for the effective tier), and
    # the `our_contacts` of each active key contact (decision maker or champion)
    owner: str | None = None
    tier_inputs: tuple[str | None, float | None] = (None, None)
    key_people: list[tuple[str, ...]] = field(default_factory=list)
    # docs/spec.md §10: active champions, the active decision makers without an attitude, the red
    # flags' history and interaction facts
    champions: int = 0
    unknown_attitude: list[str] = field(default_factory=list)
    flags: FlagFacts | None = None
    owner_steps: list[OwnerStepView] = field(default_factory=list)  # open steps of the open owner handover plan
    early: EarlyFacts | None = None  # docs/spec.md §11: renewal, health inputs, owner handovers, engagement

    @staticmethod
    def watched(c: ContactView) -> bool:
        """The WATCH rule: a change date, a change risk in WATCH_RISKS or a status in WATCH_STATUSES."""
        return c.change_date is not None or c.change_risk in WATCH_RISKS or c.status in WATCH_STATUSES


# The counts over one account's active contacts, as read in SQL: account id, active, the only active
# contact's name (when exactly one), supporters, the sole supporter's id and name (when exactly one),
# how many decide, departments, the department (when one), how many are champions.
Counts = tuple[int, int, str | None, int, int | None, str | None, int, int, str | None, int]


@dataclass(slots=True)
class AccountBook:
    """What the checks need of every account (or the named ones), read before the counts are in, so
    that `kam check` works through the other findings while the counts are still being computed
    (`reading.read_account_book`). `counts()` waits for them: account id → `Counts`, for the
    accounts with an active contact."""

    accounts: list[tuple[int, str]]  # (id, name) in id order
    watch: dict[int, list[ContactView]]
    steps: dict[int, list[tuple[StepView, str]]]
    views: dict[int, AccountView]  # the accounts with a profile, interactions, opportunities or scores
    counts: Callable[[], dict[int, Counts]]
    statuses: dict[int, str] = field(default_factory=dict)  # the accounts that are not customers
    moves: dict[int, dict[int, Move]] = field(default_factory=dict)  # account id → its watched people who moved
    # account id → (owner, stored tier, annual revenue); → the `our_contacts` of its active key contacts
    profiles: dict[int, Profile] = field(default_factory=dict)
    key_people: dict[int, list[tuple[str, ...]]] = field(default_factory=dict)
    # account id → its active decision makers without an attitude; → its red flags' facts
    unknown_attitude: dict[int, list[str]] = field(default_factory=dict)
    flags: dict[int, FlagFacts] = field(default_factory=dict)
    owner_steps: dict[int, list[OwnerStepView]] = field(default_factory=dict)  # account id → open owner-plan steps
    early: dict[int, EarlyFacts] = field(default_factory=dict)  # account id → its early warnings' facts (§11)

    def status(self, id_: int) -> str:
        return self.statuses.get(id_, CUSTOMER)

    def facts(self, id_: int, name: str, counts: Counts | None = None) -> AccountFacts:
        """The account's facts, with its counts (None: no active contact)."""
        watch, steps, view = self.watch.get(id_, []), self.steps.get(id_, []), self.views.get(id_)
        status, moves = self.status(id_), self.moves.get(id_, {})
        owner, tier, revenue = self.profiles.get(id_, _NO_PROFILE)
        facts = AccountFacts(name, watch=watch, steps=steps, view=view, status=status, moves=moves, owner=owner,
                             tier_inputs=(tier, revenue), key_people=self.key_people.get(id_, []),
                             unknown_attitude=self.unknown_attitude.get(id_, []), flags=self.flags.get(id_),
                             owner_steps=self.owner_steps.get(id_, []), early=self.early.get(id_))  # fmt: skip
        if counts is not None:
            _, facts.active, facts.only_active, facts.supporters, sole_id, sole_name, dm, facts.departments, \
                facts.department, facts.champions = counts  # fmt: skip
            facts.sole_supporter = None if sole_id is None or sole_name is None else (sole_id, sole_name)
            facts.has_decision_maker, facts.decision_makers = bool(dm), dm
        return facts


Profile = tuple[str | None, str | None, float | None]  # an account's owner, stored tier and annual revenue
_NO_PROFILE: Profile = (None, None, None)
