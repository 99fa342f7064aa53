"""The core's own exceptions; the CLI turns each into a message on stderr and exit code 2."""

from __future__ import annotations

from dataclasses import dataclass


class KamError(Exception):
    """Bad usage or bad input that the user can fix; the message says how."""

    exit_code = 2


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
        where = f"{self.file}, line {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
            if self.header:
                where += f" ({self.header})"
        if self.value:
            where += f", value {self.value!r}"
        return f"{where}: {self.message}"


class InputError(KamError):
    """An input file with one or more problems; nothing was written."""

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        self.problems = problems
        self.summary = summary
        super().__init__(summary or "\n".join(str(p) for p in problems))
