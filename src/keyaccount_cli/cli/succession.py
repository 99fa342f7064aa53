"""`kam leave`, `handover`, `log`, `forget`: when a key person changes, turn it into a plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from ..domain.labels import label
from ..i18n import N_, _, ngettext
from .common import (
    AccountOption,
    Format,
    FormatOption,
    State,
    err,
    examples,
    guarded,
    note,
    one_of,
    option_word,
    parse_day,
    state,
)
from .reassigning import owner_handover
from .reassigning import register as register_reassign


def register(app: typer.Typer) -> None:
    app.command("leave", epilog=examples(
        "kam leave wangjh@ecpower.example --on 2026-12-10 --kind resignation",
        "kam leave 王建华 --on 2026-12-10 --successor 李娜 --moved-to 远景能源",
    ))(leave)  # fmt: skip
    app.command("handover", epilog=examples(
        "kam handover 王建华",
        "kam handover 王建华 --done exit_talk --notes 愿意引荐新总监",
        "kam handover 王建华 --owner 李雷 --step first_meeting",
    ))(handover)  # fmt: skip
    app.command("log", epilog=examples(
        "kam log 华东电力集团 \"确认续约时间表\" --contact 李娜 --kind meeting",
        "kam log 星河零售 \"电话回访\" -c 周敏 --kind call --on 2026-11-20",
    ))(log)  # fmt: skip
    app.command("forget", epilog=examples("kam forget wangjh@ecpower.example --yes"))(forget)
    register_reassign(app)  # our own people leaving: `kam reassign` (docs/spec.md §9)


@guarded
def leave(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="The departing contact (email, id or name).", show_default=False, metavar="CONTACT")],
    on: Annotated[str, typer.Option("--on", help="Date of the change (YYYY-MM-DD); a date up to today marks them as left.", metavar="DATE")],
    kind: Annotated[str | None, typer.Option("--kind", help="What the change is.", metavar=one_of("change_kind"))] = None,
    successor: Annotated[str | None, typer.Option("--successor", help="Who takes over (same account).", metavar="CONTACT")] = None,
    moved_to: Annotated[str | None, typer.Option("--moved-to", help="The account they go to (created if new); they are kept there as a new contact, a lead.", metavar="ACCOUNT")] = None,
    account: AccountOption = None,
) -> None:  # fmt: skip
    """Record a contact's leaving and open their handover plan.

    A coming or past change (resignation, transfer, promotion) of a contact, and where they go."""
    from ..services.handover import leave as record_leave

    st = state(ctx)
    day = parse_day(on, "--on")
    assert day is not None
    change_kind = option_word(st, "change_kind", "--kind", kind) if kind else None
    horizon = st.config().history_horizon_days
    left = record_leave(st.db(), contact, on=day, kind=change_kind, successor=successor, moved_to=moved_to,
                        account=account, offsets=st.config().deadlines, today=st.today, now=st.now,
                        horizon=horizon)  # fmt: skip
    status = label("status", left.status)
    note(_("{name}: {status} on {date}").format(name=left.name, status=status, date=left.on.isoformat())
        + ("" if left.changed else _(" (already recorded)")))  # fmt: skip
    if moved_to:
        note(_("kept at {account} as a new contact (a lead), linked to the old record").format(account=moved_to))
    if left.successor:
        note(_("successor recorded: {name}").format(name=left.successor))
    say_plans(contact, left.plans, horizon)


def say_plans(contact: str, plans: Any, horizon: int) -> None:
    """On stderr, what a change to a contact did to their handover plan (`storage.plans.PlanChanges`)."""
    if plans.cancelled:
        note(_("cancelled the open handover plan (no change ahead any more)"))
    if plans.history:
        note(_("the change is dated more than {days} days before today: it is history (no handover plan, no finding)")
            .format(days=horizon))  # fmt: skip
    if plans.opened:
        note(_("opened a handover plan: kam handover {contact}").format(contact=contact))
    if plans.moved:
        note(_("the handover plan's deadlines follow the new change date"))
    if plans.successor_done:
        note(_("handover step successor done"))


@guarded
def handover(
    ctx: typer.Context,
    contact: Annotated[str | None, typer.Argument(help="The departing contact; without it, --account ACCOUNT shows the account's owner handover plan.", show_default=False, metavar="[CONTACT]")] = None,
    done: Annotated[str | None, typer.Option("--done", help="Complete this step (confirm, successor, exit_talk, first_meeting, map_updated, or 1–5; of an owner plan: handover_meeting, records_transferred, key_contacts_met, customer_confirmed, or 1–4).", metavar="STEP")] = None,
    on: Annotated[str | None, typer.Option("--on", help="When the step was done (default today).", metavar="DATE")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Notes on the step.", metavar="TEXT")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Give every open step (or --step) this owner of its own; other steps follow the account's owner.", metavar="NAME")] = None,
    step: Annotated[str | None, typer.Option("--step", help="With --owner: only this step (name or 1–5).", metavar="STEP")] = None,
    account: Annotated[str | None, typer.Option("--account", "-a", help="With CONTACT: the account, when the contact's name is not unique; alone: the account whose owner handover plan (kam reassign) to show.", metavar="ACCOUNT")] = None,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """Show or complete a departing contact's handover plan.

    Show the plan, complete one of its steps, or give steps an owner. Without CONTACT, `kam
    handover --account ACCOUNT` shows (and --done completes) the account's owner handover plan,
    which `kam reassign` opened."""
    from ..render.output import emit
    from ..services.handover_plan import handover_plan

    st = state(ctx)
    if contact is None:
        owner_handover(st, account, done=done, on=on, notes=notes, owner=owner, step=step, format=format)
        return
    _set_owner(st, contact, owner, step, account=account)
    _complete_step(st, contact, done, on=on, notes=notes, account=account)
    page = handover_plan(st.reader(), contact, account, st.today)
    records, title = page.steps, page.title
    if format is Format.table:
        for r in records:
            r["status"] = _("OVERDUE") if r["overdue"] else label("step_status", r["status"])
            r["description"] = _(r["description"])
    emit(records, format.value, [("step", N_("Step")), ("description", N_("What")), ("owner", N_("Owner")),
         ("deadline", N_("Deadline")), ("status", N_("Status")), ("done_on", N_("Done")), ("notes", N_("Notes"))],
         title=title, style=lambda r: "bold red" if r["overdue"] else ("dim" if r["status"] == "done" else None))  # fmt: skip


def _complete_step(st: State, contact: str, done: str | None, *, on: str | None, notes: str | None,
                   account: str | None) -> None:  # fmt: skip
    """`kam handover --done STEP [--on DATE] [--notes TEXT]`: the step done (without --done, no --on or --notes)."""
    from ..errors import KamError

    if done is None:
        if on or notes:
            raise KamError("--on and --notes go with --done STEP")
        return
    from ..services.handover import complete_handover_step  # the write path: SQLAlchemy

    day = parse_day(on, "--on") or st.today
    step = complete_handover_step(st.db(create=False), contact, done, on=day, notes=notes, account=account,
                                  today=st.today)  # fmt: skip
    if step.already is not None:
        note(_("{name}: step {step} was already done on {date}; nothing changed")
            .format(name=step.name, step=step.step, date=step.already.isoformat()))  # fmt: skip
        return
    note(_("{name}: step {step} done").format(name=step.name, step=step.step))
    if step.closed:
        note(_("every step is done: the handover plan is closed"))


def _set_owner(st: State, contact: str, owner: str | None, step: str | None, *, account: str | None) -> None:
    """`kam handover CONTACT --owner NAME [--step STEP]`."""
    from ..errors import KamError

    if owner is None:
        if step is not None:
            raise KamError("--step goes with --owner NAME")
        return
    from ..services.handover import set_handover_owner  # the write path: SQLAlchemy

    done = set_handover_owner(st.db(create=False), contact, owner, step=step, account=account, now=st.now)
    if not done.steps:
        note(f"{done.name}: nothing changed (the steps are {done.owner}'s already)")
    for name, had in done.steps:
        note(f"{done.name}: step {name} owner {had or '(none)'} → {done.owner}")


@guarded
def log(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The account.", show_default=False, metavar="ACCOUNT")],
    summary: Annotated[str, typer.Argument(help="What happened.", show_default=False, metavar="SUMMARY")],
    contact: Annotated[list[str] | None, typer.Option("--contact", "-c", help="Who took part (repeatable).", metavar="CONTACT")] = None,
    kind: Annotated[str, typer.Option("--kind", help="What it was.", metavar=one_of("interaction_kind"))] = "note",
    on: Annotated[str | None, typer.Option("--on", help="Date (default today).", metavar="DATE")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Our person who had it (default: the account's owner).", metavar="NAME")] = None,
) -> None:  # fmt: skip
    """Record an interaction.

    A meeting or visit with a successor completes their handover's first_meeting step; the new
    owner's meetings with every key contact complete key_contacts_met of an owner handover."""
    from ..services.handover import interaction_summary, log_interaction

    st = state(ctx)
    k = option_word(st, "interaction_kind", "--kind", kind)
    day = parse_day(on, "--on") or st.today
    text = interaction_summary(summary)
    logged = log_interaction(st.db(create=False), account, text, contacts=contact or [], kind=k, on=day, now=st.now,
                             today=st.today, by=by)  # fmt: skip
    note(_("logged {kind} with {account} on {date}")
        .format(kind=label("interaction_kind", logged.kind), account=logged.account, date=logged.on.isoformat()))  # fmt: skip
    for name in logged.first_meetings:
        if logged.ahead:
            note(_("first meeting with successor {name} is dated after today: handover step first_meeting "
                  "counts as done from {date}").format(name=name, date=logged.on.isoformat()))  # fmt: skip
        else:
            note(_("first meeting with successor {name}: handover step first_meeting done").format(name=name))
    if logged.key_contacts_met:
        note(_("{name} has met every active decision maker and champion of {account}: owner handover step "
               "key_contacts_met done").format(name=logged.key_contacts_met, account=logged.account))  # fmt: skip


