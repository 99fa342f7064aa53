"""How kam's output reads (docs/spec.md §13): counts that agree in number, labels instead of
identifiers, a quiet mode for scripts and cron, the effective tier, CSV headers that do not depend
on the rows."""

from __future__ import annotations

import json

from keyaccount_cli.cli import hoist_global_options

SEED = (
    "account,name,email,title,department,roles,decision_power,attitude,reports_to\n"
    "ACME,Boss,boss@acme.example,CEO,Board,decision_maker,final,support,\n"
    "ACME,Wang,wang@acme.example,Purchasing Director,Purchasing,procurement,major,strong_support,boss@acme.example\n"
    "ACME,Deputy,deputy@acme.example,Deputy Director,Purchasing,procurement,execution,strong_support,wang@acme.example\n"
    "Solo,Only,only@solo.example,Buyer,Purchasing,procurement,execution,support,\n"
)


# --- counts agree in number --------------------------------------------------------------------


def test_chinese_counts_come_from_the_catalog(kam, write_csv):
    kam("import", write_csv(SEED))
    tree = kam("--lang", "zh", "map", "Solo").stdout
    assert "1 位在职联系人" in tree and "0 位决策者" in tree and "1 个单点" in tree
    english = kam("map", "Solo").stdout
    assert "1 active contact, 1 department, 1 supporter, 0 decision makers, 1 single point" in english


def test_an_export_counts_its_rows_in_agreement(kam, write_csv, tmp_path):
    kam("import", write_csv(SEED))
    result = kam("--lang", "zh", "export", "contacts", "-o", tmp_path / "c.csv")
    assert result.stderr == f"已写入 4 位联系人 到 {tmp_path / 'c.csv'}\n"


# --- -q / --quiet ------------------------------------------------------------------------------


def test_global_quiet_is_hoisted_like_the_other_global_options():
    assert hoist_global_options(["import", "x.csv", "-q"]) == ["-q", "import", "x.csv"]
    assert hoist_global_options(["backup", "--quiet", "b.db"]) == ["--quiet", "backup", "b.db"]


