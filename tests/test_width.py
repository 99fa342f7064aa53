"""The 80-column rule (SPEC §13): at 80 columns no table cuts a code, a date, a number, a status or
a name; free text wraps, or the table is drawn stacked (one record a block). Each command's whole
output on a small book, at 80 and at 200 columns, width and colour pinned.

EXPECTED is keyed by language, then (command, width): a language's texts are added beside English."""

from __future__ import annotations

import re

import pytest

AS_OF = "2026-11-22"
BIG = "华东电力集团有限公司上海分公司"  # 15 characters: 30 columns
NORTH = "Northwind Traders"

ACCOUNTS = f"""account,industry,tier,owner,annual_revenue,usage,renewal_intent,p1_tickets,nps,notes,renewal_date
{BIG},能源,strategic,欧阳明月,15000000,72,satisfied,1,8,"集团统一采购, renewal talks moved to the regional office after the reorganisation in October",2027-03-31
{NORTH},Retail,key,Li Lei,2500000,40,unclear,4,5,,2027-01-15
"""
CONTACTS = f"""account,name,email,title,department,roles,decision_power,attitude,reports_to,status,change_risk,change_date,change_kind,notes,our_contacts
{BIG},司马长风,sima@ecpower.example,副总经理,总经办,decision_maker,final,support,,active,low,,,年度预算最终审批,欧阳明月;Christopher Montgomery
{BIG},王建华,wangjh@ecpower.example,采购总监,采购部,procurement;decision_maker,major,strong_support,sima@ecpower.example,leaving,confirmed,2026-12-10,resignation,"Handed in his notice; his deputy knows the contract, but the budget owner has not been told yet",欧阳明月
{BIG},阿依古丽·买买提,ayiguli@ecpower.example,信息中心主任,信息中心,it;influencer,major,neutral,sima@ecpower.example,active,medium,2027-06-01,transfer,,
{NORTH},Margaret Thompson-Whitfield,margaret@northwind.example,VP Operations,Operations,champion;decision_maker,final,strong_support,,active,low,,,,Li Lei
{NORTH},Li Lei,lilei@northwind.example,Buyer,Procurement,procurement,execution,reserved,margaret@northwind.example,active,low,,,,
"""
OPPORTUNITIES = f"""account,name,amount,stage,close_date,contacts
{BIG},2027年度运维续约,15000000,negotiation,2026-12-20,wangjh@ecpower.example
{NORTH},Store systems refresh,5000000,proposal,2027-02-28,margaret@northwind.example;lilei@northwind.example
"""
INTERACTIONS = f"""account,date,kind,contacts,summary
{BIG},2026-11-18,meeting,司马长风,"Budget review for the 2027 renewal: the group wants one contract for all regional offices"
"""

ANSI = re.compile(r"\x1b\[[0-9;]*m")
COMMANDS = {
    "check": ("check",),
    "contacts": ("contacts", BIG),
    "accounts": ("accounts",),
    "health": ("health",),
    "report": ("report",),
    "show": ("show", BIG),
    "handover": ("handover", "王建华"),
}


def build_book(kam, write_csv) -> None:
    """Two accounts: a long Chinese name, long notes and messages, 15,000,000 amounts, a leaving buyer."""
    assert kam("import", write_csv(CONTACTS, "contacts.csv")).exit_code == 0
    for kind, text in (("accounts", ACCOUNTS), ("opportunities", OPPORTUNITIES), ("interactions", INTERACTIONS)):
        result = kam("import", write_csv(text, f"{kind}.csv"), "--kind", kind)
        assert result.exit_code == 0, result.stderr


def shown(kam, monkeypatch, args: tuple[str, ...], width: int, lang: str = "en", colour: bool = False) -> str:
    """What the command writes, stdout then stderr, at `width` columns, without colour (or with it,
    as a terminal is drawn)."""
    monkeypatch.setenv("COLUMNS", str(width))
    if colour:
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("FORCE_COLOR", "1")
    else:
        monkeypatch.setenv("NO_COLOR", "1")
        monkeypatch.delenv("FORCE_COLOR", raising=False)
    extra = () if lang == "en" else ("--lang", lang)
    result = kam("--as-of", AS_OF, *extra, *args)
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout + result.stderr


EXPECTED: dict[str, dict[tuple[str, int], str]] = {"en": {}}

EXPECTED["en"]["check", 80] = """\
Severity: critical
Code:     RENEWAL_AT_RISK
Account:  Northwind Traders
Date:     2027-01-15
Message:  renewal on 2027-01-15, in 54 days, at risk: a single supporter:
          Margaret Thompson-Whitfield; health 17 (red)

Severity: critical
Code:     KEY_PERSON_LEAVING
Account:  华东电力集团有限公司上海分公司
Contact:  王建华
Date:     2026-12-10
Message:  decision maker 王建华 changes (resignation) on 2026-12-10

Severity: high
Code:     SINGLE_SUPPORTER
Account:  Northwind Traders
Contact:  Margaret Thompson-Whitfield
Message:  Margaret Thompson-Whitfield is the only contact who supports us

Severity: high
Code:     NO_SUCCESSOR
Account:  华东电力集团有限公司上海分公司
Contact:  王建华
Date:     2026-12-10
Message:  王建华 leaves on 2026-12-10 and has no successor

Severity: high
Code:     SINGLE_THREADED_DEAL
Account:  华东电力集团有限公司上海分公司
Contact:  王建华
Date:     2026-12-20
Message:  open opportunity 2027年度运维续约 (15,000,000, stage negotiation) has
          one contact: 王建华

Severity: medium
Code:     CHAMPION_QUIET
Account:  Northwind Traders
Contact:  Margaret Thompson-Whitfield
Message:  no interaction with champion Margaret Thompson-Whitfield logged yet

Severity: medium
Code:     FOLLOW_UP_OVERDUE
Account:  Northwind Traders
Message:  no interaction logged yet; a key account is followed up every 14 days

Severity: medium
Code:     SINGLE_THREADED_INSIDE
Account:  Northwind Traders
Message:  only Li Lei of our people knows its decision maker or champion: if Li
          Lei leaves, the relationship goes too

Severity: medium
Code:     HANDOVER_DUE
Account:  华东电力集团有限公司上海分公司
Contact:  王建华
Date:     2026-11-26
Message:  handover of 王建华: step confirm is due 2026-11-26 (owner 欧阳明月)

Severity: medium
Code:     HANDOVER_DUE
Account:  华东电力集团有限公司上海分公司
Contact:  王建华
Date:     2026-11-26
Message:  handover of 王建华: step successor is due 2026-11-26 (owner 欧阳明月)

Severity: medium
Code:     HANDOVER_DUE
Account:  华东电力集团有限公司上海分公司
Contact:  王建华
Date:     2026-12-10
Message:  handover of 王建华: step exit_talk is due 2026-12-10 (owner 欧阳明月)

Severity: medium
Code:     NO_CHAMPION
Account:  华东电力集团有限公司上海分公司
Message:  no active contact has the champion role

"""

