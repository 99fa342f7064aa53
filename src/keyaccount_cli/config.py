"""The optional YAML configuration (SPEC §2): thresholds, due window, aliases.

Found at `--config PATH`, `KAM_CONFIG`, or `kam.yaml` beside the database.
Unknown keys and wrong types are errors that name the key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import KamError
from .vocab import Vocabulary


@dataclass
class Config:
    min_contacts: int = 2
    due: str = "30d"
    aliases: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    step_deadlines: dict[str, int] = field(default_factory=dict)
    source: str | None = None

    @property
    def deadlines(self) -> dict[str, int]:
        from .vocab import DEFAULT_DEADLINES

        return {**DEFAULT_DEADLINES, **self.step_deadlines}

    @property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary.build(self.aliases)


_TYPES: dict[str, type] = {"min_contacts": int, "due": str, "aliases": dict, "step_deadlines": dict}


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
        raw: Any = yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        raise KamError(f"config {path} is not valid YAML: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise KamError(f"config {path}: expected a mapping of keys to values")
    cfg = Config(source=str(path))
    for key, value in raw.items():
        expected = _TYPES.get(key)
        if expected is None:
            raise KamError(f"config {path}: unknown key {key!r} (known: {', '.join(_TYPES)})")
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise KamError(f"config {path}: {key} must be {expected.__name__}, got {value!r}")
        setattr(cfg, key, value)
    if cfg.min_contacts < 1:
        raise KamError(f"config {path}: min_contacts must be at least 1")
    for vocab, mapping in cfg.aliases.items():
        if not isinstance(mapping, dict):
            raise KamError(f"config {path}: aliases.{vocab} must map canonical values to lists of aliases")
        for canonical, aliases in mapping.items():
            if isinstance(aliases, str):
                mapping[canonical] = [aliases]
            elif not isinstance(aliases, list):
                raise KamError(f"config {path}: aliases.{vocab}.{canonical} must be a list")
    from .vocab import STEPS

    for step, days in cfg.step_deadlines.items():
        if step not in STEPS:
            raise KamError(f"config {path}: step_deadlines: unknown step {step!r} (steps: {', '.join(STEPS)})")
        if not isinstance(days, int) or isinstance(days, bool):
            raise KamError(f"config {path}: step_deadlines.{step} must be a whole number of days, got {days!r}")
    try:
        cfg.vocabulary  # noqa: B018 - validates vocabulary names and canonical values now
    except KamError as exc:
        raise KamError(f"config {path}: {exc}") from None
    return cfg
