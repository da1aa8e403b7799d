"""The output folder as a store: records accumulate across runs (one per id, the newest wins), one run at a time.

Records are appended as groups finish (flushed and fsynced) and the file is compacted at the end of a run, so an
interrupted or killed run keeps its finished work and an earlier run's records are never dropped unless asked.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from vnsumm.errors import ConfigError
from vnsumm.io import load_jsonl
from vnsumm.records import Article

RECORDS_FILE = "summaries.jsonl"
LOCK_FILE = ".vnsumm.lock"
OWNER_FILE = ".vnsumm.owner"


def write_failure(path: Path, exc: OSError) -> ConfigError:
    """One line for any write problem: the path and the cause (not a folder, read-only, permission, disk full)."""
    return ConfigError(f"cannot write {path}: {exc.strerror or exc}")


def write_text_atomic(path: Path, text: str) -> None:
    """Write a whole file or nothing: a reader never sees half a file; the temporary file is per process and is
    removed on failure."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise write_failure(path, exc) from None


def repair_jsonl(path: Path) -> int:
    """Cut a torn last line (no newline at the end: a writer was killed mid-line). Returns bytes removed."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return 0
    keep = data.rfind(b"\n") + 1
    with path.open("r+b") as handle:
        handle.truncate(keep)
    return len(data) - keep


def _lines(records: Iterable[Article]) -> str:
    return "".join(json.dumps(r.to_record(), ensure_ascii=False) + "\n" for r in records)


class OutputStore:
    """`summaries.jsonl` in an output folder, held by one run at a time (a lock file, released on exit or death)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / RECORDS_FILE
        self._lock: Any = None
        self._handle: Any = None

    @contextlib.contextmanager
    def open(self) -> Iterator[OutputStore]:
        """Lock the folder (a busy folder is a one-line error naming the other run) and open the file to append."""
        from filelock import FileLock, Timeout

        if self.folder.exists() and not self.folder.is_dir():
            raise ConfigError(f"output {self.folder} is a file, not a folder")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.folder / LOCK_FILE, timeout=0)
            lock.acquire()
        except Timeout:
            raise ConfigError(f"output folder {self.folder} is in use by another vnsumm run "
                              f"({self._owner()}); wait for it, or choose another --out") from None
        except OSError as exc:
            raise write_failure(self.folder, exc) from None
        try:
            owner = f"pid {os.getpid()} on {socket.gethostname()} since {time.strftime('%Y-%m-%d %H:%M:%S')}"
            (self.folder / OWNER_FILE).write_text(owner, encoding="utf-8")
            repair_jsonl(self.path)
        except OSError as exc:
            lock.release()
            raise write_failure(self.path, exc) from None
        try:
            yield self
        finally:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
            with contextlib.suppress(OSError):
                (self.folder / OWNER_FILE).unlink()
            lock.release()

    def _owner(self) -> str:
        try:
            return (self.folder / OWNER_FILE).read_text(encoding="utf-8").strip() or "owner unknown"
        except OSError:
            return "owner unknown"

    def records(self) -> dict[str, Article]:
        """Every record, one per id, the newest (last written) winning."""
        return {str(r.get("id")): Article.from_record(r) for r in load_jsonl(self.path) if "id" in r}

    def append(self, records: Iterable[Article]) -> None:
        """Whole lines or nothing: a failed write (disk full) is cut back to the last whole record."""
        lines = _lines(records)
        if not lines:
            return
        try:
            if self._handle is None:  # opened on first write: a run that fails before any result leaves no file
                self._handle = self.path.open("a", encoding="utf-8")
            start = self._handle.tell()
            self._handle.write(lines)
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as exc:
            if self._handle is not None:
                with contextlib.suppress(OSError, UnboundLocalError):
                    self._handle.truncate(start)
            raise write_failure(self.path, exc) from None

    def compact(self, latest: dict[str, Article]) -> None:
        """Rewrite the file as `latest`: one record per id, the newest (what `records()` gave at the start of the
        run, updated with what the run appended since)."""
        write_text_atomic(self.path, _lines(latest.values()))
        if self._handle is not None:  # it points at the replaced file
            self._handle.close()
            self._handle = None
