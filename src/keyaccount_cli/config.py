"""The optional YAML configuration (docs/spec.md §2): thresholds, due window, tiers, health scorecard, aliases.

Found at `--config PATH`, `KAM_CONFIG`, or `kam.yaml` beside the database.
Unknown keys and wrong types are errors that name the key (nested keys by their
dotted path, e.g. `health.weights.usage`). A mapping given in part keeps the
defaults of the keys it leaves out. `examples/kam.yaml` lists every key with its
default.
"""

from __future__ import annotations

import copy
import functools
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .domain.numbers import parse_amount
from .domain.vocab import VocabError, Vocabulary, parse_date
from .errors import KamError


def _default_deadlines() -> dict[str, int]:
    from .domain.vocab import DEFAULT_DEADLINES

    return dict(DEFAULT_DEADLINES)


def _default_tiers() -> dict[str, dict[str, int]]:
    from .domain.portfolio import DEFAULT_TIERS

    return copy.deepcopy(DEFAULT_TIERS)


def _default_closed_stages() -> list[str]:
    from .domain.portfolio import DEFAULT_CLOSED_STAGES

    return list(DEFAULT_CLOSED_STAGES)


def _default_health() -> dict[str, Any]:
    from .domain.health import DEFAULT_HEALTH

    return copy.deepcopy(DEFAULT_HEALTH)


def _default_red_flags() -> dict[str, int]:
    from .domain.red_flags import DEFAULT_RED_FLAGS

    return dict(DEFAULT_RED_FLAGS)


def _default_engagement() -> dict[str, Any]:
    from .domain.early_facts import DEFAULT_ENGAGEMENT

    return dict(DEFAULT_ENGAGEMENT)


@dataclass
class Config:
    min_contacts: int = 2
    due: str = "30d"
    history_horizon_days: int = 180  # a change dated further back than this before it is recorded is history
    min_amount: float = 1_000_000
    aliases: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    step_deadlines: dict[str, int] = field(default_factory=_default_deadlines)
    tiers: dict[str, dict[str, int]] = field(default_factory=_default_tiers)
    closed_stages: list[str] = field(default_factory=_default_closed_stages)
    health: dict[str, Any] = field(default_factory=_default_health)
    # docs/spec.md §10: the codes `kam check` (and every command that counts findings) leaves out, and
    # the windows of the red flags
    disabled_checks: list[str] = field(default_factory=list)
    red_flags: dict[str, int] = field(default_factory=_default_red_flags)
    # docs/spec.md §11: how many days ahead a renewal is watched, and when engagement has dropped
    renewal_window: int = 90
    engagement: dict[str, Any] = field(default_factory=_default_engagement)
    source: str | None = None

    @property
    def deadlines(self) -> dict[str, int]:
        from .domain.vocab import DEFAULT_DEADLINES

        return {**DEFAULT_DEADLINES, **self.step_deadlines}

    @property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary.build(self.aliases)

    @property
    def scorecard(self) -> Any:
        from .domain.health import Scorecard

        return Scorecard.from_config(self.health)

    @property
    def policy(self) -> Any:
        from .domain.portfolio import Policy

        return Policy(tiers=self.tiers, min_amount=self.min_amount,
                      closed_stages=frozenset(" ".join(s.split()).casefold() for s in self.closed_stages),
                      health_low=self.health["low"])  # fmt: skip


KEYS = ("min_contacts", "due", "history_horizon_days", "min_amount", "aliases", "step_deadlines", "tiers",
        "closed_stages", "health", "disabled_checks", "red_flags", "renewal_window", "engagement")  # fmt: skip
# numbers that must be whole (everything else numeric may have a fraction)
_WHOLE = {"min_contacts", "history_horizon_days", "step_deadlines", "cadence_days", "changes", "months",
          "reorg_days", "new_decision_maker_days", "champion_quiet_days", "renewal_window"}  # fmt: skip
_WHOLE_KEYS = {"engagement.days", "engagement.min"}  # whole numbers named by their dotted path


def find_config(option: str | None, db_location: str) -> Path | None:
    if option:
        return Path(option)
    env = os.environ.get("KAM_CONFIG")
    if env:
        return Path(env)
    if "://" not in db_location:
        beside = Path(db_location).expanduser().parent / "kam.yaml"
        if beside.is_file():
            return beside
    return None


class _Bad(Exception):
    """A problem at a dotted key path; turned into a KamError naming the file."""


