"""Account status (SPEC §8): customer, prospect or lost; `kam set-account`; the coverage findings for
customers only; CHAMPION_MOVED."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date

import pytest

from keyaccount_cli.domain.checks import CheckOptions, check_accounts, check_book
from keyaccount_cli.domain.findings import SEVERITIES
from keyaccount_cli.domain.views import COVERAGE_CODES
from keyaccount_cli.storage.reading import iter_accounts, open_sqlite_reader, read_account_book

from .conftest import EXAMPLE, FIXTURES

# one contact at each account: SINGLE_CONTACT, SINGLE_SUPPORTER, NO_DECISION_MAKER; a tier with no
# interaction: FOLLOW_UP_OVERDUE
THIN = "account,name,department,attitude\nAlpha,Ann,IT,support\nBeta,Bob,IT,support\nGamma,Gil,IT,support\n"
ACCOUNTS = "account,tier,status\nAlpha,key,customer\nBeta,key,潜在客户\nGamma,key,流失\n"


def records(kam, *args):
    result = kam(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def statuses(kam):
    return {r["account"]: r["status"] for r in records(kam, "accounts")}


def thin_book(kam, write_csv):
    assert kam("import", write_csv(THIN)).exit_code == 0
    result = kam("import", write_csv(ACCOUNTS, "accounts.csv"), "--kind", "accounts")
    assert result.exit_code == 0, result.stderr


# --- the status: accounts CSV, `kam accounts`, `kam show` ----------------------------------------


def test_the_accounts_csv_sets_the_status_with_its_chinese_header_and_values(kam, write_csv):
    thin_book(kam, write_csv)
    assert statuses(kam) == {"Alpha": "customer", "Beta": "prospect", "Gamma": "lost"}
    again = write_csv("客户,状态\nAlpha,线索\nBeta,现有客户\nGamma,已流失\n", "again.csv")
    assert kam("import", again, "--kind", "accounts").exit_code == 0
    assert statuses(kam) == {"Alpha": "prospect", "Beta": "customer", "Gamma": "lost"}
    history = records(kam, "history", "Alpha")
    assert {"field": "status", "old": "customer", "new": "prospect", "source": "import again.csv"}.items() <= history[
        -1
    ].items()


def test_a_bad_status_in_the_accounts_csv_is_located_and_nothing_is_written(kam, write_csv):
    thin_book(kam, write_csv)
    bad = write_csv("account,tier,status\nAlpha,standard,customer\nBeta,key,client\n", "bad.csv")
    result = kam("import", bad, "--kind", "accounts")
    assert result.exit_code == 2
    assert "bad.csv" in result.stderr and "line 3" in result.stderr and "column 3" in result.stderr
    assert "'client'" in result.stderr and "customer, prospect, lost" in result.stderr
    assert records(kam, "show", "Alpha")[0]["tier"] == "key"  # the good row was not written either


def test_accounts_and_show_give_the_status_after_their_other_columns(kam, write_csv):
    thin_book(kam, write_csv)
    (alpha, beta, _) = records(kam, "accounts")
    assert list(alpha)[-1] == "status" and (alpha["status"], beta["status"]) == ("customer", "prospect")
    assert list(alpha)[:9] == ["account", "industry", "tier", "owner", "contacts", "departments", "supporters",
                               "decision_makers", "findings"]  # fmt: skip
    assert kam("accounts", "--format", "csv").stdout.splitlines()[0] == (
        "account,industry,tier,owner,contacts,departments,supporters,decision_makers,findings,renewal_date,tier_source,status"
    )
    table = kam("accounts").stdout
    assert "Status" in table.splitlines()[1] and "prospect" in table
    (page,) = records(kam, "show", "Beta")
    assert page["status"] == "prospect" and page["renewal_date"] is None
    assert "status: prospect" in kam("show", "Beta").stdout


@pytest.mark.sqlite_only
def test_the_accounts_of_an_older_database_are_customers(kam, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "kam-schema-0001.db", old)
    accounts = records(kam, "--db", old, "accounts")
    assert accounts and {a["status"] for a in accounts} == {"customer"}
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT count(*) FROM account WHERE status = 'customer'").fetchone()[0] == len(accounts)


# --- kam set-account ----------------------------------------------------------------------------


def test_set_account_changes_each_field_says_so_and_keeps_the_history(kam):
    kam("import", EXAMPLE)
    result = kam("set-account", "北辰制造", "--owner", "张敏", "--tier", "重点成长型", "--industry", "制造",
                 "--renewal-date", "2027-03-31", "--status", "lost", "--notes", "换了供应商")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "北辰制造: owner (none) → 张敏",
        "北辰制造: tier (none) → key",
        "北辰制造: industry (none) → 制造",
        "北辰制造: renewal date (none) → 2027-03-31",
        "北辰制造: status customer → lost",
        "北辰制造: notes (none) → 换了供应商",
    ]
    (page,) = records(kam, "show", "北辰制造")
    assert (page["owner"], page["tier"], page["industry"], page["renewal_date"], page["status"], page["notes"]) == (
        "张敏", "key", "制造", "2027-03-31", "lost", "换了供应商")  # fmt: skip
    changes = [
        (h["field"], h["old"], h["new"]) for h in records(kam, "history", "北辰制造") if h["source"] == "set-account"
    ]
    assert changes == [("owner", None, "张敏"), ("tier", None, "key"), ("industry", None, "制造"),
                       ("renewal_date", None, "2027-03-31"), ("status", "customer", "lost"), ("notes", None, "换了供应商")]  # fmt: skip
    # the same again changes nothing; "" clears
    assert kam("set-account", "北辰制造", "--owner", "张敏").stdout == "北辰制造: nothing changed\n"
    cleared = kam("set-account", "北辰制造", "--notes", "", "--status", "customer")
    assert cleared.stdout.splitlines() == ["北辰制造: status lost → customer", "北辰制造: notes 换了供应商 → (none)"]
    assert records(kam, "show", "北辰制造")[0]["notes"] is None


@pytest.mark.parametrize(("args", "words"), [
    ((), "give at least one of --owner, --tier, --industry, --renewal-date, --status, --notes"),
    (("--tier", "gold"), "--tier: unknown tier 'gold'; accepted: strategic, key, standard"),
    (("--status", "client"), "--status: unknown account status 'client'; accepted: customer, prospect, lost"),
    (("--status", ""), "--status: an account always has a status"),
    (("--renewal-date", "2027-02-30"), "--renewal-date: not a date '2027-02-30'"),
])  # fmt: skip
def test_set_account_refuses_bad_usage_with_one_line_and_writes_nothing(kam, args, words):
    kam("import", EXAMPLE)
    before = records(kam, "history", "北辰制造")
    result = kam("set-account", "北辰制造", "--owner", "张敏", *args) if args else kam("set-account", "北辰制造")
    assert result.exit_code == 2
    assert words in result.stderr and result.stderr.count("\n") == 1 and result.stdout == ""
    assert records(kam, "history", "北辰制造") == before


def test_set_account_of_an_unknown_account_is_one_line(kam):
    kam("import", EXAMPLE)
    result = kam("set-account", "Nobody Inc", "--status", "prospect")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "no account named 'Nobody Inc'" in result.stderr


# --- kam leave --moved-to: a prospect -----------------------------------------------------------


def test_an_account_made_by_leave_moved_to_is_a_prospect(kam):
    kam("import", EXAMPLE)
    assert kam("leave", "韩冰", "--on", "2026-10-31", "--moved-to", "远景能源").exit_code == 0
    assert (
        kam("leave", "杨帆", "--on", "2026-11-01", "--moved-to", "星河零售").exit_code == 0
    )  # known: stays a customer
    found = statuses(kam)
    assert (found["远景能源"], found["星河零售"], found["北辰制造"]) == ("prospect", "customer", "customer")


# --- the coverage findings: customers only ------------------------------------------------------


def test_the_coverage_findings_are_raised_for_customers_only(kam, write_csv):
    thin_book(kam, write_csv)
    args = ("--as-of", "2026-11-23", "check")
    found = records(kam, *args)
    by_account = {a: sorted(f["code"] for f in found if f["account"] == a) for a in ("Alpha", "Beta", "Gamma")}
    # a key account without an owner: OWNER_MISSING too, for the customer only (docs/spec.md §9)
    # and NO_CHAMPION, the red flag (docs/spec.md §10), for the customer only too
    by_customer = COVERAGE_CODES[:3] + ("FOLLOW_UP_OVERDUE", "OWNER_MISSING", "NO_CHAMPION")
    assert by_account == {"Alpha": sorted(by_customer), "Beta": [], "Gamma": []}
    table, csv = kam(*args).stdout, kam(*args, "--format", "csv").stdout
    assert "Alpha" in table and "Beta" not in table and "Gamma" not in table
    assert "Beta" not in csv and "Gamma" not in csv
    assert {r["account"]: r["findings"] for r in records(kam, "--as-of", "2026-11-23", "accounts")} == {
        "Alpha": 6, "Beta": 0, "Gamma": 0}  # fmt: skip
    assert records(kam, "--as-of", "2026-11-23", "show", "Beta")[0]["findings"] == []
    assert "Beta" not in kam("--as-of", "2026-11-23", "export", "findings").stdout


def test_health_and_report_count_the_coverage_findings_of_customers_only(kam, write_csv):
    assert kam("import", write_csv(THIN)).exit_code == 0
    scores = write_csv("account,owner,usage,status\nAlpha,Ann,90,customer\nBeta,Ann,90,prospect\n", "scores.csv")
    assert kam("import", scores, "--kind", "accounts").exit_code == 0
    health = {r["account"]: r for r in records(kam, "health")}
    assert (health["Alpha"]["score"], health["Alpha"]["deductions"]) == (90, 10)
    assert (health["Beta"]["score"], health["Beta"]["deductions"]) == (100, 0)
    (ann,) = [o for o in records(kam, "report")[0]["owners"] if o["owner"] == "Ann"]
    assert (ann["accounts"], ann["thin_accounts"], ann["no_decision_maker"]) == (2, 1, 1)


# --- CHAMPION_MOVED -----------------------------------------------------------------------------


def moved(kam, write_csv, *, attitude="support", roles="user"):
    """北辰制造's 韩冰 (here with this attitude and these roles) moved to 远景能源 on 2026-10-31."""
    kam("import", EXAMPLE)
    assert kam("set", "韩冰", "--attitude", attitude, "--role", roles).exit_code == 0
    assert kam("leave", "韩冰", "--on", "2026-10-31", "--kind", "transfer", "--moved-to", "远景能源").exit_code == 0


