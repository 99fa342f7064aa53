"""`kam export all -o DIR` and `kam import DIR` (SPEC §8): the whole database round-trips."""

from __future__ import annotations

import json
import stat

import pytest

from .conftest import BACKEND, EXAMPLE

AS_OF = ("--as-of", "2026-12-01")
EXAMPLES = EXAMPLE.parent
HEADERS = {
    "contacts.csv": "account,name,email,phone,title,department,roles,decision_power,attitude,concerns,can_sign,"
    "project_owner,reports_to,status,change_risk,change_date,change_kind,successor,notes,our_contacts,moved_to",
    "accounts.csv": "account,industry,tier,owner,annual_revenue,usage,renewal_intent,p1_tickets,nps,notes,status,"
    "renewal_date",
    "relations.csv": "contact,other,kind",
    "opportunities.csv": "account,name,amount,stage,close_date,contacts",
    "interactions.csv": "account,date,kind,contacts,summary,by",
    "handovers.csv": "contact,step,owner,deadline,status,done_on,notes,change_on",
    "owner_handovers.csv": "account,from_owner,to_owner,reassigned_on,step,owner,deadline,status,done_on,notes",
    "team.csv": "account,name,role",
}
ACCOUNTS = ("华东电力集团", "星河零售", "蓝海科技", "云帆医药", "北辰制造", "新锐资本")


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def build_example(kam, *db):
    """The example book, with relations, a move, a handover step done and a successor."""
    ok(kam(*db, *AS_OF, "import", EXAMPLE))
    for kind in ("accounts", "opportunities", "interactions"):
        ok(kam(*db, *AS_OF, "import", EXAMPLES / f"{kind}.csv", "--kind", kind))
    ok(kam(*db, *AS_OF, "relate", "lina@ecpower.example", "zhaoq@ecpower.example", "--kind", "trusts"))
    ok(kam(*db, *AS_OF, "relate", "周敏", "吴昊", "--kind", "referred"))
    ok(kam(*db, *AS_OF, "leave", "韩冰", "--on", "2026-10-31", "--moved-to", "新锐资本"))
    ok(kam(*db, *AS_OF, "handover", "wangjh@ecpower.example", "--done", "confirm", "--on", "2026-11-20",
           "--notes", "确认离职"))  # fmt: skip
    ok(kam(*db, *AS_OF, "successor", "wangjh@ecpower.example", "lina@ecpower.example"))
    ok(kam(*db, *AS_OF, "log", "星河零售", "需求评审", "--contact", "吴昊", "--kind", "meeting", "--on", "2026-11-25"))


def outputs(kam, *db):
    """What map, check, handover and show print, as text and as JSON."""
    commands = [("check",), *(("map", a) for a in ACCOUNTS), *(("show", a) for a in ACCOUNTS),
                ("handover", "wangjh@ecpower.example"), ("handover", "hanbing@beichen.example"),
                ("handover", "weidong@yunfan.example")]  # fmt: skip
    out = {}
    for command in commands:
        for fmt in ((), ("--format", "json")):
            result = kam(*db, *AS_OF, *command, *fmt)
            assert result.exit_code in (0, 1), result.output
            out[(*command, *fmt)] = result.stdout
    return out


def test_export_all_then_import_into_an_empty_database_prints_the_same(kam, new_db, tmp_path):
    build_example(kam)
    before = outputs(kam)
    folder = tmp_path / "backup"
    ok(kam(*AS_OF, "export", "all", "-o", folder))
    fresh = ("--db", new_db("fresh.db").location)
    imported = ok(kam(*fresh, *AS_OF, "import", folder))
    assert f"imported {folder}/contacts.csv: 17 created" in imported.stdout
    after = outputs(kam, *fresh)
    assert after == before
    # the folder carries the move, the relations, the step done and the successor
    assert "新锐资本" in before[("show", "北辰制造", "--format", "json")]
    assert (
        '"done_on": "2026-11-20", "notes": "确认离职"'
        in after[("handover", "wangjh@ecpower.example", "--format", "json")]
    )


