"""Writing accounts: `kam set-account` (docs/spec.md §8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..storage.database import Database
from ..storage.records import require_account, update_account


@dataclass(frozen=True)
class AccountSet:
    """What `kam set-account` changed: (field, old, new) as the history has them, in option order."""

    name: str
    changes: list[tuple[str, str | None, str | None]] = field(default_factory=list)


def set_account(db: Database, account: str, values: dict[str, Any], *, now: datetime) -> AccountSet:
    """Change the account's fields (`values`: parsed by `domain.accounts.account_values`), each
    change a history row with the source `set-account`, in one transaction."""
    with db.session(write=True) as s:
        acc = require_account(s, account)
        changes = update_account(s, acc, values, source="set-account", at=now)
        s.commit()
        return AccountSet(name=acc.name, changes=changes)
