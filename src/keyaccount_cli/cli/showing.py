"""`kam show`: the 360° page of one account."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..domain.labels import label, shown
from ..i18n import N_, _, ngettext
from .common import Format, FormatOption, examples, guarded, state


def register(app: typer.Typer) -> None:
    app.command("show", epilog=examples("kam show 华东电力集团", "kam show 星河零售 --format json"))(show)


@guarded
def show(
    ctx: typer.Context,
    account: Annotated[
        str, typer.Argument(help="Account name (case-insensitive).", show_default=False, metavar="ACCOUNT")
    ],
    format: FormatOption = Format.table,
) -> None:
    """The 360° page of one account.

    Profile, coverage, relationship table, relations, open handovers, interactions, findings."""
    from ..services.account_page import account_page
    from ..services.options import check_options

    st = state(ctx)
    opts = check_options(st.config(), st.today)
    page = account_page(st.reader(), account, st.config().scorecard, opts)
    if format is not Format.table:
        from ..render.output import emit

        if format is Format.csv:  # a page does not fit one sheet: its relationship table does
            from ..services.records import CONTACT_KEYS

            emit(page["contacts"], "csv", [], fields=CONTACT_KEYS)
        else:
            emit([page], format.value, [])
        return
    _render(page)


def _render(page: dict[str, Any]) -> None:
    from ..render.output import heading, say

    heading(page["account"])
    for line in _profile(page):
        say(line)
    _tables(page)


_PROFILE = {
    "industry": N_("industry"), "tier": N_("tier"), "owner": N_("owner"), "annual_revenue": N_("annual revenue"),
    "status": N_("status"), "renewal_date": N_("renewal date"),
}  # fmt: skip


def _renewal(page: dict[str, Any]) -> str | None:
    """The renewal date, with the days to go (or since)."""
    day, days = page["renewal_date"], page["renewal_days"]
    if day is None:
        return None
    if days >= 0:
        return ngettext("{date} (in {n} day)", "{date} (in {n} days)", days).format(date=day, n=days)
    return ngettext("{date} ({n} day ago)", "{date} ({n} days ago)", -days).format(date=day, n=-days)


def _profile(page: dict[str, Any]) -> list[str]:
    """The lines above the tables: profile, notes, tier and cadence, health, coverage."""
    from ..render.output import amount_text, coverage_counts

    revenue = page["annual_revenue"]
    values = {**page, "annual_revenue": amount_text(revenue) if revenue is not None else None,
              "tier": shown("tier", page["tier"]), "status": shown("account_status", page["status"]),
              "renewal_date": _renewal(page)}  # fmt: skip
    keys = ["industry", "tier", "owner", "annual_revenue", "status"] + (
        ["renewal_date"] if page["renewal_date"] else []
    )
    profile = [
        _("{field}: {value}").format(field=_(_PROFILE[k]), value=values[k]) for k in keys if values[k] is not None
    ]
    lines = [" · ".join(profile)]
    if page["notes"]:
        lines.append(page["notes"])
    if page["renewal_risks"]:
        lines.append(_("Renewal at risk: {reasons}").format(reasons=_("; ").join(page["renewal_risks"])))
    fu, health = page["follow_up"], page["health"]
    if fu["tier"]:
        text = (_("Tier: {tier} (from annual revenue), follow up every {days} days; last interaction: {last}")
                if fu["tier_from_revenue"] else
                _("Tier: {tier}, follow up every {days} days; last interaction: {last}"))  # fmt: skip
        lines.append(text.format(tier=shown("tier", fu["tier"]), days=fu["cadence_days"],
                                 last=fu["last_interaction"] or _("none")))  # fmt: skip
    if health["score"] is not None:
        lines.append(_("Health: {score} ({band}): {explanation}").format(
            score=health["score"], band=label("band", health["band"]), explanation=health["explanation"]))  # fmt: skip
    cov = page["coverage"]
    counts = coverage_counts(cov["active_contacts"], cov["departments"], cov["supporters"], cov["decision_makers"])
    points = ", ".join(cov["single_points"]) or _("none")
    lines.append(_("Coverage: {counts}, single points: {points}").format(counts=counts, points=points))
    return lines


def _tables(page: dict[str, Any]) -> None:
    from ..render.output import amount_text, contact_cells, emit
    from .contacts import CONTACT_COLUMNS
    from .our_side import TEAM_COLUMNS, team_rows

    rows = [contact_cells(r) for r in page["contacts"]]
    emit(rows, "table", CONTACT_COLUMNS, title=N_("Relationships"), empty=N_("no contacts"))
    emit(team_rows(page["team"]), "table", TEAM_COLUMNS, title=N_("Account team"),
         empty=N_("no owner and no team yet"))  # fmt: skip
    emit([dict(r, kind=label("relation_kind", r["kind"])) for r in page["relations"]], "table",
         [("contact", N_("Contact")), ("kind", N_("Relation")), ("other", N_("With"))], title=N_("Relations"),
         empty=N_("no relations recorded"))  # fmt: skip
    emit([dict(o, contacts=", ".join(o["contacts"]), amount=amount_text(o["amount"]) if o["amount"] is not None else None,
               open=_("open") if o["open"] else _("closed"), coverage=shown("coverage", o["coverage"]),
               stability=shown("stability", o["stability"])) for o in page["opportunities"]], "table",
         [("opportunity", N_("Opportunity")), ("amount", N_("Amount")), ("stage", N_("Stage")), ("open", N_("Open")),
          ("close_date", N_("Close")), ("contacts", N_("Contacts")), ("coverage", N_("Coverage")),
          ("stability", N_("Stability"))],
         title=N_("Opportunities"), empty=N_("no opportunities"))  # fmt: skip
    emit(page["handovers"], "table", [("contact", N_("Departing")), ("change_date", N_("Change date")),
         ("next_step", N_("Next step")), ("deadline", N_("Deadline")), ("owner", N_("Owner")),
         ("steps_done", N_("Steps done"))], title=N_("Open handovers"), empty=N_("no open handovers"))  # fmt: skip
    emit([dict(i, contacts=", ".join(i["contacts"]), kind=shown("interaction_kind", i["kind"]))
          for i in page["interactions"]], "table",
         [("date", N_("Date")), ("kind", N_("Kind")), ("contacts", N_("With")), ("summary", N_("Summary"))],
         title=N_("Recent interactions"), empty=N_("no interactions logged"))  # fmt: skip
    findings = [dict(f, severity=label("severity", f["severity"])) for f in page["findings"]]
    emit(findings, "table", [("severity", N_("Severity")), ("code", N_("Code")), ("contact", N_("Contact")),
         ("date", N_("Date")), ("message", N_("Message"))], title=N_("Findings"), empty=N_("no findings"))  # fmt: skip
