"""Deterministic synthetic contacts in kam's canonical import columns.

Account sizes are skewed (Pareto): most accounts have one or two contacts, a few
have hundreds; about ten contacts per account on average. Within an account the
contacts form reports-to trees written in shuffled order, so many `reports_to`
cells name a contact further down the file. A few contacts are leaving, some
with a successor from the same account. Rows are streamed: memory stays constant.

    python bench/generate.py OUT.csv --rows N [--seed S] [--single-account N]
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta

HEADER = (
    "account", "name", "email", "phone", "title", "department", "roles", "decision_power",
    "attitude", "concerns", "can_sign", "project_owner", "reports_to", "status", "change_risk",
    "change_date", "change_kind", "successor", "notes",
)  # fmt: skip
AS_OF = date(2026, 11, 22)  # leavers' change dates fall within two months of this day
SINGLE_ACCOUNT = "Bench Single Account"
MAX_ACCOUNT_SIZE = 800
PARETO_ALPHA = 0.9  # tuned for ~10 contacts per account on average
LEAVER_SHARE = 0.02
ROOT_SHARE = 0.02  # share of non-first contacts without a manager

TITLES = ("CEO", "CIO", "Purchasing Director", "IT Manager", "Engineer", "Analyst", "Buyer")
DEPARTMENTS = ("Board", "IT", "Purchasing", "Finance", "Operations", "Legal", "Production")
ROLES = ("decision_maker", "influencer", "user", "procurement", "finance", "it", "legal",
         "champion", "blocker")  # fmt: skip
POWERS = ("final", "major", "execution", "")
ATTITUDES = ("strong_support", "support", "neutral", "reserved", "opposed", "")
CONCERNS = ("price", "features", "stability", "compliance", "integration")
CHANGE_KINDS = ("resignation", "transfer", "promotion")


def account_sizes(rows: int, rng: random.Random) -> Iterator[int]:
    """Skewed account sizes summing to exactly `rows`."""
    left = rows
    while left:
        size = min(int(rng.paretovariate(PARETO_ALPHA)), MAX_ACCOUNT_SIZE, left)
        left -= size
        yield size


def account_rows(account: str, size: int, first_id: int, rng: random.Random) -> list[list[str]]:
    """One account's contacts: a reports-to forest, leavers, rows in shuffled order."""
    domain = f"a{first_id}.example"
    emails = [f"c{first_id + i}@{domain}" for i in range(size)]
    # Each contact's manager comes earlier in creation order: no cycles.
    managers = [None if i == 0 or rng.random() < ROOT_SHARE else rng.randrange(i) for i in range(size)]
    rows = []
    for i, manager in enumerate(managers):
        leaving = size > 1 and rng.random() < LEAVER_SHARE
        successor = ""
        if leaving and rng.random() < 0.5:
            other = rng.randrange(size - 1)
            successor = emails[other + (other >= i)]
        rows.append(
            [
                account,
                f"Contact {first_id + i}",
                emails[i],
                f"+86 138{first_id + i:08d}",
                rng.choice(TITLES),
                rng.choice(DEPARTMENTS),
                ";".join(rng.sample(ROLES, rng.randint(1, 2))),
                rng.choice(POWERS),
                rng.choice(ATTITUDES),
                ",".join(rng.sample(CONCERNS, rng.randint(0, 2))),
                rng.choice(("yes", "no", "")),
                rng.choice(("no", "no", "no", "yes", "")),
                "" if manager is None else emails[manager],
                "leaving" if leaving else "active",
                "confirmed" if leaving else rng.choice(("low", "medium", "")),
                (AS_OF + timedelta(days=rng.randint(-60, 60))).isoformat() if leaving else "",
                rng.choice(CHANGE_KINDS) if leaving else "",
                successor,
                rng.choice(("", "", "met at the trade fair", "prefers email; 周一例会")),
            ]
        )
    rng.shuffle(rows)
    return rows


def generate(path: str, rows: int, seed: int = 42, single_account: bool = False) -> None:
    """Write `rows` contacts to `path` (all in one account if `single_account`)."""
    rng = random.Random(seed)
    sizes = iter([rows]) if single_account else account_sizes(rows, rng)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        first_id = 0
        for number, size in enumerate(sizes, 1):
            account = SINGLE_ACCOUNT if single_account else f"Account {number:06d}"
            writer.writerows(account_rows(account, size, first_id, rng))
            first_id += size


def workbook(csv_path: str, path: str) -> None:
    """The rows of the CSV `csv_path` as the one sheet of a workbook (openpyxl, write-only mode)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("contacts")
    with open(csv_path, newline="", encoding="utf-8") as source:
        for row in csv.reader(source):
            sheet.append(row)
    book.save(path)


def our_side(contacts: str, accounts: str, rows: int, people: int = 200, seed: int = 42) -> None:
    """The contacts of `generate` with an `our_contacts` column (docs/spec.md §9), and an accounts
    file giving every account one of `people` owners: each account's owner knows about two thirds of
    its contacts, another person of ours (its second) a third of them; some accounts have no second."""
    rng = random.Random(seed)
    staff = [f"Staff {i:03d}" for i in range(people)]
    teams: dict[str, tuple[str, str | None]] = {}
    with open(contacts, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow((*HEADER, "our_contacts"))
        first_id = 0
        for number, size in enumerate(account_sizes(rows, rng), 1):
            account = f"Account {number:06d}"
            owner, second = rng.sample(staff, 2)
            teams[account] = (owner, None if rng.random() < 0.3 else second)
            for row in account_rows(account, size, first_id, rng):
                knows = [owner] if rng.random() < 0.67 else []
                if teams[account][1] is not None and rng.random() < 0.33:
                    knows.append(second)
                writer.writerow((*row, ";".join(knows)))
            first_id += size
    with open(accounts, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(("account", "owner", "tier"))
        writer.writerows((account, owner, rng.choice(("strategic", "key", "standard", ""))) for account, (owner, _)
                         in teams.items())  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="CSV file to write")
    parser.add_argument("--rows", type=int, default=100_000, help="number of contacts")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--single-account", type=int, metavar="N",
        help=f"write N contacts of one account ({SINGLE_ACCOUNT!r}) instead",
    )  # fmt: skip
    args = parser.parse_args()
    if args.single_account:
        generate(args.out, args.single_account, args.seed, single_account=True)
    else:
        generate(args.out, args.rows, args.seed)


if __name__ == "__main__":
    main()
