"""`kam accounts`, `contacts`, `add`, `set`, `relate`, `successor`, `history`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .. import i18n
from ..domain.labels import label
from ..i18n import N_, _
from ..importing.columns import chinese_header
from .common import AccountOption, Format, FormatOption, examples, guarded, note, one_of, option_word, state
from .succession import say_plans


def register(app: typer.Typer) -> None:
    app.command("accounts", epilog=examples("kam accounts", "kam accounts --format csv > accounts.csv"))(accounts)
    app.command("contacts", epilog=examples("kam contacts 华东电力集团", "kam contacts 星河零售 --format json"))(
        contacts
    )
    app.command("add", epilog=examples(
        "kam add 华东电力集团 刘洋 --email liuyang@ecpower.example --title 采购经理",
        "kam add 星河零售 \"Li Lei\" --power final --reports-to 周敏",
    ))(add)  # fmt: skip
    app.command("set", epilog=examples(
        "kam set lina@ecpower.example --attitude support --risk high",
        "kam set 赵强 --change-date 2027-06-30 --change-kind transfer",
    ))(set_fields)  # fmt: skip
    app.command("relate", epilog=examples(
        "kam relate 李娜 孙悦 --kind trusts", "kam relate 陈志远 李娜 --kind referred   # 陈志远 brought 李娜 in",
    ))(relate)  # fmt: skip
    app.command("successor", epilog=examples("kam successor 王建华 李娜", "kam successor 王建华 --suggest"))(successor)
    app.command("history", epilog=examples("kam history lina@ecpower.example", "kam history 华东电力集团"))(history)


# --- the field options shared by `add` and `set` ----------------------------
Email = Annotated[str | None, typer.Option("--email", help="Email (unique, case-insensitive).", metavar="EMAIL")]
Phone = Annotated[str | None, typer.Option("--phone", metavar="PHONE")]
Title = Annotated[str | None, typer.Option("--title", metavar="TEXT")]
Department = Annotated[str | None, typer.Option("--department", "--dept", metavar="TEXT")]
Role = Annotated[
    list[str] | None,
    typer.Option(
        "--role",
        help="decision_maker, influencer, user, procurement, finance, it, legal, champion, blocker (repeat or separate with ;).",
        metavar="ROLE",
    ),
]
Power = Annotated[
    str | None,
    typer.Option("--power", help="Decision power: final, major, execution.", metavar=one_of("decision_power")),
]
Attitude = Annotated[
    str | None,
    typer.Option(
        "--attitude", help="strong_support, support, neutral, reserved, opposed (or +2 … -2).", metavar="ATTITUDE"
    ),
]
Concern = Annotated[
    list[str] | None,
    typer.Option(
        "--concern", help="price, features, stability, compliance, integration (repeatable).", metavar="CONCERN"
    ),
]
CanSign = Annotated[str | None, typer.Option("--can-sign", help="Whether they can sign.", metavar="yes|no")]
ProjectOwner = Annotated[
    str | None, typer.Option("--project-owner", help="Whether they own the project.", metavar="yes|no")
]
ReportsTo = Annotated[
    str | None,
    typer.Option("--reports-to", help="Manager: a contact of the same account (email, id or name).", metavar="CONTACT"),
]
Status = Annotated[str | None, typer.Option("--status", help="Active, leaving or left.", metavar=one_of("status"))]
Risk = Annotated[str | None, typer.Option("--risk", help="Change risk.", metavar=one_of("change_risk"))]
ChangeDate = Annotated[
    str | None, typer.Option("--change-date", help="Expected change date (YYYY-MM-DD).", metavar="DATE")
]
ChangeKind = Annotated[
    str | None, typer.Option("--change-kind", help="What the change is.", metavar=one_of("change_kind"))
]
Notes = Annotated[str | None, typer.Option("--notes", metavar="TEXT")]
OurContact = Annotated[
    list[str] | None,
    typer.Option("--our-contact", help='One of our people who knows them (repeatable; "" clears).', metavar="NAME"),
]


_RENAME = {"role": "roles", "power": "decision_power", "concern": "concerns", "risk": "change_risk",
           "our_contact": "our_contacts"}  # fmt: skip
OPTIONS = {field: "--" + option for option, field in _RENAME.items()}  # a field → its option, where they differ


def _fields(**given: Any) -> dict[str, Any]:
    return {_RENAME.get(k, k): v for k, v in given.items()}


@guarded
def accounts(ctx: typer.Context, format: FormatOption = Format.table) -> None:
    """One row per account: its coverage and open findings.

    Contacts, departments, supporters, decision makers, open findings."""
    from ..services.listing import ACCOUNT_FIELDS, account_overview
    from ..services.options import check_options

    st = state(ctx)
    records = account_overview(st.reader(), check_options(st.config(), st.today))
    from ..render.output import emit, shown

    if format is Format.table:
        records = [dict(r, status=shown("account_status", r["status"])) for r in records]
    emit(records, format.value, [("account", N_("Account")), ("owner", N_("Owner")), ("contacts", N_("Contacts")),
         ("departments", N_("Departments")), ("supporters", N_("Supporters")),
         ("decision_makers", N_("Decision makers")), ("findings", N_("Findings")), ("status", N_("Status")),
         ("renewal_date", N_("Renewal date"))],
         empty=N_("no accounts yet; start with kam import FILE.csv"), fields=ACCOUNT_FIELDS)  # fmt: skip


@guarded
def contacts(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name (case-insensitive).", show_default=False, metavar="ACCOUNT")],
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """The account's relationship table."""
    from ..render.output import contact_cells, emit
    from ..services.listing import account_contacts
    from ..services.records import CONTACT_KEYS

    view, records = account_contacts(state(ctx).reader(), account)
    left = ("left", label("status", "left"))  # as stored (JSON, CSV), as shown (a table)
    if format is Format.table:
        records = [contact_cells(r) for r in records]
    emit(records, format.value, CONTACT_COLUMNS, title=view.name,
         empty=_("{account} has no contacts").format(account=view.name),
         style=lambda r: "dim" if r["status"] in left else None, fields=CONTACT_KEYS)  # fmt: skip


