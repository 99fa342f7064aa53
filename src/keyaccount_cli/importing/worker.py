"""The contacts file parsed in a forked worker process, a chunk ahead of the import's writing.

The worker runs `chunks.parse_chunks` and sends down a pipe, pickled, one message per chunk,
`("chunk", chunk, columns, headers, events, warnings, progress)` (the problems it found as events to replay),
then one for how the parse ended: `("end",)`, `("input", problems, summary, count)`,
`("kam", message)` or `("failure", exception)`. The pipe's buffer keeps it at most a chunk ahead.
The child only reads the file: the database stays the parent's alone.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import InputError, KamError
from .chunks import Chunk, Sink


class Recorder:
    """The import as the worker's parse sees it: the problems it finds are kept, to be sent
    with the chunk and told to the import in the parent."""

    def __init__(self, sink: Sink) -> None:
        self.display, self.excluded = sink.display, sink.excluded
        self.cols: dict[str, int] = {}
        self.headers: dict[str, str] = {}
        self.events: list[tuple[Any, ...]] = []
        self.progress: tuple[int, int] | None = None

    def problem(self, line: int, field_name: str | None, value: str | None, message: str) -> None:
        self.events.append(("problem", line, field_name, value, message))

    def bad_row(self, line: int, account_key: str, name_key: str, name: str, email: str | None) -> None:
        self.events.append(("bad_row", line, account_key, name_key, name, email))

    def bad_references(self, *event: Any) -> None:
        self.events.append(("bad_references", *event))

    def seen(self, records: int, read: int) -> None:
        self.progress = (records, read)


# parse(sink, progress, warnings): the chunks of the file, as `chunks.parse_chunks` gives them
Parse = Callable[[Sink, Callable[[int, int], None] | None, list[str]], Iterator[Chunk]]


def from_worker(
    sink: Sink, parse: Parse, *, progress: Callable[[int, int], None] | None, warnings: list[str]
) -> Iterator[Chunk]:
    """`parse` run in a forked child, which sends each chunk (with its problems, warnings and
    progress) down a pipe as it is parsed; here they are told to `sink` and the chunk yielded.
    Without a process to spare, the parse runs here."""
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to spare: the parse runs here
        os.close(read_end)
        os.close(write_end)
        yield from parse(sink, progress, warnings)
        return
    if pid == 0:  # the worker: never returns
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                _work(out, Recorder(sink), parse, progress=progress is not None)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    finished = False
    try:
        with os.fdopen(read_end, "rb") as feed:
            while True:
                kind, *message = _receive(feed, sink.display)
                if kind == "chunk":
                    chunk, sink.cols, sink.headers, events, new_warnings, seen = message
                    for method, *event in events:
                        getattr(sink, method)(*event)
                    warnings += new_warnings
                    if progress is not None and seen is not None:
                        progress(*seen)
                    yield chunk
                    continue
                finished = True
                _end(kind, message)
                return
    finally:
        if not finished:  # this process stopped early: the worker is not needed
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _receive(feed: Any, display: str) -> Any:
    try:
        return pickle.load(feed)
    except (EOFError, pickle.UnpicklingError):  # it stopped, perhaps half-way through a chunk
        raise KamError(f"reading {display} failed: the worker process stopped") from None


def _end(kind: str, message: list[Any]) -> None:
    """How the worker's parse ended, raised here as the parse here would have raised it."""
    if kind == "input":
        raise InputError(*message)
    if kind == "kam":
        raise KamError(*message)
    if kind == "failure":
        raise message[0]


def _work(out: Any, recorder: Recorder, parse: Parse, *, progress: bool) -> None:
    """The worker's part: parse, and send each chunk, then how the parse ended."""
    warnings: list[str] = []
    try:
        for chunk in parse(recorder, recorder.seen if progress else None, warnings):
            pickle.dump(
                ("chunk", chunk, recorder.cols, recorder.headers, recorder.events, warnings, recorder.progress),
                out,
                protocol=5,
            )
            out.flush()
            recorder.events, warnings[:] = [], []
        message: tuple[Any, ...] = ("end",)
    except InputError as exc:
        message = ("input", exc.problems, exc.summary, exc.count)
    except KamError as exc:
        message = ("kam", str(exc))
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
            message = ("failure", exc)
        except Exception:
            message = ("failure", RuntimeError(f"{exc.__class__.__name__}: {exc}"))
    pickle.dump(message, out, protocol=5)
