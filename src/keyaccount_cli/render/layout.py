"""How every table and line of kam fits the width: the one layout rule (SPEC §13).

A column is either never cut (codes, dates, numbers, statuses, names) or free text, which wraps:
prose at spaces, a list between its items. A table is drawn whole when it fits; else with its free
text wrapped (and its labels wrapped at spaces), each free-text column at least `PROSE_MIN`
columns wide or as wide as its longest word; else stacked, one record per block of `label: value`
lines. The text is the same on a terminal and in a pipe; `paint` only adds colour around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

PROSE_MIN = 30  # a free-text column narrower than this reads a few words a line: stacked instead
FIXED, PROSE, LIST = "fixed", "prose", "list"  # how a column may break: never, at spaces, between items
Paint = Callable[[str, str], str]  # (text, Rich style) -> the text with its colour codes

_ITEMS = re.compile(r"(?<=[,;]) ")  # a list breaks after the separator of two items


def cell_len(text: str) -> int:
    """Terminal columns of one line of printable text."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len(text)


def clean(text: str, kind: str) -> str:
    """A cell as one line of printable text (free text keeps its line breaks); control characters
    dropped, tabs as a space."""
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if kind == FIXED:
        text = text.replace("\n", " ")
    return "".join(ch for ch in text if ch.isprintable() or ch == "\n" or _zero_width(ch))


def _zero_width(ch: str) -> bool:
    return ch in "\u200b\u200c\u200d\u2060\ufeff"


def _units(paragraph: str, kind: str) -> list[str]:
    """What a line may break between: words, or the items of a list (each with its separator)."""
    if kind == LIST:
        return [u for u in _ITEMS.split(paragraph) if u]
    return [w for w in paragraph.split(" ") if w]


def longest_unit(text: str, kind: str) -> int:
    """The widest word (or list item) of `text` that must not be broken: words of wide characters
    (Chinese) may be, like every word of a line too narrow for it."""
    if kind == FIXED:
        return max((cell_len(line) for line in text.split("\n")), default=0)
    units = [u for p in text.split("\n") for u in _units(p, kind)]
    return max((_unbroken(u, kind) for u in units), default=0)


def _unbroken(unit: str, kind: str) -> int:
    """How narrow a line may be for `unit`: a Latin word or a list item whole, a word of wide
    characters (Chinese) one character at the least."""
    if unit.isascii() or kind == LIST:
        return cell_len(unit)
    return max(cell_len(ch) for ch in unit)


def wrap(text: str, width: int, kind: str = PROSE, indent: int = 0) -> list[str]:
    """`text` in lines of at most `width` columns, broken at spaces (a list between its items); a
    word wider than a line is folded. The lines after the first are indented by `indent` spaces
    (a hanging indent); no line ends with a space."""
    width = max(width, 1)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        room = width if not lines else max(width - indent, 1)  # after the first line: indented
        if cell_len(paragraph) <= room:
            lines.append(paragraph.rstrip())
            continue
        line, used = "", 0
        for unit in _units(paragraph, kind):
            n = cell_len(unit)
            if used and used + 1 + n <= room:  # on this line, after a space
                line, used = f"{line} {unit}", used + 1 + n
                continue
            if used:
                lines.append(line)
                line, used, room = "", 0, max(width - indent, 1)
            if n <= room:
                line, used = unit, n
                continue
            first = _fold(unit, room)[0]  # a word wider than a line: folded
            lines.append(first)
            room = max(width - indent, 1)
            *whole, line = _fold(unit[len(first) :], room)
            lines.extend(whole)
            used = cell_len(line)
        lines.append(line)
    if indent:
        pad = " " * indent
        lines = [lines[0], *(pad + line if line else line for line in lines[1:])]
    return lines


def _fold(word: str, width: int) -> list[str]:
    """A word in pieces of at most `width` columns (one character a piece at the least)."""
    if cell_len(word) <= width:
        return [word]
    pieces, piece, used = [], "", 0
    for ch in word:
        n = cell_len(ch)
        if piece and used + n > width:
            pieces.append(piece)
            piece, used = "", 0
        piece, used = piece + ch, used + n
    pieces.append(piece)
    return pieces


