"""`kam --lang zh export` writes the Chinese headers and values of docs/spec.md §1 and §3, which the
import reads back (docs/spec.md §12): the same data as the English export."""

from __future__ import annotations

import csv
import io
import json

from .conftest import EXAMPLE, ROOT

EXAMPLES = ROOT / "examples"


def _book(kam) -> None:
    assert kam("import", EXAMPLES / "accounts.csv", "--kind", "accounts").exit_code == 0
    assert kam("import", EXAMPLE).exit_code == 0
    for kind in ("opportunities", "interactions"):
        assert kam("import", EXAMPLES / f"{kind}.csv", "--kind", kind).exit_code == 0
    for args in (
        ("relate", "王建华", "李娜", "--kind", "trusts"),
        ("set", "李娜", "--concern", "price", "--concern", "integration"),
        ("leave", "李娜", "--on", "2026-12-20", "--kind", "transfer"),
        ("handover", "李娜", "--done", "confirm", "--on", "2026-11-20"),
        ("set-account", "蓝海科技", "--status", "prospect"),
    ):
        done = kam("--as-of", "2026-11-23", *args)
        assert done.exit_code == 0, (args, done.stderr)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_chinese_contacts_export_has_chinese_headers_and_labels_and_reads_back(kam, new_db, tmp_path):
    _book(kam)
    english = kam("export", "contacts").stdout
    chinese = kam("--lang", "zh", "export", "contacts").stdout
    header, *rows = _rows(chinese)
    assert header[:8] == ["客户", "姓名", "邮箱", "电话", "职位", "部门", "角色", "决策权"]
    assert header[8:] == ["态度", "关注点", "签约权", "项目Owner", "上级", "状态", "岗位变动风险",
                          "预期变动时间", "变动类型", "继任人", "备注", "我方对接人"]  # fmt: skip
    wang = next(r for r in rows if r[1] == "王建华")
    assert wang[6:10] == ["采购;决策者", "重要影响", "强力支持", "价格"]
    assert (wang[10], wang[13], wang[14], wang[15], wang[16]) == (
        "是",
        "即将离职",
        "已确定将变动",
        "2026-12-10",
        "离职",
    )
    (tmp_path / "zh.csv").write_text(chinese, encoding="utf-8")
    other = new_db("other.db")
    assert kam("--db", other.location, "import", tmp_path / "zh.csv").exit_code == 0
    assert kam("--db", other.location, "export", "contacts").stdout == english


def test_export_all_in_chinese_imports_back_into_the_same_database(kam, new_db, tmp_path):
    _book(kam)
    assert kam("--lang", "zh", "export", "all", "-o", tmp_path / "zh").exit_code == 0
    heads = {f.name: _rows(f.read_text(encoding="utf-8"))[0] for f in (tmp_path / "zh").iterdir()}
    assert heads["accounts.csv"][:4] == ["客户", "行业", "客户分层", "客户经理"]
    assert heads["relations.csv"] == ["联系人", "对方", "关系"]
    assert heads["handovers.csv"][:5] == ["联系人", "步骤", "负责人", "截止日期", "状态"]
    assert heads["contacts.csv"][-1] == "去向"
    values = (tmp_path / "zh" / "relations.csv").read_text(encoding="utf-8")
    assert "信任" in values and "trusts" not in values
    assert "未完成" in (tmp_path / "zh" / "handovers.csv").read_text(encoding="utf-8")
    other = new_db("other.db")
    done = kam("--db", other.location, "import", tmp_path / "zh")
    assert done.exit_code == 0, done.stderr
    assert kam("--db", other.location, "export", "all", "-o", tmp_path / "back").exit_code == 0
    assert kam("export", "all", "-o", tmp_path / "en").exit_code == 0
    for name in heads:
        mine = (tmp_path / "en" / name).read_text(encoding="utf-8")
        assert (tmp_path / "back" / name).read_text(encoding="utf-8") == mine, name
    for args in (("check", "--format", "json"), ("show", "华东电力集团", "--format", "json")):
        assert (
            kam("--as-of", "2026-11-23", "--db", other.location, *args).stdout
            == kam("--as-of", "2026-11-23", *args).stdout
        )


def test_accounts_and_findings_exports_in_chinese_keep_codes_dates_and_numbers(kam):
    _book(kam)
    header, *rows = _rows(kam("--lang", "zh", "--as-of", "2026-11-23", "export", "findings").stdout)
    assert header == ["代码", "严重程度", "客户", "联系人", "日期", "说明"]
    leaving = next(r for r in rows if r[0] == "KEY_PERSON_LEAVING")
    assert leaving[1] == "严重" and leaving[4] == "2026-12-10"
    english = json.loads(kam("--as-of", "2026-11-23", "check", "--format", "json").stdout)
    assert [r[0] for r in rows] == [f["code"] for f in english]
    header, *rows = _rows(kam("--lang", "zh", "export", "accounts").stdout)
    assert header[:3] == ["客户", "行业", "客户分层"] and header[6:] == [
        "联系人数",
        "部门数",
        "支持者数",
        "决策者数",
        "问题数",
        "续约日期",
        "分层来源",
    ]
    huadong = next(r for r in rows if r[0] == "华东电力集团")
    assert huadong[2] == "战略级" and huadong[6] == "6"