def champion_moved(kam, as_of="2026-11-23"):
    return [f for f in records(kam, "--as-of", as_of, "check") if f["code"] == "CHAMPION_MOVED"]


def test_a_supporter_who_moved_is_a_finding_that_names_both_accounts(kam, write_csv):
    moved(kam, write_csv)
    assert champion_moved(kam) == [{
        "code": "CHAMPION_MOVED", "severity": "medium", "account": "北辰制造", "contact": "韩冰",
        "date": "2026-10-31",
        "message": "supporter 韩冰 left 北辰制造 for 远景能源 on 2026-10-31; no interaction with them at 远景能源 logged since",
    }]  # fmt: skip
    assert "CHAMPION_MOVED" in kam("--as-of", "2026-11-23", "show", "北辰制造").stdout
    assert "CHAMPION_MOVED" in kam("--as-of", "2026-11-23", "check", "--format", "csv").stdout
    assert champion_moved(kam, "2027-01-28") == [champion_moved(kam)[0]]  # the 89th day
    assert champion_moved(kam, "2027-01-29") == []  # 90 days on: no longer


def test_a_champion_of_neutral_attitude_counts_and_a_neutral_user_does_not(kam, write_csv):
    moved(kam, write_csv, attitude="neutral", roles="champion")
    (found,) = champion_moved(kam)
    assert found["message"].startswith("champion 韩冰 left 北辰制造 for 远景能源")
    assert kam("set", "韩冰", "--account", "北辰制造", "--role", "user").exit_code == 0
    assert champion_moved(kam) == []


