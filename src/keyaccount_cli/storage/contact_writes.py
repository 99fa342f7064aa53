"""A matched chunk of the contacts import written: new accounts, new contacts, changed fields and
their history, and the references (reports-to, successor) staged for the end of the file."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..domain.keys import email_key, name_key, phone_key, written_as_phone
from ..domain.succession import needs_plan
from ..domain.vocab import history_text
from .contact_rows import CLEAR, CLEARED_VALUE, REFERENCES, SCALAR_FIELDS, Fields, ImportState, Row
from .statements import Sql

_INSERTED = ("account_id", "name_key", "created_at", "updated_at", *SCALAR_FIELDS)


def add_accounts(state: ImportState, rows: list[Row]) -> None:
    """Every row's `account_id`: accounts looked up, or created."""
    sql, now = state.sql, state.now_db
    missing = {r.account_key: r.account for r in rows if r.account_key not in state.accounts}
    if missing and state.accounts_before:  # those this import created are all in state.accounts
        for id_, key, name in sql.in_list(
            "SELECT id, name_key, name FROM account WHERE name_key IN (?)", list(missing)
        ):
            state.accounts[key] = id_
            state.account_names[id_] = name
            del missing[key]
    if missing:
        new = list(missing.items())
        if sql.qmark:  # ids chosen here, as for contacts (see `insert_contacts`)
            ids = range(state.account_top + 1, state.account_top + 1 + len(new))
            sql.many("INSERT INTO account (id, name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                     [(i, n, k, now, now) for i, (k, n) in zip(ids, new, strict=True)])  # fmt: skip
            state.accounts.update(zip(missing, ids, strict=True))
            state.account_top = ids[-1]
        else:
            sql.many("INSERT INTO account (name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?)",
                     [(n, k, now, now) for k, n in new])  # fmt: skip
            for id_, key in sql.in_list("SELECT id, name_key FROM account WHERE name_key IN (?)", list(missing)):
                state.accounts[key] = id_
        state.accounts_created += len(new)
        state.account_names.update((state.accounts[k], n) for k, n in new)
    accounts = state.accounts
    for r in rows:
        r.account_id = accounts[r.account_key]


def write_chunk(state: ImportState, rows: list[Row]) -> None:
    """The matched rows: contacts updated, new ones inserted, references staged."""
    fresh = [r for r in rows if r.target is None]
    for r in fresh:
        if CLEAR in r.values:  # nothing to clear on a new contact
            r.values = Fields._make(None if v == CLEAR else v for v in r.values)
    matched = [r for r in rows if r.target is not None]
    update_contacts(state, matched)
    clear_references(state, [r for r in matched if CLEAR in (r.reports_to, r.successor)])
    for r in fresh:
        if CLEAR in (r.reports_to, r.successor):
            r.reports_to, r.successor = (None if v == CLEAR else v for v in (r.reports_to, r.successor))
    known: dict[int, list[int | None]] = {}
    if state.sql.qmark:
        # SQLite: the new contacts' ids are chosen here, above the largest, so that references by
        # email to a contact already known are settled now (see `known_references`)
        for r, id_ in zip(fresh, range(state.top + 1, state.top + 1 + len(fresh)), strict=True):
            r.target = id_
        known = known_references(state, rows)
    if fresh:
        insert_contacts(state, fresh, known)
    stage = []
    for r in rows:
        if r.reports_to:
            stage.append(_ref(r, "reports_to", r.reports_to))
        if r.successor:
            stage.append(_ref(r, "successor", r.successor))
    # resolved once the whole file is in: a row may name someone further down
    state.sql.many("INSERT INTO kam_ref (contact_id, field, account_id, raw, ref_key, by_email) "
                   "VALUES (?, ?, ?, ?, ?, ?)", stage)  # fmt: skip


def insert_contacts(state: ImportState, fresh: list[Row], known: dict[int, list[int | None]]) -> None:
    sql, now = state.sql, state.now_db
    if sql.qmark:  # the ids are the import's (see `write_chunk`); a row may name one further down the chunk
        nothing = (None, None)
        params = [(r.target, *known.get(r.target, nothing), r.account_id, r.name_key, *r.values)  # type: ignore[arg-type]
                  for r in fresh]  # fmt: skip
        # the time (kam's own text) is written into the statement, and an empty status is `active`
        values = ["?", "?", "?", "?", "?", f"'{now}'", f"'{now}'"]
        values += ["coalesce(?, 'active')" if f == "status" else "?" for f in SCALAR_FIELDS]
        sql.many(f"INSERT INTO contact ({', '.join(('id', 'reports_to_id', 'successor_id', *_INSERTED))})"
                 f" VALUES ({', '.join(values)})", params)  # fmt: skip
        top: int = fresh[-1].target  # type: ignore[assignment]
    else:
        for r in fresh:
            if r.values.status is None:
                r.values = r.values._replace(status="active")
        params = [(r.account_id, r.name_key, now, now, *r.values) for r in fresh]
        sql.many(f"INSERT INTO contact ({', '.join(_INSERTED)}) VALUES ({', '.join('?' * len(_INSERTED))})", params)
        found = {email or (account_id, key): id_ for id_, account_id, key, email in sql.run(
            "SELECT id, account_id, name_key, email FROM contact WHERE id > ?", (state.top,))}  # fmt: skip
        for r in fresh:
            r.target = found[r.email or (r.account_id, r.name_key)]
        top = max(found.values())
    state.top = top
    lines = state.touched.reserve(top)
    for r in fresh:
        lines[r.target] = r.line  # type: ignore[index]
    if state.changes is not None:
        names = state.account_names
        state.changes += [(r.line, names[r.account_id], r.name, None, None, None, "created") for r in fresh]
    state.plan_ids += [r.target for r in fresh  # type: ignore[misc]
                       if needs_plan(r.values.status, r.values.change_risk, r.values.change_date)]  # fmt: skip
    state.created += len(fresh)


def known_references(state: ImportState, rows: list[Row]) -> dict[int, list[int | None]]:
    """References by email to a contact at the row's account that is already known (in the
    database or in this chunk) are settled at once: a new contact's go into its INSERT (returned:
    contact id → [reports_to_id, successor_id]); a matched contact's that name whom it names
    already are dropped. The rest is staged and resolved once the whole file is in."""
    known = {email: (r.target, r.account_id) for email, r in state.claimed.items()}
    by_email = []  # (row, 0 for reports_to or 1 for successor, email)
    for r in rows:
        if r.reports_to and "@" in r.reports_to:
            by_email.append((r, 0, r.reports_to.lower()))
        if r.successor and "@" in r.successor:
            by_email.append((r, 1, r.successor.lower()))
    missing = state.maybe_stored({email for *_, email in by_email if email not in known})
    for email, id_, account_id in state.sql.in_list(
        "SELECT email, id, account_id FROM contact WHERE email IN (?)", missing
    ):
        known[email] = (id_, account_id)
    found: dict[int, list[int | None]] = {}
    existing = state.existing
    for r, k, email in by_email:
        target = known.get(email)
        if target is None or target[1] != r.account_id or target[0] == r.target:
            continue  # someone further down the file, or a problem the end reports
        c = existing.get(r.target)  # type: ignore[arg-type]
        if c is not None:  # a matched contact: only a reference that stays as it is is settled here
            if (c.reports_to_id, c.successor_id)[k] != target[0]:
                continue
        else:
            found.setdefault(r.target, [None, None])[k] = target[0]  # type: ignore[arg-type]
            if k == 0:
                state.manager_set.append(r.target)  # type: ignore[arg-type]
        if k == 0:  # remembered, so that a cycle through this row's cell is reported on its line
            state.settled.set(r.target, 1)  # type: ignore[arg-type]
            r.reports_to = None
        else:
            r.successor = None
    return found


def update_contacts(state: ImportState, rows: list[Row]) -> None:
    """Compare matched rows with their contacts; write and record what changed (a `-` cell clears)."""
    sql, now, changes = state.sql, state.now_db, state.changes
    history: list[tuple[Any, ...]] = []
    grouped: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        c = state.existing[r.target]  # type: ignore[index]
        old, new = c.values, r.values
        if new == old:
            state.unchanged += 1
            continue
        changed = [f for f, v, o in zip(SCALAR_FIELDS, new, old, strict=True) if v is not None and v != o]
        if changed and changed[0] == "name" and r.name_key == c.name_key:
            del changed[0]  # the same name in other capitals or spacing is not a rename
        cleared: set[str] = set()
        if CLEAR in new:
            new, changed, cleared = _cleared(old, new, changed)
        if not changed:
            state.unchanged += 1
            continue
        for f in changed:
            before, after = _stored(sql, f, getattr(old, f)), sql.python(f, getattr(new, f))
            history.append(("contact", c.id, c.account_id, f, before, after))
            if changes is not None:
                changes.append((r.line, state.account_names[c.account_id], r.name, f, history_text(before),
                                history_text(after), "cleared" if f in cleared else "updated"))  # fmt: skip
        state.cleared += len(cleared)
        cols = tuple(changed)
        values = [getattr(new, f) for f in changed]
        if changed[0] == "name":
            cols, values = (*cols, "name_key"), [*values, r.name_key]
        grouped[cols].append((*values, now, c.id))
        state.updated += 1
        state.touched.set(c.id, -r.line)
        if needs_plan(*_merged(old, new, cleared)):
            state.plan_ids.append(c.id)
    for cols, params in grouped.items():
        sql.update_contacts((*cols, "updated_at"), params)
    write_history(state, history)


def _cleared(old: Fields, new: Fields, changed: list[str]) -> tuple[Fields, list[str], set[str]]:
    """A row with `-` cells: its values with those fields cleared, the fields that change, and
    those of them cleared (a field that is already empty is not)."""
    values = list(new)
    dashed, cleared = set(), set()
    for k, f in enumerate(SCALAR_FIELDS):
        if values[k] == CLEAR:
            dashed.add(f)
            values[k] = CLEARED_VALUE.get(f)
            if old[k] != values[k]:
                cleared.add(f)
    return Fields._make(values), [f for f in changed if f not in dashed or f in cleared], cleared


def _merged(old: Fields, new: Fields, cleared: set[str]) -> tuple[Any, Any, Any]:
    """Status, change risk and change date once the row is applied (an empty cell keeps the value)."""
    return tuple(  # type: ignore[return-value]
        getattr(new, f) if getattr(new, f) is not None or f in cleared else getattr(old, f)
        for f in ("status", "change_risk", "change_date")
    )


def clear_references(state: ImportState, rows: list[Row]) -> None:
    """The matched rows' `-` in reports_to or successor: the reference dropped, with its history."""
    if not rows:
        return
    sql = state.sql
    for f, col in REFERENCES.items():
        mine = [r for r in rows if getattr(r, f) == CLEAR]
        for r in mine:
            setattr(r, f, None)
        ids = [r.target for r in mine]
        olds = dict(sql.in_list(f"SELECT c.id, o.name FROM contact c JOIN contact o ON o.id = c.{col}"
                                " WHERE c.id IN (?)", ids))  # fmt: skip
        history = []
        for r in mine:
            if r.target not in olds:
                continue  # nobody to clear
            c = state.existing[r.target]  # type: ignore[index]
            history.append(("contact", c.id, c.account_id, f, olds[c.id], None))
            sql.run(f"UPDATE contact SET {col} = NULL, updated_at = ? WHERE id = ?", (state.now_db, c.id))
            if state.changes is not None:
                state.changes.append((r.line, state.account_names[c.account_id], r.name, f, olds[c.id], None,
                                      "cleared"))  # fmt: skip
            if (line := state.touched.get(c.id)) > 0:  # the row changed nothing else
                state.touched.set(c.id, -line)
                state.unchanged -= 1
                state.updated += 1
            if f == "successor":
                state.plan_ids.append(c.id)
        state.cleared += len(history)
        write_history(state, history)


def _ref(r: Row, f: str, raw: str) -> tuple[Any, ...]:
    if "@" in raw:
        return (r.target, f, r.account_id, raw, email_key(raw), 1)
    if written_as_phone(raw):
        return (r.target, f, r.account_id, raw, phone_key(raw), 2)
    return (r.target, f, r.account_id, raw, name_key(raw), 0)


def write_history(state: ImportState, rows: list[tuple[Any, ...]]) -> None:
    """History rows of (entity, id, account id, field, old value, new value)."""
    at = state.sql.value(state.now)
    state.sql.many(
        'INSERT INTO "change" (at, entity, entity_id, account_id, field, old, new, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [(at, e, i, a, f, history_text(o), history_text(n), state.source) for e, i, a, f, o, n in rows],
    )


def _stored(sql: Sql, field_name: str, value: Any) -> Any:
    """A stored value for the history; one that cannot be read (a damaged day) as it is stored,
    which the import overwrites."""
    try:
        return sql.python(field_name, value)
    except (TypeError, ValueError):
        return value
