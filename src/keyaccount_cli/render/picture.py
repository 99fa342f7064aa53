"""A picture of the map (docs/spec.md §12): the decision chain as one SVG drawing, alone or in one
HTML file, self-contained (no script, font, style sheet or image from anywhere else).

The layout is a tidy tree computed here: a column per leaf in the tree's order, a parent centred
over its first and last report, a row per depth, each row as tall as its tallest box. Every text
is escaped. Pure: no Rich tables, no I/O."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from html import escape

from ..domain.graph import MapNode, walk
from ..domain.labels import LABELS, label, shown
from ..domain.vocab import ATTITUDE_SIGN
from ..i18n import N_, _, current
from .layout import wrap

BOX_W, COL_GAP, ROW_GAP, PAD = 210, 24, 56, 8  # pixels
COLUMNS = 27  # terminal columns of text in a box (a Chinese character is two)
LINE = 16  # the height of a line of text in a box; the name's is NAME_LINE
NAME_LINE, NAME_COLUMNS = 20, 22  # a name's line: its height, its width in columns
LEGEND_H = 118  # the title, the coverage line and the legend above the tree
COVERAGE_COLUMNS = 150  # the coverage line wraps at this width
STACK, STACK_GAP = 6, 12  # more reports than STACK, none with reports: stacked (see `layout`)

# fill and border of a box by attitude (None: not known)
ATTITUDE_COLOURS: dict[str | None, tuple[str, str]] = {
    "strong_support": ("#b9e4bc", "#1b5e20"), "support": ("#e3f4e4", "#388e3c"),
    "neutral": ("#fff6d5", "#b08900"), "reserved": ("#ffe0b8", "#d84315"),
    "opposed": ("#ffccd0", "#b71c1c"), None: ("#eeeeee", "#757575"),
}  # fmt: skip
FLAG_COLOURS = {N_("single point"): "#8e24aa", N_("sole supporter"): "#8e24aa", N_("no successor"): "#c62828"}
ROLE_COLOUR, DEPARTMENT_COLOUR, LEFT_COLOUR = "#1a4f9c", "#00695c", "#616161"


@dataclass
class Box:
    node: MapNode
    x: float  # left edge
    y: float  # top edge
    lines: list[tuple[str, str, str]]  # (text, colour, weight) under the name
    stacked: int = 0  # in a stack of reports (see `layout`), the row: 0 the first
    row_top: float = 0.0  # the top of the row of its depth

    @cached_property
    def name_lines(self) -> list[str]:
        """The name in lines that fit the box (a long one wraps, never cut)."""
        name = self.node.contact.name
        if len(name) <= NAME_COLUMNS // 2:
            return [name]
        lines, at = [], 0
        for line in wrap(name, NAME_COLUMNS):  # each with the space it was broken at, to read whole
            at = name.find(line, at) + len(line)
            lines.append(line + " " if name[at : at + 1] == " " else line)
        return lines

    @property
    def height(self) -> float:
        return PAD * 2 + NAME_LINE * len(self.name_lines) + LINE * len(self.lines)


@dataclass(frozen=True)
class Words:
    """The words a box may show, translated once for the whole drawing."""

    flag_colours: dict[str, str]
    single_point: str

    @classmethod
    def now(cls) -> Words:
        return cls({_(flag): colour for flag, colour in FLAG_COLOURS.items()}, _("single point"))


def _lines(node: MapNode, words: Words) -> list[tuple[str, str, str]]:
    """What a box says under the name: title, department, roles, power, attitude (its sign as
    text), then a line per flag; long lines wrapped to the box."""
    c = node.contact
    out: list[tuple[str, str, str]] = []

    def add(text: str, colour: str = "#212121", weight: str = "normal") -> None:
        out.extend((piece, colour, weight) for piece in (wrap(text, COLUMNS) if len(text) > COLUMNS // 2 else [text]))

    if c.title:
        add(c.title)
    if c.department:
        add(c.department, DEPARTMENT_COLOUR)
    if c.roles:
        add(", ".join(shown("roles", c.roles)), ROLE_COLOUR)
    if c.decision_power:
        add(_("power: {power}").format(power=shown("decision_power", c.decision_power)), weight="bold" if c.decision_power == "final" else "normal")  # fmt: skip
    stroke = ATTITUDE_COLOURS.get(c.attitude, ATTITUDE_COLOURS[None])[1]
    add(attitude_words(c.attitude), stroke, "bold")
    for flag in node.flags:
        add(f"⚑ {flag}", words.flag_colours.get(flag, LEFT_COLOUR if not c.active else "#bf360c"), "bold")
    return out


def attitude_words(attitude: str | None) -> str:
    """`++ strong support`; `? attitude unknown` when not known: the sign reads without colour."""
    if attitude not in ATTITUDE_SIGN:
        return _("? attitude unknown") if not attitude else f"? {attitude}"
    return f"{ATTITUDE_SIGN[attitude]} {label('attitude', attitude)}"


def _stack_width(node: MapNode) -> int:
    """How many columns the reports of `node` take when stacked: more than STACK reports none of
    whom has reports of their own stand in a block about as wide as it is tall, not in one row
    (a manager of 2,000 is still drawn readable); 0 when they stand in a row."""
    kids = node.children
    if len(kids) <= STACK or any(k.children for k in kids):
        return 0
    return math.ceil(math.sqrt(len(kids)))


def layout(nodes: list[MapNode], top: float = LEGEND_H) -> list[Box]:
    """The boxes in the tree's order: x by leaf order (a parent centred over its reports), y by
    depth, each row as tall as its tallest box or stack. Iterative, so a chain thousands deep lays
    out as well as a flat account."""
    words = Words.now()
    order = list(walk(nodes))
    column: dict[int, float] = {}
    stacked: dict[int, int] = {}
    leaves = 0
    for n in order:  # depth first: the leaves take the columns left to right
        width = _stack_width(n)
        for i, kid in enumerate(n.children if width else ()):
            column[id(kid)], stacked[id(kid)] = leaves + i % width, i // width
        leaves += width
        if not n.children and id(n) not in column:
            column[id(n)] = leaves
            leaves += 1
    for n in reversed(order):  # every report before its manager
        if n.children:
            xs = [column[id(k)] for k in n.children]
            column[id(n)] = (min(xs) + max(xs)) / 2
    boxes = [
        Box(n, COL_GAP + column[id(n)] * (BOX_W + COL_GAP), 0.0, _lines(n, words), stacked.get(id(n), 0)) for n in order
    ]
    cell: dict[int, float] = {}  # the height of a stack's rows: its tallest box
    for b in boxes:
        if id(b.node) in stacked:
            cell[b.node.depth] = max(cell.get(b.node.depth, 0.0), b.height)
    tallest: dict[int, float] = {}
    for b in boxes:
        below = b.stacked * (cell.get(b.node.depth, 0.0) + STACK_GAP)
        tallest[b.node.depth] = max(tallest.get(b.node.depth, 0.0), below + b.height)
    y, tops = top + 40, {}  # room for a relation bending above the first row
    for depth in sorted(tallest):
        tops[depth] = y
        y += tallest[depth] + ROW_GAP
    for b in boxes:
        b.row_top = tops[b.node.depth]
        b.y = b.row_top + b.stacked * (cell.get(b.node.depth, 0.0) + STACK_GAP)
    return boxes


def _text(x: float, y: float, text: str, *, size: int = 12, colour: str = "#212121", weight: str = "normal",
          anchor: str = "start", extra: str = "") -> str:  # fmt: skip
    return (f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" fill="{colour}" font-weight="{weight}" '
            f'text-anchor="{anchor}"{extra}>{escape(text)}</text>')  # fmt: skip


def _name(b: Box) -> str:
    """The name in bold, one text (its lines `tspan`s of it: the name reads whole), struck
    through for someone who left."""
    c = b.node.contact
    look = "" if c.active else ' text-decoration="line-through"'
    lines = "".join(
        f'<tspan x="{b.x + PAD:.0f}" dy="{0 if i == 0 else NAME_LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(b.name_lines)
    )
    colour = "#000000" if c.active else LEFT_COLOUR
    return (f'<text x="{b.x + PAD:.0f}" y="{b.y + PAD + 15:.0f}" font-size="15" fill="{colour}" '
            f'font-weight="bold"{look}>{lines}</text>')  # fmt: skip


def _box(b: Box, words: Words) -> str:
    c = b.node.contact
    fill, stroke = ATTITUDE_COLOURS.get(c.attitude, ATTITUDE_COLOURS[None])
    dash = ' stroke-dasharray="6 3" opacity="0.75"' if not c.active else ""
    width = 3 if words.single_point in b.node.flags else 1.5
    parts = [
        f'<g class="person" data-id="{c.id}"><title>{escape(c.name)}</title>',
        f'<rect x="{b.x:.0f}" y="{b.y:.0f}" width="{BOX_W}" height="{b.height:.0f}" rx="6" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{width}"{dash}/>',
        _name(b),
    ]
    y = b.y + PAD + NAME_LINE * len(b.name_lines)
    for text, colour, weight in b.lines:
        y += LINE
        parts.append(_text(b.x + PAD, y - 4, text, colour=colour, weight=weight))
    parts.append("</g>")
    return "".join(parts)


def _reports_to(boxes: dict[int, Box]) -> Iterable[str]:
    """Solid lines from a manager's box down to each report's; to a report in a stack's lower
    rows, down the gap on the left of its column and in from the side."""
    for b in boxes.values():
        for child in b.node.children:
            k = boxes[child.contact.id]
            x1, y1 = b.x + BOX_W / 2, b.y + b.height
            mid = k.row_top - ROW_GAP / 2
            if k.stacked:
                rail = k.x - COL_GAP / 2
                end = f"H{rail:.0f} V{k.y + NAME_LINE:.0f} H{k.x:.0f}"
            else:
                end = f"H{k.x + BOX_W / 2:.0f} V{k.y:.0f}"
            yield f'<path d="M{x1:.0f} {y1:.0f} V{mid:.0f} {end}" fill="none" stroke="#455a64" stroke-width="1.5"/>'


def _edge(b: Box, towards: tuple[float, float]) -> tuple[float, float]:
    """Where the line from the centre of `b` towards a point leaves the box."""
    cx, cy = b.x + BOX_W / 2, b.y + b.height / 2
    dx, dy = towards[0] - cx, towards[1] - cy
    t = min(BOX_W / 2 / abs(dx) if dx else float("inf"), b.height / 2 / abs(dy) if dy else float("inf"))
    return cx + t * dx, cy + t * dy


def _relations(boxes: dict[int, Box], relations: Sequence[tuple[int, int, str]]) -> tuple[list[str], list[str]]:
    """Dashed curves between the two people of each relation (an arrow to the second, none for a
    peer), and the kind written at the middle of each. Between two people of one row the curve
    leaves the tops of their boxes and bends above them."""
    lines, words = [], []
    for f, t, kind in relations:
        a, b = boxes.get(f), boxes.get(t)
        if a is None or b is None or a is b:
            continue
        if a.y == b.y:
            x1, y1, x2, y2 = a.x + BOX_W / 2, a.y, b.x + BOX_W / 2, b.y
            cx, cy = (x1 + x2) / 2, a.y - min(ROW_GAP * 1.6, 30 + abs(x2 - x1) / 6)
        elif abs(a.x - b.x) < BOX_W:  # one above the other: out of their right sides, round the boxes between
            x1, y1, x2, y2 = a.x + BOX_W, a.y + a.height / 2, b.x + BOX_W, b.y + b.height / 2
            cx, cy = max(x1, x2) + COL_GAP * 2, (y1 + y2) / 2
        else:
            x1, y1 = _edge(a, (b.x + BOX_W / 2, b.y + b.height / 2))
            x2, y2 = _edge(b, (a.x + BOX_W / 2, a.y + a.height / 2))
            cx, cy = (x1 + x2) / 2 + 30, (y1 + y2) / 2
        arrow = "" if kind == "peer" else ' marker-end="url(#arrow)"'
        lines.append(f'<path d="M{x1:.0f} {y1:.0f} Q{cx:.0f} {cy:.0f} {x2:.0f} {y2:.0f}" fill="none" stroke="#6a1b9a" '
                     f'stroke-width="1.5" stroke-dasharray="5 4"{arrow}/>')  # fmt: skip
        mx, my = (x1 + 2 * cx + x2) / 4, (y1 + 2 * cy + y2) / 4  # the curve's middle
        words.append(_text(mx, my + 4, label("relation_kind", kind), size=11, colour="#6a1b9a", weight="bold",
                           anchor="middle", extra=' paint-order="stroke" stroke="#ffffff" stroke-width="4"'))  # fmt: skip
    return lines, words


def _width(text: str) -> int:
    """About how many pixels `text` takes at the legend's size (a Chinese character twice a Latin one)."""
    return 7 * (len(text) + sum(1 for ch in text if ord(ch) > 0x2E80))


