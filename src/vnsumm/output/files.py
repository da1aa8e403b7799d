"""Files written safely: whole or not at all (atomic replace), through links and into FIFOs and devices for a
command's --out, a torn last line cut, and temporary files of dead processes removed."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from vnsumm.errors import ConfigError


def write_failure(path: Path, exc: OSError) -> ConfigError:
    """One line for any write problem: the path and the cause (not a folder, read-only, permission, disk full)."""
    return ConfigError(f"cannot write {path}: {exc.strerror or exc}")


def write_lines_atomic(path: Path, lines: Iterable[str]) -> None:
    """Write a whole file or nothing: a reader never sees half a file; the temporary file is per process and is
    removed on failure or interruption. `lines` may be a stream: it is written as it comes."""
    path = Path(path)
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


def write_output(path: Path, lines: Iterable[str]) -> None:
    """A file command's --out: written through a symlink (its target is replaced, not the link), and straight into
    a FIFO, a character device (/dev/stdout, /dev/full) or anything else that is not a regular file; atomically
    replaced only when it is a regular file (or nothing yet)."""
    path = Path(path)
    if not str(path) or str(path) == ".":
        raise ConfigError("--out names no file")
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise ConfigError(f"cannot write {path}: it is a folder")
    if (mode is not None and not stat.S_ISREG(mode)) or str(path).startswith(("/dev/", "/proc/")):
        try:
            with open(path, "w", encoding="utf-8") as out:
                out.writelines(lines)
        except OSError as exc:
            raise write_failure(path, exc) from None
        return
    write_lines_atomic(Path(os.path.realpath(path)) if path.is_symlink() else path, lines)


def repair_jsonl(path: Path) -> int:
    """Cut a torn last line (no newline at the end: a writer was killed mid-line). Returns bytes removed."""
    if not path.is_file():
        return 0
    with path.open("r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        keep, step = size, 1 << 16
        while keep > 0:  # back to the last newline, a block at a time (never the whole file in memory)
            start = max(0, keep - step)
            handle.seek(start)
            block = handle.read(keep - start)
            if (found := block.rfind(b"\n")) >= 0:
                keep = start + found + 1
                break
            keep = start
        if keep < size:
            handle.truncate(keep)
    return size - keep


def remove_orphans(folder: Path) -> int:
    """Temporary files (`.<name>.<pid>.tmp`) of processes that are no longer running: a run killed while it
    rewrote the store leaves one as large as the store."""
    removed = 0
    for tmp in [*folder.glob(".*.tmp"), *folder.glob("digest/.*.tmp")]:
        pid = tmp.name.rsplit(".", 2)[-2]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # alive (another command writing here)
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed += 1
    return removed