def test_an_interaction_with_them_at_the_new_account_since_they_left_ends_it(kam, write_csv):
    moved(kam, write_csv)
    # one before they left, and one with the account but without them: not enough
    kam("log", "远景能源", "intro", "--on", "2026-11-02")
    assert kam("log", "北辰制造", "farewell", "--contact", "韩冰", "--on", "2026-11-02").exit_code == 0
    assert len(champion_moved(kam)) == 1
    assert kam("log", "远景能源", "coffee", "--contact", "韩冰", "--on", "2026-11-20").exit_code == 0
    assert champion_moved(kam) == []


@pytest.mark.sqlite_only
def test_both_check_paths_find_the_same_champion_moved_and_status_findings(kam, isolated_db, write_csv):
    moved(kam, write_csv)
    kam("set-account", "星河零售", "--status", "lost")
    kam("set-account", "云帆医药", "--status", "prospect")
    reader = open_sqlite_reader(isolated_db.path, 1.0)
    assert reader is not None
    try:
        opts = CheckOptions(today=date(2026, 11, 23), horizon=date(2026, 12, 23))
        whole = check_accounts(iter_accounts(reader), opts)
        by_severity = check_book(read_account_book(reader, due=opts.horizon), opts)
        assert [f for severity in SEVERITIES for f in by_severity[severity]] == whole
        lines = check_book(read_account_book(reader, due=opts.horizon), opts, json=True)
        assert [line for severity in SEVERITIES for line in lines[severity]] == [
            json.dumps(f.as_record(), ensure_ascii=False) for f in whole
        ]
    finally:
        reader.close()
    assert "CHAMPION_MOVED" in {f.code for f in whole}
    assert not {f.code for f in whole if f.account in ("星河零售", "云帆医药")} & set(COVERAGE_CODES)


