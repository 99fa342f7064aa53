"""The core's own exceptions; the CLI turns each into a message on stderr and exit code 2."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

SHOWN = 100  # problems listed one by one; beyond these they are only counted


class KamError(Exception):
    """Bad usage or bad input that the user can fix; the message says how."""

    exit_code = 2


def shortened(text: str, limit: int = 40) -> str:
    """`text`, or its first and last characters around `…` when longer than `limit` (so a value
    of thousands of characters does not fill the screen)."""
    return text if len(text) <= limit else f"{text[:20]}…{text[-8:]}"


class Sheet(str):
    """How problems name a workbook's sheet (`contacts.xlsx, sheet 联系人`): a place in it is a row
    and a column letter, not a line and a column number."""


def column_letter(column: int) -> str:
    """A spreadsheet's name for a column counted from 1: 1 → A, 27 → AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def place(file: str, line: int) -> str:
    """`contacts.csv, line 5`, or in a workbook `contacts.xlsx, sheet 联系人, row 5`."""
    return f"{file}, row {line}" if isinstance(file, Sheet) else f"{file}, line {line}"


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file."""

    file: str
    line: int
    column: int | None
    header: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = place(self.file, self.line)
        if self.column is not None:
            where += f", column {column_letter(self.column) if isinstance(self.file, Sheet) else self.column}"
            if self.header:
                where += f" ({self.header})"
        if self.value:
            where += f", value {shortened(self.value)!r}"
        return f"{where}: {self.message}"


class ProblemList:
    """An input file's problems as they are reported: the first `SHOWN` by place (line, then
    column) are kept, however late they are found; the others are only counted, so a file of a
    million bad rows costs a hundred messages' memory."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self.count = 0
        self._kept: list[tuple[tuple[int, int, int], Problem]] = []  # a heap whose top is the last kept
        for problem in problems:
            self.add(problem)

    def wants(self, line: int, column: int | None) -> bool:
        """Whether a problem at this place would be listed (so its message is worth making)."""
        return len(self._kept) < SHOWN or (-line, -(column or 0)) > self._kept[0][0][:2]

    def add(self, problem: Problem) -> None:
        self.count += 1
        item = ((-problem.line, -(problem.column or 0), -self.count), problem)
        if len(self._kept) < SHOWN:
            heapq.heappush(self._kept, item)
        elif item[0] > self._kept[0][0]:
            heapq.heapreplace(self._kept, item)

    def tally(self, n: int = 1) -> None:
        """Count problems that are not listed (`wants` said no)."""
        self.count += n

    def merge(self, other: ProblemList) -> None:
        for problem in other.shown():
            self.add(problem)
        self.count += other.count - len(other._kept)

    def shown(self) -> list[Problem]:
        """The listed problems, in the file's order."""
        return [problem for _, problem in sorted(self._kept, reverse=True)]


def more_problems(n: int) -> str:
    """The line that stands for the problems not listed."""
    return f"… and {n:,} more problem{'s' if n != 1 else ''}"


class InputError(KamError):
    """An input file with one or more problems; nothing was written. At most `SHOWN` of them are
    carried (`problems`, in the file's order); `count` is how many there were."""

    def __init__(self, problems: Iterable[Problem] | ProblemList, summary: str | None = None,
                 count: int | None = None) -> None:  # fmt: skip
        found = problems if isinstance(problems, ProblemList) else ProblemList(problems)
        self.problems = found.shown()
        self.count = max(found.count, count or 0)
        self.summary = summary
        lines = [str(p) for p in self.problems]
        if self.count > len(self.problems):
            lines.append(more_problems(self.count - len(self.problems)))
        super().__init__(summary or "\n".join(lines))
