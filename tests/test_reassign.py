"""Our own people changing (docs/spec.md §9): `kam reassign`, the owner handover plan it opens
(`kam handover --account`), `key_contacts_met` completing itself, `by` on interactions, and the
OWNER_HANDOVER_DUE / OWNER_HANDOVER_OVERDUE findings."""

from __future__ import annotations

import json

import pytest

from .test_unreadable_values import write

CONTACTS = (
    "account,name,email,roles,decision_power,attitude,status\n"
    "ACME,Boss,boss@acme.example,decision_maker,final,support,\n"
    "ACME,Champ,champ@acme.example,champion,major,strong_support,\n"
    "ACME,Eng,eng@acme.example,user,execution,neutral,\n"
    "ACME,Gone,gone@acme.example,decision_maker,final,support,left\n"
    "Beta,B1,b1@beta.example,,final,support,\n"
    "Beta,B2,b2@beta.example,user,,neutral,\n"
    "Gamma,G1,g1@gamma.example,decision_maker,,support,\n"
    "Delta,D1,d1@delta.example,,final,,\n"
)
ACCOUNTS = "account,owner\nACME,Zhang Wei\nBeta,zhang  wei\nGamma,Li Jing\nDelta,Wang Fang\n"
AS_OF = ("--as-of", "2026-11-20")


def ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def book(kam, write_csv, isolated_db):
    ok(kam(*AS_OF, "import", write_csv(CONTACTS)))
    ok(kam(*AS_OF, "import", write_csv(ACCOUNTS, "accounts.csv"), "--kind", "accounts"))
    # who knows whom and the account teams, as `kam set --our-contact` and `kam team --add` store them
    for email, ours in (("boss@acme.example", "Zhang Wei;Li Jing"), ("champ@acme.example", "zhang wei;Wang Fang"),
                        ("eng@acme.example", "Li Jing"), ("g1@gamma.example", "Zhang Wei")):  # fmt: skip
        write(isolated_db, "UPDATE contact SET our_contacts = ? WHERE email = ?", (ours, email))
    for account, name, role in (("ACME", "Wang Fang", "csm"), ("Beta", "Li Jing", "presales"),
                                ("Gamma", "zhang wei", "sales"), ("Delta", "Zhang Wei", "executive")):  # fmt: skip
        write(isolated_db, "INSERT INTO team_member (account_id, name, name_key, role, added_at)"
              " SELECT id, ?, ?, ?, '2026-11-01 00:00:00' FROM account WHERE name = ?",
              (name, " ".join(name.split()).casefold(), role, account))  # fmt: skip
    return isolated_db


def records(kam, *args):
    result = kam(*args, "--format", "json")
    assert result.exit_code in ((0, 1) if "check" in args else (0,)), result.output
    return json.loads(result.stdout)


def owners(db):
    return dict(db.rows("SELECT name, owner FROM account"))


def team(db):
    return sorted(db.rows("SELECT a.name, t.name, t.role FROM team_member t JOIN account a ON a.id = t.account_id"))


MOVED = [
    {"account": "ACME", "change": "owner", "contact": None, "before": "Zhang Wei", "after": "Wang Fang"},
    {"account": "ACME", "change": "our_contacts", "contact": "Boss", "before": "Zhang Wei;Li Jing",
     "after": "Wang Fang;Li Jing"},
    {"account": "ACME", "change": "our_contacts", "contact": "Champ", "before": "zhang wei;Wang Fang",
     "after": "Wang Fang"},
    {"account": "ACME", "change": "team", "contact": None, "before": "Wang Fang (csm)", "after": None},
    {"account": "ACME", "change": "plan", "contact": None, "before": None, "after": "2026-12-04"},
    {"account": "Beta", "change": "owner", "contact": None, "before": "zhang  wei", "after": "Wang Fang"},
    {"account": "Beta", "change": "plan", "contact": None, "before": None, "after": "2026-12-04"},
    {"account": "Delta", "change": "team", "contact": None, "before": "Zhang Wei (executive)", "after": None},
    {"account": "Gamma", "change": "our_contacts", "contact": "G1", "before": "Zhang Wei", "after": "Wang Fang"},
    {"account": "Gamma", "change": "team", "contact": None, "before": "zhang wei (sales)", "after": "Wang Fang (sales)"},
]  # fmt: skip


