"""The language kam speaks to people: English, or Chinese from a gettext catalog (docs/spec.md §12).

`--lang zh|en` picks it, else `KAM_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`:
`zh…` is Chinese). Human text is written in English in the code and marked for translation:

- `_("text")`, `ngettext("1 contact", "{n} contacts", n)` and `pgettext(context, "text")`
  translate when called;
- `N_("text")` and `NP_(context, "text")` only mark a text that is translated later (a table
  of labels at module level), by `_()` / `pgettext()` on the same words.

The catalog is `locale/zh/LC_MESSAGES/kam.po` (what a translator edits) and its compiled
`kam.mo` (what gettext reads); docs/translating.md says how to extract, update and compile it.
JSON keys, canonical values and finding codes are never translated. The English path loads
nothing; the Chinese catalog is read on the first translated text.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

from .errors import KamError

LANGUAGES = ("en", "zh")
DOMAIN = "kam"
LOCALE_DIR = Path(__file__).with_name("locale")

_NULL = gettext.NullTranslations()
_state: dict[str, object] = {"lang": "en", "catalog": _NULL}


def language_from(option: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language asked for: `option` (`--lang`), else `KAM_LANG`, else the locale (the first
    of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set: `zh…` is Chinese, anything else English)."""
    env = os.environ if environ is None else environ
    for where, value in (("--lang", option), ("KAM_LANG", env.get("KAM_LANG"))):
        if value:  # an empty KAM_LANG is no choice
            lang = value.strip().lower()
            if lang not in LANGUAGES:
                raise KamError(f"{where}: unknown language {value!r}; use zh or en")
            return lang
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        locale = env.get(name)
        if locale:
            return "zh" if locale.lower().startswith("zh") else "en"
    return "en"


def use(lang: str) -> None:
    """Speak `lang` (one of LANGUAGES) from now on."""
    _state["lang"] = lang
    _state["catalog"] = None if lang != "en" else _NULL  # the catalog is read when first needed


def current() -> str:
    """The language in use: `en` or `zh`."""
    return str(_state["lang"])


def _catalog() -> gettext.NullTranslations:
    catalog = _state["catalog"]
    if catalog is None:
        catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[current()], fallback=True)
        _state["catalog"] = catalog
    assert isinstance(catalog, gettext.NullTranslations)
    return catalog


def _(message: str) -> str:
    """`message` in the language in use."""
    return message if _state["catalog"] is _NULL else _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular`/`plural` that agrees with `n`, in the language in use (Chinese has
    one form). Placeholders are filled by the caller: `ngettext("{n} contact", "{n} contacts", n).format(n=n)`."""
    if _state["catalog"] is _NULL:
        return singular if n == 1 else plural
    return _catalog().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the language in use, where the same English word is said differently in
    `context` (a vocabulary value `email` is 邮件, the column `email` 邮箱)."""
    return message if _state["catalog"] is _NULL else _catalog().pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for the catalog; it is translated later, by `_()`."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark `message` in `context` for the catalog; it is translated later, by `pgettext()`."""
    return message
