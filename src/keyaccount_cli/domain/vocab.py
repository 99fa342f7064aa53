"""The controlled vocabularies of docs/spec.md §1, with their English and Chinese aliases.

Everything that turns a user's word into a canonical value lives here, so the
importer, the `set`/`add` options and the YAML config all agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import KamError
from ..i18n import N_, _
from .labels import noun

# canonical value -> aliases (the canonical value itself is always accepted)
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "roles": {
        "decision_maker": ("决策者", "KDM", "decision maker", "economic buyer"),
        "influencer": ("影响者",),
        "user": ("使用者", "end user"),
        "procurement": ("采购",),
        "finance": ("财务",),
        "it": ("IT", "技术"),
        "legal": ("法务",),
        "champion": ("支持者", "内部支持者", "coach", "sponsor"),
        "blocker": ("阻碍者", "反对者"),
    },
    "decision_power": {
        "final": ("最终拍板", "final say"),
        "major": ("重要影响", "strong influence"),
        "execution": ("执行反馈", "feedback"),
    },
    "attitude": {
        "strong_support": ("+2", "强力支持"),
        "support": ("+1", "中度支持", "supportive"),
        "neutral": ("0", "中立"),
        "reserved": ("-1", "有保留", "skeptical"),
        "opposed": ("-2", "潜在反对", "反对"),
    },
    "concerns": {
        "price": ("价格",),
        "features": ("功能",),
        "stability": ("稳定性",),
        "compliance": ("合规",),
        "integration": ("集成",),
    },
    "status": {
        "active": ("在职",),
        "leaving": ("即将离职", "即将变动"),
        "left": ("已离职",),
    },
    "change_risk": {
        "low": ("低",),
        "medium": ("中",),
        "high": ("高",),
        "confirmed": ("已确定将变动", "已确定"),
    },
    "change_kind": {
        "resignation": ("离职",),
        "transfer": ("内部调岗", "调岗", "轮岗"),
        "promotion": ("晋升",),
    },
    "relation_kind": {
        "referred": ("引荐",),
        "trusts": ("信任",),
        "peer": ("同级", "同事"),
    },
    "tier": {
        "strategic": ("战略级", "战略", "战略客户"),
        "key": ("重点成长型", "重点", "重点客户"),
        "standard": ("普通", "普通客户"),
    },
    "renewal_intent": {
        "proactive": ("主动提出续约", "主动续约"),
        "satisfied": ("访谈表示满意", "满意"),
        "unclear": ("无明确表态", "不明确"),
    },
    "interaction_kind": {
        "meeting": ("会议", "会面"),
        "call": ("电话",),
        "email": ("邮件",),
        "visit": ("拜访",),
        "note": ("备注", "记录"),
    },
    # an account (docs/spec.md §8); its first alias is its Chinese label
    "account_status": {
        "customer": ("客户", "现有客户"),
        "prospect": ("潜在客户", "线索"),
        "lost": ("流失", "已流失"),
    },
    # a member of an account team beside its owner (docs/spec.md §9); the first alias is the Chinese label
    "team_role": {
        "sales": ("销售",),
        "presales": ("售前",),
        "csm": ("客户成功", "customer success"),
        "service": ("服务",),
        "executive": ("高管",),
        "other": ("其他",),
    },
}

MULTI_VALUED = frozenset({"roles", "concerns"})

ATTITUDE_SCORE = {"strong_support": 2, "support": 1, "neutral": 0, "reserved": -1, "opposed": -2}
POWER_RANK = {"final": 3, "major": 2, "execution": 1}
ATTITUDE_SIGN = {"strong_support": "++", "support": "+", "neutral": "0", "reserved": "-", "opposed": "--"}

_TRUE = ("yes", "true", "y", "1", "是")
_FALSE = ("no", "false", "n", "0", "否")

# `;` `,` `/` `|` `、` `，`
_MULTI_SPLIT = re.compile(r"[;,/|、，]")


def _key(value: str) -> str:
    return value.strip().casefold()


class VocabError(KamError):
    """A word that is not in a vocabulary; the message lists the accepted ones."""


@dataclass
class Vocabulary:
    """The lookup tables, optionally extended by `aliases:` in the YAML config."""

    tables: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, extra: Mapping[str, Mapping[str, Iterable[str]]] | None = None) -> Vocabulary:
        tables: dict[str, dict[str, str]] = {}
        for name, values in VOCABULARIES.items():
            table = tables.setdefault(name, {})
            for canonical, aliases in values.items():
                table[_key(canonical)] = canonical
                for alias in aliases:
                    table[_key(alias)] = canonical
        added: set[tuple[str, str]] = set()  # (vocabulary, alias) given by `extra`
        for name, given in (extra or {}).items():
            if name not in VOCABULARIES:
                raise KamError(f"aliases: unknown vocabulary {name!r} (known: {', '.join(VOCABULARIES)})")
            for canonical, spellings in given.items():
                if canonical not in VOCABULARIES[name]:
                    known = ", ".join(VOCABULARIES[name])
                    raise KamError(f"aliases.{name}: unknown value {canonical!r} (known: {known})")
                for alias in spellings:
                    _add_alias(tables[name], name, canonical, str(alias), added)
        return cls(tables)

    def accepted(self, name: str) -> str:
        canon = list(VOCABULARIES[name])
        aliases = sorted({a for a in self.tables[name] if a not in canon})
        return ", ".join(canon) + (f" (or {', '.join(aliases)})" if aliases else "")

    def one(self, name: str, value: str) -> str:
        """Canonical value of one word; raises VocabError listing what is accepted."""
        found = self.tables[name].get(_key(value))
        if found is None:
            said = _("unknown {what} {value}; accepted: {accepted}")
            raise VocabError(said.format(what=noun(name), value=repr(value.strip()), accepted=self.accepted(name)))
        return found

    def many(self, name: str, value: str | Iterable[str]) -> list[str]:
        """Canonical values of a multi-valued cell, in the order given, without repeats."""
        parts = split_multi(value) if isinstance(value, str) else [p for v in value for p in split_multi(v)]
        out: list[str] = []
        for part in parts:
            canonical = self.one(name, part)
            if canonical not in out:
                out.append(canonical)
        return out


# every canonical value (casefolded) -> its vocabulary; no two vocabularies share one
_CANONICAL_OF = {_key(canonical): name for name, values in VOCABULARIES.items() for canonical in values}


def _add_alias(table: dict[str, str], name: str, canonical: str, alias: str, added: set[tuple[str, str]]) -> None:
    """One extra alias from the config, which must not already mean another value."""
    key, where = _key(alias), f"aliases.{name}.{canonical}"
    means = table.get(key)
    if means is not None and means != canonical:
        if key == _key(means):
            already = f"the {name} value {means!r}"
        elif (name, key) in added:
            already = f"an alias of {means!r} (aliases.{name}.{means})"
        else:
            already = f"a built-in alias of {means!r}"
        raise KamError(f"{where}: {alias!r} is already {already}; it cannot also mean {canonical!r}")
    other = _CANONICAL_OF.get(key)
    if other is not None and other != name:
        raise KamError(f"{where}: {alias!r} is a {other} value; an alias cannot be another field's value")
    table[key] = canonical
    added.add((name, key))


def split_multi(value: str) -> list[str]:
    return [p.strip() for p in _MULTI_SPLIT.split(value) if p.strip()]


def parse_bool(value: str) -> bool:
    key = _key(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise VocabError(f"not a yes/no value {value.strip()!r}; accepted: yes/no, true/false, y/n, 1/0, 是/否")


# Every number kam accepts (amounts, annual revenue, usage, NPS, P1 tickets, --min-amount, config
# thresholds) is finite and below this in magnitude: whole numbers this size are exact in a float.
MAX_NUMBER = 10**15


def bounded_number(value: float, written: str) -> float:
    """`value` if it is finite and below MAX_NUMBER in magnitude; else a VocabError naming `written`."""
    if abs(value) < MAX_NUMBER:  # False for NaN and the infinities
        return value
    text = written.strip()
    shown = repr(text if len(text) <= 40 else f"{text[:20]}…{text[-8:]}")
    if value != value:  # NaN
        raise VocabError(f"not a number {shown}")
    raise VocabError(f"{shown} is out of range; expected less than 10^15 (1,000,000,000,000,000) in magnitude")


# The ways a date is written: year, month and (except in a month alone) day. A month alone stands
# for its first day. `2026-11-05`, `2026/11/05`, `2026.11.05`, `20261105`, `2026年11月5日`;
# `2026-11`, `2026/11`, `2026年11月`.
_DATES = tuple(re.compile(p) for p in (
    r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?",
    r"(\d{4})/(\d{1,2})(?:/(\d{1,2}))?",
    r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
    r"(\d{4})(\d{2})(\d{2})",
    r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?",
))  # fmt: skip
DATE_FORMATS = "YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, YYYY年M月D日, or a month: YYYY-MM, YYYY年M月"

# Every date kam accepts (and so stores, or takes as today) lies in this range: far enough from
# the calendar's ends that deadlines, windows and look-backs of years can be computed from it.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


class DateRangeError(VocabError):
    """A real date, but outside FIRST_DAY..LAST_DAY."""


def in_range(day: date, written: str) -> date:
    """`day` if kam accepts it; else a DateRangeError naming the date as `written`."""
    if not FIRST_DAY <= day <= LAST_DAY:
        span = f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
        raise DateRangeError(f"date {written.strip()!r} is out of range; use a date from {span}")
    return day


def parse_date(value: str) -> date:
    """A date written in one of `DATE_FORMATS` (a month alone: its first day), within
    FIRST_DAY..LAST_DAY; raises VocabError (DateRangeError when outside them) naming the text."""
    text = value.strip()
    for pattern in _DATES:
        m = pattern.fullmatch(text)
        if m:
            try:
                day = date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
            except ValueError:
                raise VocabError(f"not a date {text!r}: there is no such date; use {DATE_FORMATS}") from None
            return in_range(day, value)
    raise VocabError(f"not a date {text!r}; use {DATE_FORMATS}")


def join_multi(values: Iterable[str]) -> str:
    return ";".join(values)


DEFAULT_VOCABULARY = Vocabulary.build()


# --- handover plans (docs/spec.md §5) ---

STEPS = ("confirm", "successor", "exit_talk", "first_meeting", "map_updated")
STEP_TEXT = {  # English; shown through `i18n._()` (the Chinese is in the catalog)
    "confirm": N_("change kind confirmed; is the person still influential after the change?"),
    "successor": N_("successor identified (name, title, department, who appointed them, attitude)"),
    "exit_talk": N_("a farewell conversation with the departing contact, if possible"),
    "first_meeting": N_("first formal meeting with the successor, notes recorded"),
    "map_updated": N_("primary contact, roles and attitudes updated"),
}
# deadlines in days relative to the change date
DEFAULT_DEADLINES = {"confirm": -14, "successor": -14, "exit_talk": 0, "first_meeting": 14, "map_updated": 14}


# --- owner handover plans (docs/spec.md §9): one per account whose owner `kam reassign` changes ---

OWNER_STEPS = ("handover_meeting", "records_transferred", "key_contacts_met", "customer_confirmed")
OWNER_STEP_TEXT = {  # English; shown through `i18n._()`
    "handover_meeting": N_("the old owner introduces the new owner to the key contacts"),
    "records_transferred": N_("notes, quotes, contracts and open issues handed over"),
    "key_contacts_met": N_("the new owner has met every active decision maker and champion"),
    "customer_confirmed": N_("the customer knows the new owner"),
}
# deadlines in days after the handover date (`kam reassign --on`, default 14 days from today)
OWNER_DEADLINES = {"handover_meeting": 0, "records_transferred": 0, "key_contacts_met": 30, "customer_confirmed": 30}
OWNER_HANDOVER_DAYS = 14  # the handover date when `--on` is not given: this many days from today


def history_text(value: Any) -> str | None:
    """How a value is written into the change history."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
