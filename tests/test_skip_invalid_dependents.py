"""`--skip-invalid`: the rows that name a skipped row (reports_to, successor) are skipped too, all
at once however long the chain behind it, each with the row it names as the reason."""

from __future__ import annotations

import json


def contacts(kam, account):
    result = kam("contacts", account, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {c["name"]: c for c in json.loads(result.stdout)}


def test_a_chain_of_2000_rows_behind_a_bad_root_is_skipped_with_the_reason(kam, write_csv):
    rows = ["ACME,P0,Ghost\n", *(f"ACME,P{i},P{i - 1}\n" for i in range(1, 2000)), "ACME,Good,\n"]
    path = write_csv("account,name,reports_to\n" + "".join(rows))
    result = kam("import", path, "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert "imported contacts.csv: 1 created, 0 updated, 0 unchanged, 2000 skipped" in result.stdout
    lines = result.stderr.splitlines()
    assert (
        lines[0] == f"kam: skipped: {path}, line 2, column 3 (reports_to), value 'Ghost': 'Ghost' names nobody at ACME"
    )
    assert (
        lines[1]
        == f"kam: skipped: {path}, line 3, column 3 (reports_to), value 'P0': reports_to names a row that is skipped (line 2)"
    )
    assert lines[99].endswith(
        "line 101, column 3 (reports_to), value 'P98': reports_to names a row that is skipped (line 100)"
    )
    assert lines[100:] == ["kam: … and 1,900 more problems"]
    assert "names nobody" not in "\n".join(lines[1:])
    assert set(contacts(kam, "ACME")) == {"Good"}


def test_rows_naming_a_skipped_row_by_email_or_as_successor_are_skipped_too(kam, write_csv):
    kam("import", write_csv("account,name,email\nACME,Old,old@acme.example\n", name="seed.csv"))
    path = write_csv(
        "account,name,email,attitude,reports_to,successor\n"
        "ACME,Root,root@acme.example,lukewarm,,\n"               # line 2: a bad cell
        "ACME,B,b@acme.example,,root@acme.example,\n"           # line 3: names the invalid row
        "ACME,C,c@acme.example,,b@acme.example,\n"              # line 4: names line 3
        "ACME,D,,,old@acme.example,C\n"                         # line 5: its successor is line 4
        "ACME,E,,,old@acme.example,\n"                          # line 6: fine
    )  # fmt: skip
    result = kam("import", path, "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert "1 created, 0 updated, 0 unchanged, 4 skipped" in result.stdout
    assert (
        "line 3, column 5 (reports_to), value 'root@acme.example': 'root@acme.example' is on line 2, which is invalid"
        in result.stderr
    )
    assert (
        "line 4, column 5 (reports_to), value 'b@acme.example': reports_to names a row that is skipped (line 3)"
        in result.stderr
    )
    assert "line 5, column 6 (successor), value 'C': successor names a row that is skipped (line 4)" in result.stderr
    assert "line 6" not in result.stderr and "names nobody" not in result.stderr
    people = contacts(kam, "ACME")
    assert set(people) == {"Old", "E"} and people["E"]["reports_to"] == "Old"


def test_rows_reporting_into_a_cycle_are_skipped_with_it(kam, write_csv):
    path = write_csv("account,name,reports_to\nACME,A,B\nACME,B,A\nACME,C,A\nACME,D,\n")
    result = kam("import", path, "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert "1 created, 0 updated, 0 unchanged, 3 skipped" in result.stdout
    assert "line 2, column 3 (reports_to), value 'B': reports-to cycle: A → B → A" in result.stderr
    assert "line 4, column 3 (reports_to), value 'A': reports_to names a row that is skipped (line 2)" in result.stderr
    assert set(contacts(kam, "ACME")) == {"D"}


def test_an_existing_contact_whose_row_names_a_skipped_row_keeps_its_manager(kam, write_csv):
    kam("import", write_csv("account,name,reports_to\nACME,Boss,\nACME,Ann,Boss\n", name="seed.csv"))
    path = write_csv("account,name,title,reports_to\nACME,New,CTO,Ghost\nACME,Ann,CFO,New\n")
    result = kam("import", path, "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert "0 created, 0 updated, 0 unchanged, 2 skipped" in result.stdout
    assert (
        "line 3, column 4 (reports_to), value 'New': reports_to names a row that is skipped (line 2)" in result.stderr
    )
    people = contacts(kam, "ACME")
    assert set(people) == {"Boss", "Ann"} and people["Ann"]["reports_to"] == "Boss" and people["Ann"]["title"] is None