EXPECTED["en"]["check", 200] = """\
┏━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Severity ┃ Code                   ┃ Account                        ┃ Contact                     ┃ Date       ┃ Message                                                                              ┃
┡━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ critical │ RENEWAL_AT_RISK        │ Northwind Traders              │                             │ 2027-01-15 │ renewal on 2027-01-15, in 54 days, at risk: a single supporter: Margaret             │
│          │                        │                                │                             │            │ Thompson-Whitfield; health 17 (red)                                                  │
│ critical │ KEY_PERSON_LEAVING     │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-12-10 │ decision maker 王建华 changes (resignation) on 2026-12-10                            │
│ high     │ SINGLE_SUPPORTER       │ Northwind Traders              │ Margaret Thompson-Whitfield │            │ Margaret Thompson-Whitfield is the only contact who supports us                      │
│ high     │ NO_SUCCESSOR           │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-12-10 │ 王建华 leaves on 2026-12-10 and has no successor                                     │
│ high     │ SINGLE_THREADED_DEAL   │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-12-20 │ open opportunity 2027年度运维续约 (15,000,000, stage negotiation) has one contact:   │
│          │                        │                                │                             │            │ 王建华                                                                               │
│ medium   │ CHAMPION_QUIET         │ Northwind Traders              │ Margaret Thompson-Whitfield │            │ no interaction with champion Margaret Thompson-Whitfield logged yet                  │
│ medium   │ FOLLOW_UP_OVERDUE      │ Northwind Traders              │                             │            │ no interaction logged yet; a key account is followed up every 14 days                │
│ medium   │ SINGLE_THREADED_INSIDE │ Northwind Traders              │                             │            │ only Li Lei of our people knows its decision maker or champion: if Li Lei leaves,    │
│          │                        │                                │                             │            │ the relationship goes too                                                            │
│ medium   │ HANDOVER_DUE           │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-11-26 │ handover of 王建华: step confirm is due 2026-11-26 (owner 欧阳明月)                  │
│ medium   │ HANDOVER_DUE           │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-11-26 │ handover of 王建华: step successor is due 2026-11-26 (owner 欧阳明月)                │
│ medium   │ HANDOVER_DUE           │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-12-10 │ handover of 王建华: step exit_talk is due 2026-12-10 (owner 欧阳明月)                │
│ medium   │ NO_CHAMPION            │ 华东电力集团有限公司上海分公司 │                             │            │ no active contact has the champion role                                              │
└──────────┴────────────────────────┴────────────────────────────────┴─────────────────────────────┴────────────┴──────────────────────────────────────────────────────────────────────────────────────┘
"""

EXPECTED["en"]["contacts", 80] = """\
华东电力集团有限公司上海分公司
Name:        司马长风
Title:       副总经理
Department:  总经办
Roles:       decision maker
Power:       final say
Attitude:    + support
Status:      active
Our side:    欧阳明月, Christopher Montgomery

Name:        王建华
Title:       采购总监
Department:  采购部
Roles:       procurement, decision maker
Power:       strong influence
Attitude:    ++ strong support
Reports to:  司马长风
Status:      leaving
Change date: 2026-12-10
Our side:    欧阳明月

Name:        阿依古丽·买买提
Title:       信息中心主任
Department:  信息中心
Roles:       IT, influencer
Power:       strong influence
Attitude:    0 neutral
Reports to:  司马长风
Status:      active
Change date: 2027-06-01

"""

EXPECTED["en"]["contacts", 200] = """\
华东电力集团有限公司上海分公司
┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Name            ┃ Title        ┃ Department ┃ Roles                       ┃ Power            ┃ Attitude          ┃ Reports to ┃ Status  ┃ Change date ┃ Successor ┃ Our side                         ┃
┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 司马长风        │ 副总经理     │ 总经办     │ decision maker              │ final say        │ + support         │            │ active  │             │           │ 欧阳明月, Christopher Montgomery │
│ 王建华          │ 采购总监     │ 采购部     │ procurement, decision maker │ strong influence │ ++ strong support │ 司马长风   │ leaving │ 2026-12-10  │           │ 欧阳明月                         │
│ 阿依古丽·买买提 │ 信息中心主任 │ 信息中心   │ IT, influencer              │ strong influence │ 0 neutral         │ 司马长风   │ active  │ 2027-06-01  │           │                                  │
└─────────────────┴──────────────┴────────────┴─────────────────────────────┴──────────────────┴───────────────────┴────────────┴─────────┴─────────────┴───────────┴──────────────────────────────────┘
"""

EXPECTED["en"]["accounts", 80] = """\
Account:         Northwind Traders
Owner:           Li Lei
Contacts:        2
Departments:     2
Supporters:      1
Decision makers: 1
Findings:        5
Status:          customer
Renewal date:    2027-01-15

Account:         华东电力集团有限公司上海分公司
Owner:           欧阳明月
Contacts:        3
Departments:     3
Supporters:      2
Decision makers: 2
Findings:        7
Status:          customer
Renewal date:    2027-03-31

"""

EXPECTED["en"]["accounts", 200] = """\
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━┓
┃ Account                        ┃ Owner    ┃ Contacts ┃ Departments ┃ Supporters ┃ Decision makers ┃ Findings ┃ Status   ┃ Renewal date ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━┩
│ Northwind Traders              │ Li Lei   │ 2        │ 2           │ 1          │ 1               │ 5        │ customer │ 2027-01-15   │
│ 华东电力集团有限公司上海分公司 │ 欧阳明月 │ 3        │ 3           │ 2          │ 2               │ 7        │ customer │ 2027-03-31   │
└────────────────────────────────┴──────────┴──────────┴─────────────┴────────────┴─────────────────┴──────────┴──────────┴──────────────┘
"""

EXPECTED["en"]["health", 80] = """\
Account:     Northwind Traders
Tier:        key
Score:       17.0
Band:        red
Usage:       40 → 3
Renewal:     unclear → 4
P1 tickets:  4 → 2
NPS:         5 → 1
Points × 10: 27.0
Deductions:  SINGLE_SUPPORTER (−10)

Account:     华东电力集团有限公司上海分公司
Tier:        strategic
Score:       68.0
Band:        yellow
Usage:       72 → 7
Renewal:     satisfied → 7
P1 tickets:  1 → 6
NPS:         8 → 7
Points × 10: 68.0

"""

EXPECTED["en"]["health", 200] = """\
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Account                        ┃ Tier      ┃ Score ┃ Band   ┃ Usage  ┃ Renewal       ┃ P1 tickets ┃ NPS   ┃ Points × 10 ┃ Deductions             ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━┩
│ Northwind Traders              │ key       │ 17.0  │ red    │ 40 → 3 │ unclear → 4   │ 4 → 2      │ 5 → 1 │ 27.0        │ SINGLE_SUPPORTER (−10) │
│ 华东电力集团有限公司上海分公司 │ strategic │ 68.0  │ yellow │ 72 → 7 │ satisfied → 7 │ 1 → 6      │ 8 → 7 │ 68.0        │                        │
└────────────────────────────────┴───────────┴───────┴────────┴────────┴───────────────┴────────────┴───────┴─────────────┴────────────────────────┘
"""

EXPECTED["en"]["report", 80] = """\
Key-account dashboard as of 2026-11-22
Accounts by tier and health band
┏━━━━━━━━━━━┳━━━━━┳━━━━━━━━┳━━━━━━━┳━━━━━━━━━━┳━━━━━━━┓
┃ Tier      ┃ Red ┃ Yellow ┃ Green ┃ No score ┃ Total ┃
┡━━━━━━━━━━━╇━━━━━╇━━━━━━━━╇━━━━━━━╇━━━━━━━━━━╇━━━━━━━┩
│ strategic │ 0   │ 1      │ 0     │ 0        │ 1     │
│ key       │ 1   │ 0      │ 0     │ 0        │ 1     │
│ standard  │ 0   │ 0      │ 0     │ 0        │ 0     │
│ no tier   │ 0   │ 0      │ 0     │ 0        │ 0     │
└───────────┴─────┴────────┴───────┴──────────┴───────┘
Single-threaded deals (open, at least 1,000,000): 1 of 2 (50%), amount
  15,000,000
Account:     华东电力集团有限公司上海分公司
Opportunity: 2027年度运维续约
Amount:      15,000,000
Stage:       negotiation
Close:       2026-12-20
Contacts:    王建华
Stability:   at risk

Open deals whose key person changed in the last 90 days: 0, amount 0
Key-people changes, 12 months: no key-person changes in 12 months
Coverage per account owner
Owner:             Li Lei
Accounts:          1
Contacts:          2
Per account:       2.0
Thin accounts:     1
No decision maker: 0
Open deals:        1
Single-threaded:   0

Owner:             欧阳明月
Accounts:          1
Contacts:          3
Per account:       3.0
Thin accounts:     0
No decision maker: 0
Open deals:        1
Single-threaded:   1

Key relationships that hang on one of us
┏━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Our person ┃ Accounts ┃ Which             ┃
┡━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ Li Lei     │ 1        │ Northwind Traders │
└────────────┴──────────┴───────────────────┘
Renewals in the next 90 days: 1, annual revenue 2,500,000, 1 at risk
┏━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━┓
┃ Account           ┃ Renewal date ┃ Days ┃ Annual revenue ┃ At risk ┃
┡━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━┩
│ Northwind Traders │ 2027-01-15   │ 54   │ 2,500,000      │ yes     │
└───────────────────┴──────────────┴──────┴────────────────┴─────────┘
Key-people changes by industry, 12 months: no key-person changes in 12 months
Key-people changes by department, 12 months: no key-person changes in 12 months
Key-people changes by title, 12 months: no key-person changes in 12 months
"""