def column_widths(
    labels: Sequence[str], rows: Sequence[Sequence[str]], kinds: Sequence[str], width: int
) -> tuple[list[int] | None, bool]:
    """Each column's width in a table of at most `width` columns (and whether every cell fits on
    one line as it is), or None when it must be stacked:
    every never-cut column as wide as its widest cell (its label may wrap at spaces), every
    free-text one at least `PROSE_MIN` wide (or as its widest cell, if narrower) and its longest word."""
    widest = [0] * len(labels)
    breaks = False
    for row in rows:
        for i, text in enumerate(row):
            if "\n" in text:
                n, breaks = max(cell_len(p) for p in text.split("\n")), True
            else:
                n = cell_len(text)
            if n > widest[i]:
                widest[i] = n
    natural = [max(cell_len(label), n) for label, n in zip(labels, widest, strict=True)]
    border = 3 * len(labels) + 1
    if sum(natural) + border <= width:
        return natural, not breaks
    least = []
    for i, (label, kind) in enumerate(zip(labels, kinds, strict=True)):
        label_word = longest_unit(label, PROSE)
        if kind == FIXED:
            least.append(max(label_word, widest[i]))
        else:  # only a cell wider than PROSE_MIN can hold a longer word
            longest = max((longest_unit(r[i], kind) for r in rows if len(r[i]) > PROSE_MIN), default=0)
            least.append(min(natural[i], max(PROSE_MIN, longest, label_word)))
    spare = width - border - sum(least)
    if spare < 0:
        return None, False
    return _share(least, natural, kinds, spare), False


def _share(least: list[int], natural: list[int], kinds: Sequence[str], spare: int) -> list[int]:
    """The columns' widths from their least, with `spare` columns more to give out."""
    widths = list(least)
    free = [i for i, k in enumerate(kinds) if k != FIXED]
    while spare > 0:  # free text first, the widest short of its width first
        short = [i for i in free if widths[i] < natural[i]]
        if not short:
            break
        i = max(short, key=lambda j: natural[j] - widths[j])
        widths[i] += 1
        spare -= 1
    # then as many labels as the room left allows on one line, the cheapest first; the rest shared
    for i in sorted(range(len(widths)), key=lambda j: natural[j] - widths[j]):
        if 0 < natural[i] - widths[i] <= spare:
            spare -= natural[i] - widths[i]
            widths[i] = natural[i]
    while spare > 0 and (short := [i for i in range(len(widths)) if widths[i] < natural[i]]):
        i = max(short, key=lambda j: natural[j] - widths[j])
        widths[i] += 1
        spare -= 1
    return widths


def _plain(text: str, style: str) -> str:
    return text


def table_lines(
    labels: Sequence[str],
    rows: Sequence[Sequence[str]],
    kinds: Sequence[str],
    width: int,
    *,
    title: str | None = None,
    styles: Sequence[str | None] | None = None,
    paint: Paint | None = None,
) -> Iterator[str]:
    """The lines of the table (each ending in a line break), drawn in Rich's heavy-head box with
    the title above, or stacked when it cannot fit."""
    widths, whole = column_widths(labels, rows, kinds, width)
    if title:
        yield "".join((paint(t, "italic") if paint else t) + "\n" for t in wrap(title, width))
    if widths is None:
        yield from _stacked(labels, rows, kinds, width, styles, paint or _plain)
        return
    yield from _boxed(labels, rows, kinds, widths, styles, paint, whole)


def _boxed(
    labels: Sequence[str],
    rows: Sequence[Sequence[str]],
    kinds: Sequence[str],
    widths: list[int],
    styles: Sequence[str | None] | None,
    paint: Paint | None,
    whole: bool,
) -> Iterator[str]:
    def line(cells: Sequence[str], side: str, style: str | None) -> str:
        parts = (f" {c}{' ' * (w - cell_len(c))} " for c, w in zip(cells, widths, strict=True))
        if paint is not None and style:
            parts = (paint(p, style) for p in parts)
        return side + side.join(parts) + side + "\n"

    yield "┏" + "┳".join("━" * (w + 2) for w in widths) + "┓\n"
    yield from (
        line(cells, "┃", "bold")
        for cells in _row_lines([wrap(t, w) for t, w in zip(labels, widths, strict=True)], bottom=True)
    )
    yield "┡" + "╇".join("━" * (w + 2) for w in widths) + "┩\n"
    if whole and styles is None:  # the fast way: a big book has 200,000 findings
        yield from (line(row, "│", None) for row in rows)
    else:
        for r, row in enumerate(rows):
            style = styles[r] if styles else None
            yield from (line(texts, "│", style) for texts in _cell_lines(row, kinds, widths, whole))
    yield "└" + "┴".join("─" * (w + 2) for w in widths) + "┘\n"


