"""Plain baseline importer: stdlib `csv` + `sqlite3` only, the yardstick for `kam import`.

One transaction; accounts matched by name, contacts upserted by email, then
`reports_to` and `successor` resolved by email or name in a second pass.
The file is streamed.

    python bench/baseline.py FILE.csv DB
"""

from __future__ import annotations

import csv
import sqlite3
import sys

COLUMNS = (
    "name", "email", "phone", "title", "department", "roles", "decision_power", "attitude",
    "concerns", "can_sign", "project_owner", "reports_to", "status", "change_risk",
    "change_date", "change_kind", "successor", "notes",
)  # fmt: skip
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    {", ".join(f"{column} TEXT" for column in COLUMNS)},
    reports_to_id INTEGER REFERENCES contacts(id),
    successor_id INTEGER REFERENCES contacts(id)
);
CREATE UNIQUE INDEX IF NOT EXISTS contacts_email ON contacts(email COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS contacts_account_name ON contacts(account_id, name);
"""
UPSERT = f"""
INSERT INTO contacts (account_id, {", ".join(COLUMNS)}) VALUES (?, {", ".join("?" * len(COLUMNS))})
ON CONFLICT(email COLLATE NOCASE) DO UPDATE SET account_id = excluded.account_id,
    {", ".join(f"{column} = excluded.{column}" for column in COLUMNS if column != "email")}
"""
RESOLVE = """
UPDATE contacts SET {id} = coalesce(
    (SELECT m.id FROM contacts m WHERE m.email = contacts.{ref} COLLATE NOCASE),
    (SELECT m.id FROM contacts m WHERE m.account_id = contacts.account_id AND m.name = contacts.{ref}))
WHERE {ref} IS NOT NULL
"""


def import_csv(path: str, db: str) -> int:
    """Import the contacts in `path` into `db`; return the number of rows."""
    connection = sqlite3.connect(db, isolation_level=None)
    connection.executescript(SCHEMA)
    account_ids: dict[str, int] = {}
    rows = 0
    connection.execute("BEGIN")
    with open(path, newline="", encoding="utf-8-sig") as file:
        for record in csv.DictReader(file):
            account = record["account"]
            key = account.casefold()
            if key not in account_ids:
                connection.execute("INSERT OR IGNORE INTO accounts (name) VALUES (?)", (account,))
                (account_ids[key],) = connection.execute(
                    "SELECT id FROM accounts WHERE name = ?", (account,)
                ).fetchone()
            values = [record.get(column) or None for column in COLUMNS]
            connection.execute(UPSERT, [account_ids[key], *values])
            rows += 1
    for ref in ("reports_to", "successor"):
        connection.execute(RESOLVE.format(id=f"{ref}_id", ref=ref))
    connection.execute("COMMIT")
    connection.close()
    return rows


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    print(f"{import_csv(sys.argv[1], sys.argv[2])} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
