"""A database driver's failure as a user's message: the one place that knows the drivers' exceptions."""

from __future__ import annotations

import sqlite3
import sys

from ..errors import KamError
from .location import describe_error


def driver_error(exc: BaseException, location: str | None) -> KamError | None:
    """`exc` as a one-line `KamError` when it is a database driver's (or SQLAlchemy's) error,
    without the credentials of the URL `location` (None: not known); else None."""
    if isinstance(exc, sqlite3.Error):
        return describe_error(str(exc), location)
    sqla = sys.modules.get("sqlalchemy.exc")  # only loaded if the command used SQLAlchemy
    if sqla is None:
        return None
    if isinstance(exc, sqla.DBAPIError):
        return describe_error(str(exc.orig) if exc.orig is not None else exc.__class__.__name__, location)
    if isinstance(exc, sqla.SQLAlchemyError):
        return KamError(f"database error: {exc.__class__.__name__}")
    return None
