"""`kam report`: the dashboard's figures on a small hand-made dataset."""

from __future__ import annotations

import json
import sqlite3

import pytest

CONTACTS = """account,name,department,decision_power,roles,attitude,status,change_date,successor
Alpha,A1,IT,final,,support,,,
Alpha,A2,Finance,,,support,,,
Alpha,A3,IT,,decision_maker,,left,2026-10-01,A1
Alpha,A4,Sales,,champion,,left,2026-02-01,A2
Beta,B1,IT,,,support,,,
Gamma,G1,Sales,final,,support,,,
Gamma,G2,Sales,,,support,,,
"""
ACCOUNTS = """account,tier,owner,annual_revenue,usage,renewal_intent,p1_tickets,nps
Alpha,strategic,Ann,,90,proactive,0,10
Beta,,Ann,5000000,40,unclear,5,3
Gamma,standard,Bob,,60,satisfied,1,7
Delta,,,,,,,
"""
OPPORTUNITIES = """account,name,amount,stage,contacts
Alpha,Big,5000000,negotiation,A1;A3
Alpha,Multi,2000000,proposal,A1;A2
Beta,Solo,1000000,proposal,B1
Beta,Small,500000,proposal,B1
Gamma,Pair,3000000,proposal,G1;G2
Gamma,Done,9000000,won,G1
"""


def import_dataset(folder, db) -> None:
    from .conftest import Kam

    kam = Kam()
    for text, name, kind in ((CONTACTS, "c.csv", "contacts"), (ACCOUNTS, "a.csv", "accounts"),
                             (OPPORTUNITIES, "o.csv", "opportunities")):  # fmt: skip
        (folder / name).write_text(text, encoding="utf-8")
        assert kam("--db", db, "import", folder / name, "--kind", kind).exit_code == 0


@pytest.fixture(scope="module")
def dataset_db(tmp_path_factory):
    """The three files imported once; each test gets its own copy (on a server, each test
    imports them into its own schema)."""
    from .conftest import BACKEND

    if BACKEND != "sqlite":
        return None
    folder = tmp_path_factory.mktemp("dataset")
    import_dataset(folder, folder / "kam.db")
    return folder / "kam.db"


@pytest.fixture
def dataset(dataset_db, isolated_db, tmp_path):
    if dataset_db is None:
        import_dataset(tmp_path, isolated_db)
        return
    with sqlite3.connect(dataset_db) as src, sqlite3.connect(isolated_db.path) as dst:
        src.backup(dst)


def board(kam, *args, as_of="2026-11-23"):
    result = kam("--as-of", as_of, "report", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    (out,) = json.loads(result.stdout)
    return out


def test_accounts_by_tier_and_band(kam, dataset):
    scores = {r["account"]: (r["score"], r["band"]) for r in json.loads(kam("--as-of", "2026-11-23", "health", "-f", "json").stdout)}
    assert scores == {"Alpha": (90.0, "green"), "Beta": (17.0, "red"), "Gamma": (68.0, "yellow"), "Delta": (None, None)}
    assert board(kam)["tiers"] == [
        {"tier": "strategic", "red": 0, "yellow": 0, "green": 1, "no_score": 0, "total": 1},
        {"tier": "key", "red": 1, "yellow": 0, "green": 0, "no_score": 0, "total": 1},  # from the revenue
        {"tier": "standard", "red": 0, "yellow": 1, "green": 0, "no_score": 0, "total": 1},
        {"tier": "none", "red": 0, "yellow": 0, "green": 0, "no_score": 1, "total": 1},
    ]


def test_single_threaded_deals_and_changed_key_persons(kam, dataset):
    out = board(kam)
    single = out["single_threaded"]
    assert {k: single[k] for k in ("min_amount", "open_opportunities", "count", "share", "amount")} == {
        "min_amount": 1_000_000, "open_opportunities": 4, "count": 2, "share": 0.5, "amount": 6_000_000}
    assert [(o["opportunity"], o["coverage"], o["stability"]) for o in single["opportunities"]] == [
        ("Big", "single", "changed"), ("Solo", "single", "stable")]
    changed = out["key_person_changed"]
    assert (changed["count"], changed["amount"], [o["opportunity"] for o in changed["opportunities"]]) == (1, 5_000_000, ["Big"])
    higher = board(kam, "--min-amount", "2000000")["single_threaded"]
    assert (higher["open_opportunities"], higher["count"], higher["share"], higher["amount"]) == (3, 1, 0.333, 5_000_000)
    later = board(kam, as_of="2027-01-01")["key_person_changed"]  # A3 left more than 90 days before
    assert (later["count"], later["amount"]) == (0, 0)


def test_key_people_changes_and_coverage_per_owner(kam, dataset):
    out = board(kam)
    assert out["key_people_changes"] == [{"account": "Alpha", "changes": 2, "people": ["A4 2026-02-01", "A3 2026-10-01"]}]
    assert out["owners"] == [
        {"owner": "Ann", "accounts": 2, "active_contacts": 3, "thin_accounts": 1, "no_decision_maker": 1,
         "open_opportunities": 4, "single_threaded": 2, "contacts_per_account": 1.5},
        {"owner": "Bob", "accounts": 1, "active_contacts": 2, "thin_accounts": 0, "no_decision_maker": 0,
         "open_opportunities": 1, "single_threaded": 0, "contacts_per_account": 2.0},
        {"owner": None, "accounts": 1, "active_contacts": 0, "thin_accounts": 1, "no_decision_maker": 0,
         "open_opportunities": 0, "single_threaded": 0, "contacts_per_account": 0.0},
    ]  # fmt: skip


def test_report_as_csv_and_table(kam, dataset):
    lines = kam("--as-of", "2026-11-23", "report", "--format", "csv").stdout.splitlines()
    assert lines[0] == "section,item,measure,value"
    assert "single_threaded,,share,0.5" in lines and "key_people_changes,Alpha,changes,2" in lines
    assert "owners,Ann,thin_accounts,1" in lines
    table = kam("--as-of", "2026-11-23", "report").stdout
    assert "Single-threaded deals (open, at least 1,000,000): 2 of 4 (50%), amount 6,000,000" in table
    assert "Open deals whose key person changed in the last 90 days: 1, amount 5,000,000" in table


def test_report_on_a_missing_database(kam, isolated_db):
    result = kam("report")
    assert result.exit_code == 2 and "import contacts first" in result.stderr
    assert not isolated_db.exists()
