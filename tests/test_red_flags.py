"""The account-planning red flags (docs/spec.md §10): NO_CHAMPION, UNKNOWN_ATTITUDE, REORG,
NEW_DECISION_MAKER and CHAMPION_QUIET, with their windows in the config; `kam check --code` and the
config's `disabled_checks`."""

from __future__ import annotations

import json
from datetime import date

from keyaccount_cli.domain.red_flags import FlagFacts, RedFlagPolicy, red_flag_findings

FLAGS = ("NO_CHAMPION", "UNKNOWN_ATTITUDE", "REORG", "NEW_DECISION_MAKER", "CHAMPION_QUIET")
BOOK = (
    "account,name,email,roles,decision_power,attitude,reports_to,our_contacts\n"
    "ACME,Boss,boss@acme.example,decision_maker,final,,,Ann;Bob\n"
    "ACME,Fan,fan@acme.example,champion,major,support,boss@acme.example,Ann\n"
    "ACME,Dev,dev@acme.example,user,execution,neutral,fan@acme.example,\n"
    "ACME,Ops,ops@acme.example,user,execution,neutral,fan@acme.example,\n"
    "Beta,Chief,chief@beta.example,decision_maker,final,support,,Ann;Bob\n"
    "Beta,Aide,aide@beta.example,user,execution,support,chief@beta.example,\n"
    "Beta,Board,board@beta.example,user,execution,support,,\n"
)


