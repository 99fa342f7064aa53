"""`kam accounts`, `contacts`, `add`, `set`, `relate`, `successor`, `history`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import AccountOption, Format, FormatOption, err, guarded, state


def register(app: typer.Typer) -> None:
    app.command("accounts", epilog="Example: kam accounts --format csv > accounts.csv")(accounts)
    app.command("contacts", epilog="Example: kam contacts ACME --format json")(contacts)
    app.command("add", epilog='Example: kam add ACME "Li Lei" --email lilei@acme.example --title "IT Director" --role decision_maker --power final')(add)
    app.command("set", epilog="Example: kam set lilei@acme.example --attitude support --risk high --change-date 2026-12-31")(set_fields)
    app.command("relate", epilog="Example: kam relate lilei@acme.example hanmei@acme.example --kind trusts")(relate)
    app.command("successor", epilog="Example: kam successor lilei@acme.example hanmei@acme.example")(successor)
    app.command("history", epilog="Example: kam history lilei@acme.example")(history)


# --- the field options shared by `add` and `set` ----------------------------
Email = Annotated[str | None, typer.Option("--email", help="Email (unique, case-insensitive).")]
Phone = Annotated[str | None, typer.Option("--phone")]
Title = Annotated[str | None, typer.Option("--title")]
Department = Annotated[str | None, typer.Option("--department", "--dept")]
Role = Annotated[list[str] | None, typer.Option("--role", help="decision_maker, influencer, user, procurement, finance, it, legal, champion, blocker (repeat or separate with ;).")]
Power = Annotated[str | None, typer.Option("--power", help="Decision power: final, major, execution.")]
Attitude = Annotated[str | None, typer.Option("--attitude", help="strong_support, support, neutral, reserved, opposed (or +2 … -2).")]
Concern = Annotated[list[str] | None, typer.Option("--concern", help="price, features, stability, compliance, integration (repeatable).")]
CanSign = Annotated[str | None, typer.Option("--can-sign", help="yes/no.")]
ProjectOwner = Annotated[str | None, typer.Option("--project-owner", help="yes/no.")]
ReportsTo = Annotated[str | None, typer.Option("--reports-to", help="Manager: a contact of the same account (email, id or name).")]
Status = Annotated[str | None, typer.Option("--status", help="active, leaving, left.")]
Risk = Annotated[str | None, typer.Option("--risk", help="Change risk: low, medium, high, confirmed.")]
ChangeDate = Annotated[str | None, typer.Option("--change-date", help="Expected change date (YYYY-MM-DD).")]
ChangeKind = Annotated[str | None, typer.Option("--change-kind", help="resignation, transfer, promotion.")]
Notes = Annotated[str | None, typer.Option("--notes")]


def _fields(**given: Any) -> dict[str, Any]:
    rename = {"role": "roles", "power": "decision_power", "concern": "concerns", "risk": "change_risk"}
    return {rename.get(k, k): v for k, v in given.items()}


def _contact_record(c: Any, account: str, names: dict[int, str], moved: dict[int, str]) -> dict[str, Any]:
    return {
        "id": c.id, "account": account, "name": c.name, "email": c.email, "phone": c.phone,
        "title": c.title, "department": c.department, "roles": list(c.roles),
        "decision_power": c.decision_power, "attitude": c.attitude, "concerns": list(c.concerns),
        "can_sign": c.can_sign, "project_owner": c.project_owner,
        "reports_to": names.get(c.reports_to_id) if c.reports_to_id else None,
        "status": c.status, "change_risk": c.change_risk,
        "change_date": c.change_date.isoformat() if c.change_date else None,
        "change_kind": c.change_kind, "successor": names.get(c.successor_id) if c.successor_id else None,
        "moved_to": moved.get(c.moved_to_id) if c.moved_to_id else None, "notes": c.notes,
    }  # fmt: skip


@guarded
def accounts(ctx: typer.Context, format: FormatOption = Format.table) -> None:
    """One row per account: contacts, departments, supporters, decision makers, open findings."""
    from ..domain.checks import check_account
    from ..domain.graph import coverage
    from ..storage.records import iter_accounts, name_key

    st = state(ctx)
    db = st.db()
    opts = _check_options(st)
    records = []
    with db.session() as s:
        for a in iter_accounts(s):
            cov = coverage(a)
            records.append({
                "account": a.name, "industry": a.industry, "tier": a.tier, "owner": a.owner,
                "contacts": cov.active, "departments": cov.departments, "supporters": cov.supporters,
                "decision_makers": cov.decision_makers, "findings": len(check_account(a, opts)),
            })  # fmt: skip
    records.sort(key=lambda r: name_key(r["account"]))
    from ..render.output import emit

    emit(records, format.value, [("account", "Account"), ("owner", "Owner"), ("contacts", "Contacts"),
         ("departments", "Departments"), ("supporters", "Supporters"), ("decision_makers", "Decision makers"),
         ("findings", "Findings")], empty="no accounts yet; start with kam import FILE.csv",
         fields=("account", "industry", "tier", "owner", "contacts", "departments", "supporters", "decision_makers",
                 "findings"))  # fmt: skip


def _check_options(st: Any, due: str | None = None) -> Any:
    from ..domain.checks import CheckOptions
    from ..domain.dates import window_end

    cfg = st.config()
    return CheckOptions(today=st.today, horizon=window_end(cfg.due if due is None else due, st.today),
                        min_contacts=cfg.min_contacts, policy=cfg.policy)  # fmt: skip


@guarded
def contacts(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name (case-insensitive).", show_default=False)],
    format: FormatOption = Format.table,
) -> None:
    """The account's relationship table."""
    from ..render.output import attitude_text, emit
    from ..storage.records import load_accounts, moved_to_accounts

    db = state(ctx).db()
    with db.session() as s:
        (view,) = load_accounts(s, [account])
        moved = moved_to_accounts(s, view.contacts)
    names = {c.id: c.name for c in view.contacts}
    records = [_contact_record(c, view.name, names, moved) for c in view.contacts]
    if format is Format.table:
        for r in records:
            r["roles"] = ", ".join(r["roles"])
            r["attitude"] = attitude_text(r["attitude"]).plain if r["attitude"] else ""
    emit(records, format.value, [("name", "Name"), ("title", "Title"), ("department", "Department"),
         ("roles", "Roles"), ("decision_power", "Power"), ("attitude", "Attitude"), ("reports_to", "Reports to"),
         ("status", "Status"), ("change_date", "Change date"), ("successor", "Successor")],
         title=view.name, empty=f"{view.name} has no contacts",
         style=lambda r: "dim" if r["status"] == "left" else None)  # fmt: skip


