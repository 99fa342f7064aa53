"""Amounts and other numbers as users write them, in CSV cells and options alike.

An amount is a number, optionally with a currency sign, thousands separators and a unit:
`15000000`, `15,000,000`, `15，000，000`, `¥1,500万`, `1500万元`, `1.5亿`, `$2.5M`, `€800k`.

- Currency signs: `$ ¥ ￥ € £` before the number or `元` after it; at most one.
- Thousands separators: `,`, the full-width `，` or a space (`1 000 000`, as some locales export),
  the same one throughout, every group of three digits (`1,5`, `1 5` and `1,0000` are refused); a
  `.` is the decimal point, once (`1.000.000` is refused).
- Units: `万` ×10^4, `亿` ×10^8, `k` or `K` ×10^3, `m` or `M` ×10^6 (either case: a spreadsheet
  writes `2.5m` and `2.5M` alike); at most one.
- A sign (`-`, `+`) goes first, before or after a currency sign.
- A number that is not an amount (usage, NPS, P1 tickets) is read the same way, and a `%` may end
  one without a currency sign or a unit (`85%` is 85).

Anything else, and anything half-written (`$-`, `万`), is refused with a VocabError naming the text.
Every value is finite and below 10^15 in magnitude (`vocab.bounded_number`).
"""

from __future__ import annotations

import re

from ..errors import shortened
from .vocab import VocabError, bounded_number

_UNITS = {"万": 10**4, "亿": 10**8, "k": 10**3, "m": 10**6}
_AMOUNT = re.compile(
    r"""(?P<sign>[-+])?\s*(?P<pre>[$¥￥€£])?\s*(?P<sign2>[-+])?\s*
    (?P<number>\d{1,3}(?P<sep>[,，\x20\xa0\u202f])\d{3}(?:(?P=sep)\d{3})*(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)
    \s*(?P<unit>[万亿kKmM])?\s*(?P<post>元)?\s*(?P<percent>%)?""",
    re.VERBOSE | re.ASCII,
)
_NUMERIC = re.compile(r"[\d\s\xa0\u202f.,，万亿kKmM$¥￥€£元%+-]+", re.ASCII)  # what only an amount is made of
EXAMPLES = "e.g. 1500000, 1,500,000, ¥150万, 1.5M or 1500k"


def parse_amount(raw: str, *, low: float = 0) -> float:
    """An amount of money, at least `low`, written as the module's docstring describes; raises
    VocabError naming the text, with examples of what is accepted."""
    return parse_number(raw, low=low, percent=False, hint=f"; write {EXAMPLES}")


def parse_number(
    raw: str,
    *,
    whole: bool = False,
    low: float = 0,
    high: float | None = None,
    percent: bool = True,
    hint: str = "",
) -> float | int:
    """A number written as an amount is (`1,200`, `1.5万`, `85%`), from `low` to `high`, and a whole
    number when `whole`; `percent`: whether a `%` may end it. Raises VocabError naming the text (and
    adding `hint` when it is not a number)."""
    value = _value(raw.strip(), hint, percent)
    if whole and not value.is_integer():
        raise VocabError(f"not a whole number {shortened(raw.strip())!r}")
    if value < low or (high is not None and value > high):
        upper = f" and {high:g}" if high is not None else ""
        raise VocabError(
            f"{shortened(raw.strip())!r} is out of range; expected {'between ' if upper else 'at least '}{low:g}{upper}"
        )
    return int(value) if whole else value


def _value(text: str, hint: str, percent: bool) -> float:
    m = _AMOUNT.fullmatch(text)
    why = _odd(m, percent) if m else _why(text)
    if m is None or why:
        raise VocabError(f"not a number {shortened(text)!r}{why}{hint}")
    value = float(m["number"].replace(m["sep"] or ",", ""))
    if m["unit"]:
        value *= _UNITS[m["unit"].lower()]
    if (m["sign"] or m["sign2"]) == "-":
        value = -value
    return bounded_number(value, text)


def _odd(m: re.Match[str], percent: bool) -> str:
    """What is wrong with a number the pattern reads but kam does not take ("" when nothing)."""
    if m["sign"] and m["sign2"]:
        return " (two signs)"
    if m["pre"] and m["post"]:
        return " (two currency signs)"
    if m["percent"] and not percent:
        return " (a percentage is not an amount)"
    if m["percent"] and (m["pre"] or m["post"] or m["unit"]):
        return " (a percentage is a plain number)"
    return ""


def _why(text: str) -> str:
    """What is wrong with a text that is not a number, when it looks like one."""
    if not _NUMERIC.fullmatch(text):
        return ""
    if sum(text.count(u) for u in "万亿kKmM") > 1:
        return " (two units)"
    if text.count(".") > 1:
        return " (more than one decimal point)"
    separators = set(re.findall(r"\d([,，\x20\xa0\u202f])\d", text))
    if len(separators) > 1:
        return " (two kinds of thousands separator)"
    if separators or "," in text or "，" in text:
        return " (thousands separators group three digits)"
    return ""