EXPECTED["en"]["report", 200] = """\
Key-account dashboard as of 2026-11-22
Accounts by tier and health band
┏━━━━━━━━━━━┳━━━━━┳━━━━━━━━┳━━━━━━━┳━━━━━━━━━━┳━━━━━━━┓
┃ Tier      ┃ Red ┃ Yellow ┃ Green ┃ No score ┃ Total ┃
┡━━━━━━━━━━━╇━━━━━╇━━━━━━━━╇━━━━━━━╇━━━━━━━━━━╇━━━━━━━┩
│ strategic │ 0   │ 1      │ 0     │ 0        │ 1     │
│ key       │ 1   │ 0      │ 0     │ 0        │ 1     │
│ standard  │ 0   │ 0      │ 0     │ 0        │ 0     │
│ no tier   │ 0   │ 0      │ 0     │ 0        │ 0     │
└───────────┴─────┴────────┴───────┴──────────┴───────┘
Single-threaded deals (open, at least 1,000,000): 1 of 2 (50%), amount 15,000,000
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━┓
┃ Account                        ┃ Opportunity      ┃ Amount     ┃ Stage       ┃ Close      ┃ Contacts ┃ Stability ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━┩
│ 华东电力集团有限公司上海分公司 │ 2027年度运维续约 │ 15,000,000 │ negotiation │ 2026-12-20 │ 王建华   │ at risk   │
└────────────────────────────────┴──────────────────┴────────────┴─────────────┴────────────┴──────────┴───────────┘
Open deals whose key person changed in the last 90 days: 0, amount 0
Key-people changes, 12 months: no key-person changes in 12 months
Coverage per account owner
┏━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Owner    ┃ Accounts ┃ Contacts ┃ Per account ┃ Thin accounts ┃ No decision maker ┃ Open deals ┃ Single-threaded ┃
┡━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ Li Lei   │ 1        │ 2        │ 2.0         │ 1             │ 0                 │ 1          │ 0               │
│ 欧阳明月 │ 1        │ 3        │ 3.0         │ 0             │ 0                 │ 1          │ 1               │
└──────────┴──────────┴──────────┴─────────────┴───────────────┴───────────────────┴────────────┴─────────────────┘
Key relationships that hang on one of us
┏━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Our person ┃ Accounts ┃ Which             ┃
┡━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ Li Lei     │ 1        │ Northwind Traders │
└────────────┴──────────┴───────────────────┘
Renewals in the next 90 days: 1, annual revenue 2,500,000, 1 at risk
┏━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━┓
┃ Account           ┃ Renewal date ┃ Days ┃ Annual revenue ┃ At risk ┃
┡━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━┩
│ Northwind Traders │ 2027-01-15   │ 54   │ 2,500,000      │ yes     │
└───────────────────┴──────────────┴──────┴────────────────┴─────────┘
Key-people changes by industry, 12 months: no key-person changes in 12 months
Key-people changes by department, 12 months: no key-person changes in 12 months
Key-people changes by title, 12 months: no key-person changes in 12 months
"""

EXPECTED["en"]["show", 80] = """\
华东电力集团有限公司上海分公司
industry: 能源 · tier: strategic · owner: 欧阳明月 · annual revenue: 15,000,000
  · status: customer · renewal date: 2027-03-31 (in 129 days)
集团统一采购, renewal talks moved to the regional office after the
  reorganisation in October
Tier: strategic, follow up every 7 days; last interaction: 2026-11-18
Health: 68.0 (yellow): (usage 72 → 7 pts × 30 + renewal intent satisfied → 7 pts
  × 30 + P1 tickets 1 → 6 pts × 20 + NPS 8 → 7 pts × 20) / 100 × 10 = 68
Coverage: 3 active contacts, 3 departments, 2 supporters, 2 decision makers,
  single points: 司马长风
Relationships
Name:        司马长风
Title:       副总经理
Department:  总经办
Roles:       decision maker
Power:       final say
Attitude:    + support
Status:      active
Our side:    欧阳明月, Christopher Montgomery

Name:        王建华
Title:       采购总监
Department:  采购部
Roles:       procurement, decision maker
Power:       strong influence
Attitude:    ++ strong support
Reports to:  司马长风
Status:      leaving
Change date: 2026-12-10
Our side:    欧阳明月

Name:        阿依古丽·买买提
Title:       信息中心主任
Department:  信息中心
Roles:       IT, influencer
Power:       strong influence
Attitude:    0 neutral
Reports to:  司马长风
Status:      active
Change date: 2027-06-01

Account team
┏━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━┓
┃ Name     ┃ Role  ┃ Knows            ┃
┡━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━┩
│ 欧阳明月 │ owner │ 司马长风, 王建华 │
└──────────┴───────┴──────────────────┘
Opportunities
Opportunity: 2027年度运维续约
Amount:      15,000,000
Stage:       negotiation
Open:        open
Close:       2026-12-20
Contacts:    王建华
Coverage:    single
Stability:   at risk

Open handovers
┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┓
┃                 ┃             ┃           ┃            ┃          ┃ Steps    ┃
┃ Departing       ┃ Change date ┃ Next step ┃ Deadline   ┃ Owner    ┃ done     ┃
┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━┩
│ 王建华          │ 2026-12-10  │ confirm   │ 2026-11-26 │ 欧阳明月 │ 0        │
│ 阿依古丽·买买提 │ 2027-06-01  │ confirm   │ 2027-05-18 │ 欧阳明月 │ 0        │
└─────────────────┴─────────────┴───────────┴────────────┴──────────┴──────────┘
Recent interactions
┏━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Date       ┃ Kind    ┃ By       ┃ With     ┃ Summary                         ┃
┡━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 2026-11-18 │ meeting │ 欧阳明月 │ 司马长风 │ Budget review for the 2027      │
│            │         │          │          │ renewal: the group wants one    │
│            │         │          │          │ contract for all regional       │
│            │         │          │          │ offices                         │
└────────────┴─────────┴──────────┴──────────┴─────────────────────────────────┘
Findings
Severity: critical
Code:     KEY_PERSON_LEAVING
Contact:  王建华
Date:     2026-12-10
Message:  decision maker 王建华 changes (resignation) on 2026-12-10

Severity: high
Code:     NO_SUCCESSOR
Contact:  王建华
Date:     2026-12-10
Message:  王建华 leaves on 2026-12-10 and has no successor

Severity: high
Code:     SINGLE_THREADED_DEAL
Contact:  王建华
Date:     2026-12-20
Message:  open opportunity 2027年度运维续约 (15,000,000, stage negotiation) has
          one contact: 王建华

Severity: medium
Code:     HANDOVER_DUE
Contact:  王建华
Date:     2026-11-26
Message:  handover of 王建华: step confirm is due 2026-11-26 (owner 欧阳明月)

Severity: medium
Code:     HANDOVER_DUE
Contact:  王建华
Date:     2026-11-26
Message:  handover of 王建华: step successor is due 2026-11-26 (owner 欧阳明月)

Severity: medium
Code:     HANDOVER_DUE
Contact:  王建华
Date:     2026-12-10
Message:  handover of 王建华: step exit_talk is due 2026-12-10 (owner 欧阳明月)

Severity: medium
Code:     NO_CHAMPION
Message:  no active contact has the champion role

no relations recorded
"""

