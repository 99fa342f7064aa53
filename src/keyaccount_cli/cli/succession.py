"""`kam leave`, `handover`, `log`, `forget`: when a key person changes, turn it into a plan."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AccountOption, Format, FormatOption, err, guarded, parse_day, state


def register(app: typer.Typer) -> None:
    app.command("leave", epilog="Example: kam leave wangjh@ecpower.example --on 2026-12-10 --kind resignation --moved-to 远景能源")(leave)
    app.command("handover", epilog="Example: kam handover 王建华   |   kam handover 王建华 --done exit_talk --notes '愿意引荐新总监'")(handover)
    app.command("log", epilog='Example: kam log 华东电力集团 "首次会面，确认续约时间表" --contact 李娜 --kind meeting --on 2026-12-12')(log)
    app.command("forget", epilog="Example: kam forget wangjh@ecpower.example --yes")(forget)


@guarded
def leave(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="The departing contact (email, id or name).", show_default=False)],
    on: Annotated[str, typer.Option("--on", help="Date of the change (YYYY-MM-DD); a date up to today marks them as left.", metavar="DATE")],
    kind: Annotated[str | None, typer.Option("--kind", help="resignation, transfer or promotion.")] = None,
    successor: Annotated[str | None, typer.Option("--successor", help="Who takes over (same account).")] = None,
    moved_to: Annotated[str | None, typer.Option("--moved-to", help="The account they go to (created if new); they are kept there as a new contact, a lead.", metavar="ACCOUNT")] = None,
    account: AccountOption = None,
) -> None:  # fmt: skip
    """Record a coming or past change of a contact and open their handover plan."""
    from ..storage.models import Contact
    from ..storage.plans import sync_plans
    from ..storage.records import (
        check_reference,
        ensure_account,
        find_account_name,
        record_change,
        resolve_contact,
        update_contact,
    )

    st = state(ctx)
    day = parse_day(on, "--on")
    assert day is not None
    vocab = st.config().vocabulary
    values: dict[str, object] = {
        "change_date": day, "status": "left" if day <= st.today else "leaving", "change_risk": "confirmed",
    }  # fmt: skip
    if kind:
        values["change_kind"] = vocab.one("change_kind", kind)
    with st.db().session(write=True) as s:
        c = resolve_contact(s, contact, account)
        if successor:
            other = resolve_contact(s, successor, find_account_name(s, c.account_id))
            check_reference(s, c, other, "successor")
            values["successor_id"] = other.id
        if moved_to:
            new_account, _ = ensure_account(s, moved_to, source="leave", at=st.now)
            if new_account.id == c.account_id:
                from ..errors import KamError

                raise KamError(f"--moved-to: {c.name} is already at {new_account.name}")
            old_account = find_account_name(s, c.account_id)
            earlier = s.get(Contact, c.moved_to_id) if c.moved_to_id is not None else None
            if earlier is not None and earlier.account_id == new_account.id:
                lead = earlier  # recorded before: keep the one lead
            else:
                lead = Contact(
                    account_id=new_account.id, name=c.name, name_key=c.name_key, phone=c.phone,  # type: ignore[arg-type]
                    attitude=c.attitude, roles=None,
                    notes=f"lead: formerly {c.title or 'contact'} at {old_account}", created_at=st.now,
                    updated_at=st.now,
                )  # fmt: skip
                s.add(lead)
                s.flush()
                record_change(s, entity="contact", entity_id=lead.id, account_id=new_account.id,  # type: ignore[arg-type]
                              field="*", old=None, new=f"created (moved from {old_account})", source="leave", at=st.now)
            values["moved_to_id"] = lead.id
        changed = update_contact(s, c, values, source="leave", at=st.now)  # type: ignore[arg-type]
        s.flush()
        opened = sync_plans(s.connection(), [c.id], offsets=st.config().deadlines, today=st.today, at=st.now)  # type: ignore[list-item]
        s.commit()
    what = "left" if values["status"] == "left" else "leaving"
    err(f"{c.name}: {what} on {day.isoformat()}" + ("" if changed else " (already recorded)"))
    if moved_to:
        err(f"kept at {moved_to} as a new contact (a lead), linked to the old record")
    if opened:
        err(f"opened a handover plan: kam handover {contact}")


@guarded
def handover(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="The departing contact.", show_default=False)],
    done: Annotated[str | None, typer.Option("--done", help="Complete this step (confirm, successor, exit_talk, first_meeting, map_updated, or 1–5).", metavar="STEP")] = None,
    on: Annotated[str | None, typer.Option("--on", help="When the step was done (default today).", metavar="DATE")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Notes on the step.")] = None,
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """Show a departing contact's handover plan, or complete one of its steps."""
    from ..domain.succession import step_name
    from ..errors import KamError
    from ..render.output import emit
    from ..storage.plans import complete_step, load_plan, open_plan_id
    from ..storage.records import resolve_contact

    st = state(ctx)
    if done is None and (on or notes):
        raise KamError("--on and --notes go with --done STEP")
    with st.db(create=False).session(write=done is not None) as s:
        c = resolve_contact(s, contact, account)
        if done is not None:
            step = step_name(done)
            plan_id = open_plan_id(s.connection(), c.id)  # type: ignore[arg-type]
            if plan_id is None:
                raise KamError(f"{c.name} has no open handover plan; kam leave {contact} --on DATE opens one")
            complete_step(s.connection(), plan_id, step, on=parse_day(on, "--on") or st.today, notes=notes)
            s.commit()
            err(f"{c.name}: step {step} done")
        plan = load_plan(s.connection(), c.id)  # type: ignore[arg-type]
    if plan is None:
        raise KamError(f"{c.name} has no handover plan; kam leave {contact} --on DATE opens one")
    records = [{
        "step": p["step"], "description": p["description"], "owner": p["owner"],
        "deadline": p["deadline"].isoformat() if p["deadline"] else None, "status": p["status"],
        "overdue": plan.status == "open" and p["status"] == "open" and p["deadline"] is not None
                   and p["deadline"] < st.today,
        "done_on": p["done_on"].isoformat() if p["done_on"] else None, "notes": p["notes"],
    } for p in plan.steps]  # fmt: skip
    when = f"{plan.kind or 'change'} on {plan.change_date.isoformat()}" if plan.change_date else (plan.kind or "change")
    title = f"Handover of {plan.contact} ({plan.account}) — {when} — plan {plan.status}"
    if format is Format.table:
        for r in records:
            r["status"] = "OVERDUE" if r["overdue"] else r["status"]
    emit(records, format.value, [("step", "Step"), ("description", "What"), ("owner", "Owner"),
         ("deadline", "Deadline"), ("status", "Status"), ("done_on", "Done"), ("notes", "Notes")],
         title=title, style=lambda r: "bold red" if r["overdue"] else ("dim" if r["status"] == "done" else None))  # fmt: skip


