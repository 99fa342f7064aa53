"""SPEC §8 Import: every problem of a row told at once, columns named as the file's header writes
them, the aliases in the unknown-column hint, and the other ways dates and amounts are written."""

from __future__ import annotations

import json
from datetime import date

import pytest

from keyaccount_cli.importing import contacts as importer

from .conftest import Kam


def rows(db, sql):
    """Rows as a SQLite file gives them (a server returns dates as dates)."""
    return [tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in db.rows(sql)]


def problems(result) -> list[str]:
    """The located problems of a refused import, without the `kam: FILE, ` prefix."""
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("kam: nothing was written")
    return [line.split(", ", 1)[1] for line in lines[:-1]]


# --- every problem of a row -----------------------------------------------------------------


def test_every_problem_of_a_contact_row_is_reported(kam, write_csv, isolated_db):
    kam("add", "ACME", "Boss", "--email", "boss@x.cn")
    path = write_csv(
        "account,name,email,attitude,reports_to,successor\n"
        "ACME,王强,wang@x.cn,meh,Nobody,王强\n"
        "ACME,李四,li@x.cn,neutral,王强,\n"
        "ACME,钱七,qian@x.cn,+9,qian@x.cn,\n"
        "ACME,赵六,zhao@x.cn,+9,boss@x.cn,李四\n"  # names people who are there: only the cell is wrong
    )
    assert problems(kam("import", path)) == [
        "line 2, column 4 (attitude), value 'meh': unknown attitude 'meh'; accepted: strong_support, support, "
        "neutral, reserved, opposed (or +1, +2, -1, -2, 0, skeptical, supportive, 中度支持, 中立, 反对, 强力支持, "
        "有保留, 潜在反对)",
        "line 2, column 5 (reports_to), value 'Nobody': 'Nobody' names nobody at ACME",
        "line 2, column 6 (successor), value '王强': 王强 cannot be their own successor",
        "line 3, column 5 (reports_to), value '王强': '王强' is on line 2, which is invalid",
        "line 4, column 4 (attitude), value '+9': unknown attitude '+9'; accepted: strong_support, support, "
        "neutral, reserved, opposed (or +1, +2, -1, -2, 0, skeptical, supportive, 中度支持, 中立, 反对, 强力支持, "
        "有保留, 潜在反对)",
        "line 4, column 5 (reports_to), value 'qian@x.cn': 钱七 cannot report to themselves",
        "line 5, column 4 (attitude), value '+9': unknown attitude '+9'; accepted: strong_support, support, "
        "neutral, reserved, opposed (or +1, +2, -1, -2, 0, skeptical, supportive, 中度支持, 中立, 反对, 强力支持, "
        "有保留, 潜在反对)",
    ]
    assert rows(isolated_db, "select name from contact") == [("Boss",)]


def test_a_contact_row_refused_as_a_duplicate_is_still_checked_for_its_references(kam, write_csv, isolated_db):
    path = write_csv(
        "account,name,email,reports_to,successor\n"
        "ACME,王强,wang@x.cn,,\n"
        "ACME,李四,wang@x.cn,李四,Nobody\n"
        "ACME,王强,,王强,\n"
    )
    assert problems(kam("import", path)) == [
        "line 3, column 3 (email), value 'wang@x.cn': duplicate email: line 2 gives it to 王强",
        "line 3, column 4 (reports_to), value '李四': 李四 cannot report to themselves",
        "line 3, column 5 (successor), value 'Nobody': 'Nobody' names nobody at ACME",
        "line 4, column 2 (name), value '王强': the same contact as line 2; if they are two people, give each an email or a phone",
        "line 4, column 4 (reports_to), value '王强': 王强 cannot report to themselves",
    ]
    assert not isolated_db.exists() or isolated_db.count("contact") == 0


