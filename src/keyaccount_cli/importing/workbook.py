"""Excel workbooks (docs/spec.md §12): a sheet read as the records a CSV would hold, and an export
written as a workbook.

A sheet is read with python-calamine (Rust: about 15× faster than openpyxl's read-only mode on
100,000 rows, README: Workbooks), every cell turned into the text a CSV would hold (a date as
`2025-03-01`, a whole number without `.0`), so the importers check it as they check a CSV. A
formula is refused, never evaluated: the sheet's XML is searched for one before it is read. An
export is written with openpyxl's write-only mode. Both libraries are imported here only, when a
workbook is read or written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, KamError, Problem, Sheet

if TYPE_CHECKING:
    import zipfile

SUFFIXES = (".xlsx", ".xlsm", ".xls")  # .xls (the old format) is recognised to be refused
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an .xls, or an encrypted (password-protected) .xlsx
_ZIP = b"PK\x03\x04"
_ENCRYPTED = "EncryptionInfo".encode("ascii").replace(b"", b"\x00")[1:]  # the stream an encrypted OOXML container holds
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")  # a cell's <f> element (not <formula> of a rule)
_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]+)([0-9]+)"')
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?>([^<]*)<")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# a number an export writes as a number cell: what reads back as the same text (no leading zero,
# no trailing zero after the point); a longer run of digits (a phone number, an ID) stays text
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,9})(?:\.[0-9]*[1-9])?")
_BLOCK = 1 << 20


def is_workbook(path: Path) -> bool:
    """Whether `kam import` reads the file as a workbook: by its extension."""
    return path.suffix.lower() in SUFFIXES


def sheet_display(path: Path, sheet: str | None, *, display: str | None = None) -> str:
    """How problems name the file: the CSV's name, or `contacts.xlsx, sheet 联系人` (a `Sheet`)."""
    name = display or str(path)
    if not is_workbook(path):
        if sheet is not None:
            raise KamError(f"--sheet {sheet!r}: {name} is not a workbook (.xlsx); --sheet names a sheet of one")
        return name
    return Sheet(f"{name}, sheet {_sheet_name(_open(path, name), sheet, name)}")


def _open(path: Path, name: str) -> Any:
    """The workbook, or a one-line KamError saying why it cannot be read."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except IsADirectoryError:
        raise KamError(f"{name} is a directory, not a workbook") from None
    except OSError as exc:
        raise KamError(f"cannot read {name}: {exc.strerror}") from None
    if not head:
        raise KamError(f"{name} is empty")
    if head.startswith(_OLE):
        if _ENCRYPTED in path.read_bytes():
            raise KamError(f"{name} is password-protected (encrypted); kam cannot read it: save a copy without "
                           "the password and import that")  # fmt: skip
        raise KamError(f"{name} is an old Excel workbook (.xls); save it as an Excel Workbook (.xlsx) or as CSV "
                       "and import that")  # fmt: skip
    if not head.startswith(_ZIP):
        raise KamError(f"{name} is not an Excel workbook (.xlsx): the file is damaged or of another kind")
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise KamError(f"{name} is password-protected; save a copy without the password and import that") from None
    except Exception as exc:  # calamine's errors (zip, XML) and the panics it raises as such
        raise KamError(f"{name} is not a readable Excel workbook (.xlsx): the file is damaged ({exc})") from None


# the sheet last loaded: (file, its size and time, the sheet's title) → the sheet. Loading a sheet
# is most of a workbook's reading; the header's look for `moved_to` and the moves' pass reuse it
_loaded: dict[tuple[str, int, int, str], Any] = {}


def _table(path: Path, sheet: str | None, name: str) -> tuple[str, Any]:
    """(title, the loaded sheet) of the workbook's first sheet, or `sheet`."""
    book = _open(path, name)
    title = _sheet_name(book, sheet, name)
    found = path.stat()
    key = (str(path.resolve()), found.st_size, found.st_mtime_ns, title)
    if key not in _loaded:
        _loaded.clear()
        try:
            _loaded[key] = book.get_sheet_by_name(title)
        except Exception as exc:  # calamine's XML errors: a damaged sheet
            raise KamError(f"{name}: the sheet {title} cannot be read, the file is damaged ({exc})") from None
    return title, _loaded[key]


