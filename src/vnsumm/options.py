"""What a run is asked to do (`RunOptions`) and what it did (`RunReport`); the CLI's choices are these Enums."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from vnsumm.errors import ConfigError
from vnsumm.readers import Fields
from vnsumm.records import Article
from vnsumm.runtime import Runtime


class Lang(str, Enum):
    en = "en"
    vi = "vi"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"
    mps = "mps"


class EngineName(str, Enum):
    local = "local"
    ray = "ray"


class Length(str, Enum):
    short = "short"
    medium = "medium"
    long = "long"


class Unsupported(str, Enum):
    """What to do with an abstractive summary that states facts its article lacks (see factcheck/check.py)."""

    flag = "flag"  # keep it; the record and the digest show what is unsupported
    fallback = "fallback"  # replace it with the embedded extractive summary


class OutputFormat(str, Enum):
    md = "md"
    html = "html"


def _choice(kind: type[Enum], value: Any, option: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise ConfigError(f"{option} must be one of {', '.join(m.value for m in kind)}, not {value!r}") from None


ARTICLES_PER_GROUP = 16  # on a CPU a group of articles takes seconds: little is redone after a crash


@dataclass
class RunOptions:
    lang: Lang = Lang.en
    out: Path = Path("out")
    summarizer: str | None = None
    translator: str | None = None
    models: Path | None = None
    device: Device = Device.auto
    batch_size: int | None = None  # most sequences in one batch; the token budget bounds it too
    batch_tokens: int | None = None  # padded input tokens per batch; default by backend and device
    length: Length | None = None  # summary length; None: the registry entry's own setting
    unsupported: Unsupported = Unsupported.flag
    since: str | None = None  # URL inputs: only feed and sitemap entries dated on or after this day
    refetch: bool = False  # URL inputs: fetch pages again even when the output folder has them
    force: bool = False  # redo every article (`vnsumm models clear-conversions` redoes conversions)
    prune: bool = False  # drop stored records of articles that are not among this run's inputs
    group: bool = True  # give articles reporting the same story one `story` id (over the whole store)
    formats: tuple[OutputFormat, ...] = (OutputFormat.md, OutputFormat.html)  # summaries.jsonl is always written
    fields: Fields = field(default_factory=Fields)
    write_every: int | None = None  # articles per group, saved when done; default by device (plan.articles_per_group)
    engine: EngineName = EngineName.local
    # Processes for a plan that loads no model (the extractive summarizer): None, one per usable core (at most
    # runners.processes.MAX_WORKERS); 1, this process alone. Plans with a model run in this process (their
    # backends use the cores themselves).
    workers: int | None = None
    ray_address: str | None = None  # None starts a local Ray cluster sized to this machine
    ray_workers: int | None = None  # model actors per stage (default: one per GPU, else one)

    @property
    def group_size(self) -> int:
        """Articles a runner takes at a time: `write_every`, else the CPU default (a run on a GPU sets more)."""
        return self.write_every or ARTICLES_PER_GROUP

    def __post_init__(self) -> None:
        """Library callers may pass plain strings: they are checked here as the CLI checks its options."""
        self.lang = _choice(Lang, self.lang, "lang")
        self.device = _choice(Device, self.device, "device")
        self.length = None if self.length is None else _choice(Length, self.length, "length")
        self.engine = _choice(EngineName, self.engine, "engine")
        self.unsupported = _choice(Unsupported, self.unsupported, "unsupported")
        self.formats = tuple(dict.fromkeys(_choice(OutputFormat, f, "format") for f in self.formats))  # md,md: once
        self.out = Path(self.out)
        if self.since is not None:
            try:
                date.fromisoformat(str(self.since)[:10])
            except ValueError:
                raise ConfigError(f"since must be a day as YYYY-MM-DD, not {self.since!r}") from None
        for name in ("write_every", "batch_size", "batch_tokens", "ray_workers", "workers"):
            if (value := getattr(self, name)) is not None and value < 1:
                raise ConfigError(f"{name} must be at least 1, not {value}")


    @property
    def runtime(self) -> Runtime:
        """Where and how this run's models run, as one frozen value."""
        return Runtime(self.device.value, self.batch_tokens, self.batch_size)


_DETAILS = re.compile(r" \(([^()]*)\)")  # what a warning says of its own article, in parentheses


@dataclass
class RunReport:
    total: int = 0
    summarized: int = 0
    reused: int = 0
    failed: list[Article] = field(default_factory=list)
    interrupted: bool = False
    pruned: int = 0  # records dropped by `prune`
    outputs: list[Path] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)  # this run's warnings by kind
    examples: dict[str, str] = field(default_factory=dict)  # each kind's first warning, in full
    notices: list[str] = field(default_factory=list)  # warnings about the output folder, not about articles

    def count_warnings(self, articles: list[Article]) -> None:
        # Each warning keeps what varies between articles in parentheses: without them, warnings of a kind count
        # together (the limits they name stay).
        for warning in (w for a in articles for w in a.warnings):
            kind = _DETAILS.sub("", warning)
            self.warnings[kind] += 1
            self.examples.setdefault(kind, warning)

    def warning_lines(self) -> list[str]:
        """One line a kind, the most frequent first: the warning itself when one article has it, else the kind and
        the first article's details."""
        lines = list(self.notices)
        for kind, count in self.warnings.most_common():
            example = self.examples.get(kind, kind)
            details = "; ".join(_DETAILS.findall(example))
            lines.append(f"1 article: {example}" if count == 1 else
                         f"{count} articles: {kind}" + (f" (first: {details})" if details else ""))
        return lines

    @property
    def exit_code(self) -> int:
        return 130 if self.interrupted else (1 if self.failed else 0)
