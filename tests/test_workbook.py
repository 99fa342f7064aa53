"""Excel workbooks (docs/spec.md §12): `kam import FILE.xlsx` for every kind, problems located by
sheet, row and column letter, date cells, formulas and unreadable files refused; `kam export … -o
FILE.xlsx` a workbook of text, number and date cells, never a formula, which imports back."""

from __future__ import annotations

import datetime
import json

import openpyxl
import pytest

from .conftest import ROOT

EXAMPLES = ROOT / "examples"
HEADER = ["客户", "姓名", "邮箱", "职位", "决策权", "态度", "预期变动时间"]
PEOPLE = [
    ["华东电力集团", "王建华", "wang@hd.example", "总经理", "最终拍板", "强力支持", None],
    ["华东电力集团", "李明", "li@hd.example", "IT总监", "执行反馈", "中立", datetime.date(2025, 3, 1)],
]


def workbook(path, rows, *, title="联系人", before=()):
    """A workbook whose sheet `title` holds `rows`; `before`: sheets ahead of it, each a title."""
    book = openpyxl.Workbook()
    first = book.active
    for k, name in enumerate(before):
        sheet = first if k == 0 else book.create_sheet(name)
        sheet.title = name
        sheet.append(["这一页是说明"])
    sheet = book.create_sheet(title) if before else first
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def contacts(kam):
    result = kam("contacts", "华东电力集团", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {c["name"]: c for c in json.loads(result.stdout)}


def test_a_workbook_with_chinese_headers_imports_its_first_sheet_and_reads_date_cells_as_dates(
    kam, isolated_db, tmp_path
):
    path = workbook(tmp_path / "contacts.xlsx", [HEADER, *PEOPLE])
    result = kam("import", path)
    assert result.exit_code == 0, result.stderr
    assert "imported contacts.xlsx: 2 created" in result.stdout
    people = contacts(kam)
    assert people["李明"]["change_date"] == "2025-03-01"
    assert people["王建华"]["decision_power"] == "final" and people["李明"]["attitude"] == "neutral"


def test_sheet_names_the_sheet_to_read_and_an_unknown_one_is_refused(kam, isolated_db, tmp_path):
    path = workbook(tmp_path / "book.xlsx", [HEADER, *PEOPLE], before=("说明",))
    first = kam("import", path)
    assert first.exit_code == 2 and "book.xlsx, sheet 说明, row 1" in first.stderr
    unknown = kam("import", path, "--sheet", "人员")
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == "kam: --sheet '人员': " + f"{path} has no such sheet; its sheets: 说明, 联系人"
    assert kam("import", path, "--sheet", "联系人").exit_code == 0
    assert set(contacts(kam)) == {"王建华", "李明"}
    assert kam("import", EXAMPLES / "contacts.csv", "--sheet", "联系人").exit_code == 2


def test_a_problem_names_the_sheet_the_row_and_the_column_letter_with_its_header_and_nothing_is_written(
    kam, isolated_db, tmp_path
):
    rows = [[None], HEADER, *PEOPLE, [None], ["华东电力集团", "张三", "zh@hd.example", "经理", "很大", "中立", None]]
    path = workbook(tmp_path / "contacts.xlsx", rows)
    assert kam("import", EXAMPLES / "contacts.csv").exit_code == 0
    before = isolated_db.rows("SELECT count(*) FROM contact")
    result = kam("import", path)
    assert result.exit_code == 2
    assert (f"{path}, sheet 联系人, row 6, column E (决策权), value '很大': unknown decision power '很大'"
            in result.stderr)  # fmt: skip
    assert isolated_db.rows("SELECT count(*) FROM contact") == before


@pytest.mark.parametrize("kind", ["accounts", "opportunities", "interactions"])
def test_every_kind_reads_a_workbook_as_it_reads_the_csv(kam, isolated_db, tmp_path, kind):
    assert kam("import", EXAMPLES / "contacts.csv").exit_code == 0
    source = EXAMPLES / f"{kind}.csv"
    lines = [line.split(",") for line in source.read_text(encoding="utf-8").splitlines()]
    path = workbook(tmp_path / f"{kind}.xlsx", lines, title=kind)
    result = kam("import", path, "--kind", kind)
    assert result.exit_code == 0, result.stderr
    again = kam("import", source, "--kind", kind)
    assert again.exit_code == 0 and " 0 created, 0 updated" in again.stdout, again.stdout


def test_a_formula_cell_is_refused_never_evaluated(kam, isolated_db, tmp_path):
    rows = [HEADER, PEOPLE[0], ["华东电力集团", "李明", "li@hd.example", "IT总监", '=IF(1,"最终拍板","")', "中立"]]
    path = workbook(tmp_path / "contacts.xlsx", rows)
    assert kam("import", EXAMPLES / "contacts.csv").exit_code == 0
    before = isolated_db.rows("SELECT count(*) FROM contact")
    result = kam("import", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"kam: {path}, sheet 联系人, row 3, column E (决策权), value '=IF(1,\"最终拍板\",\"\")': a formula; kam reads "
        "values, never formulas: copy the sheet and paste it as values (Paste Special → Values), then import again"
    )
    assert isolated_db.rows("SELECT count(*) FROM contact") == before


def test_a_sheet_of_formulas_with_no_value_cached_is_refused_as_formulas(kam, isolated_db, tmp_path):
    path = workbook(tmp_path / "sums.xlsx", [[None], [None, "=1+1"]])
    result = kam("import", path)
    assert result.exit_code == 2 and f"{path}, sheet 联系人, row 2, column B, value '=1+1': a formula" in result.stderr


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.xls", OLE + bytes(600), "is an old Excel workbook (.xls); save it as an Excel Workbook (.xlsx)"),
        ("locked.xlsx", OLE + bytes(600) + "EncryptionInfo".encode("utf-16-le") + bytes(64), "is password-protected"),
        ("broken.xlsx", b"PK\x03\x04" + b"not a zip" * 10, "is not a readable Excel workbook (.xlsx): the file is damaged"),
        ("text.xlsx", b"account,name\nA,B\n", "is not an Excel workbook (.xlsx)"),
        ("nothing.xlsx", b"", "is empty"),
    ],
)  # fmt: skip
def test_a_workbook_kam_cannot_read_is_one_line_exit_2_and_nothing_is_written(
    kam, isolated_db, tmp_path, name, content, message
):
    assert kam("import", EXAMPLES / "contacts.csv").exit_code == 0
    before = isolated_db.rows("SELECT count(*) FROM change")
    path = tmp_path / name
    path.write_bytes(content)
    for kind in ("contacts", "accounts"):
        result = kam("import", path, "--kind", kind)
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr
    assert isolated_db.rows("SELECT count(*) FROM change") == before


