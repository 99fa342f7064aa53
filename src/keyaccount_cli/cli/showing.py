"""`kam show`: the 360° page of one account."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import Format, FormatOption, guarded, state


def register(app: typer.Typer) -> None:
    app.command("show", epilog="Example: kam show 华东电力集团")(show)


@guarded
def show(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name (case-insensitive).", show_default=False)],
    format: FormatOption = Format.table,
) -> None:
    """The 360° page: profile, coverage, relationship table, open handovers, recent interactions, findings."""
    from ..domain.checks import check_account, sort_findings
    from ..domain.graph import coverage, single_points
    from ..services.options import check_options
    from ..services.records import contact_record
    from ..storage.plans import load_plan
    from ..storage.records import load_accounts, moved_to_accounts, recent_interactions

    st = state(ctx)
    opts = check_options(st.config(), st.today)
    with st.db().session() as s:
        (view,) = load_accounts(s, [account])
        moved = moved_to_accounts(s, view.contacts)
        names = {c.id: c.name for c in view.contacts}
        plans = []
        for cid in dict.fromkeys(step.contact_id for step in view.open_steps):
            plan = load_plan(s.connection(), cid, latest_closed=False)
            if plan is not None:
                plans.append(plan)
        interactions = recent_interactions(s, view.id)
    cov = coverage(view, single_points(view))
    findings = [f.as_record() for f in sort_findings(check_account(view, opts))]
    from ..domain.health import assess
    from ..domain.health import record as health_record
    from ..domain.portfolio import last_interaction, opportunity_record

    policy = opts.policy
    tier = policy.tier(view)
    health = health_record(view.name, tier, assess(view, st.config().scorecard, opts))
    last = last_interaction(view, opts.today)
    follow_up = {"tier": tier, "tier_from_revenue": tier is not None and view.tier is None,
                 "cadence_days": policy.cadence(tier), "last_interaction": last.isoformat() if last else None}  # fmt: skip
    opportunities = [opportunity_record(o, view, policy, opts.today) for o in view.opportunities]
    handovers = []
    for p in plans:
        nxt = p.next_step or {}
        handovers.append({
            "contact": p.contact, "kind": p.kind, "change_date": p.change_date.isoformat() if p.change_date else None,
            "next_step": nxt.get("step"), "deadline": nxt["deadline"].isoformat() if nxt.get("deadline") else None,
            "owner": nxt.get("owner"), "steps_done": sum(1 for x in p.steps if x["status"] == "done"),
        })  # fmt: skip
    page: dict[str, Any] = {
        "account": view.name, "industry": view.industry, "tier": view.tier, "owner": view.owner,
        "annual_revenue": view.annual_revenue, "notes": view.notes,
        "coverage": {"active_contacts": cov.active, "departments": cov.departments, "supporters": cov.supporters,
                     "decision_makers": cov.decision_makers, "single_points": cov.single_points},
        "contacts": [contact_record(c, view.name, names, moved) for c in view.contacts],
        "handovers": handovers, "interactions": interactions, "findings": findings,
        "follow_up": follow_up, "health": {k: v for k, v in health.items() if k not in ("account", "tier")},
        "opportunities": opportunities,
    }  # fmt: skip
    if format is not Format.table:
        from ..render.output import emit

        if format is Format.csv:  # a page does not fit one sheet: its relationship table does
            emit(page["contacts"], "csv", [])
        else:
            emit([page], format.value, [])
        return
    _render(page)


def _render(page: dict[str, Any]) -> None:
    from rich.markup import escape

    from ..render.output import attitude_text, console, emit

    con = console()
    con.print(f"[bold underline]{escape(page['account'])}[/]")
    shown = {**page, "annual_revenue": f"{page['annual_revenue']:,.0f}" if page["annual_revenue"] is not None else None}
    profile = [f"{k}: {shown[k]}" for k in ("industry", "tier", "owner", "annual_revenue") if shown[k] is not None]
    if profile:
        con.print(escape(" · ".join(profile)))
    if page["notes"]:
        con.print(escape(page["notes"]))
    fu, health = page["follow_up"], page["health"]
    if fu["tier"]:
        derived = " (from annual revenue)" if fu["tier_from_revenue"] else ""
        con.print(escape(f"Tier: {fu['tier']}{derived}, follow up every {fu['cadence_days']} days; "
                         f"last interaction: {fu['last_interaction'] or 'none'}"))  # fmt: skip
    if health["score"] is not None:
        con.print(escape(f"Health: {health['score']} ({health['band']}): {health['explanation']}"))
    cov = page["coverage"]
    con.print(escape(
        f"Coverage: {cov['active_contacts']} active contacts, {cov['departments']} departments, "
        f"{cov['supporters']} supporters, {cov['decision_makers']} decision makers, "
        f"single points: {', '.join(cov['single_points']) or 'none'}"))  # fmt: skip
    rows = [dict(r, roles=", ".join(r["roles"]), attitude=attitude_text(r["attitude"]).plain if r["attitude"] else "")
            for r in page["contacts"]]  # fmt: skip
    emit(rows, "table", [("name", "Name"), ("title", "Title"), ("department", "Department"), ("roles", "Roles"),
         ("decision_power", "Power"), ("attitude", "Attitude"), ("reports_to", "Reports to"), ("status", "Status"),
         ("change_date", "Change date"), ("successor", "Successor")], title="Relationships",
         empty="no contacts")  # fmt: skip
    emit([dict(o, contacts=", ".join(o["contacts"]), amount=f"{o['amount']:,.0f}" if o["amount"] is not None else None,
               open="open" if o["open"] else "closed") for o in page["opportunities"]], "table",
         [("opportunity", "Opportunity"), ("amount", "Amount"), ("stage", "Stage"), ("open", "Open"),
          ("close_date", "Close"), ("contacts", "Contacts"), ("coverage", "Coverage"), ("stability", "Stability")],
         title="Opportunities", empty="no opportunities")  # fmt: skip
    emit(page["handovers"], "table", [("contact", "Departing"), ("change_date", "Change date"),
         ("next_step", "Next step"), ("deadline", "Deadline"), ("owner", "Owner"), ("steps_done", "Steps done")],
         title="Open handovers", empty="no open handovers")  # fmt: skip
    emit([dict(i, contacts=", ".join(i["contacts"])) for i in page["interactions"]], "table",
         [("date", "Date"), ("kind", "Kind"), ("contacts", "With"), ("summary", "Summary")],
         title="Recent interactions", empty="no interactions logged")  # fmt: skip
    emit(page["findings"], "table", [("severity", "Severity"), ("code", "Code"), ("contact", "Contact"),
         ("date", "Date"), ("message", "Message")], title="Findings", empty="no findings")  # fmt: skip
