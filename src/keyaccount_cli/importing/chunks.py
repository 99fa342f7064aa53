"""A contacts file → chunks of valid rows, each chunk parsed column by column.

The common work is a `map` of a string method or a dictionary lookup over a whole column, which
runs in C; only a column that fails a check is gone through cell by cell. A chunk comes out as
the columns of `Row`'s fields (plain lists, cheap to send down a pipe).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress, islice
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

from ..domain.vocab import Vocabulary
from ..errors import InputError, Problem, place
from ..storage.contact_rows import CLEAR, SCALAR_FIELDS, given
from .cells import EMAIL, NOT_EMAIL, Bad, Parsed, account, column_caches, squash
from .columns import MOVED_TO
from .csvfile import CLEAR_CELL, SourceInfo, cannot_clear, map_header, read_records, unquote_formula

# a chunk's valid rows, field by field of `Row` (up to `account_id`; the contact fields as tuples)
Chunk = tuple[list[Any], ...]
_first, _second = itemgetter(0), itemgetter(1)


class Sink(Protocol):
    """Who is told the header's columns and every problem: the import, or the worker's recorder."""

    display: str
    excluded: set[int]
    cols: dict[str, int]
    headers: dict[str, str]

    def problem(self, line: int, field_name: str | None, value: str | None, message: str) -> None: ...

    def bad_row(self, line: int, account_key: str, name_key: str, name: str, email: str | None) -> None: ...

    def bad_references(self, line: int, account: tuple[str, str], name: str, email: str | None,
                       references: tuple[str | None, str | None]) -> None: ...  # fmt: skip


def parse_chunks(
    sink: Sink, path: Path, vocab: Vocabulary, *, columns: dict[str, tuple[str, ...]], size: int,
    stored_value: Callable[[Any], Any], encoding: str | None, ignore_unknown: bool,
    progress: Callable[[int, int], None] | None, warnings: list[str], sheet: str | None = None,
) -> Iterator[Chunk]:  # fmt: skip
    """The file's chunks of `size` records, as valid rows field by field; `sink` is told the
    header's columns (`columns`: field → header aliases) and their names as written, and every problem."""
    display = sink.display
    info = SourceInfo()
    records = read_records(path, encoding=encoding, display=display, progress=progress, info=info, sheet=sheet)
    try:
        _, header_cells = next(records)
    except StopIteration:
        raise InputError([Problem(display, 1, None, None, None, "the file is empty")]) from None
    header = map_header(header_cells, columns, ("account", "name"), file=display, ignore_unknown=ignore_unknown)
    sink.cols, sink.headers = header.columns(), header.headers()
    # the contacts' moves (`moved_to`) are written after the rows (`folder.import_moves`)
    parser = Columns([None if f in MOVED_TO else f for f in header.fields], vocab, stored_value)
    seen_data = False
    for chunk in _chunks(records, size):
        seen_data = True
        if sink.excluded:  # rows a --skip-invalid pass set aside
            chunk = [record for record in chunk if record[0] not in sink.excluded]
        yield parser.parse(sink, chunk, info.delimiter, warnings)
    if not seen_data:
        raise InputError([Problem(display, 2, None, None, None, "no data rows below the header")])


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class Columns:
    """Turns a chunk of CSV records into rows, column by column."""

    def __init__(self, fields: Sequence[str | None], vocab: Vocabulary, stored_value: Callable[[Any], Any]) -> None:
        self.width = len(fields)
        self.fields = [(i, f) for i, f in enumerate(fields) if f is not None]
        self.last_is_notes = fields[-1] == "notes"
        self.cached = column_caches(vocab, stored_value)
        self.accounts = Parsed(account)

    def parse(self, sink: Sink, records: list[tuple[int, list[str]]], delimiter: str, warnings: list[str]) -> Chunk:
        """The chunk's valid rows, as the columns of `Row`'s fields; every problem goes to `sink`."""
        if not records:
            return ([],) * 8
        lines = [line for line, _ in records]
        table = [cells for _, cells in records]
        bad = bytearray(len(table))  # rows with a problem; 2: no more problems reported for the row
        if set(map(len, table)) != {self.width}:
            self._even(sink, table, lines, bad, delimiter, warnings)
        columns = list(zip(*table, strict=True))  # every record has `width` cells by now
        del table
        values = self._values(sink, columns, lines, bad)
        n = len(lines)
        accounts = values.get("account") or [None] * n  # (name, key) of each row's account
        names = values.get("name") or [""] * n
        _required(sink, accounts, names, lines, bad)
        name_keys = list(map(str.casefold, names))
        nothing = [None] * n
        scalars = list(zip(*(values.get(f, nothing) for f in SCALAR_FIELDS), strict=True))
        emails, reports, successors = (values.get(f, nothing) for f in ("email", "reports_to", "successor"))
        if CLEAR in emails:  # a cleared email is no email to match by
            emails = list(map(given, emails))
        kept = [lines, accounts, name_keys, emails, scalars, reports, successors]
        if any(bad):
            _tell_bad_rows(sink, bad, kept)
            good = [not b for b in bad]
            kept = [list(compress(column, good)) for column in kept]
        lines, accounts, name_keys, emails, scalars, reports, successors = kept
        return (lines, list(map(_first, accounts)), list(map(_second, accounts)), name_keys, emails, scalars, reports,
                successors)  # fmt: skip

    def _values(
        self, sink: Sink, columns: Sequence[Sequence[str]], lines: list[int], bad: bytearray
    ) -> dict[str, list[Any]]:
        """Each column's values; a cell of exactly `-` clears its field (`_clear`)."""
        values: dict[str, list[Any]] = {}
        for i, f in self.fields:
            texts: Sequence[str] = columns[i]
            joined = "\x00".join(texts)  # read_records refuses NUL, so it cannot be part of a cell
            dashes = _dashes(texts) if CLEAR_CELL in joined else None
            if dashes and f not in ("name", "account"):
                texts = list(texts)
                for k in dashes:
                    texts[k] = ""
            if joined[:1] == "'" or "\x00'" in joined:  # (`'-` is the text `-`, not a clear)
                texts = [unquote_formula(t) for t in texts]
            values[f] = self._column(sink, f, list(map(str.strip, texts)), lines, bad)
            if dashes:
                _clear(sink, f, values[f], dashes, lines, bad)
        return values

    def _even(
        self, sink: Sink, table: list[list[str]], lines: list[int], bad: bytearray, delimiter: str, warnings: list[str]
    ) -> None:
        """Every record made `width` cells long: short ones padded, empty extra cells dropped, and
        the extra cells of a last, free-text column kept together as its text; a row with other
        extra cells is a problem."""
        width = self.width
        for k, cells in enumerate(table):
            if len(cells) < width:
                table[k] = cells + [""] * (width - len(cells))
            elif len(cells) > width:
                extra = [c for c in cells[width:] if c.strip()]
                if not extra:
                    table[k] = cells[:width]
                elif self.last_is_notes:
                    # an unquoted delimiter inside the last, free-text column: keep the text whole
                    warnings.append(f"{place(sink.display, lines[k])}: {len(cells)} cells for {width} columns; "
                                    f"the cells after column {width - 1} were kept together as the note")  # fmt: skip
                    table[k] = [*cells[: width - 1], delimiter.join(cells[width - 1 :])]
                else:
                    sink.problem(lines[k], None, extra[0], f"this row has {len(cells)} cells but the header has "
                                 f"{width} columns (a value with an unquoted delimiter?)")  # fmt: skip
                    table[k] = [""] * width
                    bad[k] = 2

    def _column(self, sink: Sink, f: str, texts: list[str], lines: list[int], bad: bytearray) -> list[Any]:
        """One column's values (None for an empty cell or one with a problem). Checks run over the
        column's cells joined by NUL, at once; only a column that fails one is gone through cell by cell."""
        if f == "email":
            return _emails(sink, texts, lines, bad)
        if f == "name":
            joined = "\x00".join(texts)
            return list(map(squash, texts)) if " ".join(joined.split()) != joined else texts
        cache = self.accounts if f == "account" else self.cached.get(f)
        if cache is None:  # free text and references: as written
            return [t or None for t in texts]
        before = cache.bad
        values = list(map(cache.__getitem__, texts))
        if cache.bad != before:
            for k, value in enumerate(values):
                if isinstance(value, Bad):
                    sink.problem(lines[k], f, texts[k], value.message)
                    bad[k] = 1
                    values[k] = None
        return values