@guarded
def add(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account (created if new).", show_default=False)],
    name: Annotated[str, typer.Argument(help="The contact's name.", show_default=False)],
    email: Email = None, phone: Phone = None, title: Title = None, department: Department = None,
    role: Role = None, power: Power = None, attitude: Attitude = None, concern: Concern = None,
    can_sign: CanSign = None, project_owner: ProjectOwner = None, reports_to: ReportsTo = None,
    status: Status = None, risk: Risk = None, change_date: ChangeDate = None, change_kind: ChangeKind = None,
    notes: Notes = None,
) -> None:  # fmt: skip
    """Add one contact."""
    from sqlalchemy import select

    from ..errors import KamError
    from ..importing.contacts import option_values
    from ..storage.models import Contact
    from ..storage.records import check_reference, ensure_account, record_change, resolve_contact

    st = state(ctx)
    values = option_values(st.config().vocabulary, _fields(
        name=name, email=email, phone=phone, title=title, department=department, role=role, power=power,
        attitude=attitude, concern=concern, can_sign=can_sign, project_owner=project_owner, status=status,
        risk=risk, change_date=change_date, change_kind=change_kind, notes=notes))  # fmt: skip
    db = st.db(create=True)
    with db.session(write=True) as s:
        acc, created = ensure_account(s, account, source="add", at=st.now)
        if values.get("email"):
            clash = s.exec(select(Contact).where(Contact.email == values["email"])).scalars().first()
            if clash is not None:
                raise KamError(f"email {values['email']!r} already belongs to {clash.name} (#{clash.id}); use kam set to change them")
        namesake = s.exec(select(Contact).where(Contact.account_id == acc.id, Contact.name_key == values["name_key"])).scalars().first()
        if namesake is not None and not (values.get("email") and namesake.email):
            # without emails on both, an export could not tell the two apart on import
            raise KamError(f"{acc.name} already has a contact called {namesake.name} (#{namesake.id}); "
                           "give both an email to add a namesake, or use kam set")
        contact = Contact(account_id=acc.id, created_at=st.now, updated_at=st.now,  # type: ignore[arg-type]
                          **{k: v for k, v in values.items() if v is not None})  # fmt: skip
        s.add(contact)
        s.flush()
        if reports_to:
            manager = resolve_contact(s, reports_to, acc.name)
            check_reference(s, contact, manager, "reports_to")
            contact.reports_to_id = manager.id
        record_change(s, entity="contact", entity_id=contact.id, account_id=acc.id,  # type: ignore[arg-type]
                      field="*", old=None, new="created", source="add", at=st.now)
        s.commit()
        err(f"added {contact.name} (#{contact.id}) to {acc.name}" + (" (new account)" if created else ""))


