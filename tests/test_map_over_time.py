"""The map over time (docs/spec.md §10): `kam map ACCOUNT --on DATE` rebuilt from the history, and
`kam changes ACCOUNT --since DATE`, through the CLI on the backend under test."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import EXAMPLE

FORMATS = ("tree", "json", "csv", "mermaid")
START = """account,name,email,title,department,roles,decision_power,attitude,reports_to
Acme,Ann,ann@acme.example,CEO,Board,decision_maker,final,support,
Acme,Bob,bob@acme.example,CIO,IT,influencer,major,neutral,Ann
Acme,Cat,cat@acme.example,Buyer,Purchasing,procurement,execution,reserved,Ann
Acme,Dan,dan@acme.example,Engineer,IT,user,execution,support,Bob
"""
# a week later: Bob's attitude changes, Cat reports to Eve, a new contact further down the file
UPDATE = """account,name,email,attitude,reports_to
Acme,Bob,bob@acme.example,support,
Acme,Cat,cat@acme.example,,eve@acme.example
Acme,Eve,eve@acme.example,strong_support,Ann
"""


def people(kam, *args):
    result = kam("map", "Acme", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return {p["name"]: p for p in json.loads(result.stdout)}


def relations(person):
    return [(r["kind"], r["direction"], r["other"]) for r in person["relations"]]


def history_of_several_kinds(kam, write_csv):
    """Acme's map through an import, an import update, set, relate, successor, leave and forget,
    each on a day of its own."""
    assert kam("--as-of", "2026-09-01", "import", write_csv(START)).exit_code == 0
    assert kam("--as-of", "2026-09-08", "import", write_csv(UPDATE, "update.csv")).exit_code == 0
    assert kam("--as-of", "2026-09-15", "set", "Bob", "--power", "final", "--reports-to", "Eve").exit_code == 0
    assert kam("--as-of", "2026-09-15", "relate", "Ann", "Cat", "--kind", "trusts").exit_code == 0
    assert kam("--as-of", "2026-09-22", "successor", "Ann", "Bob").exit_code == 0
    assert kam("--as-of", "2026-09-22", "relate", "Ann", "Cat", "--kind", "trusts", "--remove").exit_code == 0
    assert kam("--as-of", "2026-09-29", "leave", "Dan", "--on", "2026-09-29").exit_code == 0
    assert kam("--as-of", "2026-10-06", "forget", "Cat", "--yes").exit_code == 0


def test_the_map_on_a_past_day_shows_the_people_and_values_of_that_day(kam, write_csv):
    history_of_several_kinds(kam, write_csv)
    first = people(kam, "--on", "2026-09-01")
    assert sorted(first) == ["Ann", "Bob", "Dan"]  # Eve came later; Cat was forgotten, on no map at all
    assert first["Bob"]["attitude"] == "neutral" and first["Bob"]["decision_power"] == "major"
    assert first["Bob"]["reports_to"] == "Ann" and first["Dan"]["status"] == "active"
    update = people(kam, "--on", "2026-09-08")
    assert sorted(update) == ["Ann", "Bob", "Dan", "Eve"]
    assert update["Bob"]["attitude"] == "support" and update["Eve"]["reports_to"] == "Ann"
    set_day = people(kam, "--on", "2026-09-15")
    assert set_day["Bob"]["decision_power"] == "final" and set_day["Bob"]["reports_to"] == "Eve"
    assert set_day["Ann"]["successor"] is None
    on_22 = people(kam, "--on", "2026-09-22")
    assert on_22["Ann"]["successor"] == "Bob" and on_22["Dan"]["status"] == "active"
    now = people(kam)
    assert now["Dan"]["status"] == "left" and people(kam, "--on", "2026-09-29") == now


def test_a_relation_is_on_the_map_between_the_days_it_was_added_and_removed(kam, write_csv):
    kam("--as-of", "2026-09-01", "import", write_csv(START))
    kam("--as-of", "2026-09-10", "relate", "Ann", "Cat", "--kind", "trusts")
    kam("--as-of", "2026-09-20", "relate", "Ann", "Cat", "--kind", "trusts", "--remove")
    kam("--as-of", "2026-09-25", "relate", "Bob", "Dan", "--kind", "referred")
    assert relations(people(kam, "--on", "2026-09-09")["Ann"]) == []
    assert relations(people(kam, "--on", "2026-09-10")["Ann"]) == [("trusts", "out", "Cat")]
    assert relations(people(kam, "--on", "2026-09-19")["Cat"]) == [("trusts", "in", "Ann")]
    assert relations(people(kam, "--on", "2026-09-20")["Ann"]) == []
    assert relations(people(kam, "--on", "2026-09-24")["Bob"]) == []
    assert relations(people(kam)["Bob"]) == [("referred", "out", "Dan")]


def test_a_reference_to_a_later_row_of_an_import_update_is_in_the_history(kam, write_csv):
    kam("--as-of", "2026-09-01", "import", write_csv(START))
    kam("--as-of", "2026-09-08", "import", write_csv(UPDATE, "update.csv"))
    assert people(kam, "--on", "2026-09-07")["Cat"]["reports_to"] == "Ann"
    assert people(kam, "--on", "2026-09-08")["Cat"]["reports_to"] == "Eve"
    changes = json.loads(kam("changes", "Acme", "--since", "2026-09-07", "--format", "json").stdout)
    assert {"contact": "Cat", "field": "reports_to", "before": "Ann", "after": "Eve", "direction": None} in changes


def test_a_forgotten_person_is_on_no_past_map_and_in_no_change(kam, write_csv):
    history_of_several_kinds(kam, write_csv)
    for day in ("2026-09-01", "2026-09-15", "2026-10-05"):
        result = kam("map", "Acme", "--on", day, "--format", "csv")
        assert "Cat" not in result.stdout and "cat@" not in result.stdout
    changes = kam("changes", "Acme", "--since", "2026-08-31", "--format", "json").stdout
    assert "Cat" not in changes


def test_a_renamed_manager_is_read_back_under_the_name_they_had(kam, write_csv):
    kam("--as-of", "2026-09-01", "import", write_csv(START))
    kam("--as-of", "2026-09-05", "set", "Dan", "--reports-to", "Ann")
    kam("--as-of", "2026-09-10", "set", "Bob", "--name", "Robert")
    assert people(kam, "--on", "2026-09-04")["Dan"]["reports_to"] == "Bob"
    assert sorted(people(kam, "--on", "2026-09-09")) == ["Ann", "Bob", "Cat", "Dan"]


def test_every_format_and_the_focus_on_a_past_day(kam, write_csv):
    history_of_several_kinds(kam, write_csv)
    tree = kam("map", "Acme", "--on", "2026-09-01").stdout
    assert tree.startswith("Acme\n└── Ann · CEO · Board") and "Eve" not in tree
    assert "Coverage: 3 active contacts" in tree
    csv_lines = kam("map", "Acme", "--on", "2026-09-01", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,name,email,") and len(csv_lines) == 4
    mermaid = kam("map", "Acme", "--on", "2026-09-01", "--format", "mermaid").stdout
    assert "Ann" in mermaid and "Eve" not in mermaid
    around = kam("map", "Acme", "--on", "2026-09-15", "--focus", "Eve").stdout
    assert around.startswith("Acme — around Eve\n") and "Bob" in around and "Dan" not in around
    result = kam("map", "Acme", "--on", "2026-09-01", "--focus", "Eve")
    assert result.exit_code == 2 and "--focus" in result.stderr and "Traceback" not in result.stderr


def test_a_day_before_the_history_begins_says_so(kam, write_csv):
    kam("--as-of", "2026-09-01", "import", write_csv(START))
    result = kam("map", "Acme", "--on", "2026-08-31", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert result.stderr == "note: the recorded history of Acme begins on 2026-09-01, after 2026-08-31\n"
    assert kam("map", "Acme", "--on", "2026-09-01").stderr == ""
    quiet = kam("-q", "changes", "Acme", "--since", "2026-08-01", "--format", "json")
    added = [r["contact"] for r in json.loads(quiet.stdout) if r["field"] == "contact"]
    assert quiet.stderr == "" and added == ["Ann", "Bob", "Cat", "Dan"]


def test_a_bad_date_is_one_line_and_exit_2(kam, write_csv):
    kam("import", write_csv(START))
    for args in (("map", "Acme", "--on", "2026-02-30"), ("changes", "Acme", "--since", "soon")):
        result = kam(*args)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith("kam: --") and result.stderr.count("\n") == 1, result.stderr
    missing = kam("changes", "Acme")
    assert missing.exit_code == 2 and "--since" in missing.stderr
    assert kam("changes", "Nowhere", "--since", "2026-01-01").exit_code == 2


def test_changes_since_a_day_are_net_with_a_direction(kam, write_csv):
    kam("--as-of", "2026-09-01", "import", write_csv(START))
    kam("--as-of", "2026-09-05", "set", "Bob", "--attitude", "opposed")
    kam("--as-of", "2026-09-10", "set", "Bob", "--attitude", "strong_support")
    kam("--as-of", "2026-09-10", "set", "Cat", "--attitude", "opposed", "--power", "final", "--role", "champion")
    kam("--as-of", "2026-09-12", "set", "Ann", "--attitude", "neutral")
    kam("--as-of", "2026-09-12", "set", "Ann", "--attitude", "support")  # back as it was: no change
    kam("--as-of", "2026-09-12", "add", "Acme", "Fay", "--attitude", "support", "--reports-to", "Bob")
    kam("--as-of", "2026-09-14", "leave", "Dan", "--on", "2026-09-14", "--successor", "Bob")
    result = kam("changes", "Acme", "--since", "2026-09-01", "--format", "json")
    rows = json.loads(result.stdout)
    assert all(list(r) == ["contact", "field", "before", "after", "direction"] for r in rows)
    assert [(r["contact"], r["field"], r["before"], r["after"], r["direction"]) for r in rows] == [
        ("Bob", "attitude", "neutral", "strong_support", "better"),
        ("Cat", "attitude", "reserved", "opposed", "worse"),
        ("Cat", "decision_power", "execution", "final", "better"),
        ("Cat", "roles", ["procurement"], ["champion"], None),
        ("Dan", "status", "active", "left", None),
        ("Dan", "successor", None, "Bob", None),
        ("Fay", "contact", None, "added", None),
        ("Fay", "attitude", None, "support", None),
        ("Fay", "reports_to", None, "Bob", None),
    ]
    csv_out = kam("changes", "Acme", "--since", "2026-09-01", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "contact,field,before,after,direction"
    assert "Cat,decision_power,execution,final,better" in csv_out
    table = kam("changes", "Acme", "--since", "2026-09-01").stdout
    assert "Acme: changes since 2026-09-01" in table and "strong support" in table and "↑ better" in table
    assert "final say" in table and "decision_power" not in table
    assert kam("changes", "Acme", "--since", "2026-09-14", "--format", "csv").stdout == (
        "contact,field,before,after,direction\n"
    )
    assert json.loads(kam("changes", "Acme", "--since", "2026-09-30", "--format", "json").stdout) == []


def test_changes_in_chinese(kam):
    kam("--as-of", "2026-10-01", "import", EXAMPLE)
    kam("--as-of", "2026-10-15", "set", "李娜", "--attitude", "opposed")
    out = kam("--lang", "zh", "changes", "华东电力集团", "--since", "2026-10-01").stdout
    assert "华东电力集团：自 2026-10-01 以来的变化" in out
    assert "态度" in out and "中度支持" in out and "潜在反对" in out and "↓ 变差" in out
    assert "attitude" not in out


# --- properties -------------------------------------------------------------

NAMES = ("P0", "P1", "P2", "P3", "P4")
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("attitude"), st.sampled_from(NAMES), st.sampled_from(["support", "opposed", "neutral"])),
        st.tuples(st.just("power"), st.sampled_from(NAMES), st.sampled_from(["final", "major", "execution"])),
        st.tuples(st.just("boss"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
        st.tuples(st.just("relate"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
        st.tuples(st.just("unrelate"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
        st.tuples(st.just("successor"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
        st.tuples(st.just("add"), st.sampled_from(("N1", "N2")), st.sampled_from(NAMES)),
        st.tuples(st.just("leave"), st.sampled_from(NAMES), st.just("")),
        st.tuples(st.just("import"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    ),
    max_size=6,
)


def _apply(kam, db, day, op, tmp_path):
    kind, a, b = op
    common = ("--db", db, "--as-of", day)
    if kind == "import":  # an import update: an attitude, and a reports-to naming a new contact further down
        path = tmp_path / f"u-{uuid.uuid4().hex}.csv"
        path.write_text(f"account,name,attitude,reports_to\nAcme,{a},reserved,Z{b}\nAcme,Z{b},support,{b}\n")
        kam(*common, "import", path)
        return
    args = {
        "attitude": ("set", a, "--attitude", b), "power": ("set", a, "--power", b),
        "boss": ("set", a, "--reports-to", b), "relate": ("relate", a, b, "--kind", "trusts"),
        "unrelate": ("relate", a, b, "--kind", "trusts", "--remove"), "successor": ("successor", a, b),
        "add": ("add", "Acme", a, "--reports-to", b), "leave": ("leave", a, "--on", day),
    }[kind]  # fmt: skip
    kam(*common, *args)  # refused ones (a cycle, themselves) write nothing


def _map(kam, db, fmt, *extra):
    result = kam("--db", db, "map", "Acme", "--format", fmt, *extra)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_the_map_on_a_past_day_is_the_map_as_it_was_that_day(kam, new_db, tmp_path, ops):
    """Replayed one day at a time, the map printed each day is what `map --on` that day prints
    afterwards; and `map --on TODAY` is `map`, in every format."""
    db = new_db(f"time-{uuid.uuid4().hex}.db").location
    rows = "\n".join(f"Acme,{n},{'IT' if i % 2 else 'Sales'},{NAMES[i - 1] if i else ''}" for i, n in enumerate(NAMES))
    (tmp_path / "start.csv").write_text(f"account,name,department,reports_to\n{rows}\n")
    assert kam("--db", db, "--as-of", "2026-03-01", "import", tmp_path / "start.csv").exit_code == 0
    seen = {"2026-03-01": {f: _map(kam, db, f) for f in ("json", "tree")}}
    for k, op in enumerate(ops, 1):
        day = (date(2026, 3, 1) + timedelta(days=3 * k)).isoformat()
        _apply(kam, db, day, op, tmp_path)
        seen[day] = {f: _map(kam, db, f) for f in ("json", "tree")}
    for day, maps in seen.items():
        for fmt, printed in maps.items():
            assert _map(kam, db, fmt, "--on", day) == printed, (day, fmt)
    today = datetime.now(UTC).date().isoformat()
    for fmt in FORMATS:
        assert _map(kam, db, fmt, "--on", today) == _map(kam, db, fmt), fmt


def test_relations_imported_and_a_move_to_another_account_are_dated(kam, write_csv):
    kam("--as-of", "2026-09-01", "import", write_csv(START))
    relations_csv = write_csv("contact,other,kind\nann@acme.example,dan@acme.example,peer\n", "relations.csv")
    assert kam("--as-of", "2026-09-05", "import", relations_csv, "--kind", "relations").exit_code == 0
    assert kam("--as-of", "2026-09-09", "leave", "Cat", "--on", "2026-09-09", "--moved-to", "Beta").exit_code == 0
    assert relations(people(kam, "--on", "2026-09-04")["Ann"]) == []
    assert relations(people(kam, "--on", "2026-09-05")["Ann"]) == [("peer", "out", "Dan")]
    assert "moved to Beta" not in kam("map", "Acme", "--on", "2026-09-08").stdout
    assert "moved to Beta" in kam("map", "Acme", "--on", "2026-09-09").stdout
    assert people(kam, "--on", "2026-09-08")["Cat"]["status"] == "active"
    beta = kam("map", "Beta", "--on", "2026-09-08", "--format", "json")
    assert json.loads(beta.stdout) == [] and "begins on 2026-09-09" in beta.stderr
    moved = json.loads(kam("map", "Beta", "--on", "2026-09-09", "--format", "json").stdout)
    assert [p["name"] for p in moved] == ["Cat"]


def test_the_rewind_reads_back_namesakes_and_unknown_words_without_failing():
    from keyaccount_cli.domain.timeline import FieldChange, rewind
    from keyaccount_cli.domain.views import AccountView, ContactView

    at = datetime(2026, 9, 10, 12, tzinfo=UTC)
    now = AccountView(1, "Acme", contacts=[
        ContactView(1, 1, "Wang"), ContactView(2, 1, "Wang"), ContactView(3, 1, "Li", reports_to_id=2,
                                                                           attitude="support"),
    ])  # fmt: skip
    later = [FieldChange(at, 3, "reports_to", "Wang", "Wang"), FieldChange(at, 3, "attitude", "lukewarm", "support")]
    past = rewind(now, later, {1: date(2026, 9, 1), 2: date(2026, 9, 1), 3: date(2026, 9, 1)}, date(2026, 9, 9))
    li = past.by_id()[3]
    assert li.reports_to_id == 1 and li.attitude is None  # the first namesake; a word kam does not know
    assert now.by_id()[3].reports_to_id == 2  # the view of now is left as it was