def test_quiet_import_health_record_and_backup_say_nothing_on_success(kam, write_csv, tmp_path, isolated_db):
    accounts = write_csv("account,usage,renewal_intent\nACME,90,proactive\n", "accounts.csv")
    backup = [("backup", tmp_path / "copy.db", "-q")] if isolated_db.path is not None else []  # a file's copy
    for args in (
        ("import", write_csv(SEED), "-q"),
        ("-q", "import", accounts, "--kind", "accounts"),
        ("health", "--record", "--quiet"),
        *backup,
        ("leave", "wang@acme.example", "--on", "2026-12-31", "-q"),
    ):
        result = kam("--as-of", "2026-12-01", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", ""), args
    assert (tmp_path / "copy.db").exists() == bool(backup)
    loud = kam("--as-of", "2026-12-01", "health", "--record")
    assert loud.stderr == "recorded 1 health score for 2026-12-01 (1 without data)\n"


def test_quiet_keeps_data_and_errors(kam, write_csv):
    kam("import", write_csv(SEED))
    rows = kam("-q", "contacts", "ACME", "--format", "csv").stdout.splitlines()
    assert rows[0].startswith("id,") and len(rows) == 4
    bad = kam("-q", "import", write_csv("account,name,attitude\nACME,Li,warm\n", "bad.csv"))
    assert bad.exit_code == 2 and "warm" in bad.stderr and bad.stdout == ""
    assert kam("-q", "contacts", "Nobody").exit_code == 2


def test_quiet_check_is_check_quiet(kam, write_csv):
    kam("import", write_csv(SEED))
    # Solo has high findings; --fail-on critical: `kam check --quiet` prints nothing, and so does -q
    for args in (("check", "--quiet", "--fail-on", "critical"), ("-q", "check", "--fail-on", "critical")):
        result = kam("--as-of", "2026-12-01", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", ""), args
    assert "SINGLE_CONTACT" in kam("-q", "check").stdout


# --- the effective tier, and where it comes from ------------------------------------------------

TIERS = "account,tier,annual_revenue\nACME,standard,50000000\nBig,,20000000\nSolo,,\n"


def test_every_tier_shown_is_the_effective_one_with_its_source(kam, write_csv):
    kam("import", write_csv(SEED + "Big,Li,li@big.example,CIO,IT,it,final,support,\n"))
    kam("import", write_csv(TIERS, "accounts.csv"), "--kind", "accounts")
    expected = {"ACME": ("standard", "set"), "Big": ("strategic", "revenue"), "Solo": (None, None)}
    listed = json.loads(kam("accounts", "--format", "json").stdout)
    assert {r["account"]: (r["tier"], r["tier_source"]) for r in listed} == expected
    health = json.loads(kam("health", "--format", "json").stdout)
    assert {r["account"]: (r["tier"], r["tier_source"]) for r in health} == expected
    (page,) = json.loads(kam("show", "Big", "--format", "json").stdout)
    assert (page["tier"], page["tier_source"]) == ("strategic", "revenue")
    assert "tier: strategic" in kam("show", "Big").stdout
    exported = kam("export", "accounts").stdout.splitlines()
    assert exported[0].split(",")[2] == "tier" and exported[0].endswith(",tier_source")
    assert exported[1].startswith("ACME,,standard,") and exported[1].endswith(",set")
    assert (
        exported[2].startswith("Big,,strategic,") and ",20000000," in exported[2] and exported[2].endswith(",revenue")
    )


# --- a CSV header does not depend on the rows ---------------------------------------------------


def _header(kam, *args):
    result = kam(*args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()[0]


def test_every_csv_has_the_same_header_with_rows_and_without(kam, write_csv):
    kam("import", write_csv(SEED))
    kam("import", write_csv("account,tier,usage\nEmpty,key,\nACME,,80\n", "accounts.csv"), "--kind", "accounts")
    for full, empty in (
        (("contacts", "ACME"), ("contacts", "Empty")),
        (("show", "ACME"), ("show", "Empty")),
        (("successor", "wang@acme.example", "--suggest"), ("successor", "only@solo.example", "--suggest")),
    ):
        assert _header(kam, *full) == _header(kam, *empty), empty
        assert kam(*empty, "--format", "csv").stdout.count("\n") == 1
    before = _header(kam, "health", "--trend")
    kam("health", "--record")
    assert kam("health", "--trend", "--format", "csv").stdout.count("\n") == 2
    assert _header(kam, "health", "--trend") == before
    assert _header(kam, "contacts", "Empty").startswith("id,account,name,email,")


# --- labels, never identifiers ------------------------------------------------------------------


def test_every_table_shows_the_same_labels_for_the_same_values(kam, write_csv):
    kam("import", write_csv(SEED))
    contacts = kam("contacts", "ACME").stdout
    suggest = kam("successor", "wang@acme.example", "--suggest").stdout
    for out in (contacts, suggest):
        assert "++ strong support" in out and "feedback" in out, out
        assert "strong_support" not in out and "execution" not in out
    assert "final say" in contacts and "decision maker" in contacts and "decision_maker" not in contacts
    zh = kam("--lang", "zh", "contacts", "ACME").stdout
    assert "++ 强力支持" in zh and "最终拍板" in zh and "决策者" in zh and "在职" in zh


def test_a_bad_word_is_blamed_on_the_option_that_gave_it(kam, write_csv):
    kam("import", write_csv(SEED))
    for args, line in (
        (("log", "ACME", "lunch", "--kind", "lunch"), "kam: --kind: unknown kind of interaction 'lunch'; accepted:"),
        (("relate", "Boss", "Wang", "--kind", "likes"), "kam: --kind: unknown kind of relation 'likes'; accepted:"),
        (("leave", "Wang", "--on", "2026-12-31", "--kind", "fired"), "kam: --kind: unknown kind of change 'fired'"),
        (("set-account", "ACME", "--status", "client"), "kam: --status: unknown account status 'client'; accepted:"),
        (("set", "Wang", "--attitude", "meh"), "kam: --attitude: unknown attitude 'meh'; accepted:"),
        (("add", "ACME", "Li", "--power", "boss"), "kam: --power: unknown decision power 'boss'; accepted:"),
        (("set", "Wang", "--role", "boss"), "kam: --role: unknown role 'boss'; accepted:"),
    ):
        result = kam(*args)
        assert result.exit_code == 2 and result.stderr.startswith(line), (args, result.stderr)
    bad = kam("import", write_csv("account,name,roles\nACME,Li,boss\n", "bad.csv"))
    assert "column 3 (roles), value 'boss': unknown role 'boss'" in bad.stderr


def test_renames_history_show_and_db_speak_in_words(kam, write_csv):
    kam("import", write_csv(SEED))
    kam("import", write_csv("account,annual_revenue\nACME,15000000\n", "accounts.csv"), "--kind", "accounts")
    renamed = kam("set", "Wang", "--name", "Wang Wei", "--attitude", "support", "--change-date", "2027-01-01")
    assert renamed.stderr.splitlines()[0] == "Wang Wei: changed name, attitude, change date"
    history = kam("history", "Wang Wei").stdout
    assert "name_key" not in history and "change date" in history and "change_date" not in history
    assert "strong support" in history and "strong_support" not in history
    raw = json.loads(kam("history", "Wang Wei", "--format", "json").stdout)
    assert {"attitude", "change_date"} <= {r["field"] for r in raw}  # JSON keeps the fields and values
    assert "strong_support" in {r["old"] for r in raw}
    page = kam("show", "ACME").stdout
    assert "annual revenue: 15,000,000" in page and "annual_revenue" not in page and "15000000" not in page
    db = kam("db").stdout
    assert "schema version" in db and "latest schema" in db and "schema_version" not in db
    assert json.loads(kam("db", "--format", "json").stdout)[0]["schema_version"] is not None


def test_report_writes_a_sections_nothing_line_to_stdout(kam, write_csv):
    kam("import", write_csv(SEED))
    result = kam("report")
    assert "Key-people changes, 12 months: no key-person changes in 12 months" in result.stdout
    assert result.stderr == ""


# --- smaller ones -------------------------------------------------------------------------------


def test_excel_exports_end_their_lines_in_crlf(kam, write_csv, tmp_path):
    kam("import", write_csv(SEED))
    kam("export", "contacts", "-o", tmp_path / "excel.csv", "--excel")
    kam("export", "contacts", "-o", tmp_path / "plain.csv")
    excel, plain = (tmp_path / "excel.csv").read_bytes(), (tmp_path / "plain.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbf") and excel.count(b"\r\n") == 5 and excel.count(b"\n") == 5
    assert b"\r" not in plain and plain.count(b"\n") == 5
    kam("export", "all", "-o", tmp_path / "book", "--excel")
    assert (tmp_path / "book" / "accounts.csv").read_bytes().endswith(b"\r\n")
    assert kam("export", "contacts", "--excel").stdout_bytes.endswith(b"\r\n")


def test_amounts_in_tables_have_thousands_separators(kam, write_csv):
    kam("import", write_csv(SEED))
    kam("import", write_csv("account,annual_revenue\nACME,15000000\n", "a.csv"), "--kind", "accounts")
    kam("import", write_csv("account,annual_revenue\nACME,16500000.5\n", "b.csv"), "--kind", "accounts")
    history = kam("history", "ACME").stdout
    assert "15,000,000" in history and "16,500,000.5" in history and "15000000" not in history


def test_a_bad_due_in_the_config_is_blamed_on_the_config(kam, write_csv, tmp_path):
    kam("import", write_csv(SEED))
    config = tmp_path / "kam.yaml"
    for written, said in (
        ("2020-01-01", f"kam: config {config}: due: 2020-01-01 is before today (2026-12-01); the window looks ahead"),
        ("2026-13-01", f"kam: config {config}: due must be a window like 30d, 2w or 3m, or a date YYYY-MM-DD, got '2026-13-01'"),
    ):  # fmt: skip
        config.write_text(f"due: {written}\n")
        result = kam("--as-of", "2026-12-01", "--config", config, "check")
        assert (result.exit_code, result.stderr) == (2, said + "\n"), written
    config.write_text("due: 2026-12-31\n")  # a date YAML reads as a date is taken as the date it is
    assert kam("--as-of", "2026-12-01", "--config", config, "check").exit_code == 1
    assert "--due: 2020-01-01 is before today" in kam("--as-of", "2026-12-01", "check", "--due", "2020-01-01").stderr


def test_an_empty_xdg_config_home_means_dot_config(kam, monkeypatch, tmp_path):
    monkeypatch.delenv("KAM_DB")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", "")
    monkeypatch.chdir(tmp_path)
    (record,) = json.loads(kam("db", "--format", "json").stdout)
    assert record["location"] == str(tmp_path / "home" / ".config" / "kam" / "kam.db")


def test_a_dry_run_says_its_changes_in_words(kam, write_csv):
    kam("import", write_csv(SEED))
    changed = write_csv("account,name,decision_power,change_risk\nACME,Wang,final,high\n", "changed.csv")
    lines = kam("import", changed, "--dry-run").stdout.splitlines()
    assert "Wang: decision power strong influence → final say" in lines
    assert "Wang: change risk (empty) → high" in lines
    (first, *_) = json.loads(kam("import", changed, "--dry-run", "--format", "json").stdout)
    assert (first["field"], first["before"], first["after"]) == ("decision_power", "major", "final")
