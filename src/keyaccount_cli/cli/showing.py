"""`kam show`: the 360° page of one account."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from ..domain.labels import label, shown
from ..errors import KamError
from ..i18n import N_, _, ngettext
from .common import checked_output, examples, guarded, one_of, state, write_picture


def register(app: typer.Typer) -> None:
    app.command(
        "show",
        epilog=examples(
            "kam show 华东电力集团",
            "kam show 星河零售 --format json",
            "kam show 华东电力集团 --format html -o 华东电力集团.html",
        ),
    )(show)


class ShowFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


@guarded
def show(
    ctx: typer.Context,
    account: Annotated[
        str, typer.Argument(help="Account name (case-insensitive).", show_default=False, metavar="ACCOUNT")
    ],
    format: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False, metavar=one_of(ShowFormat))] = ShowFormat.table,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the HTML page to this file instead of stdout.", metavar="FILE")] = None,
) -> None:  # fmt: skip
    """The 360° page of one account.

    Profile, coverage, relationship table, relations, open handovers, interactions, findings;
    `--format html` is the page with the picture of the map as one file to mail."""
    from ..services.account_page import account_page
    from ..services.options import check_options

    if output is not None and format is not ShowFormat.html:
        raise KamError(f"-o writes the HTML page: use it with --format html, not {format.value}")
    st = state(ctx)
    target = checked_output(st, output)
    opts = check_options(st.config(), st.today)
    page = account_page(st.reader(), account, st.config().scorecard, opts)
    if format is ShowFormat.html:
        write_picture(_html(st, page), target)
    elif format is not ShowFormat.table:
        from ..render.output import emit

        if format is ShowFormat.csv:  # a page does not fit one sheet: its relationship table does
            from ..services.records import CONTACT_KEYS

            emit(page["contacts"], "csv", [], fields=CONTACT_KEYS)
        else:
            emit([page], format.value, [])
    else:
        _render(page)


def _html(st: Any, page: dict[str, Any]) -> str:
    """The page as one HTML file, the picture of the account's map inline."""
    from ..render.page import account_page_html
    from ..render.picture import map_svg
    from ..services.account_map import account_map
    from .mapping import picture_coverage

    shown_map = account_map(st.reader(), page["account"])
    picture = map_svg(shown_map.account, shown_map.nodes, shown_map.relations,
                      picture_coverage(shown_map.coverage), standalone=False)  # fmt: skip
    lines = _profile(page)
    return account_page_html(page["account"], lines, _sections(page), picture)


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
    moving = page["owner_handover"]
    if moving:
        lines.append(_("Owner handover: {old} → {new}, next step {step} due {date} (kam handover --account {account})")
                     .format(old=moving["from"], new=moving["to"], step=moving["next_step"], date=moving["deadline"],
                             account=page["account"]))  # fmt: skip
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


Section = tuple[list[dict[str, Any]], list[tuple[str, str]], str, str]  # rows, columns, title, empty line


def _tables(page: dict[str, Any]) -> None:
    from ..render.output import emit

    for rows, columns, title, empty in _sections(page):
        emit(rows, "table", columns, title=title, empty=empty)


def _sections(page: dict[str, Any]) -> list[Section]:
    """The page's tables, their cells as people read them (titles and labels marked, not yet
    translated): one source for the terminal and the HTML page."""
    from ..render.output import amount_text, contact_cells
    from .contacts import CONTACT_COLUMNS
    from .our_side import TEAM_COLUMNS, team_rows

    opportunities = [dict(o, contacts=", ".join(o["contacts"]), amount=amount_text(o["amount"]) if o["amount"] is not None else None,
                          open=_("open") if o["open"] else _("closed"), coverage=shown("coverage", o["coverage"]),
                          stability=shown("stability", o["stability"])) for o in page["opportunities"]]  # fmt: skip
    interactions = [dict(i, contacts=", ".join(i["contacts"]), kind=shown("interaction_kind", i["kind"]))
                    for i in page["interactions"]]  # fmt: skip
    return [
        ([contact_cells(r) for r in page["contacts"]], CONTACT_COLUMNS, N_("Relationships"), N_("no contacts")),
        (team_rows(page["team"]), TEAM_COLUMNS, N_("Account team"), N_("no owner and no team yet")),
        ([dict(r, kind=label("relation_kind", r["kind"])) for r in page["relations"]],
         [("contact", N_("Contact")), ("kind", N_("Relation")), ("other", N_("With"))], N_("Relations"),
         N_("no relations recorded")),
        (opportunities, [("opportunity", N_("Opportunity")), ("amount", N_("Amount")), ("stage", N_("Stage")),
                         ("open", N_("Open")), ("close_date", N_("Close")), ("contacts", N_("Contacts")),
                         ("coverage", N_("Coverage")), ("stability", N_("Stability"))],
         N_("Opportunities"), N_("no opportunities")),
        (page["handovers"], [("contact", N_("Departing")), ("change_date", N_("Change date")),
                             ("next_step", N_("Next step")), ("deadline", N_("Deadline")), ("owner", N_("Owner")),
                             ("steps_done", N_("Steps done"))], N_("Open handovers"), N_("no open handovers")),
        (interactions, [("date", N_("Date")), ("kind", N_("Kind")), ("by", N_("By")), ("contacts", N_("With")),
                        ("summary", N_("Summary"))], N_("Recent interactions"), N_("no interactions logged")),
        ([dict(f, severity=label("severity", f["severity"])) for f in page["findings"]],
         [("severity", N_("Severity")), ("code", N_("Code")), ("contact", N_("Contact")), ("date", N_("Date")),
          ("message", N_("Message"))], N_("Findings"), N_("no findings")),
    ]  # fmt: skip
