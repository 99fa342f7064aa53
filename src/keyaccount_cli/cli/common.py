"""What every command shares: global state, option aliases, the error boundary.

Only typer and the standard library are imported at module level, so that
`kam --help` stays fast; the core is imported inside the commands.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand

from ..domain.vocab import VOCABULARIES
from ..messages import note
from ..storage.failures import driver_error
from ..storage.location import is_url, sqlite_path
from ..storage.private_files import make_owner_only
from ..storage.stored_values import first_unreadable

if TYPE_CHECKING:
    from ..config import Config
    from ..storage.database import Database
    from ..storage.reader import Reader


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def one_of(values: str | type[StrEnum]) -> str:
    """The metavar of an option that takes one of `values`, a vocabulary of domain/vocab.py or
    a choice of the command line: `resignation|transfer|promotion`, `table|json|csv`."""
    return "|".join(VOCABULARIES[values] if isinstance(values, str) else (m.value for m in values))


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format", "-f", help="Output format: table, json or csv.", case_sensitive=False, metavar=one_of(Format)
    ),
]
AccountOption = Annotated[
    str | None,
    typer.Option("--account", "-a", help="The account, when a contact's name is not unique.", metavar="ACCOUNT"),
]


def examples(*lines: str) -> str:
    """A command's epilog: its examples, one a line as written. Click rewraps an epilog's
    paragraphs to the terminal, which can break an example inside an option (`--change-` /
    `date`); a paragraph that starts with a `\\b` line is kept as written."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