@guarded
def log(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The account.", show_default=False)],
    summary: Annotated[str, typer.Argument(help="What happened.", show_default=False)],
    contact: Annotated[list[str] | None, typer.Option("--contact", "-c", help="Who took part (repeatable).")] = None,
    kind: Annotated[str, typer.Option("--kind", help="meeting, call, email, visit or note.")] = "note",
    on: Annotated[str | None, typer.Option("--on", help="Date (default today).", metavar="DATE")] = None,
) -> None:  # fmt: skip
    """Record an interaction. A meeting or visit with a successor completes their handover's first_meeting step."""
    from ..errors import KamError
    from ..storage.models import Interaction, InteractionContact
    from ..storage.plans import complete_step, plans_waiting_for
    from ..storage.records import require_account, resolve_contact

    st = state(ctx)
    k = st.config().vocabulary.one("interaction_kind", kind)
    day = parse_day(on, "--on") or st.today
    if not summary.strip():
        raise KamError("the summary cannot be empty")
    with st.db(create=False).session(write=True) as s:
        acc = require_account(s, account)
        people = [resolve_contact(s, ref, acc.name) for ref in contact or []]
        item = Interaction(account_id=acc.id, on=day, kind=k, summary=summary.strip(), created_at=st.now)  # type: ignore[arg-type]
        s.add(item)
        s.flush()
        for p in {p.id: p for p in people}.values():
            s.add(InteractionContact(interaction_id=item.id, contact_id=p.id))  # type: ignore[arg-type]
        s.flush()
        completed = []
        if k in ("meeting", "visit"):
            for p in people:
                for plan_id in plans_waiting_for(s.connection(), p.id):  # type: ignore[arg-type]
                    if complete_step(s.connection(), plan_id, "first_meeting", on=day, notes=summary.strip(), only_if_open=True):
                        completed.append(p.name)
        s.commit()
    err(f"logged {k} with {acc.name} on {day.isoformat()}")
    for name in completed:
        err(f"first meeting with successor {name}: handover step first_meeting done")


@guarded
def forget(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="The person to erase.", show_default=False)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    account: AccountOption = None,
) -> None:
    """Erase a person and their history from the database file (a data-subject request)."""
    from ..storage.records import forget_contact, resolve_contact, same_person

    st = state(ctx)
    db = st.db(create=False)
    with db.session() as s:
        c = resolve_contact(s, contact, account)
        name, cid = c.name, c.id
        records = same_person(s, cid)  # type: ignore[arg-type]
    also = f" and their {len(records) - 1} record(s) at other accounts (moved to/from)" if len(records) > 1 else ""
    if not yes:
        try:
            sure = typer.confirm(f"Erase {name} (#{cid}){also}, their relations, handovers and history for good?",
                                 err=True)  # fmt: skip
        except typer.Abort:  # no answer (no terminal, end of input)
            sure = False
        if not sure:
            err(f"kam: {name} was not forgotten (answer y, or pass --yes)")
            raise typer.Exit(2)
    counts = forget_contact(db, records, at=st.now)
    err(f"forgot {name}{also}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))

