"""`kam check`: the rules on snapshots, and the cron contract through the CLI."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyaccount_cli.domain.checks import CheckOptions, check_account, check_accounts, check_book, window_end
from keyaccount_cli.domain.findings import SEVERITIES
from keyaccount_cli.domain.views import AccountView, ContactView
from keyaccount_cli.errors import KamError
from keyaccount_cli.storage.reading import iter_account_facts, iter_accounts, open_sqlite_reader, read_account_book

from .conftest import EXAMPLE

TODAY = date(2026, 11, 22)
# the rules of coverage and change on snapshots; the red flags (docs/spec.md §10) have tests of their own
RED_FLAGS = frozenset({"NO_CHAMPION", "UNKNOWN_ATTITUDE", "REORG", "NEW_DECISION_MAKER", "CHAMPION_QUIET"})
OPTS = CheckOptions(today=TODAY, horizon=window_end("30d", TODAY), disabled=RED_FLAGS)


def person(id_, **kw):
    kw.setdefault("our_contacts", OURS)  # two of ours know each of them: SINGLE_THREADED_INSIDE is not raised
    return ContactView(id=id_, account_id=1, name=kw.pop("name", f"P{id_}"), **kw)


OURS = ("Ann", "Bob")


def codes(*contacts, opts=OPTS):
    return sorted(f.code for f in check_account(AccountView(id=1, name="ACME", contacts=list(contacts)), opts))


def healthy():
    return [
        person(1, decision_power="final", attitude="support", department="IT"),
        person(2, attitude="strong_support", department="Finance", reports_to_id=1),
    ]


def test_a_well_covered_account_has_no_findings():
    assert codes(*healthy()) == []


def test_single_contact_and_single_supporter():
    assert codes(person(1, decision_power="final", attitude="support")) == ["SINGLE_CONTACT", "SINGLE_SUPPORTER"]


def test_min_contacts_threshold_is_configurable():
    opts = CheckOptions(today=TODAY, horizon=OPTS.horizon, min_contacts=3, disabled=RED_FLAGS)
    assert codes(*healthy(), opts=opts) == ["SINGLE_CONTACT"]


def test_left_contacts_do_not_count_as_active():
    a, b = healthy()
    b.status = "left"
    b.successor_id = 1
    assert codes(a, b) == ["SINGLE_CONTACT", "SINGLE_SUPPORTER"]


def test_no_decision_maker_and_single_department():
    a = person(1, attitude="support", department="IT")
    b = person(2, attitude="support", department="it", roles=("decision_maker",))
    assert codes(a, b) == []
    b.roles = ()
    b.department = "IT"
    assert codes(a, b) == ["NO_DECISION_MAKER", "SINGLE_DEPARTMENT"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"change_date": date(2026, 12, 22)}, ["KEY_PERSON_LEAVING"]),  # the last day of the window
        ({"change_date": date(2026, 12, 23)}, []),  # one day beyond it
        ({"change_risk": "high"}, ["KEY_PERSON_LEAVING"]),
        ({"change_risk": "medium"}, []),
        ({"change_risk": "confirmed", "change_date": date(2026, 12, 10)}, ["KEY_PERSON_LEAVING", "NO_SUCCESSOR"]),
        ({"status": "leaving", "change_date": date(2027, 3, 1)}, []),  # leaving, but outside the window
        ({"status": "leaving", "change_date": date(2026, 12, 1), "successor_id": 2}, ["KEY_PERSON_LEAVING"]),
    ],
)
def test_key_person_leaving_and_no_successor(change, expected):
    boss, other = healthy()
    for k, v in change.items():
        setattr(boss, k, v)
    assert codes(boss, other) == expected


def test_a_champion_is_a_key_person_but_a_plain_user_is_not():
    boss, other = healthy()
    extra = person(3, roles=("user",), attitude="support", change_risk="high")
    assert codes(boss, other, extra) == []
    extra.roles = ("champion",)
    assert codes(boss, other, extra) == ["KEY_PERSON_LEAVING"]


def test_someone_who_left_without_successor():
    boss, other = healthy()
    gone = person(3, status="left", change_date=date(2025, 1, 1), attitude="support")
    assert codes(boss, other, gone) == ["NO_SUCCESSOR"]


@pytest.mark.parametrize(
    ("spec", "end"),
    [("30d", date(2026, 12, 22)), ("2w", date(2026, 12, 6)), ("3m", date(2027, 2, 22)), ("2027-01-31", date(2027, 1, 31)), ("2027-01", date(2027, 1, 1))],
)
def test_due_windows(spec, end):
    assert window_end(spec, TODAY) == end


def test_a_month_window_stops_at_the_end_of_a_short_month():
    assert window_end("1m", date(2027, 1, 31)) == date(2027, 2, 28)


def test_bad_due_window():
    with pytest.raises(KamError, match="30d"):
        window_end("soon", TODAY)


# --- through the CLI -------------------------------------------------------


def test_check_on_the_example_finds_every_core_code(kam):
    kam("import", EXAMPLE)
    result = kam("--as-of", "2026-11-22", "check", "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert all(list(f) == ["code", "severity", "account", "contact", "date", "message"] for f in findings)
    assert {f["code"] for f in findings} == {
        "SINGLE_CONTACT", "SINGLE_SUPPORTER", "NO_DECISION_MAKER", "SINGLE_DEPARTMENT", "KEY_PERSON_LEAVING", "NO_SUCCESSOR",
        "HANDOVER_DUE", "HANDOVER_OVERDUE", "SINGLE_THREADED_INSIDE", "NO_CHAMPION", "CHAMPION_QUIET",
    }  # fmt: skip
    order = ["critical", "high", "medium", "low"]
    ranks = [order.index(f["severity"]) for f in findings]
    assert ranks == sorted(ranks)
    leaving = [f for f in findings if f["code"] == "KEY_PERSON_LEAVING" and f["account"] == "华东电力集团"]
    assert leaving == [{
        "code": "KEY_PERSON_LEAVING", "severity": "critical", "account": "华东电力集团", "contact": "王建华",
        "date": "2026-12-10", "message": leaving[0]["message"],
    }]  # fmt: skip


def test_check_csv_has_the_same_columns(kam):
    kam("import", EXAMPLE)
    result = kam("check", "--format", "csv", "--account", "星河零售")
    assert result.stdout.splitlines()[0] == "code,severity,account,contact,date,message"
    assert len(result.stdout.splitlines()) == 5  # SINGLE_SUPPORTER, SINGLE_THREADED_INSIDE, NO_CHAMPION, SINGLE_DEPARTMENT


# two contacts in two departments, both support us, one decides, the other is our champion (we spoke
# to them today), and two of ours know them
WELL_COVERED = ("account,name,department,decision_power,attitude,roles,our_contacts\n"
                "ACME,A,IT,final,support,,Ann;Bob\nACME,B,Sales,,support,champion,Ann;Bob\n")


def well_covered(kam, write_csv):
    kam("import", write_csv(WELL_COVERED))
    kam("log", "ACME", "call", "--contact", "B", "--kind", "call")


def test_quiet_is_silent_with_exit_0_when_all_is_well(kam, write_csv):
    well_covered(kam, write_csv)
    result = kam("check", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert kam("check", "--format", "json").stdout.strip() == "[]"
    assert "no findings" in kam("check").stderr


def test_fail_on_sets_the_threshold_for_exit_1(kam):
    kam("import", EXAMPLE)
    assert kam("check", "--account", "星河零售", "--fail-on", "low").exit_code == 1
    result = kam("check", "--account", "星河零售", "--fail-on", "critical")
    assert result.exit_code == 0
    assert "SINGLE_SUPPORTER" in result.stdout  # still reported, only the exit code changes
    # with --quiet, cron mails only what --fail-on asks for
    quiet = kam("check", "--account", "星河零售", "--fail-on", "critical", "--quiet")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    loud = kam("check", "--account", "星河零售", "--fail-on", "high", "--quiet", "--format", "csv")
    assert loud.exit_code == 1 and "SINGLE_DEPARTMENT" in loud.stdout  # then everything found is shown


def test_due_window_moves_findings_in_and_out(kam):
    kam("import", EXAMPLE)
    args = ("--as-of", "2026-11-01", "check", "--account", "华东电力集团", "--format", "json")
    assert {f["code"] for f in json.loads(kam(*args, "--due", "2w").stdout)} >= {"KEY_PERSON_LEAVING"}
    assert "NO_SUCCESSOR" not in {f["code"] for f in json.loads(kam(*args, "--due", "2w").stdout)}
    assert "NO_SUCCESSOR" in {f["code"] for f in json.loads(kam(*args, "--due", "6w").stdout)}
    assert "NO_SUCCESSOR" in {f["code"] for f in json.loads(kam(*args, "--due", "2026-12-10").stdout)}


@pytest.mark.parametrize(("args", "words"), [
    (("check", "--due", "soon"), "--due"),
    (("--as-of", "yesterday", "check"), "--as-of"),
    (("check", "--account", "Nobody Inc"), "no account named 'Nobody Inc'"),
    (("check", "--fail-on", "urgent"), "urgent"),
])  # fmt: skip
def test_check_usage_errors_exit_2(kam, args, words):
    kam("import", EXAMPLE)
    result = kam(*args)
    assert result.exit_code == 2
    assert words in result.stderr


def test_read_commands_on_a_missing_database(kam, isolated_db):
    result = kam("check")
    assert result.exit_code == 2
    assert "import contacts first" in result.stderr
    assert not isolated_db.exists()


@pytest.mark.parametrize(("spec", "words"), [
    ("", "cannot read"), ("2020-01-01", "before today"),
])  # fmt: skip
def test_due_window_errors(spec, words):
    with pytest.raises(KamError, match=words):
        window_end(spec, TODAY)


def test_due_accepts_a_slashed_date():
    assert window_end("2026/12/31", TODAY) == date(2026, 12, 31)


def test_empty_csv_still_has_the_header(kam, write_csv):
    well_covered(kam, write_csv)
    assert kam("check", "--format", "csv").stdout == "code,severity,account,contact,date,message\n"


PEOPLE = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "ölwerk \\ 李"]),
        st.sampled_from(["", "IT", "Sales", "Finance", "R\tD"]),
        st.sampled_from(["", "decision_maker", "champion", "user;decision_maker", "influencer"]),
        st.sampled_from(["", "final", "major", "execution"]),
        st.sampled_from(["", "strong_support", "support", "neutral", "opposed"]),
        st.sampled_from(["active", "active", "leaving", "left"]),
        st.sampled_from(["", "low", "high", "confirmed"]),
        st.sampled_from(["", "2026-11-01", "2026-12-01", "2027-03-01"]),
        st.booleans(),
    ),
    max_size=14,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=PEOPLE)
def test_findings_from_sql_aggregates_equal_findings_from_whole_accounts(kam, tmp_path, people):
    """`kam check` computes counts in SQL; `kam accounts`/`show` compute them from loaded accounts."""
    db = tmp_path / f"facts-{uuid.uuid4().hex}.db"
    lines = ["account,name,department,roles,decision_power,attitude,status,change_risk,change_date,successor"]
    for i, (account, dept, roles, power, attitude, status, risk, day, with_successor) in enumerate(people):
        successor = f"P{i - 1}" if with_successor and i and people[i - 1][0] == account else ""
        lines.append(f"{account},P{i},{dept},{roles},{power},{attitude},{status},{risk},{day},{successor}")
    lines.append("D,Nobody,,,,,left,,,")  # an account whose every contact has left
    (tmp_path / "people.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert kam("--db", db, "import", tmp_path / "people.csv").exit_code == 0
    reader = open_sqlite_reader(db, 1.0)
    assert reader is not None
    try:
        for least in (2, 3):
            opts = CheckOptions(today=date(2026, 11, 22), horizon=date(2026, 12, 22), min_contacts=least)
            from_sql = check_accounts(iter_account_facts(reader, due=opts.horizon, today=opts.today), opts)
            assert check_accounts(iter_account_facts(reader, today=opts.today), opts) == from_sql
            whole = list(iter_accounts(reader, today=opts.today))
            from_views = check_accounts(whole, opts)
            assert from_sql == from_views
            picked = [a.name for a in whole][-2:]
            only = check_accounts(iter_account_facts(reader, [n.lower() for n in picked], today=opts.today), opts)
            assert only == [f for f in from_views if f.account in picked]
            # as `kam check` asks: the findings by severity, or their JSON lines
            by_severity = check_book(read_account_book(reader, due=opts.horizon, today=opts.today), opts)
            assert [f for severity in SEVERITIES for f in by_severity[severity]] == from_views
            lines = check_book(read_account_book(reader, due=opts.horizon, today=opts.today), opts, json=True)
            assert [line for severity in SEVERITIES for line in lines[severity]] == [
                json.dumps(f.as_record(), ensure_ascii=False) for f in from_views
            ]
            if least == 2:
                expected = emitted(from_views)
    finally:
        reader.close()
    result = kam("--db", db, "--as-of", "2026-11-22", "check", "--due", "2026-12-22", "--format", "json")
    assert result.stdout == expected


def emitted(findings):
    """What `kam check --format json` wrote before it wrote lines itself: `render.write_json_list`."""
    import io

    from keyaccount_cli.render.output import write_json_list

    out = io.StringIO()
    write_json_list([f.as_record() for f in findings], out)
    return out.getvalue()


def test_json_findings_keep_quotes_and_backslashes_in_names(kam, write_csv):
    kam("import", write_csv('account,name\n"Say ""Hi"" \\ Co","Li ""Lei"" \\ 李"\n'))
    result = kam("check", "--format", "json")
    findings = json.loads(result.stdout)
    assert {(f["account"], f["contact"]) for f in findings if f["code"] == "SINGLE_CONTACT"} == {('Say "Hi" \\ Co', 'Li "Lei" \\ 李')}
    assert result.stdout == kam("check", "--format", "json", "--account", 'say "hi" \\ co').stdout


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    # labels as kam's: plain words (Rich reads markup and :emoji: codes in them; none in kam's)
    st.lists(st.text(alphabet="ab Z/-", min_size=1, max_size=6), min_size=1, max_size=4, unique=True),
    st.lists(st.lists(st.text(alphabet="ab 1[]é王建华😀\t\u200b-", max_size=12), min_size=4, max_size=4), max_size=6),
    st.integers(min_value=20, max_value=120),
    st.one_of(st.none(), st.text(alphabet="ab Z王😀[]", max_size=40)),
)
def test_the_fast_table_is_the_table_rich_draws(labels, rows, width, title):
    """Tables are drawn without Rich's layout (minutes for 200,000 rows): where Rich would draw the
    table whole, the text is Rich's, without the spaces Rich pads a title line with.
    (Cells have no ":name:" here: Rich would draw an emoji for one, the fast table shows the text as it is.)"""
    import io

    from rich.cells import cell_len
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from keyaccount_cli.render.output import plain_table

    rows = [row[: len(labels)] for row in rows]
    if not all(c.isprintable() for row in rows for c in row):
        return  # a tab, a line break: Rich expands or breaks them, kam shows a space
    out = io.StringIO()
    table = Table(title=escape(title) if title else None, title_justify="left", header_style="bold")
    for label in labels:
        table.add_column(label)
    for row in rows:
        table.add_row(*(escape(c) for c in row), style="red")
    Console(file=out, width=width, highlight=False, soft_wrap=False).print(table)
    drawn = out.getvalue().splitlines()
    whole = sum(max(cell_len(c) for c in column) for column in zip(labels, *rows, strict=True)) + 3 * len(labels) + 1
    if whole > width or len(drawn) != len(rows) + 4 + (1 if title else 0):
        return  # Rich wraps or cuts: kam lays the table out its own way (test_width)
    assert plain_table(labels, rows, width, title) == "".join(line.rstrip() + "\n" for line in drawn)


def test_a_big_book_of_findings_in_a_pipe_is_drawn_quickly_and_whole(kam, write_csv):
    rows = [f"Account {i},Only {i}" for i in range(3000)]  # 3,000 accounts of one contact: three findings each
    assert kam("import", write_csv("account,name\n" + "\n".join(rows) + "\n")).exit_code == 0
    result = kam("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("┏") and lines[-1].startswith("└") and len(lines) == 4 + 9000
    assert lines[3].startswith("│ high     │ SINGLE_CONTACT    │ Account 0    │ Only 0    │      │ 1 active contact")