def test_reassign_moves_every_account_of_from_with_its_contacts_and_team(kam, book):
    before = book.count("change")
    # a dry run lists what would move and writes nothing
    result = ok(kam(*AS_OF, "reassign", "ZHANG WEI", "Wang Fang", "--dry-run", "--format", "json"))
    assert json.loads(result.stdout) == MOVED
    assert "nothing was written" in result.stderr
    assert book.count("change") == before and book.count("owner_handover") == 0
    assert owners(book) == {"ACME": "Zhang Wei", "Beta": "zhang  wei", "Gamma": "Li Jing", "Delta": "Wang Fang"}
    # the same, written (the handover date 14 days from today)
    result = ok(kam(*AS_OF, "reassign", "ZHANG WEI", "Wang Fang", "--format", "json"))
    assert json.loads(result.stdout) == MOVED
    assert "moved 2 accounts, 3 contacts, 3 team entries from ZHANG WEI to Wang Fang" in result.stderr
    assert "opened 2 owner handover plans (handover on 2026-12-04)" in result.stderr
    assert owners(book) == {"ACME": "Wang Fang", "Beta": "Wang Fang", "Gamma": "Li Jing", "Delta": "Wang Fang"}
    assert dict(book.rows("SELECT email, our_contacts FROM contact WHERE our_contacts IS NOT NULL")) == {
        "boss@acme.example": "Wang Fang;Li Jing", "champ@acme.example": "Wang Fang", "eng@acme.example": "Li Jing",
        "g1@gamma.example": "Wang Fang",  # every account: Zhang Wei's relationships are Wang Fang's now
    }  # fmt: skip
    # the new owner is not on their own team (ACME, Delta); Gamma's entry is Wang Fang's
    assert team(book) == [("Beta", "Li Jing", "presales"), ("Gamma", "Wang Fang", "sales")]
    # every change in the history, source reassign
    rows = book.rows("SELECT entity, field, old, new FROM \"change\" WHERE source = 'reassign' ORDER BY id")
    assert rows == [
        ("account", "owner", "Zhang Wei", "Wang Fang"), ("account", "owner", "zhang  wei", "Wang Fang"),
        ("contact", "our_contacts", "Zhang Wei;Li Jing", "Wang Fang;Li Jing"),
        ("contact", "our_contacts", "zhang wei;Wang Fang", "Wang Fang"), ("contact", "our_contacts", "Zhang Wei", "Wang Fang"),
        ("account", "team", "Wang Fang (csm)", None), ("account", "team", "zhang wei (sales)", "Wang Fang (sales)"),
        ("account", "team", "Zhang Wei (executive)", None),
    ]  # fmt: skip
    history = records(kam, "history", "ACME")
    assert {"field": "owner", "old": "Zhang Wei", "new": "Wang Fang", "source": "reassign"}.items() <= history[-4].items()
    # each account has its owner handover plan, every step the new owner's
    assert records(kam, *AS_OF, "handover", "--account", "beta") == [
        {"step": "handover_meeting", "owner": "Wang Fang", "deadline": "2026-12-04", "status": "open", "done_on": None, "notes": None},
        {"step": "records_transferred", "owner": "Wang Fang", "deadline": "2026-12-04", "status": "open", "done_on": None, "notes": None},
        {"step": "key_contacts_met", "owner": "Wang Fang", "deadline": "2027-01-03", "status": "open", "done_on": None, "notes": None},
        {"step": "customer_confirmed", "owner": "Wang Fang", "deadline": "2027-01-03", "status": "open", "done_on": None, "notes": None},
    ]  # fmt: skip