def test_importing_the_folder_again_changes_nothing(kam, isolated_db, tmp_path):
    build_example(kam)
    folder = tmp_path / "backup"
    ok(kam(*AS_OF, "export", "all", "-o", folder))
    before, changes = outputs(kam), isolated_db.count("change")
    again = ok(kam(*AS_OF, "import", folder))
    assert [line.split(": ", 1)[1].split(" (")[0] for line in again.stdout.splitlines()] == [
        f"0 created, 0 updated, {n} unchanged, 0 skipped" for n in (6, 17, 2, 7, 8, 20, 0, 0)
    ]
    assert outputs(kam) == before
    assert isolated_db.count("change") == changes


def test_export_all_writes_one_private_csv_per_table_with_stable_headers(kam, tmp_path):
    ok(kam("add", "ACME", "Li Lei"))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "README.txt").write_text("mine")
    folder = tmp_path / "out" / "new" / "kam"  # made, with the folders above it
    result = ok(kam("export", "all", "-o", folder))
    assert "wrote 1 account, 1 contact, 0 relations, 0 opportunities, 0 interactions, 0 handover steps, 0 owner handover steps" in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in folder.iterdir()) == sorted(HEADERS)
    for name, header in HEADERS.items():
        path = folder / name
        assert path.read_text(encoding="utf-8").splitlines()[0] == header
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (tmp_path / "out" / "README.txt").read_text() == "mine"
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_export_all_needs_a_folder(kam, tmp_path):
    ok(kam("add", "ACME", "Li Lei"))
    missing = kam("export", "all")
    assert missing.exit_code == 2 and "-o DIR" in missing.stderr
    a_file = tmp_path / "x.csv"
    a_file.write_text("keep")
    refused = kam("export", "all", "-o", a_file)
    assert refused.exit_code == 2 and "is not a folder" in refused.stderr
    assert a_file.read_text() == "keep"


@pytest.mark.sqlite_only
def test_export_all_refuses_the_database(kam, isolated_db):
    ok(kam("add", "ACME", "Li Lei"))
    result = kam("export", "all", "-o", isolated_db.path)
    assert result.exit_code == 2 and "the database itself" in result.stderr
    assert isolated_db.count("contact") == 1


def test_a_bad_file_in_the_folder_writes_nothing_and_says_where(kam, new_db, isolated_db, tmp_path):
    build_example(kam)
    folder = tmp_path / "backup"
    ok(kam(*AS_OF, "export", "all", "-o", folder))
    handovers = folder / "handovers.csv"
    lines = handovers.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("exit_talk", "farewell")
    handovers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fresh = new_db("fresh.db")
    result = kam("--db", fresh.location, *AS_OF, "import", folder)
    assert result.exit_code == 2
    assert f"{handovers}, line 4, column 2 (step), value 'farewell'" in result.stderr.replace("\n", " ")
    assert "Traceback" not in result.output
    if BACKEND == "sqlite":
        assert not fresh.exists()  # not even the database file a first import would have made
    else:
        assert not fresh.exists() or fresh.count("contact") == 0


def test_a_folder_without_any_of_the_files_is_refused(kam, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "other.csv").write_text("a,b\n1,2\n")
    result = kam("import", tmp_path / "empty")
    assert result.exit_code == 2
    assert "contacts.csv" in result.stderr and "handovers.csv" in result.stderr


def test_a_folder_with_only_some_of_the_files_imports_them(kam, isolated_db, tmp_path):
    folder = tmp_path / "part"
    folder.mkdir()
    (folder / "contacts.csv").write_text("account,name,email\nACME,Li Lei,li@acme.example\nACME,Han Mei,\n")
    (folder / "relations.csv").write_text("contact,other,kind\nli@acme.example,Han Mei,trusts\n")
    result = ok(kam("import", folder))
    assert f"imported {folder}/contacts.csv: 2 created" in result.stdout
    assert f"imported {folder}/relations.csv: 1 created" in result.stdout
    assert isolated_db.count("relation") == 1