# The keys that are amounts of money: written as a number, or as text as in a CSV cell (`100万`, `1.5M`).
_MONEY = r"min_amount|tiers\.\w+\.min_revenue"
# The range of every number, by its dotted key path (the first pattern that matches).
# Sizes of money and counts of days stop far above any real value and far below
# where dates or arithmetic break; the scorecard works on 0-10 points and 0-100 scores.
_RANGES: tuple[tuple[re.Pattern[str], float, float], ...] = tuple((re.compile(p), lo, hi) for p, lo, hi in (
    (r"min_contacts", 1, 1000),
    (r"history_horizon_days", 1, 36500),
    (r"red_flags\.\w+", 1, 3650),
    (r"renewal_window|engagement\.days", 1, 3650),
    (r"engagement\.drop", 0.01, 1),
    (r"engagement\.min", 1, 100_000),
    (_MONEY, 0, 10**15),
    (r"step_deadlines\.\w+", -3650, 3650),
    (r"tiers\.\w+\.cadence_days", 1, 3650),
    (r"health\.weights\.\w+", 0, 1000),
    (r"health\.points\.renewal_intent\.\w+|health\.points\.\w+\[\d+\]\.points", 0, 10),
    (r"health\.points\.\w+\[\d+\]\.\w+", -10**9, 10**9),
    (r"health\.key_people\.changes", 1, 1000),
    (r"health\.key_people\.months", 1, 120),
    (r"health\.key_people\.deduction|health\.coverage_deduction|health\.bands\.\w+|health\.low", 0, 100),
))  # fmt: skip
# the longest `due` window: ten years
_DUE = re.compile(r"^\s*(\d+)\s*([dwm])\s*$", re.IGNORECASE)
_DUE_MAX = {"d": 3650, "w": 520, "m": 120}


class _Written(float):
    """A float from the YAML file that remembers how it was written (`1e400`, `.inf`)."""

    text: str


def _shown(value: Any) -> str:
    if isinstance(value, _Written):
        return value.text
    if isinstance(value, float) and not math.isfinite(value):
        return {math.inf: ".inf", -math.inf: "-.inf"}.get(value, ".nan")
    text = repr(value)
    return text if len(text) <= 20 else f"{text[:8]}… ({len(text)} digits)"


def _number(value: Any, key: str, whole: bool) -> Any:
    if isinstance(value, str) and re.fullmatch(_MONEY, key):
        try:
            value = parse_amount(value)
        except VocabError as exc:
            raise _Bad(f"{key}: {exc}") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or (whole and not isinstance(value, int)):
        got = _shown(value) if isinstance(value, float) else repr(value)
        raise _Bad(f"{key} must be {'a whole number' if whole else 'a number'}, got {got}")
    lo, hi = next(((lo, hi) for p, lo, hi in _RANGES if p.fullmatch(key)), (-math.inf, math.inf))
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad(f"{key} must be a finite number from {lo:,} to {hi:,}, got {_shown(value)}")
    if value < lo:
        raise _Bad(f"{key} must be at least {lo:,}, got {_shown(value)}")
    if value > hi:
        raise _Bad(f"{key} must be at most {hi:,}, got {_shown(value)}")
    return float(value) if isinstance(value, float) else value


def _due(value: str) -> str:
    """A window (`30d`, `2w`, `3m`) of at most ten years, or a date."""
    m = _DUE.match(value)
    if m:
        n, unit = int(m.group(1)), m.group(2).lower()
        if n > _DUE_MAX[unit]:
            raise _Bad(f"due must be at most {_DUE_MAX[unit]}{unit} (ten years), got {value!r}")
        return value
    try:
        parse_date(value)
    except VocabError:
        raise _Bad(f"due must be a window like 30d, 2w or 3m, or a date YYYY-MM-DD, got {value!r}") from None
    return value


def _merge(value: Any, default: Any, key: str) -> Any:
    """`value` checked against the shape of `default`; mappings merged over the default."""
    leaf = key.rsplit(".", 1)[-1].split("[")[0]
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise _Bad(f"{key} must be a mapping, got {value!r}")
        for k in value:
            if k not in default:
                raise _Bad(f"unknown key {f'{key}.{k}'!r} (known: {', '.join(map(str, default))})")
        return {k: _merge(value[k], d, f"{key}.{k}") if k in value else copy.deepcopy(d) for k, d in default.items()}
    if isinstance(default, list):
        if not isinstance(value, list):
            raise _Bad(f"{key} must be a list, got {value!r}")
        if all(isinstance(d, str) for d in default):
            for i, v in enumerate(value):
                if not isinstance(v, str):
                    raise _Bad(f"{key}[{i}] must be text, got {v!r}")
            return list(value)
        return [_rule(v, f"{key}[{i}]") for i, v in enumerate(value)]
    if isinstance(default, str):
        if not isinstance(value, str):
            raise _Bad(f"{key} must be text, got {value!r}")
        return _due(value) if key == "due" else value
    return _number(value, key, whole=leaf in _WHOLE or key in _WHOLE_KEYS or key.startswith("step_deadlines."))


