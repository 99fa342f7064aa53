"""Succession without holes (SPEC §8): undated changes, step owners, nothing done ahead of its day,
old changes as history, and every command saying what it did to the plans."""

from __future__ import annotations

import json
import sqlite3

from .test_succession import SEED

ACCOUNTS = "account,owner\nACME,{owner}\n"


def findings(kam, day, due="30d"):
    result = kam("--as-of", day, "check", "--due", due, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return {(f["code"], f["contact"], f["date"]) for f in json.loads(result.stdout)}


def plan(kam, day, who="wang@acme.example"):
    result = kam("--as-of", day, "handover", who, "--format", "json")
    assert result.exit_code == 0, result.output
    return {s["step"]: s for s in json.loads(result.stdout)}


def deadlines(steps):
    return {name: s["deadline"] for name, s in steps.items()}


FROM_NOV_10 = {"confirm": "2026-10-27", "successor": "2026-10-27", "exit_talk": "2026-11-10",
               "first_meeting": "2026-11-24", "map_updated": "2026-11-24"}  # fmt: skip


# --- 1. a change without a date counts from the day it was recorded ------------------------------


def test_set_leaving_without_a_date_changes_on_the_day_it_was_recorded(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    result = kam("--as-of", "2026-11-10", "set", "Wang", "--status", "leaving")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["Wang: changed status", "opened a handover plan: kam handover Wang"]
    assert deadlines(plan(kam, "2026-11-10")) == FROM_NOV_10
    found = findings(kam, "2026-11-10")
    assert ("KEY_PERSON_LEAVING", "Wang", "2026-11-10") in found
    assert ("NO_SUCCESSOR", "Wang", "2026-11-10") in found
    assert ("HANDOVER_OVERDUE", "Wang", "2026-10-27") in found
    # a later edit does not move the day
    kam("--as-of", "2026-11-15", "set", "Wang", "--title", "Director")
    assert deadlines(plan(kam, "2026-11-15")) == FROM_NOV_10
    # set to left without a date: they left that day, and the open steps count from it
    result = kam("--as-of", "2026-11-20", "set", "Wang", "--status", "left")
    assert result.stderr.splitlines() == [
        "Wang: changed status",
        "the handover plan's deadlines follow the new change date",
    ]
    steps = plan(kam, "2026-11-20")
    assert steps["exit_talk"]["deadline"] == "2026-11-20" and steps["first_meeting"]["deadline"] == "2026-12-04"
    assert ("NO_SUCCESSOR", "Wang", "2026-11-20") in findings(kam, "2026-11-25")


def test_left_without_a_date_left_that_day(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    assert kam("--as-of", "2026-11-10", "set", "Wang", "--status", "left").exit_code == 0
    assert deadlines(plan(kam, "2026-11-10")) == FROM_NOV_10
    assert ("NO_SUCCESSOR", "Wang", "2026-11-10") in findings(kam, "2026-11-12")


def test_an_imported_confirmed_change_without_a_date_counts_from_the_import(kam, write_csv):
    rows = SEED.replace("our_contacts\n", "our_contacts,change_risk,status\n", 1).replace(
        "boss@acme.example,Han Mei\nACME,Deputy", "boss@acme.example,Han Mei,confirmed,\nACME,Deputy", 1)  # fmt: skip
    result = kam("--as-of", "2026-11-10", "import", write_csv(rows))
    assert result.exit_code == 0 and "opened 1 handover plan" in result.stderr
    assert deadlines(plan(kam, "2026-11-10")) == FROM_NOV_10
    found = findings(kam, "2026-11-10")
    assert {("KEY_PERSON_LEAVING", "Wang", "2026-11-10"), ("NO_SUCCESSOR", "Wang", "2026-11-10")} <= found


def test_an_import_that_marks_a_leaving_contact_left_without_a_date_moves_the_plan_to_that_day(kam, write_csv):
    rows = "account,name,email,roles,status\nACME,Wang,wang@acme.example,champion,{}\nACME,Li,li@acme.example,,\n"
    kam("--as-of", "2026-11-10", "import", write_csv(rows.format("leaving"), "a.csv"))
    assert deadlines(plan(kam, "2026-11-10")) == FROM_NOV_10
    kam("--as-of", "2026-11-20", "import", write_csv(rows.format("left"), "b.csv"))
    steps = plan(kam, "2026-11-20")
    assert steps["exit_talk"]["deadline"] == "2026-11-20" and steps["map_updated"]["deadline"] == "2026-12-04"


def test_a_closed_plan_is_not_opened_again_by_a_later_edit(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    kam("--as-of", "2026-11-01", "leave", "Wang", "--on", "2026-11-20", "--successor", "Deputy")
    for step in ("confirm", "exit_talk", "first_meeting"):
        kam("--as-of", "2026-11-01", "handover", "Wang", "--done", step)
    result = kam("--as-of", "2026-11-01", "handover", "Wang", "--done", "map_updated")
    assert result.stderr.splitlines() == [
        "Wang: step map_updated done",
        "every step is done: the handover plan is closed",
    ]
    result = kam("--as-of", "2026-11-02", "set", "Wang", "--notes", "gone to a competitor")
    assert result.stderr == "Wang: changed notes\n"
    shown = kam("--as-of", "2026-11-02", "handover", "Wang")
    assert "plan closed" in shown.stdout and "open" not in shown.stdout.replace("plan closed", "")


def test_a_new_undated_change_after_a_closed_plan_opens_a_new_one(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    kam("--as-of", "2026-11-01", "set", "Wang", "--status", "leaving")
    for step in ("confirm", "successor", "exit_talk", "first_meeting", "map_updated"):
        kam("--as-of", "2026-11-01", "handover", "Wang", "--done", step)
    # from leaving to left: the same change, its plan done
    assert kam("--as-of", "2026-11-05", "set", "Wang", "--status", "left").stderr == "Wang: changed status\n"
    # back, and leaving again later: a new change, a new plan from that day
    kam("--as-of", "2026-11-06", "set", "Wang", "--status", "active")
    result = kam("--as-of", "2026-11-10", "set", "Wang", "--status", "leaving")
    assert result.stderr.splitlines() == ["Wang: changed status", "opened a handover plan: kam handover Wang"]
    assert deadlines(plan(kam, "2026-11-10")) == FROM_NOV_10


# --- 2. steps follow the account's owner as it is now ------------------------------------------


def test_steps_follow_the_account_owner_imported_after_the_contacts(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    kam("--as-of", "2026-11-01", "leave", "Wang", "--on", "2026-11-20")
    assert {s["owner"] for s in plan(kam, "2026-11-01").values()} == {None}
    kam("import", write_csv(ACCOUNTS.format(owner="张伟"), "accounts.csv"), "--kind", "accounts")
    assert {s["owner"] for s in plan(kam, "2026-11-01").values()} == {"张伟"}
    overdue = json.loads(kam("--as-of", "2026-11-10", "check", "--format", "json").stdout)
    assert any(f["code"] == "HANDOVER_OVERDUE" and f["message"].endswith("(owner 张伟)") for f in overdue)
    # one step gets an owner of its own; a new account owner reaches the others
    result = kam("--as-of", "2026-11-01", "handover", "Wang", "--owner", "李雷", "--step", "exit_talk")
    assert result.exit_code == 0
    assert "Wang: step exit_talk owner 张伟 → 李雷" in result.stderr.splitlines()
    kam("import", write_csv(ACCOUNTS.format(owner="王芳"), "accounts.csv"), "--kind", "accounts")
    owners = {name: s["owner"] for name, s in plan(kam, "2026-11-01").items()}
    assert owners == {"confirm": "王芳", "successor": "王芳", "exit_talk": "李雷", "first_meeting": "王芳",
                      "map_updated": "王芳"}  # fmt: skip
    history = kam("history", "Wang", "--format", "json").stdout
    assert "handover exit_talk owner" in history and "李雷" in history


def test_handover_owner_without_a_step_gives_every_open_step_an_owner(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    kam("--as-of", "2026-11-01", "leave", "Wang", "--on", "2026-11-20")
    kam("--as-of", "2026-11-01", "handover", "Wang", "--done", "confirm")
    result = kam("--as-of", "2026-11-01", "handover", "Wang", "--owner", "李雷")
    assert result.exit_code == 0
    assert [line for line in result.stderr.splitlines() if "owner" in line] == [
        f"Wang: step {s} owner (none) → 李雷" for s in ("successor", "exit_talk", "first_meeting", "map_updated")
    ]
    owners = {name: s["owner"] for name, s in plan(kam, "2026-11-01").items()}
    assert owners["confirm"] is None and set(owners.values()) == {None, "李雷"}


def test_handover_owner_refuses_a_bad_step_or_contact(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    kam("--as-of", "2026-11-01", "leave", "Wang", "--on", "2026-11-20")
    bad = kam("handover", "Wang", "--owner", "李雷", "--step", "lunch")
    assert bad.exit_code == 2 and len(bad.stderr.splitlines()) == 1 and "unknown step 'lunch'" in bad.stderr
    nobody = kam("handover", "Nobody", "--owner", "李雷")
    assert nobody.exit_code == 2 and len(nobody.stderr.splitlines()) == 1
    no_plan = kam("handover", "Deputy", "--owner", "李雷")
    assert no_plan.exit_code == 2 and "no open handover plan" in no_plan.stderr
    assert {s["owner"] for s in plan(kam, "2026-11-01").values()} == {None}


# --- 3. nothing is completed in the future -----------------------------------------------------


def test_a_step_cannot_be_done_after_today(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    kam("--as-of", "2026-11-01", "leave", "Wang", "--on", "2026-11-20")
    result = kam("--as-of", "2026-11-10", "handover", "Wang", "--done", "confirm", "--on", "2026-11-11")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("kam: --on: 2026-11-11 is after today (2026-11-10); a step is done on a day that "
                             "has come\n")  # fmt: skip
    assert plan(kam, "2026-11-30")["confirm"]["status"] == "open"


def test_a_step_done_again_says_so_and_keeps_its_day(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    kam("--as-of", "2026-11-01", "leave", "Wang", "--on", "2026-11-20")
    assert kam("--as-of", "2026-11-10", "handover", "Wang", "--done", "confirm", "--on", "2026-11-05").exit_code == 0
    again = kam("--as-of", "2026-11-12", "handover", "Wang", "--done", "confirm")
    assert again.exit_code == 0
    assert again.stderr == "Wang: step confirm was already done on 2026-11-05; nothing changed\n"
    assert plan(kam, "2026-11-30")["confirm"]["done_on"] == "2026-11-05"


def test_a_meeting_dated_after_today_completes_first_meeting_only_from_its_day(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    kam("--as-of", "2026-11-01", "leave", "Wang", "--on", "2026-11-20", "--successor", "Deputy")
    result = kam("--as-of", "2026-11-10", "log", "ACME", "first meeting", "--contact", "Deputy", "--kind", "meeting",
                 "--on", "2026-11-30")  # fmt: skip
    assert result.exit_code == 0
    assert result.stderr.splitlines()[1] == ("first meeting with successor Deputy is dated after today: handover "
                                             "step first_meeting counts as done from 2026-11-30")  # fmt: skip
    assert plan(kam, "2026-11-10")["first_meeting"]["status"] == "open"
    assert plan(kam, "2026-11-29")["first_meeting"]["done_on"] is None
    assert ("HANDOVER_DUE", "Wang", "2026-12-04") in findings(kam, "2026-11-29")
    done = plan(kam, "2026-11-30")["first_meeting"]
    assert (done["status"], done["done_on"]) == ("done", "2026-11-30")
    late = {(code, day) for code, _, day in findings(kam, "2026-12-10")}
    assert ("HANDOVER_OVERDUE", "2026-12-04") in late  # map_updated, still open
    steps = json.loads(kam("--as-of", "2026-12-10", "check", "--format", "json").stdout)
    assert not any("first_meeting" in f["message"] for f in steps)


def test_an_imported_meeting_dated_after_today_completes_first_meeting_only_from_its_day(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    kam("--as-of", "2026-11-01", "leave", "Wang", "--on", "2026-11-20", "--successor", "Deputy")
    rows = "account,date,kind,contacts,summary\nACME,2026-11-30,meeting,deputy@acme.example,first meeting\n"
    assert (
        kam("--as-of", "2026-11-10", "import", write_csv(rows, "meetings.csv"), "--kind", "interactions").exit_code == 0
    )
    assert plan(kam, "2026-11-29")["first_meeting"]["status"] == "open"
    assert plan(kam, "2026-11-30")["first_meeting"]["done_on"] == "2026-11-30"


# --- 4. a change dated long before it is recorded is history ------------------------------------

OLD = (
    "account,name,email,roles,decision_power,attitude,status,change_date\n"
    "ACME,Old,old@acme.example,decision_maker,final,support,left,2025-01-15\n"
    "ACME,Boss,boss@acme.example,decision_maker,final,support,,\n"
    "ACME,Eng,eng@acme.example,,,support,,\n"
)


def test_an_import_of_old_changes_opens_no_plan_and_raises_no_finding(kam, write_csv):
    result = kam("--as-of", "2026-11-10", "import", write_csv(OLD))
    assert result.exit_code == 0
    assert "opened" not in result.stderr
    assert "1 change dated more than 180 days back is history: no handover plan, no finding" in result.stderr
    found = findings(kam, "2026-11-10")
    assert not {code for code, who, _ in found if who == "Old"}
    shown = kam("--as-of", "2026-11-10", "handover", "Old")
    assert shown.exit_code == 2 and "change on 2025-01-15 was recorded long after it (history)" in shown.stderr
    # the map still shows them, as left
    tree = kam("--as-of", "2026-11-10", "map", "ACME").stdout
    assert "Old" in tree and "left" in tree
    # editing them later opens nothing
    assert kam("--as-of", "2026-11-12", "set", "Old", "--notes", "retired").stderr == "Old: changed notes\n"


def test_the_horizon_is_configurable_and_checked(kam, write_csv, tmp_path):
    config = tmp_path / "kam.yaml"
    config.write_text("history_horizon_days: 1000\n")
    result = kam("--config", config, "--as-of", "2026-11-10", "import", write_csv(OLD))
    assert "opened 1 handover plan" in result.stderr
    assert ("NO_SUCCESSOR", "Old", "2025-01-15") in findings(kam, "2026-11-10")
    config.write_text("history_horizon_days: 0\n")
    bad = kam("--config", config, "check")
    assert bad.exit_code == 2 and "history_horizon_days" in bad.stderr and len(bad.stderr.splitlines()) == 1


def test_kam_leave_long_ago_is_history_and_says_so(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    result = kam("--as-of", "2026-11-10", "leave", "Wang", "--on", "2025-03-01")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "Wang: left on 2025-03-01",
        "the change is dated more than 180 days before today: it is history (no handover plan, no finding)",
    ]
    assert not {code for code, who, _ in findings(kam, "2026-11-10") if who == "Wang"}


# --- 5. every command says what it did to the plans ---------------------------------------------


def test_commands_say_what_they_did_to_the_plans(kam, write_csv):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    result = kam("--as-of", "2026-11-01", "leave", "Wang", "--on", "2026-11-20", "--successor", "Deputy")
    assert result.stderr.splitlines() == ["Wang: leaving on 2026-11-20", "successor recorded: Deputy",
                                          "opened a handover plan: kam handover Wang"]  # fmt: skip
    kam("--as-of", "2026-11-01", "leave", "Boss", "--on", "2026-11-25")
    result = kam("--as-of", "2026-11-02", "successor", "Boss", "Engineer")
    assert result.stderr.splitlines() == ["Boss: successor → Engineer", "handover step successor done"]
    result = kam("--as-of", "2026-11-03", "set", "Boss", "--status", "active", "--change-date", "", "--risk", "low")
    assert result.stderr.splitlines()[1:] == ["cancelled the open handover plan (no change ahead any more)"]
    rows = "account,name,email,status,change_date\nACME,Boss,boss@acme.example,leaving,2026-11-30\n"
    result = kam("--as-of", "2026-11-04", "import", write_csv(rows, "again.csv"))
    assert "opened 1 handover plan" in result.stderr  # with its successor step done: Engineer is recorded
    kam("--as-of", "2026-11-04", "leave", "Engineer", "--on", "2026-11-28")
    rows = "account,name,email,successor\nACME,Engineer,eng@acme.example,deputy@acme.example\n"
    result = kam("--as-of", "2026-11-05", "import", write_csv(rows, "successor.csv"))
    assert result.stderr.splitlines() == ["completed 1 successor handover step (a successor recorded)"]


def test_an_older_database_lets_its_open_steps_follow_the_account_owner(kam, write_csv, isolated_db):
    kam("--as-of", "2026-11-01", "import", write_csv(SEED))
    kam("--as-of", "2026-11-01", "leave", "Wang", "--on", "2026-11-20")
    kam("--as-of", "2026-11-01", "handover", "Wang", "--done", "confirm")
    # as the schema before it stored them: a copy of the owner the account had when the plan opened
    execute(isolated_db, "UPDATE handover_step SET owner = 'Old'", "UPDATE account SET owner = 'New'",
            "DELETE FROM migration WHERE name = '0007_step_owners_follow_the_account'")  # fmt: skip
    owners = {name: s["owner"] for name, s in plan(kam, "2026-11-01").items()}
    assert owners == {"confirm": "Old", "successor": "New", "exit_talk": "New", "first_meeting": "New",
                      "map_updated": "New"}  # fmt: skip


def execute(db, *statements):
    """Statements run on the test database, outside kam."""
    if db.path is not None:
        with sqlite3.connect(db.path) as conn:
            for sql in statements:
                conn.execute(sql)
        return
    with db.admin.transaction():
        db.admin.execute(f'SET LOCAL search_path TO "{db.schema}"')
        for sql in statements:
            db.admin.execute(sql)