def _sheet_name(book: Any, sheet: str | None, name: str) -> str:
    names: list[str] = list(book.sheet_names)
    if not names:
        raise KamError(f"{name} has no sheet")
    if sheet is None:
        return names[0]
    found = [n for n in names if n == sheet] or [n for n in names if n.casefold() == sheet.strip().casefold()]
    if not found:
        raise KamError(f"--sheet {sheet!r}: {name} has no such sheet; its sheets: {', '.join(names)}")
    return found[0]


def cell_text(value: Any) -> str:
    """A cell as the CSV of the same sheet holds it: `12`, `0.5`, `2025-03-01`, `true`."""
    if type(value) is str:
        return value
    if type(value) is float:
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):  # kam's dates are days: a time of day is not kept
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def read_sheet(
    path: Path, *, sheet: str | None = None, display: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[int, list[str]]]:  # fmt: skip
    """`csvfile.read_records` of a workbook's sheet (the first, or `sheet`): (row number, cells as
    text) for every row with a value, the header first; a sheet with a formula is refused."""
    name = display or str(path)
    title, table = _table(path, sheet, name)
    where = name if isinstance(name, Sheet) else Sheet(f"{name}, sheet {title}")
    formula = find_formula(path, title)
    left = (table.start or (0, 0))[1]  # calamine gives every row from the first, each from the first column used
    total, size, count = (table.end or (0, 0))[0] + 1, path.stat().st_size, 0
    pad = [""] * left
    for number, row in enumerate(table.iter_rows(), start=1):
        cells = [c if type(c) is str else cell_text(c) for c in row]
        joined = "".join(cells)
        if not joined or joined.isspace():
            continue
        if left:
            cells = pad + cells
        if formula is not None:
            _refuse_formula(where, formula, cells)
        if "\x00" in joined:
            column = next(i for i, cell in enumerate(cells, start=1) if "\x00" in cell)
            raise InputError([Problem(where, number, column, None, None, "contains a NUL character")])
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count, size * number // total)
        yield number, cells
    if formula is not None:  # formulas alone, with no value cached
        _refuse_formula(where, formula, [])
    if not count:
        raise KamError(f"{where}: the sheet is empty")


def _refuse_formula(where: str, formula: tuple[int, int, str], header: list[str]) -> None:
    row, column, text = formula
    name = header[column - 1].strip() if column <= len(header) else None
    raise KamError(str(Problem(where, row, column, name or None, text and f"={text}",
        "a formula; kam reads values, never formulas: copy the sheet and paste it as values "
        "(Paste Special → Values), then import again")))  # fmt: skip


def first_row(path: Path, sheet: str | None) -> list[str]:
    """The cells of the sheet's first row with a value (its header); none when it cannot be read."""
    try:
        table = _table(path, sheet, str(path))[1]
        return next((cells for row in table.iter_rows() if "".join(cells := list(map(cell_text, row))).strip()), [])
    except KamError:
        return []


def find_formula(path: Path, title: str) -> tuple[int, int, str] | None:
    """(row, column, formula) of the first formula in the sheet `title`, from its XML (a stream
    search, at C speed); None when there is none."""
    import zipfile
    from xml.etree.ElementTree import ParseError

    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, title)
            if part is None:
                return None
            with book.open(part) as xml:
                tail = b""
                while block := xml.read(_BLOCK):
                    text = tail + block
                    found = _FORMULA.search(text)
                    if found is not None:
                        return _formula_at(text, found.start(), xml)
                    tail = text[-4096:]
    except (zipfile.BadZipFile, KeyError, ParseError, OSError):
        return None  # what calamine reads is all there is
    return None


