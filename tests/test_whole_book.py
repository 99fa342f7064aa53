"""`kam accounts`, `health`, `report` and the accounts and findings exports work from the facts
`kam check` reads in SQL (`reading.iter_book_facts`), not from each contact loaded: on every
account they must give what the same rules give on the account loaded whole."""

from __future__ import annotations

import json
from datetime import date

import pytest

from keyaccount_cli.config import Config
from keyaccount_cli.domain.checks import check_accounts, check_book, check_facts, facts_and_coverage, facts_of
from keyaccount_cli.domain.dashboard import dashboard
from keyaccount_cli.domain.findings import SEVERITIES
from keyaccount_cli.domain.health import assess
from keyaccount_cli.services.options import check_options
from keyaccount_cli.storage.database import open_database
from keyaccount_cli.storage.reader import SqlaReader
from keyaccount_cli.storage.reading import iter_accounts, iter_book_facts, read_account_book

CONTACTS = """account,name,department,decision_power,roles,attitude,status,change_risk,change_date,successor,our_contacts
Alpha,A1,IT,final,,support,,,,,Ann
Alpha,A2,Finance,,,strong_support,,,,,
Alpha,A3,IT,,decision_maker,,left,,2026-10-01,A1,Bob
Alpha,A4,Sales,,champion,,left,,2026-02-01,A2,
Alpha,A5,,,decision_maker;user,neutral,leaving,confirmed,2026-12-10,,ann
Beta,B1,IT,,,support,,,,,Cy;Dee
Beta,B2,IT,execution,,opposed,,high,,,
Gamma,G1,Sales,final,,support,,,,,Bob
Gamma,G2,Sales,,,support,,,,,
Gamma,G3,Sales,,decision_maker,reserved,leaving,,,,Eve
Delta,D1,,,,,left,,,,
Epsilon,E1,Ops,major,,support,,,2026-11-30,,Cy
Epsilon,E2,R&D,final,decision_maker,support,,,,,
Epsilon,E3,Legal,,,,active,,,,
Zeta,Z1,IT,,,,,,,,
"""
ACCOUNTS = """account,tier,owner,annual_revenue,usage,renewal_intent,p1_tickets,nps,status,renewal_date
Alpha,strategic,Ann,,90,proactive,0,10,,2026-12-20
Beta,,Ann,5000000,40,unclear,5,3,,2027-01-10
Gamma,standard,Bob,,60,satisfied,1,7,,2026-12-01
Delta,standard,,,,,,,,2027-02-01
Epsilon,,Cy,12000000,70,,2,,,2027-02-15
Zeta,,,,,,,,prospect,2026-12-24
"""
# Epsilon: four interactions a month or two before 2026-11-23 and one since (ENGAGEMENT_DROP)
INTERACTIONS = """account,date,kind,contacts,summary
Epsilon,2026-09-30,meeting,E1,a
Epsilon,2026-10-05,call,E2,b
Epsilon,2026-10-12,call,E1,c
Epsilon,2026-10-20,visit,E2,d
Epsilon,2026-11-10,email,E1,e
Alpha,2026-10-01,meeting,A1,f
"""
OPPORTUNITIES = """account,name,amount,stage,contacts
Alpha,Big,5000000,negotiation,A1;A3
Beta,Solo,1000000,proposal,B1
Gamma,Pair,3000000,proposal,G1;G2
Epsilon,Wide,2000000,proposal,E1;E2
"""


@pytest.fixture
def book(kam, write_csv, isolated_db):
    for text, kind in ((CONTACTS, "contacts"), (ACCOUNTS, "accounts"), (OPPORTUNITIES, "opportunities"),
                       (INTERACTIONS, "interactions")):  # fmt: skip
        assert kam("import", write_csv(text, f"{kind}.csv"), "--kind", kind).exit_code == 0
    assert kam("set", "Z1", "--status", "left").exit_code == 0  # left without a date: the history says when
    assert kam("leave", "G3", "--on", "2026-11-25").exit_code == 0  # an open handover plan
    # an owner handover plan (docs/spec.md §9): due within the window on 2026-11-23, overdue by 2027-01-15
    assert kam("--as-of", "2026-11-20", "reassign", "Ann", "Dee", "--on", "2026-11-30").exit_code == 0
    from .test_unreadable_values import write

    write(isolated_db, "INSERT INTO owner_handover (account_id, from_owner, to_owner, reassigned_on, status, opened_at)"
          " SELECT id, 'Bob', 'Cy', '2026-11-20', 'open', '2026-11-20 09:00:00' FROM account WHERE name = 'Gamma'", ())  # fmt: skip
    database = open_database(isolated_db.location)
    with database.engine.connect() as conn:
        yield SqlaReader(conn)
    database.close()