def test_every_problem_of_an_opportunity_row_is_reported(kam, write_csv, isolated_db):
    kam("import", write_csv("account,name,email\nACME,Ann,ann1@x.cn\nACME,Ann,ann2@x.cn\nOther,Olga,olga@x.cn\n"))
    path = write_csv(
        "客户,商机,金额,阶段,预计成交,联系人\n"
        "ACME,Renewal,lots,proposal,2026-13-01,Nobody;Ann;olga@x.cn\n"
        "ACME,Big,1000,proposal,,ann2@x.cn\n"
        "ACME,Big,1,5,proposal,,Ghost\n",
        name="opps.csv",
    )
    assert problems(kam("import", path, "--kind", "opportunities")) == [
        "line 2, column 3 (金额), value 'lots': not a number 'lots'; write e.g. 1500000, 1,500,000, ¥150万, 1.5M "
        "or 1500k",
        "line 2, column 5 (预计成交), value '2026-13-01': not a date '2026-13-01': there is no such date; use "
        "YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, YYYY年M月D日, or a month: YYYY-MM, YYYY年M月",
        "line 2, column 6 (联系人), value 'Nobody': 'Nobody' names nobody at ACME",
        "line 2, column 6 (联系人), value 'Ann': 'Ann' names 2 contacts at ACME (Ann <ann1@x.cn>, Ann <ann2@x.cn>); "
        "name one by its email or phone",
        "line 2, column 6 (联系人), value 'olga@x.cn': 'olga@x.cn' is a contact of another account; it must be a "
        "contact of ACME",
        "line 4, value 'Ghost': this row has 7 cells but the header has 6 columns (a value with an unquoted delimiter?)",
    ]
    assert isolated_db.count("opportunity") == 0


def test_every_problem_of_an_interaction_row_and_of_an_account_row_is_reported(kam, write_csv, isolated_db):
    kam("add", "ACME", "Ann")
    interactions = write_csv("account,date,kind,contacts\nNoSuch,2026-11-05,lunch,Ann\nACME,2026-11-05,lunch,Zed\n",
                             name="i.csv")  # fmt: skip
    assert problems(kam("import", interactions, "--kind", "interactions")) == [
        "line 2, column 1 (account), value 'NoSuch': no account named 'NoSuch'; import its contacts or accounts first",
        "line 2, column 3 (kind), value 'lunch': unknown kind of interaction 'lunch'; accepted: meeting, call, email, "
        "visit, note (or 会议, 会面, 备注, 拜访, 电话, 记录, 邮件)",
        "line 3, column 3 (kind), value 'lunch': unknown kind of interaction 'lunch'; accepted: meeting, call, email, "
        "visit, note (or 会议, 会面, 备注, 拜访, 电话, 记录, 邮件)",
        "line 3, column 4 (contacts), value 'Zed': 'Zed' names nobody at ACME",
    ]
    accounts = write_csv("客户,客户分层,NPS\nBeta,gold,11\nBeta,key,12\n", name="a.csv")
    assert problems(kam("import", accounts, "--kind", "accounts")) == [
        "line 2, column 2 (客户分层), value 'gold': unknown tier 'gold'; accepted: strategic, key, standard (or 战略, "
        "战略客户, 战略级, 普通, 普通客户, 重点, 重点客户, 重点成长型)",
        "line 2, column 3 (NPS), value '11': '11' is out of range; expected between 0 and 10",
        "line 3, column 3 (NPS), value '12': '12' is out of range; expected between 0 and 10",
    ]
    assert isolated_db.count("interaction") == 0 and rows(isolated_db, "select name from account") == [("ACME",)]


def test_a_row_refused_for_a_reference_is_still_told_as_a_duplicate(kam, write_csv):
    kam("add", "ACME", "Ann")
    path = write_csv("account,name,contacts\nACME,Deal,Ann\nACME,deal,Ghost\n", name="o.csv")
    assert problems(kam("import", path, "--kind", "opportunities")) == [
        "line 3, column 2 (name): the same opportunity as line 2",
        "line 3, column 3 (contacts), value 'Ghost': 'Ghost' names nobody at ACME",
    ]


def test_every_problem_is_still_bounded_by_the_hundred_listed(kam, write_csv, isolated_db):
    body = "".join(f"ACME,P{i},meh,Nobody{i}\n" for i in range(80))
    result = kam("import", write_csv("account,name,attitude,reports_to\n" + body))
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 102
    assert lines[-2] == "kam: … and 60 more problems" and lines[-1] == "kam: nothing was written (160 problems)"
    assert "line 51, column 4 (reports_to), value 'Nobody49': 'Nobody49' names nobody at ACME" in lines[99]


# --- columns named as the header writes them --------------------------------------------------

CONTACT_HEADERS = [
    ("客户,姓名,邮箱,电话,职位,角色,上级", "column 6 (角色)", "column 7 (上级)"),
    ("account,name,email,phone,title,roles,reports_to", "column 6 (roles)", "column 7 (reports_to)"),
    ("Company,联系人,邮箱,手机,岗位,Role,直属上级", "column 6 (Role)", "column 7 (直属上级)"),
]


