"""`kam health` (scores, --record, --trend) and `kam report` (the team lead's dashboard)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..domain.labels import shown
from ..i18n import N_, _, ngettext
from .common import Format, FormatOption, examples, fail, guarded, note, state

BAND_STYLE = {"red": "bold red", "yellow": "yellow", "green": "green"}


def register(app: typer.Typer) -> None:
    app.command(
        "health",
        epilog=examples(
            "kam health",
            "kam health 华东电力集团 --trend",
            "weekly crontab: 0 6 * * 1  kam health --record",
        ),
    )(health)
    app.command("report", epilog=examples("kam report", "kam report --min-amount 100万 --format json"))(report)


@guarded
def health(
    ctx: typer.Context,
    account: Annotated[str | None, typer.Argument(help="One account (default: every account).", show_default=False, metavar="ACCOUNT")] = None,
    record: Annotated[bool, typer.Option("--record", help="Store today's scores (re-recording a day replaces it) and print only a summary line; run it weekly.")] = False,
    trend: Annotated[bool, typer.Option("--trend", help="Show the recorded scores instead of today's.")] = False,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """Health scores 0–100, with the points behind each.

    From the scorecard (config: health), with the points per dimension and the deductions."""
    from ..domain.health import RECORD_KEYS
    from ..errors import KamError
    from ..render.output import emit
    from ..services.health import TREND_KEYS, health_history, health_scores, record_health_scores
    from ..services.options import check_options

    if record and trend:
        raise KamError("--record and --trend do not go together")
    st = state(ctx)
    cfg = st.config()
    card, opts = cfg.scorecard, check_options(cfg, st.today)
    reader = st.reader()
    if trend:
        history = health_history(reader, account)
        if format is Format.table:
            history = [dict(r, band=shown("band", r["band"]), _band=r["band"]) for r in history]
        emit(history, format.value, [("account", N_("Account")), ("date", N_("Date")),
             ("score", N_("Score")), ("band", N_("Band")), ("usage_points", N_("Usage pts")),
             ("renewal_intent_points", N_("Renewal pts")), ("p1_tickets_points", N_("P1 pts")),
             ("nps_points", N_("NPS pts")), ("deductions", N_("Deducted"))],
             title=N_("Recorded health scores"),
             empty=N_("no health scores recorded yet; kam health --record stores today's"), style=_style,
             fields=TREND_KEYS)  # fmt: skip
        return
    results = health_scores(reader, card, opts, [account] if account else None)
    if record:
        done = record_health_scores(st.db(create=False), results, on=st.today, at=st.now)
        recorded = ngettext("recorded {n} health score for {day}", "recorded {n} health scores for {day}", done.scores)
        note(recorded.format(n=done.scores, day=done.on.isoformat())
             + (_(" ({n} without data)").format(n=done.without_data) if done.without_data else ""))  # fmt: skip
        return  # a cron job: one line, no table (kam health shows the scores, --trend the recorded ones)
    records = [r for _, r in results]
    if format is not Format.table:
        emit(records, format.value, [], fields=RECORD_KEYS)
        return
    rows = [dict(r, usage=_dim(r, "usage"), renewal_intent=_dim(r, "renewal_intent"), p1_tickets=_dim(r, "p1_tickets"),
                 nps=_dim(r, "nps"), deductions=", ".join(r["deduction_reasons"]) or None,
                 tier=shown("tier", r["tier"]), band=shown("band", r["band"]), _band=r["band"])
            for r in records]  # fmt: skip
    columns = [("account", N_("Account")), ("tier", N_("Tier")), ("score", N_("Score")), ("band", N_("Band")),
               ("usage", N_("Usage")), ("renewal_intent", N_("Renewal")), ("p1_tickets", N_("P1 tickets")),
               ("nps", N_("NPS")), ("base", N_("Points × 10")), ("deductions", N_("Deductions"))]  # fmt: skip
    emit(rows, "table", columns, empty=N_("no accounts yet; start with kam import FILE.csv"), style=_style)
    if account and records and records[0]["score"] is not None:
        from ..render.output import say

        say(_("{account}: {explanation}").format(account=records[0]["account"], explanation=records[0]["explanation"]))


def _dim(r: dict[str, Any], d: str) -> str | None:
    from ..domain.labels import label

    if r[d] is None:
        return None
    value = shown("renewal_intent", r[d]) if d == "renewal_intent" else r[d]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if d == "renewal_intent":
        value = label(d, value)
    return f"{value} → {r[f'{d}_points']}" if r[f"{d}_points"] is not None else str(value)


def _style(r: dict[str, Any]) -> str | None:
    return BAND_STYLE.get(r.get("_band", r.get("band")) or "")


@guarded
def report(
    ctx: typer.Context,
    min_amount: Annotated[str | None, typer.Option("--min-amount", help="Opportunities at or above this amount count as big, e.g. 1000000, 1,000,000, 100万, 1M (default: config min_amount).", metavar="AMOUNT")] = None,
    format: FormatOption = Format.table,
) -> None:  # fmt: skip
    """The team lead's dashboard of the whole book.

    Accounts by tier and health band, single-threaded deals, deals whose key person changed,
    key-people churn, coverage per owner, renewals coming up, where key people change most."""
    from ..domain.dashboard import long_rows
    from ..domain.numbers import parse_amount
    from ..domain.vocab import VocabError
    from ..render.output import emit
    from ..services.options import check_options
    from ..services.reports import team_dashboard

    st = state(ctx)
    cfg = st.config()
    opts = check_options(cfg, st.today)
    try:
        amount = cfg.min_amount if min_amount is None else parse_amount(min_amount)
    except VocabError as exc:
        raise fail(f"--min-amount: {exc}") from None
    board = team_dashboard(st.reader(), cfg.scorecard, opts, min_amount=amount)
    if format is Format.json:
        emit([board], "json", [])
        return
    if format is Format.csv:
        emit(long_rows(board), "csv", [("section", ""), ("item", ""), ("measure", ""), ("value", "")])
        return
    _render(board)


def _money(value: float | None) -> str:
    from ..render.output import amount_text

    return "" if value is None else amount_text(value)


def _deal_cells(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Opportunities as the dashboard's tables show them: amounts with separators, labels."""
    from ..domain.labels import label

    return [dict(r, amount=_money(r["amount"]), stability=label("stability", r["stability"]),
                 coverage=label("coverage", r["coverage"]) if r.get("coverage") else None) for r in rows]  # fmt: skip