def _legend(title: str, coverage: str) -> tuple[list[str], float]:
    """The title, the coverage line (wrapped), and what the colours, signs, lines and flags mean;
    and how far down they reach."""
    out = [_text(PAD, 26, title, size=20, weight="bold", colour="#000000")]
    covered = wrap(coverage, COVERAGE_COLUMNS)
    out += [_text(PAD, 50 + LINE * i, line, size=13) for i, line in enumerate(covered)]
    shift = LINE * (len(covered) - 1)
    out.append(f'<g transform="translate(0 {shift})">')
    x, y = PAD, 76
    for attitude in [*LABELS["attitude"], None]:
        fill, stroke = ATTITUDE_COLOURS[attitude]
        words = attitude_words(attitude)
        out.append(f'<rect x="{x}" y="{y - 12}" width="16" height="16" rx="3" fill="{fill}" stroke="{stroke}"/>')
        out.append(_text(x + 22, y + 1, words, colour=stroke, weight="bold"))
        x += 34 + _width(words)
    fill, stroke = ATTITUDE_COLOURS[None]
    for words, border in ((_("single point"), 'stroke-width="3"'), (_("left"), 'stroke-dasharray="4 2"')):
        out.append(
            f'<rect x="{x}" y="{y - 12}" width="16" height="16" rx="3" fill="#ffffff" stroke="{stroke}" {border}/>'
        )
        out.append(_text(x + 22, y + 1, words))
        x += 34 + _width(words)
    x, y = PAD, 102
    out.append(f'<path d="M{x} {y - 4} h36" stroke="#455a64" stroke-width="1.5"/>')
    out.append(_text(x + 42, y, _("reports to")))
    x += 52 + _width(_("reports to"))
    out.append(f'<path d="M{x} {y - 4} h36" stroke="#6a1b9a" stroke-width="1.5" stroke-dasharray="5 4"/>')
    kinds = _(", ").join(label("relation_kind", k) for k in LABELS["relation_kind"])
    words = _("relation ({kinds})").format(kinds=kinds)
    out.append(_text(x + 42, y, words, colour="#6a1b9a"))
    x += 60 + _width(words)
    flags = _(", ").join(
        _(f) for f in (N_("leaving"), N_("left"), N_("no successor"), N_("single point"), N_("sole supporter"))
    )
    out.append(_text(x, y, "⚑ " + _("flags: {flags}").format(flags=flags), colour="#bf360c"))
    out.append("</g>")
    return out, LEGEND_H + shift


