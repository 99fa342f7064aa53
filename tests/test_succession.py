"""Succession end to end: leave → plan → check → suggest → successor → meeting, on the right dates."""

from __future__ import annotations

import json

import pytest

from keyaccount_cli.domain.succession import suggest_successors
from keyaccount_cli.domain.views import AccountView, ContactView, RelationView

from .conftest import EXAMPLE

SEED = (  # two of ours know the key people: no SINGLE_THREADED_INSIDE
    "account,name,email,title,department,roles,decision_power,attitude,reports_to,our_contacts\n"
    "ACME,Boss,boss@acme.example,CEO,Board,decision_maker,final,support,,Li Lei\n"
    "ACME,Wang,wang@acme.example,Purchasing Director,Purchasing,procurement;decision_maker,major,strong_support,boss@acme.example,Han Mei\n"
    "ACME,Deputy,deputy@acme.example,Deputy Director,Purchasing,procurement,execution,support,wang@acme.example,\n"
    "ACME,Engineer,eng@acme.example,Engineer,IT,it,execution,neutral,boss@acme.example,\n"
)


def findings(kam, day, due="30d"):
    result = kam("--as-of", day, "check", "--due", due, "--format", "json")
    return {(f["code"], f["date"]) for f in json.loads(result.stdout)}


def plan(kam, who="wang@acme.example"):
    return {s["step"]: s for s in json.loads(kam("handover", who, "--format", "json").stdout)}


def test_the_seed_scenario(kam, write_csv):
    kam("import", write_csv(SEED))
    # the purchasing director is leaving in 18 days
    result = kam("--as-of", "2026-11-22", "leave", "wang@acme.example", "--on", "2026-12-10", "--kind", "离职")
    assert result.exit_code == 0, result.stderr
    assert "opened a handover plan" in result.stderr
    steps = plan(kam)
    assert {s: (v["deadline"], v["status"]) for s, v in steps.items()} == {
        "confirm": ("2026-11-26", "open"), "successor": ("2026-11-26", "open"), "exit_talk": ("2026-12-10", "open"),
        "first_meeting": ("2026-12-24", "open"), "map_updated": ("2026-12-24", "open"),
    }  # fmt: skip
    assert findings(kam, "2026-11-22") == {
        ("KEY_PERSON_LEAVING", "2026-12-10"), ("NO_SUCCESSOR", "2026-12-10"),
        ("HANDOVER_DUE", "2026-11-26"), ("HANDOVER_DUE", "2026-12-10"), ("NO_CHAMPION", None),
    }  # fmt: skip
    # nothing done: the first two steps turn overdue the day after their deadline, not before
    assert ("HANDOVER_OVERDUE", "2026-11-26") not in findings(kam, "2026-11-26")
    assert ("HANDOVER_OVERDUE", "2026-11-26") in findings(kam, "2026-11-27")
    # kam proposes the deputy
    ranked = json.loads(kam("successor", "wang@acme.example", "--suggest", "--format", "json").stdout)
    assert ranked[0]["name"] == "Deputy" and "direct report" in ranked[0]["reasons"]
    # recording the successor completes step 2 and clears NO_SUCCESSOR
    assert kam("--as-of", "2026-11-24", "successor", "Wang", "Deputy").exit_code == 0
    assert plan(kam)["successor"]["status"] == "done" and plan(kam)["successor"]["done_on"] == "2026-11-24"
    later = findings(kam, "2026-11-27")
    assert not any(code == "NO_SUCCESSOR" for code, _ in later)
    assert ("HANDOVER_OVERDUE", "2026-11-26") in later  # confirm is still not done
    kam("handover", "Wang", "--done", "confirm", "--on", "2026-11-25", "--notes", "confirmed by HR")
    kam("handover", "Wang", "--done", "3")
    assert not any(code.startswith("HANDOVER") for code, _ in findings(kam, "2026-11-27", due="2w"))
    # first_meeting and map_updated fall due two weeks after the change
    assert ("HANDOVER_OVERDUE", "2026-12-24") in findings(kam, "2026-12-25")
    # a meeting with the successor completes first_meeting
    result = kam("--as-of", "2026-12-12", "log", "ACME", "First meeting with the new director", "--contact", "Deputy", "--kind", "meeting", "--on", "2026-12-12")
    assert "first_meeting done" in result.stderr
    assert plan(kam)["first_meeting"]["done_on"] == "2026-12-12"
    kam("handover", "Wang", "--done", "map_updated")
    assert json.loads(kam("handover", "Wang", "--format", "json").stdout)[-1]["status"] == "done"
    assert not any(code.startswith("HANDOVER") for code, _ in findings(kam, "2027-01-31"))


def test_step_deadlines_are_configurable(kam, write_csv, tmp_path):
    config = tmp_path / "deadlines.yaml"
    config.write_text("step_deadlines:\n  confirm: -30\n  map_updated: 7\n")
    kam("import", write_csv(SEED))
    kam("--config", config, "leave", "Wang", "--on", "2027-03-01")
    steps = plan(kam)
    assert steps["confirm"]["deadline"] == "2027-01-30" and steps["map_updated"]["deadline"] == "2027-03-08"
    assert steps["successor"]["deadline"] == "2027-02-15"


