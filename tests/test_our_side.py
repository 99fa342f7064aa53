"""Our side (docs/spec.md §9): who of ours knows whom, the account teams, `kam staff`, `kam check
--owner`, SINGLE_THREADED_INSIDE and OWNER_MISSING, and the report's people alone with an account."""

from __future__ import annotations

import json

from keyaccount_cli.domain.our_side import parse_people, replaced, single_threaded, sole_holder

CONTACTS = (
    "客户,姓名,邮箱,角色,决策权,态度,我方对接人\n"
    "ACME,Boss,boss@acme.example,decision_maker,final,support,张伟\n"
    "ACME,Wang,wang@acme.example,champion,major,strong_support,张伟、李雷\n"
    "ACME,Eng,eng@acme.example,it,execution,neutral,\n"
    "Beta,Chief,chief@beta.example,decision_maker,final,support,王芳\n"
    "Beta,Fan,fan@beta.example,champion,major,support,王芳\n"
    "Beta,Ops,ops@beta.example,user,execution,support,李雷\n"
    "Gamma,Head,head@gamma.example,decision_maker,final,support,\n"
    "Gamma,Aide,aide@gamma.example,user,execution,support,\n"
)
ACCOUNTS = (
    "account,tier,owner,status\n"
    "ACME,strategic,张伟,\n"
    "Beta,key,王芳,\n"
    "Gamma,standard,,\n"
)


def book(kam, write_csv):
    assert kam("import", write_csv(CONTACTS)).exit_code == 0
    assert kam("import", write_csv(ACCOUNTS, "accounts.csv"), "--kind", "accounts").exit_code == 0


def rows(kam, *args):
    result = kam(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def findings(kam, *args):
    return {(f["code"], f["account"]): f for f in rows(kam, "check", *args)
            if f["code"] in ("SINGLE_THREADED_INSIDE", "OWNER_MISSING")}  # fmt: skip


# --- the rules ---------------------------------------------------------------------------


def test_names_of_ours_are_split_squashed_and_kept_once():
    assert parse_people(" 张伟 、李雷; 张伟 , Li  Lei / li lei") == "张伟;李雷;Li Lei"
    assert parse_people(" ; ") is None
    assert replaced("张伟;李雷", "张伟", "王芳") == "王芳;李雷"
    assert replaced("张伟;王芳", "张伟", "王芳") == "王芳"
    assert replaced("李雷", "张伟", "王芳") is None


def test_one_of_us_or_nobody_is_single_threaded():
    assert single_threaded([("张伟",), ("张伟", "Zhang")]) == (False, None)
    assert single_threaded([("Li",), ("li",), ()]) == (True, "Li")
    assert single_threaded([(), ()]) == (True, None)
    assert single_threaded([]) == (False, None)  # no key contact: nothing hangs on anyone
    assert sole_holder([(), ()], "王芳") == "王芳"  # nobody recorded: it rests with the owner
    assert sole_holder([("李雷",)], "王芳") == "李雷"


# --- who knows whom ----------------------------------------------------------------------


def test_our_contacts_are_imported_set_shown_and_round_trip(kam, write_csv, tmp_path):
    book(kam, write_csv)
    people = {c["name"]: c["our_contacts"] for c in rows(kam, "contacts", "ACME")}
    assert people == {"Boss": ["张伟"], "Wang": ["张伟", "李雷"], "Eng": []}
    assert kam("set", "Eng", "--our-contact", "李雷", "--our-contact", "王芳").exit_code == 0
    assert {n["name"]: n["our_contacts"] for n in rows(kam, "map", "ACME")}["Eng"] == ["李雷", "王芳"]
    result = kam("set", "Wang", "--our-contact", "")
    assert result.exit_code == 0 and "our contacts" in result.stderr
    history = [h for h in rows(kam, "history", "Wang") if h["field"] == "our_contacts"]
    assert [(h["old"], h["new"], h["source"]) for h in history] == [("张伟;李雷", None, "set")]
    exported = tmp_path / "out.csv"
    assert kam("export", "contacts", "-o", str(exported)).exit_code == 0
    header = exported.read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",notes,our_contacts")
    fresh = tmp_path / "again.db"
    assert kam("--db", str(fresh), "import", str(exported)).exit_code == 0
    again = {c["name"]: c["our_contacts"] for c in rows(kam, "--db", str(fresh), "contacts", "ACME")}
    assert again == {"Boss": ["张伟"], "Wang": [], "Eng": ["李雷", "王芳"]}