def _tell_bad_rows(sink: Sink, bad: bytearray, kept: list[list[Any]]) -> None:
    """The sink told of each row with a problem: to name it when a row refers to it, and its
    references, to be checked too once the file is in."""
    lines, accounts, name_keys, emails, scalars, reports, successors = kept
    for k in (k for k, b in enumerate(bad) if b):
        row_account, vals = accounts[k], scalars[k]
        if row_account is None:
            continue
        if vals[0]:
            sink.bad_row(lines[k], row_account[1], name_keys[k], vals[0], given(vals[1]))
        if reports[k] or successors[k]:
            sink.bad_references(lines[k], row_account, vals[0] or "", emails[k], (reports[k], successors[k]))


def _emails(sink: Sink, texts: list[str], lines: list[int], bad: bytearray) -> list[str | None]:
    values = list(map(str.lower, texts))
    joined = "\x00".join(values)
    if "\n" in joined or NOT_EMAIL.search(joined):  # then one by one: which, and why
        for k, value in enumerate(values):
            if value and not EMAIL.match(value):
                sink.problem(lines[k], "email", texts[k], f"not an email address {texts[k]!r}")
                bad[k] = 1
                values[k] = ""
    return [v or None for v in values]


def _dashes(texts: Sequence[str]) -> list[int] | None:
    """Where the cells of exactly `-` (it clears the field) are, if any."""
    stripped = list(map(str.strip, texts))
    if CLEAR_CELL not in stripped:  # a `-` inside a phone or a date, as a rule
        return None
    return [k for k, t in enumerate(stripped) if t == CLEAR_CELL]


def _clear(sink: Sink, f: str, values: list[Any], dashes: list[int], lines: list[int], bad: bytearray) -> None:
    """The cells of exactly `-`: their field cleared, or, for the account and the name, a problem."""
    for k in dashes:
        if f in ("name", "account"):
            sink.problem(lines[k], f, CLEAR_CELL, cannot_clear(f))
            bad[k] = 1
        else:
            values[k] = CLEAR


def _required(sink: Sink, accounts: list[Any], names: list[str], lines: list[int], bad: bytearray) -> None:
    """Every row's account and name given."""
    if None in accounts:
        for k, a in enumerate(accounts):
            if a is None and bad[k] != 2:
                sink.problem(lines[k], "account", None, "account is required")
                bad[k] = 1
    if "" in names:
        for k, name in enumerate(names):
            if not name and bad[k] != 2:
                sink.problem(lines[k], "name", None, "name is required")
                bad[k] = 1
