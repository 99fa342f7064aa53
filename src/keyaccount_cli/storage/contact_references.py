"""The contacts import's second pass: the staged references (reports-to, successor) resolved in
SQL once the whole file is in, checked (nobody, several people, another account, oneself, cycles)
and applied with their history; with --skip-invalid, the rows that name a skipped row."""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Sequence

from ..domain.keys import name_key, names_several, phone_key
from ..errors import SHOWN
from .contact_rows import REFERENCES, ImportState

CYCLE_NAMES = 20  # members a reports-to cycle's message names
_WRONG = "s.target_id IS NULL OR s.matches > 1 OR s.target_id = s.contact_id"


def resolve(state: ImportState) -> None:
    """Resolve, check and apply the staged references; each bad one is a problem on its row."""
    sql = state.sql
    sql.run(
        "UPDATE kam_ref SET target_id = (SELECT c.id FROM contact c WHERE c.email = kam_ref.ref_key"
        " AND c.account_id = kam_ref.account_id), matches = 1 WHERE by_email = 1"
    )
    sql.run(
        "UPDATE kam_ref SET target_id = (SELECT min(c.id) FROM contact c WHERE c.account_id = kam_ref.account_id"
        " AND c.name_key = kam_ref.ref_key), matches = (SELECT count(*) FROM contact c WHERE"
        " c.account_id = kam_ref.account_id AND c.name_key = kam_ref.ref_key) WHERE by_email = 0"
    )
    _by_phone(state)
    found = sql.all(f"SELECT s.contact_id, s.field, s.account_id, s.raw, s.ref_key, s.by_email, s.target_id,"
                    f" s.matches FROM kam_ref s WHERE {_WRONG}")  # fmt: skip
    for contact_id, f, account_id, raw, ref_key, by_email, target, matches in found:
        account = str(sql.scalar("SELECT name FROM account WHERE id = ?", (account_id,)))
        if target is None:
            msg = _names_nobody(state, account, raw, ref_key, by_email)
        elif matches > 1:
            msg = _names_several(state, account_id, account, raw, ref_key, by_email, matches)
        else:
            name = sql.scalar("SELECT name FROM contact WHERE id = ?", (contact_id,))
            msg = (
                f"{name} cannot report to themselves" if f == "reports_to" else f"{name} cannot be their own successor"
            )
        state.problem(abs(state.touched.get(contact_id)), f, raw, msg)
    if found:
        sql.run(f"UPDATE kam_ref SET target_id = NULL WHERE {_WRONG.replace('s.', '')}")
    # even with problems, apply the good references (rolled back later) so that reports-to cycles
    # are found in the same run: every bad row is reported at once
    _apply(state)


def _by_phone(state: ImportState) -> None:
    """The staged references written as a phone (`by_email` 2): the contacts of the account with
    that phone's digits."""
    sql = state.sql
    staged = sql.all("SELECT contact_id, field, account_id, ref_key FROM kam_ref WHERE by_email = 2")
    if not staged:
        return
    index: dict[tuple[int, str | None], list[int]] = defaultdict(list)
    query = "SELECT id, account_id, phone FROM contact WHERE phone IS NOT NULL AND account_id IN (?) ORDER BY id"
    for id_, account_id, phone in sql.in_list(query, sorted({a for _, _, a, _ in staged})):
        index[(account_id, phone_key(phone))].append(id_)
    for contact_id, f, account_id, key in staged:
        ids = index.get((account_id, key), [])
        sql.run("UPDATE kam_ref SET target_id = ?, matches = ? WHERE contact_id = ? AND field = ? AND by_email = 2",
                (ids[0] if ids else None, len(ids), contact_id, f))  # fmt: skip


def _names_several(state: ImportState, account_id: int, account: str, raw: str, key: str, by: int, n: int) -> str:
    """The message for a reference that names namesakes (or people sharing a phone)."""
    sql = state.sql
    if by == 2:
        rows = [row for row in sql.all("SELECT name, email, phone FROM contact WHERE account_id = ? AND phone IS NOT"
                                       " NULL ORDER BY id", (account_id,)) if phone_key(row[2]) == key]  # fmt: skip
    else:
        rows = sql.all("SELECT name, email, phone FROM contact WHERE account_id = ? AND name_key = ? ORDER BY id"
                       " LIMIT 5", (account_id, key))  # fmt: skip
    return names_several(raw, account, rows, n=n, by_phone=by == 2)


