"""Which stored contact each row of a chunk is (README: Upsert): by email; else by phone (its
digits, at least 7) at the same account; else by account and name, unless the two carry different
emails or different phones, which makes them two people. A row that is none of them is a new
contact. Rows that clash are problems and are dropped."""

from __future__ import annotations

import shlex
from collections import defaultdict

from ..domain.keys import phone_digits, phone_key
from .contact_rows import STORED_COLUMNS, ImportState, Row, Stored, stored

_COLUMNS = ", ".join(STORED_COLUMNS)
_JOINED = ", ".join(f"c.{c}" for c in STORED_COLUMNS)
_TELL_APART = "if they are two people, give each an email or a phone"


def match(state: ImportState, rows: list[Row]) -> list[Row]:
    """The rows of the chunk without a problem, each with its contact's id (`target`) when it
    matched one; the chunk's accepted emails in `state.claimed`, its matched contacts in `state.existing`."""
    return _ChunkMatch(state, rows).run(rows)


def apart(r: Row, email: str | None, phone: str | None) -> bool:
    """Whether a row and a namesake (its email and phone) are two people: different emails, or
    different phones."""
    if r.email and email and r.email != email:
        return True
    mine, theirs = phone_digits(r.values.phone), phone_digits(phone)
    return bool(mine and theirs and mine != theirs)


class _ChunkMatch:
    def __init__(self, state: ImportState, rows: list[Row]) -> None:
        self.state = state
        sql = state.sql
        emails = state.maybe_stored(r.email for r in rows if r.email)
        self.by_email: dict[str, Stored] = {}
        for c in map(stored, sql.in_list(f"SELECT {_COLUMNS} FROM contact WHERE email IN (?)", emails)):
            self.by_email[c.email] = c  # type: ignore[index]
        # A row with an email that no contact has is a new contact, unless its account had a
        # contact of that name or phone before this import (one without an email: it is given this one).
        # At an account this import created, that cannot be.
        by_email, before = self.by_email, state.accounts_before
        undecided = [r for r in rows if not (r.email and (r.email in by_email or r.account_id > before))]
        wanted = {(r.account_id, r.name_key) for r in undecided}
        self.by_name: dict[tuple[int, str], list[Stored]] = defaultdict(list)
        if wanted:
            sql.run("DELETE FROM kam_wanted")
            sql.many("INSERT INTO kam_wanted (account_id, name_key) VALUES (?, ?)", list(wanted))
            for c in map(stored, sql.stream(f"SELECT {_JOINED} FROM kam_wanted w JOIN contact c"
                                            " ON c.account_id = w.account_id AND c.name_key = w.name_key")):  # fmt: skip
                self.by_name[(c.account_id, c.name_key)].append(c)
        self.by_phone = self._stored_phones(undecided)
        state.existing = {c.id: c for c in by_email.values()}
        # emails given by earlier accepted rows of this chunk, new or matched
        self.claimed: dict[str, Row] = {}
        state.claimed = self.claimed
        self.new_by_name: dict[tuple[int, str], list[Row]] = defaultdict(list)

    def _stored_phones(self, rows: list[Row]) -> dict[tuple[int, str], list[Stored]]:
        """The stored contacts that have the phone of one of these rows at its account."""
        keys = {(r.account_id, k) for r in rows if r.values.phone and (k := phone_key(r.values.phone))}
        found: dict[tuple[int, str], list[Stored]] = defaultdict(list)
        if keys:
            accounts = sorted({a for a, _ in keys})
            query = f"SELECT {_COLUMNS} FROM contact WHERE phone IS NOT NULL AND account_id IN (?) ORDER BY id"
            for c in map(stored, self.state.sql.in_list(query, accounts)):
                key = (c.account_id, phone_key(c.values.phone))
                if key in keys:
                    found[key].append(c)  # type: ignore[index]
        return found

    def run(self, rows: list[Row]) -> list[Row]:
        state, by_email, by_name, by_phone, claimed = (
            self.state, self.by_email, self.by_name, self.by_phone, self.claimed)  # fmt: skip
        new_by_name = self.new_by_name
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
                and (not by_phone or (r.account_id, phone_key(r.values.phone)) not in by_phone)
            ):
                new_by_name[key].append(r)  # the common case: a new contact, nobody to match or clash with
                claimed[email] = r
                out.append(r)
                continue
            before = state.problem_count
            self._decide(r)
            if state.problem_count > before:
                state.bad_row(r.line, r.account_key, r.name_key, r.name, email)
                continue
            if r.target is None:
                new_by_name[key].append(r)
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
        elif not self._same_phone(r):
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

    def _same_phone(self, r: Row) -> bool:
        """Whether the row is the stored contact with its phone at its account: the only one there
        with that phone (and no other email), not yet matched by another row. A phone that several
        share (an office's switchboard) says nothing; nor does one within the file: the name does."""
        pk = phone_key(r.values.phone)
        if pk is None:
            return False
        candidates = [c for c in self.by_phone.get((r.account_id, pk), ()) if not (r.email and c.email)]
        if len(candidates) != 1 or self.state.touched.get(candidates[0].id):
            return False
        r.target = candidates[0].id
        self.state.existing[r.target] = candidates[0]
        return True

    def _same_name(self, r: Row) -> None:
        """A row matched by account and name, if at all."""
        state, email, touched = self.state, r.email, self.state.touched
        key = (r.account_id, r.name_key)
        candidates = self.by_name.get(key, ())
        # a namesake with another email or another phone is another person (README: Upsert)
        same = [c for c in candidates if not apart(r, c.email, c.values.phone)]
        earlier = [x for x in self.new_by_name.get(key, ()) if not apart(r, x.email, x.values.phone)]
        taken = [c for c in same if touched.get(c.id)]
        free = [c for c in same if not touched.get(c.id)]
        if not email and (taken or earlier):
            first = abs(touched.get(taken[0].id)) if taken else earlier[0].line
            state.problem(r.line, "name", r.name, f"the same contact as line {first}; {_TELL_APART}")
        elif len(free) > 1:
            state.problem(r.line, "name", r.name, f"{len(free)} contacts at {r.account} are called "
                          f"{r.name!r}; add their email or phone to say which")  # fmt: skip
        elif free:
            r.target = free[0].id
            state.existing[free[0].id] = free[0]
        else:
            namesakes = [c for c in candidates if c.id <= state.contacts_before]
            if namesakes:
                state.warn(
                    r.line, possible_duplicate(r, namesakes[0], state.account_names.get(r.account_id, r.account))
                )


def possible_duplicate(r: Row, c: Stored, account: str) -> str:
    """The warning for a new contact whose name a contact of the account had before: how to make
    them one person, should they be."""
    shown = c.email or c.values.phone or c.name
    who = c.email or str(c.id)  # what `kam set` takes: the email, else the id
    given = []
    if r.email:
        given.append(f"--email {shlex.quote(r.email)}")
    if r.values.phone and phone_digits(r.values.phone) != phone_digits(c.values.phone):
        given.append(f"--phone {shlex.quote(str(r.values.phone))}")
    fix = f"kam set {shlex.quote(who)} {' '.join(given)}".rstrip()
    return f"possible duplicate: {r.name} already at {account} as {shown}; if it is the same person: {fix}"
