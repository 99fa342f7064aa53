"""Health scores (SPEC §7): the default scorecard by hand, rescaling, deductions, bands; recorded
snapshots and trend; HEALTH_LOW, FOLLOW_UP_OVERDUE and SINGLE_THREADED_DEAL on the right dates."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date

import pytest

from keyaccount_cli.domain.checks import CheckOptions, check_account
from keyaccount_cli.domain.health import DEFAULT_HEALTH, Scorecard, assess, score
from keyaccount_cli.domain.portfolio import Policy, coverage, stability
from keyaccount_cli.domain.views import AccountView, ContactView, OpportunityView

from .conftest import EXAMPLE, ROOT

TODAY = date(2026, 11, 23)


def full(**kw):
    return {"usage": 85, "renewal_intent": "proactive", "p1_tickets": 0, "nps": 9} | kw


@pytest.mark.parametrize(("inputs", "expected"), [
    (full(), 100.0),
    (full(usage=80), 91.0),  # 80 is not above 80: 7 points × 30
    (full(usage=50), 91.0),
    (full(usage=49.9), 79.0),  # 3 points
    (full(renewal_intent="satisfied"), 91.0),
    (full(renewal_intent="unclear"), 82.0),
    (full(p1_tickets=2), 92.0),  # 6 points × 20
    (full(p1_tickets=3), 84.0),
    (full(nps=8), 94.0),
    (full(nps=6), 82.0),
    ({"usage": 72, "renewal_intent": "satisfied", "p1_tickets": 1, "nps": 8}, 68.0),  # (210+210+120+140)/100 × 10
])  # fmt: skip
def test_the_default_scorecard(inputs, expected):
    assert score(inputs).score == expected


def test_a_dimension_without_data_is_left_out_and_the_weights_rescaled():
    result = score({"usage": 65, "renewal_intent": "proactive", "p1_tickets": 0, "nps": None})
    assert result.weights_used == {"usage": 30, "renewal_intent": 30, "p1_tickets": 20}
    assert result.base == 88.75  # (7×30 + 10×30 + 10×20) / 80 × 10
    assert (result.score, result.band) == (88.8, "green")  # rounded half up to one decimal


def test_no_data_no_score():
    result = score({})
    assert (result.score, result.band) == (None, None)
    assert score({}, key_people_changed=["A", "B"], thin_coverage=["SINGLE_CONTACT"]).score is None


def test_deductions_and_clamping():
    inputs = full(usage=10, renewal_intent="unclear", p1_tickets=5, nps=0)  # 3, 4, 2, 1 points → 27
    assert score(inputs).score == 27.0
    assert score(inputs, key_people_changed=["A"]).score == 27.0  # one change is not two
    assert score(inputs, key_people_changed=["A", "B"]).score == 17.0
    both = score(inputs, key_people_changed=["A", "B"], thin_coverage=["SINGLE_SUPPORTER"])
    assert both.score == 7.0 and [d.points for d in both.deductions] == [10, 10]
    harsh = Scorecard.from_config(DEFAULT_HEALTH | {"coverage_deduction": 50})
    assert score(inputs, harsh, thin_coverage=["SINGLE_CONTACT"]).score == 0


@pytest.mark.parametrize(("value", "band"), [(59.9, "red"), (60, "yellow"), (75.9, "yellow"), (76, "green")])
def test_bands(value, band):
    assert Scorecard.from_config(DEFAULT_HEALTH).band(value) == band


def person(id_, **kw):
    kw.setdefault("our_contacts", ("Ann", "Bob"))  # two of ours know each of them (no SINGLE_THREADED_INSIDE)
    return ContactView(id=id_, account_id=1, name=kw.pop("name", f"P{id_}"), **kw)


def account(*contacts, **kw):
    kw.setdefault("owner", "Ann")  # an account with a tier has an owner (no OWNER_MISSING)
    return AccountView(id=1, name="ACME", contacts=list(contacts), **kw)


def opts(today=TODAY, **kw):
    # the red flags (docs/spec.md §10) have tests of their own
    red_flags = frozenset({"NO_CHAMPION", "UNKNOWN_ATTITUDE", "REORG", "NEW_DECISION_MAKER", "CHAMPION_QUIET"})
    return CheckOptions(today=today, horizon=today, policy=Policy(**kw), disabled=red_flags)


def test_key_people_who_left_within_twelve_months_cost_ten_points():
    card = Scorecard.from_config(DEFAULT_HEALTH)
    boss = person(1, decision_power="final", attitude="support", department="IT")
    fan = person(2, attitude="support", department="Sales")
    left = [
        person(3, roles=("champion",), status="left", change_date=date(2026, 3, 1), successor_id=2),
        person(4, roles=("decision_maker",), status="left", change_date=None, successor_id=1),  # date from the history
        person(5, roles=("user",), status="left", change_date=date(2026, 6, 1), successor_id=2),  # not a key person
        person(6, decision_power="final", status="left", change_date=date(2025, 11, 23), successor_id=1),  # 12 months ago
    ]
    a = account(boss, fan, *left, usage=85, renewal_intent="proactive", p1_tickets=0, nps=9, left_on={4: date(2026, 9, 1)})
    result = assess(a, card, opts())
    assert result.score == 90.0
    assert [d.reason for d in result.deductions] == ["2 key-person changes in 12 months: P3 2026-03-01, P4 2026-09-01"]
    a.left_on = {}
    assert assess(a, card, opts()).score == 100.0


def test_a_single_contact_costs_ten_points():
    a = account(person(1, decision_power="final", attitude="support"), usage=85)
    result = assess(a, Scorecard.from_config(DEFAULT_HEALTH), opts())
    assert result.score == 90.0 and result.deductions[0].reason == "SINGLE_CONTACT and SINGLE_SUPPORTER"


# --- the new check codes on snapshots ----------------------------------------


def well_covered(**kw):
    return account(person(1, decision_power="final", attitude="support", department="IT"),
                   person(2, attitude="support", department="Sales"), **kw)  # fmt: skip


def codes(a, today):
    return sorted(f.code for f in check_account(a, opts(today)))


def test_follow_up_overdue_appears_the_day_after_the_cadence():
    a = well_covered(tier="key", interaction_days=[date(2026, 11, 1), date(2026, 12, 30)])
    assert codes(a, date(2026, 11, 15)) == []  # 14 days after: still within the cadence
    assert codes(a, date(2026, 11, 16)) == ["FOLLOW_UP_OVERDUE"]
    (finding,) = check_account(a, opts(date(2026, 11, 16)))
    assert (finding.severity, finding.date) == ("medium", date(2026, 11, 15))
    assert codes(a, date(2026, 12, 30)) == []  # the interaction of that day clears it


@pytest.mark.parametrize(("kw", "overdue_after"), [
    ({"tier": "strategic"}, 7), ({"annual_revenue": 10_000_000}, 7), ({"annual_revenue": 3_000_000}, 14),
    ({"annual_revenue": 2_999_999}, 90), ({"tier": "standard", "annual_revenue": 50_000_000}, 90),
])  # fmt: skip
def test_cadence_follows_the_tier_or_the_revenue(kw, overdue_after):
    from datetime import timedelta

    a = well_covered(interaction_days=[TODAY], **kw)
    assert codes(a, TODAY + timedelta(days=overdue_after)) == []
    assert codes(a, TODAY + timedelta(days=overdue_after + 1)) == ["FOLLOW_UP_OVERDUE"]


def test_no_tier_means_no_cadence_and_no_interaction_at_all_is_overdue():
    assert codes(well_covered(), TODAY) == []
    (finding,) = check_account(well_covered(tier="standard"), opts())
    assert (finding.code, finding.date) == ("FOLLOW_UP_OVERDUE", None)
    assert "no interaction logged yet" in finding.message


def test_single_threaded_deal():
    deal = OpportunityView(1, "Renewal", amount=1_000_000, stage="negotiation", contact_ids=(1,))
    a = well_covered(opportunities=[deal])
    a.contacts.append(person(3, attitude="support", department="Finance"))
    (finding,) = check_account(a, opts())
    assert (finding.code, finding.severity, finding.contact) == ("SINGLE_THREADED_DEAL", "high", "P1")
    deal.contact_ids = (1, 3)
    assert codes(a, TODAY) == []
    a.contacts[2].status = "left"
    a.contacts[2].successor_id = 1
    assert codes(a, TODAY) == ["SINGLE_THREADED_DEAL"]  # only active contacts count
    for stage in ("赢单", " Closed  Lost ", "输单"):
        deal.stage = stage
        assert codes(a, TODAY) == []
    deal.stage, deal.amount = None, 999_999
    assert codes(a, TODAY) == []


def test_health_low_needs_the_last_two_recorded_scores_below_the_threshold():
    a = well_covered(health_scores=[(date(2026, 11, 9), 70.0), (date(2026, 11, 16), 55.0), (date(2026, 11, 23), 59.9)])
    assert codes(a, date(2026, 11, 22)) == []  # 70 then 55
    assert codes(a, date(2026, 11, 23)) == ["HEALTH_LOW"]
    (finding,) = check_account(a, opts())
    assert (finding.severity, finding.date) == ("high", date(2026, 11, 23))
    a.health_scores.append((date(2026, 11, 30), 60.0))
    assert codes(a, date(2026, 11, 30)) == []


def test_opportunity_coverage_and_stability():
    a = account(person(1, department="IT"), person(2, department="IT"), person(3, department="Finance"),
                person(4, status="left", change_date=date(2026, 9, 1), successor_id=1),
                person(5, change_risk="high"))  # fmt: skip
    opp = OpportunityView(1, "X", contact_ids=())
    assert coverage(opp, a) == "none"
    for ids, cov, stab in [((1,), "single", "stable"), ((1, 2), "multi", "stable"), ((1, 3), "cross_department", "stable"),
                           ((1, 4), "single", "changed"), ((1, 5), "multi", "at_risk")]:  # fmt: skip
        opp.contact_ids = ids
        assert (coverage(opp, a), stability(opp, a, TODAY)) == (cov, stab), ids
    opp.contact_ids = (1, 4)
    assert stability(opp, a, date(2026, 11, 30)) == "stable"  # 90 days after the change


# --- through the CLI ----------------------------------------------------------


def import_example(kam, db) -> None:
    assert kam("--db", db, "import", EXAMPLE).exit_code == 0
    for kind in ("accounts", "opportunities", "interactions"):
        assert kam("--db", db, "import", ROOT / "examples" / f"{kind}.csv", "--kind", kind).exit_code == 0


@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    """The four example files imported once; each test gets its own copy (on a server, each
    test imports them into its own schema)."""
    from .conftest import BACKEND, Kam

    if BACKEND != "sqlite":
        return None
    db = tmp_path_factory.mktemp("example") / "kam.db"
    import_example(Kam(), db)
    return db


@pytest.fixture
def load_example(example_db, isolated_db):
    def load(kam):
        if example_db is None:
            import_example(kam, isolated_db)
            return
        with sqlite3.connect(example_db) as src, sqlite3.connect(isolated_db.path) as dst:
            src.backup(dst)
        os.chmod(isolated_db.path, 0o600)

    return load


def test_health_json_explains_each_score(kam, load_example):
    load_example(kam)
    records = {r["account"]: r for r in json.loads(kam("--as-of", "2026-11-23", "health", "--format", "json").stdout)}
    assert set(records) == {"华东电力集团", "星河零售", "蓝海科技", "云帆医药", "北辰制造"}
    # the worked example of the README
    assert {k: records["星河零售"][k] for k in ("score", "band", "usage_points", "renewal_intent_points",
                                              "p1_tickets_points", "nps_points", "base", "deductions")} == {
        "score": 21.3, "band": "red", "usage_points": 3, "renewal_intent_points": 4, "p1_tickets_points": 2,
        "nps_points": None, "base": 31.25, "deductions": 10,
    }  # fmt: skip
    assert records["星河零售"]["deduction_reasons"] == ["SINGLE_SUPPORTER (−10)"]
    assert records["北辰制造"]["score"] is None and records["北辰制造"]["band"] is None
    assert (records["华东电力集团"]["score"], records["华东电力集团"]["tier"]) == (68.0, "strategic")
    csv_header = kam("health", "--format", "csv").stdout.splitlines()[0]
    assert csv_header.startswith("account,tier,score,band,usage,usage_points")
    table = kam("--as-of", "2026-11-23", "health", "星河零售").stdout
    assert "/ 80 × 10 = 31.25 − 10 (SINGLE_SUPPORTER) = 21.3" in table


def test_the_scorecard_comes_from_the_config(kam, tmp_path, load_example, monkeypatch):
    load_example(kam)
    (tmp_path / "card.yaml").write_text("health:\n  weights: {usage: 100, renewal_intent: 0, p1_tickets: 0, nps: 0}\n"
                                        "  coverage_deduction: 0\n")  # fmt: skip
    monkeypatch.setenv("KAM_CONFIG", str(tmp_path / "card.yaml"))
    records = {r["account"]: r for r in json.loads(kam("health", "--format", "json").stdout)}
    assert records["星河零售"]["score"] == 30.0 and records["云帆医药"]["score"] == 100.0


def test_record_trend_and_health_low_through_the_cli(kam, write_csv, isolated_db, load_example):
    load_example(kam)
    first = kam("--as-of", "2026-11-16", "health", "--record")
    assert (first.exit_code, first.stdout, first.stderr) == (0, "", "recorded 4 health scores for 2026-11-16 (1 without data)\n")
    check = ("check", "--account", "星河零售", "--format", "json")
    assert "HEALTH_LOW" not in {f["code"] for f in json.loads(kam("--as-of", "2026-11-16", *check).stdout)}
    kam("--as-of", "2026-11-23", "health", "--record")
    kam("--as-of", "2026-11-23", "health", "--record")  # the same day again replaces it
    assert isolated_db.count("health_score") == 8
    low = [f for f in json.loads(kam("--as-of", "2026-11-23", *check).stdout) if f["code"] == "HEALTH_LOW"]
    assert low == [{"code": "HEALTH_LOW", "severity": "high", "account": "星河零售", "contact": None, "date": "2026-11-23",
                    "message": "health 21.3 on 2026-11-23 and 21.3 on 2026-11-16, both below 60"}]  # fmt: skip
    trend = json.loads(kam("health", "星河零售", "--trend", "--format", "json").stdout)
    assert [(t["date"], t["score"], t["band"], t["usage_points"], t["deductions"]) for t in trend] == [
        ("2026-11-16", 21.3, "red", 3, 10), ("2026-11-23", 21.3, "red", 3, 10)]
    better = write_csv("客户,核心功能活跃度,续约意向,高优先级服务请求,NPS\n星河零售,90,主动提出续约,0,10\n", name="better.csv")
    kam("import", better, "--kind", "accounts")
    kam("--as-of", "2026-11-30", "health", "--record")
    assert "HEALTH_LOW" not in {f["code"] for f in json.loads(kam("--as-of", "2026-11-30", *check).stdout)}


def test_follow_up_overdue_through_log_and_as_of(kam, load_example):
    load_example(kam)
    check = ("check", "--account", "华东电力集团", "--format", "json")
    assert "FOLLOW_UP_OVERDUE" not in {f["code"] for f in json.loads(kam("--as-of", "2026-11-25", *check).stdout)}
    overdue = [f for f in json.loads(kam("--as-of", "2026-11-26", *check).stdout) if f["code"] == "FOLLOW_UP_OVERDUE"]
    assert [(f["severity"], f["date"]) for f in overdue] == [("medium", "2026-11-25")]
    kam("log", "华东电力集团", "电话回访", "--kind", "call", "--on", "2026-11-26")
    assert "FOLLOW_UP_OVERDUE" not in {f["code"] for f in json.loads(kam("--as-of", "2026-11-26", *check).stdout)}


def test_health_usage_errors(kam, load_example):
    load_example(kam)
    assert "do not go together" in kam("health", "--record", "--trend").stderr
    missing = kam("health", "Nobody")
    assert missing.exit_code == 2 and "no account named 'Nobody'" in missing.stderr


def test_forget_also_erases_the_person_from_deals_and_recorded_scores(kam, write_csv, isolated_db):
    kam("import", write_csv("account,name,email,roles,decision_power,attitude,status,change_date\n"
                            "ACME,Boss,boss@acme.example,,final,support,,\n"
                            "ACME,Fan,fan@acme.example,,,support,,\n"
                            "ACME,Zebediah,z@acme.example,champion,,support,left,2026-10-01\n"
                            "ACME,Yolanda,y@acme.example,decision_maker,,,left,2026-09-01\n"))  # fmt: skip
    kam("import", write_csv("account,usage\nACME,90\n", name="a.csv"), "--kind", "accounts")
    kam("import", write_csv("account,name,contacts\nACME,Deal,Zebediah;Boss\n", name="o.csv"), "--kind", "opportunities")
    kam("import", write_csv("account,name,contacts\nACME,Deal,Boss;Fan\n", name="o2.csv"), "--kind", "opportunities")
    kam("--as-of", "2026-11-23", "health", "--record")
    (before,) = json.loads(kam("health", "ACME", "--trend", "--format", "json").stdout)
    assert "Zebediah" in before["explanation"]
    result = kam("forget", "z@acme.example", "--yes")
    assert result.exit_code == 0, result.stderr
    (after,) = json.loads(kam("health", "ACME", "--trend", "--format", "json").stdout)
    assert "[forgotten] 2026-10-01" in after["explanation"]
    if isolated_db.path is not None:  # a SQLite file is vacuumed: the bytes are gone too
        raw = b"".join(p.read_bytes() for p in isolated_db.path.parent.glob("kam.db*"))
        assert b"Zebediah" not in raw and b"z@acme.example" not in raw


def test_show_has_tier_cadence_health_and_opportunities(kam, load_example):
    load_example(kam)
    (page,) = json.loads(kam("--as-of", "2026-11-23", "show", "北辰制造", "--format", "json").stdout)
    assert page["follow_up"] == {"tier": "strategic", "tier_from_revenue": True, "cadence_days": 7, "last_interaction": None,
                                 "tier_source": "revenue"}
    assert page["health"]["score"] is None
    assert [(o["opportunity"], o["open"], o["coverage"], o["stability"]) for o in page["opportunities"]] == [
        ("设备预测性维护", True, "single", "changed"), ("2026年度备件", False, "single", "stable")]
    table = kam("--as-of", "2026-11-23", "show", "星河零售").stdout
    assert "Tier: key (from annual revenue), follow up every 14 days; last interaction: 2026-10-20" in table
    assert "Health: 21.3 (red): (usage 45 → 3 pts × 30" in table and "annual revenue: 4,500,000" in table


def test_single_threaded_deal_through_the_cli(kam, write_csv):
    kam("import", write_csv("account,name,department,decision_power,attitude\nACME,A,IT,final,support\n"
                            "ACME,B,Sales,,support\nACME,C,Finance,,support\n"))  # fmt: skip
    deal = lambda contacts, stage="proposal": write_csv(  # noqa: E731
        f"account,name,amount,stage,close_date,contacts\nACME,Renewal,2000000,{stage},2027-01-31,{contacts}\n", name="o.csv")
    kam("import", deal("A;B"), "--kind", "opportunities")

    def found(as_of="2026-11-23"):
        return [(f["code"], f["contact"], f["date"]) for f in json.loads(kam("--as-of", as_of, "check", "--format", "json").stdout)
                if f["code"] == "SINGLE_THREADED_DEAL"]  # fmt: skip

    assert found() == []
    kam("--as-of", "2026-11-23", "leave", "B", "--on", "2026-11-20", "--successor", "C")
    assert found() == [("SINGLE_THREADED_DEAL", "A", "2027-01-31")]
    kam("import", deal("A;C"), "--kind", "opportunities")
    assert found() == []
    kam("import", deal("A", stage="赢单"), "--kind", "opportunities")
    assert found() == []
    cfg = write_csv("min_amount: 3000000\n", name="big-deals.yaml")
    kam("import", deal("A", stage="proposal"), "--kind", "opportunities")
    assert found() == [("SINGLE_THREADED_DEAL", "A", "2027-01-31")]
    with_config = json.loads(kam("--as-of", "2026-11-23", "--config", cfg, "check", "--format", "json").stdout)
    assert "SINGLE_THREADED_DEAL" not in {f["code"] for f in with_config}


@pytest.mark.sqlite_only
def test_check_health_and_report_read_a_current_sqlite_file_without_sqlalchemy(kam, load_example, isolated_db):
    import subprocess
    import sys

    load_example(kam)
    kam("--as-of", "2026-11-23", "health", "--record")
    commands = [["check", "--quiet"], ["health"], ["health", "星河零售", "--trend"], ["report"]]
    code = (  # all four in one process: a module any of them loads stays in sys.modules
        "import sys\n"
        "from keyaccount_cli.cli import main\n"
        f"for command in {commands!r}:\n"
        f"    sys.argv = ['kam', '--db', {str(isolated_db)!r}, '--as-of', '2026-11-23', *command]\n"
        "    try:\n        main()\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in ('sqlmodel', 'sqlalchemy', 'networkx', 'yaml') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
