"""Where the database is and how long to wait for it: no SQLAlchemy needed to answer."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import KamError

DEFAULT_BUSY_SECONDS = 10.0


def busy_timeout() -> float:
    """How long a command waits for another writer (`KAM_BUSY_TIMEOUT` seconds, default 10)."""
    try:
        return max(0.0, float(os.environ.get("KAM_BUSY_TIMEOUT", DEFAULT_BUSY_SECONDS)))
    except ValueError:
        raise KamError(f"KAM_BUSY_TIMEOUT must be a number of seconds, not {os.environ['KAM_BUSY_TIMEOUT']!r}") from None


def resolve_location(option: str | None, app_dir: str) -> str:
    """`--db`, then `KAM_DB`, then `kam.db` in the application directory; a file as an absolute path."""
    location = option or os.environ.get("KAM_DB") or str(Path(app_dir) / "kam.db")
    if location.startswith("sqlite:///") and "?" not in location:
        location = location[len("sqlite:///") :]  # a file all the same: owner-only, WAL, the fast reader
    return location if is_url(location) else str(Path(location).expanduser().absolute())


def display_location(location: str) -> str:
    """The location as it may be shown: a URL without its password."""
    if not is_url(location):
        return location
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(location).render_as_string(hide_password=True)
    except ArgumentError:
        return location.split("://", 1)[0] + "://…"


def is_url(location: str) -> bool:
    return "://" in location


def describe_error(message: str, location: str) -> KamError:
    """A database driver's error as one line; `location` is already safe to show."""
    msg = message.splitlines()[0] if message else "unknown error"
    if msg.startswith("connection failed:"):
        # psycopg: 'connection failed: connection to server at "h", port p failed: FATAL:  <reason>'
        reason = msg.rsplit(" failed: ", 1)[-1].removeprefix("FATAL:").strip()
        return KamError(f"cannot connect to {location}: {reason}")
    if msg.startswith("failed to resolve host"):
        return KamError(f"cannot connect to {location}: {msg}")
    if "locked" in msg or "busy" in msg or "lock timeout" in msg:
        return KamError(f"the database {location} is busy (another kam is writing); try again in a moment")
    if "not a database" in msg or "malformed" in msg:
        return KamError(f"{location} is not a kam database (or it is damaged): {msg}")
    if msg.startswith("permission denied"):
        return KamError(f"the database {location} does not let this role change it: {msg}")
    if "readonly" in msg or "read-only" in msg:
        return KamError(f"the database {location} is read-only: {msg}")
    return KamError(f"database error on {location}: {msg}")
