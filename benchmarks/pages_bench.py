"""How `vnsumm clean` reads real saved news pages, against truth read from each page's own markup.

    python benchmarks/pages_bench.py ../shared/pages [--show]

The folder holds the pages and `truth.jsonl` (per page: headline, date, lead, some body lines and boilerplate
lines). Reports the share of headlines exact, dates right, body lines kept, leads kept, publishers found (the
site's own name or its domain), boilerplate lines leaked, and pages lost.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from vnsumm.clean import clean_articles
from vnsumm.jsonl import load_jsonl
from vnsumm.readers import read_inputs
from vnsumm.text import fold_tones, normalize


def flat(text: str | None) -> str:
    return " ".join(fold_tones(normalize(text or "")).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--show", action="store_true", help="print each page's misses")
    args = parser.parse_args()
    truths = load_jsonl(args.folder / "truth.jsonl")
    tally = {"headline": [0, 0], "date": [0, 0], "body lines": [0, 0], "lead": [0, 0], "publisher": [0, 0],
             "boilerplate leaked": [0, 0], "pages lost": [0, 0]}
    for truth in truths:
        [article] = clean_articles(read_inputs([args.folder / truth["file"]]))
        text = flat(article.text)
        lines = {flat(line) for line in article.text.splitlines()}
        site = flat(truth["site"]).replace(" ", "")
        checks = {
            "headline": [flat(article.title) == flat(truth["title"])],
            "date": [(article.date or "")[:10] == truth["date"]],
            "body lines": [flat(line) in text for line in truth["body_lines"]],
            # The cleaner moves a source tag ("(Dân trí) - ") from the lead into the publisher.
            "lead": [flat(re.sub(r"^\([^()]{2,30}\)\s*[-–]\s*", "", truth["lead"])) in text],
            "publisher": [bool(article.publisher) and (site in flat(article.publisher).replace(" ", "").lower()
                                                       or site in flat(article.publisher).lower().replace(" ", "")
                                                       .replace("â", "a").replace("í", "i"))],
            "boilerplate leaked": [flat(b["text"]) in lines for b in truth["boilerplate_lines"]],
            "pages lost": [not article.ok],
        }
        for name, results in checks.items():
            tally[name][0] += sum(results)
            tally[name][1] += len(results)
        if args.show:
            misses = [name for name, results in checks.items()
                      if (not all(results)) != (name in ("boilerplate leaked", "pages lost"))]
            print(f"{truth['id']}: {misses} title={article.title!r} date={article.date} ({article.date_source}) "
                  f"publisher={article.publisher!r} error={article.error}")
    for name, (hits, total) in tally.items():
        print(f"{name:20s} {hits:4d} of {total:4d}  {100 * hits / max(total, 1):5.1f}%")


if __name__ == "__main__":
    main()
