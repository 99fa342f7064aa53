"""`kam team` and `kam staff`: our side of the relationships (docs/spec.md §9)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..domain.labels import label
from ..i18n import N_, _
from .common import Format, FormatOption, examples, fail, guarded, note, one_of, option_word, state


def register(app: typer.Typer) -> None:
    app.command("team", epilog=examples(
        "kam team 华东电力集团",
        "kam team 华东电力集团 --add 李雷 --role presales",
        "kam team 华东电力集团 --remove 李雷",
    ))(team)  # fmt: skip
    app.command("staff", epilog=examples("kam staff", "kam staff 张伟", "kam staff --format json"))(staff)


@guarded
def team(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name (case-insensitive).", show_default=False, metavar="ACCOUNT")],
    add: Annotated[str | None, typer.Option("--add", help="Put one of our people on the team.", metavar="NAME")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Their role on the team (with --add; default other).", metavar=one_of("team_role"))] = None,
    remove: Annotated[str | None, typer.Option("--remove", help="Take one of our people off the team.", metavar="NAME")] = None,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """The account team: its owner and our people beside them.

    With --add or --remove, change it; the history keeps each change."""
    st = state(ctx)
    if role is not None and add is None:
        raise fail(_("--role goes with --add NAME"))
    if add is not None or remove is not None:
        from ..services.teams import change_team

        if add is not None and remove is not None:
            raise fail(_("give --add or --remove, not both"))
        canonical = option_word(st, "team_role", "--role", role) if role is not None else "other"
        done = change_team(st.db(), account, add=add, role=canonical, remove=remove, now=st.now)
        note(_team_note(done))
        return
    from ..render.output import emit
    from ..services.our_side import TEAM_KEYS, account_team

    name, rows = account_team(st.reader(), account)
    emit(team_rows(rows) if format is Format.table else rows, format.value, TEAM_COLUMNS, title=name, empty=_("{account} has no owner and no team yet (kam set-account ACCOUNT --owner NAME)")
         .format(account=name), fields=TEAM_KEYS)  # fmt: skip


TEAM_COLUMNS = [("name", N_("Name")), ("role", N_("Role")), ("contacts_known", N_("Knows"))]


def team_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An account team's records (`kam team`, `kam show`) as a table shows them."""
    return [dict(r, role=_role(r["role"]), contacts_known=", ".join(r["contacts_known"])) for r in records]


def _role(role: str) -> str:
    return _("owner") if role == "owner" else label("team_role", role)


def _team_note(done: Any) -> str:
    role = label("team_role", done.role)
    if done.removed:
        return _("{name} is off the team of {account} (was {role})").format(
            name=done.name, account=done.account, role=role
        )
    if not done.done:
        return _("{name} is on the team of {account} as {role} already").format(
            name=done.name, account=done.account, role=role)  # fmt: skip
    return _("{name} is on the team of {account} as {role}").format(name=done.name, account=done.account, role=role)


@guarded
def staff(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="One of our people (case-insensitive); default everyone.", show_default=False, metavar="NAME")] = None,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """Our people, and the accounts that hang on one of them alone.

    Each with the accounts they own, the teams they are on and the contacts they know."""
    from ..render.output import emit
    from ..services.our_side import STAFF_KEYS, our_people, staff_record

    found = our_people(state(ctx).reader(), name)
    records = [staff_record(p) for p in found]
    if format is not Format.table:
        emit(records, format.value, [], fields=STAFF_KEYS)
        return
    if name is not None:
        _person_page(records[0])
        return
    rows = [{"name": r["name"], **{k: len(r[k]) for k in STAFF_KEYS[1:4]},
             "sole_holder_accounts": ", ".join(r["sole_holder_accounts"])} for r in records]  # fmt: skip
    emit(rows, "table", [("name", N_("Name")), ("accounts_owned", N_("Owns")), ("team_accounts", N_("Teams")),
         ("contacts_known", N_("Knows")), ("sole_holder_accounts", N_("Alone on"))],
         empty=N_("no people of ours yet: accounts have no owner (kam set-account ACCOUNT --owner NAME)"))  # fmt: skip


_PAGE = (
    ("accounts_owned", N_("Owns")), ("team_accounts", N_("On the team of")), ("contacts_known", N_("Knows")),
    ("sole_holder_accounts", N_("Alone on")),
)  # fmt: skip


def _person_page(record: dict[str, Any]) -> None:
    from ..render.output import heading, say

    heading(record["name"])
    for key, title in _PAGE:
        values = record[key]
        say(_("{field}: {value}").format(field=_(title), value=", ".join(values) if values else _("none")))
