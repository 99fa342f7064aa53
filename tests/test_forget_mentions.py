"""`kam forget` takes the person out of every text kam stores, as whole names only."""

from __future__ import annotations

import json
import sqlite3

import pytest

SEED = (
    "account,name,email,phone,title,department,roles,decision_power,attitude,reports_to\n"
    "ACME,Boss,boss@acme.example,,CEO,Board,decision_maker,final,support,\n"
    "ACME,Wang,wang@acme.example,,Purchasing Director,Purchasing,procurement,major,support,boss@acme.example\n"
    "ACME,安娜,deputy@acme.example,+86 138 0013 8000,Deputy Director,Purchasing,procurement,execution,support,"
    "wang@acme.example\n"
    "ACME,Engineer,eng@acme.example,,Engineer,IT,it,execution,neutral,boss@acme.example\n"
)
DEPUTY = ("Deputy", "安娜", "deputy@acme.example", "+86 138 0013 8000")  # now, earlier, email, phone


def history(kam, account="ACME"):
    return json.loads(kam("history", account, "--format", "json").stdout)


def forget(kam, who):
    result = kam("forget", who, "--yes")
    assert result.exit_code == 0, result.stderr
    return result


def seed_deputy(kam, write_csv):
    """安娜, renamed Deputy, Wang's successor, mentioned by name, email and phone everywhere."""
    assert kam("import", write_csv(SEED)).exit_code == 0
    kam("relate", "Boss", "安娜", "--kind", "trusts")  # Boss's history names her by her first name
    kam("set", "安娜", "--name", "Deputy")
    kam("successor", "Wang", "Deputy")
    kam("--as-of", "2026-11-22", "leave", "Wang", "--on", "2026-12-10")
    kam("log", "ACME", "First meeting with Deputy (deputy@acme.example, +86 138 0013 8000), 安娜 agreed",
        "--contact", "Deputy", "--kind", "meeting", "--on", "2026-11-25")  # fmt: skip
    kam("log", "ACME", "Call: DEPUTY wants a discount; 安娜的助理 called back", "--kind", "call", "--on", "2026-11-26")
    kam("handover", "Wang", "--done", "exit_talk", "--notes", "Wang vouches for Deputy; mail deputy@acme.example")
    kam("set", "Engineer", "--notes", "ask Deputy first, phone +86 138 0013 8000")
    kam("import", write_csv("account,notes\nACME,安娜 runs purchasing\n", name="a.csv"), "--kind", "accounts")


def test_forget_erases_an_earlier_name_from_other_peoples_history(kam, write_csv):
    seed_deputy(kam, write_csv)
    assert any(r["new"] == "安娜" and r["name"] == "Boss" for r in history(kam))
    forget(kam, "deputy@acme.example")
    rows = history(kam)
    assert [r["new"] for r in rows if r["name"] == "Boss" and r["field"] == "relation trusts"] == ["[forgotten]"]
    assert not [r for r in rows if any(v in json.dumps(r, ensure_ascii=False) for v in DEPUTY)]


def test_forget_erases_a_name_with_a_comma_from_opportunity_history(kam, write_csv):
    kam("import", write_csv('account,name,email\nACME,Boss,boss@acme.example\nACME,"Chen, Lina",lina@acme.example\n'
                            "ACME,Fan,fan@acme.example\n"))  # fmt: skip
    kam(
        "import",
        write_csv("account,name,contacts\nACME,Deal,lina@acme.example;Boss\n", name="o.csv"),
        "--kind",
        "opportunities",
    )
    kam("import", write_csv("account,name,contacts\nACME,Deal,Boss;Fan\n", name="o.csv"), "--kind", "opportunities")
    forget(kam, "lina@acme.example")
    (row,) = [r for r in history(kam) if r["field"] == "opportunity Deal: contacts"]
    assert (row["old"], row["new"]) == ("Boss, [forgotten]", "Boss, Fan")


def test_forget_erases_the_first_meeting_notes_copied_from_the_meeting(kam, write_csv):
    seed_deputy(kam, write_csv)
    forget(kam, "Deputy")
    steps = {s["step"]: s for s in json.loads(kam("handover", "Wang", "--format", "json").stdout)}
    assert (
        steps["first_meeting"]["notes"]
        == "First meeting with [forgotten] ([forgotten], [forgotten]), [forgotten] agreed"
    )
    assert steps["exit_talk"]["notes"] == "Wang vouches for [forgotten]; mail [forgotten]"