def test_a_contact_problem_names_the_column_as_the_header_writes_it(kam, write_csv):
    for header, role_column, boss_column in CONTACT_HEADERS:
        path = write_csv(f"{header}\nACME,王强,,,,boss,\nACME,李四,,,,,Nobody\n")
        assert problems(kam("import", path)) == [
            f"line 2, {role_column}, value 'boss': unknown role 'boss'; accepted: decision_maker, influencer, user, "
            "procurement, finance, it, legal, champion, blocker (or coach, decision maker, economic buyer, end user, "
            "kdm, sponsor, 使用者, 内部支持者, 决策者, 反对者, 影响者, 技术, 支持者, 法务, 财务, 采购, 阻碍者)",
            f"line 3, {boss_column}, value 'Nobody': 'Nobody' names nobody at ACME",
        ], header


@pytest.mark.sqlite_only
def test_a_file_parsed_in_a_worker_names_the_columns_alike(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "_worth_a_worker", lambda path: True)
    path = tmp_path / "c.csv"
    path.write_text("客户,姓名,态度,上级\nACME,王强,meh,Nobody\n", encoding="utf-8")
    result = Kam()("--db", str(tmp_path / "w.db"), "import", str(path))
    assert [p.split(":")[0] for p in problems(result)] == [
        "line 2, column 3 (态度), value 'meh'",
        "line 2, column 4 (上级), value 'Nobody'",
    ]


TABLE_HEADERS = [
    ("accounts", "客户,客户分层", "ACME,gold", "column 2 (客户分层), value 'gold'"),
    ("accounts", "account,tier", "ACME,gold", "column 2 (tier), value 'gold'"),
    ("opportunities", "客户,商机,金额", "ACME,Deal,1.000.000", "column 3 (金额), value '1.000.000'"),
    ("opportunities", "account,opportunity,amount", "ACME,Deal,1.000.000", "column 3 (amount), value '1.000.000'"),
    ("interactions", "客户,日期,类型", "ACME,2026-11-05,lunch", "column 3 (类型), value 'lunch'"),
    ("interactions", "company,date,kind", "ACME,2026-11-05,lunch", "column 3 (kind), value 'lunch'"),
    ("interactions", "客户,时间", "ACME,2026/2/30", "column 2 (时间), value '2026/2/30'"),
]  # fmt: skip


def test_a_table_problem_names_the_column_as_the_header_writes_it(kam, write_csv):
    kam("add", "ACME", "Ann")
    for kind, header, row, where in TABLE_HEADERS:
        [found] = problems(kam("import", write_csv(f"{header}\n{row}\n", name=f"{kind}.csv"), "--kind", kind))
        assert found.startswith(f"line 2, {where}: "), (header, found)


# --- the unknown-column hint -------------------------------------------------------------------


def test_the_unknown_column_hint_lists_the_chinese_aliases(kam, write_csv):
    [found] = problems(kam("import", write_csv("客户,姓名,颜色\nACME,王强,红\n")))
    assert found.startswith("line 1, column 3, value '颜色': unknown column '颜色'; known: account (客户/公司/")
    for column in (
        "name (姓名/联系人)",
        "roles (role/角色)",
        "reports_to (上级/直属上级)",
        "change_date (预期变动时间)",
    ):
        assert column in found
    # moved_to: the column `kam export all` adds to contacts.csv (docs/spec.md §8)
    assert found.endswith("notes (备注), our_contacts (our_contact/我方对接人/对接人), moved_to (去向/新公司) "
                          "(or pass --ignore-unknown)")  # fmt: skip
    [table] = problems(kam("import", write_csv("客户,颜色\nACME,红\n", name="a.csv"), "--kind", "accounts"))
    assert "tier (客户分层/分层)" in table and "annual_revenue (年采购额/年收入/revenue)" in table


# --- dates -------------------------------------------------------------------------------------

DATES = [
    ("2026-12-05", "2026-12-05"), ("2026/12/5", "2026-12-05"), ("2026.12.05", "2026-12-05"),
    ("20261205", "2026-12-05"), ("2026年12月5日", "2026-12-05"), ("2026年12月", "2026-12-01"),
    ("2026-12", "2026-12-01"), (" 2026 年 1 月 9 日 ", "2026-01-09"),
]  # fmt: skip