def test_an_empty_sheet_is_one_line_exit_2(kam, isolated_db, tmp_path):
    path = workbook(tmp_path / "blank.xlsx", [])
    result = kam("import", path)
    assert result.exit_code == 2 and result.stderr.strip() == f"kam: {path}, sheet 联系人: the sheet is empty"


def _cells(path):
    book = openpyxl.load_workbook(path)  # formulas as formulas (data_only=False)
    sheet = book.worksheets[0]
    return sheet, [list(row) for row in sheet.iter_rows()]


def test_export_writes_a_workbook_bold_frozen_sized_typed_and_never_a_formula(kam, isolated_db, tmp_path, write_csv):
    people = ("account,name,email,phone,change_date,notes\n"
              "ACME,=1+1,a@acme.example,+86 138 0000 0000,2026-05-01,-5\n"
              'ACME,@sum,b@acme.example,,,"=HYPERLINK(""http://x"")"\n')  # fmt: skip
    assert kam("import", write_csv(people)).exit_code == 0
    assert kam("import", EXAMPLES / "accounts.csv", "--kind", "accounts").exit_code == 0
    out = tmp_path / "contacts.xlsx"
    result = kam("export", "contacts", "-o", out)
    assert result.exit_code == 0 and "wrote 2 contacts to" in result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    sheet, cells = _cells(out)
    assert sheet.freeze_panes == "A2" and all(c.font.b for c in cells[0])
    assert sheet.column_dimensions["A"].width >= len("account")
    assert all(c.data_type != "f" for row in cells for c in row)
    by_name = {row[1].value: row for row in cells[1:]}
    assert set(by_name) == {"=1+1", "@sum"}
    assert by_name["=1+1"][3].value == "+86 138 0000 0000" and by_name["=1+1"][18].value == -5
    assert by_name["@sum"][18].value == '=HYPERLINK("http://x")'
    date_cell = by_name["=1+1"][15]
    assert cells[0][15].value == "change_date" and date_cell.is_date
    assert date_cell.value.date() == datetime.date(2026, 5, 1)
    accounts = tmp_path / "accounts.xlsx"
    assert kam("export", "accounts", "-o", accounts).exit_code == 0
    _, account_cells = _cells(accounts)
    revenue = [row[4] for row in account_cells[1:] if row[4].value is not None]
    assert revenue and all(c.data_type == "n" for c in revenue)
    assert kam("export", "findings", "-o", tmp_path / "findings.xlsx").exit_code == 0
    assert kam("export", "contacts", "-o", tmp_path / "contacts.xls").exit_code == 2


def _exports(kam, db):
    return [kam("--db", db, "export", what).stdout for what in ("contacts", "accounts")]


def test_export_then_import_of_workbooks_reproduces_the_data_as_the_csv_does(kam, isolated_db, new_db, tmp_path):
    assert kam("import", EXAMPLES / "contacts.csv").exit_code == 0
    for kind in ("accounts", "opportunities", "interactions"):
        assert kam("import", EXAMPLES / f"{kind}.csv", "--kind", kind).exit_code == 0
    through = {}
    for form in ("csv", "xlsx"):
        target = new_db().location
        for what, extra in (("contacts", ()), ("accounts", ("--ignore-unknown",))):  # the report's own columns
            out = tmp_path / f"{what}.{form}"
            assert kam("export", what, "-o", out).exit_code == 0
            result = kam("--db", target, "import", out, "--kind", what, *extra)
            assert result.exit_code == 0, result.stderr
        through[form] = _exports(kam, target)
    contacts_csv = kam("export", "contacts").stdout
    assert through["xlsx"][0] == contacts_csv
    assert through["xlsx"] == through["csv"]


def test_a_workbook_exported_in_chinese_imports_back_to_the_same_contacts(kam, isolated_db, new_db, tmp_path):
    assert kam("import", EXAMPLES / "contacts.csv").exit_code == 0
    out = tmp_path / "联系人.xlsx"
    assert kam("--lang", "zh", "export", "contacts", "-o", out).exit_code == 0
    sheet, cells = _cells(out)
    assert [c.value for c in cells[0][:3]] == ["客户", "姓名", "邮箱"]
    target = new_db().location
    assert kam("--db", target, "import", out).exit_code == 0
    assert kam("--db", target, "export", "contacts").stdout == kam("export", "contacts").stdout