EXPECTED["en"]["show", 200] = """\
华东电力集团有限公司上海分公司
industry: 能源 · tier: strategic · owner: 欧阳明月 · annual revenue: 15,000,000 · status: customer · renewal date: 2027-03-31 (in 129 days)
集团统一采购, renewal talks moved to the regional office after the reorganisation in October
Tier: strategic, follow up every 7 days; last interaction: 2026-11-18
Health: 68.0 (yellow): (usage 72 → 7 pts × 30 + renewal intent satisfied → 7 pts × 30 + P1 tickets 1 → 6 pts × 20 + NPS 8 → 7 pts × 20) / 100 × 10 = 68
Coverage: 3 active contacts, 3 departments, 2 supporters, 2 decision makers, single points: 司马长风
Relationships
┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Name            ┃ Title        ┃ Department ┃ Roles                       ┃ Power            ┃ Attitude          ┃ Reports to ┃ Status  ┃ Change date ┃ Successor ┃ Our side                         ┃
┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 司马长风        │ 副总经理     │ 总经办     │ decision maker              │ final say        │ + support         │            │ active  │             │           │ 欧阳明月, Christopher Montgomery │
│ 王建华          │ 采购总监     │ 采购部     │ procurement, decision maker │ strong influence │ ++ strong support │ 司马长风   │ leaving │ 2026-12-10  │           │ 欧阳明月                         │
│ 阿依古丽·买买提 │ 信息中心主任 │ 信息中心   │ IT, influencer              │ strong influence │ 0 neutral         │ 司马长风   │ active  │ 2027-06-01  │           │                                  │
└─────────────────┴──────────────┴────────────┴─────────────────────────────┴──────────────────┴───────────────────┴────────────┴─────────┴─────────────┴───────────┴──────────────────────────────────┘
Account team
┏━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━┓
┃ Name     ┃ Role  ┃ Knows            ┃
┡━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━┩
│ 欧阳明月 │ owner │ 司马长风, 王建华 │
└──────────┴───────┴──────────────────┘
Opportunities
┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━┓
┃ Opportunity      ┃ Amount     ┃ Stage       ┃ Open ┃ Close      ┃ Contacts ┃ Coverage ┃ Stability ┃
┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━┩
│ 2027年度运维续约 │ 15,000,000 │ negotiation │ open │ 2026-12-20 │ 王建华   │ single   │ at risk   │
└──────────────────┴────────────┴─────────────┴──────┴────────────┴──────────┴──────────┴───────────┘
Open handovers
┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┓
┃ Departing       ┃ Change date ┃ Next step ┃ Deadline   ┃ Owner    ┃ Steps done ┃
┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━┩
│ 王建华          │ 2026-12-10  │ confirm   │ 2026-11-26 │ 欧阳明月 │ 0          │
│ 阿依古丽·买买提 │ 2027-06-01  │ confirm   │ 2027-05-18 │ 欧阳明月 │ 0          │
└─────────────────┴─────────────┴───────────┴────────────┴──────────┴────────────┘
Recent interactions
┏━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Date       ┃ Kind    ┃ By       ┃ With     ┃ Summary                                                                                   ┃
┡━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 2026-11-18 │ meeting │ 欧阳明月 │ 司马长风 │ Budget review for the 2027 renewal: the group wants one contract for all regional offices │
└────────────┴─────────┴──────────┴──────────┴───────────────────────────────────────────────────────────────────────────────────────────┘
Findings
┏━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Severity ┃ Code                 ┃ Contact ┃ Date       ┃ Message                                                                                   ┃
┡━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ critical │ KEY_PERSON_LEAVING   │ 王建华  │ 2026-12-10 │ decision maker 王建华 changes (resignation) on 2026-12-10                                 │
│ high     │ NO_SUCCESSOR         │ 王建华  │ 2026-12-10 │ 王建华 leaves on 2026-12-10 and has no successor                                          │
│ high     │ SINGLE_THREADED_DEAL │ 王建华  │ 2026-12-20 │ open opportunity 2027年度运维续约 (15,000,000, stage negotiation) has one contact: 王建华 │
│ medium   │ HANDOVER_DUE         │ 王建华  │ 2026-11-26 │ handover of 王建华: step confirm is due 2026-11-26 (owner 欧阳明月)                       │
│ medium   │ HANDOVER_DUE         │ 王建华  │ 2026-11-26 │ handover of 王建华: step successor is due 2026-11-26 (owner 欧阳明月)                     │
│ medium   │ HANDOVER_DUE         │ 王建华  │ 2026-12-10 │ handover of 王建华: step exit_talk is due 2026-12-10 (owner 欧阳明月)                     │
│ medium   │ NO_CHAMPION          │         │            │ no active contact has the champion role                                                   │
└──────────┴──────────────────────┴─────────┴────────────┴───────────────────────────────────────────────────────────────────────────────────────────┘
no relations recorded
"""

EXPECTED["en"]["handover", 80] = """\
Handover of 王建华 (华东电力集团有限公司上海分公司) — resignation on 2026-12-10
— plan open
Step:     confirm
What:     change kind confirmed; is the person still influential after the
          change?
Owner:    欧阳明月
Deadline: 2026-11-26
Status:   open

Step:     successor
What:     successor identified (name, title, department, who appointed them,
          attitude)
Owner:    欧阳明月
Deadline: 2026-11-26
Status:   open

Step:     exit_talk
What:     a farewell conversation with the departing contact, if possible
Owner:    欧阳明月
Deadline: 2026-12-10
Status:   open

Step:     first_meeting
What:     first formal meeting with the successor, notes recorded
Owner:    欧阳明月
Deadline: 2026-12-24
Status:   open

Step:     map_updated
What:     primary contact, roles and attitudes updated
Owner:    欧阳明月
Deadline: 2026-12-24
Status:   open

"""

EXPECTED["en"]["handover", 200] = """\
Handover of 王建华 (华东电力集团有限公司上海分公司) — resignation on 2026-12-10 — plan open
┏━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━┳━━━━━━━┓
┃ Step          ┃ What                                                                         ┃ Owner    ┃ Deadline   ┃ Status ┃ Done ┃ Notes ┃
┡━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━╇━━━━━━━┩
│ confirm       │ change kind confirmed; is the person still influential after the change?     │ 欧阳明月 │ 2026-11-26 │ open   │      │       │
│ successor     │ successor identified (name, title, department, who appointed them, attitude) │ 欧阳明月 │ 2026-11-26 │ open   │      │       │
│ exit_talk     │ a farewell conversation with the departing contact, if possible              │ 欧阳明月 │ 2026-12-10 │ open   │      │       │
│ first_meeting │ first formal meeting with the successor, notes recorded                      │ 欧阳明月 │ 2026-12-24 │ open   │      │       │
│ map_updated   │ primary contact, roles and attitudes updated                                 │ 欧阳明月 │ 2026-12-24 │ open   │      │       │
└───────────────┴──────────────────────────────────────────────────────────────────────────────┴──────────┴────────────┴────────┴──────┴───────┘
"""


EXPECTED["zh"] = {}  # the same book in Chinese (--lang zh)

