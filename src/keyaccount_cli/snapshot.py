"""Plain, database-free views of an account, for the graph, the checks and the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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
class OpportunityView:
    id: int
    name: str
    amount: float | None = None
    stage: str | None = None
    close_date: date | None = None
    contact_ids: tuple[int, ...] = ()


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
    # health inputs, interactions, opportunities and recorded scores (SPEC §7)
    usage: float | None = None
    renewal_intent: str | None = None
    p1_tickets: int | None = None
    nps: int | None = None
    interaction_days: list[date] = field(default_factory=list)
    opportunities: list[OpportunityView] = field(default_factory=list)
    health_scores: list[tuple[date, float | None]] = field(default_factory=list)  # oldest first
    left_on: dict[int, date] = field(default_factory=dict)  # contact id → day the history marked them left

    @property
    def health_inputs(self) -> dict[str, object]:
        return {"usage": self.usage, "renewal_intent": self.renewal_intent, "p1_tickets": self.p1_tickets,
                "nps": self.nps}  # fmt: skip

    def by_id(self) -> dict[int, ContactView]:
        return {c.id: c for c in self.contacts}

    @property
    def active_contacts(self) -> list[ContactView]:
        return [c for c in self.contacts if c.active]
