"""Owner-only files. What kam writes for the user (exports, backups) goes to a temporary file beside
the target, owner-only (0600) whatever the umask, and is renamed into place once complete: an error
(a full disk) leaves the previous file as it was and no temporary file behind. A target that is
not a regular file (/dev/null, a FIFO, /dev/stdout) is written straight to instead. Never onto the
database or one of SQLite's files beside it. A database found open to other users is made owner-only.

The standard library alone: `kam --help` imports it."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from ..errors import KamError

# SQLite's files for a database, by the suffix added to its name
COMPANIONS = {
    "": "the database itself", "-wal": "the database's write-ahead log",
    "-shm": "the database's shared-memory file", "-journal": "the database's rollback journal",
}  # fmt: skip
SQLITE_HEADER = b"SQLite format 3\x00"


def refuse_database_files(target: Path, database: Path) -> None:
    """A KamError when `target` is the database or one of its companion files, however it is
    spelled: relative, through symlinks (compared resolved) or a hard link (same device and inode)."""
    real = os.path.realpath(target.expanduser())
    try:
        found: os.stat_result | None = target.expanduser().stat()
    except OSError:
        found = None
    bases = {str(database), os.path.realpath(database)}  # SQLite keeps its files beside the resolved name
    for suffix, what in COMPANIONS.items():
        for base in bases:
            companion = Path(base + suffix)
            if real == os.path.realpath(companion) or (found is not None and _same_file(found, companion)):
                raise KamError(f"{target} is {what} ({companion}); choose another file")


def _same_file(found: os.stat_result, path: Path) -> bool:
    try:
        return os.path.samestat(found, path.stat())
    except OSError:
        return False


_FD_FOLDERS = ("/dev/fd/", "/proc/self/fd/", "/dev/stdout", "/dev/stderr")


def is_stream(target: Path) -> bool:
    """Whether `target` names an open descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N) or an
    existing file that is not a regular one or a folder: a device, a FIFO, a socket."""
    spelled = str(target.expanduser())
    if spelled.startswith(_FD_FOLDERS) or re.fullmatch(r"/proc/\d+/fd/\d+", spelled):
        return True
    try:
        mode = target.expanduser().stat().st_mode
    except OSError:
        return False  # a new file (or one the temporary file's creation reports on)
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextmanager
def private_output(target: Path, name: str) -> Iterator[Path]:
    """An empty owner-only file beside `target` (beside the file a symlink points to), for the block
    to write; flushed to disk and renamed onto the target when the block ends, removed when it fails.
    `name` is how messages show the target: an OSError becomes a one-line KamError. A target that
    is not a regular file (a device such as /dev/null, a FIFO, a socket, /dev/stdout or another
    /dev/fd/N) is given to the block itself, to write straight to: no temporary file, no rename."""
    if is_stream(target):
        try:
            yield target.expanduser()
        except OSError as exc:
            raise KamError(f"cannot write {name}: {exc.strerror or exc}") from None
        return
    final = Path(os.path.realpath(target.expanduser()))
    if final.is_dir():
        raise KamError(f"cannot write {name}: it is a directory")
    try:
        fd, temp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".partial")
    except OSError as exc:
        raise KamError(f"cannot write {name}: {exc.strerror or exc}") from None
    partial = Path(temp)
    try:
        try:
            os.fchmod(fd, 0o600)  # mkstemp's 0600 less the umask: exactly 0600 whatever the umask
        finally:
            os.close(fd)
        yield partial
        with partial.open("rb") as written:
            os.fsync(written.fileno())  # the data is on disk before the name points at it
        os.replace(partial, final)
    except OSError as exc:
        _discard(partial)
        raise KamError(f"cannot write {name}: {exc.strerror or exc}") from None
    except BaseException:
        _discard(partial)
        raise
    _sync_folder(final.parent)


@contextmanager
def private_text(target: Path, name: str, *, encoding: str) -> Iterator[IO[str]]:
    """`private_output` as a text file (no newline translation, as the csv module wants)."""
    with private_output(target, name) as partial, partial.open("w", encoding=encoding, newline="") as out:
        yield out


def _discard(partial: Path) -> None:
    for suffix in COMPANIONS:  # a backup's temporary file may have a SQLite journal of its own
        with suppress(OSError):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Best effort: the rename itself on disk."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def make_owner_only(database: Path) -> list[tuple[Path, int]]:
    """Take every group and other permission off a SQLite database file (or an empty one, which
    kam would make a database) and its companion files that have any; returns the files changed
    with their former modes. A file that is not a database is left alone. OSError (not the owner)
    propagates."""
    if not _is_sqlite_file(database):
        return []
    changed = []
    for suffix in COMPANIONS:
        path = Path(f"{database}{suffix}")
        try:
            mode = path.stat().st_mode
        except OSError:
            continue
        if stat.S_ISREG(mode) and mode & 0o077:
            os.chmod(path, stat.S_IMODE(mode) & 0o700)
            changed.append((path, stat.S_IMODE(mode)))
    return changed


def _is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError:
        return False  # missing, a directory, unreadable: the open says what is wrong
    return head in (b"", SQLITE_HEADER)
