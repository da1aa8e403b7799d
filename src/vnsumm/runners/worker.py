"""A worker process of the process runner (`python -m vnsumm.runners.worker`, started by `runners.processes`).

It reads framed pickles on stdin: first the stages (it sets them up once), then `(seq, batch)` messages, and
answers each with `(seq, batch, None)` or `(seq, None, error)` on stdout, in the order received. It ignores
SIGINT (a terminal's Ctrl-C reaches the whole process group: the parent decides, and ends its workers) and exits
at the end of its input, so it never outlives a parent that died.
"""

from __future__ import annotations

import pickle
import signal
import struct
import sys
import traceback
from typing import IO, Any

from vnsumm.stages.base import run_stages

HEADER = struct.Struct("<Q")  # each message: its length, then the pickle


def read_message(stream: IO[bytes]) -> Any:
    """The next message, or EOFError when the stream ends (a torn message included)."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        raise EOFError
    (size,) = HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError
    return pickle.loads(payload)


def frame(message: Any) -> bytes:
    """The message as sent: its pickle's length, then the pickle."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def write_frame(stream: IO[bytes], framed: bytes) -> None:
    stream.write(framed)
    stream.flush()


def write_message(stream: IO[bytes], message: Any) -> None:
    write_frame(stream, frame(message))


class RemoteError(Exception):
    """A worker's exception that could not travel as itself: its type, message and traceback, as text."""


def portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling (the parent re-raises it as the local runner would), else a
    RemoteError with its traceback."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RemoteError("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).strip())


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    incoming, outgoing = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    try:
        stages = read_message(incoming)
    except EOFError:
        return
    failure: BaseException | None = None
    try:
        for stage in stages:
            stage.setup()
    except Exception as exc:
        failure = portable(exc)  # reported with the first batch, where the parent waits for an answer
    while True:
        try:
            seq, batch = read_message(incoming)
        except EOFError:
            return
        if failure is not None:
            write_message(outgoing, (seq, None, failure))
            continue
        try:
            answer: tuple[int, Any, BaseException | None] = (seq, run_stages(stages, batch), None)
        except Exception as exc:
            answer = (seq, None, portable(exc))
        try:
            write_message(outgoing, answer)
        except BrokenPipeError:  # the parent is gone
            return


if __name__ == "__main__":
    from vnsumm.runners import worker  # this module under its own name: RemoteError must unpickle in the parent

    worker.main()