def _names_nobody(state: ImportState, account: str, raw: str, ref_key: str, by_email: int) -> str:
    elsewhere = None
    if by_email:
        elsewhere = state.sql.scalar("SELECT a.name FROM contact c JOIN account a ON a.id = c.account_id "
                                     "WHERE c.email = ?", (ref_key,))  # fmt: skip
    bad = state.bad_rows.get((name_key(account), ref_key))
    if elsewhere is not None:
        return f"{raw!r} is at another account ({elsewhere}); it must be a contact of {account}"
    if bad is not None:
        return f"{raw!r} is on line {bad}, which is invalid"
    return f"{raw!r} names nobody at {account}"


def _apply(state: ImportState) -> None:
    """Set the resolved references that differ from the contacts' own, all in SQL; each change
    to a contact that was there before this import is recorded in history."""
    sql, touched = state.sql, state.touched
    at = sql.value(state.now)
    for f, col in REFERENCES.items():
        differs = f"s.field = '{f}' AND s.target_id IS NOT NULL AND {sql.distinct(f'c.{col}', 's.target_id')}"
        sql.run(
            'INSERT INTO "change" (at, entity, entity_id, account_id, field, old, new, source)'
            f" SELECT ?, 'contact', c.id, c.account_id, '{f}', o.name, t.name, ? FROM kam_ref s"
            f" JOIN contact c ON c.id = s.contact_id JOIN contact t ON t.id = s.target_id"
            f" LEFT JOIN contact o ON o.id = c.{col} WHERE {differs} AND c.id <= ? ORDER BY c.id",
            (at, state.source, state.contacts_before),
        )
        if state.changes is not None:  # a reference of a contact that was there before, as the history has it
            for cid, account, name, old, new in sql.all(
                f"SELECT c.id, a.name, c.name, o.name, t.name FROM kam_ref s JOIN contact c ON c.id = s.contact_id"
                f" JOIN account a ON a.id = c.account_id JOIN contact t ON t.id = s.target_id"
                f" LEFT JOIN contact o ON o.id = c.{col} WHERE {differs} AND c.id <= ?", (state.contacts_before,)):  # fmt: skip
                state.changes.append((abs(touched.get(cid)), account, name, f, old, new, "updated"))
        ids = array("q")
        for (cid,) in sql.stream(f"SELECT c.id FROM kam_ref s JOIN contact c ON c.id = s.contact_id WHERE {differs}"):
            ids.append(cid)
            # a row that changed nothing but this reference has updated its contact after all
            if cid <= state.contacts_before and (line := touched.get(cid)) > 0:
                touched.set(cid, -line)
                state.unchanged -= 1
                state.updated += 1
        (state.plan_ids if f == "successor" else state.manager_set).extend(ids)
        if ids:
            sql.run(
                f"UPDATE contact SET {col} = s.target_id, updated_at = ? FROM kam_ref s"
                f" WHERE s.contact_id = contact.id AND s.field = '{f}' AND s.target_id IS NOT NULL"
                f" AND {sql.distinct(f'contact.{col}', 's.target_id')}",
                (state.now_db,),
            )
    _cycles(state, state.manager_set)


def _cycles(state: ImportState, starts: Sequence[int]) -> None:
    """Reports-to cycles through a manager this file set; reported on the file's rows."""
    if not starts:
        return
    parent = array("q", bytes(8 * (state.top + 1)))
    sql = state.sql
    edges = "SELECT c.id, c.reports_to_id FROM contact c WHERE c.reports_to_id IS NOT NULL"
    if 4 * len(starts) < state.top:  # a few managers set: only their accounts' chains are walked
        sql.run("CREATE TEMP TABLE IF NOT EXISTS kam_start (id INTEGER PRIMARY KEY)")
        sql.run("DELETE FROM kam_start")
        sql.many("INSERT INTO kam_start (id) VALUES (?)", [(s,) for s in set(starts)])
        edges += " AND c.account_id IN (SELECT DISTINCT s.account_id FROM kam_start k JOIN contact s ON s.id = k.id)"
    for cid, boss in sql.stream(edges):
        parent[cid] = boss
    state_of = bytearray(state.top + 1)  # 0 unseen, 1 on the current path, 2 done
    for start in starts:
        path = []
        node = start
        while node and state_of[node] == 0:
            state_of[node] = 1
            path.append(node)
            node = parent[node]
        if node and state_of[node] == 1:
            _report_cycle(state, path[path.index(node) :])
        for n in path:
            state_of[n] = 2


