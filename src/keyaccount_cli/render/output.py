"""Renderers: Rich tables and trees for people, JSON and CSV for machines.

Machine formats are written with plain `sys.stdout` (never through Rich, which
would wrap lines and parse `[...]` as markup); user text in Rich output is escaped and its
`:emoji:` codes are left as written.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

from ..domain.graph import Coverage, MapNode
from ..domain.labels import label, shown
from ..domain.vocab import ATTITUDE_SIGN
from ..i18n import N_, _, ngettext
from ..importing.csvfile import write_csv
from ..messages import quiet
from .layout import FIXED, LIST, PROSE, Paint, Piece, clean, table_lines, wrap, wrap_pieces

if TYPE_CHECKING:  # Rich is imported where a table or tree is drawn: JSON and CSV output need none of it
    from rich.console import Console

ATTITUDE_STYLE = {
    "strong_support": "bold green", "support": "green", "neutral": "yellow",
    "reserved": "dark_orange", "opposed": "bold red",
}  # fmt: skip
FLAG_STYLE = {N_("single point"): "bold magenta", N_("sole supporter"): "magenta", N_("no successor"): "bold red"}


PIPE_WIDTH = 100  # a pipe, a file, cron mail: tables no wider than this unless COLUMNS says


def console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None
    if not stream.isatty() and "COLUMNS" not in os.environ:
        width = PIPE_WIDTH
    # emoji off: a name like `Team :rocket:` is shown as written (escape() only guards markup)
    return Console(file=stream, width=width, highlight=False, soft_wrap=False, emoji=False)


def plain_width(stream: IO[str]) -> int | None:
    """The width `console()` draws at on `stream` when it is sure to draw no colour there (not a
    terminal, and no FORCE_COLOR or TTY_COMPATIBLE to make it one), known without importing Rich;
    else None and Rich decides. Plain text is written without Rich on such a stream (a pipe, a
    file, cron): a table or a line then costs no import of Rich's console, a tenth of a
    per-account command's time."""
    if os.environ.get("KAM_RICH_ALWAYS") == "1" or os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE"):
        return None
    if stream.isatty():
        return None
    columns = os.environ.get("COLUMNS")
    if columns is None:
        return PIPE_WIDTH
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def target(*, stderr: bool = False) -> tuple[IO[str], int, Paint | None]:
    """Where a table or line goes, how wide it may be, and how to colour it (None: no colour)."""
    stream = sys.stderr if stderr else sys.stdout
    width = plain_width(stream)
    if width is not None:
        return stream, width, None
    con = console(stderr=stderr)
    return stream, con.width, painter(con)


def painter(con: Console) -> Paint | None:
    """Colour codes around a text in a Rich style, as `con` draws them; None where it draws no colour."""
    from rich.console import COLOR_SYSTEMS
    from rich.style import Style

    if con.no_color or con.color_system is None:
        return None
    system = COLOR_SYSTEMS[con.color_system]
    styles: dict[str, Style] = {}

    def paint(text: str, style: str) -> str:
        if not style:
            return text
        if style not in styles:
            styles[style] = con.get_style(style)
        return styles[style].render(text, color_system=system)

    return paint


Column = tuple[str, str]  # (record key, table label); FREE_TEXT and LISTS say which columns wrap
# The one place that says how a column may break (SPEC §13): free text wraps at spaces, a list
# between its items; every other column (codes, dates, numbers, statuses, names) is never cut.
FREE_TEXT = frozenset({
    "message", "notes", "title", "department", "description", "summary", "reasons", "deductions",
    "explanation", "opportunity", "old", "new", "value", "problem",
})  # fmt: skip
LISTS = frozenset({"roles", "contacts", "people"})


def column_kind(key: str) -> str:
    """How the column of records' `key` may break: FIXED (never), PROSE or LIST."""
    return PROSE if key in FREE_TEXT else LIST if key in LISTS else FIXED


def _cell(value: Any, kind: str = FIXED) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return label("flag", "yes" if value else "no")
    if isinstance(value, list | tuple):
        return clean(", ".join(str(v) for v in value), kind)
    return clean(str(value), kind)


def emit(
    records: Sequence[dict[str, Any]],
    fmt: str,
    columns: Sequence[Column],
    *,
    title: str | None = None,
    out: IO[str] | None = None,
    empty: str = N_("nothing to show"),
    style: Callable[[dict[str, Any]], str | None] | None = None,
    fields: Sequence[str] | None = None,
) -> None:
    """One record per row (table), object (json) or line (csv). JSON and CSV carry every key;
    `fields` names them for the CSV header when there are no records. A table's labels, title and
    `empty` line are said in the language in use (`_()`: mark them with `N_`)."""
    if fmt == "json":
        write_json_list(records, out or sys.stdout)
    elif fmt == "csv":
        _write_csv_records(records, _csv_header(records, columns, fields), out)
    elif not records:
        _say_empty(_(empty))
    else:
        _draw_table(records, [(k, _(text)) for k, text in columns], title=_(title) if title else None, style=style)


