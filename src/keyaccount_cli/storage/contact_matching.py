"""Which stored contact each row of a chunk is (README: Upsert): by email, else by account and
name; a row that is neither is a new contact. Rows that clash are problems and are dropped."""

from __future__ import annotations

from collections import defaultdict

from .contact_rows import STORED_COLUMNS, ImportState, Row, Stored, stored

_COLUMNS = ", ".join(STORED_COLUMNS)
_JOINED = ", ".join(f"c.{c}" for c in STORED_COLUMNS)


def match(state: ImportState, rows: list[Row]) -> list[Row]:
    """The rows of the chunk without a problem, each with its contact's id (`target`) when it
    matched one; the chunk's accepted emails in `state.claimed`, its matched contacts in `state.existing`."""
    return _ChunkMatch(state, rows).run(rows)


class _ChunkMatch:
    def __init__(self, state: ImportState, rows: list[Row]) -> None:
        self.state = state
        sql = state.sql
        emails = state.maybe_stored(r.email for r in rows if r.email)
        self.by_email: dict[str, Stored] = {}
        for c in map(stored, sql.in_list(f"SELECT {_COLUMNS} FROM contact WHERE email IN (?)", emails)):
            self.by_email[c.email] = c  # type: ignore[index]
        # A row with an email that no contact has is a new contact, unless its account had a
        # contact of that name before this import (one without an email: it is given this one).
        # At an account this import created, that cannot be.
        by_email, before = self.by_email, state.accounts_before
        wanted = {(r.account_id, r.name_key) for r in rows
                  if not (r.email and (r.email in by_email or r.account_id > before))}  # fmt: skip
        self.by_name: dict[tuple[int, str], list[Stored]] = defaultdict(list)
        if wanted:
            sql.run("DELETE FROM kam_wanted")
            sql.many("INSERT INTO kam_wanted (account_id, name_key) VALUES (?, ?)", list(wanted))
            for c in map(stored, sql.stream(f"SELECT {_JOINED} FROM kam_wanted w JOIN contact c"
                                            " ON c.account_id = w.account_id AND c.name_key = w.name_key")):  # fmt: skip
                self.by_name[(c.account_id, c.name_key)].append(c)
        state.existing = {c.id: c for c in by_email.values()}
        # emails given by earlier accepted rows of this chunk, new or matched
        self.claimed: dict[str, Row] = {}
        state.claimed = self.claimed
        self.new_by_name: dict[tuple[int, str], Row] = {}

    def run(self, rows: list[Row]) -> list[Row]:
        state, by_email, by_name, claimed, new_by_name = (
            self.state, self.by_email, self.by_name, self.claimed, self.new_by_name)  # fmt: skip
        bad_emails, touched = state.bad_emails, state.touched
        out: list[Row] = []
        for r in rows:
            key = (r.account_id, r.name_key)
            email = r.email
            if (
                email
                and email not in by_email
                and email not in claimed
                and email not in bad_emails
                and key not in by_name
            ):
                new_by_name[key] = r  # the common case: a new contact, nobody to match or clash with
                claimed[email] = r
                out.append(r)
                continue
            before = state.problem_count
            self._decide(r)
            if state.problem_count > before:
                state.bad_row(r.line, r.account_key, r.name_key, r.name, email)
                continue
            if r.target is None:
                new_by_name[key] = r
            else:
                touched.set(r.target, r.line)
            if email:
                claimed[email] = r
            out.append(r)
        if state.given is not None:
            for email in claimed:
                state.given.add(email)
        return out

    def _decide(self, r: Row) -> None:
        """Set the row's `target`, or report why it cannot be imported."""
        state, email = self.state, r.email
        if email and (c := self.by_email.get(email)) is not None:
            self._same_email(r, c)
        elif (
            email and email in state.bad_emails and (bad := state.bad_emails[email])[1:3] != (r.account_key, r.name_key)
        ):
            # the same email on an invalid row for someone else: which one is right is for the user to say
            state.problem(r.line, "email", email, f"duplicate email: line {bad[0]} gives it to {bad[3]}")
        elif email and email in self.claimed:
            first = self.claimed[email]
            same = (first.account_key, first.name_key) == (r.account_key, r.name_key)
            state.problem(r.line, "email", email, f"the same contact as line {first.line}" if same
                          else f"duplicate email: line {first.line} gives it to {first.name}")  # fmt: skip
        else:
            self._same_name(r)

    def _same_email(self, r: Row, c: Stored) -> None:
        """A row with the email of a stored contact."""
        state, email = self.state, r.email
        if c.account_id != r.account_id:
            state.problem(r.line, "email", email, f"{email} belongs to {c.name} at another account")
        elif first := state.touched.get(c.id):
            state.problem(r.line, "email", email, f"the same contact as line {abs(first)}" if c.name_key == r.name_key
                          else f"duplicate email: line {abs(first)} gives it to {c.name}")  # fmt: skip
        else:
            r.target = c.id

    def _same_name(self, r: Row) -> None:
        """A row matched by account and name, if at all."""
        state, email, touched = self.state, r.email, self.state.touched
        key = (r.account_id, r.name_key)
        candidates = self.by_name.get(key, ())
        taken = [c for c in candidates if touched.get(c.id)]
        # a namesake with another email is another person (README: Upsert)
        free = [c for c in candidates if not touched.get(c.id) and not (email and c.email)]
        if not email and (taken or key in self.new_by_name):
            first = abs(touched.get(taken[0].id)) if taken else self.new_by_name[key].line
            state.problem(r.line, "name", r.name, f"the same contact as line {first}")
        elif len(free) > 1:
            state.problem(r.line, "name", r.name, f"{len(free)} contacts at {r.account} are called "
                          f"{r.name!r}; add their email to say which")  # fmt: skip
        elif free:
            r.target = free[0].id
            state.existing[free[0].id] = free[0]