def test_moving_the_change_date_moves_the_open_deadlines(kam, write_csv):
    kam("import", write_csv(SEED))
    kam("leave", "Wang", "--on", "2027-03-01")
    kam("--as-of", "2027-01-05", "handover", "Wang", "--done", "confirm", "--on", "2027-01-05")
    kam("set", "Wang", "--change-date", "2027-04-01")
    steps = plan(kam)
    assert steps["confirm"]["deadline"] == "2027-02-15"  # done steps keep theirs
    assert steps["exit_talk"]["deadline"] == "2027-04-01"


def test_import_opens_a_plan_once(kam, write_csv):
    path = write_csv(SEED + "ACME,Leaver,leaver@acme.example,Buyer,Purchasing,,,,wang@acme.example\n")
    kam("import", path)
    update = write_csv("account,name,status,change_date\nACME,Leaver,即将离职,2027-01-15\n", name="u.csv")
    assert "opened 1 handover plan" in kam("import", update).stderr
    assert "handover plan" not in kam("import", update).stderr
    assert plan(kam, "Leaver")["exit_talk"]["deadline"] == "2027-01-15"


def test_leave_in_the_past_marks_left_and_moved_to_keeps_a_lead(kam, write_csv):
    kam("import", write_csv(SEED))
    result = kam("--as-of", "2026-11-22", "leave", "Wang", "--on", "2026-11-01", "--kind", "transfer", "--moved-to", "NewCo")
    assert result.exit_code == 0, result.stderr
    acme = {c["name"]: c for c in json.loads(kam("contacts", "ACME", "--format", "json").stdout)}
    assert acme["Wang"]["status"] == "left" and acme["Wang"]["moved_to"] == "NewCo"
    newco = json.loads(kam("contacts", "newco", "--format", "json").stdout)
    assert [c["name"] for c in newco] == ["Wang"] and "formerly Purchasing Director at ACME" in newco[0]["notes"]
    assert newco[0]["email"] is None
    assert "moved to NewCo" in kam("map", "ACME").stdout


def test_suggestions_rank_from_the_map():
    people = [
        ContactView(1, 1, "Leaving", department="Sales", reports_to_id=5),
        ContactView(2, 1, "Report", reports_to_id=1, decision_power="execution", attitude="neutral"),
        ContactView(3, 1, "Colleague", department="Sales", decision_power="major", attitude="support"),
        ContactView(4, 1, "Trusted", department="IT", attitude="strong_support"),
        ContactView(5, 1, "Manager", department="Board", decision_power="final", attitude="support"),
        ContactView(6, 1, "AlsoLeaving", department="Sales", status="leaving"),
        ContactView(7, 1, "Stranger", department="Legal", decision_power="final", attitude="strong_support"),
    ]
    account = AccountView(1, "ACME", contacts=people, relations=[RelationView(1, 4, "trusts")])
    ranked = [c.contact.name for c in suggest_successors(account, 1)]
    assert ranked == ["Colleague", "Report", "Trusted", "Manager", "Stranger"]


def test_among_equals_the_one_closer_in_the_map_ranks_first():
    people = [
        ContactView(1, 1, "Leaving", department="Sales", reports_to_id=2),
        ContactView(2, 1, "Boss", department="Board"),
        ContactView(3, 1, "Aaron Far", department="IT", reports_to_id=4, attitude="support"),
        ContactView(4, 1, "Middle", department="IT", reports_to_id=2, attitude="reserved"),
        ContactView(5, 1, "Zed Near", department="Legal", reports_to_id=2, attitude="support"),
    ]
    ranked = suggest_successors(AccountView(1, "ACME", contacts=people), 1)
    assert [c.contact.name for c in ranked][1:3] == ["Zed Near", "Aaron Far"]  # 2 steps away before 3
    assert "2 steps away in the map" in ranked[1].reasons[0]


def test_handover_errors(kam, write_csv):
    kam("import", write_csv(SEED))
    assert "no handover plan" in kam("handover", "Boss").stderr
    kam("leave", "Wang", "--on", "2027-03-01")
    result = kam("handover", "Wang", "--done", "dance")
    assert result.exit_code == 2 and "first_meeting" in result.stderr
    assert kam("handover", "Wang", "--notes", "x").exit_code == 2


def test_show_is_the_360_page(kam):
    kam("import", EXAMPLE)
    kam("log", "华东电力集团", "季度回顾", "--contact", "陈志远", "--kind", "visit", "--on", "2026-11-20")
    (page,) = json.loads(kam("--as-of", "2026-11-22", "show", "华东电力集团", "--format", "json").stdout)
    # as CSV, the page is its relationship table, the same as kam contacts gives
    assert kam("show", "华东电力集团", "--format", "csv").stdout == kam("contacts", "华东电力集团", "--format", "csv").stdout
    assert page["coverage"]["active_contacts"] == 6
    assert page["coverage"]["single_points"] == ["陈志远", "王建华", "赵强"]
    assert [h["contact"] for h in page["handovers"]] == ["王建华", "赵强"]
    assert page["handovers"][0]["next_step"] == "confirm"
    assert page["interactions"] == [
        {"date": "2026-11-20", "kind": "visit", "contacts": ["陈志远"], "summary": "季度回顾", "by": None}
    ]  # no owner to have had it
    assert {f["code"] for f in page["findings"]} == {"KEY_PERSON_LEAVING", "NO_SUCCESSOR", "HANDOVER_DUE", "NO_CHAMPION"}
    table = kam("show", "华东电力集团").stdout
    for heading in ("Relationships", "Open handovers", "Recent interactions", "Findings"):
        assert heading in table


