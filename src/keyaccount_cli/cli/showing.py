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
    from ..checks import check_account, sort_findings
    from ..graph import coverage, single_points
    from ..store import load_accounts, moved_to_accounts, recent_interactions
    from ..succession import load_plan
    from .contacts import _check_options, _contact_record

    st = state(ctx)
    opts = _check_options(st)
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
        "contacts": [_contact_record(c, view.name, names, moved) for c in view.contacts],
        "handovers": handovers, "interactions": interactions, "findings": findings,
    }  # fmt: skip
    if format is not Format.table:
        from ..render import emit

        emit([page], format.value, [])
        return
    _render(page)


def _render(page: dict[str, Any]) -> None:
    from rich.markup import escape

    from ..render import attitude_text, console, emit

    con = console()
    con.print(f"[bold underline]{escape(page['account'])}[/]")
    profile = [f"{k}: {page[k]}" for k in ("industry", "tier", "owner", "annual_revenue") if page[k] is not None]
    if profile:
        con.print(escape(" · ".join(profile)))
    if page["notes"]:
        con.print(escape(page["notes"]))
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
    emit(page["handovers"], "table", [("contact", "Departing"), ("change_date", "Change date"),
         ("next_step", "Next step"), ("deadline", "Deadline"), ("owner", "Owner"), ("steps_done", "Steps done")],
         title="Open handovers", empty="no open handovers")  # fmt: skip
    emit([dict(i, contacts=", ".join(i["contacts"])) for i in page["interactions"]], "table",
         [("date", "Date"), ("kind", "Kind"), ("contacts", "With"), ("summary", "Summary")],
         title="Recent interactions", empty="no interactions logged")  # fmt: skip
    emit(page["findings"], "table", [("severity", "Severity"), ("code", "Code"), ("contact", "Contact"),
         ("date", "Date"), ("message", "Message")], title="Findings", empty="no findings")  # fmt: skip