def _rule(value: Any, key: str) -> dict[str, Any]:
    from .domain.health import RULE_BOUNDS

    if not isinstance(value, dict):
        raise _Bad(f"{key} must be a mapping like {{min: 50, points: 7}}, got {value!r}")
    out: dict[str, Any] = {}
    for k, v in value.items():
        if k not in (*RULE_BOUNDS, "points"):
            raise _Bad(f"unknown key {f'{key}.{k}'!r} (known: {', '.join((*RULE_BOUNDS, 'points'))})")
        out[k] = _number(v, f"{key}.{k}", whole=False)
    if "points" not in value:
        raise _Bad(f"{key} needs points")
    for low in ("above", "min"):
        for high in ("below", "max"):
            if low in out and high in out and not _can_hold(out[low], low == "above", out[high], high == "below"):
                raise _Bad(f"{key}: {low} {_shown(out[low])} and {high} {_shown(out[high])} leave no value, "
                           "so the rule never holds")  # fmt: skip
    return out


def _can_hold(low: float, low_strict: bool, high: float, high_strict: bool) -> bool:
    return low < high or (low == high and not low_strict and not high_strict)


def _check(cfg: Config) -> None:
    from .domain.findings import unknown_codes

    unknown = unknown_codes(cfg.disabled_checks)
    if unknown:
        raise _Bad(f"disabled_checks: unknown code {unknown[0]!r} (see kam check --help for the codes)")
    cfg.disabled_checks = [c.strip().upper() for c in cfg.disabled_checks]
    weights = cfg.health["weights"]
    if not sum(weights.values()):
        raise _Bad("health.weights: at least one weight must be above 0")
    bands = cfg.health["bands"]
    if bands["red"] > bands["yellow"]:
        raise _Bad("health.bands.red must not be above health.bands.yellow")
    for dim, rules in cfg.health["points"].items():
        if isinstance(rules, list) and not rules:
            raise _Bad(f"health.points.{dim} needs at least one rule")


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        raw_text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KamError(f"cannot read config {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise KamError(f"config {path} is not UTF-8 text") from None
    import yaml

    try:
        raw: Any = yaml.load(raw_text, Loader=_loader())  # noqa: S506 - a SafeLoader that reads 1e6 as a number
    except yaml.YAMLError as exc:
        raise KamError(f"config {path} is not valid YAML: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise KamError(f"config {path}: expected a mapping of keys to values")
    cfg = Config(source=str(path))
    try:
        for key, value in raw.items():
            if key not in KEYS:
                raise _Bad(f"unknown key {key!r} (known: {', '.join(KEYS)})")
            if key == "aliases":
                cfg.aliases = _aliases(value)
            else:
                setattr(cfg, key, _merge(value, getattr(cfg, key), key))
        _check(cfg)
    except _Bad as exc:
        raise KamError(f"config {path}: {exc}") from None
    try:
        cfg.vocabulary  # noqa: B018 - validates vocabulary names and canonical values now
    except KamError as exc:
        raise KamError(f"config {path}: {exc}") from None
    return cfg


@functools.cache
def _loader() -> Any:
    """PyYAML's safe loader, reading `1e6` as a number as YAML 1.2 does, every float remembering its text."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def written(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
        number = _Written(loader.construct_yaml_float(node))
        number.text = str(node.value)
        return number

    Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
                                 list("-+0123456789"))  # fmt: skip
    Loader.add_constructor("tag:yaml.org,2002:float", written)
    # a date (`due: 2026-12-31`) stays the text it is written as: kam reads it as it reads --due, and
    # a day that does not exist is a message about the key, not a crash of the YAML reader
    Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: str(node.value))
    return Loader


def _aliases(value: Any) -> dict[str, dict[str, list[str]]]:
    if not isinstance(value, dict):
        raise _Bad(f"aliases must be a mapping, got {value!r}")
    out: dict[str, dict[str, list[str]]] = {}
    for vocab, mapping in value.items():
        if not isinstance(mapping, dict):
            raise _Bad(f"aliases.{vocab} must map canonical values to lists of aliases")
        out[vocab] = {}
        for canonical, aliases in mapping.items():
            if isinstance(aliases, str):
                aliases = [aliases]
            elif not isinstance(aliases, list):
                raise _Bad(f"aliases.{vocab}.{canonical} must be a list")
            for i, alias in enumerate(aliases):
                if not isinstance(alias, str) or not alias.strip():
                    raise _Bad(f"aliases.{vocab}.{canonical}[{i}] must be a word (quote a number), got {alias!r}")
            out[vocab][canonical] = aliases
    return out
