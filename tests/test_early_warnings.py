"""Early warnings (docs/spec.md §11): RENEWAL_AT_RISK, RENEWAL_DUE and ENGAGEMENT_DROP, the renewal
date where a user sees it, the config keys, and kam report's renewals and key-people changes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from keyaccount_cli.domain.early_facts import EarlyFacts, EarlyPolicy
from keyaccount_cli.domain.early_warnings import early_findings, in_window
from keyaccount_cli.domain.findings import Finding
from keyaccount_cli.domain.health import DEFAULT_SCORECARD

TODAY = ("--as-of", "2026-11-23")
CONTACTS = (
    "客户,姓名,部门,职位,角色,决策权,态度,状态,预期变动时间\n"
    "ACME,Boss,IT,CIO,decision_maker,final,support,leaving,2026-12-15\n"
    "ACME,Wang,IT,Architect,champion,major,strong_support,,\n"
    "Beta,Chief,Ops,COO,decision_maker,final,support,,\n"
    "Beta,Fan,Finance,CFO,champion,major,support,,\n"
    "Gamma,Solo,IT,CTO,decision_maker,final,support,,\n"
    "Delta,Chief,Ops,COO,decision_maker,final,support,,\n"
    "Delta,Fan,Finance,CFO,champion,major,support,,\n"
    "Lost,Chief,Ops,COO,decision_maker,final,support,,\n"
)
ACCOUNTS = (
    "客户,行业,年采购额,核心功能活跃度,续约意向,高优先级服务请求,状态,合同到期日\n"
    "ACME,能源,5000000,90,proactive,0,,2027-01-15\n"
    "Beta,零售,2000000,90,proactive,0,,2027.02.01\n"
    "Gamma,零售,1000000,,,,,2027年1月5日\n"
    "Delta,零售,3000000,20,unclear,6,,20270110\n"
    "Lost,零售,1000000,,,,lost,2026-12-01\n"
)
INTERACTIONS = (
    "account,date,kind,contacts,summary\n"
    "Beta,2026-09-30,meeting,Chief,a\nBeta,2026-10-05,call,Fan,b\nBeta,2026-10-20,visit,Chief,c\n"
    "Beta,2026-11-10,email,Fan,d\nBeta,2026-11-15,call,Chief,e\nBeta,2026-11-20,call,Fan,f\n"
    "Delta,2026-09-30,meeting,Chief,a\nDelta,2026-10-05,call,Fan,b\nDelta,2026-10-20,visit,Chief,c\n"
    "Delta,2026-11-10,email,Fan,d\n"
)


def book(kam, write_csv):
    for text, kind in ((CONTACTS, "contacts"), (ACCOUNTS, "accounts"), (INTERACTIONS, "interactions")):
        result = kam(*TODAY, "import", write_csv(text, f"{kind}.csv"), "--kind", kind)
        assert result.exit_code == 0, result.stderr


def early(kam, *args):
    result = kam(*TODAY, "check", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return {(f["code"], f["account"]): f for f in json.loads(result.stdout)
            if f["code"] in ("RENEWAL_AT_RISK", "RENEWAL_DUE", "ENGAGEMENT_DROP")}  # fmt: skip


# --- the rules ---------------------------------------------------------------------------


def _found(code: str, contact: str | None = None) -> Finding:
    return Finding(code, "high", "A", contact, None, "")


def test_a_renewal_in_the_window_is_due_or_at_risk_with_every_reason():
    today, policy = date(2026, 11, 23), EarlyPolicy()
    assert in_window(date(2027, 2, 21), today, policy) and not in_window(date(2027, 2, 22), today, policy)
    assert not in_window(date(2026, 11, 22), today, policy) and in_window(today, today, policy)
    facts = EarlyFacts(renewal_date=date(2027, 1, 1), handovers=[("Li", "Wang")])
    (f,) = early_findings("A", facts, [], [_found("KEY_PERSON_LEAVING", "Boss"), _found("SINGLE_CONTACT")], today,
                          policy, DEFAULT_SCORECARD)  # fmt: skip
    assert (f.code, f.severity, f.date) == ("RENEWAL_AT_RISK", "critical", date(2027, 1, 1))
    assert f.message == ("renewal on 2027-01-01, in 39 days, at risk: key person leaving: Boss; a single contact; "
                         "owner handover from Li to Wang open")  # fmt: skip
    (due,) = early_findings("A", EarlyFacts(renewal_date=date(2027, 1, 1)), [], [_found("NO_CHAMPION")], today,
                            policy, DEFAULT_SCORECARD)  # fmt: skip
    assert (due.code, due.severity, due.message) == ("RENEWAL_DUE", "low", "renewal on 2027-01-01, in 39 days")
    # a code the config turns off is no reason; a red band is one
    off = early_findings("A", EarlyFacts(renewal_date=date(2027, 1, 1)), [], [_found("SINGLE_CONTACT")], today,
                         policy, DEFAULT_SCORECARD, frozenset({"SINGLE_CONTACT"}))  # fmt: skip
    assert [f.code for f in off] == ["RENEWAL_DUE"]
    red = EarlyFacts(renewal_date=date(2027, 1, 1), inputs={"usage": 10, "renewal_intent": "unclear"})
    (f,) = early_findings("A", red, [], [], today, policy, DEFAULT_SCORECARD)
    assert f.code == "RENEWAL_AT_RISK" and f.message.endswith("at risk: health 35 (red)")


@pytest.mark.parametrize(("before", "recent", "dropped"), [(3, 2, True), (3, 3, False), (10, 7, True),
                                                           (10, 8, False), (2, 0, False), (4, 0, True)])  # fmt: skip
def test_engagement_drops_by_at_least_the_share_from_at_least_the_least(before, recent, dropped):
    found = early_findings("A", EarlyFacts(recent=recent, before=before), [], [], date(2026, 11, 23), EarlyPolicy(),
                           None)  # fmt: skip
    assert bool(found) is dropped
    if dropped:
        assert found[0].code == "ENGAGEMENT_DROP" and found[0].severity == "medium"


# --- through the command line ------------------------------------------------------------


def test_check_raises_the_early_warnings_for_customer_accounts(kam, write_csv):
    book(kam, write_csv)
    found = early(kam)
    # ACME: its decision maker leaves; Gamma: one contact; Delta: red health; Beta: nothing against it
    assert set(found) == {("RENEWAL_AT_RISK", "ACME"), ("RENEWAL_DUE", "Beta"), ("RENEWAL_AT_RISK", "Gamma"),
                          ("RENEWAL_AT_RISK", "Delta"), ("ENGAGEMENT_DROP", "Delta")}  # fmt: skip
    acme = found["RENEWAL_AT_RISK", "ACME"]
    assert acme["date"] == "2027-01-15" and acme["severity"] == "critical" and acme["contact"] is None
    assert "key person leaving: Boss" in acme["message"] and "no successor for Boss" in acme["message"]
    assert "a single contact" in found["RENEWAL_AT_RISK", "Gamma"]["message"]
    assert "(red)" in found["RENEWAL_AT_RISK", "Delta"]["message"]
    assert found["RENEWAL_DUE", "Beta"]["message"] == "renewal on 2027-02-01, in 70 days"
    assert found["ENGAGEMENT_DROP", "Delta"]["message"] == (
        "1 interaction in the last 30 days, 3 in the 30 days before (down 67%)")  # fmt: skip
    # one account, or the codes asked for, give the same
    assert early(kam, "--account", "ACME") == {k: v for k, v in found.items() if k[1] == "ACME"}
    assert set(early(kam, "--code", "renewal_due")) == {("RENEWAL_DUE", "Beta")}
    csv = kam(*TODAY, "check", "--format", "csv").stdout
    assert "RENEWAL_AT_RISK,critical,ACME,,2027-01-15," in csv


def test_the_windows_and_disabled_checks_come_from_the_config(kam, write_csv, tmp_path):
    book(kam, write_csv)
    config = tmp_path / "kam.yaml"
    config.write_text("renewal_window: 45\nengagement: {days: 30, drop: 0.7, min: 3}\n"
                      "disabled_checks: [RENEWAL_DUE]\n", encoding="utf-8")  # fmt: skip
    found = early(kam, "--config", str(config))
    assert set(found) == {("RENEWAL_AT_RISK", "Gamma")}  # ACME and Delta renew later; Delta's drop is 67%


@pytest.mark.parametrize(("text", "says"), [
    ("renewal_window: 0\n", "renewal_window must be at least 1"),
    ("renewal_window: 1.5\n", "renewal_window must be a whole number"),
    ("engagement: {drop: 0}\n", "engagement.drop must be at least 0.01"),
    ("engagement: {drop: 1.5}\n", "engagement.drop must be at most 1"),
    ("engagement: {days: 2.5}\n", "engagement.days must be a whole number"),
    ("engagement: {min: 0}\n", "engagement.min must be at least 1"),
    ("engagement: {weeks: 4}\n", "unknown key 'engagement.weeks'"),
])  # fmt: skip
def test_a_bad_early_warning_key_is_refused_naming_it(kam, tmp_path, text, says):
    config = tmp_path / "kam.yaml"
    config.write_text(text, encoding="utf-8")
    result = kam("--config", str(config), "check")
    assert result.exit_code == 2 and says in result.stderr


@pytest.mark.parametrize("bad", ["2027-02-30", "2027.02.30", "20270230", "2027年2月30日", "2027年13月", "soon"])
def test_a_bad_renewal_date_is_refused_in_every_form_and_nothing_is_written(kam, write_csv, bad):
    book(kam, write_csv)
    result = kam("set-account", "ACME", "--renewal-date", bad)
    assert result.exit_code == 2 and "--renewal-date" in result.stderr and bad in result.stderr
    text = f"客户,合同到期日\nBeta,2027-03-01\nACME,{bad}\n"
    result = kam("import", write_csv(text, "renewals.csv"), "--kind", "accounts")
    assert result.exit_code == 2 and "line 3" in result.stderr and "合同到期日" in result.stderr
    listed = {r["account"]: r["renewal_date"] for r in json.loads(kam("accounts", "--format", "json").stdout)}
    assert (listed["ACME"], listed["Beta"]) == ("2027-01-15", "2027-02-01")  # nothing written


@pytest.mark.parametrize("alias", ["renewal_date", "续约日期", "合同到期时间", "到期时间", "合同到期日"])
def test_every_alias_of_the_renewal_date_is_read(kam, write_csv, alias):
    assert kam("import", write_csv(f"account,{alias}\nACME,2027年3月1日\n", "a.csv"), "--kind", "accounts").exit_code == 0
    assert json.loads(kam("accounts", "--format", "json").stdout)[0]["renewal_date"] == "2027-03-01"


def test_the_renewal_shows_in_show_accounts_and_the_export(kam, write_csv):
    book(kam, write_csv)
    assert kam("set-account", "Beta", "--renewal-date", "2027-03-10").exit_code == 0
    (page,) = json.loads(kam(*TODAY, "show", "ACME", "--format", "json").stdout)
    assert (page["renewal_date"], page["renewal_days"]) == ("2027-01-15", 53)
    assert page["renewal_risks"] == ["key person leaving: Boss", "no successor for Boss"]
    shown = kam(*TODAY, "show", "ACME").stdout
    assert "renewal date: 2027-01-15 (in 53 days)" in shown
    assert "Renewal at risk: key person leaving: Boss; no successor for Boss" in shown
    (beta,) = json.loads(kam(*TODAY, "show", "Beta", "--format", "json").stdout)
    assert (beta["renewal_days"], beta["renewal_risks"]) == (107, [])  # outside the window: no reasons
    assert "Renewal date" in kam(*TODAY, "accounts").stdout
    exported = kam(*TODAY, "export", "accounts").stdout.splitlines()
    assert exported[0].split(",")[-2] == "renewal_date" and ",2027-03-10," in exported[1 + 1]
    assert "续约有风险：关键人将变动：Boss；Boss 没有继任人" in kam(*TODAY, "--lang", "zh", "show", "ACME").stdout


def test_report_gives_the_renewals_and_where_key_people_change_most(kam, write_csv):
    book(kam, write_csv)
    assert kam(*TODAY, "set", "Boss", "--status", "left", "--change-date", "2026-11-01").exit_code == 0
    assert kam(*TODAY, "set", "Chief", "--account", "Beta", "--status", "left", "--change-date", "2026-10-01").exit_code == 0
    (board,) = json.loads(kam(*TODAY, "report", "--format", "json").stdout)
    renewals = board["renewals"]
    assert (renewals["days"], renewals["count"], renewals["annual_revenue"], renewals["at_risk"]) == (
        90, 4, 11_000_000, 4)  # fmt: skip  # Lost is no customer; Beta's Chief left with nobody to take over
    assert [r["account"] for r in renewals["accounts"]] == ["Gamma", "Delta", "ACME", "Beta"]
    by = board["key_people_changes_by"]
    assert by["industry"] == [{"name": "零售", "changes": 1}, {"name": "能源", "changes": 1}]  # in pinyin order
    assert {r["name"] for r in by["title"]} == {"CIO", "COO"} and {r["name"] for r in by["department"]} == {"IT", "Ops"}
    rows = kam(*TODAY, "report", "--format", "csv").stdout.splitlines()
    assert "renewals,,count,4" in rows and "key_people_changes_by_title,CIO,changes,1" in rows
    table = kam(*TODAY, "report").stdout
    assert "Renewals in the next 90 days: 4, annual revenue 11,000,000, 4 at risk" in table
    assert "Key-people changes by title, 12 months" in table
