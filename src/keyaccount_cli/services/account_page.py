"""`kam show`: the 360° page of one account, as one record (rendered by the command line)."""

from __future__ import annotations

from typing import Any

from ..domain.checks import CheckOptions, check_account, coverage, sort_findings
from ..domain.early_warnings import in_window, renewal_reasons
from ..domain.findings import Finding
from ..domain.graph import single_points
from ..domain.health import Scorecard, assess
from ..domain.health import record as health_record
from ..domain.portfolio import last_interaction, opportunity_record
from ..domain.succession import PlanView
from ..domain.views import AccountFacts, AccountView, OwnerStepView, covered
from ..storage.activity import recent_interactions
from ..storage.plans import load_plan
from ..storage.reader import Reader
from .listing import account_contacts
from .our_side import account_team


def _handover(p: PlanView) -> dict[str, Any]:
    nxt = p.next_step or {}
    return {
        "contact": p.contact, "kind": p.kind, "change_date": p.change_date.isoformat() if p.change_date else None,
        "next_step": nxt.get("step"), "deadline": nxt["deadline"].isoformat() if nxt.get("deadline") else None,
        "owner": nxt.get("owner"), "steps_done": sum(1 for x in p.steps if x["status"] == "done"),
    }  # fmt: skip


def _owner_handover(steps: list[OwnerStepView]) -> dict[str, Any] | None:
    """The account's open owner handover plan (`kam reassign`), with its next step: the first due."""
    if not steps:
        return None
    nxt = steps[0]
    return {"from": nxt.from_owner, "to": nxt.to_owner, "next_step": nxt.step, "deadline": nxt.deadline.isoformat(),
            "open_steps": len(steps)}  # fmt: skip


def account_page(reader: Reader, account: str, card: Scorecard, opts: CheckOptions) -> dict[str, Any]:
    """Profile, coverage, relationship table, relations (as `kam relate` recorded them), open handovers, recent interactions, findings, follow-up,
    health, opportunities and the account team (docs/spec.md §9) of the account named `account`."""
    view, contacts = account_contacts(reader, account, opts.today, opts.early)
    plans = [
        load_plan(reader, cid, latest_closed=False, today=opts.today)
        for cid in dict.fromkeys(s.contact_id for s in view.open_steps)
    ]
    interactions = recent_interactions(reader, view.id)
    names = {c.id: c.name for c in view.contacts}
    relations = [{"contact": names[r.from_id], "kind": r.kind, "other": names[r.to_id]}
                 for r in view.relations if r.from_id in names and r.to_id in names]  # fmt: skip
    cov = coverage(view, single_points(view))
    found = sort_findings(check_account(view, opts))
    findings = [f.as_record() for f in found]
    policy = opts.policy
    tier, tier_source = policy.tier(view), policy.tier_source(view)
    health = health_record(view.name, tier, assess(view, card, opts), tier_source)
    last = last_interaction(view, opts.today)
    follow_up = {"tier": tier, "tier_from_revenue": tier_source == "revenue",
                 "cadence_days": policy.cadence(tier), "last_interaction": last.isoformat() if last else None,
                 "tier_source": tier_source}  # fmt: skip
    return {
        "account": view.name, "industry": view.industry, "tier": tier, "tier_source": tier_source,
        "owner": view.owner,
        "annual_revenue": view.annual_revenue, "notes": view.notes,
        "coverage": {"active_contacts": cov.active, "departments": cov.departments, "supporters": cov.supporters,
                     "decision_makers": cov.decision_makers, "single_points": cov.single_points},
        "contacts": contacts, "relations": relations, "handovers": [_handover(p) for p in plans if p is not None],
        "interactions": interactions, "findings": findings,
        "follow_up": follow_up, "health": {k: v for k, v in health.items() if k not in ("account", "tier", "tier_source")},
        "opportunities": [opportunity_record(o, view, policy, opts.today) for o in view.opportunities],
        "status": view.status, "renewal_date": view.renewal_date.isoformat() if view.renewal_date else None,
        "owner_handover": _owner_handover(view.owner_steps),
        "renewal_days": (view.renewal_date - opts.today).days if view.renewal_date else None,
        "renewal_risks": _renewal_risks(view, found, opts),
        "team": account_team(reader, view.name)[1],
    }  # fmt: skip


def _renewal_risks(view: AccountView, found: list[Finding], opts: CheckOptions) -> list[str]:
    """Why the renewal is at risk (the reasons RENEWAL_AT_RISK lists), when it falls in the window."""
    early = view.early
    if early is None or not covered(view.status) or not in_window(early.renewal_date, opts.today, opts.early):
        return []
    watch = [c for c in view.contacts if AccountFacts.watched(c)]
    return renewal_reasons(early, watch, found, opts.today, opts.card, opts.disabled)
