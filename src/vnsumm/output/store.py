"""The output folder as a store: records accumulate across runs (one per id, the newest wins), one run at a time.

Records are appended as groups finish (flushed and fsynced) and the file is compacted at the end of a run, so an
interrupted or killed run keeps its finished work and an earlier run's records are never dropped unless asked.
A finished record is replaced only by a newer finished record of the same id: a failure is noted on it instead.
Each line read back is validated; one that cannot be used is moved to a quarantine file, never a crash.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from vnsumm.errors import ConfigError
from vnsumm.jsonl import dump_line
from vnsumm.output.files import (  # noqa: F401 (re-exported: the writers callers import from the store)
    remove_orphans,
    repair_jsonl,
    write_failure,
    write_lines_atomic,
    write_output,
    write_text_atomic,
)
from vnsumm.output.lines import edited_lines
from vnsumm.output.lines import read_lines as _read_lines
from vnsumm.output.lines import records as _records
from vnsumm.records import Article

RECORDS_FILE = "summaries.jsonl"
QUARANTINE_FILE = "summaries.quarantine.jsonl"
LOCK_FILE = ".vnsumm.lock"
OWNER_FILE = ".vnsumm.owner"
FAILURE_NOTE = "a later run could not redo this article; this summary is kept"


class Done(NamedTuple):
    content_hash: str | None
    settings: str | None
    ok: bool
    grouped: bool  # has a story id
    error: str | None = None
    source: str = ""


class OutputStore:
    """`summaries.jsonl` in an output folder, held by one run at a time (a lock file, released on exit or death)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / RECORDS_FILE
        self._handle: Any = None
        self._index: dict[str, Done] | None = None
        self._identity: tuple[int, int] | None = None  # the file this run opened (device, inode)
        self._failures: dict[str, str] = {}  # id -> this run's failure, for ids with a finished record
        self.repeats = False  # whether the file holds an id twice (set by index, and by appends over known ids)
        self.changed = False  # whether this run wrote or rewrote anything
        self.notices: list[str] = []  # warnings about the store itself, for the run's report
        self._created = False  # whether `open` made the folder
        self._trusted = False  # every line checked (by the scan when the store opened) or written by this run

    @contextlib.contextmanager
    def open(self) -> Iterator[OutputStore]:
        """Lock the folder (a busy folder is a one-line error naming the other run), repair and validate the file."""
        from filelock import FileLock, Timeout

        if self.folder.exists() and not self.folder.is_dir():
            raise ConfigError(f"output {self.folder} is a file, not a folder")
        self._created = not self.folder.exists()
        self._was_store = self.path.exists() or (self.folder / LOCK_FILE).exists()
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
            if cut := repair_jsonl(self.path):
                self.notices.append(f"cut the last line of {self.path} ({cut} bytes), torn by a run that was killed "
                                    "while writing it: its article is done again")
            remove_orphans(self.folder)
            self._scan()
        except OSError as exc:
            lock.release()
            raise write_failure(self.path, exc) from None
        except BaseException:
            lock.release()
            raise
        try:
            yield self
        finally:
            self._close()
            with contextlib.suppress(OSError):
                (self.folder / OWNER_FILE).unlink()
            lock.release()

    @contextlib.contextmanager
    def discarded_unless_written(self) -> Iterator[None]:
        """Within `open`: when nothing was written (no articles, a model missing), a folder that was no store is left
        as it was, however the block ends: its lock and owner files go, and the folder too if `open` created it. A
        failed first run leaves no empty output behind, and no mark that would make a folder of articles refuse to
        be read as input."""
        try:
            yield
        finally:
            if not self._was_store and not self.changed:
                for name in (OWNER_FILE, LOCK_FILE):
                    with contextlib.suppress(OSError):
                        (self.folder / name).unlink()
                if self._created:
                    with contextlib.suppress(OSError):
                        self.folder.rmdir()  # only when empty: a page cache or anything else written there stays

    def _owner(self) -> str:
        with contextlib.suppress(OSError):
            return (self.folder / OWNER_FILE).read_text(encoding="utf-8").strip() or "owner unknown"
        return "owner unknown"

    def _scan(self) -> None:
        """Index the file; lines that cannot be records move to QUARANTINE_FILE (with why), so that nothing later
        fails on them."""
        index: dict[str, Done] = {}
        lines, bad = 0, []
        for lineno, line, r, problem in _read_lines(self.path):
            if r is None:
                bad.append(dump_line({"line": lineno, "problem": problem, "raw": line.rstrip("\n")}))
                continue
            index[r["id"]] = Done(r.get("content_hash"), r.get("settings"), r.get("error") is None,
                                  r.get("story") is not None, r.get("error"), r["source"])
            lines += 1
        if bad:
            with (self.folder / QUARANTINE_FILE).open("a", encoding="utf-8") as out:
                out.writelines(bad)
            write_lines_atomic(self.path, (line for _, line, _ in _records(self.path)))
            self.notices.append(f"{len(bad)} stored line{'s' * (len(bad) > 1)} that could not be used moved to "
                                f"{self.folder / QUARANTINE_FILE}")
            self.changed = True
        self._index, self.repeats = index, lines > len(index)
        self._remember()
        self._trusted = True

    def version(self) -> str:
        """Which state of the file this is (inode, size, modification time): any write or rewrite changes it."""
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return "none"
        return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"

    def _remember(self) -> None:  # which file this is, to notice when it is replaced
        with contextlib.suppress(FileNotFoundError):
            info = os.stat(self.path)
            self._identity = (info.st_dev, info.st_ino)

    def _check(self) -> None:
        """Stop (one line) when the file is no longer the one this run opened: appending to a deleted or moved file
        would report work as saved that is not in the store."""
        if self._identity is None:
            return
        try:
            info = os.stat(self.path)
            same = (info.st_dev, info.st_ino) == self._identity
        except OSError:
            same = False
        if not same:
            raise ConfigError(f"{self.path} was deleted, moved or replaced during this run; stopped (the records "
                              "written before are in the file that was moved, if it was); run again to redo them")

    def records(self) -> dict[str, Article]:  # every record, one per id, the newest (last written) winning
        return {a.id: a for a in self.iter_records()}

    def iter_records(self) -> Iterator[Article]:
        """Records one at a time, in file order (one per id once compacted), never all in memory."""
        return (Article.from_record(record) for _, _, record in _records(self.path, self._trusted, lines=False))

    def index(self) -> dict[str, Done]:  # what reuse needs of each id's newest record, not the records
        if self._index is None:
            self._scan()
        return self._index or {}

    def append(self, records: Iterable[Article], known: Mapping[str, Done] | None = None) -> None:
        """Whole lines or nothing: a failed write (disk full) is cut back to the last whole record. `known`: the
        index. A failure for an id with a finished record is noted on it at the end instead of replacing it; the
        same failure as the stored one is not written again (a rerun stays a no-op)."""
        known = known or {}
        kept = []
        for record in records:
            previous = known.get(record.id)
            if not record.ok and previous is not None:
                if previous.ok:
                    self._failures[record.id] = record.error or "failed"
                    continue
                if previous.error == record.error:
                    continue
            kept.append(record)
        self.repeats = self.repeats or any(r.id in known for r in kept)
        lines = "".join(dump_line(r.to_record()) for r in kept)
        if not lines:
            return
        self._check()
        start = 0
        try:
            if self._handle is None:  # opened on first write: a run that fails before any result leaves no file
                self._handle = self.path.open("a", encoding="utf-8")
                self._remember()
            start = self._handle.tell()
            self._handle.write(lines)
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self.changed = True
        except OSError as exc:
            if self._handle is not None:
                with contextlib.suppress(OSError):
                    self._handle.truncate(start)
            raise write_failure(self.path, exc) from None

    def _close(self) -> None:  # before the file is replaced: the handle would point at the old one
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _rewrite(self, lines: Iterable[str]) -> None:
        self._check()
        self._close()
        write_lines_atomic(self.path, lines)
        self._remember()
        self.changed = True

    def _update(self, change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> int:
        """One streamed rewrite in which each record becomes `change(record)` (None: copied as it was), only when
        some record changes; returns how many changed."""
        if all(change(r) is None for _, _, r in _records(self.path, self._trusted, lines=False)):
            return 0
        changed = 0

        def lines() -> Iterator[str]:
            nonlocal changed
            for _, line, record in _records(self.path, self._trusted):
                new = change(record)
                changed += new is not None
                yield line if new is None else dump_line(new)

        self._rewrite(lines())
        return changed

    def note_failures(self) -> int:
        """Note this run's failures on the finished records they left in place (only where the note is new);
        returns how many records changed. Checks first that the file is still the one opened."""
        self._check()
        notes = {key: f"{FAILURE_NOTE} ({error})" for key, error in self._failures.items()}

        def change(record: dict[str, Any]) -> dict[str, Any] | None:
            note, warnings = notes.get(record["id"]), record.get("warnings", [])
            kept = [w for w in warnings if not w.startswith(FAILURE_NOTE)]
            return None if not note or note in warnings else {**record, "warnings": [*kept, note]}

        return self._update(change) if notes else 0

    def compact(self, keep: Callable[[str], bool] | None = None) -> int:
        """Rewrite the file with one record per id, the newest, and only ids `keep` accepts (all by default);
        returns how many ids were dropped. Streams the file twice: memory holds line numbers, not records.
        A file that is already compact and loses nothing is left as it is."""
        self._close()
        newest: dict[str, int] = {}
        lines = 0
        for lineno, _, record in _records(self.path, self._trusted, lines=False):
            newest[record["id"]] = lineno
            lines += 1
        kept = {key: lineno for key, lineno in newest.items() if keep is None or keep(key)}
        if len(kept) == lines:
            return 0
        keep_lines = set(kept.values())
        self._rewrite(line for lineno, line, _ in _records(self.path, self._trusted) if lineno in keep_lines)
        return len(newest) - len(kept)

    def set_field(self, field: str, values: dict[str, Any], *, all_new: bool = False) -> int:
        """Give records `values[id]` as `field` (ids not in `values` keep theirs), in one streamed rewrite of the
        file (unchanged records are copied as they were), only when some change; returns how many changed.
        `all_new`: the caller knows every value differs from the stored one (no pass to find out)."""

        def change(record: dict[str, Any]) -> dict[str, Any] | None:
            key = record["id"]
            return {**record, field: values[key]} if key in values and record.get(field) != values[key] else None

        if not values or not all_new:
            return self._update(change) if values else 0
        changed = 0

        def lines() -> Iterator[str]:  # every value is new: lines are edited as text, parsed only where they must be
            nonlocal changed
            for line, edited in edited_lines(self.path, field, values, change):
                changed += edited
                yield line

        self._rewrite(lines())
        return changed
