"""Inputs as paths: files, folders, globs and `-`, expanded safely; files opened only when they are regular files.

A folder walk or recursive glob enters each real folder once (a `parent -> ..` link or a link loop is not walked
again), skips hidden names and vnsumm's own output folders; a dangling link or a loop is listed, so that reading it
becomes one error record naming it.
"""

from __future__ import annotations

import fnmatch
import glob
import gzip
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from typing import IO, cast

from vnsumm.errors import ConfigError
from vnsumm.urls import is_url

LOCK_NAME = ".vnsumm.lock"  # marks an output folder (store.LOCK_FILE; not imported: store imports the readers)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class UnreadableInput(ValueError):
    """An input that cannot be read or decoded, with a one-line reason."""


def printable(name: str) -> str:
    r"""A file name as one safe line: Linux names are bytes, and a byte that is not UTF-8 is shown escaped (the name
    `x<0xff>.txt` becomes `x\xff.txt`); control characters (a terminal's escape sequences) and bidirectional
    overrides are escaped too, so a name can neither drive the terminal nor reorder what is shown after it."""
    text = os.fsencode(name).decode("utf-8", errors="backslashreplace")
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def is_output_folder(path: str) -> bool:
    return os.path.isfile(os.path.join(path, LOCK_NAME))


def walk_files(folder: str, excluded: set[tuple[int, int]], visited: set[tuple[int, int]]) -> Iterator[str]:
    """Files under `folder`, hidden names skipped; links to folders followed once per real folder. A subfolder
    that cannot be read is listed itself, so that reading it becomes an error record naming it."""
    unreadable: list[str] = []
    for root, dirs, files in os.walk(folder, followlinks=True, onerror=lambda exc: unreadable.append(
            str(exc.filename))):
        keep = []
        for name in sorted(dirs):
            path = os.path.join(root, name)
            ident = _identity(path)
            if name.startswith(".") or ident is None or ident in visited or ident in excluded \
                    or is_output_folder(path):
                continue
            visited.add(ident)
            keep.append(name)
        dirs[:] = keep
        yield from (os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
    yield from unreadable


def _glob(pattern: str, excluded: set[tuple[int, int]]) -> list[str]:
    """A glob's files. `**` is matched over a safe walk (glob.glob would follow a `parent -> ..` link forever)."""
    if "**" not in pattern:
        return sorted(p for p in glob.glob(pattern) if not os.path.isdir(p))
    parts = pattern.split(os.sep)
    fixed = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    root = os.sep.join(parts[:fixed]) or ("/" if pattern.startswith(os.sep) else ".")
    prefix = "" if parts[:fixed] else "./"
    # `**/` also matches no folder at all, as in glob
    regexes = [re.compile(fnmatch.translate(p)) for p in {pattern, pattern.replace("**" + os.sep, "")}]
    found = []
    for path in walk_files(root, excluded, {ident} if (ident := _identity(root)) else set()):
        shown = path[len(prefix):] if prefix and path.startswith(prefix) else path
        if any(r.match(shown) for r in regexes):
            found.append(shown)
    return sorted(found)


def _inside(path: str, excluded: set[tuple[int, int]]) -> bool:
    """Whether a folder above `path` is one of `excluded`."""
    if not excluded:
        return False
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        if _identity(folder) in excluded:
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent


def expand_inputs(inputs: Iterable[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()
                  ) -> list[str]:
    """Files, folders (recursive), globs and `-` to a list of paths, folders and globs sorted. The folders in
    `exclude` (the run's output folder) and other vnsumm output folders are never entered; naming a file directly
    inside `exclude`, or a path that matches nothing, is a usage error."""
    excluded = {ident for folder in exclude if (ident := _identity(os.fspath(folder)))}
    paths: list[str] = []
    for item in inputs:
        item = os.fspath(item)
        if item == "-":
            paths.append("-")
        elif os.path.isdir(item):
            ident = _identity(item)
            if ident in excluded or is_output_folder(item):
                raise ConfigError(f"input {printable(item)} is a vnsumm output folder: its files are not articles")
            paths.extend(walk_files(item, excluded, {ident} if ident else set()))
        elif os.path.lexists(item):
            if _inside(item, excluded):
                raise ConfigError(f"input {printable(item)} is inside the output folder: choose another --out")
            paths.append(item)
        elif glob.has_magic(item):
            matches = _glob(item, excluded)
            if not matches:
                raise ConfigError(f"input {printable(item)}: the pattern matches no file")
            outside = [match for match in matches if not _inside(match, excluded)]
            if not outside:
                raise ConfigError(f"input {printable(item)} matches only files inside the output folder: choose "
                                  "another --out")
            paths.extend(outside)
        elif is_url(item):  # `vnsumm run` fetches URLs (pipeline.read_articles); the readers read files
            raise ConfigError(f"input {printable(item)} is a URL: `vnsumm run` fetches pages, feeds and sitemaps; "
                              "this reads files")
        else:
            raise ConfigError(f"input {printable(item)}: no such file or folder")
    return paths


_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def open_regular(path: str) -> IO[bytes]:
    """A regular file opened to read (`-`: standard input). Anything else (a FIFO, a device such as /dev/zero behind
    a link, a socket) is refused without blocking: opening a FIFO that has no writer would wait forever."""
    if path == "-":
        return sys.stdin.buffer
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise UnreadableInput(exc.strerror or str(exc)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise UnreadableInput(f"not a regular file ({_KINDS.get(stat.S_IFMT(mode), 'a special file')})")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


class _GzipInput(gzip.GzipFile):
    """A gzip stream over a file it closes with itself (GzipFile leaves a `fileobj` it was given open)."""

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__(fileobj=handle, mode="rb")
        self._handle = handle

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._handle.close()


def open_input(path: str, gzipped: bool = False) -> IO[bytes]:
    """open_regular, and for `gzipped` the decompressed stream (it can be peeked and rewound). A damaged
    stream fails as it is read (gzip.BadGzipFile, EOFError, zlib.error: see GZIP_ERRORS)."""
    handle = open_regular(path)
    if not gzipped:
        return handle
    try:
        return cast(IO[bytes], _GzipInput(handle))
    except BaseException:
        handle.close()
        raise


GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)  # a cut or damaged compressed file


def require_regular_file(path: str | os.PathLike[str]) -> None:
    """For commands that take one file: a ConfigError naming the path and what it is instead (missing, a folder,
    a FIFO that would block, a device), so that the message names the real cause."""
    name = printable(os.fspath(path))
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ConfigError(f"{name}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{name}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise ConfigError(f"{name} is {_KINDS.get(stat.S_IFMT(mode), 'a special file')}, not a regular file")


def read_bounded(handle: IO[bytes], limit: int) -> tuple[bytes, bool]:
    """At most `limit` bytes, and whether there was more. A cut is moved back to a line end (or a UTF-8 character
    boundary) so that the kept part still decodes."""
    data = handle.read(limit + 1)
    if len(data) <= limit:
        return data, False
    data = data[:limit]
    if (end := data.rfind(b"\n")) > limit // 2:
        return data[:end + 1], True
    cut = len(data)
    while cut > len(data) - 4 and cut > 0 and 0x80 <= data[cut - 1] < 0xC0:
        cut -= 1
    if cut > 0 and data[cut - 1] >= 0xC0:
        cut -= 1
    return data[:cut], True