def _formula_at(text: bytes, at: int, xml: Any) -> tuple[int, int, str]:
    """Where the formula found at `at` is (its cell, the last one opened before it) and its text."""
    from xml.sax.saxutils import unescape

    cells = list(_CELL.finditer(text, 0, at))
    letters, row = (cells[-1].group(1), int(cells[-1].group(2))) if cells else (b"A", 1)
    column = 0
    for letter in letters.decode():
        column = column * 26 + ord(letter) - 64
    rest = text[at : at + 4096] + xml.read(4096)
    shown = _FORMULA_TEXT.match(rest)
    formula = unescape(shown.group(1).decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"}) if shown else ""
    return row, column, formula


def _sheet_part(book: zipfile.ZipFile, title: str) -> str | None:
    """The zip member holding the sheet `title`, from the workbook's parts list."""
    from xml.etree import ElementTree

    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter() if r.tag.endswith("Relationship")}
    for element in workbook.iter():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            if element.get("name") != title:
                continue
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


# --- writing ---

WIDEST = 60  # characters: a column of long notes is not made wider than this
_SIZED_ROWS = 1000  # the columns are sized to the header and the first rows


def save_workbook(rows: Iterable[Sequence[Any]], header: Sequence[str], target: str, *, title: str) -> int:
    """`write_workbook` to the file `target`, written whole and owner-only, or not at all."""
    from ..storage.private_files import private_output

    if Path(target).suffix.lower() != ".xlsx":
        raise KamError(f"-o {target}: kam writes Excel workbooks as .xlsx (not the old .xls); name the file FILE.xlsx")
    with private_output(Path(target), target) as out:
        return write_workbook(rows, header, out, title=title)


def write_workbook(rows: Iterable[Sequence[Any]], header: Sequence[str], out: Path, *, title: str) -> int:
    """The rows as one sheet `title` of a new workbook at `out`: a bold, frozen header row, sized
    columns, every cell a text, a number or a date, never a formula. Returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    it = iter(rows)
    first = list(islice(it, _SIZED_ROWS))
    for k, width in enumerate(_widths(header, first), start=1):
        sheet.column_dimensions[get_column_letter(k)].width = width
    bold = Font(bold=True)

    def cell(value: Any, font: Any = None) -> Any:
        made = WriteOnlyCell(sheet, value=_value(value))
        if made.data_type == "f":  # a text starting with `=` is a text
            made.data_type = "s"
        if font is not None:
            made.font = font
        elif made.is_date:
            made.number_format = "yyyy-mm-dd"
        return made

    sheet.append([cell(h, bold) for h in header])
    written = 0
    for row in chain(first, it):
        sheet.append([cell(v) for v in row])
        written += 1
    book.save(out)
    return written


def _value(value: Any) -> Any:
    """A cell's value: a number (or a text `_NUMBER` reads) as a number, an ISO date as a date, else text; `-` alone (which an
    import reads as "clear the field") and a text that starts with `'` before a formula character
    get the `'` the CSV gives them (`csvfile.spreadsheet_safe`), so that they are read back as written."""
    if value is None or isinstance(value, (int, float, date)) and not isinstance(value, bool):
        return value
    text = str(value)
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    if text == "-" or (text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r")):
        return "'" + text
    return text


def _widths(header: Sequence[str], rows: list[Sequence[Any]]) -> list[float]:
    """Each column's width in characters (an ideograph counts two), to fit its header and first rows."""
    widths = [_width(str(h)) + 2 for h in header]
    for row in rows:
        for k, value in enumerate(row[: len(widths)]):
            if value is not None:
                widths[k] = max(widths[k], _width(str(value)) + 2)
    return [min(w, WIDEST) for w in widths]


def _width(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) >= 0x2E80)