def map_svg(title: str, nodes: list[MapNode], relations: Sequence[tuple[int, int, str]], coverage: str,
            *, standalone: bool = True) -> str:  # fmt: skip
    """The drawing as one `<svg>` element: `standalone`, an SVG file's (with its XML namespace),
    else to put inside an HTML page."""
    legend, top = _legend(title, coverage)
    boxes = {b.node.contact.id: b for b in layout(nodes, top)}
    width = max([b.x + BOX_W + COL_GAP for b in boxes.values()] + [1000.0])
    height = max([b.y + b.height + PAD for b in boxes.values()] + [top])
    words = Words.now()
    lines, kinds = _relations(boxes, relations)
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    head = (f'<svg{namespace} width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-family="sans-serif" role="img" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title>"
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#6a1b9a"/></marker></defs>'
            f'<rect width="100%" height="100%" fill="#ffffff"/>')  # fmt: skip
    body = [*legend, *_reports_to(boxes), *lines, *(_box(b, words) for b in boxes.values()), *kinds]
    return head + "\n".join(body) + "</svg>\n"


PAGE_STYLE = (
    "body{margin:0;font-family:sans-serif;color:#212121;background:#ffffff}"
    ".map{overflow:auto}main{padding:16px 24px;max-width:1200px}h1{font-size:24px}h2{font-size:18px;margin-top:28px}"
    "table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #c0c0c0;padding:4px 8px;text-align:left;"
    "vertical-align:top}th{background:#f0f0f0}p.empty{color:#616161;font-style:italic}"
)
# no request may leave the page: everything it shows is in it
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def html_page(title: str, body: str) -> str:
    """One self-contained HTML file: `body` (already escaped) under `title`, its style inline, and
    a content security policy that forbids loading anything from anywhere."""
    return (
        f'<!DOCTYPE html>\n<html lang="{current()}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def map_html(title: str, nodes: list[MapNode], relations: Sequence[tuple[int, int, str]], coverage: str) -> str:
    """`kam map --format html`: the drawing in one page, scrolled when larger than the window."""
    return html_page(title, f'<div class="map">{map_svg(title, nodes, relations, coverage, standalone=False)}</div>\n')
