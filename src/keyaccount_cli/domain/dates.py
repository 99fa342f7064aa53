"""Date arithmetic of the rules: months ahead or back, and the look-ahead window of `--due`."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

from ..errors import KamError
from .vocab import LAST_DAY, DateRangeError, VocabError, parse_date

_WINDOW = re.compile(r"^\s*(\d+)\s*([dwm])\s*$", re.IGNORECASE)


@lru_cache(maxsize=256)  # `kam report` asks for the same day once per account
def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _ahead(today: date, n: int, unit: str) -> date:
    if unit == "d":
        return today + timedelta(days=n)
    if unit == "w":
        return today + timedelta(weeks=n)
    return add_months(today, n)


def window_end(spec: str, today: date, where: str = "--due") -> date:
    """`30d`, `2w`, `3m` from today, or a date (as `vocab.parse_date` reads it) not before today; a
    problem is blamed on `where` the window was given (the option, or the config's key)."""
    usage = f"{where}: cannot read {spec!r}; use e.g. 30d, 2w, 3m or a date YYYY-MM-DD"
    m = _WINDOW.match(spec)
    try:
        if m:  # a window that reaches past the last day kam keeps ends there
            end = min(_ahead(today, int(m.group(1)), m.group(2).lower()), LAST_DAY)
        else:  # a date, or a month (its first day)
            end = parse_date(spec)
    except (OverflowError, ValueError):
        end = LAST_DAY
    except DateRangeError as exc:
        raise KamError(f"{where}: {exc}") from None
    except VocabError:
        raise KamError(usage) from None
    if end < today:
        raise KamError(f"{where}: {end.isoformat()} is before today ({today.isoformat()}); the window looks ahead")
    return end
