"""Plain-text inputs (.txt, .md, anything not JSONL, CSV, Parquet or HTML) and the decoding every reader shares."""

from __future__ import annotations

import codecs
import unicodedata

import charset_normalizer

from vnsumm.lang.text import normalize
from vnsumm.readers.paths import UnreadableInput, open_regular, read_bounded

MAX_ARTICLE_CHARS = 100_000  # ~20x a long news article; longer input is cut here, with a warning
# Bytes read of a text file: UTF-8 takes up to 4 per character; HTML markup more, so pages get more room.
MAX_TEXT_BYTES = 4 * MAX_ARTICLE_CHARS
MAX_PAGE_BYTES = 40 * MAX_ARTICLE_CHARS


GZIP_MAGIC = b"\x1f\x8b"


def detect_encoding(data: bytes, complete: bool = True) -> str:
    """The Python codec of `data` (a whole file, or its start when not `complete`): a BOM (UTF-8, UTF-16) first,
    then UTF-8, then a legacy code page detected by charset-normalizer; UnreadableInput when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if data.startswith(GZIP_MAGIC):
        raise UnreadableInput("compressed (gzip) file: name it .jsonl.gz, .csv.gz, .tsv.gz or .json.gz, or unpack it")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnreadableInput("binary or undecodable bytes (no text encoding fits)")
    return best.encoding


def decode(data: bytes) -> str:
    """Bytes to normalized text: UTF-8 (with or without BOM), UTF-16, or a legacy code page detected by
    charset-normalizer (Windows-1258 stores tone marks as combining characters, so NFC afterwards)."""
    if not data.strip():
        raise UnreadableInput("empty file" if not data else "file holds only whitespace")
    text = data.decode(detect_encoding(data), errors="replace")
    controls = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in "\n\r\t\f")
    if controls > max(2, len(text) // 100):
        raise UnreadableInput("binary file (control bytes, not text)")
    if "\ufffd" in text and text.count("\ufffd") > max(2, len(text) // 100):
        raise UnreadableInput("undecodable bytes (more than 1% of characters could not be decoded)")
    text = normalize(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise UnreadableInput("file holds only whitespace")
    return text


def read_text(path: str, limit: int = MAX_TEXT_BYTES) -> tuple[str, bool]:
    """A file's text (`-`: standard input), reading at most `limit` bytes; and whether the file was longer."""
    handle = open_regular(path)
    try:
        data, cut = read_bounded(handle, limit)
    finally:
        if path != "-":
            handle.close()
    if cut and data.startswith((b"\xff\xfe", b"\xfe\xff")) and len(data) % 2:
        data = data[:-1]
    return decode(data), cut
