"""The contacts export written by two processes (the export's read trick): a big book's contacts
in two halves, in the export's order; a forked child writes the second half to a temporary file
while this process writes the first to the output, then the child's file follows it.

The child opens a reader of its own on the file. Its rows are used only when no other connection
committed to the file between this process's snapshot and the child's (`SqliteReader.unchanged`),
and only when the child wrote them all; else this process writes the second half itself. Either
way the output is what one process writes, byte for byte. `KAM_READ_TRICKS=off` (read by
`storage.reading.read_tricks`) keeps the export in one process; so do a server database, a book of
fewer than `LEAST` contacts and a system without `fork`.
"""

from __future__ import annotations

import codecs
import os
import shutil
import signal
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import IO, Any

from ..importing.csvfile import write_csv
from ..storage.exports import Part, contact_halves, contacts_for_export
from ..storage.location import busy_timeout
from ..storage.reader import open_sqlite_reader
from ..storage.reading import read_tricks

LEAST = 20_000  # contacts from which a second process pays for itself


class Halves:
    """The contacts of an export as two parts: iterated, every row, here; `write_rows` writes the
    second in a child process. `labelled` turns the stored values into those the output shows."""

    def __init__(
        self, reader: Any, fields: Sequence[str], by_id: bool, parts: tuple[Part, Part], labelled: Any
    ) -> None:
        self.reader, self.fields, self.by_id, self.parts, self.labelled = reader, fields, by_id, parts, labelled

    def rows(self, part: Part, reader: Any = None) -> Iterable[Sequence[Any]]:
        stored = contacts_for_export(reader or self.reader, self.fields, by_id=self.by_id, part=part)
        return self.labelled(stored)

    def __iter__(self) -> Iterator[Sequence[Any]]:
        return iter(chain(self.rows(self.parts[0]), self.rows(self.parts[1])))


def halves(reader: Any, fields: Sequence[str], *, by_id: bool, labelled: Any) -> Halves | None:
    """The contacts of `contacts_for_export` as `Halves`, when a second process can write half of
    them: a SQLite file, the read trick on, a book of at least LEAST contacts."""
    if getattr(reader, "path", None) is None or not hasattr(os, "fork") or not read_tricks():
        return None
    parts = contact_halves(reader, by_id=by_id, least=LEAST)
    return None if parts is None else Halves(reader, fields, by_id, parts, labelled)


def write_rows(rows: Iterable[Sequence[Any]], header: Sequence[str], out: IO[str], *, crlf: bool) -> int:
    """`write_csv`, with the second half of `Halves` written by a child process. Returns the rows written."""
    buffer = getattr(out, "buffer", None)
    if not isinstance(rows, Halves) or buffer is None:
        return write_csv(rows, header, out=out, crlf=crlf)
    with tempfile.TemporaryFile() as spill:
        out.flush()  # nothing buffered here is written twice by the child
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to spare
            os.close(read_end)
            os.close(write_end)
            return write_csv(rows, header, out=out, crlf=crlf)
        if pid == 0:  # pragma: no cover - the child ends in os._exit, which coverage does not see
            os.close(read_end)
            _child(rows, spill, out, write_end, crlf=crlf)
        os.close(write_end)
        return _parent(rows, header, out, buffer, spill, read_end, pid, crlf=crlf)


def _parent(rows: Halves, header: Sequence[str], out: IO[str], buffer: Any, spill: Any, read_end: int, pid: int,
            *, crlf: bool) -> int:  # fmt: skip
    reaped = False
    try:
        written = write_csv(rows.rows(rows.parts[0]), header, out=out, crlf=crlf)
        with os.fdopen(read_end, "rb") as said:
            message = said.read()
            read_end = -1
        os.waitpid(pid, 0)
        reaped = True
        if message.startswith(b"begun;done ") and rows.reader.unchanged():
            out.flush()
            spill.seek(0)
            shutil.copyfileobj(spill, buffer)
            return written + int(message.removeprefix(b"begun;done "))
        return written + write_csv(rows.rows(rows.parts[1]), None, out=out, crlf=crlf)
    finally:
        if read_end >= 0:
            os.close(read_end)
        if not reaped:  # this half failed: the child's work is not wanted
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)


def _child(rows: Halves, spill: Any, out: IO[str], said: int, *, crlf: bool) -> None:
    """In the forked child: the second half into `spill`, and what happened down the pipe `said`.
    Never returns."""
    code = 1
    try:
        reader = open_sqlite_reader(rows.reader.path, busy_timeout())
        if reader is not None:
            os.write(said, b"begun;")
            encoding = codecs.lookup(getattr(out, "encoding", None) or "utf-8").name
            text = open(  # noqa: SIM115 - closed below, before the pipe says it is done
                os.dup(spill.fileno()), "w", encoding="utf-8" if encoding == "utf-8-sig" else encoding,
                errors=getattr(out, "errors", None) or "strict", newline="",
            )  # fmt: skip
            with text:
                count = write_csv(rows.rows(rows.parts[1], reader), None, out=text, crlf=crlf)
            os.write(said, f"done {count}".encode())
            code = 0
    except BaseException:  # noqa: B036, S110 - the parent writes this half itself
        pass
    finally:
        os._exit(code)
