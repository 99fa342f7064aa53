"""The schema, in one place.

Multi-valued fields (roles, concerns) are stored as `;`-joined canonical values,
which keeps the schema portable between SQLite and PostgreSQL and the import a
single-table write. Names and emails carry a case-folded key for matching.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DDL, Column, Date, Index, String, Table, UniqueConstraint, event, inspect, text
from sqlmodel import Field, SQLModel

from .migrations import ACCOUNT_COLUMNS, NAME_INDEX, OUR_SIDE_COLUMNS, SQLITE_COUNTS_INDEX, WATCHED


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table (SQLModel's types do not declare the `__table__` it sets)."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


class Account(SQLModel, table=True):
    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)
    industry: str | None = None
    tier: str | None = None
    owner: str | None = None
    annual_revenue: float | None = None
    usage: float | None = None
    renewal_intent: str | None = None
    p1_tickets: int | None = None
    nps: int | None = None
    notes: str | None = None
    created_at: datetime
    updated_at: datetime
    # docs/spec.md §8: customer, prospect or lost (`domain.vocab`); the default makes every account a customer
    # that a plain INSERT (the bulk load, the accounts import) writes or an older database holds. Both
    # columns are made by ACCOUNT_COLUMNS after CREATE TABLE, as the migration adds them (`system`).
    status: str = Field(
        default="customer", sa_column=Column("status", String, nullable=False, server_default="customer", system=True)
    )
    renewal_date: date | None = Field(default=None, sa_column=Column("renewal_date", Date, system=True))


class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_account_name", "account_id", "name_key"),
        Index("ix_contact_watched", "account_id", "id", sqlite_where=text(WATCHED), postgresql_where=text(WATCHED)),
        Index(NAME_INDEX, "name_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    name: str
    name_key: str
    email: str | None = Field(default=None, unique=True)
    phone: str | None = None
    title: str | None = None
    department: str | None = None
    roles: str | None = None
    decision_power: str | None = None
    attitude: str | None = None
    concerns: str | None = None
    can_sign: bool | None = None
    project_owner: bool | None = None
    reports_to_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    status: str = "active"
    change_risk: str | None = None
    change_date: date | None = None
    change_kind: str | None = None
    successor_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    moved_to_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    notes: str | None = None
    created_at: datetime
    updated_at: datetime
    # docs/spec.md §9: the names of our people who hold the relationship, `;`-joined (made by
    # OUR_SIDE_COLUMNS after CREATE TABLE, as migration 0009 adds it)
    our_contacts: str | None = Field(default=None, sa_column=Column("our_contacts", String, system=True))


for _statement in ACCOUNT_COLUMNS:
    event.listen(table_of(Account), "after_create", DDL(_statement))


class Relation(SQLModel, table=True):
    __tablename__ = "relation"
    __table_args__ = (UniqueConstraint("from_id", "to_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    from_id: int = Field(foreign_key="contact.id", index=True)
    to_id: int = Field(foreign_key="contact.id", index=True)
    kind: str
    created_at: datetime


class Change(SQLModel, table=True):
    """Append-only: one row for every field that changes on a contact or account."""

    __tablename__ = "change"
    __table_args__ = (Index("ix_change_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    entity: str  # "contact" or "account"
    entity_id: int
    account_id: int = Field(index=True)
    field: str
    old: str | None = None
    new: str | None = None
    source: str


class Handover(SQLModel, table=True):
    __tablename__ = "handover"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    kind: str | None = None
    change_date: date | None = None
    status: str = "open"  # open | closed
    opened_at: datetime


class HandoverStep(SQLModel, table=True):
    __tablename__ = "handover_step"

    id: int | None = Field(default=None, primary_key=True)
    handover_id: int = Field(foreign_key="handover.id", index=True)
    position: int
    step: str
    owner: str | None = None
    deadline: date | None = None
    status: str = "open"  # open | done
    done_on: date | None = None
    notes: str | None = None


class Interaction(SQLModel, table=True):
    __tablename__ = "interaction"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    on: date
    kind: str
    summary: str
    created_at: datetime
    # docs/spec.md §9: our person who had it, `by` in CSV and JSON (made by OUR_SIDE_COLUMNS, as migration 0009 adds it)
    by_person: str | None = Field(default=None, sa_column=Column("by_person", String, system=True))


event.listen(table_of(Contact), "after_create", DDL(OUR_SIDE_COLUMNS[0]))
event.listen(table_of(Interaction), "after_create", DDL(OUR_SIDE_COLUMNS[1]))
# after `our_contacts` is there: the index covers it
event.listen(table_of(Contact), "after_create", DDL(SQLITE_COUNTS_INDEX).execute_if(dialect="sqlite"))


class TeamMember(SQLModel, table=True):
    """One of our people on an account's team beside its owner (docs/spec.md §9), in a named role."""

    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("account_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str
    name_key: str
    role: str
    added_at: datetime


class OwnerHandover(SQLModel, table=True):
    """An owner handover plan (docs/spec.md §9): an account passed from one of our people to another."""

    __tablename__ = "owner_handover"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    from_owner: str
    to_owner: str
    reassigned_on: date
    status: str = "open"  # open | closed
    opened_at: datetime


class OwnerHandoverStep(SQLModel, table=True):
    __tablename__ = "owner_handover_step"

    id: int | None = Field(default=None, primary_key=True)
    owner_handover_id: int = Field(foreign_key="owner_handover.id", index=True)
    position: int
    step: str
    owner: str | None = None
    deadline: date | None = None
    status: str = "open"  # open | done
    done_on: date | None = None
    notes: str | None = None


class InteractionContact(SQLModel, table=True):
    __tablename__ = "interaction_contact"

    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True, index=True)


class Migration(SQLModel, table=True):
    """Named schema migrations applied to this database, in order."""

    __tablename__ = "migration"

    name: str = Field(primary_key=True)
    applied_at: datetime


class Opportunity(SQLModel, table=True):
    """A sales opportunity at an account; matched by (account, name) on import."""

    __tablename__ = "opportunity"
    __table_args__ = (UniqueConstraint("account_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str
    name_key: str
    amount: float | None = None
    stage: str | None = None
    close_date: date | None = None
    created_at: datetime
    updated_at: datetime


class OpportunityContact(SQLModel, table=True):
    __tablename__ = "opportunity_contact"

    opportunity_id: int = Field(foreign_key="opportunity.id", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True, index=True)


class HealthScore(SQLModel, table=True):
    """A recorded health score: one per account and day (re-recording a day replaces it)."""

    __tablename__ = "health_score"
    __table_args__ = (UniqueConstraint("account_id", "on"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    on: date
    score: float | None = None
    band: str | None = None
    detail: str | None = None  # JSON: points per dimension and deductions
    recorded_at: datetime