class KamCommand(TyperCommand):
    """A command whose usage line names its arguments as their help does (`CONTACT [OTHER]`),
    where Typer writes a required one in braces (`{contact}`)."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in super().collect_usage_pieces(ctx)]


@dataclass
class State:
    db_option: str | None = None
    config_option: str | None = None
    as_of: date | None = None
    _db: Any = field(default=None, repr=False)
    _config: Any = field(default=None, repr=False)
    _reader: Any = field(default=None, repr=False)
    _now: datetime | None = None
    _file_checked: bool = False

    @property
    def location(self) -> str:
        from ..storage.location import resolve_location

        return resolve_location(self.db_option, app_dir())

    def config(self) -> Config:
        if self._config is None:
            from ..config import find_config, load_config

            self._config = load_config(find_config(self.config_option, self.location))
        return self._config  # type: ignore[no-any-return]

    def db(self, *, create: bool = False) -> Database:
        if self._db is None:
            from ..storage.database import open_database

            self.config()
            self.sqlite_file()
            self._db = open_database(self.location, create=create)
        return self._db  # type: ignore[no-any-return]

    def reader(self) -> Reader:
        """For a command that only reads: sqlite3 straight on a current SQLite file (no SQLAlchemy
        to import, one snapshot), else the full open, which upgrades an older schema and gives
        the messages for a missing or foreign file. Closed with the command."""
        if self._reader is None:
            from ..storage.location import busy_timeout
            from ..storage.reader import SqlaReader, open_sqlite_reader

            self.config()
            path = self.sqlite_file()
            if path is not None:
                self._reader = open_sqlite_reader(path, busy_timeout())
            if self._reader is None:
                self._reader = SqlaReader(self.db().engine.connect())
        return self._reader  # type: ignore[no-any-return]

    def sqlite_file(self) -> Path | None:
        """The SQLite database file to open directly (None for a server, and for a `sqlite://` URL:
        SQLAlchemy opens it with the URL's parameters). The first time, the database file of any
        location (or its -wal, -shm, -journal) that group or others may read or write is made
        owner-only, and stderr says so."""
        path = sqlite_path(self.location)
        if path is None:
            return None
        if not self._file_checked:
            self._file_checked = True
            try:
                changed = make_owner_only(path)
            except OSError as exc:
                err(f"kam: warning: {exc.filename} is open to other users and kam cannot change that: {exc.strerror}")
                return None if is_url(self.location) else path
            if changed:
                (first, mode), *more = changed
                also = f" (and its {', '.join(p.name.removeprefix(path.name) for p, _ in more)})" if more else ""
                err(f"kam: {first}{also} was open to other users (mode {mode:04o}); made it owner-only")
        return None if is_url(self.location) else path  # a URL's own parameters: opened through SQLAlchemy

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def now(self) -> datetime:
        """One clock for the whole run. With `--as-of DAY` it reads DAY, at this time of day: a change made
        then is dated DAY in the history (docs/spec.md §10)."""
        if self._now is None:
            now = datetime.now(UTC).replace(microsecond=0)
            self._now = now if self.as_of is None else datetime.combine(self.as_of, now.timetz())
        return self._now

    @property
    def today(self) -> date:
        return self.as_of or date.today()


def app_dir() -> str:
    """kam's application directory (where `kam.db` and `kam.yaml` are looked for), as click finds it,
    except that an empty or relative XDG_CONFIG_HOME means `~/.config`, as the XDG spec says (click
    would take the current directory)."""
    where = typer.get_app_dir("kam")
    if not os.path.isabs(where):
        where = os.path.join(os.path.expanduser("~"), ".config", "kam")
    return where


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if obj is None:
        obj = ctx.find_root().obj = State()
    return obj  # type: ignore[no-any-return]


def err(message: str) -> None:
    """A problem on stderr (`kam: …`), written even with `-q`; what a command did is a `note()`."""
    sys.stderr.write(message + "\n")


__all__ = ["note"]  # what a command did, on stderr unless -q (messages.note)


def fail(message: str, code: int = 2) -> typer.Exit:
    err(f"kam: {message}")
    return typer.Exit(code)


F = TypeVar("F", bound=Callable[..., Any])


def guarded(func: F) -> F:
    """The error boundary: the core's errors become a message on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import InputError, KamError, more_problems

        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                err(f"kam: {problem}")
            if exc.count > len(exc.problems):
                err(f"kam: {more_problems(exc.count - len(exc.problems))}")
            err(f"kam: {exc.summary or 'nothing was written'}")
            raise typer.Exit(2) from None
        except KamError as exc:
            raise fail(str(exc)) from None
        except BrokenPipeError:
            # the reader (e.g. `| head`) has gone: stop quietly, as other Unix tools do
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            raise typer.Exit(0) from None
        except OSError as exc:
            raise fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            found = driver_error(exc, _location(kwargs.get("ctx"))) or _unreadable_value(exc, kwargs.get("ctx"))
            if found is not None:
                raise fail(str(found)) from None
            if os.environ.get("KAM_DEBUG"):  # a bug: still no traceback for the user
                raise
            raise fail(f"internal error: {exc.__class__.__name__}: {_masked(str(exc), kwargs.get('ctx'))} "
                       "(set KAM_DEBUG=1 for details)") from None  # fmt: skip
        finally:
            ctx = kwargs.get("ctx")
            if ctx is not None and state(ctx)._reader is not None:
                state(ctx)._reader.close()
                state(ctx)._reader = None

    return wrapper  # type: ignore[return-value]


def _unreadable_value(exc: Exception, ctx: typer.Context | None) -> Exception | None:
    """When a command failed on a value it could not convert (a reader that converts values as it
    goes, SQLAlchemy's among them, knows neither row nor column), the stored value that cannot be
    read, if the database holds one: the first, found by a scan of the database."""
    if ctx is None or not isinstance(exc, (ValueError, TypeError, KeyError, AttributeError)):
        return None
    st = state(ctx)
    if st._db is None and st._reader is None and not Path(st.location).is_file():
        return None  # no database opened yet: not about its values
    try:
        if st._reader is not None:  # the failed command's snapshot: a fresh one for the scan
            st._reader.close()
            st._reader = None
        reader = st.reader()
        return first_unreadable(reader, sqlite=reader.dialect == "sqlite")  # type: ignore[attr-defined]
    except Exception:  # the scan failed too: report the command's own error
        return None


def _location(ctx: typer.Context | None) -> str | None:
    """The database the command works on, for its error messages (None: not known)."""
    return state(ctx).location if ctx is not None else None


def _masked(message: str, ctx: typer.Context | None) -> str:
    """`message` without the credentials of the database URL."""
    from ..storage.location import mask_secrets

    return mask_secrets(message, state(ctx).location) if ctx is not None else message


def option_word(st: State, vocabulary: str, option: str, text: str) -> str:
    """The canonical value of `text` given to `option`; a word the vocabulary does not know is an
    error that names the option (`--kind: unknown kind of interaction 'lunch'; accepted: …`)."""
    from ..domain.vocab import VocabError

    try:
        return st.config().vocabulary.one(vocabulary, text)
    except VocabError as exc:
        raise fail(f"{option}: {exc}") from None


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    from ..domain.vocab import VocabError, parse_date

    try:
        return parse_date(value)
    except VocabError as exc:
        raise fail(f"{option}: {exc}") from None


def checked_output(st: State, output: str | None) -> str | None:
    """`-o FILE` of a command that writes one file: refused before anything is read when it names
    the database or one of SQLite's files beside it."""
    from ..storage.private_files import refuse_database_files

    database = sqlite_path(st.location)
    if output is not None and output != "-" and database is not None:
        refuse_database_files(Path(output), database)
    return output


def write_picture(text: str, output: str | None) -> None:
    """A picture or page (HTML, SVG) to stdout, or to the file `output`: owner-only, written whole
    or not at all (as `kam export -o`)."""
    from ..i18n import _
    from ..importing.csvfile import open_output

    with open_output(output, excel=False) as out:
        out.write(text)
    if output not in (None, "-"):
        note(_("wrote {output}").format(output=output))