# --- teams -------------------------------------------------------------------------------


def test_the_team_is_the_owner_and_the_people_added(kam, write_csv):
    book(kam, write_csv)
    assert rows(kam, "team", "ACME") == [{"name": "张伟", "role": "owner", "contacts_known": ["Boss", "Wang"]}]
    added = kam("team", "acme", "--add", "李雷", "--role", "售前")
    assert added.exit_code == 0 and "李雷 is on the team of ACME as presales" in added.stderr
    assert kam("team", "ACME", "--add", "赵敏").exit_code == 0  # no role given: other
    assert rows(kam, "team", "ACME")[1:] == [
        {"name": "李雷", "role": "presales", "contacts_known": ["Wang"]},
        {"name": "赵敏", "role": "other", "contacts_known": []},
    ]
    assert kam("team", "ACME", "--add", "李雷", "--role", "csm").exit_code == 0  # a new role
    assert kam("team", "ACME", "--remove", "赵敏").exit_code == 0
    team = [h for h in rows(kam, "history", "ACME") if h["field"] == "team"]
    assert [(h["old"], h["new"], h["source"]) for h in team] == [
        (None, "李雷 (presales)", "team"), (None, "赵敏 (other)", "team"),
        ("李雷 (presales)", "李雷 (csm)", "team"), ("赵敏 (other)", None, "team"),
    ]  # fmt: skip
    page = rows(kam, "show", "ACME")[0]
    assert [(m["name"], m["role"]) for m in page["team"]] == [("张伟", "owner"), ("李雷", "csm")]


def test_team_mistakes_are_refused_and_write_nothing(kam, write_csv, isolated_db):
    book(kam, write_csv)
    before = isolated_db.count("change")
    for args, words in (
        (("--add", "李雷", "--role", "boss"), "--role: unknown team role 'boss'"),
        (("--remove", "李雷"), "'李雷' is not on the team of ACME"),
        (("--add", "张伟"), "张伟 owns ACME"),
        (("--add", "  "), "a team member must be named"),
        (("--add", "a", "--remove", "b"), "not both"),
        (("--role", "csm"), "--role goes with --add"),
    ):
        result = kam("team", "ACME", *args)
        assert result.exit_code == 2 and words in result.stderr, (args, result.stderr)
        assert result.stderr.startswith("kam: ") and "internal error" not in result.stderr
    assert kam("team", "Nowhere").exit_code == 2
    assert isolated_db.count("change") == before and isolated_db.count("team_member") == 0


# --- staff, and checks by owner ----------------------------------------------------------


def test_staff_lists_each_of_our_people_and_what_hangs_on_them(kam, write_csv):
    book(kam, write_csv)
    assert kam("team", "Beta", "--add", "李雷", "--role", "sales").exit_code == 0
    staff = {p["name"]: p for p in rows(kam, "staff")}
    assert list(staff) == ["李雷", "王芳", "张伟"]  # pinyin order: lǐ, wáng, zhāng
    assert staff["王芳"] == {"name": "王芳", "accounts_owned": ["Beta"], "team_accounts": [],
                            "contacts_known": ["Chief", "Fan"], "sole_holder_accounts": ["Beta"]}  # fmt: skip
    assert staff["李雷"]["team_accounts"] == ["Beta"] and staff["李雷"]["contacts_known"] == ["Wang", "Ops"]
    assert staff["张伟"]["sole_holder_accounts"] == []  # 李雷 knows Wang too
    assert rows(kam, "staff", "王芳") == [staff["王芳"]]
    missing = kam("staff", "Nobody")
    assert missing.exit_code == 2 and "nobody of ours is called 'Nobody'" in missing.stderr


def test_check_owner_checks_only_their_accounts(kam, write_csv):
    book(kam, write_csv)
    assert {f["account"] for f in rows(kam, "check", "--owner", "王芳")} == {"Beta"}
    assert {f["account"] for f in rows(kam, "check", "--owner", "王芳", "--owner", "张伟")} == {"ACME", "Beta"}
    assert {f["account"] for f in rows(kam, "check", "--owner", "张伟", "-a", "ACME")} == {"ACME"}
    for args, words in (
        (("--owner", "Nobody"), "'Nobody' owns no account; the owners are 王芳, 张伟"),
        (("--owner", "王芳", "-a", "ACME"), "none of the accounts named (ACME) is owned by 王芳"),
    ):
        result = kam("check", *args)
        assert result.exit_code == 2 and words in result.stderr, result.stderr