def test_kind_relations_and_handovers_import_one_file(kam, isolated_db, write_csv):
    ok(kam(*AS_OF, "import", write_csv(
        "account,name,email,status,change_date\nACME,Li Lei,li@acme.example,leaving,2026-12-20\nACME,Han Mei,,,\n")))  # fmt: skip
    relations = write_csv("联系人,对方,关系\nli@acme.example,Han Mei,信任\n", name="rel.csv")
    assert "1 created" in ok(kam("import", relations, "--kind", "relations")).stdout
    assert isolated_db.rows("select kind from relation") == [("trusts",)]
    steps = write_csv("contact,step,owner,status,done_on,notes\nLi Lei,exit_talk,王芳,done,2026-11-30,告别\n",
                      name="steps.csv")  # fmt: skip
    assert "1 updated" in ok(kam(*AS_OF, "import", steps, "--kind", "handovers")).stdout
    plan = kam(*AS_OF, "handover", "li@acme.example", "--format", "json").stdout
    assert '"step": "exit_talk", "description": "a farewell conversation with the departing contact, if possible", ' \
           '"owner": "王芳", "deadline": "2026-12-20", "status": "done", "overdue": false, "done_on": "2026-11-30", ' \
           '"notes": "告别"' in plan  # fmt: skip
    future = write_csv("contact,step,status,done_on\nLi Lei,confirm,done,2026-12-05\n", name="future.csv")
    refused = kam(*AS_OF, "import", future, "--kind", "handovers")
    assert refused.exit_code == 2 and "line 2, column 4 (done_on), value '2026-12-05'" in refused.stderr


def test_a_name_two_contacts_share_is_written_with_its_account(kam, new_db, tmp_path):
    for account in ("ACME", "Globex"):
        ok(kam("add", account, "王强"))
        ok(kam("add", account, "李雷"))
        ok(kam("relate", "王强", "李雷", "--account", account, "--kind", "trusts" if account == "ACME" else "peer"))
    folder = tmp_path / "backup"
    ok(kam("export", "all", "-o", folder))
    assert (folder / "relations.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "王强 (ACME),李雷 (ACME),trusts",
        "王强 (Globex),李雷 (Globex),peer",
    ]
    fresh = ("--db", new_db("fresh.db").location)
    ok(kam(*fresh, "import", folder))
    for account in ("ACME", "Globex"):
        assert kam(*fresh, "map", account, "--format", "json").stdout == kam("map", account, "--format", "json").stdout


def test_a_relation_naming_nobody_is_located(kam, write_csv):
    ok(kam("add", "ACME", "Li Lei"))
    relations = write_csv("contact,other,kind\nLi Lei,Nobody,peer\n", name="rel.csv")
    result = kam("import", relations, "--kind", "relations")
    assert result.exit_code == 2
    assert f"{relations}, line 2, column 2 (other), value 'Nobody': 'Nobody' names nobody" in result.stderr.replace(
        "\n", " "
    )


def test_a_contacts_file_with_moved_to_keeps_the_contact_at_the_new_account(kam, isolated_db, write_csv):
    people = write_csv(
        "account,name,email,phone,status,change_date,moved_to\n"
        "ACME,Li Lei,li@acme.example,13800000001,left,2026-10-01,Globex\n"
    )
    result = ok(kam(*AS_OF, "import", people))
    assert "recorded 1 move" in result.stderr
    shown = kam(*AS_OF, "contacts", "ACME", "--format", "json").stdout
    assert '"moved_to": "Globex"' in shown
    assert isolated_db.rows("select a.name, c.name, c.phone from contact c join account a on a.id = c.account_id"
                            " where a.name = 'Globex'") == [("Globex", "Li Lei", "13800000001")]  # fmt: skip
    ok(kam(*AS_OF, "import", people))  # again: the same lead
    assert isolated_db.count("contact") == 2


def test_export_help_says_the_folder_round_trips(kam):
    text = " ".join(kam("export", "--help").stdout.split())
    assert "all -o DIR" in text and "kam import DIR" in text


