"""What the checks (and every report built on them) need to know besides the data."""

from __future__ import annotations

from datetime import date

from ..config import Config
from ..domain.checks import CheckOptions, window_end


def check_options(config: Config, today: date, due: str | None = None) -> CheckOptions:
    """The check options for `today`: the look-ahead window `due` (`30d`, `2w`, `3m` or a date;
    default: the config's `due`), the config's minimum contacts and account policy."""
    horizon = window_end(config.due if due is None else due, today)
    return CheckOptions(today=today, horizon=horizon, min_contacts=config.min_contacts, policy=config.policy)