def test_dates_in_every_written_form(kam, write_csv, isolated_db):
    body = "".join(f"ACME,P{i},{written}\n" for i, (written, _) in enumerate(DATES))
    result = kam("import", write_csv("account,name,change_date\n" + body))
    assert result.exit_code == 0, result.stderr
    assert rows(isolated_db, "select change_date from contact order by id") == [(iso,) for _, iso in DATES]
    opps = write_csv("account,name,close_date\n" + "".join(f"ACME,D{i},{w}\n" for i, (w, _) in enumerate(DATES)),
                     name="o.csv")  # fmt: skip
    assert kam("import", opps, "--kind", "opportunities").exit_code == 0
    assert rows(isolated_db, "select close_date from opportunity order by id") == [(iso,) for _, iso in DATES]


@pytest.mark.parametrize(("written", "why"), [
    ("2026年2月30日", "not a date '2026年2月30日': there is no such date"),
    ("20260230", "not a date '20260230': there is no such date"),
    ("2026.02.30", "not a date '2026.02.30': there is no such date"),
    ("2026.02", "not a date '2026.02'; use"),
    ("2026年13月", "not a date '2026年13月': there is no such date"),
    ("18991231", "date '18991231' is out of range; use a date from 1900-01-01 to 2999-12-31"),
    ("3000年1月", "date '3000年1月' is out of range; use a date from 1900-01-01 to 2999-12-31"),
    ("2026年12月5", "not a date '2026年12月5'; use"),
])  # fmt: skip
def test_impossible_dates_are_located_errors(kam, write_csv, isolated_db, written, why):
    result = kam("import", write_csv(f"account,name,预期变动时间\nACME,王强,{written}\n"))
    [found] = problems(result)
    assert found.startswith(f"line 2, column 3 (预期变动时间), value '{written}': {why}")
    assert not isolated_db.exists() or isolated_db.count("contact") == 0


def test_options_read_dates_the_same_way(kam):
    kam("add", "ACME", "Wang", "--email", "wang@acme.example", "--power", "final")
    result = kam("--as-of", "2026年11月20日", "leave", "Wang", "--on", "20261210")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(kam("contacts", "ACME", "--format", "json").stdout)
    assert shown[0]["change_date"] == "2026-12-10"

    def due(window: str) -> list[str]:
        result = kam("--as-of", "2026.11.20", "check", "--due", window, "--format", "json")
        assert result.exit_code == 1, result.stderr
        return [f["date"] for f in json.loads(result.stdout) if f["code"] == "HANDOVER_DUE"]

    assert due("2026年12月") == ["2026-11-26", "2026-11-26"]  # the window ends on the first of December
    assert due("20261210") == ["2026-11-26", "2026-11-26", "2026-12-10"]
    assert kam("set", "Wang", "--change-date", "2027年1月").exit_code == 0
    assert json.loads(kam("contacts", "ACME", "--format", "json").stdout)[0]["change_date"] == "2027-01-01"
    bad = kam("--as-of", "2026年2月30日", "check")
    assert bad.exit_code == 2 and bad.stderr.startswith(
        "kam: --as-of: not a date '2026年2月30日': there is no such date"
    )
    bad = kam("leave", "Wang", "--on", "20260230")
    assert bad.exit_code == 2 and bad.stderr.startswith("kam: --on: not a date '20260230': there is no such date")


# --- amounts -----------------------------------------------------------------------------------

AMOUNTS = [
    ("15000000", 15_000_000), ("15,000,000", 15_000_000), ("15，000，000", 15_000_000), ("$2.5M", 2_500_000),
    ("2.5m", 2_500_000), ("800k", 800_000), ("800K", 800_000), ("¥1,500万", 15_000_000), ("1500万元", 15_000_000),
    ("1.5亿", 150_000_000), ("€1,000.50", 1000.5), ("£ 2k", 2000), ("￥3万", 30_000), ("30,000 元", 30_000),
    ("1 000 000", 1_000_000),
]  # fmt: skip


