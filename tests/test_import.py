"""`kam import` through the CLI: encodings, aliases, upsert, history, located errors, one transaction."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import EXAMPLE

HEADER = "account,name,email,title,department,roles,decision_power,attitude,reports_to,status,change_risk,change_date,successor\n"


def contacts_json(kam, account):
    result = kam("contacts", account, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {c["name"]: c for c in json.loads(result.stdout)}


def exported(kam):
    result = kam("export", "contacts")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_gbk_sample_imports_with_no_options(kam, sample_gbk):
    result = kam("import", sample_gbk)
    assert result.exit_code == 0, result.stderr
    assert "5 created, 0 updated, 0 unchanged, 0 skipped" in result.stdout
    east = contacts_json(kam, "东方物流集团")
    zhou = east["周建国"]
    assert zhou["roles"] == ["decision_maker", "it"]
    assert zhou["decision_power"] == "final"
    assert zhou["attitude"] == "support"
    assert zhou["concerns"] == ["stability", "integration"]
    assert zhou["can_sign"] is True
    assert zhou["change_date"] == "2027-03-01"  # YYYY-MM is the first of the month
    assert east["吴晓燕"]["reports_to"] == "周建国"
    assert east["冯婷"]["concerns"] == ["price", "compliance"]
    he = contacts_json(kam, "南山医疗")["何志强"]
    assert he["change_risk"] == "confirmed"
    # the unquoted comma in the last (notes) column stays part of the note
    assert he["notes"] == "已提离职,去向未知"


def test_reimport_is_harmless(kam, sample_gbk):
    kam("import", sample_gbk)
    before = exported(kam)
    result = kam("import", sample_gbk)
    assert result.exit_code == 0
    assert "0 created, 0 updated, 5 unchanged" in result.stdout
    assert exported(kam) == before
    history = json.loads(kam("history", "zhoujg@eastlog.example", "--format", "json").stdout)
    assert [h["field"] for h in history] == ["*"]  # created once, never touched again


def test_update_records_history_and_absent_cells_never_erase(kam, write_csv):
    kam("import", write_csv(HEADER + "ACME,Li Lei,lilei@acme.example,CIO,IT,decision_maker,final,neutral,,,,,\n"))
    update = write_csv(HEADER + "acme,LI LEI,,CTO,,,,support,,,,,\n", name="update.csv")
    result = kam("import", update)
    assert "0 created, 1 updated" in result.stdout, result.stderr
    li = contacts_json(kam, "ACME")["Li Lei"]
    assert li["title"] == "CTO" and li["attitude"] == "support"
    assert li["email"] == "lilei@acme.example" and li["department"] == "IT" and li["roles"] == ["decision_maker"]
    history = json.loads(kam("history", "lilei@acme.example", "--format", "json").stdout)
    changes = {h["field"]: (h["old"], h["new"], h["source"]) for h in history if h["field"] != "*"}
    assert changes == {
        "title": ("CIO", "CTO", "import update.csv"),
        "attitude": ("neutral", "support", "import update.csv"),
    }


def test_match_by_email_first_then_account_and_name(kam, write_csv):
    kam("import", write_csv(HEADER + "ACME,Li Lei,lilei@acme.example,CIO,,,,,,,,,\nACME,Han Mei,,Buyer,,,,,,,,,\n"))
    result = kam("import", write_csv(HEADER + "ACME,Lei Li,lilei@acme.example,CIO,,,,,,,,,\nACME,han mei,hanmei@acme.example,,,,,,,,,,\n"))
    assert "0 created, 2 updated" in result.stdout, result.stderr
    people = contacts_json(kam, "ACME")
    assert set(people) == {"Lei Li", "Han Mei"}  # renamed by email; email added by name
    assert people["Han Mei"]["email"] == "hanmei@acme.example"


def test_forward_references_and_aliases(kam, write_csv):
    text = (
        "客户;姓名;邮箱;直属上级;继任人;角色;态度\n"
        "ACME;Deputy;dep@acme.example;boss@acme.example;;采购;+1\n"
        "ACME;Boss;boss@acme.example;;Deputy;KDM、coach;强力支持\n"
    )
    result = kam("import", write_csv(text))
    assert result.exit_code == 0, result.stderr
    people = contacts_json(kam, "ACME")
    assert people["Deputy"]["reports_to"] == "Boss"
    assert people["Boss"]["successor"] == "Deputy"
    assert people["Boss"]["roles"] == ["decision_maker", "champion"]
    assert people["Deputy"]["attitude"] == "support"


@pytest.mark.parametrize(
    ("encoding", "prefix", "delimiter"),
    [("utf-8", b"", ","), ("utf-8", b"\xef\xbb\xbf", ","), ("gb18030", b"", "\t"), ("utf-16", b"", ";")],
)
def test_encodings_and_delimiters(kam, tmp_path, encoding, prefix, delimiter):
    text = delimiter.join(["客户", "姓名", "职位"]) + "\n" + delimiter.join(["华为", "张三", "采购经理"]) + "\n"
    path = tmp_path / "in.csv"
    path.write_bytes(prefix + text.encode(encoding))
    result = kam("import", path)
    assert result.exit_code == 0, result.stderr
    assert contacts_json(kam, "华为")["张三"]["title"] == "采购经理"


BAD_CASES = {
    "unknown vocabulary": ("ACME,A,,,,,,lukewarm,,,,,\n", 2, 8, "lukewarm", "strong_support"),
    "reports_to names nobody": ("ACME,A,,,,,,,Ghost,,,,\n", 2, 9, "Ghost", "names nobody"),
    "reports to self": ("ACME,A,a@x.example,,,,,,a@x.example,,,,\n", 2, 9, "a@x.example", "themselves"),
    "bad date": ("ACME,A,,,,,,,,,,2026-13-45,\n", 2, 12, "2026-13-45", "not a date"),
    "missing name": ("ACME,,,,,,,,,,,,\n", 2, 2, None, "name is required"),
    "missing account": (",A,,,,,,,,,,,\n", 2, 1, None, "account is required"),
    "bad email": ("ACME,A,not-an-email,,,,,,,,,,\n", 2, 3, "not-an-email", "not an email"),
    "duplicate email": ("ACME,A,a@x.example,,,,,,,,,,\nACME,B,A@X.example,,,,,,,,,,\n", 3, 3, "a@x.example", "duplicate email"),
    "cross-account reference": ("ACME,A,a@x.example,,,,,,,,,,\nOther,B,,,,,,,a@x.example,,,,\n", 3, 9, "a@x.example", "another account"),
    "reports-to cycle": ("ACME,A,,,,,,,B,,,,\nACME,B,,,,,,,A,,,,\n", 2, 9, "B", "cycle"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_rows_are_located_and_nothing_is_written(kam, write_csv, case):
    kam("import", write_csv(HEADER + "Keep,Existing,keep@x.example,,,,,,,,,,\n", name="seed.csv"))
    before = exported(kam)
    rows, line, column, value, words = BAD_CASES[case]
    path = write_csv(HEADER + "ACME,Good,good@x.example,,,,,,,,,,\n" + rows, name="bad.csv")
    result = kam("import", path)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr + result.stdout
    first = result.stderr.splitlines()[0]
    assert f"{path}, line {line + 1}, column {column}" in first, result.stderr
    if value:
        assert value in first
    assert words in result.stderr
    assert exported(kam) == before


def test_skip_invalid_writes_good_rows_and_reports_the_rest(kam, write_csv):
    path = write_csv(HEADER + "ACME,Good,,,,,,,,,,,\nACME,Bad,,,,,,meh,,,,,\nACME,Follower,,,,,,,Bad,,,,\n")
    result = kam("import", path, "--skip-invalid")
    assert result.exit_code == 0
    assert "1 created, 0 updated, 0 unchanged, 2 skipped" in result.stdout
    assert "line 3" in result.stderr and "line 4" in result.stderr
    assert set(contacts_json(kam, "ACME")) == {"Good"}


def test_dry_run_writes_nothing(kam, write_csv, isolated_db):
    result = kam("import", EXAMPLE, "--dry-run")
    assert result.exit_code == 0
    assert "would import contacts.csv: 16 created" in result.stdout
    assert not isolated_db.exists()
    kam("import", write_csv(HEADER + "ACME,A,,,,,,,,,,,\n"))
    before = exported(kam)
    assert "16 created" in kam("import", EXAMPLE, "--dry-run").stdout
    assert exported(kam) == before


def test_unknown_columns(kam, write_csv):
    path = write_csv("account,name,shoe size\nACME,A,42\n")
    result = kam("import", path)
    assert result.exit_code == 2
    assert f"{path}, line 1, column 3" in result.stderr and "shoe size" in result.stderr
    assert kam("import", path, "--ignore-unknown").exit_code == 0


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"account,name\n", "no data rows"),
        (b"name,title\nA,B\n", "missing the required column 'account'"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "NUL"),
        (b'account,name,notes\nACME,A,"never closed\n', "unterminated quote"),
        (b"account,name\nACME,A,extra\n", "header has 2 columns"),
        (b"account,name,can_sign\nACME,A,perhaps\n", "yes/no"),
    ],
)
def test_broken_files_get_one_clean_error(kam, tmp_path, content, words):
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    result = kam("import", path)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file(kam, tmp_path):
    result = kam("import", tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr


def test_export_import_roundtrip_is_identical(kam, tmp_path, monkeypatch, new_db):
    kam("import", EXAMPLE)
    kam("set", "lina@ecpower.example", "--notes", "=HYPERLINK(\"http://x\")")
    first = tmp_path / "first.csv"
    assert kam("export", "contacts", "-o", first).exit_code == 0
    assert "'=HYPERLINK" in first.read_text(encoding="utf-8")
    monkeypatch.setenv("KAM_DB", new_db("empty.db").location)
    assert kam("import", first).exit_code == 0
    assert contacts_json(kam, "华东电力集团")["李娜"]["notes"] == '=HYPERLINK("http://x")'
    second = tmp_path / "second.csv"
    kam("export", "contacts", "-o", second)
    assert second.read_bytes() == first.read_bytes()


def test_excel_export_has_bom(kam, tmp_path):
    kam("import", EXAMPLE)
    out = tmp_path / "x.csv"
    kam("export", "contacts", "-o", out, "--excel")
    assert out.read_bytes().startswith(b"\xef\xbb\xbfaccount,name,")


@pytest.mark.sqlite_only
def test_database_is_owner_only(kam, isolated_db):
    kam("import", EXAMPLE)
    assert isolated_db.path.stat().st_mode & 0o777 == 0o600


@pytest.mark.sqlite_only
def test_a_sqlite_url_and_new_folders_are_owner_only_too(kam, tmp_path):
    url = f"sqlite:///{tmp_path}/new/sub/kam.db"
    assert kam("--db", url, "import", EXAMPLE).exit_code == 0
    assert (tmp_path / "new" / "sub" / "kam.db").stat().st_mode & 0o777 == 0o600
    assert all((tmp_path / d).stat().st_mode & 0o777 == 0o700 for d in ("new", "new/sub"))
    assert kam("--db", url, "db", "--format", "json").exit_code == 0


def test_an_unquoted_comma_in_the_last_notes_column_is_kept_with_a_warning(kam, write_csv):
    result = kam("import", write_csv("account,name,notes\nACME,Ann,a,b,c\n"))
    assert result.exit_code == 0
    assert "warning" in result.stderr and "line 2" in result.stderr
    assert contacts_json(kam, "ACME")["Ann"]["notes"] == "a,b,c"


def test_progress_bar_on_a_terminal_and_none_in_a_pipe(tmp_path, kam, isolated_db):
    big = tmp_path / "big.csv"
    big.write_text("account,name\n" + "".join(f"A{i % 50},P{i}\n" for i in range(5000)), encoding="utf-8")
    piped = kam("import", big)
    assert piped.exit_code == 0 and piped.stderr == ""  # cron mail stays clean

    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "KAM_DB": str(tmp_path / "tty.db"), "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    child = subprocess.run([sys.executable, "-m", "keyaccount_cli", "import", str(big)],
                           stdout=subprocess.PIPE, stderr=follower, env=env, timeout=60)  # fmt: skip
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert child.returncode == 0
    assert b"5000 created" in child.stdout
    assert b"importing" in seen and b"rows" in seen and b"%" in seen


def test_a_namesake_with_another_email_is_another_person_across_imports(kam, write_csv):
    kam("import", write_csv("account,name,email,title\nACME,Li Wei,li@acme.example,CFO\n", name="one.csv"))
    result = kam("import", write_csv("account,name,email,title\nACME,Li Wei,liwei2@acme.example,Engineer\n",
                                     name="two.csv"))  # fmt: skip
    assert "1 created, 0 updated" in result.stdout, result.stderr
    people = json.loads(kam("contacts", "ACME", "--format", "json").stdout)
    assert sorted((p["email"], p["title"]) for p in people) == [
        ("li@acme.example", "CFO"), ("liwei2@acme.example", "Engineer")]  # fmt: skip


def test_an_email_given_to_a_contact_matched_by_name_cannot_go_to_a_second_row(kam, write_csv):
    kam("import", write_csv("account,name\nACME,Li Wei\n", name="one.csv"))
    bad = write_csv("account,name,email\nACME,Li Wei,new@acme.example\nACME,Zhang San,new@acme.example\n")
    for extra in ([], ["--dry-run"]):
        result = kam("import", bad, *extra)
        assert result.exit_code == 2
        assert "contacts.csv, line 3, column 3 (email), value 'new@acme.example': duplicate email: line 2 gives it to Li Wei" in result.stderr
    skipped = kam("import", bad, "--skip-invalid")
    assert skipped.exit_code == 0 and "0 created, 1 updated" in skipped.stdout and "line 3" in skipped.stderr
    people = json.loads(kam("contacts", "ACME", "--format", "json").stdout)
    assert [(p["name"], p["email"]) for p in people] == [("Li Wei", "new@acme.example")]


def test_a_failed_first_import_leaves_no_database_file(kam, write_csv, tmp_path):
    db = tmp_path / "typo.db"
    result = kam("--db", db, "import", write_csv("account,name,attitude\nACME,A,lukewarm\n"))
    assert result.exit_code == 2 and "nothing was written" in result.stderr
    assert not db.exists() and not list(tmp_path.glob("typo.db*"))
    assert "no database at" in kam("--db", db, "accounts").stderr


def test_every_bad_row_is_reported_in_one_run(kam, write_csv):
    """A cycle and a duplicate email are found beside other problems, not in a later round."""
    bad = write_csv(
        "account,name,email,attitude,reports_to\n"
        "ACME,Ann,ann@x.example,lukewarm,\n"      # line 2: bad attitude
        "ACME,Bob,,,Cid\n"                         # line 3: Bob → Cid → Bob
        "ACME,Cid,,,Bob\n"                         # line 4
        "ACME,Dan,ann@x.example,support,\n"       # line 5: Ann's email
    )  # fmt: skip
    result = kam("import", bad)
    assert result.exit_code == 2
    lines = {line.split(", line ")[1].split(",")[0] for line in result.stderr.splitlines() if ", line " in line}
    assert {"2", "5"} <= lines and ({"3", "4"} & lines), result.stderr
    assert "cycle" in result.stderr and "duplicate email: line 2 gives it to Ann" in result.stderr
    skipped = kam("import", bad, "--skip-invalid")
    assert "ann@x.example" not in kam("export", "contacts").stdout, skipped.stderr


def test_export_orders_accounts_the_same_on_every_backend(kam, write_csv):
    """Latin names case-insensitively, then Chinese ones in pinyin order (docs/spec.md §12), whatever
    collation a server database has: 北辰 běi, 华东 huá, 云帆 yún."""
    names = ["云帆医药", "北辰制造", "华东电力", "b-Co", "B Co", "Alpha", "alpha2", "Zeta", "Éclair"]
    kam("import", write_csv("account,name\n" + "".join(f"{n},P{i}\n" for i, n in enumerate(names))))
    rows = kam("export", "contacts").stdout.splitlines()[1:]
    ordered = ["Alpha", "alpha2", "B Co", "b-Co", "Zeta", "Éclair", "北辰制造", "华东电力", "云帆医药"]
    assert [r.split(",")[0] for r in rows] == ordered
    unknown = kam("map", "Nobody")
    assert unknown.exit_code == 2 and ", ".join(ordered) in unknown.stderr


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab@ .\t\u3000é", max_size=8), min_size=1, max_size=12))
def test_the_whole_column_email_check_agrees_with_checking_each_cell(cells):
    """The import checks a chunk's email column in one pass; it must find a bad cell exactly when one is there."""
    from keyaccount_cli.importing.cells import EMAIL as _EMAIL
    from keyaccount_cli.importing.cells import NOT_EMAIL as _NOT_EMAIL

    lowered = [c.strip().lower() for c in cells]
    one_by_one = any(c and not _EMAIL.match(c) for c in lowered)
    assert bool(_NOT_EMAIL.search("\x00".join(lowered))) == one_by_one