@guarded
def set_fields(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="Email, id or name.", show_default=False)],
    account: AccountOption = None,
    name: Annotated[str | None, typer.Option("--name", help="Rename the contact.")] = None,
    email: Email = None, phone: Phone = None, title: Title = None, department: Department = None,
    role: Role = None, power: Power = None, attitude: Attitude = None, concern: Concern = None,
    can_sign: CanSign = None, project_owner: ProjectOwner = None, reports_to: ReportsTo = None,
    status: Status = None, risk: Risk = None, change_date: ChangeDate = None, change_kind: ChangeKind = None,
    notes: Notes = None,
) -> None:  # fmt: skip
    """Change a contact's fields; every change lands in the history. An empty value ("") clears a field."""
    from ..errors import KamError
    from ..importing.contacts import option_values
    from ..storage.records import check_reference, load_dates, resolve_contact, update_contact

    st = state(ctx)
    values = option_values(st.config().vocabulary, _fields(
        name=name, email=email, phone=phone, title=title, department=department, role=role, power=power,
        attitude=attitude, concern=concern, can_sign=can_sign, project_owner=project_owner, status=status,
        risk=risk, change_date=change_date, change_kind=change_kind, notes=notes))  # fmt: skip
    if not values and reports_to is None:
        raise KamError("nothing to change: give at least one option (kam set --help lists them)")
    db = st.db()
    with db.session(write=True) as s:
        # a stored date that cannot be read is one `set` can overwrite
        c = resolve_contact(s, contact, account, dates=False)
        load_dates(s, c)
        if reports_to is not None:
            if reports_to.strip():
                from ..storage.records import find_account_name

                manager = resolve_contact(s, reports_to, find_account_name(s, c.account_id))
                check_reference(s, c, manager, "reports_to")
                values["reports_to_id"] = manager.id
            else:
                values["reports_to_id"] = None
        if values.get("email"):
            from sqlalchemy import select

            from ..storage.models import Contact

            clash = s.exec(select(Contact).where(Contact.email == values["email"], Contact.id != c.id)).scalars().first()
            if clash is not None:
                raise KamError(f"email {values['email']!r} already belongs to {clash.name} (#{clash.id})")
        changed = update_contact(s, c, values, source="set", at=st.now)
        s.flush()
        from ..storage.plans import sync_plans

        sync_plans(s.connection(), [c.id], offsets=st.config().deadlines, today=st.today, at=st.now)  # type: ignore[list-item]
        s.commit()
    err(f"{c.name}: " + (f"changed {', '.join(changed)}" if changed else "nothing changed"))


@guarded
def relate(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="Email, id or name.", show_default=False)],
    other: Annotated[str, typer.Argument(help="The other contact.", show_default=False)],
    kind: Annotated[str, typer.Option("--kind", help="referred (CONTACT brought OTHER in), trusts, peer.")],
    remove: Annotated[bool, typer.Option("--remove", help="Drop the relation instead.")] = False,
    account: AccountOption = None,
) -> None:
    """Record a relation between two contacts of one account."""
    from ..storage.records import add_relation, remove_relation, resolve_contact

    st = state(ctx)
    k = st.config().vocabulary.one("relation_kind", kind)
    with st.db().session(write=True) as s:
        a = resolve_contact(s, contact, account)
        b = resolve_contact(s, other, account)
        if remove:
            done = remove_relation(s, a, b, k, source="relate", at=st.now)
            msg = f"removed {a.name} {k} {b.name}" if done else f"there was no relation {a.name} {k} {b.name}"
        else:
            done = add_relation(s, a, b, k, source="relate", at=st.now)
            msg = f"recorded {a.name} {k} {b.name}" if done else f"already recorded: {a.name} {k} {b.name}"
        s.commit()
    err(msg)