def test_forget_erases_mentions_in_summaries_and_other_peoples_notes(kam, write_csv):
    seed_deputy(kam, write_csv)
    forget(kam, "Deputy")
    (page,) = json.loads(kam("show", "ACME", "--format", "json").stdout)
    assert [i["summary"] for i in page["interactions"]] == [
        "Call: DEPUTY wants a discount; [forgotten]的助理 called back",  # a name matches as stored, case and all
        "First meeting with [forgotten] ([forgotten], [forgotten]), [forgotten] agreed",
    ]
    contacts = kam("export", "contacts").stdout
    assert "ask [forgotten] first, phone [forgotten]" in contacts
    assert "[forgotten] runs purchasing" in kam("export", "accounts").stdout
    everything = contacts + kam("export", "accounts").stdout + json.dumps(history(kam), ensure_ascii=False)
    assert not [v for v in DEPUTY if v.casefold() in everything.casefold()]


def test_forget_replaces_whole_names_only(kam, write_csv):
    kam("import", write_csv("account,name,email,roles,status,change_date,notes\n"
                            "ACME,Boss,boss@acme.example,decision_maker,,,\"Li's team; Lina Chen's too; Liu, Jean-Li, li@other.example\"\n"
                            "ACME,Li,li@acme.example,champion,left,2026-10-01,\n"
                            "ACME,Lina Chen,lina@acme.example,decision_maker,left,2026-09-01,\n"))  # fmt: skip
    kam("import", write_csv("account,usage\nACME,90\n", name="a.csv"), "--kind", "accounts")
    kam("--as-of", "2026-11-23", "health", "--record")
    kam("log", "ACME", "Li and Lina Chen met Olivia", "--on", "2026-11-20")
    forget(kam, "li@acme.example")
    (trend,) = json.loads(kam("health", "ACME", "--trend", "--format", "json").stdout)
    assert "[forgotten] 2026-10-01" in trend["explanation"] and "Lina Chen 2026-09-01" in trend["explanation"]
    (page,) = json.loads(kam("show", "ACME", "--format", "json").stdout)
    assert page["interactions"][0]["summary"] == "[forgotten] and Lina Chen met Olivia"
    assert "[forgotten]'s team; Lina Chen's too; Liu, Jean-Li, li@other.example" in kam("export", "contacts").stdout


def test_forget_matches_chinese_names_where_they_stand_but_not_one_character_in_free_text(kam, write_csv):
    kam("import", write_csv("account,name,email\n华东电力,李娜,lina@hd.example\n华东电力,王,wang@hd.example\n"
                            "华东电力,王建华,wjh@hd.example\n华东电力,赵强,zq@hd.example\n"))  # fmt: skip
    kam("relate", "赵强", "王", "--kind", "trusts")
    kam(
        "import", write_csv("account,name,contacts\n华东电力,续约,王;王建华\n", name="o.csv"), "--kind", "opportunities"
    )
    kam("import", write_csv("account,name,contacts\n华东电力,续约,王建华\n", name="o.csv"), "--kind", "opportunities")
    kam("log", "华东电力", "与李娜和王建华会面，王总也在", "--on", "2026-11-20")
    forget(kam, "lina@hd.example")
    forget(kam, "wang@hd.example")
    (page,) = json.loads(kam("show", "华东电力", "--format", "json").stdout)
    assert page["interactions"][0]["summary"] == "与[forgotten]和王建华会面，王总也在"
    rows = history(kam, "华东电力")
    assert [r["new"] for r in rows if r["field"] == "relation trusts"] == ["[forgotten]"]
    assert [r["old"] for r in rows if r["field"] == "opportunity 续约: contacts"] == ["[forgotten], 王建华"]


@pytest.mark.sqlite_only
def test_forget_leaves_no_bytes_of_the_person_in_the_file_or_its_log(kam, write_csv, isolated_db):
    seed_deputy(kam, write_csv)
    forget(kam, "Deputy")
    with sqlite3.connect(isolated_db.path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    files = [p for p in isolated_db.path.parent.iterdir() if p.name.startswith(isolated_db.path.name)]
    raw = b"".join(p.read_bytes() for p in files)
    assert isolated_db.path.stat().st_size > 0
    assert [v for v in DEPUTY if v.encode() in raw] == []