def _cell_lines(row: Sequence[str], kinds: Sequence[str], widths: list[int], whole: bool) -> Iterator[Sequence[str]]:
    """A row's lines: the row itself when every cell fits its column, else its cells wrapped."""
    if whole or all(cell_len(c) <= w and "\n" not in c for c, w in zip(row, widths, strict=True)):
        yield row
        return
    yield from _row_lines([wrap(c, w, kind) for c, w, kind in zip(row, widths, kinds, strict=True)])


def _row_lines(cells: list[list[str]], *, bottom: bool = False) -> Iterator[list[str]]:
    """The lines of a row whose cells have several: each cell's lines from the top (a label's
    at the bottom of the head, as Rich puts them), blank below (or above)."""
    height = max(len(c) for c in cells)
    for k in range(height):
        if bottom:
            yield [c[k - height + len(c)] if k >= height - len(c) else "" for c in cells]
        else:
            yield [c[k] if k < len(c) else "" for c in cells]


def _stacked(
    labels: Sequence[str],
    rows: Sequence[Sequence[str]],
    kinds: Sequence[str],
    width: int,
    styles: Sequence[str | None] | None,
    paint: Paint,
) -> Iterator[str]:
    """One block a record: `label: value` lines, values aligned, a blank line after each block;
    an empty value is left out, free text wrapped, any other value whole on its line. Where the
    labels leave less than `PROSE_MIN` columns beside them, each value goes under its label,
    indented by two."""
    indent = max(cell_len(label) for label in labels) + 2
    below = width - indent < PROSE_MIN
    if below:
        heads, indent = [f"{label}:\n  " for label in labels], 2
    else:
        heads = [f"{label}:" + " " * (indent - cell_len(label) - 1) for label in labels]
    for r, row in enumerate(rows):
        style = (styles[r] if styles else None) or ""
        out = []
        for label, head, text, kind in zip(labels, heads, row, kinds, strict=True):
            if not text:
                continue
            lines = [text] if kind == FIXED else wrap(text, width - indent, kind)  # never cut, even if too wide
            head = paint(f"{label}:", "bold") + head[len(label) + 1 :]
            out.append(head + paint(lines[0], style) + "\n")
            out.extend(" " * indent + paint(more, style) + "\n" if more else "\n" for more in lines[1:])
        yield "".join(out) + "\n"


Piece = tuple[str, str]  # (text, Rich style)
_RUNS = re.compile(r" +|[^ ]+")


def wrap_pieces(pieces: Sequence[Piece], width: int, guide: str, *, prose: bool = False) -> list[list[Piece]]:
    """A styled line in lines of at most `width` columns, broken at spaces; the lines after the
    first start with `guide` (a hanging indent, or the tree's guides). Unless the line is `prose`,
    only a piece that starts with a space after the first piece is broken: a name, a status, a
    flag are kept whole."""
    if sum(cell_len(t) for t, _ in pieces) <= width or cell_len(guide) + PROSE_MIN > width:
        return [list(pieces)]  # fits, or a tree so deep that no room is left beside its guides
    words, gaps = _words(pieces, prose)
    lines: list[list[Piece]] = [[]]
    used, room = 0, width
    for word, before in zip(words, gaps, strict=True):
        n = sum(cell_len(t) for t, _ in word)
        if used and used + len(before) + n > room:
            lines.append([(guide, "dim")] if guide else [])
            used, room = 0, max(width - cell_len(guide), 1)
        elif before:
            lines[-1].append((before, ""))
            used += len(before)
        lines[-1].extend(word)
        used += n
    return lines


def _words(pieces: Sequence[Piece], prose: bool) -> tuple[list[list[Piece]], list[str]]:
    """The runs of styled text with no space between them (what a line may break between), and
    the spaces before each."""
    words: list[list[Piece]] = []
    gaps: list[str] = []
    gap, glued = "", False
    for i, (text, style) in enumerate(pieces):
        split = prose or (i > 0 and text.startswith(" ")) or not text.strip()
        for run in _RUNS.findall(text) if split else [text]:
            if split and run.startswith(" "):
                gap, glued = gap + run, False
            elif glued and words:
                words[-1].append((run, style))
            else:
                words.append([(run, style)])
                gaps.append(gap)
                gap, glued = "", True
    return words, gaps
