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
from collections.abc import Callable, Container, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from vnsumm.errors import ConfigError
from vnsumm.records import Article

RECORDS_FILE = "summaries.jsonl"
LOCK_FILE = ".vnsumm.lock"
OWNER_FILE = ".vnsumm.owner"


def write_failure(path: Path, exc: OSError) -> ConfigError:
    """One line for any write problem: the path and the cause (not a folder, read-only, permission, disk full)."""
    return ConfigError(f"cannot write {path}: {exc.strerror or exc}")


def write_lines_atomic(path: Path, lines: Iterable[str]) -> None:
    """Write a whole file or nothing: a reader never sees half a file; the temporary file is per process and is
    removed on failure or interruption. `lines` may be a stream: it is written as it comes."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8") as out:
            out.writelines(lines)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise write_failure(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_lines_atomic(path, [text])


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
        self.repeats = False  # whether the file holds an id twice (set by index, and by appends over known ids)

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
            self._close()
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
        return {a.id: a for a in self.iter_records()}

    def iter_records(self) -> Iterator[Article]:
        """Records one at a time, in file order (one per id once compacted), never all in memory."""
        for _, _, record in _read_lines(self.path):
            yield Article.from_record(record)

    def index(self) -> dict[str, Done]:
        """What reuse needs of each id's newest record, without holding the records. Also notes whether the file
        holds an id twice (an interrupted run's records), which compaction must then remove."""
        index, lines = {}, 0
        for _, _, r in _read_lines(self.path):
            index[str(r["id"])] = Done(r.get("content_hash"), r.get("settings"), r.get("error") is None,
                                       r.get("story") is not None)
            lines += 1
        self.repeats = lines > len(index)
        return index

    def append(self, records: Iterable[Article], known: Container[str] = ()) -> None:
        """Whole lines or nothing: a failed write (disk full) is cut back to the last whole record. `known`: ids
        the file already holds (an append over one of them leaves a repeat for compaction)."""
        records = list(records)
        self.repeats = self.repeats or any(r.id in known for r in records)
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

    def _close(self) -> None:
        """Close the append handle: the file is about to be replaced, and the handle would point at the old one."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def compact(self, keep: Callable[[str], bool] | None = None) -> int:
        """Rewrite the file with one record per id, the newest, and only ids `keep` accepts (all by default);
        returns how many ids were dropped. Streams the file twice: memory holds line numbers, not records.
        A file that is already compact and loses nothing is left as it is."""
        self._close()
        newest: dict[str, int] = {}
        lines = 0
        for lineno, _, record in _read_lines(self.path):
            newest[str(record["id"])] = lineno
            lines += 1
        kept = {key: lineno for key, lineno in newest.items() if keep is None or keep(key)}
        if len(kept) == lines:
            return 0
        keep_lines = set(kept.values())
        write_lines_atomic(self.path, (line if line.endswith("\n") else line + "\n"
                                       for lineno, line, _ in _read_lines(self.path) if lineno in keep_lines))
        return len(newest) - len(kept)


    def set_field(self, field: str, values: dict[str, Any]) -> int:
        """Give records `values[id]` as `field` (ids not in `values` keep theirs), in one streamed rewrite of the
        file (unchanged records are copied as they were); returns how many changed."""
        self._close()
        changed = 0

        def lines() -> Iterator[str]:
            nonlocal changed
            for _, line, record in _read_lines(self.path):
                key = record["id"]
                if key in values and record.get(field) != values[key]:
                    changed += 1
                    yield json.dumps({**record, field: values[key]}, ensure_ascii=False) + "\n"
                else:
                    yield line if line.endswith("\n") else line + "\n"

        write_lines_atomic(self.path, lines())
        return changed


class Done(NamedTuple):
    content_hash: str | None
    settings: str | None
    ok: bool
    grouped: bool  # has a story id


def _read_lines(path: Path) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(line number, line, record) for each whole record line with an id; torn or malformed lines are skipped."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace", newline="\n") as handle:
        for lineno, line in enumerate(handle):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and "id" in record:
                yield lineno, line, record
