"""The store's record lines: read (`records`), and edited without parsing them whole (a line's id, and one
top-level field set in place). A bulk run's grouping gives every record a story id: editing 100,000 lines is
cheap where parsing and serializing them again is not.

Only lines as `jsonl.dump_line` writes records (`Article.to_record`: "id" first, keys separated by ", " and
": ") are edited; for any other line the answer is None and the caller parses it. A key is found by its text
`, "name": `: in a JSON line a quote inside a string is always escaped, so that text is always a key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from vnsumm.jsonl import dump_json, dump_line, parse_line, raw_lines
from vnsumm.records import record_problem

_ID = '{"id": "'


def read_lines(path: Path, trusted: bool = False,
               lines: bool = True) -> Iterator[tuple[int, str, dict[str, Any] | None, str | None]]:
    """(line number, line, record, None) for each usable record line; (line number, line, None, why) for each
    line that is not one. Blank lines are skipped. Streamed. `trusted`: the store checked every line when it
    opened and wrote the others itself, under its lock: a line that parses is a record, unchecked. Without
    `lines`, a usable record's line is "" (not decoded a second time)."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        for lineno, raw in raw_lines(handle):
            if raw is not None and not raw.strip():
                continue
            value, problem = parse_line(raw)
            if problem is None and not (trusted and isinstance(value, dict)):
                problem = record_problem(value)
            if not lines and problem is None:
                yield lineno, "", value, None
                continue
            yield lineno, _ended((raw or b"").decode("utf-8", errors="backslashreplace")), \
                None if problem else value, problem


def records(path: Path, trusted: bool = False, lines: bool = True) -> Iterator[tuple[int, str, dict[str, Any]]]:
    for lineno, line, record, _ in read_lines(path, trusted, lines):
        if record is not None:
            yield lineno, line, record


def line_id(line: str) -> str | None:
    """The record's id, read from the start of the line; None when the line does not start with it."""
    if not line.startswith(_ID):
        return None
    try:
        value, _ = scanstring(line, len(_ID))
    except ValueError:
        return None
    return str(value)


def with_field(line: str, field: str, value: Any) -> str | None:
    """The line with `field` (a top-level key holding null or a string, found once) set to `value`, serialized as
    dump_line would; None when the line holds the key anywhere but once or another kind of value there."""
    key = f', "{field}": '
    at = line.find(key)
    if at < 0 or line.find(key, at + 1) >= 0:
        return None
    start = at + len(key)
    if line.startswith("null", start):
        end = start + 4
    elif line.startswith('"', start):
        try:
            _, end = scanstring(line, start + 1)
        except ValueError:
            return None
    else:
        return None
    return line[:start] + dump_json(value) + line[end:]


def edited_lines(path: Path, field: str, values: Mapping[str, Any],
                 change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> Iterator[tuple[str, bool]]:
    """The lines of a store file, each record whose id is in `values` given `values[id]` as `field`, each with
    whether it changed: edited as text where it can be, else parsed and given `change(record)`. The caller knows
    every value is new. Blank and unreadable lines are dropped, as the store's reading drops them."""
    with path.open("rb") as handle:
        for _, raw in raw_lines(handle):
            if raw is None or not raw.strip():
                continue
            line = _ended(raw.decode("utf-8", errors="backslashreplace"))
            key = line_id(line)
            if key is not None and key not in values:
                yield line, False
                continue
            edited = None if key is None else with_field(line, field, values[key])
            if edited is None:
                record, problem = parse_line(raw)
                if problem is not None or not isinstance(record, dict):
                    continue
                new = change(record)
                if new is None:
                    yield line, False
                    continue
                edited = dump_line(new)
            yield _ended(edited), True


def _ended(line: str) -> str:
    return line if line.endswith("\n") else line + "\n"