def test_reassign_only_the_accounts_named_from_the_date_given(kam, book):
    result = ok(kam(*AS_OF, "reassign", "Zhang Wei", "Wang Fang", "--account", "Beta", "--on", "2026-12-01"))
    assert "Reassigned from Zhang Wei to Wang Fang" in result.stdout
    assert "moved 1 account, 0 contacts, 0 team entries" in result.stderr  # named accounts: only theirs
    assert owners(book) == {"ACME": "Zhang Wei", "Beta": "Wang Fang", "Gamma": "Li Jing", "Delta": "Wang Fang"}
    assert ("Gamma", "zhang wei", "sales") in team(book)
    steps = {s["step"]: s["deadline"] for s in records(kam, "handover", "--account", "Beta")}
    assert steps == {"handover_meeting": "2026-12-01", "records_transferred": "2026-12-01",
                     "key_contacts_met": "2026-12-31", "customer_confirmed": "2026-12-31"}  # fmt: skip
    # a second reassignment replaces the open plan
    result = ok(kam(*AS_OF, "reassign", "Wang Fang", "Li Jing", "--format", "json"))
    plans = [r for r in json.loads(result.stdout) if r["change"] == "plan"]
    assert plans == [{"account": "Beta", "change": "plan", "contact": None, "before": "zhang  wei → Wang Fang",
                      "after": "2026-12-04"},
                     {"account": "Delta", "change": "plan", "contact": None, "before": None, "after": "2026-12-04"}]  # fmt: skip
    assert book.rows("SELECT status FROM owner_handover ORDER BY id") == [("cancelled",), ("open",), ("open",)]
    assert {s["owner"] for s in records(kam, "handover", "--account", "Beta")} == {"Li Jing"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Nobody", "Wang Fang"), "kam: FROM: Nobody owns no account; the owners are Li Jing, Wang Fang, Zhang Wei"),
        (("Zhang Wei", " zhang   WEI "), "kam: TO: zhang WEI is FROM; name the person who takes over"),
        (("Zhang Wei", "Wang Fang", "--account", "Nowhere"), "kam: --account: no account named 'Nowhere'; known"),
        (("Zhang Wei", "Wang Fang", "--account", "ACME", "--account", "Gamma"),
         "kam: --account: Gamma is owned by Li Jing, not Zhang Wei"),
        (("Zhang Wei", "Wang Fang", "--on", "2026-02-30"), "kam: --on: not a date '2026-02-30'"),
        (("Zhang Wei", ""), "kam: TO: give a name"),
    ],
)
def test_bad_input_is_one_located_line_and_nothing_is_written(kam, book, args, message):
    before = (book.count("change"), book.count("owner_handover"), owners(book), team(book))
    result = kam(*AS_OF, "reassign", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    assert (book.count("change"), book.count("owner_handover"), owners(book), team(book)) == before


def test_the_new_owner_meeting_every_key_contact_completes_key_contacts_met(kam, book):
    ok(kam(*AS_OF, "reassign", "Zhang Wei", "Wang Fang", "--account", "ACME"))

    def step():
        (s,) = [s for s in records(kam, "handover", "--account", "ACME") if s["step"] == "key_contacts_met"]
        return s["status"], s["done_on"]

    # none of these counts: before the reassignment, by someone else, an email, a meeting dated after today
    ok(kam("--as-of", "2026-11-21", "log", "ACME", "old friends", "-c", "Champ", "--kind", "visit", "--by", "Wang Fang",
           "--on", "2026-11-19"))  # fmt: skip
    ok(kam("--as-of", "2026-11-21", "log", "ACME", "intro", "-c", "Champ", "--kind", "meeting", "--by", "Li Jing"))
    ok(kam("--as-of", "2026-11-21", "log", "ACME", "mail", "-c", "Champ", "--kind", "email", "--by", "Wang Fang"))
    ok(kam("--as-of", "2026-11-21", "log", "ACME", "soon", "-c", "Champ", "--kind", "meeting", "--by", "Wang Fang",
           "--on", "2026-11-30"))  # fmt: skip
    # the decision maker met (the default `by` is the owner, now Wang Fang), the champion not yet
    result = ok(kam("--as-of", "2026-11-22", "log", "ACME", "kick-off", "-c", "Boss", "-c", "Eng", "--kind", "call"))
    assert "key_contacts_met" not in result.stderr and step() == ("open", None)
    assert records(kam, "show", "ACME")[0]["interactions"][0]["by"] == "Wang Fang"
    # the champion met (the one who left does not count): done on the day of that meeting
    result = ok(kam("--as-of", "2026-11-25", "log", "ACME", "lunch", "-c", "champ@acme.example", "--kind", "visit",
                    "--by", "wang  fang", "--on", "2026-11-24"))  # fmt: skip
    assert "Wang Fang has met every active decision maker and champion of ACME: owner handover step key_contacts_met done" in result.stderr
    assert step() == ("done", "2026-11-24")


def test_the_interactions_import_writes_by_and_completes_key_contacts_met(kam, book, write_csv):
    ok(kam(*AS_OF, "reassign", "Zhang Wei", "Wang Fang", "--account", "Beta"))
    rows = "客户,日期,类型,联系人,摘要,我方人员\nBeta,2026-11-21,meeting,B1,intro,Wang Fang\nBeta,2026-11-21,note,B2,memo,\n"
    result = ok(kam("--as-of", "2026-11-22", "import", write_csv(rows, "meet.csv"), "--kind", "interactions"))
    assert "2 created" in result.stdout
    assert "completed 1 key_contacts_met owner handover step (the new owner met every key contact)" in result.stderr
    (s,) = [s for s in records(kam, "handover", "--account", "Beta") if s["step"] == "key_contacts_met"]
    assert (s["status"], s["done_on"]) == ("done", "2026-11-21")
    assert sorted(book.rows("SELECT summary, by_person FROM interaction")) == [("intro", "Wang Fang"), ("memo", "Wang Fang")]
    # the alias 拜访人 too; a row names who had it
    again = "account,date,kind,contacts,summary,拜访人\nBeta,2026-11-21,note,B2,memo,Li Jing\n"
    assert "1 updated" in ok(kam("import", write_csv(again, "again.csv"), "--kind", "interactions")).stdout
    assert ("memo", "Li Jing") in book.rows("SELECT summary, by_person FROM interaction")


def test_by_round_trips_through_export_all_and_is_in_chinese_as_the_import_reads_it(kam, book, tmp_path, new_db):
    ok(kam("log", "ACME", "review", "-c", "Boss", "--kind", "meeting", "--on", "2026-11-10"))
    ok(kam("log", "Gamma", "call", "-c", "G1", "--kind", "call", "--by", "Ma Li", "--on", "2026-11-11"))
    ok(kam("export", "all", "-o", tmp_path / "out"))
    lines = (tmp_path / "out" / "interactions.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["account,date,kind,contacts,summary,by", "ACME,2026-11-10,meeting,boss@acme.example,review,Zhang Wei",
                     "Gamma,2026-11-11,call,g1@gamma.example,call,Ma Li"]  # fmt: skip
    ok(kam("--lang", "zh", "export", "all", "-o", tmp_path / "zh"))
    assert (tmp_path / "zh" / "interactions.csv").read_text(encoding="utf-8-sig").splitlines()[0].endswith(",我方人员")
    other = new_db("copy.db")
    ok(kam("--db", other, "import", tmp_path / "zh"))
    for account in ("ACME", "Gamma"):
        assert records(kam, "--db", other, "show", account)[0]["interactions"] == records(kam, "show", account)[0]["interactions"]


def test_owner_handover_plans_round_trip_through_export_all_in_english_and_chinese(kam, book, tmp_path, new_db):
    ok(kam(*AS_OF, "reassign", "Zhang Wei", "Wang Fang", "--on", "2026-11-25"))
    ok(kam("--as-of", "2026-11-22", "handover", "--account", "Beta", "--done", "1", "--notes", "met, Wang too"))
    ok(kam(*AS_OF, "reassign", "Li Jing", "Ma Li"))  # Gamma
    for step in ("1", "2", "3", "4"):
        ok(kam("--as-of", "2026-11-22", "handover", "--account", "Gamma", "--done", step))  # closed: still shown
    result = ok(kam("export", "all", "-o", tmp_path / "en"))
    assert "5 handover steps, 12 owner handover steps, 2 team members to" in result.stderr
    lines = (tmp_path / "en" / "owner_handovers.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "account,from_owner,to_owner,reassigned_on,step,owner,deadline,status,done_on,notes"
    assert lines[5] == "Beta,zhang  wei,Wang Fang,2026-11-20,handover_meeting,Wang Fang,2026-11-25,done,2026-11-22,\"met, Wang too\""
    ok(kam("--lang", "zh", "export", "all", "-o", tmp_path / "zh"))
    zh = (tmp_path / "zh" / "owner_handovers.csv").read_text(encoding="utf-8").splitlines()
    assert zh[0] == "客户,原负责人,新负责人,转交日期,步骤,负责人,截止日期,状态,完成日期,备注"
    for folder in ("en", "zh"):
        other = new_db(f"{folder}.db")
        ok(kam("--db", other, "import", tmp_path / folder))
        for account in ("ACME", "Beta", "Gamma"):
            args = ("--as-of", "2026-11-26", "handover", "--account", account)
            assert kam("--db", other, *args).stdout == kam(*args).stdout, (folder, account)
        check = ("--as-of", "2026-11-26", "check", "--format", "csv")
        assert kam("--db", other, *check).stdout == kam(*check).stdout, folder
    # one file alone, with its problems located
    bad = tmp_path / "bad.csv"
    bad.write_text("account,step,status,done_on\nBeta,5,open,\nBeta,records_transferred,done,2099-01-01\n"
                   "Nowhere,1,,\n", encoding="utf-8")  # fmt: skip
    result = kam("import", bad, "--kind", "owner_handovers")
    assert result.exit_code == 2
    assert "line 2, column 2 (step), value '5': unknown owner handover step '5'" in result.stderr
    assert "line 3, column 4 (done_on), value '2099-01-01': nothing is completed in the future" in result.stderr
    assert "line 4, column 1 (account), value 'Nowhere': no account named 'Nowhere'" in result.stderr


def test_owner_handover_findings_on_both_read_paths(kam, book):
    ok(kam(*AS_OF, "reassign", "Zhang Wei", "Wang Fang", "--account", "Beta", "--on", "2026-11-25"))

    def owner_findings(day, *args):
        found = records(kam, "--as-of", day, "check", *args)
        return [f for f in found if f["code"].startswith("OWNER_HANDOVER")]

    assert owner_findings("2026-11-20", "--due", "3d") == []  # due after the window
    due = owner_findings("2026-11-20")
    assert [(f["code"], f["severity"], f["contact"], f["date"]) for f in due] == [
        ("OWNER_HANDOVER_DUE", "medium", None, "2026-11-25"), ("OWNER_HANDOVER_DUE", "medium", None, "2026-11-25"),
    ]  # fmt: skip
    assert due[0]["message"] == "owner handover zhang  wei → Wang Fang: step handover_meeting is due 2026-11-25"
    ok(kam("--as-of", "2026-11-24", "handover", "--account", "Beta", "--done", "records_transferred"))
    late = owner_findings("2026-11-26")
    assert [(f["code"], f["severity"], f["date"]) for f in late] == [
        ("OWNER_HANDOVER_OVERDUE", "high", "2026-11-25"),
        ("OWNER_HANDOVER_DUE", "medium", "2026-12-25"), ("OWNER_HANDOVER_DUE", "medium", "2026-12-25"),
    ]  # fmt: skip
    assert late[0]["message"] == "owner handover zhang  wei → Wang Fang: step handover_meeting was due 2026-11-25"
    # the same on the account loaded whole (kam show), and in the table and CSV of kam check
    (page,) = records(kam, "--as-of", "2026-11-26", "show", "Beta")
    assert [f for f in page["findings"] if f["code"].startswith("OWNER_HANDOVER")] == late
    assert page["owner_handover"] == {"from": "zhang  wei", "to": "Wang Fang", "next_step": "handover_meeting",
                                      "deadline": "2026-11-25", "open_steps": 3}  # fmt: skip
    assert "Owner handover: zhang  wei → Wang Fang, next step handover_meeting due 2026-11-25" in kam(
        "--as-of", "2026-11-26", "show", "Beta").stdout
    assert "OWNER_HANDOVER_OVERDUE,high,Beta,,2026-11-25," in kam("--as-of", "2026-11-26", "check", "--format", "csv").stdout
    # done steps raise nothing; the plan closes with its last step
    for s in ("1", "3", "customer_confirmed"):
        result = ok(kam("--as-of", "2026-11-26", "handover", "--account", "Beta", "--done", s))
    assert "the owner handover plan is closed" in result.stderr
    assert owner_findings("2026-12-30") == []
    assert records(kam, "--as-of", "2026-11-26", "show", "Beta")[0]["owner_handover"] is None
    assert "plan closed" in kam("--as-of", "2026-11-26", "handover", "--account", "Beta").stdout


def test_handover_account_alone_is_the_owner_plan_and_with_a_contact_disambiguates(kam, book, write_csv):
    ok(kam(*AS_OF, "reassign", "Zhang Wei", "Wang Fang", "--account", "ACME"))
    ok(kam("import", write_csv("account,name\nBeta,Boss\n", "more.csv")))
    ok(kam(*AS_OF, "leave", "Boss", "--account", "ACME", "--on", "2026-12-20"))
    shown = ok(kam(*AS_OF, "handover", "Boss", "--account", "ACME")).stdout
    assert "Handover of Boss (ACME)" in shown and "exit_talk" in shown
    ok(kam(*AS_OF, "handover", "Boss", "--account", "ACME", "--done", "confirm"))
    assert [s["status"] for s in records(kam, "handover", "Boss", "--account", "ACME")][0] == "done"
    table = ok(kam(*AS_OF, "handover", "--account", "ACME")).stdout
    assert "Owner handover of ACME: Zhang Wei → Wang Fang (reassigned on 2026-11-20) — plan open" in table
    assert "the old owner introduces the new owner to the key contacts" in table
    csv = ok(kam(*AS_OF, "handover", "--account", "ACME", "--format", "csv")).stdout
    assert csv.splitlines()[0] == "step,owner,deadline,status,done_on,notes"
    result = ok(kam(*AS_OF, "handover", "-a", "ACME", "--done", "2", "--notes", "quotes and contracts"))
    assert "ACME: owner handover step records_transferred done" in result.stderr
    again = ok(kam(*AS_OF, "handover", "-a", "ACME", "--done", "records_transferred"))
    assert "was already done on 2026-11-20; nothing changed" in again.stderr
    for args, message in [
        ((), "give a CONTACT"), (("--account", "Gamma"), "Gamma has no owner handover plan"),
        (("--account", "ACME", "--done", "5"), "unknown owner handover step '5'"),
        (("--account", "ACME", "--done", "1", "--on", "2026-11-21"), "is after today"),
        (("--account", "ACME", "--owner", "Li Jing"), "--owner and --step go with a CONTACT"),
        (("--account", "ACME", "--notes", "x"), "--on and --notes go with --done STEP"),
    ]:  # fmt: skip
        bad = kam(*AS_OF, "handover", *args)
        assert bad.exit_code == 2 and message in bad.stderr, (args, bad.stderr)


def test_the_readme_section_on_reassign_is_real_output(kam, monkeypatch):
    from .conftest import ROOT
    from .test_readme import console_blocks

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## When one of ours leaves: `kam reassign`")
    commands = console_blocks(text[start : text.index("\n## ", start + 1)])
    assert len(commands) >= 8
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "80")
    for argv, expected in commands:
        result = kam(*argv)
        shown = "".join(line.rstrip() + "\n" for line in (result.stdout + result.stderr).splitlines())
        assert shown == expected, " ".join(argv)


def test_reassign_with_the_team_and_our_contacts_kam_keeps(kam, write_csv):
    ok(kam(*AS_OF, "import", write_csv(CONTACTS)))
    ok(kam(*AS_OF, "import", write_csv(ACCOUNTS, "accounts.csv"), "--kind", "accounts"))
    ok(kam(*AS_OF, "team", "Gamma", "--add", "Zhang Wei", "--role", "presales"))
    ok(kam(*AS_OF, "team", "ACME", "--add", "Ma Li", "--role", "csm"))
    ok(kam(*AS_OF, "set", "Boss", "--our-contact", "Zhang Wei", "--our-contact", "Li Jing"))
    ok(kam(*AS_OF, "set", "G1", "--our-contact", "Zhang Wei"))
    # ACME alone: Ma Li owns it (and leaves its team), Boss is Ma Li's; Gamma is not touched
    ok(kam(*AS_OF, "reassign", "Zhang Wei", "Ma Li", "--account", "ACME"))
    assert [m["name"] for m in records(kam, "team", "ACME")] == ["Ma Li"]  # the owner only
    (boss,) = [c for c in records(kam, "contacts", "ACME") if c["name"] == "Boss"]
    assert boss["our_contacts"] == ["Ma Li", "Li Jing"]
    (zhang,) = records(kam, "staff", "Zhang Wei")
    assert zhang["accounts_owned"] == ["Beta"] and zhang["team_accounts"] == ["Gamma"]
    # the rest of what Zhang Wei holds, everywhere
    ok(kam(*AS_OF, "reassign", "Zhang Wei", "Ma Li"))
    assert [(m["name"], m["role"]) for m in records(kam, "team", "Gamma") if m["name"] == "Ma Li"] == [("Ma Li", "presales")]
    (ma,) = records(kam, "staff", "Ma Li")
    assert ma["accounts_owned"] == ["ACME", "Beta"] and ma["team_accounts"] == ["Gamma"]
    assert "nobody of ours is called 'Zhang Wei'" in kam("staff", "Zhang Wei").stderr  # nothing left with them
