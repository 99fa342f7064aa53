"""Renderers: Rich tables and trees for people, JSON and CSV for machines.

Machine formats are written with plain `sys.stdout` (never through Rich, which
would wrap lines and parse `[...]` as markup); user text in Rich output is escaped.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .csvio import write_csv
from .graph import Coverage, MapNode
from .vocab import ATTITUDE_SIGN

ATTITUDE_STYLE = {
    "strong_support": "bold green", "support": "green", "neutral": "yellow",
    "reserved": "dark_orange", "opposed": "bold red",
}  # fmt: skip
FLAG_STYLE = {"single point": "bold magenta", "sole supporter": "magenta", "no successor": "bold red"}


def console(*, stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    width = None
    if not stream.isatty() and "COLUMNS" not in os.environ:
        width = 200  # piped tables are not squeezed into 80 columns
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


Column = tuple[str, str]  # (record key, table label)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def emit(
    records: Sequence[dict[str, Any]], fmt: str, columns: Sequence[Column], *,
    title: str | None = None, out: IO[str] | None = None, empty: str = "nothing to show",
    style: Callable[[dict[str, Any]], str | None] | None = None,
) -> None:  # fmt: skip
    """One record per row (table), object (json) or line (csv). JSON and CSV carry every key."""
    if fmt == "json":
        (out or sys.stdout).write(json.dumps(list(records), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if fmt == "csv":
        keys = list(records[0]) if records else [k for k, _ in columns]
        write_csv(([_csv(r.get(k)) for k in keys] for r in records), keys, out=out)
        return
    con = console()
    if not records:
        console(stderr=True).print(escape(empty))
        return
    table = Table(title=escape(title) if title else None, title_justify="left", header_style="bold")
    for _, label in columns:
        table.add_column(label)
    for r in records:
        table.add_row(*(escape(_cell(r.get(k))) for k, _ in columns), style=style(r) if style else None)
    con.print(table)


def _csv(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value


def attitude_text(attitude: str | None) -> Text:
    if not attitude:
        return Text("attitude ?", style="dim")
    return Text(f"{ATTITUDE_SIGN[attitude]} {attitude.replace('_', ' ')}", style=ATTITUDE_STYLE[attitude])


def node_label(node: MapNode) -> Text:
    c = node.contact
    label = Text()
    label.append(c.name, style="bold" if c.active else "dim strike")
    if c.title:
        label.append(f" · {c.title}")
    if c.department:
        label.append(f" · {c.department}", style="cyan")
    if c.roles:
        label.append(f" [{', '.join(c.roles)}]", style="blue")
    if c.decision_power:
        label.append(f" power:{c.decision_power}", style="bold" if c.decision_power == "final" else "")
    label.append(" ")
    label.append_text(attitude_text(c.attitude))
    for flag in node.flags:
        label.append("  ")
        label.append(f"⚑ {flag}", style=FLAG_STYLE.get(flag, "bold yellow" if flag.startswith("leaving") else "dim"))
    return label


def render_tree(account_name: str, nodes: list[MapNode], cov: Coverage) -> None:
    tree = Tree(Text(account_name, style="bold underline"))

    def add(parent: Tree, node: MapNode) -> None:
        branch = parent.add(node_label(node))
        for child in node.children:
            add(branch, child)

    for n in nodes:
        add(tree, n)
    con = console()
    con.print(tree)
    footer = Text(
        f"Coverage: {cov.active} active contact{'s' if cov.active != 1 else ''}, "
        f"{cov.departments} department{'s' if cov.departments != 1 else ''}, "
        f"{cov.supporters} supporter{'s' if cov.supporters != 1 else ''}, "
        f"{cov.decision_makers} decision maker{'s' if cov.decision_makers != 1 else ''}, "
        f"{len(cov.single_points)} single point{'s' if len(cov.single_points) != 1 else ''}"
    )
    if cov.single_points:
        footer.append(f" ({', '.join(cov.single_points)})", style="magenta")
    con.print(footer)


def mermaid(account_name: str, nodes: list[MapNode], relations: Sequence[tuple[int, int, str]]) -> str:
    """A Mermaid flowchart: reports-to as solid arrows (manager → report), relations dotted."""
    from .graph import walk

    lines = ["flowchart TD", f"  %% {account_name}"]
    present = set()
    for n in walk(nodes):
        c = n.contact
        present.add(c.id)
        parts = [c.name, c.title or "", ", ".join(c.roles), f"power {c.decision_power}" if c.decision_power else ""]
        if c.attitude:
            parts.append(f"{ATTITUDE_SIGN[c.attitude]} {c.attitude.replace('_', ' ')}")
        parts.append(", ".join(n.flags))
        text = "<br/>".join(_mermaid_escape(p) for p in parts if p)
        lines.append(f'  c{c.id}["{text}"]')
    for n in walk(nodes):
        for child in n.children:
            lines.append(f"  c{n.contact.id} --> c{child.contact.id}")
    for f, t, kind in relations:
        if f in present and t in present:
            lines.append(f"  c{f} -.->|{kind}| c{t}")
    return "\n".join(lines) + "\n"


def _mermaid_escape(text: str) -> str:
    return "".join(f"#{ord(ch)};" if ch in '"<>&#' else ch for ch in text)