def flags(kam, day, *args):
    result = kam("--as-of", day, "check", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.stderr
    return {(f["code"], f["account"], f["contact"], f["date"]) for f in json.loads(result.stdout) if f["code"] in FLAGS}


def test_a_book_fresh_from_its_first_import(kam, write_csv):
    assert kam("--as-of", "2026-09-01", "import", write_csv(BOOK)).exit_code == 0
    assert flags(kam, "2026-09-01") == {
        ("UNKNOWN_ATTITUDE", "ACME", "Boss", None),  # a decision maker nobody has read
        ("CHAMPION_QUIET", "ACME", "Fan", None),  # nothing logged with the champion yet
        ("NO_CHAMPION", "Beta", None, None),
    }  # the people an account was created with are not new decision makers
    assert kam("--as-of", "2026-09-01", "set", "Boss", "--attitude", "neutral").exit_code == 0
    assert kam("log", "ACME", "coffee", "--contact", "Fan", "--kind", "meeting", "--on", "2026-09-01").exit_code == 0
    assert flags(kam, "2026-10-31") == {("NO_CHAMPION", "Beta", None, None)}
    # 60 days on, the champion has gone quiet: dated with the last day still in time
    assert ("CHAMPION_QUIET", "ACME", "Fan", "2026-10-31") in flags(kam, "2026-11-01")


def test_reporting_lines_redrawn(kam, write_csv):
    assert kam("--as-of", "2026-09-01", "import", write_csv(BOOK)).exit_code == 0
    # one line redrawn, not a decision maker: not yet a reorganisation
    assert kam("--as-of", "2026-10-01", "set", "Dev", "--reports-to", "Boss").exit_code == 0
    assert not [f for f in flags(kam, "2026-10-02") if f[0] == "REORG"]
    assert kam("--as-of", "2026-10-05", "set", "Ops", "--reports-to", "Boss").exit_code == 0
    assert ("REORG", "ACME", None, "2026-10-05") in flags(kam, "2026-10-06")
    assert not [f for f in flags(kam, "2027-01-04") if f[0] == "REORG"]  # 91 days after the last change
    # a decision maker's line alone is one
    assert kam("--as-of", "2026-10-10", "set", "Chief", "--reports-to", "Board").exit_code == 0
    assert ("REORG", "Beta", None, "2026-10-10") in flags(kam, "2026-10-11")


def test_a_new_decision_maker_nobody_has_met(kam, write_csv):
    assert kam("--as-of", "2026-09-01", "import", write_csv(BOOK)).exit_code == 0
    assert kam("--as-of", "2026-10-01", "add", "ACME", "New CFO", "--power", "final", "--attitude", "neutral").exit_code == 0
    assert kam("--as-of", "2026-10-03", "set", "Aide", "--role", "decision_maker").exit_code == 0
    found = flags(kam, "2026-10-05")
    assert {("NEW_DECISION_MAKER", "ACME", "New CFO", "2026-10-01"), ("NEW_DECISION_MAKER", "Beta", "Aide", "2026-10-03")} <= found
    # a meeting with them ends it; 30 days on it is over anyway
    assert kam("log", "ACME", "intro", "--contact", "New CFO", "--kind", "meeting", "--on", "2026-10-04").exit_code == 0
    found = flags(kam, "2026-10-05")
    assert ("NEW_DECISION_MAKER", "ACME", "New CFO", "2026-10-01") not in found
    assert ("NEW_DECISION_MAKER", "Beta", "Aide", "2026-10-03") in found
    assert not [f for f in flags(kam, "2026-11-03") if f[0] == "NEW_DECISION_MAKER"]


def test_the_windows_are_in_the_config_and_codes_can_be_picked_or_turned_off(kam, write_csv, tmp_path):
    assert kam("--as-of", "2026-09-01", "import", write_csv(BOOK)).exit_code == 0
    assert kam("log", "ACME", "coffee", "--contact", "Fan", "--kind", "meeting", "--on", "2026-09-01").exit_code == 0
    config = tmp_path / "flags.yaml"  # not kam.yaml, which the database beside it would always read
    config.write_text("red_flags:\n  champion_quiet_days: 10\ndisabled_checks: [no_champion]\n", encoding="utf-8")
    found = flags(kam, "2026-09-20", "--config", str(config))
    assert ("CHAMPION_QUIET", "ACME", "Fan", "2026-09-11") in found
    assert not [f for f in found if f[0] == "NO_CHAMPION"]  # turned off everywhere
    accounts = json.loads(kam("--config", str(config), "--as-of", "2026-09-20", "accounts", "--format", "json").stdout)
    whole = json.loads(kam("--as-of", "2026-09-20", "accounts", "--format", "json").stdout)
    assert {a["account"]: a["findings"] for a in accounts}["Beta"] == {a["account"]: a["findings"] for a in whole}["Beta"] - 1
    only = json.loads(kam("--as-of", "2026-09-20", "check", "--code", "no_champion", "--code", "UNKNOWN_ATTITUDE",
                          "--format", "json").stdout)  # fmt: skip
    assert {f["code"] for f in only} == {"NO_CHAMPION", "UNKNOWN_ATTITUDE"}
    for args, words in ((("check", "--code", "NOPE"), "--code: unknown code 'NOPE'"),
                        (("--config", str(config), "check"), None)):  # fmt: skip
        result = kam(*args)
        if words:
            assert result.exit_code == 2 and words in result.stderr and "NO_CHAMPION" in result.stderr
    config.write_text("disabled_checks: [NO_CHAMPIONS]\n", encoding="utf-8")
    result = kam("--config", str(config), "check")
    assert result.exit_code == 2 and "disabled_checks: unknown code 'NO_CHAMPIONS'" in result.stderr


def test_prospects_get_no_red_flags(kam, write_csv):
    assert kam("--as-of", "2026-09-01", "import", write_csv(BOOK)).exit_code == 0
    assert kam("set-account", "Beta", "--status", "prospect").exit_code == 0
    assert {f[1] for f in flags(kam, "2026-09-01")} == {"ACME"}


def test_the_rules_on_plain_facts():
    policy, today = RedFlagPolicy(), date(2026, 11, 23)
    facts = FlagFacts(
        champions=[(1, "Fan", date(2026, 9, 24)), (2, "Old", date(2026, 9, 23))],
        reorg=[(3, "A", date(2026, 8, 25), False), (4, "B", date(2026, 8, 24), False)],  # 90 and 91 days back
        new_deciders=[(5, "C", date(2026, 11, 1), date(2026, 11, 2)), (6, "D", date(2026, 10, 24), None)],
    )
    found = red_flag_findings("ACME", 3, 2, [], facts, today, policy)
    assert [(f.code, f.contact, f.date) for f in found] == [
        ("CHAMPION_QUIET", "Old", date(2026, 11, 22)),
        ("NEW_DECISION_MAKER", "D", date(2026, 10, 24)),
    ]  # one line redrawn within 90 days is no reorganisation; C has been met
