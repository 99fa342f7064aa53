"""`kam import --kind accounts|opportunities|interactions`: aliases, encodings, upsert, history,
located errors, one transaction, --dry-run / --skip-invalid / --ignore-unknown."""

from __future__ import annotations

import json
from datetime import date

import pytest

from keyaccount_cli.errors import KamError
from keyaccount_cli.importing.tables import parse_number

from .conftest import EXAMPLE, ROOT

ACCOUNTS = "客户,行业,客户分层,客户经理,年采购额,核心功能活跃度,续约意向,高优先级服务请求,NPS\n"


def rows(db, sql):
    """Rows as a SQLite file gives them (a server returns dates as dates)."""
    return [tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in db.rows(sql)]


def test_accounts_with_chinese_headers_in_gbk_upsert_and_record_history(kam, write_csv, isolated_db):
    path = write_csv(ACCOUNTS + 'ACME,制造,战略级,张伟,"12,000,000",85%,主动提出续约,0,9\nNewCo,,,李静,1200万,,,,\n',
                     name="accounts.csv", encoding="gbk")  # fmt: skip
    result = kam("import", path, "--kind", "accounts")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "imported accounts.csv: 2 created, 0 updated, 0 unchanged, 0 skipped"
    assert rows(isolated_db, "select name, tier, owner, annual_revenue, usage, renewal_intent, p1_tickets, nps from account order by id") == [
        ("ACME", "strategic", "张伟", 12_000_000.0, 85.0, "proactive", 0, 9),
        ("NewCo", None, "李静", 12_000_000.0, None, None, None, None),
    ]  # fmt: skip
    again = write_csv(ACCOUNTS + "acme,制造,key,王芳,12000000,85,,2,\n", name="accounts2.csv")
    assert kam("import", again, "--kind", "accounts").stdout.strip() == (
        "imported accounts2.csv: 0 created, 1 updated, 0 unchanged, 0 skipped")
    assert rows(isolated_db, "select tier, owner, renewal_intent, p1_tickets, nps from account where name = 'ACME'") == [
        ("key", "王芳", "proactive", 2, 9)]  # empty cells never erase
    history = json.loads(kam("history", "ACME", "--format", "json").stdout)
    assert [(h["field"], h["old"], h["new"], h["source"]) for h in history[1:]] == [
        ("tier", "strategic", "key", "import accounts2.csv"), ("owner", "张伟", "王芳", "import accounts2.csv"),
        ("p1_tickets", "0", "2", "import accounts2.csv"),
    ]  # fmt: skip
    assert "0 updated, 1 unchanged" in kam("import", again, "--kind", "accounts").stdout


def test_a_bad_cell_is_located_and_nothing_is_written(kam, write_csv, isolated_db):
    kam("add", "ACME", "A")
    path = write_csv(ACCOUNTS + "ACME,,,,,,maybe,,\nOther,,,,,,,,11\nThird,,,,-5,,,,\n", name="accounts.csv")
    result = kam("import", path, "--kind", "accounts")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"kam: {path}, line 2, column 7 (续约意向), value 'maybe': unknown renewal intent 'maybe'; accepted: proactive, satisfied, unclear")
    assert lines[1] == f"kam: {path}, line 3, column 9 (NPS), value '11': '11' is out of range; expected between 0 and 10"
    assert lines[2] == f"kam: {path}, line 4, column 5 (年采购额), value '-5': '-5' is out of range; expected at least 0"
    assert lines[3] == "kam: nothing was written (3 problems)"
    assert "Traceback" not in result.stderr
    assert rows(isolated_db, "select name from account") == [("ACME",)]


def test_skip_invalid_writes_the_good_rows_and_dry_run_writes_nothing(kam, write_csv, isolated_db):
    path = write_csv(ACCOUNTS + "Good,,普通,,,,,,\nBad,,platinum,,,,,,\nGood,,,,,,,,\n", name="accounts.csv")
    dry = kam("import", path, "--kind", "accounts", "--dry-run", "--skip-invalid")
    assert dry.exit_code == 0 and dry.stdout.splitlines()[-1].startswith("would import accounts.csv: 1 created")
    assert not isolated_db.exists()
    result = kam("import", path, "--kind", "accounts", "--skip-invalid")
    assert result.exit_code == 0
    assert "1 created, 0 updated, 0 unchanged, 2 skipped" in result.stdout
    assert "line 3, column 3 (客户分层), value 'platinum'" in result.stderr
    assert "line 4, column 1 (客户): the same account as line 2" in result.stderr
    assert rows(isolated_db, "select name, tier from account") == [("Good", "standard")]


