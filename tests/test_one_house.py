"""One house: the layers import each other one way, without a cycle; one rule for a watched
contact on both sides of the database; one order of findings; one table of header aliases."""

from __future__ import annotations

import ast
import csv
import io
import itertools
import json
from pathlib import Path

from keyaccount_cli.domain.views import AccountFacts, ContactView

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "keyaccount_cli"
DRIVERS = ("sqlite3", "sqlalchemy", "sqlmodel", "psycopg")


def _imports() -> dict[str, set[str]]:
    """Module → what it imports (function-level imports too), as dotted names."""
    out: dict[str, set[str]] = {}
    for f in PACKAGE.rglob("*.py"):
        parts = ["keyaccount_cli", *f.relative_to(PACKAGE).with_suffix("").parts]
        is_pkg = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_pkg else parts)
        found: set[str] = set()
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[: len(base) - node.level + 1]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                found |= {mod} | {f"{mod}.{a.name}" for a in node.names}
        out[name] = found
    return out


def test_the_package_imports_without_a_cycle():
    graph = _imports()
    edges = {m: {t for t in targets if t in graph and t != m} for m, targets in graph.items()}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(m: str, path: list[str]) -> bool:
        state[m] = 1
        for t in sorted(edges[m]):
            if state.get(t) == 1:
                cycle.extend([*path[path.index(t) :], t] if t in path else [m, t])
                return True
            if t not in state and visit(t, [*path, t]):
                return True
        state[m] = 2
        return False

    assert not any(visit(m, [m]) for m in sorted(edges) if m not in state), " -> ".join(cycle)


def test_domain_import_table_and_export_run_no_sql_of_their_own():
    graph = _imports()
    for module, targets in graph.items():
        pure = module.startswith("keyaccount_cli.domain")
        if pure or module in ("keyaccount_cli.importing.tables", "keyaccount_cli.services.export"):
            drivers = {t for t in targets if t.split(".")[0] in DRIVERS}
            assert not drivers, f"{module} imports {sorted(drivers)}"
        if pure:  # pure rules on plain data: nothing from the database layer
            assert not {t for t in targets if t.startswith("keyaccount_cli.storage")}, module


def test_watched_is_one_rule_in_sql_and_in_python(isolated_db):
    from keyaccount_cli.storage.migrations import WATCHED

    combos = list(itertools.product((None, "2026-05-01"), (None, "low", "medium", "high", "confirmed", "other"),
                                    (None, "active", "leaving", "left", "other")))  # fmt: skip

    def literal(v: str | None) -> str:
        return "NULL" if v is None else f"'{v}'"

    values = ", ".join(f"({i}, {literal(d)}, {literal(r)}, {literal(s)})" for i, (d, r, s) in enumerate(combos))
    in_sql = dict(isolated_db.rows(
        f"WITH t(i, change_date, change_risk, status) AS (VALUES {values})"
        f" SELECT i, CASE WHEN ({WATCHED}) THEN 1 ELSE 0 END FROM t"
    ))  # fmt: skip
    for i, (day, risk, status) in enumerate(combos):
        c = ContactView(1, 1, "x", change_risk=risk, status=status, change_date=None if day is None else object())  # type: ignore[arg-type]
        assert bool(in_sql[i]) is AccountFacts.watched(c), (day, risk, status)


CONTACTS = "客户名称,姓名,邮箱,职位,角色,决策权,态度\n"


def test_a_contacts_file_names_its_account_with_any_account_alias(kam, write_csv, isolated_db):
    path = write_csv(CONTACTS + "华东电力集团,李雷,lilei@hd.example,IT总监,决策者,最终拍板,中度支持\n")
    result = kam("import", path)
    assert result.exit_code == 0, result.stderr
    assert isolated_db.rows("select a.name, c.name from contact c join account a on a.id = c.account_id") == [
        ("华东电力集团", "李雷")]  # fmt: skip
    accounts = write_csv("客户名称,行业\n华东电力集团,能源\n", name="accounts.csv")
    assert kam("import", accounts, "--kind", "accounts").exit_code == 0
    opportunities = write_csv("客户名称,商机,金额,联系人\n华东电力集团,二期,200万,李雷\n", name="opps.csv")
    assert kam("import", opportunities, "--kind", "opportunities").exit_code == 0
    interactions = write_csv("客户名称,日期,类型,联系人\n华东电力集团,2026-01-05,meeting,李雷\n", name="meet.csv")
    assert kam("import", interactions, "--kind", "interactions").exit_code == 0
    assert isolated_db.rows("select industry from account") == [("能源",)]
    assert isolated_db.count("opportunity_contact") == 1 and isolated_db.count("interaction_contact") == 1


def test_every_import_kind_knows_the_account_column_by_the_same_names():
    from keyaccount_cli.importing.columns import COLUMNS

    # relations and handovers (SPEC §8) name contacts, not accounts
    names = {kind: columns["account"] for kind, columns in COLUMNS.items() if "account" in columns}
    assert set(names) == {"contacts", "accounts", "opportunities", "interactions", "owner_handovers", "team"}
    assert set(COLUMNS) == set(names) | {"relations", "handovers"}
    assert len(set(names.values())) == 1 and "客户名称" in names["contacts"]


def test_check_export_and_show_list_findings_in_one_order(kam, write_csv):
    people = (
        "account,name,email,attitude,decision_power,department,status,change_risk,change_date\n"
        "beta,B1,b1@x.example,support,final,IT,leaving,confirmed,2026-01-10\n"
        "beta,B2,b2@x.example,,,IT,,,\n"
        "Alpha,A1,a1@x.example,,,Ops,left,,2025-12-01\n"
        "Alpha,A2,a2@x.example,neutral,,Ops,,high,\n"
        "Alpha,A3,a3@x.example,,,Ops,,,\n"
        "gamma,G1,g1@x.example,,,,,,\n"
    )
    assert kam("--as-of", "2026-01-01", "import", write_csv(people)).exit_code == 0
    found = json.loads(kam("--as-of", "2026-01-01", "check", "--format", "json").stdout)
    key = [(f["severity"], f["account"], f["code"], f["contact"], f["date"]) for f in found]
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    assert key == sorted(key, key=lambda k: (rank[k[0]], k[1].casefold(), k[4] or "9999", k[2], k[3] or ""))
    assert {k[0] for k in key} >= {"critical", "high", "medium"} and len({k[1] for k in key}) == 3
    as_csv = list(csv.reader(io.StringIO(kam("--as-of", "2026-01-01", "check", "--format", "csv").stdout)))
    exported = list(csv.reader(io.StringIO(kam("--as-of", "2026-01-01", "export", "findings").stdout)))
    assert as_csv == exported and [tuple(r[:3]) for r in exported[1:]] == [
        (f["code"], f["severity"], f["account"]) for f in found
    ]
    for account in ("Alpha", "beta"):
        page = json.loads(kam("--as-of", "2026-01-01", "show", account, "--format", "json").stdout)[0]
        assert page["findings"] == [f for f in found if f["account"] == account]