@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2027, 1, 15)])
def test_the_whole_book_gives_what_the_accounts_loaded_whole_give(book, today):
    config = Config()
    opts, card = check_options(config, today, None), config.scorecard
    whole = list(iter_accounts(book, today=today, early=opts.early))
    facts = list(iter_book_facts(book, due=opts.horizon, today=today, early=opts.early))
    assert [f.name for f in facts] == [v.name for v in whole]
    for v, f in zip(whole, facts, strict=True):
        loaded, cov = facts_and_coverage(v)
        assert (f.active, f.departments, f.supporters, f.decision_makers) == (
            cov.active, cov.departments, cov.supporters, cov.decision_makers), v.name  # fmt: skip
        assert (f.only_active, f.sole_supporter, f.has_decision_maker, f.department) == (
            loaded.only_active, loaded.sole_supporter, loaded.has_decision_maker, loaded.department)  # fmt: skip
        assert sorted(f.key_people) == sorted(loaded.key_people), v.name
        assert check_facts(f, opts) == check_facts(loaded, opts), v.name
        assert [s.step for s in f.owner_steps if s.deadline <= opts.horizon] == [
            s.step for s in loaded.owner_steps if s.deadline <= opts.horizon], v.name  # fmt: skip
        assert f.view is not None
        assert opts.policy.tier(f.view) == opts.policy.tier(v)
        assert assess(f.view, card, opts, facts=f) == assess(v, card, opts), v.name
    from_views = dashboard((facts_of(v) for v in whole), card, opts, min_amount=1_000_000)
    assert dashboard(iter(facts), card, opts, min_amount=1_000_000) == from_views
    assert from_views["key_people_changes"]  # the dataset has key people who left, and one by the history
    codes = {f.code for v in whole for f in check_facts(facts_of(v), opts)}
    assert ({"OWNER_HANDOVER_DUE"} if today.year == 2026 else {"OWNER_HANDOVER_OVERDUE"}) <= codes
    # kam check's own pass over the book (findings, and JSON lines) gives what the accounts loaded whole give
    expected = check_accounts(whole, opts)
    for as_json in (False, True):
        found = check_book(read_account_book(book, due=opts.horizon, today=today, early=opts.early), opts, as_json)
        flat = [f for severity in SEVERITIES for f in found[severity]]
        assert (flat if not as_json else [json.loads(f) for f in flat]) == (
            expected if not as_json else [f.as_record() for f in expected])  # fmt: skip
    codes = {f.code for f in expected}
    if today == date(2026, 11, 23):  # Alpha, Beta (red health), Delta, Gamma (owner handover) at risk; Epsilon due
        assert {"RENEWAL_AT_RISK", "RENEWAL_DUE", "ENGAGEMENT_DROP"} <= codes
        assert [f.account for f in expected if f.code == "RENEWAL_AT_RISK"] == ["Alpha", "Beta", "Delta", "Gamma"]
        (gamma,) = [f for f in expected if f.code == "RENEWAL_AT_RISK" and f.account == "Gamma"]
        assert "owner handover from Bob to Cy open" in gamma.message
        (beta,) = [f for f in expected if f.code == "RENEWAL_AT_RISK" and f.account == "Beta"]
        assert "(red)" in beta.message
        assert not any(f.account == "Zeta" and f.code.startswith("RENEWAL") for f in expected)  # a prospect: none


@pytest.mark.parametrize("roles", ["decision_makers", "user; decision_maker", "influencer;decision_maker"])
def test_a_role_counts_as_decision_maker_in_sql_exactly_as_on_the_account_loaded_whole(kam, book, isolated_db, roles):
    from .test_unreadable_values import write

    write(isolated_db, "UPDATE contact SET roles = ? WHERE name = ?", (roles, "B1"))  # as another tool might store it
    today = date(2026, 11, 23)
    opts = check_options(Config(), today, None)
    (whole,) = [v for v in iter_accounts(book, today=today) if v.name == "Beta"]
    (f,) = [f for f in iter_book_facts(book, due=opts.horizon, today=today) if f.name == "Beta"]
    loaded, cov = facts_and_coverage(whole)
    assert (f.decision_makers, f.has_decision_maker) == (cov.decision_makers, loaded.has_decision_maker)
    assert check_facts(f, opts) == check_facts(loaded, opts)
