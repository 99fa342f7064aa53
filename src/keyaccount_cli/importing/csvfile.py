"""Reading a user's CSV (encoding, delimiter, header aliases) and writing spreadsheet-safe CSV.

Shared by every importer and exporter, so they agree on what a cell means.
"""

from __future__ import annotations

import codecs
import csv
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from ..errors import InputError, KamError, Problem, ProblemList
from ..storage.private_files import private_text

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset("".join(FORMULA_START))
SNIFF_BYTES = 1 << 16


def spreadsheet_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


CLEAR_CELL = "-"  # a cell of exactly this clears its field, in every import


def cannot_clear(field_name: str) -> str:
    """The problem of a `-` in a column that must have a value."""
    return f"the {field_name.replace('_', ' ')} is required; '-' cannot clear it"


def unquote_formula(cell: str) -> str:
    """Undo `spreadsheet_safe`: a leading `'` before a formula character is dropped."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# What Chinese text in UTF-8 decodes to: ASCII, Latin letters, punctuation, CJK ideographs and
# symbols, full-width forms. GBK bytes that happen to decode as UTF-8 rarely give only these.
_NOT_PLAIN = re.compile("[^\x00-\x7f\u00a0-\u024f\u2000-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_IDEOGRAPH = re.compile("[\u3400-\u9fff]")


# A line of names and words in UTF-8: printable ASCII, tabs, CJK and general punctuation,
# full-width forms, and ideographs of GB2312 (the common ones). GBK bytes that decode as UTF-8
# give Latin, Greek, Cyrillic or Hebrew letters, or rare ideographs, around any common one.
_PLAIN_CJK = re.compile("[\t\x20-\x7e\u2010-\u2027\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]*")


def _common_ideographs(line: str) -> bool:
    """Whether `line` has an ideograph and is only plain text whose ideographs are all in GB2312."""
    if not _IDEOGRAPH.search(line) or not _PLAIN_CJK.fullmatch(line):
        return False
    try:
        "".join(_IDEOGRAPH.findall(line)).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _surely_utf8(line: str) -> bool:
    """Whether a line that decodes as UTF-8 (and is not ASCII) is UTF-8, not GBK that happens to
    decode: GBK bytes always decode as GB18030, and seldom as common ideographs and nothing else,
    or as three ideographs and nothing odd."""
    try:
        line.encode("utf-8").decode("gb18030")
    except UnicodeDecodeError:
        return True
    if _common_ideographs(line.rstrip("\r")):
        return True
    return len(_IDEOGRAPH.findall(line)) >= 3 and not _NOT_PLAIN.search(line)


def _mixed_lines(path: Path) -> tuple[int, int] | None:
    """(a line that is UTF-8, a line that is not) of a file that is not UTF-8 throughout, or None
    when no line is surely UTF-8. Lines of ASCII alone count as either."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    utf8 = other = None
    first = 1  # the number of the first line in `text`
    rest = ""
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(1 << 20)
            text = rest + decoder.decode(chunk, final=not chunk)
            cut = text.rfind("\n") + 1 if chunk else len(text)
            text, rest = text[:cut], text[cut:]
            lines = text.split("\n")
            if utf8 is None:
                found = next((k for k, t in enumerate(lines) if not t.isascii() and "\ufffd" not in t
                              and _surely_utf8(t)), None)  # fmt: skip
                utf8 = None if found is None else first + found
            if other is None and (at := text.find("\ufffd")) >= 0:
                other = first + text.count("\n", 0, at)
            if utf8 is not None and other is not None:
                return utf8, other
            if not chunk:
                return None
            first += len(lines) - 1


