"""The write use cases as services, called directly (no command line): the rules they keep and
what they report back. Both backends, as the rest of the suite."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from keyaccount_cli.config import Config
from keyaccount_cli.errors import KamError
from keyaccount_cli.importing.contacts import option_values
from keyaccount_cli.services.contacts import add_contact, record_successor, relate, set_contact
from keyaccount_cli.services.handover import (
    complete_handover_step,
    find_person,
    forget,
    leave,
    log_interaction,
)
from keyaccount_cli.services.health import health_scores, record_health_scores
from keyaccount_cli.services.options import check_options
from keyaccount_cli.storage.database import open_database
from keyaccount_cli.storage.reader import SqlaReader

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
CONFIG = Config()
PLAN = {"offsets": CONFIG.deadlines, "today": TODAY, "now": NOW}


@pytest.fixture
def database(isolated_db):
    db = open_database(isolated_db.location, create=True)
    yield db
    db.close()


def values(**given):
    return option_values(CONFIG.vocabulary, given)


def add(db, account, name, email=None, **more):
    return add_contact(db, account, values(name=name, email=email), now=NOW, **more)


def steps(isolated_db, contact_id):
    return dict(isolated_db.rows(
        "SELECT s.step, s.status FROM handover_step s JOIN handover h ON h.id = s.handover_id"
        " WHERE h.contact_id = ? AND h.status = 'open'", (contact_id,)))  # fmt: skip


def test_add_contact_reports_the_contact_and_whether_the_account_is_new(database):
    first = add(database, "ACME", "Li Lei", "Li@Acme.example")
    second = add(database, "acme", "Han Mei", reports_to="li@acme.example")
    assert (first.name, first.account, first.new_account) == ("Li Lei", "ACME", True)
    assert (second.account, second.new_account) == ("ACME", False) and second.id != first.id


def test_an_email_belongs_to_one_contact_whatever_its_case(database):
    add(database, "ACME", "Li Lei", "li@acme.example")
    with pytest.raises(KamError, match=r"email 'li@acme.example' already belongs to Li Lei \(#1\); use kam set"):
        add(database, "Other", "Someone", "LI@ACME.EXAMPLE")
    add(database, "Other", "Han Mei", "han@other.example")
    with pytest.raises(KamError, match=r"already belongs to Li Lei \(#1\)$"):
        set_contact(database, "han@other.example", values(email="li@acme.example"), **PLAN)


def test_a_namesake_needs_an_email_on_both(database):
    add(database, "ACME", "Wang Wu")
    with pytest.raises(KamError, match="ACME already has a contact called Wang Wu"):
        add(database, "ACME", "wang  wu", "wang2@acme.example")
    add(database, "Other", "Wang Wu")  # another account: no namesake
    add(database, "Else", "Wang Wu", "w1@else.example")
    assert add(database, "Else", "Wang Wu", "w2@else.example").name == "Wang Wu"


def test_set_contact_reports_the_fields_it_changed(database):
    add(database, "ACME", "Li Lei", "li@acme.example")
    changed = set_contact(database, "li@acme.example", values(title="CIO", attitude="support"), **PLAN)
    assert (changed.name, changed.fields) == ("Li Lei", ["title", "attitude"])
    assert set_contact(database, "Li Lei", values(title="CIO"), **PLAN).fields == []
    with pytest.raises(KamError, match="nothing to change"):
        set_contact(database, "Li Lei", {}, **PLAN)


def test_relate_says_whether_there_was_something_to_do(database):
    add(database, "ACME", "Li Lei")
    add(database, "ACME", "Han Mei")
    assert relate(database, "Li Lei", "Han Mei", "trusts", now=NOW).done
    assert not relate(database, "Li Lei", "Han Mei", "trusts", now=NOW).done
    gone = relate(database, "Li Lei", "Han Mei", "trusts", remove=True, now=NOW)
    assert (gone.removed, gone.done, gone.other) == (True, True, "Han Mei")


def test_recording_a_successor_completes_the_successor_step(database, isolated_db):
    who = add(database, "ACME", "Li Lei")
    add(database, "ACME", "Han Mei")
    left = leave(database, "Li Lei", on=date(2026, 12, 10), kind="resignation", **PLAN)
    assert (left.status, left.changed, left.plan_opened) == ("leaving", True, True)
    assert steps(isolated_db, who.id)["successor"] == "open"
    done = record_successor(database, "Li Lei", "Han Mei", **PLAN)
    assert (done.successor, done.changed) == ("Han Mei", True)
    assert steps(isolated_db, who.id)["successor"] == "done"
    assert not record_successor(database, "Li Lei", "Han Mei", **PLAN).changed
    with pytest.raises(KamError, match="cannot be their own successor"):
        record_successor(database, "Li Lei", "Li Lei", **PLAN)


def test_leaving_for_another_account_keeps_one_lead_there(database, isolated_db):
    add(database, "ACME", "Li Lei")
    first = leave(database, "Li Lei", on=date(2026, 11, 1), moved_to="Globex", **PLAN)
    again = leave(database, "Li Lei", account="ACME", on=date(2026, 11, 1), moved_to="globex", **PLAN)
    assert first.status == "left" and first.lead is not None and again.lead == first.lead
    assert not again.changed and not again.plan_opened
    assert isolated_db.rows("SELECT name, notes FROM contact WHERE id = ?", (first.lead,)) == [
        ("Li Lei", "lead: formerly contact at ACME")
    ]
    with pytest.raises(KamError, match="--moved-to: Li Lei is already at ACME"):
        leave(database, "Li Lei", account="ACME", on=date(2026, 11, 1), moved_to="ACME", **PLAN)


def test_a_meeting_with_the_successor_completes_first_meeting_once(database, isolated_db):
    who = add(database, "ACME", "Li Lei")
    add(database, "ACME", "Han Mei")
    leave(database, "Li Lei", on=date(2026, 12, 10), successor="Han Mei", **PLAN)
    call = log_interaction(database, "ACME", "a call", contacts=["Han Mei"], kind="call", on=TODAY, now=NOW)
    assert call.first_meetings == [] and steps(isolated_db, who.id)["first_meeting"] == "open"
    met = log_interaction(database, "acme", " first meeting ", contacts=["Han Mei", "Han Mei"], kind="meeting",
                          on=TODAY, now=NOW)  # fmt: skip
    assert (met.account, met.kind, met.first_meetings) == ("ACME", "meeting", ["Han Mei"])
    assert steps(isolated_db, who.id)["first_meeting"] == "done"
    assert isolated_db.rows("SELECT notes FROM handover_step WHERE step = 'first_meeting'") == [("first meeting",)]
    again = log_interaction(database, "ACME", "again", contacts=["Han Mei"], kind="visit", on=TODAY, now=NOW)
    assert again.first_meetings == []
    assert isolated_db.count("interaction_contact") == 3  # the one named twice is linked once
    with pytest.raises(KamError, match="the summary cannot be empty"):
        log_interaction(database, "ACME", "  ", on=TODAY, now=NOW)


def test_complete_handover_step_needs_an_open_plan(database, isolated_db):
    who = add(database, "ACME", "Li Lei")
    with pytest.raises(KamError, match="Li Lei has no open handover plan; kam leave Li Lei --on DATE opens one"):
        complete_handover_step(database, "Li Lei", "exit_talk", on=TODAY)
    leave(database, "Li Lei", on=date(2026, 12, 10), **PLAN)
    done = complete_handover_step(database, "Li Lei", "3", on=TODAY, notes="went well")
    assert (done.name, done.step) == ("Li Lei", "exit_talk")
    assert steps(isolated_db, who.id)["exit_talk"] == "done"
    with pytest.raises(KamError, match="unknown step 'lunch'"):
        complete_handover_step(database, "Li Lei", "lunch", on=TODAY)


def test_forget_reports_what_it_erased(database, isolated_db):
    add(database, "ACME", "Li Lei", "li@acme.example")
    add(database, "ACME", "Han Mei")
    relate(database, "Li Lei", "Han Mei", "trusts", now=NOW)
    relate(database, "Han Mei", "Li Lei", "peer", now=NOW)
    leave(database, "Li Lei", on=date(2026, 11, 1), moved_to="Globex", **PLAN)
    log_interaction(database, "ACME", "lunch with Li Lei", contacts=["Han Mei"], on=TODAY, now=NOW)
    person = find_person(database, "li@acme.example")
    assert (person.name, len(person.records)) == ("Li Lei", 2)
    counts = forget(database, person, now=NOW)
    assert counts["relations"] == 2 and counts["handover plans"] == 1
    assert counts["texts that mentioned them"] >= 1 and counts["history rows"] > 0
    assert isolated_db.rows("SELECT name FROM contact") == [("Han Mei",)]


def test_record_health_scores_stores_the_scored_and_counts_the_others(database, isolated_db, kam, write_csv):
    assert kam("import", write_csv("account,name,attitude\nACME,Li Lei,support\nEmpty,Han Mei,\n")).exit_code == 0
    imported = kam("import", write_csv("account,usage\nACME,90\n", name="a.csv"), "--kind", "accounts")
    assert imported.exit_code == 0, imported.stderr
    with database.engine.connect() as conn:
        scores = health_scores(SqlaReader(conn), CONFIG.scorecard, check_options(CONFIG, TODAY))
    assert [r["account"] for _, r in scores] == ["ACME", "Empty"]
    done = record_health_scores(database, scores, on=TODAY, at=NOW)
    assert (done.on, done.scores, done.without_data) == (TODAY, 1, 1)
    assert isolated_db.count("health_score") == 1


def test_check_options_take_the_window_from_the_config_unless_given():
    opts = check_options(CONFIG, TODAY)
    assert (opts.today, opts.horizon, opts.min_contacts) == (TODAY, date(2026, 12, 23), 2)
    assert check_options(CONFIG, TODAY, "2w").horizon == date(2026, 12, 7)
    with pytest.raises(KamError, match="--due"):
        check_options(CONFIG, TODAY, "soon")
