"""`kam show`: the 360° page of one account."""

from __future__ import annotations

from typing import Annotated, Any

import typer

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
    from ..domain.labels import label
    from ..render.output import amount_text, contact_cells, coverage_counts, emit, heading, say

    heading(page["account"])
    revenue = page["annual_revenue"]
    shown = {"industry": page["industry"], "tier": label("tier", page["tier"]) if page["tier"] else None,
             "owner": page["owner"], "annual revenue": amount_text(revenue) if revenue is not None else None}  # fmt: skip
    profile = [f"{k}: {v}" for k, v in shown.items() if v is not None]
    profile += [f"status: {label('account_status', page['status'])}"]
    if page["renewal_date"]:
        profile.append(f"renewal date: {page['renewal_date']}")
    if profile:
        say(" · ".join(profile))
    if page["notes"]:
        say(page["notes"])
    fu, health = page["follow_up"], page["health"]
    if fu["tier"]:
        derived = " (from annual revenue)" if fu["tier_from_revenue"] else ""
        say(f"Tier: {label('tier', fu['tier'])}{derived}, follow up every {fu['cadence_days']} days; "
            f"last interaction: {fu['last_interaction'] or 'none'}")  # fmt: skip
    if health["score"] is not None:
        say(f"Health: {health['score']} ({health['band']}): {health['explanation']}")
    cov = page["coverage"]
    counts = coverage_counts(cov["active_contacts"], cov["departments"], cov["supporters"], cov["decision_makers"])
    say(f"Coverage: {counts}, single points: {', '.join(cov['single_points']) or 'none'}")
    rows = [contact_cells(r) for r in page["contacts"]]
    emit(rows, "table", [("name", "Name"), ("title", "Title"), ("department", "Department"), ("roles", "Roles"),
         ("decision_power", "Power"), ("attitude", "Attitude"), ("reports_to", "Reports to"), ("status", "Status"),
         ("change_date", "Change date"), ("successor", "Successor")], title="Relationships",
         empty="no contacts")  # fmt: skip
    emit([dict(r, kind=label("relation_kind", r["kind"])) for r in page["relations"]], "table",
         [("contact", "Contact"), ("kind", "Relation"), ("other", "With")], title="Relations",
         empty="no relations recorded")  # fmt: skip
    emit([dict(o, contacts=", ".join(o["contacts"]), amount=amount_text(o["amount"]) if o["amount"] is not None else None,
               open="open" if o["open"] else "closed", coverage=label("coverage", o["coverage"]),
               stability=label("stability", o["stability"])) for o in page["opportunities"]], "table",
         [("opportunity", "Opportunity"), ("amount", "Amount"), ("stage", "Stage"), ("open", "Open"),
          ("close_date", "Close"), ("contacts", "Contacts"), ("coverage", "Coverage"), ("stability", "Stability")],
         title="Opportunities", empty="no opportunities")  # fmt: skip
    emit(page["handovers"], "table", [("contact", "Departing"), ("change_date", "Change date"),
         ("next_step", "Next step"), ("deadline", "Deadline"), ("owner", "Owner"), ("steps_done", "Steps done")],
         title="Open handovers", empty="no open handovers")  # fmt: skip
    emit([dict(i, contacts=", ".join(i["contacts"]), kind=label("interaction_kind", i["kind"]))
          for i in page["interactions"]], "table",
         [("date", "Date"), ("kind", "Kind"), ("contacts", "With"), ("summary", "Summary")],
         title="Recent interactions", empty="no interactions logged")  # fmt: skip
    emit(page["findings"], "table", [("severity", "Severity"), ("code", "Code"), ("contact", "Contact"),
         ("date", "Date"), ("message", "Message")], title="Findings", empty="no findings")  # fmt: skip
