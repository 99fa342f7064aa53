"""`kam report`: the team lead's dashboard, read through a `Reader`. (`kam health`: `services.health`.)"""

from __future__ import annotations

from typing import Any

from ..domain.checks import CheckOptions
from ..domain.dashboard import dashboard
from ..domain.health import Scorecard
from ..storage.reader import Reader
from ..storage.reading import iter_book_facts


def team_dashboard(reader: Reader, card: Scorecard, opts: CheckOptions, *, min_amount: float) -> dict[str, Any]:
    """The team lead's dashboard over every account."""
    book = iter_book_facts(reader, due=opts.horizon, today=opts.today, early=opts.early)
    return dashboard(book, card, opts, min_amount=min_amount)