EXPECTED["zh"]["check", 80] = """\
严重程度: 严重
代码:     RENEWAL_AT_RISK
客户:     Northwind Traders
日期:     2027-01-15
说明:     2027-01-15 续约，还有 54 天，有风险：只有一个支持者：Margaret
          Thompson-Whitfield；健康度 17（红）

严重程度: 严重
代码:     KEY_PERSON_LEAVING
客户:     华东电力集团有限公司上海分公司
联系人:   王建华
日期:     2026-12-10
说明:     决策者 王建华 将于 2026-12-10 变动（离职）

严重程度: 高
代码:     SINGLE_SUPPORTER
客户:     Northwind Traders
联系人:   Margaret Thompson-Whitfield
说明:     Margaret Thompson-Whitfield 是唯一支持我们的联系人

严重程度: 高
代码:     NO_SUCCESSOR
客户:     华东电力集团有限公司上海分公司
联系人:   王建华
日期:     2026-12-10
说明:     王建华 将于 2026-12-10 离开，且没有继任人

严重程度: 高
代码:     SINGLE_THREADED_DEAL
客户:     华东电力集团有限公司上海分公司
联系人:   王建华
日期:     2026-12-20
说明:     进行中的商机 2027年度运维续约（15,000,000，阶段
          negotiation）只有一位联系人：王建华

严重程度: 中
代码:     CHAMPION_QUIET
客户:     Northwind Traders
联系人:   Margaret Thompson-Whitfield
说明:     尚未记录与内部支持者 Margaret Thompson-Whitfield 的任何互动

严重程度: 中
代码:     FOLLOW_UP_OVERDUE
客户:     Northwind Traders
说明:     尚未记录任何互动；重点成长型客户每 14 天跟进一次

严重程度: 中
代码:     SINGLE_THREADED_INSIDE
客户:     Northwind Traders
说明:     我方只有 Li Lei 认识其 1 位关键联系人（决策者、支持者）：Li Lei
          一旦离职，关键关系随之而去

严重程度: 中
代码:     HANDOVER_DUE
客户:     华东电力集团有限公司上海分公司
联系人:   王建华
日期:     2026-11-26
说明:     王建华 的交接：步骤 confirm 将于 2026-11-26 到期（负责人 欧阳明月）

严重程度: 中
代码:     HANDOVER_DUE
客户:     华东电力集团有限公司上海分公司
联系人:   王建华
日期:     2026-11-26
说明:     王建华 的交接：步骤 successor 将于 2026-11-26 到期（负责人 欧阳明月）

严重程度: 中
代码:     HANDOVER_DUE
客户:     华东电力集团有限公司上海分公司
联系人:   王建华
日期:     2026-12-10
说明:     王建华 的交接：步骤 exit_talk 将于 2026-12-10 到期（负责人 欧阳明月）

严重程度: 中
代码:     NO_CHAMPION
客户:     华东电力集团有限公司上海分公司
说明:     没有在职联系人担任内部支持者

"""

EXPECTED["zh"]["check", 200] = """\
┏━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 严重 ┃                        ┃                                ┃                             ┃            ┃                                                                                          ┃
┃ 程度 ┃ 代码                   ┃ 客户                           ┃ 联系人                      ┃ 日期       ┃ 说明                                                                                     ┃
┡━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 严重 │ RENEWAL_AT_RISK        │ Northwind Traders              │                             │ 2027-01-15 │ 2027-01-15 续约，还有 54 天，有风险：只有一个支持者：Margaret Thompson-Whitfield；健康度 │
│      │                        │                                │                             │            │ 17（红）                                                                                 │
│ 严重 │ KEY_PERSON_LEAVING     │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-12-10 │ 决策者 王建华 将于 2026-12-10 变动（离职）                                               │
│ 高   │ SINGLE_SUPPORTER       │ Northwind Traders              │ Margaret Thompson-Whitfield │            │ Margaret Thompson-Whitfield 是唯一支持我们的联系人                                       │
│ 高   │ NO_SUCCESSOR           │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-12-10 │ 王建华 将于 2026-12-10 离开，且没有继任人                                                │
│ 高   │ SINGLE_THREADED_DEAL   │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-12-20 │ 进行中的商机 2027年度运维续约（15,000,000，阶段 negotiation）只有一位联系人：王建华      │
│ 中   │ CHAMPION_QUIET         │ Northwind Traders              │ Margaret Thompson-Whitfield │            │ 尚未记录与内部支持者 Margaret Thompson-Whitfield 的任何互动                              │
│ 中   │ FOLLOW_UP_OVERDUE      │ Northwind Traders              │                             │            │ 尚未记录任何互动；重点成长型客户每 14 天跟进一次                                         │
│ 中   │ SINGLE_THREADED_INSIDE │ Northwind Traders              │                             │            │ 我方只有 Li Lei 认识其 1 位关键联系人（决策者、支持者）：Li Lei                          │
│      │                        │                                │                             │            │ 一旦离职，关键关系随之而去                                                               │
│ 中   │ HANDOVER_DUE           │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-11-26 │ 王建华 的交接：步骤 confirm 将于 2026-11-26 到期（负责人 欧阳明月）                      │
│ 中   │ HANDOVER_DUE           │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-11-26 │ 王建华 的交接：步骤 successor 将于 2026-11-26 到期（负责人 欧阳明月）                    │
│ 中   │ HANDOVER_DUE           │ 华东电力集团有限公司上海分公司 │ 王建华                      │ 2026-12-10 │ 王建华 的交接：步骤 exit_talk 将于 2026-12-10 到期（负责人 欧阳明月）                    │
│ 中   │ NO_CHAMPION            │ 华东电力集团有限公司上海分公司 │                             │            │ 没有在职联系人担任内部支持者                                                             │
└──────┴────────────────────────┴────────────────────────────────┴─────────────────────────────┴────────────┴──────────────────────────────────────────────────────────────────────────────────────────┘
"""

EXPECTED["zh"]["contacts", 80] = """\
华东电力集团有限公司上海分公司
姓名:       司马长风
职位:       副总经理
部门:       总经办
角色:       决策者
决策权:     最终拍板
态度:       + 中度支持
状态:       在职
我方对接人: 欧阳明月, Christopher Montgomery

姓名:       王建华
职位:       采购总监
部门:       采购部
角色:       采购, 决策者
决策权:     重要影响
态度:       ++ 强力支持
上级:       司马长风
状态:       即将离职
变动日期:   2026-12-10
我方对接人: 欧阳明月

姓名:       阿依古丽·买买提
职位:       信息中心主任
部门:       信息中心
角色:       技术, 影响者
决策权:     重要影响
态度:       0 中立
上级:       司马长风
状态:       在职
变动日期:   2027-06-01

"""

EXPECTED["zh"]["contacts", 200] = """\
华东电力集团有限公司上海分公司
┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 姓名            ┃ 职位         ┃ 部门     ┃ 角色         ┃ 决策权   ┃ 态度        ┃ 上级     ┃ 状态     ┃ 变动日期   ┃ 继任人 ┃ 我方对接人                       ┃
┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 司马长风        │ 副总经理     │ 总经办   │ 决策者       │ 最终拍板 │ + 中度支持  │          │ 在职     │            │        │ 欧阳明月, Christopher Montgomery │
│ 王建华          │ 采购总监     │ 采购部   │ 采购, 决策者 │ 重要影响 │ ++ 强力支持 │ 司马长风 │ 即将离职 │ 2026-12-10 │        │ 欧阳明月                         │
│ 阿依古丽·买买提 │ 信息中心主任 │ 信息中心 │ 技术, 影响者 │ 重要影响 │ 0 中立      │ 司马长风 │ 在职     │ 2027-06-01 │        │                                  │
└─────────────────┴──────────────┴──────────┴──────────────┴──────────┴─────────────┴──────────┴──────────┴────────────┴────────┴──────────────────────────────────┘
"""

EXPECTED["zh"]["accounts", 80] = """\
客户:     Northwind Traders
负责人:   Li Lei
联系人:   2
部门:     2
支持者:   1
决策者:   1
问题:     5
状态:     客户
续约日期: 2027-01-15

客户:     华东电力集团有限公司上海分公司
负责人:   欧阳明月
联系人:   3
部门:     3
支持者:   2
决策者:   2
问题:     7
状态:     客户
续约日期: 2027-03-31

"""

