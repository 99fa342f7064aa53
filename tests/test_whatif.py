"""`kam whatif` (docs/spec.md §10): the findings `kam check` would add if these people left today
(the columns and JSON keys of `kam check`), the coverage before → after, and nothing written."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from keyaccount_cli.domain.checks import CheckOptions
from keyaccount_cli.domain.findings import Finding
from keyaccount_cli.domain.views import AccountView, ContactView, StepView
from keyaccount_cli.domain.vocab import DEFAULT_DEADLINES
from keyaccount_cli.domain.whatif import Leavers, impact, left_today, new_findings

from .conftest import EXAMPLE, ROOT

TODAY = "2026-11-23"
KEYS = ["code", "severity", "account", "contact", "date", "message"]

SMALL = (
    "account,name,email,department,roles,decision_power,attitude,our_contacts\n"
    "ACME,Boss,boss@acme.example,Board,decision_maker,final,support,张伟\n"
    "ACME,Wang,wang@acme.example,Buying,champion,major,strong_support,张伟;李雷\n"
    "ACME,Eng,eng@acme.example,IT,it,execution,neutral,李雷\n"
    "Beta,Chief,chief@beta.example,Ops,decision_maker,final,support,王芳\n"
    "Beta,Aide,aide@beta.example,Ops,user,execution,neutral,\n"
)
ACCOUNTS = "account,tier,owner\nACME,strategic,张伟\nBeta,key,王芳\n"


def example(kam):
    assert kam("import", EXAMPLE).exit_code == 0
    assert kam("import", ROOT / "examples" / "accounts.csv", "--kind", "accounts").exit_code == 0


def small(kam, write_csv):
    assert kam("import", write_csv(SMALL)).exit_code == 0
    assert kam("import", write_csv(ACCOUNTS, "accounts.csv"), "--kind", "accounts").exit_code == 0


def json_of(kam, *args, code=0):
    result = kam("--as-of", TODAY, *args, "--format", "json")
    assert result.exit_code == code, result.stderr
    return json.loads(result.stdout)


def added(before, after):
    """The findings of `after` not in `before`, by code, account, contact and date."""
    there = Counter((f["code"], f["account"], f["contact"], f["date"]) for f in before)
    out = []
    for f in after:
        key = (f["code"], f["account"], f["contact"], f["date"])
        if there[key]:
            there[key] -= 1
        else:
            out.append(f)
    return out


def test_whatif_says_what_check_would_add_once_kam_leave_on_today_recorded_it(kam):
    example(kam)
    before = json_of(kam, "check", code=1)
    predicted = json_of(kam, "whatif", "陈志远", "wangjh@ecpower.example")
    assert predicted and all(list(f) == KEYS for f in predicted)
    assert json_of(kam, "check", code=1) == before  # nothing written
    for who in ("陈志远", "wangjh@ecpower.example"):
        assert kam("--as-of", TODAY, "leave", who, "--on", TODAY).exit_code == 0
    assert predicted == added(before, json_of(kam, "check", code=1))
    codes = {(f["code"], f["contact"]) for f in predicted}
    assert ("NO_SUCCESSOR", "陈志远") in codes and ("NO_SUCCESSOR", "王建华") in codes
    assert not any(f["code"] == "KEY_PERSON_LEAVING" for f in predicted)  # gone is gone, not leaving


def test_the_people_leaving_cut_the_coverage_and_raise_the_count_findings(kam, write_csv):
    small(kam, write_csv)
    found = json_of(kam, "whatif", "Boss", "Wang")
    assert [(f["code"], f["contact"]) for f in found if not f["code"].startswith("HANDOVER")] == [
        ("NO_SUCCESSOR", "Boss"), ("NO_SUCCESSOR", "Wang"), ("SINGLE_CONTACT", "Eng"),
        ("NO_CHAMPION", None), ("NO_DECISION_MAKER", None),
    ]  # fmt: skip (no key contact left: nothing for SINGLE_THREADED_INSIDE)
    (acme,) = json_of(kam, "whatif", "Boss", "Wang", "--coverage")
    assert acme["account"] == "ACME"
    assert (acme["active_before"], acme["active_after"]) == (3, 1)
    assert (acme["supporters_before"], acme["supporters_after"]) == (2, 0)
    assert (acme["decision_makers_before"], acme["decision_makers_after"]) == (1, 0)
    assert acme["single_points_after"] == []
    assert (acme["our_people_before"], acme["our_people_after"]) == (["李雷", "张伟"], [])
    csv = kam("--as-of", TODAY, "whatif", "Boss", "--coverage", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("account,active_before,active_after,")
    assert kam("team", "ACME", "--add", "赵敏").exit_code == 0
    (acme,) = json_of(kam, "whatif", "Boss", "--coverage")
    assert acme["team_before"] == acme["team_after"] == ["赵敏"]
    table = kam("--as-of", TODAY, "whatif", "Boss").stdout
    assert "NO_SUCCESSOR" in table and "active contacts: 3 → 2" in table and "supporters: 2 → 1" in table


def test_a_recorded_successor_takes_over(kam, write_csv):
    small(kam, write_csv)
    assert kam("successor", "Boss", "Wang").exit_code == 0
    found = json_of(kam, "whatif", "Boss")
    assert not any(f["code"] == "NO_SUCCESSOR" for f in found)
    assert not any("step successor" in f["message"] for f in found)
    assert any(f["code"] == "NO_DECISION_MAKER" for f in found)


def test_someone_who_left_already_changes_nothing(kam, write_csv):
    small(kam, write_csv)
    assert kam("--as-of", "2026-11-01", "leave", "Eng", "--on", "2026-11-01").exit_code == 0
    result = kam("--as-of", TODAY, "whatif", "Eng")
    assert result.exit_code == 0
    assert "Eng has left already" in result.stderr and "no new findings if Eng left today" in result.stderr


def test_fail_on_sets_the_exit_code_and_without_it_exit_is_0(kam, write_csv):
    small(kam, write_csv)
    assert kam("--as-of", TODAY, "whatif", "Boss").exit_code == 0  # new findings, no --fail-on
    assert kam("--as-of", TODAY, "whatif", "Boss", "--fail-on", "high").exit_code == 1  # NO_SUCCESSOR
    assert kam("--as-of", TODAY, "whatif", "Boss", "--fail-on", "critical").exit_code == 0
    assert kam("--as-of", TODAY, "whatif", "Eng", "--fail-on", "low").exit_code == 1


def test_contacts_are_named_as_everywhere(kam, write_csv):
    small(kam, write_csv)
    assert kam("add", "Beta", "Wang", "--email", "wang@beta.example").exit_code == 0
    result = kam("whatif", "Wang")
    assert result.exit_code == 2 and "wang@beta.example" in result.stderr  # ambiguous: the candidates
    found = json_of(kam, "whatif", "Wang", "--account", "ACME")
    assert {f["account"] for f in found} == {"ACME"}
    result = kam("whatif", "Nobody")
    assert result.exit_code == 2 and "Nobody" in result.stderr


def test_one_of_ours_leaving_takes_the_ownership_and_the_relationships(kam, write_csv):
    small(kam, write_csv)
    assert kam("team", "Beta", "--add", "张伟", "--role", "presales").exit_code == 0
    found = json_of(kam, "whatif", "--staff", "张伟")
    assert [(f["code"], f["account"]) for f in found] == [("SINGLE_THREADED_INSIDE", "ACME"), ("OWNER_MISSING", "ACME")]
    assert "only 李雷 of our people" in found[0]["message"]
    by_account = {r["account"]: r for r in json_of(kam, "whatif", "--staff", "张伟", "--coverage")}
    assert set(by_account) == {"ACME", "Beta"}  # owns ACME, knows its people; on Beta's team
    assert (by_account["ACME"]["owner_before"], by_account["ACME"]["owner_after"]) == ("张伟", None)
    assert by_account["ACME"]["our_people_after"] == ["李雷"]
    assert (by_account["Beta"]["team_before"], by_account["Beta"]["team_after"]) == (["张伟"], [])
    table = kam("--as-of", TODAY, "whatif", "--staff", "张伟").stdout
    assert "owner: 张伟 → none" in table and "team: 张伟 → none" in table
    assert kam("--as-of", TODAY, "whatif", "--staff", "张伟", "--fail-on", "medium").exit_code == 1
    assert kam("--as-of", TODAY, "whatif", "--staff", "王芳", "--fail-on", "low").exit_code == 1  # OWNER_MISSING


def test_somebody_not_of_ours_is_the_error_of_kam_staff(kam, write_csv):
    small(kam, write_csv)
    staff = kam("staff", "赵六")
    result = kam("whatif", "--staff", "赵六")
    assert result.exit_code == staff.exit_code == 2
    assert result.stderr == staff.stderr and "赵六" in result.stderr


def test_contacts_and_staff_together_or_neither_is_one_clear_line(kam, write_csv):
    small(kam, write_csv)
    for args in (("whatif", "Boss", "--staff", "张伟"), ("whatif",), ("whatif", "--staff", "张伟", "--account", "ACME")):
        result = kam(*args)
        assert result.exit_code == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == "", args


# --- the rule ---------------------------------------------------------------------------------

DAY = date(2026, 11, 23)
OPTS = CheckOptions(today=DAY, horizon=date(2026, 12, 23))


def account() -> AccountView:
    return AccountView(id=1, name="ACME", owner="张伟", contacts=[
        ContactView(1, 1, "Boss", department="Board", roles=("decision_maker",), decision_power="final",
                    attitude="support", our_contacts=("张伟",)),
        ContactView(2, 1, "Wang", department="Buying", roles=("champion",), attitude="strong_support",
                    reports_to_id=1, status="leaving", change_date=date(2026, 12, 20), change_risk="confirmed",
                    our_contacts=("张伟", "李雷")),
        ContactView(3, 1, "Eng", department="IT", attitude="neutral", reports_to_id=1),
    ], open_steps=[StepView(2, "exit_talk", date(2026, 12, 20), "张伟")])  # fmt: skip


def test_left_today_is_what_kam_leave_on_today_records():
    view = account()
    after = left_today(view, Leavers(contacts=frozenset({1, 2, 3})), DAY, DEFAULT_DEADLINES, {2: (date(2026, 12, 20), "open")})
    boss, wang, eng = after.contacts
    assert (boss.status, boss.change_date, boss.change_risk) == ("left", DAY, "confirmed")
    assert view.contacts[0].status == "active"  # the view given is left as it was
    assert [(s.contact_id, s.step, s.deadline) for s in after.open_steps if s.contact_id == 2] == [(2, "exit_talk", DAY)]
    assert [s.step for s in after.open_steps if s.contact_id == 1] == [
        "confirm", "successor", "exit_talk", "first_meeting", "map_updated"]  # fmt: skip
    closed = left_today(view, Leavers(contacts=frozenset({1})), DAY, DEFAULT_DEADLINES, {1: (DAY, "closed")})
    assert not [s for s in closed.open_steps if s.contact_id == 1]
    ours = left_today(view, Leavers(staff=" 张伟 "), DAY, DEFAULT_DEADLINES)
    assert ours.owner is None and [c.our_contacts for c in ours.contacts] == [(), ("李雷",), ()]


def test_a_finding_there_already_is_not_new_even_when_its_message_reads_otherwise():
    old = Finding("SINGLE_THREADED_INSIDE", "medium", "ACME", None, None, "only 张伟 knows its 2 …")
    new = Finding("SINGLE_THREADED_INSIDE", "medium", "ACME", None, None, "only 张伟 knows its decision maker")
    other = Finding("NO_SUCCESSOR", "high", "ACME", "Boss", DAY, "Boss has left")
    assert new_findings([old], [new, other]) == [other]
    hit = impact(account(), Leavers(contacts=frozenset({1})), OPTS, DEFAULT_DEADLINES)
    assert [f.code for f in hit.findings][:2] == ["HANDOVER_OVERDUE", "HANDOVER_OVERDUE"]
    assert "NO_DECISION_MAKER" in {f.code for f in hit.findings}
    assert (hit.before.active, hit.after.active) == (3, 2)
    assert hit.before.single_points == ["Boss"] and hit.holders == (["李雷", "张伟"], ["李雷", "张伟"])


def test_a_big_accounts_single_points_are_counted_with_what_changes(kam, write_csv):
    rows = ["account,name,reports_to"] + [f"Chain,C{i:02},{f'C{i - 1:02}' if i > 1 else ''}" for i in range(1, 14)]
    assert kam("import", write_csv("\n".join(rows) + "\n")).exit_code == 0
    table = kam("--as-of", TODAY, "whatif", "C13").stdout
    assert "single points: 11 → 10; new: none; no longer: C12" in table
    (chain,) = json_of(kam, "whatif", "C13", "--coverage")
    assert chain["single_points_before"] == [f"C{i:02}" for i in range(2, 13)]


def test_whatif_speaks_chinese(kam, write_csv):
    small(kam, write_csv)
    shown = kam("--lang", "zh", "--as-of", TODAY, "whatif", "--staff", "张伟").stdout
    assert "客户经理：张伟 → 无" in shown and "在职联系人：3 → 3" in shown
    assert "OWNER_MISSING" in shown and "owner:" not in shown and "active contacts" not in shown