def detect_encoding(path: Path, head: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 (a superset of GBK).

    The whole file is decoded once (in blocks, at C speed) so a GBK character far
    down a mostly-ASCII file cannot be misread. A file that is not UTF-8 throughout but
    has UTF-8 lines among the others is refused: read as GB18030 they would be mojibake.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise KamError(f"{name}: this is not a CSV text file (it contains NUL bytes)")
    if _decodes(path, "utf-8"):
        return "utf-8"
    mixed = _mixed_lines(path)
    if mixed is not None:
        raise KamError(f"{name}: line {mixed[0]} is UTF-8 but line {mixed[1]} is not (GBK?); "
                       "save the file in one encoding or pass --encoding")  # fmt: skip
    if _decodes(path, "gb18030"):
        return "gb18030"
    raise KamError(
        f"{name}: cannot tell the text encoding (neither UTF-8 nor GBK/GB18030); pass --encoding, e.g. --encoding big5"
    )


def detect_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class Header:
    """The file's columns mapped to canonical field names."""

    fields: list[str | None]  # per column: canonical name, or None for an ignored column
    names: list[str]  # per column: the header as written

    def columns(self) -> dict[str, int]:
        """Each mapped field → its column, counted from 1."""
        return {f: i for i, f in enumerate(self.fields, start=1) if f is not None}

    def headers(self) -> dict[str, str]:
        """Each mapped field → its header as the file writes it (`角色` or `roles`), for messages."""
        return {f: self.names[i - 1] for i, f in enumerate(self.fields, start=1) if f is not None}

    def column(self, field: str) -> int | None:
        try:
            return self.fields.index(field) + 1
        except ValueError:
            return None


def known_columns(columns: Mapping[str, Sequence[str]]) -> str:
    """Every column a file may have, each canonical name with the other names it is known by:
    `account (客户/公司/…), name (姓名/联系人), …`."""
    return ", ".join(f"{f} ({'/'.join(aliases)})" if aliases else f for f, aliases in columns.items())


def map_header(
    cells: Sequence[str], columns: Mapping[str, Sequence[str]], required: Sequence[str], *,
    file: str, ignore_unknown: bool,
) -> Header:  # fmt: skip
    lookup = {}
    for canonical, aliases in columns.items():
        lookup[canonical.casefold()] = canonical
        for alias in aliases:
            lookup[alias.strip().casefold()] = canonical
    problems = ProblemList()
    fields: list[str | None] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(cells, start=1):
        name = raw.strip().lstrip("\ufeff")
        field = lookup.get(name.casefold())
        if field is None or field in seen:
            if not problems.wants(1, i):  # a header of thousands of bad columns: only counted
                problems.tally(field is not None or bool(name and not ignore_unknown))
            elif field is not None:
                problems.add(Problem(file, 1, i, None, name,
                    f"column {name!r} repeats {field!r} (already column {seen[field]})"))  # fmt: skip
            elif name and not ignore_unknown:
                problems.add(Problem(file, 1, i, None, name,
                    f"unknown column {name!r}; known: {known_columns(columns)} (or pass --ignore-unknown)"))  # fmt: skip
            fields.append(None)
            continue
        seen[field] = i
        fields.append(field)
    for field in required:
        if field not in seen:
            aliases = ", ".join(columns[field])
            problems.add(Problem(file, 1, None, None, None,
                f"missing the required column {field!r} (or {aliases})"))  # fmt: skip
    if problems.count:
        raise InputError(problems)
    return Header(fields, [c.strip().lstrip("\ufeff") for c in cells])


@dataclass
class SourceInfo:
    """What was detected about a file, filled in by `read_records`."""

    encoding: str = ""
    delimiter: str = ","


def _head(path: Path, name: str) -> bytes:
    """The file's first bytes, for the encoding and the delimiter; a located error if there are none."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except IsADirectoryError:
        raise KamError(f"{name} is a directory, not a CSV file") from None
    except OSError as exc:
        raise KamError(f"cannot read {name}: {exc.strerror}") from None
    if not head.strip():
        raise KamError(f"{name} is empty")
    return head


def _encoding(given: str | None, path: Path, head: bytes, name: str) -> str:
    """The encoding given (checked to exist), or the one the file is written in."""
    if not given:
        return detect_encoding(path, head, name)
    try:
        codecs.lookup(given)
    except LookupError:
        raise KamError(f"unknown encoding {given!r}") from None
    return given


def read_records(
    path: Path, *, encoding: str | None = None, display: str | None = None,
    progress: Callable[[int, int], None] | None = None, info: SourceInfo | None = None, sheet: str | None = None,
) -> Iterator[tuple[int, list[str]]]:  # fmt: skip
    """Yield (line number, cells) for every record, the header first; blank lines are skipped.

    The line number is where the record starts. Decoding and CSV errors become
    located `InputError`s. `progress(records, bytes read)` is called every 1000 records.
    A workbook (`workbook.is_workbook`) is read as its sheet's rows (the first sheet, or `sheet`).
    """
    from .workbook import is_workbook, read_sheet

    if is_workbook(path):
        yield from read_sheet(path, sheet=sheet, display=display, progress=progress)
        return
    name = display or str(path)
    head = _head(path, name)
    encoding = _encoding(encoding, path, head, name)
    first_line = head.decode(encoding, errors="replace").lstrip("\ufeff").splitlines()[0]
    delimiter = detect_delimiter(first_line)
    if info is not None:
        info.encoding, info.delimiter = encoding, delimiter
    count = 0
    end = 0  # the line the previous record ended on
    with path.open("r", encoding=encoding, errors="strict", newline="") as text:
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        try:
            for cells in reader:
                start, end = end + 1, reader.line_num
                joined = "".join(cells)
                if not joined or joined.isspace():
                    continue
                if "\x00" in joined:
                    column = next(i for i, cell in enumerate(cells, start=1) if "\x00" in cell)
                    raise InputError(
                        [Problem(name, start, column, None, None, "contains a NUL byte; not a CSV text file")]
                    )
                count += 1
                if progress is not None and count % 1000 == 0:
                    progress(count, cast(BinaryIO, text.buffer).tell())
                yield start, cells
        except UnicodeDecodeError:
            raise InputError([Problem(name, reader.line_num + 1, None, None, None,
                f"cannot be decoded as {encoding}; pass another --encoding (e.g. gb18030, big5, utf-16)")]) from None  # fmt: skip
        except csv.Error as exc:
            msg = str(exc)
            if "field larger than field limit" in msg:
                msg = f"a cell is larger than {csv.field_size_limit()} characters"
            elif "unexpected end of data" in msg:
                msg = "a quoted cell is never closed (unterminated quote)"
            raise InputError([Problem(name, end + 1, None, None, None, f"malformed CSV: {msg}")]) from None


def first_cells(path: Path, encoding: str | None = None, sheet: str | None = None) -> list[str]:
    """The cells of the file's first line, read from its first bytes only (the encoding as given,
    else UTF-8 or GB18030, whichever decodes the line), or of a workbook's first row; none when
    the file cannot be read."""
    from .workbook import first_row, is_workbook

    if is_workbook(path):
        return first_row(path, sheet)
    try:
        with path.open("rb") as fh:
            line = fh.read(SNIFF_BYTES).split(b"\n", 1)[0]
    except OSError:
        return []
    text = None
    for guess in [encoding] if encoding else ["utf-8-sig", "gb18030"]:
        try:
            text = line.decode(guess)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        return []
    text = text.lstrip("\ufeff").rstrip("\r")
    try:
        return next(csv.reader([text], delimiter=detect_delimiter(text)), [])
    except csv.Error:  # not CSV: the import that reads the file says what is wrong with it
        return []


def write_csv(
    rows: Iterable[Sequence[Any]], header: Sequence[str] | None, *, out: IO[str] | None = None, crlf: bool = False,
) -> int:  # fmt: skip
    """CSV with formula-safe cells; None is written as an empty cell; lines end in LF, or CRLF (for
    Excel: `crlf`). No header line when `header` is None (the rest of a file). Returns the rows written."""
    writer = csv.writer(out or sys.stdout, lineterminator="\r\n" if crlf else "\n")
    if header is not None:
        writer.writerow(header)
    written = 0
    for row in rows:
        # None is an empty cell; a text that a spreadsheet would run as a formula is quoted
        writer.writerow([v if not v or (type(v) is str and v[0] not in _FORMULA_CHARS)
                         else spreadsheet_safe(str(v)) for v in row])  # fmt: skip
        written += 1
    return written


@contextmanager
def open_output(path: str | None, *, excel: bool) -> Iterator[IO[str]]:
    """stdout (no path, or `-`), or the file `path`: written whole and owner-only, or not at all."""
    if path is None or path == "-":
        if excel:
            sys.stdout.write("\ufeff")
        yield sys.stdout
        return
    with private_text(Path(path), path, encoding="utf-8-sig" if excel else "utf-8") as out:
        yield out