def _csv_header(
    records: Sequence[dict[str, Any]], columns: Sequence[Column], fields: Sequence[str] | None
) -> list[str]:
    """The keys of the first record; with no records, `fields`, else the keys of the columns."""
    if records:
        return list(records[0])
    return list(fields or (k for k, _label in columns))


def _write_csv_records(records: Iterable[dict[str, Any]], keys: Sequence[str], out: IO[str] | None) -> None:
    """Records as CSV lines under the header `keys` (a missing key is an empty cell)."""
    write_csv(([_csv(r.get(k)) for k in keys] for r in records), keys, out=out)


def _say_empty(message: str) -> None:
    """What an empty table prints instead, on stderr (nothing with `-q`)."""
    if not quiet():
        say(message, stderr=True)


def say(message: str, *, stderr: bool = False) -> None:
    """A line of prose, wrapped to the width at spaces, the lines after the first indented by two."""
    stream, width, _ = target(stderr=stderr)
    stream.write("".join(line + "\n" for line in wrap(clean(message, PROSE), width, indent=2)))


def heading(text: str) -> None:
    """A page's heading (an account's name), bold and underlined where colour is drawn."""
    stream, width, paint = target()
    stream.write("".join((paint(t, "bold underline") if paint else t) + "\n" for t in wrap(clean(text, PROSE), width)))


def _draw_table(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None,
    style: Callable[[dict[str, Any]], str | None] | None,
) -> None:
    """A table on stdout, laid out by `layout.table_lines`: the same text in a pipe and on a
    terminal, where each row is coloured by `style`."""
    stream, width, paint = target()
    kinds = [column_kind(k) for k, _ in columns]
    rows = [[_cell(r.get(k), kind) for (k, _), kind in zip(columns, kinds, strict=True)] for r in records]
    styles = [style(r) for r in records] if style and paint else None
    write_table([label for _, label in columns], rows, kinds, width, stream, title=title, styles=styles, paint=paint)


def write_table(
    labels: Sequence[str],
    rows: Sequence[Sequence[str]],
    kinds: Sequence[str],
    width: int,
    out: IO[str],
    *,
    title: str | None = None,
    styles: Sequence[str | None] | None = None,
    paint: Paint | None = None,
) -> None:
    """The table's lines to `out`, a few thousand at a time (a big book has 200,000 findings)."""
    chunk: list[str] = []
    for line in table_lines(labels, rows, kinds, width, title=title, styles=styles, paint=paint):
        chunk.append(line)
        if len(chunk) >= 5000:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))


def plain_table(
    labels: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    title: str | None = None,
    kinds: Sequence[str] | None = None,
) -> str:
    """The table as text without colour (every column never cut unless `kinds` says)."""
    import io

    out = io.StringIO()
    write_table(labels, rows, kinds or [FIXED] * len(labels), width, out, title=title)
    return out.getvalue()


def write_json_list(records: Iterable[dict[str, Any]], out: IO[str]) -> None:
    """A JSON list with one object per line: still one JSON document, readable and greppable, and
    written by the C encoder (an indented dump goes through the pure-Python one, ten times slower)."""
    out.write("[")
    sep = "\n"
    for r in records:
        out.write(sep + json.dumps(r, ensure_ascii=False, default=str))
        sep = ",\n"
    out.write("\n]\n" if sep != "\n" else "]\n")