def test_export_all_without_a_database_makes_no_folder(kam, tmp_path):
    result = kam("export", "all", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "import contacts first" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_gbk_contacts_file_names_the_move_in_chinese(kam, write_csv):
    people = write_csv("客户,姓名,状态,预期变动时间,去向\n华信银行,许婷,已离职,2026-10-01,星河零售\n", encoding="gbk")
    result = ok(kam(*AS_OF, "import", people))
    assert "recorded 1 move" in result.stderr
    assert '"moved_to": "星河零售"' in kam(*AS_OF, "contacts", "华信银行", "--format", "json").stdout


def test_an_undated_change_counts_from_the_day_it_was_recorded_after_the_import_too(kam, new_db, tmp_path):
    ok(kam("--as-of", "2026-11-01", "add", "ACME", "Li Lei", "--email", "li@acme.example"))
    ok(kam("--as-of", "2026-11-01", "add", "ACME", "Han Mei", "--email", "han@acme.example"))
    ok(kam("--as-of", "2026-11-01", "set", "li@acme.example", "--status", "leaving"))  # no date: from 2026-11-01
    folder = tmp_path / "backup"
    ok(kam(*AS_OF, "export", "all", "-o", folder))
    fresh = ("--db", new_db("fresh.db").location)
    ok(kam(*fresh, *AS_OF, "import", folder))  # recorded again on 2026-12-01
    for command in (("handover", "li@acme.example"), ("check",), ("show", "ACME")):
        for fmt in ((), ("--format", "json")):
            assert kam(*fresh, *AS_OF, *command, *fmt).stdout == kam(*AS_OF, *command, *fmt).stdout
    assert "Li Lei leaves on 2026-11-01" in kam(*fresh, *AS_OF, "check").stdout


def test_a_dry_run_of_a_folder_lists_every_files_changes_in_one_json_list(kam, new_db, tmp_path):
    build_example(kam)
    folder = tmp_path / "backup"
    ok(kam(*AS_OF, "export", "all", "-o", folder))
    fresh = new_db("fresh.db")
    result = ok(kam("--db", fresh.location, *AS_OF, "import", folder, "--dry-run", "--format", "json"))
    changes = json.loads(result.stdout)  # one document on stdout; the summaries on stderr
    assert {c["account"] for c in changes if c["contact"] is None and c["change"] == "created"} >= {"华东电力集团"}
    assert any(c["contact"] == "王建华" and c["change"] == "created" for c in changes)
    assert all(
        sorted(c) == sorted(("line", "account", "contact", "field", "before", "after", "change")) for c in changes
    )
    assert f"would import {folder}/contacts.csv: 17 created" in result.stderr
    assert not fresh.exists()


def test_namesakes_told_apart_by_phone_round_trip(kam, new_db, write_csv, tmp_path):
    rows = "account,name,phone,roles,reports_to\n华信银行,许婷,13900001111,decision_maker,\n"
    rows += "华信银行,许婷,13900002222,user,13900001111\n华信银行,李明,13900003333,user,\n"
    ok(kam(*AS_OF, "import", write_csv(rows)))
    ok(kam(*AS_OF, "relate", "2", "3", "--kind", "peer"))
    ok(kam(*AS_OF, "leave", "2", "--on", "2026-12-10"))
    folder = tmp_path / "backup"
    ok(kam(*AS_OF, "export", "all", "-o", folder))
    assert (folder / "relations.csv").read_text(encoding="utf-8").splitlines()[1] == "13900002222,李明,peer"
    fresh = ("--db", new_db("fresh.db").location)
    ok(kam(*fresh, *AS_OF, "import", folder))
    for args in (("map", "华信银行", "--format", "json"), ("check", "--format", "json"), ("handover", "2")):
        assert kam(*fresh, *AS_OF, *args).stdout == kam(*AS_OF, *args).stdout, args
    # the contacts export names the namesake it reports to by phone, and imports again
    exported = ok(kam("export", "contacts")).stdout
    assert "华信银行,许婷,,13900002222,,,user,,,,,,13900001111," in exported
    again = write_csv(exported, name="again.csv")
    ok(kam("--db", new_db("again.db").location, "import", again))


def test_a_qualified_name_two_namesakes_share_is_told_as_two(kam, write_csv):
    rows = "account,name,phone\n华信银行,许婷,13900001111\n华信银行,许婷,13900002222\n华信银行,李明,\n"
    ok(kam("import", write_csv(rows)))
    result = kam(
        "import", write_csv("contact,other,kind\n许婷 (华信银行),李明,peer\n", name="rel.csv"), "--kind", "relations"
    )
    assert result.exit_code == 2
    assert "'许婷 (华信银行)' names 2 contacts; write the email, the phone, or NAME (ACCOUNT)" in result.stderr