def test_unknown_columns_and_missing_required_ones(kam, write_csv):
    path = write_csv("客户,颜色\nACME,red\n", name="accounts.csv")
    refused = kam("import", path, "--kind", "accounts")
    assert refused.exit_code == 2 and "line 1, column 2, value '颜色': unknown column" in refused.stderr
    assert kam("import", path, "--kind", "accounts", "--ignore-unknown").exit_code == 0
    missing = kam("import", write_csv("客户,金额\nACME,5\n", name="opps.csv"), "--kind", "opportunities")
    assert missing.exit_code == 2 and "missing the required column 'name' (or 商机" in missing.stderr


def test_opportunities_link_contacts_by_email_or_name(kam, write_csv, isolated_db):
    kam("import", EXAMPLE)
    path = write_csv("客户,商机,金额,阶段,预计成交,联系人\n华东电力集团,续约,\"3,600,000\",商务谈判,2026-12-20,wangjh@ecpower.example;李娜\n",
                     name="opps.csv")  # fmt: skip
    assert kam("import", path, "--kind", "opportunities").stdout.startswith("imported opps.csv: 1 created")
    linked = rows(isolated_db, "select c.name from opportunity_contact oc join contact c on c.id = oc.contact_id order by c.name")
    assert linked == [("李娜",), ("王建华",)]
    changed = write_csv("account,name,amount,stage,contacts\n华东电力集团,续约,4000000,赢单,李娜\n", name="opps2.csv")
    assert "0 created, 1 updated" in kam("import", changed, "--kind", "opportunities").stdout
    history = [(h["field"], h["old"], h["new"]) for h in json.loads(kam("history", "华东电力集团", "--format", "json").stdout)
               if h["source"] == "import opps2.csv"]  # fmt: skip
    assert history == [("opportunity 续约: amount", "3600000", "4000000"), ("opportunity 续约: stage", "商务谈判", "赢单"),
                       ("opportunity 续约: contacts", "李娜, 王建华", "李娜")]  # fmt: skip


OPPORTUNITY_ERRORS = [
    ("华东电力集团,X,1,,,nobody@ecpower.example", "column 6 (联系人), value 'nobody@ecpower.example': 'nobody@ecpower.example' names nobody at 华东电力集团"),
    ("华东电力集团,X,1,,,周敏", "value '周敏': '周敏' names nobody at 华东电力集团"),
    ("华东电力集团,X,1,,,zhoumin@xinghe.example", "is a contact of another account"),
    ("无名公司,X,1,,,", "column 1 (客户), value '无名公司': no account named '无名公司'; import its contacts or accounts first"),
    ("华东电力集团,X,lots,,,", "column 3 (金额), value 'lots': not a number 'lots'"),
    ("华东电力集团,X,1,,next week,", "column 5 (预计成交), value 'next week': not a date"),
    ("华东电力集团,,1,,,", "line 2, column 2 (商机): name is required"),
]  # fmt: skip


def test_opportunity_errors(kam, write_csv, isolated_db):
    kam("import", EXAMPLE)
    for row, message in OPPORTUNITY_ERRORS:
        path = write_csv("客户,商机,金额,阶段,预计成交,联系人\n" + row + "\n", name="opps.csv")
        result = kam("import", path, "--kind", "opportunities")
        assert result.exit_code == 2, row
        assert f"kam: {path}, line 2" in result.stderr and message in result.stderr, row
    assert rows(isolated_db, "select count(*) from opportunity") == [(0,)]