def test_amounts_in_every_written_form(kam, write_csv, isolated_db):
    kam("add", "ACME", "Ann")
    body = "".join(f'ACME,D{i},"{written}"\n' for i, (written, _) in enumerate(AMOUNTS))
    result = kam("import", write_csv("客户,商机,金额\n" + body, name="o.csv"), "--kind", "opportunities")
    assert result.exit_code == 0, result.stderr
    assert rows(isolated_db, "select amount from opportunity order by id") == [(float(v),) for _, v in AMOUNTS]
    accounts = write_csv('account,annual_revenue\nACME,"$1.2M"\nBeta,3.5亿\n', name="a.csv")
    assert kam("import", accounts, "--kind", "accounts").exit_code == 0
    assert rows(isolated_db, "select name, annual_revenue from account order by id") == [
        ("ACME", 1_200_000.0),
        ("Beta", 350_000_000.0),
    ]


@pytest.mark.parametrize(("written", "why"), [
    ("1,5", "not a number '1,5' (thousands separators group three digits); write e.g."),
    ("1,0000", "not a number '1,0000' (thousands separators group three digits)"),
    ("1 5", "not a number '1 5' (thousands separators group three digits)"),
    ("1.000.000", "not a number '1.000.000' (more than one decimal point)"),
    ("1,000，000", "not a number '1,000，000' (two kinds of thousands separator)"),
    ("$-", "not a number '$-'; write e.g. 1500000, 1,500,000, ¥150万, 1.5M or 1500k"),
    ("1万亿", "not a number '1万亿' (two units)"),
    ("2kM", "not a number '2kM' (two units)"),
    ("¥100元", "not a number '¥100元' (two currency signs)"),
    ("50%", "not a number '50%' (a percentage is not an amount)"),
    ("-$5", "'-$5' is out of range; expected at least 0"),
    ("10000000亿", "'10000000亿' is out of range; expected less than 10^15 (1,000,000,000,000,000) in magnitude"),
])  # fmt: skip
def test_ambiguous_amounts_are_located_errors(kam, write_csv, isolated_db, written, why):
    kam("add", "ACME", "Ann")
    result = kam(
        "import", write_csv(f'客户,商机,金额\nACME,Deal,"{written}"\n', name="o.csv"), "--kind", "opportunities"
    )
    [found] = problems(result)
    assert found.startswith(f"line 2, column 3 (金额), value '{written}': {why}")
    assert isolated_db.count("opportunity") == 0


def test_min_amount_reads_amounts_as_the_files_do(kam, write_csv):
    kam("import", write_csv("account,name\nACME,Ann\n"))
    kam("import", write_csv("account,name,amount,contacts\nACME,Big,3000000,Ann\nACME,Small,900000,Ann\n", name="o.csv"),
        "--kind", "opportunities")  # fmt: skip

    def single(amount: str) -> list[str]:
        result = kam("report", "--min-amount", amount, "--format", "json")
        assert result.exit_code == 0, result.stderr
        deals = json.loads(result.stdout)[0]["single_threaded"]
        return [o["opportunity"] for o in deals["opportunities"]]

    assert single("2.5M") == single("250万") == single("2,500,000") == single("$2500k") == ["Big"]
    assert single("0.8m") == single("￥80万") == ["Big", "Small"]
    for bad, why in (("1,5", "not a number '1,5' (thousands separators group three digits)"),
                     ("2.5MM", "not a number '2.5MM' (two units)"), ("-1k", "'-1k' is out of range; expected at least 0")):  # fmt: skip
        result = kam("report", "--min-amount", bad, "--format", "json")
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith(f"kam: --min-amount: {why}")


def test_amounts_in_the_config_may_be_written_as_in_a_file(kam, write_csv, tmp_path):
    config = tmp_path / "kam.yaml"
    config.write_text("min_amount: 250万\ntiers:\n  strategic: {min_revenue: 1.5亿}\n", encoding="utf-8")
    kam("import", write_csv("account,annual_revenue\nACME,2亿\nBeta,1亿\n", name="a.csv"), "--kind", "accounts")
    report = kam("--config", config, "report", "--format", "json")
    assert report.exit_code == 0, report.stderr
    assert json.loads(report.stdout)[0]["single_threaded"]["min_amount"] == 2_500_000
    accounts = json.loads(kam("--config", config, "accounts", "--format", "json").stdout)
    assert [(a["account"], a["tier"]) for a in accounts] == [("ACME", "strategic"), ("Beta", "key")]
    config.write_text("min_amount: 1.000.000\n", encoding="utf-8")
    bad = kam("--config", config, "report")
    assert bad.exit_code == 2
    assert bad.stderr.startswith(f"kam: config {config}: min_amount: not a number '1.000.000' (more than one decimal")
