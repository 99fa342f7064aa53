"""The contacts import's writes (docs/spec.md §3), inside a bulk load's transaction (`bulkload.bulk_load`).

1. each chunk of valid rows is matched to existing contacts (by email, else by account + name:
   `contact_matching`) and written with bulk statements (`contact_writes`): new accounts, new
   contacts, changed fields, history rows. A reference (`reports_to`, `successor`) by email to a
   contact already known is settled there (on SQLite, where the import picks the new ids); the
   others go to a staging table;
2. once the whole file is in, the staged references are resolved in SQL (so a row may point
   further down the file), checked and applied, with their history (`contact_references`).
"""

from __future__ import annotations

from datetime import datetime

from . import contact_references, unwritten_references
from .bulkload import BulkLoad
from .contact_matching import match
from .contact_rows import EmailFilter, ImportState, Row
from .contact_writes import add_accounts, write_chunk


class ContactImport(ImportState):
    """One pass of the import over the file, inside the bulk load's transaction."""

    def __init__(
        self, load: BulkLoad, *, display: str, source: str, now: datetime, excluded: set[int], expected_rows: int = 0,
        bad_lines: set[int] | None = None,
    ) -> None:  # fmt: skip
        super().__init__(load.sql, display=display, source=source, now=now, excluded=excluded, bad_lines=bad_lines)
        self.load = load
        self.expected_rows = expected_rows

    def begin(self) -> None:
        sql = self.sql
        sql.run(
            "CREATE TEMP TABLE IF NOT EXISTS kam_ref (contact_id INTEGER, field TEXT, account_id INTEGER,"
            " raw TEXT, ref_key TEXT, by_email INTEGER, target_id INTEGER, matches INTEGER)"
        )
        sql.run("DELETE FROM kam_ref")
        sql.run("CREATE TEMP TABLE IF NOT EXISTS kam_wanted (account_id INTEGER, name_key TEXT)")
        # what was there before: everything above these ids is this import's own
        self.contacts_before = sql.scalar("SELECT coalesce(max(id), 0) FROM contact")
        self.accounts_before = sql.scalar("SELECT coalesce(max(id), 0) FROM account")
        self.top = self.contacts_before
        self.account_top = self.accounts_before
        if not self.contacts_before:
            # into an empty database, the only contacts are this import's: it knows (almost) which
            # emails they have, and the database need not be asked about every row's
            if self.load.on("email-filter"):
                self.given = EmailFilter(self.expected_rows)
            self.load.defer_indexes()

    def add_chunk(self, rows: list[Row]) -> None:
        add_accounts(self, rows)
        matched = match(self, rows)
        if len(matched) < len(rows):  # rows refused by the matching: their references are checked too
            kept = set(map(id, matched))
            for r in rows:
                if id(r) not in kept and (r.reports_to or r.successor):
                    self.bad_references(
                        r.line, (r.account, r.account_key), r.name, r.email, (r.reports_to, r.successor)
                    )
        write_chunk(self, matched)

    def resolve(self) -> None:
        contact_references.resolve(self)
        unwritten_references.check(self)

    def skip_dependents(self) -> None:
        contact_references.skip_dependents(self)

    def finish(self) -> None:
        """History of what this import created, one row per account and contact, written in SQL;
        the indexes `begin` left out."""
        sql = self.sql
        self.load.build_deferred_indexes()
        at = sql.value(self.now)
        for entity, table, account in (("account", "account", "id"), ("contact", "contact", "account_id")):
            before = self.accounts_before if table == "account" else self.contacts_before
            sql.run(
                'INSERT INTO "change" (at, entity, entity_id, account_id, field, old, new, source)'
                f" SELECT ?, '{entity}', id, {account}, '*', NULL, 'created', ? FROM {table} WHERE id > ? ORDER BY id",
                (at, self.source, before),
            )
