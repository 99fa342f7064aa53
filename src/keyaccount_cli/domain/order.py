"""The order of names wherever kam lists them by name (docs/spec.md §12): Chinese names in pinyin
order, Latin ones case-insensitively, the same on SQLite and PostgreSQL (the sort is made here, in
Python, never by a database's collation).

`sort_key(name)` is the one key. Character by character: a Chinese character (a Han ideograph) is
read as its pinyin syllable and tone (`恒` héng → `heng2`; a character of several readings as it
reads in a word of two: 银行 is yín háng, 重庆 chóng qìng), then the character itself, so that two
characters read alike keep one order; any other character is itself, case-folded. A Chinese
character sorts after every other one at the same place: names that start with Latin letters or
digits come first (`Acme`, `beta`), then the Chinese names in pinyin order (`恒通汽车` héng,
`华信银行` huá, `云途物流` yún). `pypinyin` is imported only for a name that holds a Chinese
character.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")

# the CJK unified ideographs (with extension A, the compatibility ones, and the supplementary planes)
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_AFTER_ALL = "\U0010ffff"  # the last code point: a Chinese character's key starts with it


def sort_key(name: str) -> str:
    """The key that puts `name` in its place among others (see the module's text)."""
    if name.isascii():
        return name.casefold()
    if _HAN.search(name) is None:
        return name.casefold()
    return _han_key(name)


@lru_cache(maxsize=65536)
def _han_key(name: str) -> str:
    out: list[str] = []
    start = 0
    for run in _HAN.finditer(name):
        out.append(name[start : run.start()].casefold())
        chars = run.group()
        out.extend(f"{_AFTER_ALL}{syllable}{char}" for syllable, char in zip(_readings(chars), chars, strict=True))
        start = run.end()
    out.append(name[start:].casefold())
    return "".join(out)


_READING: dict[str, str] = {}  # a character, or a word of two, → its reading(s) in TONE3 (`heng2`, `yin2 hang2`)


def _reading(text: str) -> list[str]:
    """The syllables of a character or of a word of two, as pypinyin reads them (cached: a book's
    names share their characters)."""
    known = _READING.get(text)
    if known is None:
        from pypinyin import Style, lazy_pinyin  # only here: a name with Chinese characters

        known = _READING[text] = " ".join(lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True))
    return known.split(" ")


def _readings(chars: str) -> list[str]:
    """One syllable per character of a run of Chinese characters: the character's own reading,
    or for a character of several readings the one it has in a word of two it is part of
    (`银行` yín háng, `行业` háng yè)."""
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    out = []
    for i, char in enumerate(chars):
        syllable = _reading(char)[0]
        if "," in PINYIN_DICT.get(ord(char), ""):  # several readings: the word's
            if i and chars[i - 1 : i + 1] in PHRASES_DICT:
                syllable = _reading(chars[i - 1 : i + 1])[-1]
            elif chars[i : i + 2] in PHRASES_DICT:
                syllable = _reading(chars[i : i + 2])[0]
        out.append(syllable)
    return out


def by_name(names: list[str]) -> list[str]:
    """`names` in the order of `sort_key`."""
    return sorted(names, key=sort_key)


def by_name_of(items: Iterable[T], name: Callable[[T], str], then: Callable[[T], Any] | None = None) -> list[T]:
    """`items` by the `sort_key` of their `name`, then by `then`; no key is made when they all
    have one name (one account's lines need no pypinyin)."""
    out = list(items)
    if len({name(item) for item in out}) <= 1:
        return sorted(out, key=then) if then is not None else out
    if then is None:
        return sorted(out, key=lambda item: sort_key(name(item)))
    return sorted(out, key=lambda item: (sort_key(name(item)), then(item)))


def ranked(items: Iterable[T], rank: Callable[[T], Any], name: Callable[[T], str]) -> list[T]:
    """`items` by `rank`, and those of one rank by the `sort_key` of their `name`. A name's key is
    made only where two items share a rank, so that one account's few people (the map, successor
    candidates) seldom need pypinyin loaded."""
    out = sorted(items, key=rank)
    start = 0
    while start < len(out):
        first = rank(out[start])
        end = start + 1
        while end < len(out) and rank(out[end]) == first:
            end += 1
        if end - start > 1:
            out[start:end] = sorted(out[start:end], key=lambda item: sort_key(name(item)))
        start = end
    return out