# the relationship table of `kam contacts` and `kam show`
CONTACT_COLUMNS = [
    ("name", N_("Name")), ("title", N_("Title")), ("department", N_("Department")), ("roles", N_("Roles")),
    ("decision_power", N_("Power")), ("attitude", N_("Attitude")), ("reports_to", N_("Reports to")),
    ("status", N_("Status")), ("change_date", N_("Change date")), ("successor", N_("Successor")),
    ("our_contacts", N_("Our side")),
]  # fmt: skip


@guarded
def add(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account (created if new).", show_default=False, metavar="ACCOUNT")],
    name: Annotated[str, typer.Argument(help="The contact's name.", show_default=False, metavar="NAME")],
    email: Email = None, phone: Phone = None, title: Title = None, department: Department = None,
    role: Role = None, power: Power = None, attitude: Attitude = None, concern: Concern = None,
    can_sign: CanSign = None, project_owner: ProjectOwner = None, reports_to: ReportsTo = None,
    status: Status = None, risk: Risk = None, change_date: ChangeDate = None, change_kind: ChangeKind = None,
    notes: Notes = None, our_contact: OurContact = None,
) -> None:  # fmt: skip
    """Add one contact."""
    from ..importing.contacts import option_values
    from ..services.contacts import add_contact

    st = state(ctx)
    values = option_values(st.config().vocabulary, _fields(
        name=name, email=email, phone=phone, title=title, department=department, role=role, power=power,
        attitude=attitude, concern=concern, can_sign=can_sign, project_owner=project_owner, status=status,
        risk=risk, change_date=change_date, change_kind=change_kind, notes=notes, our_contact=our_contact),
        OPTIONS)  # fmt: skip
    added = add_contact(st.db(create=True), account, values, reports_to=reports_to, now=st.now)
    note(_("added {name} (#{id}) to {account}").format(name=added.name, id=added.id, account=added.account)
        + (_(" (new account)") if added.new_account else ""))  # fmt: skip


@guarded
def set_fields(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="Email, id or name.", show_default=False, metavar="CONTACT")],
    account: AccountOption = None,
    name: Annotated[str | None, typer.Option("--name", help="Rename the contact.", metavar="NAME")] = None,
    email: Email = None, phone: Phone = None, title: Title = None, department: Department = None,
    role: Role = None, power: Power = None, attitude: Attitude = None, concern: Concern = None,
    can_sign: CanSign = None, project_owner: ProjectOwner = None, reports_to: ReportsTo = None,
    status: Status = None, risk: Risk = None, change_date: ChangeDate = None, change_kind: ChangeKind = None,
    notes: Notes = None, our_contact: OurContact = None,
) -> None:  # fmt: skip
    """Change a contact's fields; the history keeps each change.

    An empty value ("") clears a field."""
    from ..importing.contacts import option_values
    from ..services.contacts import check_changes, set_contact

    st = state(ctx)
    values = option_values(st.config().vocabulary, _fields(
        name=name, email=email, phone=phone, title=title, department=department, role=role, power=power,
        attitude=attitude, concern=concern, can_sign=can_sign, project_owner=project_owner, status=status,
        risk=risk, change_date=change_date, change_kind=change_kind, notes=notes, our_contact=our_contact),
        OPTIONS)  # fmt: skip
    check_changes(values, reports_to)
    done = set_contact(st.db(), contact, values, reports_to=reports_to, account=account,
                       offsets=st.config().deadlines, today=st.today, now=st.now,
                       horizon=st.config().history_horizon_days)  # fmt: skip
    changed = [f for f in done.fields if f != "name_key"]  # the key follows the name
    english = i18n.current() == "en"
    fields = [f.replace("_", " ") if english else chinese_header("contacts", f) or f for f in changed]
    note(_("{name}: changed {fields}").format(name=done.name, fields=", ".join(fields)) if fields
         else _("{name}: nothing changed").format(name=done.name))  # fmt: skip
    say_plans(contact, done.plans, st.config().history_horizon_days)


