"""The schema's migrations: one ordered registry of named steps. The schema version and the names
every open looks for in the `migration` table derive from it.

Importable without SQLAlchemy (the standard-library paths read the names): a step gets the
connection and the models' metadata from `db.migrate`, which runs the steps a database lacks. A new
database gets the current schema from the models at once, with every name recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from ..domain.views import WATCH_RISKS, WATCH_STATUSES

if TYPE_CHECKING:
    from sqlalchemy import MetaData
    from sqlalchemy.engine import Connection


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


# The contacts `kam check` looks at one by one (`AccountFacts.watched`, the same rule in Python): a
# change ahead or behind them. The partial index of migration 0004 holds just these (a few in a
# hundred), so the check reads them without a pass over every contact.
WATCHED = f"change_date IS NOT NULL OR change_risk IN ({_listed(WATCH_RISKS)}) OR status IN ({_listed(WATCH_STATUSES)})"

# who reports to, succeeds or moved to a contact (migration 0002); an import into an empty
# SQLite file builds them at its end
REFERENCE_INDEXES = ("ix_contact_reports_to_id", "ix_contact_successor_id", "ix_contact_moved_to_id")

# `kam check` counts each account's active contacts, supporters, deciders and departments, and reads
# what our side and the red flags need of its people (`book_counts`), in one pass over this index, in
# account order: no sort and no table pages (SQLite only; migration 0005, wider since 0010)
SQLITE_COUNTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_contact_counts ON contact"
    " (account_id, status, attitude, decision_power, roles, department, our_contacts, created_at, name)"
)

# a contact named by name alone (`kam history 王建华`) is found through this index (migration 0006)
NAME_INDEX = "ix_contact_name_key"


def _initial(conn: Connection, metadata: MetaData) -> None:
    metadata.create_all(conn)


def _reference_indexes(conn: Connection, metadata: MetaData) -> None:
    """Who reports to, succeeds or moved to a contact: looked up by handovers and `forget`."""
    for index in metadata.tables["contact"].indexes:
        if index.name in REFERENCE_INDEXES:
            index.create(conn, checkfirst=True)


def _portfolio_tables(conn: Connection, metadata: MetaData) -> None:
    """Opportunities with their contacts, and recorded health scores (docs/spec.md §7)."""
    for name in ("opportunity", "opportunity_contact", "health_score"):
        metadata.tables[name].create(conn, checkfirst=True)


def _watched_contacts(conn: Connection, metadata: MetaData) -> None:
    """A partial index of the contacts with a change ahead or behind them, for `kam check`."""
    for index in metadata.tables["contact"].indexes:
        if index.name == "ix_contact_watched":
            index.create(conn, checkfirst=True)


def _check_counts_index(conn: Connection, metadata: MetaData) -> None:
    """An index that gives `kam check` every account's counts in one ordered pass (SQLite; a server
    plans the grouped count on its own), as it was before 0009 added `our_contacts` (0010 widens it)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_contact_counts ON contact"
            " (account_id, status, attitude, decision_power, roles, department)"
        )


def _contact_name_index(conn: Connection, metadata: MetaData) -> None:
    """Contacts by name alone (a CONTACT argument): an index lookup, not a pass over every contact."""
    for index in metadata.tables["contact"].indexes:
        if index.name == NAME_INDEX:
            index.create(conn, checkfirst=True)


def _step_owners_follow_the_account(conn: Connection, metadata: MetaData) -> None:
    """Open steps stored a copy of the account's owner when their plan was opened: from now on a step
    without an owner of its own follows the account's owner as it is (docs/spec.md §8). No step could be given
    an owner of its own before, so the open steps of open plans let go of the copy; done steps keep
    who owned them."""
    conn.exec_driver_sql(
        "UPDATE handover_step SET owner = NULL WHERE status = 'open'"
        " AND handover_id IN (SELECT id FROM handover WHERE status = 'open')"
    )


# The account's status (docs/spec.md §8: customer, prospect or lost; an account there before is a customer)
# and renewal date: added to the table by these statements, for a new database too (the models
# leave the columns out of CREATE TABLE and run them after it), so that on SQLite a database
# upgraded by migration 0008 keeps the same table definition as a new one.
ACCOUNT_COLUMNS = (
    "ALTER TABLE account ADD COLUMN status VARCHAR DEFAULT 'customer' NOT NULL",
    "ALTER TABLE account ADD COLUMN renewal_date DATE",
)


def _account_status(conn: Connection, metadata: MetaData) -> None:
    """The account's status and renewal date (ACCOUNT_COLUMNS)."""
    for statement in ACCOUNT_COLUMNS:
        conn.exec_driver_sql(statement)


# Our side of the relationship (docs/spec.md §9): who on our side knows a contact (`our_contacts`,
# `;`-joined names, as roles are) and who had an interaction (`by`). Added after CREATE TABLE, for a
# new database too, as ACCOUNT_COLUMNS are.
OUR_SIDE_COLUMNS = (
    "ALTER TABLE contact ADD COLUMN our_contacts VARCHAR",
    "ALTER TABLE interaction ADD COLUMN by_person VARCHAR",
)
OUR_SIDE_TABLES = ("team_member", "owner_handover", "owner_handover_step")


def _our_side(conn: Connection, metadata: MetaData) -> None:
    """Who knows whom, who had an interaction, the account teams and the owner handover plans."""
    for statement in OUR_SIDE_COLUMNS:
        conn.exec_driver_sql(statement)
    for name in OUR_SIDE_TABLES:
        metadata.tables[name].create(conn, checkfirst=True)


def _wider_counts_index(conn: Connection, metadata: MetaData) -> None:
    """The counts index of 0005 made to cover `our_contacts`, `created_at` and `name` too (SQLite)."""
    if conn.dialect.name != "sqlite":
        return
    (sql,) = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_contact_counts'").one()
    if sql != SQLITE_COUNTS_INDEX.replace(" IF NOT EXISTS", ""):
        conn.exec_driver_sql("DROP INDEX ix_contact_counts")
        conn.exec_driver_sql(SQLITE_COUNTS_INDEX)


class Step(NamedTuple):
    """One migration: its name, recorded once applied, and what it does to a SQLAlchemy connection."""

    name: str
    apply: Callable[[Connection, MetaData], None]


# in order; a new step goes at the end, with a name that sorts after the others
MIGRATIONS: tuple[Step, ...] = (
    Step("0001_initial", _initial),
    Step("0002_reference_indexes", _reference_indexes),
    Step("0003_opportunities_and_health", _portfolio_tables),
    Step("0004_watched_contacts", _watched_contacts),
    Step("0005_check_counts_index", _check_counts_index),
    Step("0006_contact_name_index", _contact_name_index),
    Step("0007_step_owners_follow_the_account", _step_owners_follow_the_account),
    Step("0008_account_status", _account_status),
    Step("0009_our_side", _our_side),
    Step("0010_wider_counts_index", _wider_counts_index),
)

MIGRATION_NAMES = tuple(step.name for step in MIGRATIONS)
SCHEMA_VERSION = len(MIGRATIONS)