EXPECTED["zh"]["accounts", 200] = """\
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━┳━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━┳━━━━━━┳━━━━━━━━━━━━┓
┃ 客户                           ┃ 负责人   ┃ 联系人 ┃ 部门 ┃ 支持者 ┃ 决策者 ┃ 问题 ┃ 状态 ┃ 续约日期   ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━╇━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━╇━━━━━━╇━━━━━━━━━━━━┩
│ Northwind Traders              │ Li Lei   │ 2      │ 2    │ 1      │ 1      │ 5    │ 客户 │ 2027-01-15 │
│ 华东电力集团有限公司上海分公司 │ 欧阳明月 │ 3      │ 3    │ 2      │ 2      │ 7    │ 客户 │ 2027-03-31 │
└────────────────────────────────┴──────────┴────────┴──────┴────────┴────────┴──────┴──────┴────────────┘
"""

EXPECTED["zh"]["health", 80] = """\
客户:      Northwind Traders
分层:      重点成长型
得分:      17.0
等级:      红
活跃度:    40 → 3
续约意向:  无明确表态 → 4
P1 请求:   4 → 2
NPS:       5 → 1
得分 × 10: 27.0
扣分:      SINGLE_SUPPORTER (−10)

客户:      华东电力集团有限公司上海分公司
分层:      战略级
得分:      68.0
等级:      黄
活跃度:    72 → 7
续约意向:  访谈表示满意 → 7
P1 请求:   1 → 6
NPS:       8 → 7
得分 × 10: 68.0

"""

EXPECTED["zh"]["health", 200] = """\
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━┳━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 客户                           ┃ 分层       ┃ 得分 ┃ 等级 ┃ 活跃度 ┃ 续约意向         ┃ P1 请求 ┃ NPS   ┃ 得分 × 10 ┃ 扣分                   ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━╇━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━┩
│ Northwind Traders              │ 重点成长型 │ 17.0 │ 红   │ 40 → 3 │ 无明确表态 → 4   │ 4 → 2   │ 5 → 1 │ 27.0      │ SINGLE_SUPPORTER (−10) │
│ 华东电力集团有限公司上海分公司 │ 战略级     │ 68.0 │ 黄   │ 72 → 7 │ 访谈表示满意 → 7 │ 1 → 6   │ 8 → 7 │ 68.0      │                        │
└────────────────────────────────┴────────────┴──────┴──────┴────────┴──────────────────┴─────────┴───────┴───────────┴────────────────────────┘
"""

EXPECTED["zh"]["report", 80] = """\
截至 2026-11-22 的大客户看板
按分层和健康等级统计客户
┏━━━━━━━━━━━━┳━━━━┳━━━━┳━━━━┳━━━━━━━━┳━━━━━━┓
┃ 分层       ┃ 红 ┃ 黄 ┃ 绿 ┃ 无评分 ┃ 合计 ┃
┡━━━━━━━━━━━━╇━━━━╇━━━━╇━━━━╇━━━━━━━━╇━━━━━━┩
│ 战略级     │ 0  │ 1  │ 0  │ 0      │ 1    │
│ 重点成长型 │ 1  │ 0  │ 0  │ 0      │ 1    │
│ 普通       │ 0  │ 0  │ 0  │ 0      │ 0    │
│ 未分层     │ 0  │ 0  │ 0  │ 0      │ 0    │
└────────────┴────┴────┴────┴────────┴──────┘
单线程商机（进行中，至少 1,000,000）：2 个中的 1 个（50%），金额 15,000,000
客户:     华东电力集团有限公司上海分公司
商机:     2027年度运维续约
金额:     15,000,000
阶段:     negotiation
预计成交: 2026-12-20
联系人:   王建华
稳定性:   有风险

近 90 天关键人变动的进行中商机：0 个，金额 0
12 个月内关键人变动：12 个月内没有关键人变动
各客户经理的覆盖情况
┏━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━┓
┃          ┃        ┃        ┃        ┃ 覆盖  ┃          ┃            ┃        ┃
┃          ┃        ┃        ┃        ┃ 薄弱  ┃          ┃            ┃        ┃
┃ 负责人   ┃ 客户数 ┃ 联系人 ┃ 每客户 ┃ 客户  ┃ 无决策者 ┃ 进行中商机 ┃ 单线程 ┃
┡━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━┩
│ Li Lei   │ 1      │ 2      │ 2.0    │ 1     │ 0        │ 1          │ 0      │
│ 欧阳明月 │ 1      │ 3      │ 3.0    │ 0     │ 0        │ 1          │ 1      │
└──────────┴────────┴────────┴────────┴───────┴──────────┴────────────┴────────┘
只系于我方一人的关键关系
┏━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ 我方人员 ┃ 客户数 ┃ 客户              ┃
┡━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ Li Lei   │ 1      │ Northwind Traders │
└──────────┴────────┴───────────────────┘
未来 90 天内续约：1 个，年采购额 2,500,000，其中 1 个有风险
┏━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┓
┃ 客户              ┃ 续约日期   ┃ 天数 ┃ 年采购额  ┃ 有风险 ┃
┡━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━╇━━━━━━━━┩
│ Northwind Traders │ 2027-01-15 │ 54   │ 2,500,000 │ 是     │
└───────────────────┴────────────┴──────┴───────────┴────────┘
12 个月内关键人变动（按行业）：12 个月内没有关键人变动
12 个月内关键人变动（按部门）：12 个月内没有关键人变动
12 个月内关键人变动（按职位）：12 个月内没有关键人变动
"""

EXPECTED["zh"]["report", 200] = """\
截至 2026-11-22 的大客户看板
按分层和健康等级统计客户
┏━━━━━━━━━━━━┳━━━━┳━━━━┳━━━━┳━━━━━━━━┳━━━━━━┓
┃ 分层       ┃ 红 ┃ 黄 ┃ 绿 ┃ 无评分 ┃ 合计 ┃
┡━━━━━━━━━━━━╇━━━━╇━━━━╇━━━━╇━━━━━━━━╇━━━━━━┩
│ 战略级     │ 0  │ 1  │ 0  │ 0      │ 1    │
│ 重点成长型 │ 1  │ 0  │ 0  │ 0      │ 1    │
│ 普通       │ 0  │ 0  │ 0  │ 0      │ 0    │
│ 未分层     │ 0  │ 0  │ 0  │ 0      │ 0    │
└────────────┴────┴────┴────┴────────┴──────┘
单线程商机（进行中，至少 1,000,000）：2 个中的 1 个（50%），金额 15,000,000
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┓
┃ 客户                           ┃ 商机             ┃ 金额       ┃ 阶段        ┃ 预计成交   ┃ 联系人 ┃ 稳定性 ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━┩
│ 华东电力集团有限公司上海分公司 │ 2027年度运维续约 │ 15,000,000 │ negotiation │ 2026-12-20 │ 王建华 │ 有风险 │
└────────────────────────────────┴──────────────────┴────────────┴─────────────┴────────────┴────────┴────────┘
近 90 天关键人变动的进行中商机：0 个，金额 0
12 个月内关键人变动：12 个月内没有关键人变动
各客户经理的覆盖情况
┏━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━┓
┃ 负责人   ┃ 客户数 ┃ 联系人 ┃ 每客户 ┃ 覆盖薄弱客户 ┃ 无决策者 ┃ 进行中商机 ┃ 单线程 ┃
┡━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━┩
│ Li Lei   │ 1      │ 2      │ 2.0    │ 1            │ 0        │ 1          │ 0      │
│ 欧阳明月 │ 1      │ 3      │ 3.0    │ 0            │ 0        │ 1          │ 1      │
└──────────┴────────┴────────┴────────┴──────────────┴──────────┴────────────┴────────┘
只系于我方一人的关键关系
┏━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ 我方人员 ┃ 客户数 ┃ 客户              ┃
┡━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ Li Lei   │ 1      │ Northwind Traders │
└──────────┴────────┴───────────────────┘
未来 90 天内续约：1 个，年采购额 2,500,000，其中 1 个有风险
┏━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┓
┃ 客户              ┃ 续约日期   ┃ 天数 ┃ 年采购额  ┃ 有风险 ┃
┡━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━╇━━━━━━━━┩
│ Northwind Traders │ 2027-01-15 │ 54   │ 2,500,000 │ 是     │
└───────────────────┴────────────┴──────┴───────────┴────────┘
12 个月内关键人变动（按行业）：12 个月内没有关键人变动
12 个月内关键人变动（按部门）：12 个月内没有关键人变动
12 个月内关键人变动（按职位）：12 个月内没有关键人变动
"""