@guarded
def successor(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="The departing contact.", show_default=False)],
    other: Annotated[str | None, typer.Argument(help="Who takes over.", show_default=False)] = None,
    suggest: Annotated[bool, typer.Option("--suggest", help="Rank candidates from the map instead.")] = False,
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """Record who takes over from a departing contact, or rank candidates with --suggest."""
    from ..errors import KamError
    from ..storage.plans import sync_plans
    from ..storage.records import check_reference, find_account_name, resolve_contact, update_contact

    st = state(ctx)
    if suggest:
        if other is not None:
            raise KamError("give either OTHER or --suggest, not both")
        return _suggest(st, contact, account, format)
    if other is None:
        raise KamError("name the successor (kam successor CONTACT OTHER) or ask for --suggest")
    with st.db().session(write=True) as s:
        c = resolve_contact(s, contact, account)
        o = resolve_contact(s, other, find_account_name(s, c.account_id))
        check_reference(s, c, o, "successor")
        changed = update_contact(s, c, {"successor_id": o.id}, source="successor", at=st.now)
        s.flush()
        sync_plans(s.connection(), [c.id], offsets=st.config().deadlines, today=st.today, at=st.now)  # type: ignore[list-item]
        s.commit()
    err(f"{c.name}: successor → {o.name}" + ("" if changed else " (already recorded)"))


def _suggest(st: Any, contact: str, account: str | None, format: Format) -> None:
    from ..domain.succession import suggest_successors
    from ..render.output import emit
    from ..storage.records import find_account_name, load_accounts, resolve_contact

    with st.db().session() as s:
        c = resolve_contact(s, contact, account)
        (view,) = load_accounts(s, [find_account_name(s, c.account_id)])
    ranked = suggest_successors(view, c.id)  # type: ignore[arg-type]
    if not ranked and format is Format.table:
        err(f"no candidates: {view.name} has nobody else who is active and staying; kam add a contact first")
        return
    records = [{
        "rank": i, "id": k.contact.id, "name": k.contact.name, "email": k.contact.email, "title": k.contact.title,
        "department": k.contact.department, "decision_power": k.contact.decision_power,
        "attitude": k.contact.attitude, "score": k.score, "reasons": k.reasons,
    } for i, k in enumerate(ranked, 1)]  # fmt: skip
    if format is Format.table:
        for r in records:
            r["reasons"] = "; ".join(r["reasons"])
    emit(records, format.value, [("rank", "#"), ("name", "Name"), ("title", "Title"), ("department", "Department"),
         ("decision_power", "Power"), ("attitude", "Attitude"), ("reasons", "Why")],
         title=f"Successor candidates for {c.name} ({view.name})")  # fmt: skip


@guarded
def history(
    ctx: typer.Context,
    who: Annotated[str, typer.Argument(metavar="CONTACT|ACCOUNT", help="A contact (email, id, name) or an account.", show_default=False)],
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:
    """The change history of a contact, or of an account and its contacts."""
    from ..render.output import emit
    from ..storage.records import contact_names, find_account, resolve_contact
    from ..storage.records import history as load_history

    st = state(ctx)
    with st.db().session() as s:
        acc = None if (account or "@" in who or who.strip().isdigit()) else find_account(s, who)
        if acc is not None:
            rows = load_history(s, account=acc)
            title = f"History of {acc.name}"
        else:
            c = resolve_contact(s, who, account)
            rows = load_history(s, contact=c)
            title = f"History of {c.name}"
        names = contact_names(s, [r.entity_id for r in rows if r.entity == "contact"])
    records = [{
        "at": r.at.isoformat() if format is not Format.table else r.at.astimezone().strftime("%Y-%m-%d %H:%M"),
        "entity": r.entity,
        "name": names.get(r.entity_id, acc.name if acc else "") if r.entity == "contact" else (acc.name if acc else ""),
        "field": r.field, "old": r.old, "new": r.new, "source": r.source,
    } for r in rows]  # fmt: skip
    emit(records, format.value, [("at", "When"), ("name", "Who"), ("field", "Field"), ("old", "Old"),
         ("new", "New"), ("source", "Source")], title=title, empty="no history")  # fmt: skip
