"""The README's weekly routine and its our-side section are real output: every `$ kam …` line of
such a section is run again in a new database and must print exactly what the README shows."""

from __future__ import annotations

import os
import re
import shlex

import pytest

from .conftest import ROOT


def console_blocks(section: str) -> list[tuple[list[str], str]]:
    """(argv, expected output) for each `$ kam …` line of the section's console blocks."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", section, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, expected = chunk.partition("\n")
            out.append((shlex.split(command)[1:], expected))
    return out


@pytest.mark.parametrize(("heading", "least"), [
    ("## Accounts, opportunities, health and the weekly routine", 10),
    ("## Our side: the account team, and our own people leaving", 8),
    ("## What if: before someone leaves", 6),
    ("## The map over time", 10),
    ("## A picture of the map", 6),
    ("## Excel workbooks", 6),
])  # fmt: skip
def test_the_readme_sections_marked_real_output_are(kam, monkeypatch, heading, least):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(heading)
    section = text[start : text.index("\n## ", start + 1)]
    commands = console_blocks(section)
    assert len(commands) >= least
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(os.environ, "COLUMNS", "80")
    for argv, expected in commands:
        result = kam(*argv)
        shown = "".join(line.rstrip() + "\n" for line in (result.stdout + result.stderr).splitlines())
        assert shown == expected, " ".join(argv)
