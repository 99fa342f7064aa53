"""`kam map --format html|svg` and `kam show --format html` (docs/spec.md §12): one self-contained
file, every person in it, every text escaped, labels in the language in use; deep and wide
accounts draw. What a browser makes of them: tests/test_browser.py."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from keyaccount_cli.domain.graph import decision_tree
from keyaccount_cli.domain.views import AccountView, ContactView
from keyaccount_cli.render.picture import BOX_W, layout

from .conftest import EXAMPLE

SVG = "{http://www.w3.org/2000/svg}"
NAMES = ["陈志远", "王建华", "李娜", "赵强", "孙悦", "钱伟"]  # 华东电力集团 in the example


def assert_self_contained(text: str) -> None:
    """Nothing that would load from elsewhere: no address, no script, no link, no external reference."""
    rest = text.replace('xmlns="http://www.w3.org/2000/svg"', "").replace('http-equiv=', "")
    assert "http" not in rest and "//" not in rest.replace("<!--", "")
    for pattern in ("<script", "<link", "<img", "<iframe", "<object", "@import", "src=", "href="):
        assert pattern not in text.lower(), pattern
    assert set(re.findall(r"url\(([^)]*)\)", text)) <= {"#arrow"}


def svg_texts(svg: str) -> list[str]:
    """The texts drawn by a standalone SVG (parsed as XML: it is well-formed)."""
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@pytest.fixture
def example(kam):
    assert kam("import", EXAMPLE).exit_code == 0
    assert kam("relate", "李娜", "孙悦", "--kind", "trusts").exit_code == 0
    assert kam("relate", "赵强", "王建华", "--kind", "peer").exit_code == 0


def test_the_svg_draws_every_person_with_flags_legend_and_coverage(kam, example):
    result = kam("map", "华东电力集团", "--format", "svg")
    assert result.exit_code == 0, result.stderr
    assert_self_contained(result.stdout)
    texts = svg_texts(result.stdout)
    assert set(NAMES) <= set(texts)
    assert texts[0] == "华东电力集团" and texts[1].startswith("Coverage: 6 active contacts, 4 departments")
    for words in ("++ strong support", "+ support", "0 neutral", "- reserved", "-- opposed", "? attitude unknown",
                  "reports to", "relation (referred, trusts, peer)", "⚑ leaving 2026-12-10", "⚑ no successor",
                  "⚑ single point", "power: final say", "procurement, decision maker", "trusts", "peer"):  # fmt: skip
        assert words in texts, words
    root = ET.fromstring(result.stdout)
    dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray") and p.get("d", "").startswith("M")]
    assert len([p for p in dashed if p.get("stroke") == "#6a1b9a"]) == 3  # two relations and the legend's sample
    people = [g for g in root.iter(f"{SVG}g") if g.get("class") == "person"]
    assert len(people) == 6 and all(len(g.findall(f"{SVG}rect")) == 1 for g in people)  # a box each


def test_the_html_page_holds_the_drawing_and_nothing_from_elsewhere(kam, example):
    result = kam("map", "华东电力集团", "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert_self_contained(page)
    assert page.count("<svg") == 1 and all(f">{name}</tspan>" in page for name in NAMES)


def test_every_text_is_escaped(kam, write_csv):
    kam("import", write_csv('account,name,title,department,reports_to\n'
                            'A&B <Corp>,"<b>Tom & ""Jerry""</b>",<script>alert(1)</script>,R&D,\n'
                            "A&B <Corp>,O'Neil <i>,,,\"<b>Tom & \"\"Jerry\"\"</b>\"\n"))  # fmt: skip
    svg = kam("map", "A&B <Corp>", "--format", "svg").stdout
    assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
    texts = svg_texts(svg)
    assert {'<b>Tom & "Jerry"</b>', "O'Neil <i>", "<script>alert(1)</script>", "R&D", "A&B <Corp>"} <= set(texts)
    page = kam("show", "A&B <Corp>", "--format", "html").stdout
    assert "<script" not in page and "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;" in page
    assert "<title>A&amp;B &lt;Corp&gt;</title>" in page


def test_in_chinese_the_labels_and_flags_are_chinese(kam, example):
    svg = kam("--lang", "zh", "map", "华东电力集团", "--format", "svg").stdout
    texts = svg_texts(svg)
    assert texts[1].startswith("覆盖：6 位在职联系人")
    for words in ("++ 强力支持", "? 态度未知", "上级", "关系（引荐，信任，同级）", "⚑ 即将离职 2026-12-10", "⚑ 无继任人",
                  "⚑ 单点", "决策权:最终拍板", "信任", "同级"):  # fmt: skip
        assert words in texts, words
    assert '<html lang="zh">' in kam("--lang", "zh", "show", "华东电力集团", "--format", "html").stdout


def test_o_writes_the_file_owner_only_and_nothing_to_stdout(kam, example, tmp_path):
    target = tmp_path / "map.html"
    result = kam("map", "华东电力集团", "--format", "html", "-o", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"wrote {target}\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_text(encoding="utf-8") == kam("map", "华东电力集团", "--format", "html").stdout
    svg = tmp_path / "map.svg"
    assert kam("-q", "map", "华东电力集团", "--format", "svg", "-o", svg).stderr == ""
    assert svg.read_text(encoding="utf-8").startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    page = tmp_path / "page.html"
    assert kam("show", "华东电力集团", "--format", "html", "-o", page).exit_code == 0
    assert page.stat().st_mode & 0o777 == 0o600 and "<h2>Relationships</h2>" in page.read_text(encoding="utf-8")


def test_o_is_refused_with_a_format_that_is_no_picture_and_on_the_database(kam, example, tmp_path, isolated_db):
    for args in (["map", "华东电力集团", "-o", tmp_path / "x.txt"], ["show", "华东电力集团", "-o", tmp_path / "x.txt"],
                 ["map", "华东电力集团", "--format", "json", "-o", tmp_path / "x.txt"]):  # fmt: skip
        result = kam(*args)
        assert result.exit_code == 2 and result.stderr.startswith("kam: -o writes ") and "\n" == result.stderr[-1]
        assert not (tmp_path / "x.txt").exists()
    if isolated_db.path is not None:
        before = isolated_db.path.read_bytes()
        result = kam("map", "华东电力集团", "--format", "svg", "-o", isolated_db.path)
        assert result.exit_code == 2 and "is the database itself" in result.stderr
        assert isolated_db.path.read_bytes() == before
    result = kam("map", "Nobody Inc", "--format", "html", "-o", tmp_path / "none.html")
    assert result.exit_code != 0 and not (tmp_path / "none.html").exists()


def test_the_360_page_has_its_tables_and_the_picture(kam, example):
    page = kam("show", "华东电力集团", "--format", "html").stdout
    assert_self_contained(page)
    for heading in ("Map", "Relationships", "Account team", "Relations", "Opportunities", "Open handovers",
                    "Recent interactions", "Findings"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in page
    assert page.count("<svg") == 1 and "KEY_PERSON_LEAVING" in page
    assert "<td>李娜</td><td>trusts</td><td>孙悦</td>" in page
    assert all(page.count(f">{name}<") >= 2 for name in NAMES)  # in the picture and the table


@pytest.mark.parametrize("shape", ["deep", "wide"])
def test_two_thousand_people_deep_or_wide_still_draw(kam, tmp_path, shape):
    def manager(i: int) -> str:
        return "" if i == 0 else (f"P{i - 1}" if shape == "deep" else "P0")

    rows = ["account,name,title,attitude,reports_to"] + [f"Big,P{i},Engineer,support,{manager(i)}" for i in range(2000)]
    (tmp_path / "big.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert kam("import", tmp_path / "big.csv").exit_code == 0
    svg = kam("map", "Big", "--format", "svg").stdout
    root = ET.fromstring(svg)
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert {f"P{i}" for i in range(2000)} <= texts
    width, height = float(root.get("width", 0)), float(root.get("height", 0))
    if shape == "deep":
        assert width == 1000 and height > 2000 * 100  # one column, a row per person
    else:  # the 1,999 reports of one manager in a block of 45 columns, not in one row
        assert 44 * BOX_W < width < 46 * (BOX_W + 24) and height < 45 * 100


def person(i: int, manager: int | None = None) -> ContactView:
    return ContactView(id=i, account_id=1, name=f"P{i}", reports_to_id=manager)


def test_the_layout_centres_a_manager_over_their_reports_and_no_boxes_overlap():
    people = [person(1), person(2, 1), person(3, 1), person(4, 1), person(5, 3), person(6, 3), person(7)]
    boxes = {b.node.contact.id: b for b in layout(decision_tree(AccountView(id=1, name="A", contacts=people)))}
    assert boxes[1].x == (boxes[2].x + boxes[4].x) / 2 and boxes[3].x == (boxes[5].x + boxes[6].x) / 2
    assert boxes[2].y == boxes[3].y == boxes[4].y > boxes[1].y and boxes[5].y > boxes[3].y
    rows: dict[float, list[float]] = {}
    for b in boxes.values():
        rows.setdefault(b.y, []).append(b.x)
    for xs in rows.values():
        xs.sort()
        assert all(b - a >= BOX_W for a, b in zip(xs, xs[1:], strict=False))


def test_many_reports_with_no_reports_of_their_own_stand_in_a_block():
    people = [person(1)] + [person(i, 1) for i in range(2, 12)]  # ten reports
    boxes = layout(decision_tree(AccountView(id=1, name="A", contacts=people)))
    reports = boxes[1:]
    assert len({b.x for b in reports}) == 4 and len({b.y for b in reports}) == 3  # 4 columns, 3 rows
    assert boxes[0].x == (min(b.x for b in reports) + max(b.x for b in reports)) / 2
    spots = [(b.x, b.y, b.height) for b in reports]
    for i, (x, y, h) in enumerate(spots):  # no two boxes overlap
        for x2, y2, h2 in spots[i + 1 :]:
            assert abs(x - x2) >= BOX_W or y + h <= y2 or y2 + h2 <= y
    few = layout(decision_tree(AccountView(id=1, name="A", contacts=people[:7])))  # six: in a row
    assert len({b.y for b in few[1:]}) == 1


def test_focus_and_on_draw_what_the_tree_shows(kam, example):
    svg = kam("map", "华东电力集团", "--focus", "李娜", "--format", "svg").stdout
    texts = svg_texts(svg)
    assert texts[0] == "华东电力集团 — around 李娜"
    assert {"李娜", "王建华", "孙悦"} <= set(texts) and "钱伟" not in texts  # manager, related; not the others
    result = kam("map", "华东电力集团", "--on", "2000-01-01", "--format", "svg")
    assert result.exit_code == 0 and "begins on" in result.stderr
    assert not [g for g in ET.fromstring(result.stdout).iter(f"{SVG}g") if g.get("class") == "person"]


def test_a_long_name_wraps_inside_its_box_and_reads_whole(kam, write_csv):
    long = "Maximilian Alexander von Hohenberg zu Schwarzenfeld"
    kam("import", write_csv(f"account,name,title\nLong,{long},Vice President of Strategic Procurement and Sourcing\n"))
    root = ET.fromstring(kam("map", "Long", "--format", "svg").stdout)
    (name,) = [t for t in root.iter(f"{SVG}text") if t.get("font-size") == "15"]
    assert "".join(name.itertext()) == long and len(name.findall(f"{SVG}tspan")) == 3
    (box,) = [g.find(f"{SVG}rect") for g in root.iter(f"{SVG}g") if g.get("class") == "person"]
    texts = svg_texts(kam("map", "Long", "--format", "svg").stdout)
    assert "Vice President of Strategic" in texts and "Procurement and Sourcing" in texts  # the title in two lines
    assert float(box.get("height")) == 8 * 2 + 20 * 3 + 16 * 3  # three name lines, title ×2, attitude
