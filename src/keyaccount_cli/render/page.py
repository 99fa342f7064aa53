"""`kam show ACCOUNT --format html`: the 360° page as one self-contained HTML file to mail — the
profile lines, the tables and the picture of the map inline. Every text is escaped; pure."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from ..i18n import _
from .picture import html_page


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return escape(", ".join(str(v) for v in value))
    return escape(str(value))


def html_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]], title: str, empty: str) -> str:
    """A titled table (its labels and title translated here), or its `empty` line when it has no rows."""
    head = f"<h2>{escape(_(title))}</h2>\n"
    if not rows:
        return head + f'<p class="empty">{escape(_(empty))}</p>\n'
    header = "".join(f"<th>{escape(_(text))}</th>" for _key, text in columns)
    body = "\n".join("<tr>" + "".join(f"<td>{_cell(r.get(k))}</td>" for k, _text in columns) + "</tr>" for r in rows)
    return head + f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"


def account_page_html(
    account: str,
    lines: Sequence[str],
    sections: Sequence[tuple[Sequence[dict[str, Any]], Sequence[tuple[str, str]], str, str]],
    picture: str,
) -> str:
    """The page: the account as its heading, the profile `lines`, the map's `picture` (an `<svg>`
    element), then each section's table."""
    parts = [f"<main>\n<h1>{escape(account)}</h1>\n"]
    parts += [f"<p>{escape(line)}</p>\n" for line in lines]
    heading = _("Map")
    parts.append(f'<h2>{escape(heading)}</h2>\n<div class="map">{picture}</div>\n')
    parts += [html_table(*section) for section in sections]
    parts.append("</main>\n")
    return html_page(account, "".join(parts))