@guarded
def forget(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="The person to erase.", show_default=False, metavar="CONTACT")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    account: AccountOption = None,
) -> None:
    """Erase a person and their history (a data-subject request).

    Everything the database file holds about them goes: their record, relations, plans, history."""
    from ..services.handover import find_person
    from ..services.handover import forget as erase

    st = state(ctx)
    db = st.db(create=False)
    person = find_person(db, contact, account=account)
    others = len(person.records) - 1
    also = (
        ngettext(
            " and their {n} record at another account (moved to/from)",
            " and their {n} records at other accounts (moved to/from)",
            others,
        ).format(n=others)
        if others
        else ""
    )
    if not yes:
        try:
            sure = typer.confirm(f"Erase {person.name} (#{person.id}){also}, their relations, handovers and history "
                                 "for good?", err=True)  # fmt: skip
        except typer.Abort:  # no answer (no terminal, end of input)
            sure = False
        if not sure:
            err(f"kam: {person.name} was not forgotten (answer y, or pass --yes)")
            raise typer.Exit(2)
    counts = erase(db, person, now=st.now)
    note(f"forgot {person.name}{also}: " + ", ".join(_count(n, what) for what, n in counts.items()))


_ERASED: dict[str, Callable[[int], str]] = {  # what `kam forget` counts, each in agreement with its count
    "relations": lambda n: ngettext("{n} relation", "{n} relations", n),
    "handover plans": lambda n: ngettext("{n} handover plan", "{n} handover plans", n),
    "opportunity links": lambda n: ngettext("{n} opportunity link", "{n} opportunity links", n),
    "history rows": lambda n: ngettext("{n} history row", "{n} history rows", n),
    "texts that mentioned them": lambda n: ngettext("{n} text that mentioned them", "{n} texts that mentioned them", n),
}


def _count(n: int, what: str) -> str:
    """`1 history row`, `2 history rows`."""
    return _ERASED[what](n).format(n=n)