EXPECTED["zh"]["show", 80] = """\
华东电力集团有限公司上海分公司
行业：能源 · 分层：战略级 · 客户经理：欧阳明月 · 年采购额：15,000,000 ·
  状态：客户 · 续约日期：2027-03-31（还有 129 天）
集团统一采购, renewal talks moved to the regional office after the
  reorganisation in October
分层：战略级，每 7 天跟进一次；最近互动：2026-11-18
健康度：68.0（黄）：(活跃度 72 → 7 分 × 30 + 续约意向 访谈表示满意 → 7 分 × 30 +
  P1 请求 1 → 6 分 × 20 + NPS 8 → 7 分 × 20) / 100 × 10 = 68
覆盖：3 位在职联系人，3 个部门，2 位支持者，2 位决策者，单点：司马长风
关系
姓名:       司马长风
职位:       副总经理
部门:       总经办
角色:       决策者
决策权:     最终拍板
态度:       + 中度支持
状态:       在职
我方对接人: 欧阳明月, Christopher Montgomery

姓名:       王建华
职位:       采购总监
部门:       采购部
角色:       采购, 决策者
决策权:     重要影响
态度:       ++ 强力支持
上级:       司马长风
状态:       即将离职
变动日期:   2026-12-10
我方对接人: 欧阳明月

姓名:       阿依古丽·买买提
职位:       信息中心主任
部门:       信息中心
角色:       技术, 影响者
决策权:     重要影响
态度:       0 中立
上级:       司马长风
状态:       在职
变动日期:   2027-06-01

客户团队
┏━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┓
┃ 姓名     ┃ 角色     ┃ 认识             ┃
┡━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━┩
│ 欧阳明月 │ 客户经理 │ 司马长风, 王建华 │
└──────────┴──────────┴──────────────────┘
商机
商机:     2027年度运维续约
金额:     15,000,000
阶段:     negotiation
状态:     进行中
预计成交: 2026-12-20
联系人:   王建华
覆盖:     单线程
稳定性:   有风险

进行中的交接
┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┓
┃ 离任人          ┃ 变动日期   ┃ 下一步  ┃ 截止日期   ┃ 负责人   ┃ 已完成步骤 ┃
┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━┩
│ 王建华          │ 2026-12-10 │ confirm │ 2026-11-26 │ 欧阳明月 │ 0          │
│ 阿依古丽·买买提 │ 2027-06-01 │ confirm │ 2027-05-18 │ 欧阳明月 │ 0          │
└─────────────────┴────────────┴─────────┴────────────┴──────────┴────────────┘
最近互动
┏━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 日期       ┃ 类型 ┃ 我方人员 ┃ 参与人   ┃ 摘要                               ┃
┡━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 2026-11-18 │ 会议 │ 欧阳明月 │ 司马长风 │ Budget review for the 2027         │
│            │      │          │          │ renewal: the group wants one       │
│            │      │          │          │ contract for all regional offices  │
└────────────┴──────┴──────────┴──────────┴────────────────────────────────────┘
问题
严重程度: 严重
代码:     KEY_PERSON_LEAVING
联系人:   王建华
日期:     2026-12-10
说明:     决策者 王建华 将于 2026-12-10 变动（离职）

严重程度: 高
代码:     NO_SUCCESSOR
联系人:   王建华
日期:     2026-12-10
说明:     王建华 将于 2026-12-10 离开，且没有继任人

严重程度: 高
代码:     SINGLE_THREADED_DEAL
联系人:   王建华
日期:     2026-12-20
说明:     进行中的商机 2027年度运维续约（15,000,000，阶段
          negotiation）只有一位联系人：王建华

严重程度: 中
代码:     HANDOVER_DUE
联系人:   王建华
日期:     2026-11-26
说明:     王建华 的交接：步骤 confirm 将于 2026-11-26 到期（负责人 欧阳明月）

严重程度: 中
代码:     HANDOVER_DUE
联系人:   王建华
日期:     2026-11-26
说明:     王建华 的交接：步骤 successor 将于 2026-11-26 到期（负责人 欧阳明月）

严重程度: 中
代码:     HANDOVER_DUE
联系人:   王建华
日期:     2026-12-10
说明:     王建华 的交接：步骤 exit_talk 将于 2026-12-10 到期（负责人 欧阳明月）

严重程度: 中
代码:     NO_CHAMPION
说明:     没有在职联系人担任内部支持者

没有记录关系
"""

EXPECTED["zh"]["show", 200] = """\
华东电力集团有限公司上海分公司
行业：能源 · 分层：战略级 · 客户经理：欧阳明月 · 年采购额：15,000,000 · 状态：客户 · 续约日期：2027-03-31（还有 129 天）
集团统一采购, renewal talks moved to the regional office after the reorganisation in October
分层：战略级，每 7 天跟进一次；最近互动：2026-11-18
健康度：68.0（黄）：(活跃度 72 → 7 分 × 30 + 续约意向 访谈表示满意 → 7 分 × 30 + P1 请求 1 → 6 分 × 20 + NPS 8 → 7 分 × 20) / 100 × 10 = 68
覆盖：3 位在职联系人，3 个部门，2 位支持者，2 位决策者，单点：司马长风
关系
┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 姓名            ┃ 职位         ┃ 部门     ┃ 角色         ┃ 决策权   ┃ 态度        ┃ 上级     ┃ 状态     ┃ 变动日期   ┃ 继任人 ┃ 我方对接人                       ┃
┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 司马长风        │ 副总经理     │ 总经办   │ 决策者       │ 最终拍板 │ + 中度支持  │          │ 在职     │            │        │ 欧阳明月, Christopher Montgomery │
│ 王建华          │ 采购总监     │ 采购部   │ 采购, 决策者 │ 重要影响 │ ++ 强力支持 │ 司马长风 │ 即将离职 │ 2026-12-10 │        │ 欧阳明月                         │
│ 阿依古丽·买买提 │ 信息中心主任 │ 信息中心 │ 技术, 影响者 │ 重要影响 │ 0 中立      │ 司马长风 │ 在职     │ 2027-06-01 │        │                                  │
└─────────────────┴──────────────┴──────────┴──────────────┴──────────┴─────────────┴──────────┴──────────┴────────────┴────────┴──────────────────────────────────┘
客户团队
┏━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┓
┃ 姓名     ┃ 角色     ┃ 认识             ┃
┡━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━┩
│ 欧阳明月 │ 客户经理 │ 司马长风, 王建华 │
└──────────┴──────────┴──────────────────┘
商机
┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━┓
┃ 商机             ┃ 金额       ┃ 阶段        ┃ 状态   ┃ 预计成交   ┃ 联系人 ┃ 覆盖   ┃ 稳定性 ┃
┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━┩
│ 2027年度运维续约 │ 15,000,000 │ negotiation │ 进行中 │ 2026-12-20 │ 王建华 │ 单线程 │ 有风险 │
└──────────────────┴────────────┴─────────────┴────────┴────────────┴────────┴────────┴────────┘
进行中的交接
┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┓
┃ 离任人          ┃ 变动日期   ┃ 下一步  ┃ 截止日期   ┃ 负责人   ┃ 已完成步骤 ┃
┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━┩
│ 王建华          │ 2026-12-10 │ confirm │ 2026-11-26 │ 欧阳明月 │ 0          │
│ 阿依古丽·买买提 │ 2027-06-01 │ confirm │ 2027-05-18 │ 欧阳明月 │ 0          │
└─────────────────┴────────────┴─────────┴────────────┴──────────┴────────────┘
最近互动
┏━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 日期       ┃ 类型 ┃ 我方人员 ┃ 参与人   ┃ 摘要                                                                                      ┃
┡━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 2026-11-18 │ 会议 │ 欧阳明月 │ 司马长风 │ Budget review for the 2027 renewal: the group wants one contract for all regional offices │
└────────────┴──────┴──────────┴──────────┴───────────────────────────────────────────────────────────────────────────────────────────┘
问题
┏━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 严重程度 ┃ 代码                 ┃ 联系人 ┃ 日期       ┃ 说明                                                                                ┃
┡━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 严重     │ KEY_PERSON_LEAVING   │ 王建华 │ 2026-12-10 │ 决策者 王建华 将于 2026-12-10 变动（离职）                                          │
│ 高       │ NO_SUCCESSOR         │ 王建华 │ 2026-12-10 │ 王建华 将于 2026-12-10 离开，且没有继任人                                           │
│ 高       │ SINGLE_THREADED_DEAL │ 王建华 │ 2026-12-20 │ 进行中的商机 2027年度运维续约（15,000,000，阶段 negotiation）只有一位联系人：王建华 │
│ 中       │ HANDOVER_DUE         │ 王建华 │ 2026-11-26 │ 王建华 的交接：步骤 confirm 将于 2026-11-26 到期（负责人 欧阳明月）                 │
│ 中       │ HANDOVER_DUE         │ 王建华 │ 2026-11-26 │ 王建华 的交接：步骤 successor 将于 2026-11-26 到期（负责人 欧阳明月）               │
│ 中       │ HANDOVER_DUE         │ 王建华 │ 2026-12-10 │ 王建华 的交接：步骤 exit_talk 将于 2026-12-10 到期（负责人 欧阳明月）               │
│ 中       │ NO_CHAMPION          │        │            │ 没有在职联系人担任内部支持者                                                        │
└──────────┴──────────────────────┴────────┴────────────┴─────────────────────────────────────────────────────────────────────────────────────┘
没有记录关系
"""

