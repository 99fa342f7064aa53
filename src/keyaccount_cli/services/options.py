"""What the checks (and every report built on them) need to know besides the data."""

from __future__ import annotations

from datetime import date

from ..config import Config
from ..domain.checks import CheckOptions, window_end
from ..domain.early_facts import EarlyPolicy
from ..domain.red_flags import RedFlagPolicy


def check_options(config: Config, today: date, due: str | None = None) -> CheckOptions:
    """The check options for `today`: the look-ahead window `due` (`30d`, `2w`, `3m` or a date;
    default: the config's `due`), the config's minimum contacts and account policy."""
    if due is None:  # the config's window: a problem with it is the config's
        horizon = window_end(config.due, today, f"config {config.source}: due" if config.source else "due")
    else:
        horizon = window_end(due, today)
    return CheckOptions(
        today=today,
        horizon=horizon,
        min_contacts=config.min_contacts,
        policy=config.policy,
        red_flags=RedFlagPolicy(**config.red_flags),
        disabled=frozenset(config.disabled_checks),
        early=EarlyPolicy.from_config(config.renewal_window, config.engagement),
        card=config.scorecard,
    )