def _render(board: dict[str, Any]) -> None:
    from ..domain.dashboard import NO_TIER
    from ..render.output import emit, heading, say

    def section(rows: list[dict[str, Any]], columns: list[tuple[str, str]], *, title: str, empty: str) -> None:
        """A table, or the section's "nothing" line, on stdout (`kam report > monday.txt` keeps it)."""
        if rows:
            emit(rows, "table", columns, title=title)
        else:
            say(_("{title}: {empty}").format(title=_(title), empty=_(empty)))

    heading(_("Key-account dashboard as of {date}").format(date=board["as_of"]))
    tiers = [dict(t, tier=_("no tier") if t["tier"] == NO_TIER else shown("tier", t["tier"])) for t in board["tiers"]]
    emit(tiers, "table", [("tier", N_("Tier")), ("red", N_("Red")), ("yellow", N_("Yellow")), ("green", N_("Green")),
         ("no_score", N_("No score")), ("total", N_("Total"))], title=N_("Accounts by tier and health band"))  # fmt: skip
    st = board["single_threaded"]
    share = f"{st['share']:.0%}" if st["share"] is not None else "–"
    say(_("Single-threaded deals (open, at least {min_amount}): {count} of {open} ({share}), amount {amount}")
                     .format(min_amount=_money(st["min_amount"]), count=st["count"], open=st["open_opportunities"],
                             share=share, amount=_money(st["amount"])))  # fmt: skip
    opp_columns = [("account", N_("Account")), ("opportunity", N_("Opportunity")), ("amount", N_("Amount")),
                   ("stage", N_("Stage")), ("close_date", N_("Close")), ("contacts", N_("Contacts")),
                   ("stability", N_("Stability"))]  # fmt: skip
    if st["opportunities"]:
        emit(_deal_cells(st["opportunities"]), "table", opp_columns)
    kc = board["key_person_changed"]
    say(_("Open deals whose key person changed in the last {days} days: {count}, amount {amount}")
                     .format(days=kc["days"], count=kc["count"], amount=_money(kc["amount"])))  # fmt: skip
    if kc["opportunities"]:
        emit(_deal_cells(kc["opportunities"]), "table", opp_columns[:-1] + [("coverage", N_("Coverage"))])
    section([dict(m, people=", ".join(m["people"])) for m in board["key_people_changes"]],
            [("account", N_("Account")), ("changes", N_("Changes")), ("people", N_("Who (left or replaced)"))],
            title=N_("Key-people changes, 12 months"), empty=N_("no key-person changes in 12 months"))  # fmt: skip
    section(board["owners"], [("owner", N_("Owner")), ("accounts", N_("Accounts")),
            ("active_contacts", N_("Contacts")), ("contacts_per_account", N_("Per account")),
            ("thin_accounts", N_("Thin accounts")), ("no_decision_maker", N_("No decision maker")),
            ("open_opportunities", N_("Open deals")), ("single_threaded", N_("Single-threaded"))],
            title=N_("Coverage per account owner"), empty=N_("no accounts"))  # fmt: skip
    section([dict(h, accounts=", ".join(h["accounts"])) for h in board["sole_holders"]],
            [("name", N_("Our person")), ("count", N_("Accounts")), ("accounts", N_("Which"))],
            title=N_("Key relationships that hang on one of us"),
            empty=N_("every account's key contacts are known by two of us or more"))  # fmt: skip
    _early_sections(board, section)


_BY = {"industry": (N_("Industry"), N_("Key-people changes by industry, 12 months")),
       "department": (N_("Department"), N_("Key-people changes by department, 12 months")),
       "title": (N_("Title"), N_("Key-people changes by title, 12 months"))}  # fmt: skip


def _early_sections(board: dict[str, Any], section: Any) -> None:
    """The renewals of the window and where key people change most (docs/spec.md §11)."""
    from ..render.output import emit, say

    rn = board["renewals"]
    say(_("Renewals in the next {days} days: {count}, annual revenue {amount}, {at_risk} at risk").format(
        days=rn["days"], count=rn["count"], amount=_money(rn["annual_revenue"]), at_risk=rn["at_risk"]))  # fmt: skip
    if rn["accounts"]:
        rows = [dict(r, annual_revenue=_money(r["annual_revenue"]), at_risk=_("yes") if r["at_risk"] else _("no"))
                for r in rn["accounts"]]  # fmt: skip
        emit(rows, "table", [("account", N_("Account")), ("renewal_date", N_("Renewal date")), ("days", N_("Days")),
             ("annual_revenue", N_("Annual revenue")), ("at_risk", N_("At risk"))])  # fmt: skip
    for group, (column, title) in _BY.items():
        section(board["key_people_changes_by"][group], [("name", column), ("changes", N_("Changes"))], title=title,
                empty=N_("no key-person changes in 12 months"))  # fmt: skip