@guarded
def relate(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="Email, id or name.", show_default=False, metavar="CONTACT")],
    other: Annotated[str, typer.Argument(help="The other contact.", show_default=False, metavar="OTHER")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="referred (CONTACT brought OTHER in), trusts or peer.", metavar=one_of("relation_kind")
        ),
    ],
    remove: Annotated[bool, typer.Option("--remove", help="Drop the relation instead.")] = False,
    account: AccountOption = None,
) -> None:
    """Record a relation between two contacts of one account."""
    from ..domain.labels import label
    from ..services.contacts import relate as record_relation

    st = state(ctx)
    k = option_word(st, "relation_kind", "--kind", kind)
    r = record_relation(st.db(), contact, other, k, remove=remove, account=account, now=st.now)
    said = label("relation_kind", k)
    if remove:
        msg = _("removed {name} {kind} {other}") if r.done else _("there was no relation {name} {kind} {other}")
    else:
        msg = _("recorded {name} {kind} {other}") if r.done else _("already recorded: {name} {kind} {other}")
    note(msg.format(name=r.name, kind=said, other=r.other))


@guarded
def successor(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="The departing contact.", show_default=False, metavar="CONTACT")],
    other: Annotated[str | None, typer.Argument(help="Who takes over.", show_default=False, metavar="OTHER")] = None,
    suggest: Annotated[bool, typer.Option("--suggest", help="Rank candidates from the map instead.")] = False,
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """Record who takes over, or rank candidates with --suggest.

    OTHER takes over from the departing CONTACT; --suggest ranks candidates from the map."""
    from ..errors import KamError

    st = state(ctx)
    if suggest:
        if other is not None:
            raise KamError("give either OTHER or --suggest, not both")
        return _suggest(st, contact, account, format)
    from ..services.contacts import record_successor

    if other is None:
        raise KamError("name the successor (kam successor CONTACT OTHER) or ask for --suggest")
    done = record_successor(st.db(), contact, other, account=account, offsets=st.config().deadlines,
                            today=st.today, now=st.now, horizon=st.config().history_horizon_days)  # fmt: skip
    note(_("{name}: successor → {successor}").format(name=done.name, successor=done.successor)
        + ("" if done.changed else _(" (already recorded)")))  # fmt: skip
    say_plans(contact, done.plans, st.config().history_horizon_days)


def _suggest(st: Any, contact: str, account: str | None, format: Format) -> None:
    from ..render.output import contact_cells, emit
    from ..services.listing import CANDIDATE_KEYS, candidate_records, successor_candidates

    c, view, ranked = successor_candidates(st.reader(), contact, account)
    if not ranked and format is Format.table:
        note(_("no candidates: {account} has nobody else who is active and staying; kam add a contact first")
            .format(account=view.name))  # fmt: skip
        return
    records = candidate_records(ranked)
    if format is Format.table:
        records = [contact_cells(dict(r, reasons="; ".join(r["reasons"]))) for r in records]
    emit(records, format.value, [("rank", "#"), ("name", N_("Name")), ("title", N_("Title")),
         ("department", N_("Department")), ("decision_power", N_("Power")), ("attitude", N_("Attitude")),
         ("reasons", N_("Why"))],
         title=_("Successor candidates for {name} ({account})").format(name=c.name, account=view.name),
         fields=CANDIDATE_KEYS)  # fmt: skip


@guarded
def history(
    ctx: typer.Context,
    who: Annotated[
        str,
        typer.Argument(
            metavar="CONTACT|ACCOUNT", help="A contact (email, id, name) or an account.", show_default=False
        ),
    ],
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:
    """The change history of a contact or of an account.

    An account's history holds its own changes and its contacts'."""
    from ..render.output import emit, history_cells
    from ..services.listing import HISTORY_KEYS, change_history, history_time

    found = change_history(state(ctx).reader(), who, account)
    records = [dict(r, at=history_time(r["at"], table=format is Format.table)) for r in found.rows]
    if format is Format.table:
        records = history_cells(records)
    emit(records, format.value, [("at", N_("When")), ("name", N_("Who")), ("field", N_("Field")), ("old", N_("Old")),
         ("new", N_("New")), ("source", N_("Source"))], title=found.title, empty=N_("no history"),
         fields=HISTORY_KEYS)  # fmt: skip
