"""The relations `kam relate` records, as a user sees them: under each person of the `kam map`
tree (both ways), in its JSON and CSV, and on `kam show`."""

from __future__ import annotations

import csv
import io
import json

from .conftest import EXAMPLE


def _related(kam):
    kam("import", EXAMPLE)
    kam("relate", "沈丽", "杨帆", "--kind", "referred")
    kam("relate", "杨帆", "蒋涛", "--kind", "trusts")
    kam("relate", "韩冰", "杨帆", "--kind", "peer")


def test_the_tree_shows_each_relation_under_both_of_its_people(kam):
    _related(kam)
    result = kam("map", "北辰制造")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "北辰制造\n"
        "└── 蒋涛 · 厂长 · 生产部 [decision maker] power: final say + support  ⚑ single point\n"
        "    │   ← trusted by 杨帆\n"
        "    └── 沈丽 · 生产计划经理 · 生产部 [influencer] power: strong influence ++ strong support\n"
        "        │   referred → 杨帆\n"
        "        └── 韩冰 · 设备主管 · 设备部 [user, champion] power: feedback + support  ⚑ left 2026-10-31  ⚑ no successor\n"
        "            │   peer ↔ 杨帆\n"
        "            └── 杨帆 · 设备工程师 · 设备部 [user] power: feedback 0 neutral\n"
        "                    trusts → 蒋涛\n"
        "                    ← referred by 沈丽\n"
        "                    peer ↔ 韩冰\n"
        "Coverage: 3 active contacts, 2 departments, 2 supporters, 1 decision maker, 1 single point (蒋涛)\n"
    )


def test_the_tree_says_the_relations_in_chinese_when_asked(kam):
    _related(kam)
    out = kam("--lang", "zh", "map", "北辰制造").stdout
    assert "    │   ← 受杨帆信任\n" in out
    assert "                    信任 → 蒋涛\n                    ← 由沈丽引荐\n                    同级 ↔ 韩冰\n" in out


def test_map_json_gives_every_person_a_list_of_relations(kam):
    _related(kam)
    people = {p["name"]: p for p in json.loads(kam("map", "北辰制造", "--format", "json").stdout)}
    ids = {name: p["id"] for name, p in people.items()}
    assert people["杨帆"]["relations"] == [
        {"kind": "trusts", "direction": "out", "other": "蒋涛", "other_id": ids["蒋涛"]},
        {"kind": "referred", "direction": "in", "other": "沈丽", "other_id": ids["沈丽"]},
        {"kind": "peer", "direction": "in", "other": "韩冰", "other_id": ids["韩冰"]},
    ]
    assert people["蒋涛"]["relations"] == [
        {"kind": "trusts", "direction": "in", "other": "杨帆", "other_id": ids["杨帆"]}
    ]
    kam("import", EXAMPLE)
    assert all(p["relations"] == [] for p in json.loads(kam("map", "星河零售", "--format", "json").stdout))


def test_focus_keeps_the_relations_among_the_people_it_shows(kam):
    _related(kam)
    out = kam("map", "北辰制造", "--focus", "沈丽").stdout
    # 沈丽's neighbourhood: her manager, her report, and 杨帆 whom she referred
    assert "referred → 杨帆" in out and "← referred by 沈丽" in out
    assert "← trusted by 杨帆" in out and "trusts → 蒋涛" in out  # both of them are shown
    people = json.loads(kam("map", "北辰制造", "--focus", "蒋涛", "--format", "json").stdout)
    assert {p["name"] for p in people} == {"蒋涛", "沈丽", "杨帆"}
    # 韩冰 is not around 蒋涛: her peer relation with 杨帆 is not shown either
    assert [r["other"] for p in people if p["name"] == "杨帆" for r in p["relations"]] == ["蒋涛", "沈丽"]


def test_map_csv_has_the_json_keys_one_line_per_person_and_lists_joined_with_semicolons(kam):
    _related(kam)
    people = json.loads(kam("map", "北辰制造", "--format", "json").stdout)
    result = kam("map", "北辰制造", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0].split(",") == list(people[0])
    assert [r["name"] for r in rows] == [p["name"] for p in people]
    by_name = {r["name"]: r for r in rows}
    assert by_name["杨帆"]["relations"] == "trusts → 蒋涛;← referred by 沈丽;peer ↔ 韩冰"
    assert by_name["韩冰"]["roles"] == "user;champion" and by_name["韩冰"]["flags"] == "left 2026-10-31;no successor"
    assert by_name["蒋涛"]["single_point"] == "yes"


def test_map_csv_keeps_its_header_for_an_account_with_nobody(kam, write_csv):
    kam("import", EXAMPLE)
    header = kam("map", "北辰制造", "--format", "csv").stdout.splitlines()[0]
    kam("import", write_csv("account,industry\n空壳公司,能源\n", "accounts.csv"), "--kind", "accounts")
    result = kam("map", "空壳公司", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [header]
    assert json.loads(kam("map", "空壳公司", "--format", "json").stdout) == []


def test_show_lists_the_relations_of_the_account(kam):
    _related(kam)
    out = kam("show", "北辰制造").stdout
    table = out[out.index("Relations") :]
    assert "┃ Contact ┃ Relation ┃ With ┃" in table
    assert "│ 沈丽    │ referred │ 杨帆 │" in table and "│ 杨帆    │ trusts   │ 蒋涛 │" in table
    assert "│ 韩冰    │ peer     │ 杨帆 │" in table
    page = json.loads(kam("show", "北辰制造", "--format", "json").stdout)[0]
    assert page["relations"] == [
        {"contact": "沈丽", "kind": "referred", "other": "杨帆"},
        {"contact": "杨帆", "kind": "trusts", "other": "蒋涛"},
        {"contact": "韩冰", "kind": "peer", "other": "杨帆"},
    ]
    kam("import", EXAMPLE)
    assert "no relations recorded" in kam("show", "星河零售").stderr