def _csv(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value


def attitude_pieces(attitude: str | None) -> list[Piece]:
    if not attitude:
        return [(_("attitude ?"), "dim")]
    return [(attitude_text(attitude), ATTITUDE_STYLE[attitude])]


def attitude_text(attitude: str) -> str:
    """An attitude as people read it: its sign and its label (`++ strong support`)."""
    return f"{ATTITUDE_SIGN[attitude]} {label('attitude', attitude)}"


def attitude_label(attitude: str | None) -> str:
    """An attitude as the tables show it (`+ support`); empty when not known."""
    return attitude_text(attitude) if attitude else ""


def contact_cells(record: dict[str, Any]) -> dict[str, Any]:
    """A contact's record (`kam contacts`, `show`, `successor --suggest`) with the labels a table
    shows for its vocabulary values: roles, power, attitude (with its sign), status, change risk and kind."""
    out = dict(record)
    if "roles" in out:
        out["roles"] = ", ".join(shown("roles", out["roles"]))
    if "our_contacts" in out:
        out["our_contacts"] = ", ".join(out["our_contacts"])
    out["attitude"] = attitude_label(out.get("attitude"))
    for field in ("decision_power", "status", "change_risk", "change_kind"):
        if out.get(field):
            out[field] = label(field, out[field])
    return out


# the vocabulary of the values of a field in the history, by (entity, field)
_HISTORY_VOCABULARY = {
    **{("contact", f): f for f in ("roles", "decision_power", "attitude", "concerns", "status", "change_risk",
                                   "change_kind")},
    ("account", "tier"): "tier", ("account", "status"): "account_status", ("account", "renewal_intent"): "renewal_intent",
}  # fmt: skip


_AMOUNTS = ("annual_revenue", "amount")  # the fields of the history that hold an amount


def amount_text(value: Any) -> str:
    """An amount as tables show it: `15,000,000`, `1,234.5`; a text that is no number as it is."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}".rstrip("0")


def history_cells(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """History rows as a table shows them: the field as a word, vocabulary values as labels, and no
    row for the name's search key (it follows the name, which has its own row)."""
    out = []
    for r in records:
        if r["field"] == "name_key":
            continue
        row = dict(r, field=r["field"].replace("_", " "))
        vocabulary = _HISTORY_VOCABULARY.get((r["entity"], r["field"]))
        for k in ("old", "new"):
            if vocabulary and r[k]:
                row[k] = ", ".join(shown(vocabulary, str(r[k]).split(";")))
            elif r["field"] in _AMOUNTS and r[k]:
                row[k] = amount_text(r[k])
        out.append(row)
    return out


def node_pieces(node: MapNode) -> list[Piece]:
    """One person on the map: name, title, department, roles, power, attitude, flags."""
    c = node.contact
    out: list[Piece] = [(c.name, "bold" if c.active else "dim strike")]
    if c.title:
        out.append((f" · {c.title}", ""))
    if c.department:
        out.append((f" · {c.department}", "cyan"))
    if c.roles:
        out.append((f" [{', '.join(shown('roles', c.roles))}]", "blue"))
    if c.decision_power:
        power = _("power: {power}").format(power=shown("decision_power", c.decision_power))
        out.append((" " + power, "bold" if c.decision_power == "final" else ""))
    out.append((" ", ""))
    out += attitude_pieces(c.attitude)
    styles = {_(flag): style for flag, style in FLAG_STYLE.items()}
    leaving = _("leaving")
    for flag in node.flags:
        out.append(("  ", ""))
        out.append((f"⚑ {flag}", styles.get(flag, "bold yellow" if flag.startswith(leaving) else "dim")))
    return out


def tree_lines(account_name: str, nodes: list[MapNode]) -> Iterator[list[Piece]]:
    """The decision chain with tree guides (├── │ └──), one list of pieces per line, each person's
    relations on lines of their own under them (`trusts → 马晓东`, `← referred by 王强`);
    iterative, so a reports-to chain thousands deep draws as well as a flat one."""
    yield [(account_name, "bold underline")]
    stack = [(n, "", i == len(nodes) - 1) for i, n in reversed(list(enumerate(nodes)))]
    while stack:
        node, prefix, last = stack.pop()
        yield [(prefix + ("└── " if last else "├── "), "dim"), *node_pieces(node)]
        inner = prefix + ("    " if last else "│   ")
        kids = node.children
        guide = inner + ("│   " if kids else "    ")  # under the person, beside the line to their reports
        for link in node.links:
            yield [(guide, "dim"), (link.text(), "italic")]
        stack.extend((child, inner, i == len(kids) - 1) for i, child in reversed(list(enumerate(kids))))


def write_pieces(con: Console, lines: Iterable[list[Piece]]) -> None:
    """Write styled lines without Rich's layout pass, so that thousands of lines print at once.
    Plain text when colour is off (NO_COLOR, pipes, cron)."""
    paint = painter(con)
    if paint is None:
        con.file.write("".join("".join(t for t, _ in line) + "\n" for line in lines))
        return
    con.file.write("".join("".join(paint(t, s) for t, s in line) + "\n" for line in lines))


def fit_tree(lines: Sequence[list[Piece]], width: int) -> Iterator[list[Piece]]:
    """The map's lines in `width` columns: a person's line wraps at spaces under their name, the
    tree's guides drawn on beside it; names are never broken. The first line (the account) and the
    last (the coverage) wrap as prose."""
    ends = ("├── ", "└── ")
    for i, line in enumerate(lines):
        guide = line[0][0] if 0 < i < len(lines) - 1 else ""
        if not guide.endswith(ends):
            yield from wrap_pieces(line, width, "  ", prose=i > 0)
            continue
        below = lines[i + 1][0][0] if i + 1 < len(lines) else ""
        inner = guide[:-4] + ("    " if guide.endswith("└── ") else "│   ")
        kids = below.endswith(ends) and len(below) > len(guide)
        yield from wrap_pieces(line, width, inner + ("│   " if kids else "    "))


def coverage_counts(active: int, departments: int, supporters: int, decision_makers: int) -> str:
    """`3 active contacts, 2 departments, 1 supporter, 1 decision maker`: the coverage line of
    `kam map` and `kam show`, in the language in use."""
    return _("{active}, {departments}, {supporters}, {decision_makers}").format(
        active=ngettext("{n} active contact", "{n} active contacts", active).format(n=active),
        departments=ngettext("{n} department", "{n} departments", departments).format(n=departments),
        supporters=ngettext("{n} supporter", "{n} supporters", supporters).format(n=supporters),
        decision_makers=ngettext("{n} decision maker", "{n} decision makers", decision_makers).format(
            n=decision_makers
        ),
    )


def coverage_line(cov: Coverage) -> str:
    """`Coverage: 3 active contacts, …, 1 single point`: the map's footer (its single points apart)."""
    counts = coverage_counts(cov.active, cov.departments, cov.supporters, cov.decision_makers)
    points = len(cov.single_points)
    return _("Coverage: {counts}, {points}").format(
        counts=counts, points=ngettext("{n} single point", "{n} single points", points).format(n=points)
    )


def render_tree(account_name: str, nodes: list[MapNode], cov: Coverage) -> None:
    footer: list[Piece] = [(coverage_line(cov), "")]
    if cov.single_points:
        footer.append((f" ({', '.join(cov.single_points)})", "magenta"))
    con = console()
    write_pieces(con, fit_tree([*tree_lines(account_name, nodes), footer], con.width))


def mermaid(account_name: str, nodes: list[MapNode], relations: Sequence[tuple[int, int, str]]) -> str:
    """A Mermaid flowchart: reports-to as solid arrows (manager → report), relations dotted."""
    from ..domain.graph import walk

    lines = ["flowchart TD", f"  %% {account_name}"]
    present = set()
    for n in walk(nodes):
        c = n.contact
        present.add(c.id)
        power = f"power: {label('decision_power', c.decision_power)}" if c.decision_power else ""
        parts = [c.name, c.title or "", ", ".join(shown("roles", c.roles)), power]
        if c.attitude:
            parts.append(attitude_text(c.attitude))
        parts.append(", ".join(n.flags))
        text = "<br/>".join(_mermaid_escape(p) for p in parts if p)
        lines.append(f'  c{c.id}["{text}"]')
    for n in walk(nodes):
        for child in n.children:
            lines.append(f"  c{n.contact.id} --> c{child.contact.id}")
    for f, t, kind in relations:
        if f in present and t in present:
            lines.append(f"  c{f} -.->|{_mermaid_escape(label('relation_kind', kind))}| c{t}")
    return "\n".join(lines) + "\n"


def _mermaid_escape(text: str) -> str:
    return "".join(f"#{ord(ch)};" if ch in '"<>&#' else ch for ch in text)


def write_import_changes(
    changes: Sequence[dict[str, Any]], fmt: str, keys: Sequence[str], out: IO[str] | None = None
) -> None:
    """What an import changes (or would): a JSON list or CSV (header `keys`) of the records, or one
    line each (`王强: attitude neutral → support`)."""
    out = out or sys.stdout
    if fmt == "json":
        write_json_list(changes, out)
        return
    if fmt == "csv":
        _write_csv_records(changes, keys, out)
        return
    for c in changes:
        who = c["contact"] or c["account"]  # an account's own fields, an opportunity's: the account
        if c["change"] == "created":
            what = "contact at " + c["account"] if c["contact"] else c["field"] or "account"
            out.write(f"{who}: new {what}\n")
            continue
        field, before, after = _change_words(c)
        before = "(empty)" if before is None else before
        after = after if after is not None else "(cleared)" if c["change"] == "cleared" else "(empty)"
        out.write(f"{who}: {field} {before} → {after}\n")


def _change_words(change: dict[str, Any]) -> tuple[str, Any, Any]:
    """A changed field as a line says it: the field as a word (`reports to`), its values as labels
    (`strong influence`) or amounts (`1,000,000`); the JSON and CSV keep the names and values."""
    where, sep, name = str(change["field"]).rpartition(": ")  # `opportunity 续约: amount`
    entity = "contact" if change["contact"] else "account"
    vocabulary = _HISTORY_VOCABULARY.get((entity, name))
    values = []
    for value in (change["before"], change["after"]):
        if value not in (None, "") and vocabulary:
            value = ", ".join(shown(vocabulary, str(value).split(";")))
        elif value not in (None, "") and name in _AMOUNTS:
            value = amount_text(value)
        values.append(value)
    return where + sep + name.replace("_", " "), values[0], values[1]