@pytest.mark.sqlite_only
def test_a_stored_status_kam_cannot_read_is_named_with_the_command_that_overwrites_it(kam, isolated_db, write_csv):
    thin_book(kam, write_csv)
    with sqlite3.connect(isolated_db.path) as conn:
        conn.execute("UPDATE account SET status = 'klient' WHERE name = 'Beta'")
    for command in (("check",), ("accounts",), ("show", "Beta")):
        result = kam(*command)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, command
        assert "column status: cannot read the stored value 'klient'" in result.stderr
        assert "kam set-account Beta --status VALUE" in result.stderr
    assert "'klient' is not one of customer, prospect, lost" in kam("db", "--check").stdout
    assert kam("set-account", "Beta", "--status", "prospect").stdout == "Beta: status klient → prospect\n"
    assert kam("check").exit_code == 1


def test_a_supporter_who_moved_without_a_date_moved_the_day_it_was_recorded(kam, write_csv):
    kam("import", EXAMPLE)
    path = write_csv("account,name,status,moved_to\n北辰制造,沈丽,left,远景能源\n", name="moved.csv")  # strong support
    assert kam("--as-of", "2026-11-23", "import", path).exit_code == 0
    found = [(f["date"], f["contact"]) for f in champion_moved(kam)]
    assert ("2026-11-23", "沈丽") in found
    assert "CHAMPION_MOVED" in kam("--as-of", "2026-11-23", "show", "北辰制造").stdout
