"""JSON and CSV are written as they are, never through Rich: no markup read, no line wrapped to the
terminal, no colour codes. Tables show user text as written too, whichever way they are drawn."""

from __future__ import annotations

import csv
import io
import json

ACCOUNT = "[b]ACME[/b] :rocket:"
NAME = "[bold red]Li Lei[/] :smile:"
TITLE = "Head of " + "very long " * 30 + "things"


def test_json_and_csv_keep_markup_and_long_text_on_a_narrow_colour_terminal(kam, monkeypatch):
    kam("add", ACCOUNT, NAME, "--title", TITLE)
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    contacts = kam("contacts", ACCOUNT, "--format", "json").stdout
    accounts = kam("accounts", "--format", "json").stdout
    for out in (contacts, accounts):
        assert "\x1b" not in out
        assert len(out.splitlines()) == 3  # [, one object on one unwrapped line, ]
    ((contact,), (account,)) = json.loads(contacts), json.loads(accounts)
    assert (contact["name"], contact["title"], account["account"]) == (NAME, TITLE, ACCOUNT)
    out = kam("contacts", ACCOUNT, "--format", "csv").stdout
    assert "\x1b" not in out
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["name"], row["title"]) == (NAME, TITLE)


def test_tables_show_markup_and_emoji_codes_in_names_as_written(kam):
    kam("add", ACCOUNT, NAME)
    drawn_by_rich = kam("contacts", ACCOUNT).stdout  # a table with a title
    assert ACCOUNT in drawn_by_rich and NAME in drawn_by_rich
    assert ACCOUNT in kam("accounts").stdout  # no title, no colour: written plain
