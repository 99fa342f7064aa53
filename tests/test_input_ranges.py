"""Numbers and dates are refused at the input, with a located one-line message and exit code 2,
when they lie outside what kam can compute with: numbers must be finite and below 10^15 in
magnitude, dates between 1900-01-01 and 2999-12-31."""

from __future__ import annotations

import json

import pytest

BIG = "1" + "0" * 400
SHORT_BIG = "1" + "0" * 19 + "…" + "0" * 8  # how a Problem shows BIG: at most 40 characters
RANGE = "use a date from 1900-01-01 to 2999-12-31"


def refused(result, *expected):
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


def test_a_400_digit_amount_is_refused_with_its_location(kam, write_csv, isolated_db):
    kam("add", "ACME", "A")
    path = write_csv(f"account,name,amount\nACME,Fine,1200万\nACME,Huge,{BIG}\n", name="opps.csv")
    result = kam("import", path, "--kind", "opportunities")
    refused(result, f"kam: {path}, line 3, column 3 (amount), value '{SHORT_BIG}': ",
            "is out of range; expected less than 10^15")  # fmt: skip
    assert BIG not in result.stderr and "0" * 41 not in result.stderr
    assert result.stderr.splitlines()[-1] == "kam: nothing was written (1 problem)"
    assert isolated_db.count("opportunity") == 0
    report = kam("report", "--format", "json")
    assert report.exit_code == 0 and "Infinity" not in report.stdout and json.loads(report.stdout)


def test_a_400_digit_annual_revenue_and_too_many_tickets_are_refused(kam, write_csv, isolated_db):
    path = write_csv(f"account,annual_revenue,p1_tickets\nACME,{BIG},3000000000\n", name="accounts.csv")
    result = kam("import", path, "--kind", "accounts")
    refused(result, f"kam: {path}, line 2, column 2 (annual_revenue), value '{SHORT_BIG}': ",
            f"kam: {path}, line 2, column 3 (p1_tickets), value '3000000000': '3000000000' is out of range; "
            "expected between 0 and 100000")  # fmt: skip
    assert not isolated_db.exists() or isolated_db.count("account") == 0
    ok = write_csv("account,annual_revenue,p1_tickets\nACME,999999999999999,100000\n", name="ok.csv")
    assert kam("import", ok, "--kind", "accounts").exit_code == 0


@pytest.mark.parametrize("value", ["1e400", "1e15", "nan"])
def test_min_amount_must_be_finite_and_below_the_limit(kam, value):
    kam("add", "ACME", "A")
    result = kam("report", "--min-amount", value, "--format", "json")
    refused(result, "kam: --min-amount: ")
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_an_infinite_min_amount_in_the_config_is_refused(kam, tmp_path):
    config = tmp_path / "kam.yaml"
    config.write_text("min_amount: .inf\n", encoding="utf-8")
    refused(kam("--config", config, "report", "--format", "json"), f"kam: config {config}: min_amount must be a finite number", ".inf")


def test_dates_out_of_range_in_every_csv_are_refused_with_their_location(kam, write_csv, isolated_db):
    contacts = write_csv("account,name,change_date\nACME,A,0001-01-01\nACME,B,9999-12-31\n")
    result = kam("import", contacts)
    refused(result, f"kam: {contacts}, line 2, column 3 (change_date), value '0001-01-01': date '0001-01-01' is out of range; {RANGE}",
            f"kam: {contacts}, line 3, column 3 (change_date), value '9999-12-31'")  # fmt: skip
    assert not isolated_db.exists() or isolated_db.count("contact") == 0
    kam("add", "ACME", "A")
    opps = write_csv("account,name,close_date\nACME,Deal,9999-12-31\n", name="opps.csv")
    refused(kam("import", opps, "--kind", "opportunities"), f"kam: {opps}, line 2, column 3 (close_date), value '9999-12-31'")
    talks = write_csv("account,date,kind\nACME,0001-01-01,meeting\n", name="talks.csv")
    refused(kam("import", talks, "--kind", "interactions"), f"kam: {talks}, line 2, column 2 (date), value '0001-01-01'")
    assert isolated_db.count("opportunity") == 0 and isolated_db.count("interaction") == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_out_of_range_in_options_are_refused(kam, day):
    kam("add", "ACME", "A")
    refused(kam("leave", "A", "--on", day), f"kam: --on: date '{day}' is out of range; {RANGE}")
    refused(kam("set", "A", "--change-date", day), f"kam: --change-date: date '{day}' is out of range; {RANGE}")
    refused(kam("log", "ACME", "a call", "--on", day), f"kam: --on: date '{day}' is out of range")
    refused(kam("check", "--due", day), f"kam: --due: date '{day}' is out of range")
    assert kam("leave", "A", "--on", "2026-12-10").exit_code == 0
    refused(kam("handover", "A", "--done", "confirm", "--on", day), f"kam: --on: date '{day}' is out of range")
    contact = json.loads(kam("contacts", "ACME", "--format", "json").stdout)[0]
    assert contact["change_date"] == "2026-12-10"


@pytest.mark.parametrize("command", [["health"], ["report"], ["check"]])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_as_of_out_of_range_is_refused(kam, command, day):
    kam("add", "ACME", "A")
    result = kam("--as-of", day, *command)
    refused(result, f"kam: --as-of: date '{day}' is out of range; {RANGE}")
    assert len(result.stderr.splitlines()) == 1


def test_the_first_and_last_accepted_dates_work_everywhere(kam, write_csv):
    path = write_csv("account,name,status,change_date\nACME,A,leaving,2999-12-31\nACME,B,left,1900-01-01\n")
    assert kam("import", path).exit_code == 0
    assert kam("leave", "A", "--on", "2999-12-31").exit_code == 0
    for day in ("1900-01-01", "2999-12-31"):
        for command in (["check", "--due", "3m"], ["health"], ["report"], ["handover", "A"], ["show", "ACME"]):
            result = kam("--as-of", day, *command)
            assert result.exit_code in (0, 1), (command, result.stderr)
            assert "error" not in result.stderr, (command, result.stderr)


@pytest.mark.parametrize("as_of, due", [("2026-12-01", "100000w"), ("2026-12-01", "99999999d"), ("2999-12-31", "3m")])
def test_a_window_reaching_past_the_last_day_ends_there(kam, as_of, due):
    kam("add", "ACME", "A", "--change-date", "2999-12-31", "--status", "leaving", "--role", "decision_maker")
    result = kam("--as-of", as_of, "check", "--due", due, "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert "KEY_PERSON_LEAVING" in result.stdout
