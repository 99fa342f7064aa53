"""The order of names wherever kam lists them by name (docs/spec.md §12): Chinese names in pinyin
order, Latin ones case-insensitively, the same on SQLite and PostgreSQL (the sort is made here, in
Python, never by a database's collation).

`sort_key(name)` is the one key. Character by character: a Chinese character (a Han ideograph) is
read as its pinyin syllable and tone (`恒` héng → `heng2`, the reading of the whole word: 银行 is
yín háng), then the character itself, so that two characters read alike keep one order; any other
character is itself, case-folded. A Chinese character sorts after every other one at the same
place: names that start with Latin letters or digits come first (`Acme`, `beta`), then the Chinese
names in pinyin order (`恒通汽车` héng, `华信银行` huá, `云途物流` yún), as a Chinese spreadsheet
sorts them. `pypinyin` is imported only for a name that holds a Chinese character.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
    from pypinyin import Style, lazy_pinyin  # only here: a name with Chinese characters

    out: list[str] = []
    start = 0
    for run in _HAN.finditer(name):
        out.append(name[start : run.start()].casefold())
        chars = run.group()
        syllables = lazy_pinyin(chars, style=Style.TONE3, neutral_tone_with_five=True, errors="default")
        if len(syllables) != len(chars):  # one syllable per character, as pypinyin reads a run of them
            syllables = [lazy_pinyin(c, style=Style.TONE3, neutral_tone_with_five=True)[0] for c in chars]
        out.extend(f"{_AFTER_ALL}{syllable}{char}" for syllable, char in zip(syllables, chars, strict=True))
        start = run.end()
    out.append(name[start:].casefold())
    return "".join(out)


def by_name(names: list[str]) -> list[str]:
    """`names` in the order of `sort_key`."""
    return sorted(names, key=sort_key)