def test_bad_emails_among_many_good_ones_are_each_located(kam, write_csv):
    rows = [f"ACME,Person {i},p{i}@acme.example" for i in range(2000)]
    rows[7] = "ACME,Person 7,not-an-email"
    rows[1500] = "ACME,Person 1500,two@@acme.example"
    result = kam("import", write_csv("account,name,email\n" + "\n".join(rows) + "\n"))
    assert result.exit_code == 2
    assert "line 9, column 3 (email), value 'not-an-email'" in result.stderr
    assert "line 1502, column 3 (email), value 'two@@acme.example'" in result.stderr
    assert "nothing was written (2 problems)" in result.stderr


def test_a_duplicate_email_in_another_chunk_of_a_large_file_is_found(kam, write_csv):
    """The import reads 5,000 rows at a time; a repeat thousands of rows later is still caught."""
    rows = [f"ACME,Person {i},p{i}@acme.example,p0@acme.example" for i in range(7000)]
    rows[0] = "ACME,Person 0,p0@acme.example,"
    rows[6500] = "ACME,Someone Else,P10@acme.example,p0@acme.example"
    result = kam("import", write_csv("account,name,email,reports_to\n" + "\n".join(rows) + "\n"))
    assert result.exit_code == 2
    assert "line 6502, column 3 (email), value 'p10@acme.example': duplicate email: line 12 gives it to Person 10" in result.stderr
    assert "nothing was written (1 problem)" in result.stderr


def test_a_cycle_closed_by_a_re_import_is_reported_once_and_skips_every_row_of_it(kam, write_csv):
    """B already reports to A; the new file makes A report to B and still says B reports to A."""
    first = "account,name,email,reports_to\nAcme,A,a@x.com,\nAcme,B,b@x.com,a@x.com\n"
    assert kam("import", write_csv(first)).exit_code == 0
    again = write_csv(first.replace("a@x.com,\n", "a@x.com,b@x.com\n"), name="again.csv")
    result = kam("import", again)
    assert result.exit_code == 2
    assert "line 2, column 4 (reports_to), value 'b@x.com': reports-to cycle: A → B → A" in result.stderr
    assert "nothing was written (1 problem)" in result.stderr
    skipped = kam("import", again, "--skip-invalid")
    assert "0 created, 0 updated, 0 unchanged, 2 skipped" in skipped.stdout, skipped.stderr