def forget_deputy(kam, write_csv):
    kam("import", write_csv(SEED))
    kam("relate", "Deputy", "Engineer", "--kind", "trusts")
    kam("successor", "Wang", "Deputy")
    kam("leave", "Deputy", "--on", "2027-01-01")
    refused = kam("forget", "Deputy", input="n\n")
    assert refused.exit_code == 2 and "not forgotten" in refused.stderr
    result = kam("forget", "deputy@acme.example", "--yes")
    assert result.exit_code == 0, result.stderr


def test_forget_erases_the_person_and_their_traces(kam, isolated_db, write_csv):
    forget_deputy(kam, write_csv)
    assert "Deputy" not in kam("export", "contacts").stdout
    history = kam("history", "ACME", "--format", "json").stdout
    assert "Deputy" not in history and "[forgotten]" in history
    assert isolated_db.count("relation") == 0 and isolated_db.count("handover") == 0  # Deputy's own plan too
    assert isolated_db.rows("select count(*) from contact where email = 'deputy@acme.example' or name = 'Deputy'") == [(0,)]


@pytest.mark.sqlite_only
def test_forget_erases_the_person_from_the_file(kam, isolated_db, write_csv):
    forget_deputy(kam, write_csv)
    raw = b"".join(p.read_bytes() for p in isolated_db.path.parent.glob("kam.db*"))
    assert b"deputy@acme.example" not in raw and b"Deputy" not in raw


@pytest.mark.parametrize("answer", ["y\n"])
def test_forget_asks_first(kam, write_csv, answer):
    kam("import", write_csv(SEED))
    assert kam("forget", "Engineer", input=answer).exit_code == 0
    assert "Engineer" not in kam("export", "contacts").stdout


def test_a_departure_called_off_cancels_the_plan(kam, write_csv):
    kam("import", write_csv(SEED))
    kam("set", "Wang", "--status", "leaving", "--change-date", "2026-12-05")
    assert ("HANDOVER_OVERDUE", "2026-11-21") in findings(kam, "2026-11-23")
    assert kam("set", "Wang", "--status", "active", "--change-date", "").exit_code == 0
    assert not {code for code, _ in findings(kam, "2026-11-23")} & {"HANDOVER_DUE", "HANDOVER_OVERDUE"}
    shown = kam("--as-of", "2026-11-23", "handover", "Wang")
    assert "plan cancelled" in shown.stdout and "OVERDUE" not in shown.stdout
    kam("set", "Wang", "--change-date", "2027-03-01")  # a new change later gets a new plan
    assert plan(kam)["confirm"]["deadline"] == "2027-02-15" and plan(kam)["confirm"]["status"] == "open"


def test_leaving_twice_for_the_same_new_account_keeps_one_lead(kam, write_csv):
    kam("import", write_csv(SEED))
    for _ in range(2):
        result = kam("--as-of", "2026-11-22", "leave", "wang@acme.example", "--on", "2026-11-01", "--moved-to", "NewCo")
        assert result.exit_code == 0, result.stderr
    assert [c["name"] for c in json.loads(kam("contacts", "NewCo", "--format", "json").stdout)] == ["Wang"]


def test_forget_erases_the_person_at_every_account_they_moved_between(kam, write_csv, isolated_db):
    kam("import", write_csv(SEED))
    kam("--as-of", "2026-11-22", "leave", "wang@acme.example", "--on", "2026-11-01", "--moved-to", "NewCo")
    result = kam("forget", "wang@acme.example", "--yes")
    assert result.exit_code == 0 and "their 1 record at another account" in result.stderr
    assert json.loads(kam("contacts", "NewCo", "--format", "json").stdout) == []
    assert "Wang" not in {c["name"] for c in json.loads(kam("contacts", "ACME", "--format", "json").stdout)}
    if isolated_db.path is not None:  # a SQLite file is vacuumed: the bytes are gone too
        assert b"Wang" not in isolated_db.path.read_bytes()
    assert isolated_db.rows("select count(*) from contact where name = 'Wang'") == [(0,)]


def test_no_successor_candidates_is_an_empty_list_not_an_error(kam, write_csv):
    kam("import", write_csv("account,name,status,change_date\nSolo,Only One,leaving,2026-12-01\n"))
    result = kam("successor", "Only One", "--suggest", "--format", "json")
    assert (result.exit_code, result.stdout.strip()) == (0, "[]")
    table = kam("successor", "Only One", "--suggest")
    assert table.exit_code == 0 and "no candidates" in table.stderr
