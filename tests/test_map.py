"""`kam map`: the tree as a user sees it, its JSON and Mermaid forms, single points."""

from __future__ import annotations

import json

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from keyaccount_cli.domain.graph import articulation_points, single_points
from keyaccount_cli.domain.views import AccountView, ContactView, RelationView

from .conftest import EXAMPLE


def test_tree_is_readable_without_colour(kam):
    kam("import", EXAMPLE)
    result = kam("map", "北辰制造")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "北辰制造\n"
        "└── 蒋涛 · 厂长 · 生产部 [decision maker] power: final say + support  ⚑ single point\n"
        "    └── 沈丽 · 生产计划经理 · 生产部 [influencer] power: strong influence ++ strong support\n"
        "        └── 韩冰 · 设备主管 · 设备部 [user, champion] power: feedback + support  ⚑ left 2026-10-31  ⚑ no successor\n"
        "            └── 杨帆 · 设备工程师 · 设备部 [user] power: feedback 0 neutral\n"
        "Coverage: 3 active contacts, 2 departments, 2 supporters, 1 decision maker, 1 single point (蒋涛)\n"
    )


def test_tree_flags_leaving_people_and_successors(kam):
    kam("import", EXAMPLE)
    out = kam("map", "华东电力集团").stdout
    assert "王建华 · 采购总监" in out and "⚑ leaving 2026-12-10  ⚑ no successor  ⚑ single point" in out
    kam("successor", "王建华", "李娜")
    out = kam("map", "华东电力集团").stdout
    assert "⚑ leaving 2026-12-10  ⚑ successor → 李娜" in out
    assert "no successor" not in out


def test_account_names_match_case_insensitively(kam, write_csv):
    kam("import", write_csv("account,name\nAcme Corp,A\nAcme Corp,B\n"))
    assert kam("map", "ACME CORP").stdout.startswith("Acme Corp\n")


def test_map_json_is_a_list_of_people(kam):
    kam("import", EXAMPLE)
    nodes = json.loads(kam("map", "华东电力集团", "--format", "json").stdout)
    by_name = {n["name"]: n for n in nodes}
    assert nodes[0]["name"] == "陈志远" and nodes[0]["depth"] == 0
    assert by_name["李娜"]["reports_to"] == "王建华" and by_name["李娜"]["depth"] == 2
    assert by_name["王建华"]["single_point"] is True
    assert by_name["王建华"]["flags"] == ["leaving 2026-12-10", "no successor", "single point"]


def test_mermaid_and_focus(kam):
    kam("import", EXAMPLE)
    kam("relate", "李娜", "孙悦", "--kind", "trusts")
    out = kam("map", "华东电力集团", "--format", "mermaid").stdout
    assert out.startswith("flowchart TD\n")
    lina, sun = (json.loads(kam("contacts", "华东电力集团", "--format", "json").stdout)[i]["id"] for i in (2, 4))
    assert f"c{lina} -.->|trusts| c{sun}" in out
    focus = kam("map", "华东电力集团", "--focus", "李娜").stdout
    assert "王建华" in focus and "孙悦" in focus and "钱伟" not in focus


def test_single_points_are_cut_vertices_sole_supporters_and_the_only_final_say():
    people = [
        ContactView(1, 1, "Boss", decision_power="final"),
        ContactView(2, 1, "Middle", reports_to_id=1),
        ContactView(3, 1, "Leaf", reports_to_id=2, attitude="support"),
        ContactView(4, 1, "Other", decision_power="final", reports_to_id=1),
    ]
    account = AccountView(1, "ACME", contacts=people)
    assert single_points(account) == {
        1: ["holds the network together"], 2: ["holds the network together"], 3: ["only supporter"],
    }  # fmt: skip
    # a trust relation around the middle manager removes the cut
    account.relations.append(RelationView(3, 1, "trusts"))
    assert 2 not in single_points(account)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60))))  # fmt: skip
def test_cut_vertices_agree_with_networkx(graph):
    n, edges = graph
    adjacency: dict[int, set[int]] = {i: set() for i in range(n)}
    for a, b in edges:
        if a != b:
            adjacency[a].add(b)
            adjacency[b].add(a)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((a, b) for a, b in edges if a != b)
    assert articulation_points(adjacency) == set(nx.articulation_points(g))


def test_a_reports_to_chain_thousands_deep_draws(kam, tmp_path):
    rows = ["account,name,reports_to"] + [f"Deep,P{i},{f'P{i - 1}' if i else ''}" for i in range(3000)]
    (tmp_path / "deep.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert kam("import", tmp_path / "deep.csv").exit_code == 0
    result = kam("map", "Deep")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "└── P0 attitude ?"
    (deepest,) = [i for i, line in enumerate(lines) if "└── P2999" in line]  # a line may wrap to the width
    assert lines[deepest].startswith(" " * 4 * 2999 + "└── P2999")
    # every inner link of a chain is a cut vertex; the two ends are not
    footer = " ".join(line.strip() for line in lines[deepest + 1 :])  # the coverage line, wrapped too
    assert footer.endswith("2998 single points (" + ", ".join(f"P{i}" for i in range(1, 2999)) + ")")
