"""The read path's speed choices change nothing a user sees: `kam health` and `kam report` tests
once more with the read trick off (KAM_READ_TRICKS=off), an unknown value refused, and the
key-person changes found among the watched contacts the same as among all of them."""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest

from keyaccount_cli.domain.checks import facts_of
from keyaccount_cli.domain.portfolio import change_day, key_person_changes
from keyaccount_cli.domain.views import AccountFacts, AccountView, ContactView

from . import test_health, test_report

for _module in (test_health, test_report):
    for _name, _test in vars(_module).items():
        if _name.startswith("test_") or _name in ("example_db", "load_example", "dataset", "dataset_db"):
            globals()[_name] = _test  # the tests, and the fixtures they use


@pytest.fixture(autouse=True)
def _tricks_off(monkeypatch):
    monkeypatch.setenv("KAM_READ_TRICKS", "off")


@pytest.mark.parametrize("command", ["accounts", "health", "report"])
def test_the_same_output_with_the_read_trick_on_and_off(kam, dataset, monkeypatch, command):
    off = kam("--as-of", "2026-11-23", command, "--format", "json")
    monkeypatch.setenv("KAM_READ_TRICKS", "on")
    on = kam("--as-of", "2026-11-23", command, "--format", "json")
    assert off.exit_code == on.exit_code == 0, off.stderr
    assert off.stdout == on.stdout and json.loads(on.stdout)


def test_an_unknown_read_tricks_value_is_one_line_and_exit_code_2(kam, dataset, monkeypatch):
    monkeypatch.setenv("KAM_READ_TRICKS", "sometimes")
    result = kam("accounts", "--format", "json")
    assert result.exit_code == 2
    # (the copied dataset's file mode is told first)
    assert result.stderr.strip().splitlines()[-1] == "kam: KAM_READ_TRICKS: 'sometimes' is neither on nor off"
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_everyone_with_a_change_day_is_watched():
    """`kam report` looks for key-person changes among the watched contacts only."""
    today = date(2026, 11, 23)
    people = [
        ContactView(
            i, 1, f"P{i}", roles=("champion",), status=status, change_date=day, successor_id=successor, change_risk=risk
        )  # fmt: skip
        for i, (status, day, successor, risk) in enumerate(
            itertools.product(
                ("active", "leaving", "left"), (None, date(2026, 10, 1)), (None, 99), (None, "low", "high")
            )
        )  # fmt: skip
    ]
    account = AccountView(id=1, name="ACME", contacts=people, left_on={p.id: date(2026, 9, 1) for p in people})
    assert all(AccountFacts.watched(c) for c in people if change_day(c, account.left_on) is not None)
    among = key_person_changes(account, today, 12, facts_of(account).watch)
    assert among == key_person_changes(account, today, 12) and len(among) == 18