def _report_cycle(state: ImportState, cycle: list[int]) -> None:
    """A reports-to cycle as one problem, on the first of its rows in the file, naming its
    members from that row's (the first `CYCLE_NAMES`, then how many more); with --skip-invalid
    every row of it is skipped."""
    sql = state.sql
    # the cells that set these managers: staged ones as written, ones set on insert by email
    raws = dict(
        sql.in_list("SELECT contact_id, raw FROM kam_ref WHERE field = 'reports_to' AND contact_id IN (?)", cycle)
    )
    direct = [n for n in cycle if n not in raws and state.settled.get(n)]
    for cid, email in sql.in_list("SELECT c.id, t.email FROM contact c JOIN contact t ON t.id = c.reports_to_id"
                                  " WHERE c.id IN (?)", direct):  # fmt: skip
        raws[cid] = email  # the cell named the manager by this email (in any case)
    rows = sorted((abs(state.touched.get(cid)), cid) for cid in raws)
    if not rows:
        return
    line, first = rows[0]
    at = cycle.index(first)
    cycle = cycle[at:] + cycle[:at]
    named = cycle[:CYCLE_NAMES]
    names = dict(sql.in_list("SELECT id, name FROM contact WHERE id IN (?)", named))
    loop = " → ".join(names[n] for n in named)
    if len(cycle) > CYCLE_NAMES:
        message = (f"reports-to cycle of {len(cycle):,} contacts: {loop} and {len(cycle) - CYCLE_NAMES:,} more,"
                   f" back to {names[first]}")  # fmt: skip
    else:
        message = f"reports-to cycle: {loop} → {names[first]}"
    state.problem(line, "reports_to", raws[first], message)
    if state.bad_lines is not None:
        state.bad_lines.update(n for n, _ in rows)


def skip_dependents(state: ImportState) -> None:
    """With --skip-invalid, once the pass has found its problems: every row whose reports_to or
    successor names a contact that a skipped row creates is skipped too, and so on down, in one
    walk over who names whom (a chain of rows behind a bad one costs one walk, not a pass of
    the import per row); each is reported with the row it names."""
    assert state.bad_lines is not None
    before, touched, bad = state.contacts_before, state.touched, state.bad_lines
    named_by: dict[int, list[tuple[int, int]]] = defaultdict(list)  # contact → (who names it, field)
    for cid, target, k in state.sql.stream(
        "SELECT id, reports_to_id, 0 FROM contact WHERE reports_to_id > ?"
        " UNION ALL SELECT id, successor_id, 1 FROM contact WHERE successor_id > ?",
        (before, before),
    ):  # only the contacts this import creates are gone when their rows are skipped
        named_by[target].append((cid, k))
    todo = [t for t in named_by if abs(touched.get(t)) in bad]
    found: list[tuple[int, int, int, int]] = []  # (line, field, contact, line of the row it names)
    while todo:
        target = todo.pop()
        target_line = abs(touched.get(target))
        for cid, k in named_by.get(target, ()):
            line = abs(touched.get(cid))
            if line and line not in bad:
                bad.add(line)
                found.append((line, k, cid, target_line))
                todo.append(cid)
    found.sort()
    raws = _reference_cells(state, [(cid, k) for _, k, cid, _ in found[:SHOWN]])
    for line, k, cid, target_line in found:
        f = ("reports_to", "successor")[k]
        state.problem(line, f, raws.get((cid, k)), f"{f} names a row that is skipped (line {target_line})")


def _reference_cells(state: ImportState, refs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The cells (as written) of these references, (contact, 0 for reports_to or 1 for successor):
    staged ones from the staging table, ones settled on insert by the email of whom they name."""
    sql = state.sql
    cells = {(cid, int(f == "successor")): raw for cid, f, raw in sql.in_list(
        "SELECT contact_id, field, raw FROM kam_ref WHERE contact_id IN (?)", [cid for cid, _ in refs])}  # fmt: skip
    for col, k in (("reports_to_id", 0), ("successor_id", 1)):
        settled = [cid for cid, j in refs if j == k and (cid, k) not in cells]
        for cid, email in sql.in_list(f"SELECT c.id, t.email FROM contact c JOIN contact t ON t.id = c.{col}"
                                      " WHERE c.id IN (?)", settled):  # fmt: skip
            cells[(cid, k)] = email
    return cells