def test_an_interaction_is_had_by_one_of_ours_the_owner_unless_told(kam, write_csv, isolated_db, tmp_path):
    kam("import", EXAMPLE)
    kam("import", ROOT / "examples" / "accounts.csv", "--kind", "accounts")  # 华东电力集团 is 张伟's
    assert kam("log", "华东电力集团", "review", "-c", "李娜", "--kind", "meeting", "--on", "2026-11-10").exit_code == 0
    assert kam("log", "华东电力集团", "call", "--kind", "call", "--by", " 李  雷 ", "--on", "2026-11-11").exit_code == 0
    assert "--by: give a name" in kam("log", "华东电力集团", "x", "--by", " ").stderr
    path = write_csv("客户,日期,类型,摘要,我方人员\n星河零售,2026-11-12,拜访,visit,王芳\n星河零售,2026-11-13,电话,call,\n",
                     name="interactions.csv")  # fmt: skip
    assert kam("import", path, "--kind", "interactions").exit_code == 0
    assert rows(isolated_db, 'select summary, by_person from interaction order by "on"') == [
        ("review", "张伟"), ("call", "李 雷"), ("visit", "王芳"), ("call", "李静")]  # fmt: skip
    (page,) = json.loads(kam("show", "华东电力集团", "--format", "json").stdout)
    assert [i["by"] for i in page["interactions"]] == ["李 雷", "张伟"]
    assert "┃ By " in kam("show", "华东电力集团").stdout
    again = write_csv("account,date,kind,summary,拜访人\n星河零售,2026-11-13,call,call,李雷\n", name="again.csv")
    assert "0 created, 1 updated, 0 unchanged" in kam("import", again, "--kind", "interactions").stdout
    assert kam("export", "all", "-o", tmp_path / "out").exit_code == 0
    lines = (tmp_path / "out" / "interactions.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "account,date,kind,contacts,summary,by" and lines[-1].endswith(",call,李雷")
    # kam export interactions writes the same, as the import reads it back (in Chinese too)
    assert kam("export", "interactions").stdout.splitlines() == lines
    chinese = kam("--lang", "zh", "export", "interactions").stdout.splitlines()
    assert chinese[0] == "客户,日期,类型,联系人,摘要,我方人员" and chinese[-1] == "星河零售,2026-11-13,电话,,call,李雷"


def test_interactions_import_and_a_meeting_with_a_successor_completes_the_handover_step(kam, write_csv, isolated_db):
    kam("import", EXAMPLE)
    kam("successor", "王建华", "李娜")
    path = write_csv("客户,日期,类型,联系人,摘要\n华东电力集团,2026/11/20,会议,李娜;陈志远,首次会面\n星河零售,2026-11,电话,,\n",
                     name="interactions.csv")  # fmt: skip
    result = kam("import", path, "--kind", "interactions")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("imported interactions.csv: 2 created")
    assert "completed 1 first_meeting handover step" in result.stderr
    assert rows(isolated_db, 'select "on", kind, summary from interaction order by "on"') == [
        ("2026-11-01", "call", ""), ("2026-11-20", "meeting", "首次会面")]
    plan = json.loads(kam("handover", "王建华", "--format", "json").stdout)
    assert {p["step"]: (p["status"], p["done_on"]) for p in plan}["first_meeting"] == ("done", "2026-11-20")
    assert "0 created, 0 updated, 2 unchanged" in kam("import", path, "--kind", "interactions").stdout
    bad = kam("import", write_csv("客户,日期,类型\n华东电力集团,2026-11-20,lunch\n", name="bad.csv"), "--kind", "interactions")
    assert bad.exit_code == 2 and "column 3 (类型), value 'lunch': unknown kind of interaction 'lunch'" in bad.stderr


def test_the_example_files_import_cleanly(kam):
    kam("import", EXAMPLE)
    for kind, created in (("accounts", "0 created, 5 updated"), ("opportunities", "7 created"), ("interactions", "7 created")):
        result = kam("import", ROOT / "examples" / f"{kind}.csv", "--kind", kind)
        assert result.exit_code == 0 and created in result.stdout, result.stderr


def test_config_aliases_extend_the_tier_vocabulary(kam, write_csv, tmp_path, isolated_db, monkeypatch):
    (tmp_path / "tiers.yaml").write_text("aliases:\n  tier:\n    key: [成长型]\n", encoding="utf-8")
    monkeypatch.setenv("KAM_CONFIG", str(tmp_path / "tiers.yaml"))
    assert kam("import", write_csv("客户,客户分层\nACME,成长型\n", name="a.csv"), "--kind", "accounts").exit_code == 0
    assert rows(isolated_db, "select tier from account") == [("key",)]


@pytest.mark.parametrize(("raw", "kw", "value"), [
    ("12,000,000", {}, 12_000_000), ("1200万", {}, 12_000_000), ("1.5亿", {}, 150_000_000), ("¥800,000", {}, 800_000),
    ("85%", {"high": 100}, 85), ("3", {"whole": True}, 3),
])  # fmt: skip
def test_numbers(raw, kw, value):
    assert parse_number(raw, **kw) == value


@pytest.mark.parametrize("raw", ["2.5", "many", "", "1e9"])
def test_not_whole_numbers(raw):
    with pytest.raises(KamError):
        parse_number(raw, whole=True)


HOSTILE = [
    (b"", "is empty"),
    (b"{header}\n", "no data rows below the header"),
    (b"\x00\x01\x02binary", "not a CSV text file"),
    (b'{header}\n"ACME,x\n', "unterminated quote"),
    (b"{header}\nACME,x,extra\n", "this row has 3 cells but the header has 2 columns"),
]


@pytest.mark.parametrize("kind", ["accounts", "opportunities", "interactions"])
def test_hostile_files_get_one_line_and_exit_2(kam, tmp_path, isolated_db, kind):
    kam("add", "ACME", "A")
    before = rows(isolated_db, 'select count(*) from "change"')
    header = {"accounts": "account,industry", "opportunities": "account,name", "interactions": "account,date"}[kind]
    for content, words in HOSTILE:
        path = tmp_path / "bad.csv"
        path.write_bytes(content.replace(b"{header}", header.encode()))
        result = kam("import", path, "--kind", kind)
        assert result.exit_code == 2 and words in result.stderr, content
        assert "Traceback" not in result.stderr and result.stdout == ""
        assert result.stderr.count("\n") <= 2  # the problem, and "nothing was written" when a row was read
    assert rows(isolated_db, 'select count(*) from "change"') == before