# --- the findings ------------------------------------------------------------------------


def test_single_threaded_inside_and_owner_missing(kam, write_csv):
    book(kam, write_csv)
    found = findings(kam)
    assert set(found) == {("SINGLE_THREADED_INSIDE", "Beta"), ("SINGLE_THREADED_INSIDE", "Gamma"),
                          ("OWNER_MISSING", "Gamma")}  # fmt: skip
    beta = found["SINGLE_THREADED_INSIDE", "Beta"]
    assert (beta["severity"], beta["contact"]) == ("medium", None)
    assert "only 王芳 of our people knows its 2 decision makers and champions" in beta["message"]
    assert "none of our people is recorded as knowing" in found["SINGLE_THREADED_INSIDE", "Gamma"]["message"]
    assert found["OWNER_MISSING", "Gamma"]["severity"] == "low"
    # a second person who knows one key contact ends it; an owner ends the other
    assert kam("set", "Fan", "--our-contact", "王芳", "--our-contact", "李雷").exit_code == 0
    assert kam("set-account", "Gamma", "--owner", "赵敏").exit_code == 0
    found = findings(kam)
    assert set(found) == {("SINGLE_THREADED_INSIDE", "Gamma")}
    assert "it rests with the owner, 赵敏, alone" in found["SINGLE_THREADED_INSIDE", "Gamma"]["message"]
    # a prospect is not checked for either; an account without a tier has no owner to miss
    assert kam("set-account", "Gamma", "--status", "prospect").exit_code == 0
    assert kam("set-account", "ACME", "--owner", "", "--tier", "").exit_code == 0
    assert findings(kam) == {}


def test_the_same_findings_on_every_read_path(kam, write_csv):
    book(kam, write_csv)
    whole = rows(kam, "check")
    assert rows(kam, "check", "-a", "ACME", "-a", "Beta", "-a", "Gamma") == whole
    csv_lines = kam("check", "--format", "csv").stdout.splitlines()[1:]
    assert [line.split(",")[0] for line in csv_lines] == [f["code"] for f in whole]


def test_the_report_names_the_people_alone_with_an_account(kam, write_csv):
    book(kam, write_csv)
    (board,) = rows(kam, "report")
    assert board["sole_holders"] == [{"name": "王芳", "count": 1, "accounts": ["Beta"]}]
    result = kam("report")
    assert "Key relationships that hang on one of us" in result.stdout


def test_the_teams_round_trip_through_export_all(kam, write_csv, tmp_path):
    book(kam, write_csv)
    assert kam("team", "ACME", "--add", "李雷", "--role", "presales").exit_code == 0
    assert kam("team", "Beta", "--add", "赵敏", "--role", "csm").exit_code == 0
    for lang, header in (("en", "account,name,role"), ("zh", "客户,姓名,角色")):
        folder = tmp_path / f"all-{lang}"
        result = kam("--lang", lang, "export", "all", "-o", str(folder))
        assert result.exit_code == 0, result.stderr
        assert (folder / "team.csv").read_text(encoding="utf-8").splitlines()[0] == header
        fresh = tmp_path / f"again-{lang}.db"
        assert kam("--db", str(fresh), "import", str(folder)).exit_code == 0
        for account in ("ACME", "Beta"):
            assert rows(kam, "--db", str(fresh), "team", account) == rows(kam, "team", account)
        again = kam("--db", str(fresh), "import", str(folder))  # harmless again
        assert "team.csv: 0 created, 0 updated, 2 unchanged" in again.stdout


def test_a_bad_team_row_is_located_and_nothing_is_written(kam, write_csv, isolated_db):
    book(kam, write_csv)
    bad = write_csv("客户,姓名,角色\nACME,李雷,售前\nBeta,王芳,sales\nNowhere,赵敏,csm\nACME,钱伟,boss\n", "team.csv")
    result = kam("import", str(bad), "--kind", "team")
    assert result.exit_code == 2
    for words in ("line 3", "王芳 owns Beta", "line 4", "Nowhere", "line 5, column 3 (角色), value 'boss'"):
        assert words in result.stderr, (words, result.stderr)
    assert isolated_db.count("team_member") == 0
