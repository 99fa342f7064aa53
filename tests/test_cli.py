"""The command surface: help, version, contact resolution, add/set/relate/successor/history, config."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from keyaccount_cli.cli import app, hoist_global_options

from .conftest import EXAMPLE

COMMANDS = [c.name for c in app.registered_commands]


def test_every_command_has_help_with_an_example(kam):
    assert {"import", "accounts", "contacts", "add", "set", "relate", "successor", "map", "check", "history", "export", "db",
            "health", "report"} <= set(COMMANDS)
    for name in COMMANDS:
        result = kam(name, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout, name


def test_version(kam):
    from keyaccount_cli import __version__

    assert kam("--version").stdout.strip() == f"kam {__version__}"


def test_help_does_not_load_the_heavy_modules():
    assert loaded_by("--help") == []


def loaded_by(*args: str, heavy: tuple[str, ...] = ("sqlmodel", "sqlalchemy", "networkx", "yaml")) -> list[str]:
    """Which heavy libraries a kam command imports, run in a fresh interpreter."""
    code = (
        "import sys\n"
        "from keyaccount_cli.cli import app, main\n"
        f"sys.argv = ['kam', *{list(args)!r}]\n"
        "code = 0\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code or 0\n"
        f"print(code, sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    exit_code, modules = run.stdout.strip().splitlines()[-1].split(" ", 1)
    assert exit_code in ("0", "1"), run.stderr  # the command itself worked (1: check found something)
    return ast.literal_eval(modules)


@pytest.mark.sqlite_only
def test_map_and_check_on_a_current_sqlite_file_read_it_without_sqlalchemy_or_networkx(kam, isolated_db):
    kam("import", EXAMPLE)
    assert loaded_by("--db", str(isolated_db), "map", "华东电力集团") == []
    assert loaded_by("--db", str(isolated_db), "check", "--quiet") == []
    # the cron check in a machine format draws no table: Rich is not even imported
    assert loaded_by("--db", str(isolated_db), "check", "--format", "json", heavy=("rich", "sqlalchemy")) == []
    assert loaded_by("--db", str(isolated_db), "successor", "王建华", "--suggest") == []
    (isolated_db.path.parent / "kam.yaml").write_text("min_contacts: 3\nstep_deadlines:\n  confirm: -21\n")
    assert loaded_by("--db", str(isolated_db), "check", "--quiet") == ["yaml"]


def test_global_options_may_follow_the_command():
    assert hoist_global_options(["check", "--as-of", "2026-01-01", "--due", "2w"]) == ["--as-of", "2026-01-01", "check", "--due", "2w"]
    assert hoist_global_options(["import", "x.csv", "--db=/tmp/k.db"]) == ["--db=/tmp/k.db", "import", "x.csv"]


def contacts(kam, account):
    return {c["name"]: c for c in json.loads(kam("contacts", account, "--format", "json").stdout)}


def test_contact_by_email_id_or_name(kam, write_csv):
    kam("import", write_csv("account,name,email\nACME,Li Lei,li@acme.example\nOther,Li Lei,li@other.example\nACME,Han Mei,\n"))
    han = contacts(kam, "ACME")["Han Mei"]
    assert kam("set", str(han["id"]), "--title", "Buyer").exit_code == 0
    assert kam("set", "han mei", "--department", "Purchasing").exit_code == 0
    assert kam("set", "LI@ACME.example", "--title", "CIO").exit_code == 0
    result = kam("set", "Li Lei", "--title", "CTO")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr and "li@acme.example" in result.stderr and "li@other.example" in result.stderr
    assert kam("set", "Li Lei", "--account", "Other", "--title", "CTO").exit_code == 0
    assert contacts(kam, "Other")["Li Lei"]["title"] == "CTO"
    assert contacts(kam, "ACME")["Han Mei"] | {"title": "Buyer", "department": "Purchasing"} == contacts(kam, "ACME")["Han Mei"]
    missing = kam("set", "Nobody", "--title", "x")
    assert missing.exit_code == 2 and "no contact 'Nobody'" in missing.stderr


def test_add_set_and_history(kam):
    assert kam("add", "ACME", "Li Lei", "--email", "li@acme.example", "--role", "KDM", "--role", "it", "--power", "最终拍板").exit_code == 0
    assert kam("add", "acme", "Han Mei", "--reports-to", "li@acme.example", "--attitude", "+2").exit_code == 0
    people = contacts(kam, "ACME")
    assert people["Li Lei"]["roles"] == ["decision_maker", "it"] and people["Li Lei"]["decision_power"] == "final"
    assert people["Han Mei"]["reports_to"] == "Li Lei" and people["Han Mei"]["attitude"] == "strong_support"
    assert kam("set", "Han Mei", "--risk", "高", "--change-date", "2027/01/15", "--title", "Buyer").exit_code == 0
    assert kam("set", "Han Mei", "--title", "").exit_code == 0  # an empty value clears
    history = json.loads(kam("history", "Han Mei", "--format", "json").stdout)
    assert [(h["field"], h["old"], h["new"], h["source"]) for h in history[1:]] == [
        ("title", None, "Buyer", "set"), ("change_risk", None, "high", "set"),
        ("change_date", None, "2027-01-15", "set"), ("title", "Buyer", None, "set"),
    ]
    account_history = json.loads(kam("history", "ACME", "--format", "json").stdout)
    assert {h["name"] for h in account_history} == {"ACME", "Li Lei", "Han Mei"}


@pytest.mark.parametrize(("args", "words"), [
    (("add", "ACME", "X", "--attitude", "lukewarm"), "strong_support"),
    (("add", "ACME", "X", "--email", "li@acme.example"), "already belongs to Li Lei"),
    (("set", "Li Lei", "--reports-to", "Li Lei"), "report"),
    (("set", "Li Lei", "--change-date", "next week"), "not a date"),
    (("set", "Li Lei"), "nothing to change"),
    (("relate", "Li Lei", "Li Lei", "--kind", "trusts"), "two different people"),
    (("relate", "Li Lei", "Han Mei", "--kind", "likes"), "trusts"),
    (("contacts", "Nobody Inc"), "no account named"),
])  # fmt: skip
def test_usage_errors_exit_2_with_a_message(kam, args, words):
    kam("add", "ACME", "Li Lei", "--email", "li@acme.example")
    kam("add", "ACME", "Han Mei")
    result = kam(*args)
    assert result.exit_code == 2, result.stdout
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_reports_to_cycle_through_set_is_refused(kam):
    kam("add", "ACME", "A")
    kam("add", "ACME", "B", "--reports-to", "A")
    kam("add", "ACME", "C", "--reports-to", "B")
    result = kam("set", "A", "--reports-to", "C")
    assert result.exit_code == 2 and "cycle" in result.stderr


def test_relate_and_remove(kam):
    kam("add", "ACME", "A")
    kam("add", "ACME", "B")
    assert "recorded A referred B" in kam("relate", "A", "B", "--kind", "referred").stderr
    assert "already recorded" in kam("relate", "A", "B", "--kind", "referred").stderr
    assert "removed" in kam("relate", "A", "B", "--kind", "referred", "--remove").stderr
    fields = [h["field"] for h in json.loads(kam("history", "A", "--format", "json").stdout)]
    assert fields == ["*", "relation referred", "relation referred"]


def test_successor_must_be_at_the_same_account(kam):
    kam("add", "ACME", "A")
    kam("add", "Other", "B")
    result = kam("successor", "A", "B")
    assert result.exit_code == 2 and "no contact 'B' at ACME" in result.stderr


def test_accounts_listing(kam):
    kam("import", EXAMPLE)
    rows = json.loads(kam("--as-of", "2026-11-22", "accounts", "--format", "json").stdout)
    east = next(r for r in rows if r["account"] == "华东电力集团")
    assert (east["contacts"], east["departments"], east["supporters"], east["decision_makers"], east["findings"]) == (6, 4, 4, 2, 6)
    csv_lines = kam("accounts", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("account,industry,tier,owner,contacts")
    assert len(csv_lines) == 6


def test_db_reports_location_and_counts(kam, isolated_db):
    kam("import", EXAMPLE)
    (info,) = json.loads(kam("db", "--format", "json").stdout)
    assert info["location"] == isolated_db.shown
    assert info["contact"] == 16 and info["account"] == 5 and info["schema_version"] == info["latest_schema"]


def test_config_unknown_key_is_named(kam, tmp_path):
    cfg = tmp_path / "kam.yaml"
    cfg.write_text("min_contacts: 3\ncolour: blue\n")
    kam("import", EXAMPLE)
    result = kam("--config", str(cfg), "check")
    assert result.exit_code == 2 and "unknown key 'colour'" in result.stderr


@pytest.mark.sqlite_only
def test_config_beside_the_database_sets_thresholds_and_aliases(kam, tmp_path, write_csv):
    (tmp_path / "kam.yaml").write_text("min_contacts: 3\naliases:\n  attitude:\n    support: [温和支持]\n")
    kam("import", write_csv("account,name,department,decision_power,attitude,our_contacts\n"
                            "ACME,A,IT,final,温和支持,Ann;Bob\nACME,B,Sales,,support,\n"))  # fmt: skip
    codes = {f["code"] for f in json.loads(kam("check", "--format", "json").stdout)}
    assert codes == {"SINGLE_CONTACT", "NO_CHAMPION"}  # 温和支持 is support: no SINGLE_SUPPORTER


def test_namesakes_need_emails_so_export_import_can_tell_them_apart(kam, tmp_path, monkeypatch, new_db):
    kam("add", "ACME", "王五")
    result = kam("add", "ACME", "王五")
    assert result.exit_code == 2 and "already has a contact called 王五" in result.stderr
    kam("set", "王五", "--email", "w1@acme.example")
    assert kam("add", "ACME", "王五", "--email", "w2@acme.example").exit_code == 0
    out = tmp_path / "x.csv"
    kam("export", "contacts", "-o", out)
    monkeypatch.setenv("KAM_DB", new_db("empty.db").location)
    assert kam("import", out).exit_code == 0
    assert len(json.loads(kam("contacts", "ACME", "--format", "json").stdout)) == 2


@pytest.mark.sqlite_only
def test_a_damaged_database_gets_one_line(kam, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database at all")
    result = kam("--db", str(bad), "accounts")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "not a kam database" in result.stderr


def test_a_database_url_never_shows_its_password(kam):
    result = kam("--db", "postgresql+psycopg://kam:s3cret@127.0.0.1:1/kam", "accounts")
    assert result.exit_code == 2
    assert "s3cret" not in result.stderr and "***" in result.stderr


def test_an_unknown_kind_of_database_url_is_one_clear_line(kam):
    result = kam("--db", "foo://bar", "accounts")
    assert result.exit_code == 2
    assert result.stderr == ("kam: cannot open database foo://bar: not a database kam knows; give a file path, "
                             "or a URL such as postgresql://user@host/kam\n")  # fmt: skip


def test_db_on_a_missing_database_says_where_it_would_be(kam, isolated_db):
    (info,) = json.loads(kam("db", "--format", "json").stdout)
    assert info["location"] == isolated_db.shown and info["exists"] is False
    assert not isolated_db.exists()


def test_mermaid_escapes_markup_and_shows_roles_and_power(kam):
    kam("add", "ACME", 'A "<b>" & co', "--title", "VP<script>", "--role", "champion", "--power", "major")
    out = kam("map", "ACME", "--format", "mermaid").stdout
    assert "<b>" not in out and "<script>" not in out and "#60;script#62;" in out
    assert "champion" in out and "power: strong influence" in out


def test_accounts_csv_has_the_same_header_empty_or_not(kam, isolated_db):
    from keyaccount_cli.storage.database import open_database

    open_database(str(isolated_db)).engine.dispose()  # a database with no accounts yet
    empty = kam("accounts", "--format", "csv")
    assert empty.exit_code == 0
    kam("add", "ACME", "Li Lei")
    assert kam("accounts", "--format", "csv").stdout.splitlines()[0] == empty.stdout.strip()