EXPECTED["zh"]["handover", 80] = """\
王建华（华东电力集团有限公司上海分公司）的交接 — 2026-12-10 离职 — 计划进行中
步骤:     confirm
内容:     确认变动类型；变动后此人是否仍有影响力？
负责人:   欧阳明月
截止日期: 2026-11-26
状态:     未完成

步骤:     successor
内容:     确定继任人（姓名、职位、部门、由谁任命、态度）
负责人:   欧阳明月
截止日期: 2026-11-26
状态:     未完成

步骤:     exit_talk
内容:     如有可能，与离任联系人进行一次告别谈话
负责人:   欧阳明月
截止日期: 2026-12-10
状态:     未完成

步骤:     first_meeting
内容:     与继任人首次正式会面，并记录纪要
负责人:   欧阳明月
截止日期: 2026-12-24
状态:     未完成

步骤:     map_updated
内容:     更新主要联系人、角色和态度
负责人:   欧阳明月
截止日期: 2026-12-24
状态:     未完成

"""

EXPECTED["zh"]["handover", 200] = """\
王建华（华东电力集团有限公司上海分公司）的交接 — 2026-12-10 离职 — 计划进行中
┏━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━┳━━━━━━┓
┃ 步骤          ┃ 内容                                           ┃ 负责人   ┃ 截止日期   ┃ 状态   ┃ 完成日期 ┃ 备注 ┃
┡━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━╇━━━━━━┩
│ confirm       │ 确认变动类型；变动后此人是否仍有影响力？       │ 欧阳明月 │ 2026-11-26 │ 未完成 │          │      │
│ successor     │ 确定继任人（姓名、职位、部门、由谁任命、态度） │ 欧阳明月 │ 2026-11-26 │ 未完成 │          │      │
│ exit_talk     │ 如有可能，与离任联系人进行一次告别谈话         │ 欧阳明月 │ 2026-12-10 │ 未完成 │          │      │
│ first_meeting │ 与继任人首次正式会面，并记录纪要               │ 欧阳明月 │ 2026-12-24 │ 未完成 │          │      │
│ map_updated   │ 更新主要联系人、角色和态度                     │ 欧阳明月 │ 2026-12-24 │ 未完成 │          │      │
└───────────────┴────────────────────────────────────────────────┴──────────┴────────────┴────────┴──────────┴──────┘
"""


CASES = [(lang, command) for lang, texts in EXPECTED.items() for command in COMMANDS if (command, 80) in texts]


@pytest.mark.parametrize(("lang", "command"), CASES)
def test_each_command_reads_well_at_80_and_at_200_columns(kam, write_csv, monkeypatch, lang, command):
    build_book(kam, write_csv)
    for width in (80, 200):
        text = shown(kam, monkeypatch, COMMANDS[command], width, lang)
        assert text == EXPECTED[lang][command, width], (command, width)
        assert all(len(line) == len(line.rstrip()) for line in text.splitlines())
    # on a terminal, the same text in colour
    coloured = shown(kam, monkeypatch, COMMANDS[command], 80, lang, colour=True)
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == EXPECTED[lang][command, 80]


def columns_of(text: str) -> int:
    from rich.cells import cell_len

    return max(cell_len(line) for line in text.splitlines())


def test_a_pipe_without_COLUMNS_draws_tables_at_most_100_columns(kam, write_csv, monkeypatch):
    build_book(kam, write_csv)
    monkeypatch.delenv("COLUMNS")
    for args in COMMANDS.values():
        out = kam("--as-of", AS_OF, *args).stdout
        assert columns_of(out) <= 100, args
    found = kam("--as-of", AS_OF, "check").stdout
    assert "\nCode:     SINGLE_THREADED_DEAL\n" in found  # 95 columns of codes, names and dates: stacked
    monkeypatch.setenv("COLUMNS", "150")
    assert 100 < columns_of(kam("--as-of", AS_OF, "check").stdout) <= 150


def test_the_map_fits_80_columns_and_never_breaks_a_name(kam, write_csv, monkeypatch):
    build_book(kam, write_csv)
    monkeypatch.setenv("COLUMNS", "80")
    lines = kam("--as-of", AS_OF, "map", BIG).stdout.splitlines()
    assert columns_of("\n".join(lines)) <= 80
    assert lines[:5] == [
        BIG,
        "└── 司马长风 · 副总经理 · 总经办 [decision maker] power: final say + support",
        "    │   ⚑ single point",
        "    ├── 王建华 · 采购总监 · 采购部 [procurement, decision maker] power: strong",
        "    │       influence ++ strong support  ⚑ leaving 2026-12-10  ⚑ no successor",
    ]
    assert lines[-2:] == [
        "Coverage: 3 active contacts, 3 departments, 2 supporters, 2 decision makers, 1",
        "  single point (司马长风)",
    ]
    for name in ("司马长风", "王建华", "阿依古丽·买买提"):
        assert any(f"── {name} · " in line for line in lines), name


def test_too_narrow_for_label_and_value_side_by_side_each_value_goes_under_its_label(kam, write_csv, monkeypatch):
    build_book(kam, write_csv)
    text = shown(kam, monkeypatch, ("accounts",), 30)
    assert text.startswith("Account:\n  Northwind Traders\nOwner:\n  Li Lei\nContacts:\n  2\n")
    assert f"Account:\n  {BIG}\n" in text  # a name is never cut, even where it is wider than the line
