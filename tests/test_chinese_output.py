"""In Chinese (`--lang zh`), every human output speaks Chinese (docs/spec.md §12): the rendered
output of `check`, `accounts`, `contacts`, `map`, `show`, `handover`, `health`, `report`, `team` and
`staff`, and the success lines of `import`, `leave`, `set`, `log`, `handover --done` and `team
--add`, asserted exactly at 200 columns without colour (tests/fixtures/chinese_output.txt; trailing
spaces aside)."""

from __future__ import annotations

import json
import os

from keyaccount_cli import i18n
from keyaccount_cli.domain.labels import LABELS, OTHER_LABELS, label

from .conftest import FIXTURES, ROOT
from .test_readme import console_blocks

EXPECTED = FIXTURES / "chinese_output.txt"


def test_every_command_of_the_walk_through_prints_exactly_this_in_chinese(kam, monkeypatch):
    commands = console_blocks("```console\n" + EXPECTED.read_text(encoding="utf-8") + "```")
    assert len(commands) >= 15
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(os.environ, "COLUMNS", "200")
    for argv, expected in commands:
        result = kam(*argv)
        shown = "".join(line.rstrip() + "\n" for line in (result.stdout + result.stderr).splitlines())
        assert shown == expected, " ".join(argv)


def test_json_keys_canonical_values_and_codes_stay_as_they_are_in_chinese(kam, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert kam("import", "examples/contacts.csv").exit_code == 0
    for args in (("check",), ("contacts", "华东电力集团"), ("accounts",), ("health",), ("map", "华东电力集团")):
        english = json.loads(kam("--as-of", "2026-11-23", *args, "--format", "json").stdout)
        chinese = json.loads(kam("--lang", "zh", "--as-of", "2026-11-23", *args, "--format", "json").stdout)
        assert [list(r) for r in chinese] == [list(r) for r in english], args
        for mine, theirs in zip(chinese, english, strict=True):
            for key in ("code", "severity", "attitude", "roles", "decision_power", "status", "tier", "band"):
                assert mine.get(key) == theirs.get(key), (args, key)
    finding = json.loads(kam("--lang", "zh", "--as-of", "2026-11-23", "check", "--format", "json").stdout)[0]
    assert (
        finding["code"] == "KEY_PERSON_LEAVING" and finding["message"] == "决策者 王建华 将于 2026-12-10 变动（离职）"
    )


def test_the_other_labels_have_chinese_too():
    i18n.use("zh")
    try:
        for vocabulary, values in OTHER_LABELS.items():
            assert vocabulary not in LABELS
            for value in values:
                assert not label(vocabulary, value).isascii(), (vocabulary, value)
    finally:
        i18n.use("en")


def test_export_says_what_it_wrote_in_chinese(kam, tmp_path):
    assert kam("import", ROOT / "examples" / "contacts.csv").exit_code == 0
    done = kam("--lang", "zh", "export", "contacts", "-o", tmp_path / "联系人.csv")
    assert done.exit_code == 0 and done.stderr == f"已写入 16 位联系人 到 {tmp_path / '联系人.csv'}\n"
    done = kam("--lang", "zh", "export", "all", "-o", tmp_path / "备份")
    assert done.stderr.startswith("已写入 5 个客户，16 位联系人，0 条关系，0 个商机，0 条互动，")


def test_the_commonest_errors_are_said_in_chinese_too(kam, write_csv):
    kam("import", write_csv("account,name,email\n华信银行,许婷,a@x.cn\n华信银行,许婷,b@x.cn\n恒通汽车,王强,\n"))
    unknown = kam("--lang", "zh", "map", "无此客户")
    assert unknown.exit_code == 2
    assert unknown.stderr == "kam: 没有名为 '无此客户' 的客户；已有客户：恒通汽车, 华信银行\n"
    nobody = kam("--lang", "zh", "set", "无此人", "--attitude", "support")
    assert nobody.exit_code == 2 and "没有联系人 '无此人'" in nobody.stderr
    twice = kam("--lang", "zh", "successor", "许婷", "--suggest")
    assert (
        twice.exit_code == 2
        and "'许婷' 不唯一（2 位联系人）" in twice.stderr
        and "<a@x.cn>（华信银行）" in twice.stderr
    )


def test_the_import_says_what_it_did_to_the_plans_in_chinese(kam, write_csv):
    old = write_csv("客户,姓名,状态,预期变动时间\n华信银行,老周,已离职,2024-06-30\n华信银行,许婷,即将离职,2026-12-31\n")
    done = kam("--lang", "zh", "--as-of", "2026-11-23", "import", old)
    assert done.exit_code == 0
    assert done.stdout == "已导入 contacts.csv：新建 2，更新 0，未变 0，跳过 0（1 个新客户）\n"
    assert done.stderr == (
        "已开启 1 个交接计划（kam handover CONTACT 查看）\n1 个变动早于 180 天以上，视为历史：不开交接计划，不报问题\n"
    )
