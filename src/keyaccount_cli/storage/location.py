"""Where the database is and how long to wait for it: no SQLAlchemy needed to answer."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_plus

from ..errors import KamError

DEFAULT_BUSY_SECONDS = 10.0


def busy_timeout() -> float:
    """How long a command waits for another writer (`KAM_BUSY_TIMEOUT` seconds, default 10)."""
    try:
        return max(0.0, float(os.environ.get("KAM_BUSY_TIMEOUT", DEFAULT_BUSY_SECONDS)))
    except ValueError:
        raise KamError(
            f"KAM_BUSY_TIMEOUT must be a number of seconds, not {os.environ['KAM_BUSY_TIMEOUT']!r}"
        ) from None


def resolve_location(option: str | None, app_dir: str) -> str:
    """`--db`, then `KAM_DB`, then `kam.db` in the application directory; a file as an absolute path."""
    location = option or os.environ.get("KAM_DB") or str(Path(app_dir) / "kam.db")
    if location.startswith("sqlite:///") and "?" not in location:
        location = location[len("sqlite:///") :]  # a file all the same: owner-only, WAL, the fast reader
    return location if is_url(location) else str(Path(location).expanduser().absolute())


def sqlite_path(location: str) -> Path | None:
    """The SQLite database file of `location`, absolute: a plain path, or the database part of a
    `sqlite://` or `sqlite+driver://` URL (percent-decoded, a relative one from the current folder,
    a `file:` URI's path); None for a server or an in-memory database."""
    if not is_url(location):
        return Path(location).expanduser().absolute()
    scheme, rest = location.split("://", 1)
    if scheme.lower() != "sqlite" and not scheme.lower().startswith("sqlite+"):
        return None
    database, _, query = rest.partition("?")
    database = unquote(database.removeprefix("/")) if database.startswith("/") else ""
    if database.startswith("file:") and "uri=true" in query.lower():
        database = unquote(database.removeprefix("file:").split("?", 1)[0].removeprefix("//localhost"))
        database = database.removeprefix("//") if database.startswith("///") else database
    if database in ("", ":memory:") or "mode=memory" in query.lower():
        return None
    return Path(database).expanduser().absolute()


# A URL read as SQLAlchemy reads it (so that what is hidden is what the driver is given):
# `scheme://[user[:password]@]host[:port][/database][?query]`, the password running to the
# first `@`. An `@` left in the host is an unencoded one in the password: hidden with it.
_URL = re.compile(
    r"(?P<scheme>[\w+]+)://(?:(?P<user>[^:/]*)(?::(?P<password>[^@]*))?@)?"
    r"(?P<host>[^/?]*)(?P<path>/[^?]*)?(?:\?(?P<query>.*))?",
    re.DOTALL,
)
MASK = "***"


@dataclass(frozen=True)
class _UrlParts:
    scheme: str
    user: str | None
    password: str | None  # as written, with any part of it that ended up in the host
    host: str  # with the port
    path: str
    query: list[str] | None  # the `name=value` pairs as written
    stray_at: bool  # an unencoded `@` in the user name or password


def _split_url(location: str) -> _UrlParts | None:
    m = _URL.fullmatch(location)
    if m is None:
        return None
    password, host = m["password"], m["host"]
    stray_at = "@" in host
    if stray_at:
        lost, host = host.rsplit("@", 1)
        password = lost if password is None else f"{password}@{lost}"
    query = None if m["query"] is None else m["query"].split("&")
    return _UrlParts(m["scheme"], m["user"], password, host, m["path"] or "", query, stray_at)


def is_secret_parameter(name: str) -> bool:
    """A query parameter that holds a credential: `password`, `sslpassword`, `passfile`, any `…password…`."""
    name = unquote_plus(name).lower()
    return "password" in name or name == "passfile"


def _is_secret_pair(pair: str) -> bool:
    return is_secret_parameter(pair.partition("=")[0])


def _shown_pair(pair: str) -> str:
    name, _, value = pair.partition("=")
    return f"{name}={MASK}" if value and is_secret_parameter(name) else pair


def display_location(location: str, *, drop_secrets: bool = False) -> str:
    """The location as it may be shown: a URL with its password and every credential among its
    query parameters as `***` (or, `drop_secrets`, left out, for a command to copy)."""
    if not is_url(location):
        return location
    parts = _split_url(location)
    if parts is None:
        return location.split("://", 1)[0] + "://…"
    userinfo = ""
    if parts.user is not None:
        userinfo = parts.user
        if parts.password is not None and not drop_secrets:
            userinfo += ":" + (MASK if parts.password else "")
        userinfo += "@"
    shown = f"{parts.scheme}://{userinfo}{parts.host}{parts.path}"
    if parts.query is not None:
        pairs = [_shown_pair(pair) for pair in parts.query if not (drop_secrets and _is_secret_pair(pair))]
        if pairs or not drop_secrets:
            shown += "?" + "&".join(pairs)
    return shown


def _secrets(location: str) -> list[str]:
    """The credentials in a URL, as written and as decoded (a driver's message may echo either)."""
    parts = _split_url(location) if is_url(location) else None
    if parts is None:
        return []
    values = [parts.password or ""]
    values += [pair.partition("=")[2] for pair in parts.query or [] if _is_secret_pair(pair)]
    found = {form for value in values for form in (value, unquote(value), unquote_plus(value)) if form}
    return sorted(found, key=len, reverse=True)


def mask_secrets(text: str, location: str) -> str:
    """`text` (a driver's message, say) with every credential of the URL `location` as `***`."""
    for secret in _secrets(location):
        text = text.replace(secret, MASK)
    return text


def check_url(location: str) -> None:
    """A URL's host part as a driver can use it: a port from 1 to 65535, no unencoded `@`."""
    parts = _split_url(location)
    if parts is None:
        return  # not one SQLAlchemy reads either: it says so
    shown = display_location(location)
    if parts.stray_at:
        raise KamError(f"the database URL {shown} has an unencoded '@' in its user name or password; "
                       "write it as %40")  # fmt: skip
    host = parts.host
    if host.startswith("["):  # an IPv6 address
        host = host.partition("]")[2]
        if host and not host.startswith(":"):
            raise KamError(f"the database URL {shown} has text after the host's closing ']': {host!r}")
    port = host.partition(":")[2]
    if ":" in host and port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise KamError(f"the database URL {shown} has a bad port {port!r}; give a number from 1 to 65535")


def is_url(location: str) -> bool:
    return "://" in location


def describe_error(message: str, location: str | None) -> KamError:
    """A database driver's error as one line, without the credentials of the URL `location`
    (None: not known)."""
    msg = message.splitlines()[0] if message else "unknown error"
    if location is None:
        location = "the database"
    else:
        msg = mask_secrets(msg, location)
        location = display_location(location)
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
