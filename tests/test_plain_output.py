"""In a pipe, tables and one-line messages are written without Rich (render.output.plain_width):
the same text Rich draws, and Rich's colours wherever colour is asked for."""

from __future__ import annotations

import pytest

from .conftest import EXAMPLE

COMMANDS = [
    ("contacts", "华东电力集团"), ("show", "华东电力集团"), ("history", "王建华"), ("handover", "陈志远"),
    ("successor", "王建华", "--suggest"), ("check", "--due", "30d"), ("accounts",), ("show", "Nobody"),
]  # fmt: skip


@pytest.mark.parametrize("columns", [None, "80", "50", "x"])
def test_tables_and_messages_in_a_pipe_are_the_text_rich_draws(kam, monkeypatch, columns):
    assert kam("import", EXAMPLE).exit_code == 0
    assert kam("leave", "陈志远", "--on", "2026-11-01").exit_code == 0
    if columns is None:
        monkeypatch.delenv("COLUMNS")
    else:
        monkeypatch.setenv("COLUMNS", columns)
    plain = [kam("--as-of", "2026-11-22", *args) for args in COMMANDS]
    monkeypatch.setenv("KAM_RICH_ALWAYS", "1")
    drawn = [kam("--as-of", "2026-11-22", *args) for args in COMMANDS]
    for args, a, b in zip(COMMANDS, plain, drawn, strict=True):
        assert (a.exit_code, a.stdout, a.stderr) == (b.exit_code, b.stdout, b.stderr), args


def test_force_color_still_colours_a_piped_table(kam, monkeypatch):
    assert kam("import", EXAMPLE).exit_code == 0
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" not in kam("contacts", "华东电力集团").stdout
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in kam("contacts", "华东电力集团").stdout


def test_an_empty_table_says_so_on_stderr_as_one_line(kam):
    assert kam("import", EXAMPLE).exit_code == 0
    result = kam("show", "华东电力集团")
    assert "no opportunities\n" in result.stderr


def test_show_and_map_count_their_coverage_in_the_same_words(kam):
    assert kam("import", EXAMPLE).exit_code == 0
    counts = "3 active contacts, 1 department, 1 supporter, 1 decision maker"
    assert f"Coverage: {counts}, single points:" in kam("show", "星河零售").stdout
    assert f"Coverage: {counts}, " in kam("map", "星河零售").stdout
