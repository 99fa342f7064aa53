"""`kam reassign FROM TO`: one of our people hands their accounts to another; and the owner
handover plan it opens, as `kam handover --account ACCOUNT` shows it (docs/spec.md §9)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..domain.labels import label
from ..i18n import N_, _, ngettext
from .common import Format, FormatOption, State, examples, guarded, note, parse_day, state

if TYPE_CHECKING:
    from ..services.reassign import Reassigned


def register(app: typer.Typer) -> None:
    app.command("reassign", epilog=examples(
        "kam reassign 张伟 李雷 --dry-run",
        "kam reassign 张伟 李雷 --account 北辰制造 --on 2026-12-15",
    ))(reassign)  # fmt: skip


@guarded
def reassign(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="Our person who hands the accounts over (as the accounts' owner is written).", show_default=False, metavar="FROM")],
    new: Annotated[str, typer.Argument(help="Our person who takes them over.", show_default=False, metavar="TO")],
    account: Annotated[list[str] | None, typer.Option("--account", "-a", help="Only this account of FROM's (repeatable); default: every account FROM owns.", metavar="ACCOUNT")] = None,
    on: Annotated[str | None, typer.Option("--on", help="The handover date the owner handover plan counts from (default: 14 days from today).", metavar="DATE")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would move; write nothing.")] = False,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """Hand one of our people's accounts to another.

    TO becomes the owner of every account FROM owns (or of those named with --account), and
    takes FROM's place among the contacts' our_contacts and on the account teams (with
    --account: of those accounts only), each change in the history; each account TO takes
    over gets an owner handover plan."""
    from ..render.output import emit
    from ..services.reassign import reassign as run

    st = state(ctx)
    day = parse_day(on, "--on")
    done = run(
        st.db(create=False), old, new, accounts=account or [], on=day, today=st.today, now=st.now, dry_run=dry_run
    )
    records = [{"account": m.account, "change": m.change, "contact": m.contact, "before": m.before, "after": m.after}
               for m in done.moved]  # fmt: skip
    if format is Format.table:
        records = [_shown(r) for r in records]
    title = _("Reassigned from {old} to {new}").format(old=done.old, new=done.new)
    emit(records, format.value, [("account", N_("Account")), ("change", N_("Change")), ("contact", N_("Contact")),
         ("before", N_("Before")), ("after", N_("After"))],
         title=title + (_(" (dry run)") if dry_run else ""))  # fmt: skip
    _summary(done)


_CHANGES = {"owner": N_("owner"), "our_contacts": N_("our contacts"), "team": N_("team"),
            "plan": N_("owner handover plan")}  # fmt: skip


def _shown(r: dict[str, Any]) -> dict[str, Any]:
    """A record as the table shows it: the change in words; the plan opened and the one it replaced."""
    out = dict(r, change=_(_CHANGES[r["change"]]))
    if r["change"] == "plan":
        out["before"] = _("{plan} cancelled").format(plan=r["before"]) if r["before"] else None
        out["after"] = _("opened: handover on {date}").format(date=r["after"])
    return out


def _summary(done: Reassigned) -> None:
    """On stderr, what moved: the counts, and where the plans are."""
    n, contacts, team = len(done.accounts), done.count("our_contacts"), done.count("team")
    counts = _(", ").join((
        ngettext("{n} account", "{n} accounts", n).format(n=n),
        ngettext("{n} contact", "{n} contacts", contacts).format(n=contacts),
        ngettext("{n} team entry", "{n} team entries", team).format(n=team),
    ))  # fmt: skip
    if done.dry_run:
        note(_("dry run: would move {counts} from {old} to {new}; nothing was written")
             .format(counts=counts, old=done.old, new=done.new))  # fmt: skip
        return
    note(_("moved {counts} from {old} to {new}").format(counts=counts, old=done.old, new=done.new))
    note(ngettext("opened {n} owner handover plan (handover on {date}): kam handover --account ACCOUNT",
                  "opened {n} owner handover plans (handover on {date}): kam handover --account ACCOUNT", n)
         .format(n=n, date=done.day.isoformat()))  # fmt: skip


def owner_handover(
    st: State, account: str | None, *, done: str | None, on: str | None, notes: str | None, owner: str | None,
    step: str | None, format: Format,
) -> None:  # fmt: skip
    """`kam handover --account ACCOUNT [--done STEP [--on DATE] [--notes TEXT]]`: the account's
    owner handover plan, shown after the step is done."""
    from ..errors import KamError
    from ..render.output import emit
    from ..services.reassign import owner_plan

    if account is None:
        raise KamError("give a CONTACT (a departing contact's plan), or --account ACCOUNT (its owner handover plan)")
    if owner is not None or step is not None:
        raise KamError("--owner and --step go with a CONTACT; an owner handover plan's steps are the new owner's")
    _complete(st, account, done, on=on, notes=notes)
    page = owner_plan(st.reader(), account, st.today)
    records = page.steps
    if format is Format.table:
        for r in records:
            r["status"] = _("OVERDUE") if r["overdue"] else label("step_status", r["status"])
            r["description"] = _(r["description"])
    else:
        records = [{k: r[k] for k in ("step", "owner", "deadline", "status", "done_on", "notes")} for r in records]
    emit(records, format.value, [("step", N_("Step")), ("description", N_("What")), ("owner", N_("Owner")),
         ("deadline", N_("Deadline")), ("status", N_("Status")), ("done_on", N_("Done")), ("notes", N_("Notes"))],
         title=page.title,
         style=lambda r: "bold red" if r.get("overdue") else ("dim" if r["status"] == "done" else None))  # fmt: skip


def _complete(st: State, account: str, done: str | None, *, on: str | None, notes: str | None) -> None:
    from ..errors import KamError

    if done is None:
        if on or notes:
            raise KamError("--on and --notes go with --done STEP")
        return
    from ..services.reassign import complete_owner_handover_step

    day = parse_day(on, "--on") or st.today
    step = complete_owner_handover_step(st.db(create=False), account, done, on=day, notes=notes, today=st.today)
    if step.already is not None:
        note(_("{account}: owner handover step {step} was already done on {date}; nothing changed")
             .format(account=step.account, step=step.step, date=step.already.isoformat()))  # fmt: skip
        return
    note(_("{account}: owner handover step {step} done").format(account=step.account, step=step.step))
    if step.closed:
        note(_("every step is done: the owner handover plan is closed"))
