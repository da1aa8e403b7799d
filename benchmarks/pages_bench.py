"""How `vnsumm clean` reads real saved news pages, against truth read from each page's own markup.

    python benchmarks/pages_bench.py ../shared/pages [--show] [--extra DIR ...]

The folder holds the pages and `truth.jsonl` (per page: site, headline, date, lead, some body lines and boilerplate
lines). Reports the share of headlines exact, dates right, body lines kept, leads kept, publishers found (the
site's key in the publisher's name, marks and spaces ignored), boilerplate lines leaked, and pages lost: per site
and in total, three ways:
- alone: each page cleaned by itself;
- run: all pages cleaned as one run (lines repeated across the run's pages count as furniture);
- leave-one-site-out: each site's pages cleaned with the repeated lines of the other sites' pages only, so that
  nothing a site's own pages teach makes it pass.
Dates are also shown per page beside trafilatura's own metadata date (`bare_extraction`, htmldate inside), and
as the lower steps of the cascade alone would give them (the visible date line; htmldate's text heuristics), which
tells how pages without structured metadata would fare. `--strip-metadata` reads every page without its
JSON-LD, meta tags and canonical link: what the markup alone gives on sites that offer no metadata.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from vnsumm.cleaning.rules import clean_article, common_lines
from vnsumm.jsonl import load_jsonl
from vnsumm.lang.text import fold_tones, normalize
from vnsumm.readers import read_inputs
from vnsumm.readers.page import parse_html
from vnsumm.readers.page_dates import byline_date, heuristic_date, saved_date
from vnsumm.readers.page_meta import bare
from vnsumm.records import Article

METRICS = ("headline", "date", "body lines", "lead", "publisher", "boilerplate leaked", "pages lost")
LOWER_IS_BETTER = ("boilerplate leaked", "pages lost")


def flat(text: str | None) -> str:
    return " ".join(fold_tones(normalize(text or "")).split())


def checks(article: Article, truth: dict[str, Any]) -> dict[str, list[bool]]:
    text = flat(article.text)
    lines = {flat(line) for line in article.text.splitlines()}
    return {
        "headline": [flat(article.title) == flat(truth["title"])],
        "date": [(article.date or "")[:10] == truth["date"]],
        "body lines": [flat(line) in text for line in truth["body_lines"]],
        # The cleaner moves a source tag ("(Dân trí) - ") from the lead into the publisher.
        "lead": [flat(re.sub(r"^\([^()]{2,30}\)\s*[-–]\s*", "", truth["lead"])) in text],
        "publisher": [bool(article.publisher) and bare(truth["site"]) in bare(article.publisher or "")],
        "boilerplate leaked": [flat(b["text"]) in lines for b in truth["boilerplate_lines"]],
        "pages lost": [not article.ok],
    }


def add(tally: dict[str, list[int]], results: dict[str, list[bool]]) -> None:
    for name, found in results.items():
        tally[name][0] += sum(found)
        tally[name][1] += len(found)


def row(label: str, tally: dict[str, list[int]]) -> str:
    cells = [f"{100 * hit / total:5.1f}" if total else "    -" for hit, total in (tally[m] for m in METRICS)]
    return f"{label:22s} " + " ".join(f"{c:>10s}" for c in cells)


def header() -> str:
    return f"{'':22s} " + " ".join(f"{m[:10]:>10s}" for m in METRICS)


def trafilatura_date(html: str) -> str | None:
    import trafilatura

    document = trafilatura.bare_extraction(html, with_metadata=True)
    return (getattr(document, "date", None) or "")[:10] or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--extra", type=Path, nargs="*", default=[],
                        help="more folders of pages with their own truth.jsonl (your own development pages)")
    parser.add_argument("--show", action="store_true", help="print each page's misses")
    parser.add_argument("--strip-metadata", action="store_true", help="read the pages without their metadata")
    args = parser.parse_args()
    pages: list[tuple[dict[str, Any], Path]] = []
    for folder in [args.folder, *args.extra]:
        pages += [(truth, folder / truth["file"]) for truth in load_jsonl(folder / "truth.jsonl")]
    if args.strip_metadata:
        bare_folder = Path(tempfile.mkdtemp())
        for index, (truth, path) in enumerate(pages):
            html = re.sub(r"<script[^>]*ld\+json.*?</script>|<meta\b[^>]*>|<link[^>]*canonical[^>]*>", "",
                          path.read_text(encoding="utf-8", errors="replace"), flags=re.S | re.I)
            pages[index] = (truth, bare_folder / path.name)
            pages[index][1].write_text(html, encoding="utf-8")
    read = [next(iter(read_inputs([path]))) for _, path in pages]
    sites = sorted({truth["site"] for truth, _ in pages})
    common_all = common_lines(read)
    common_without = {site: common_lines([a for a, (t, _) in zip(read, pages, strict=True) if t["site"] != site])
                      for site in sites}
    modes = {"alone": lambda a, site: clean_article(a),
             "run": lambda a, site: clean_article(a, common_all),
             "leave-one-site-out": lambda a, site: clean_article(a, common_without[site])}
    totals = {mode: {m: [0, 0] for m in METRICS} for mode in modes}
    per_site: dict[str, dict[str, list[int]]] = defaultdict(lambda: {m: [0, 0] for m in METRICS})
    dates: list[tuple[str, ...]] = []
    ours_right = theirs_right = worse = 0
    for raw, (truth, path) in zip(read, pages, strict=True):
        for mode, clean in modes.items():
            article = clean(raw, truth["site"])
            results = checks(article, truth)
            add(totals[mode], results)
            if mode == "leave-one-site-out":
                add(per_site[truth["site"]], results)
                if args.show:
                    misses = [n for n, r in results.items() if (not all(r)) != (n in LOWER_IS_BETTER)]
                    print(f"{truth['id']}: misses {misses} title={article.title!r} date={article.date} "
                          f"({article.date_source}) publisher={article.publisher!r} error={article.error}")
        html = path.read_text(encoding="utf-8", errors="replace")
        tree, latest = parse_html(html), saved_date(html)
        theirs = trafilatura_date(html)
        byline = byline_date(tree, latest) if tree is not None else None
        heuristic = heuristic_date(tree, None, latest) if tree is not None else None
        article = clean_article(raw)
        ours_right += article.date == truth["date"]
        theirs_right += theirs == truth["date"]
        worse += theirs == truth["date"] and article.date != truth["date"]
        dates.append((truth["id"], truth["date"], f"{article.date} ({article.date_source})", str(theirs),
                      str(byline), str(heuristic)))
    print(f"pages: {len(pages)} of {len(sites)} sites\n\nleave-one-site-out, per site (share %; the last two: lower"
          " is better)")
    print(header())
    for site in sites:
        count = sum(1 for t, _ in pages if t["site"] == site)
        print(row(f"{site} ({count})", per_site[site]))
    print("\nall pages")
    print(header())
    for mode, tally in totals.items():
        print(row(mode, tally))
    site_scores = {m: [100 * per_site[s][m][0] / max(per_site[s][m][1], 1) for s in sites] for m in METRICS}
    print(row("per-site min", {m: [int(min(v) * 10), 1000] for m, v in site_scores.items()}))
    print(f"\ndates per page (truth; ours (step); trafilatura's metadata; visible date line alone; htmldate text "
          f"heuristics alone)\n{'page':14s} {'truth':10s} {'ours':18s} {'trafilatura':11s} {'date line':10s} text")
    for page_id, *cells in dates:
        print(f"{page_id:14s} {cells[0]:10s} {cells[1]:18s} {cells[2]:11s} {cells[3]:10s} {cells[4]}")
    lines_right = sum(1 for d in dates if d[4] == d[1])
    text_right = sum(1 for d in dates if d[5] == d[1])
    print(f"right: ours {ours_right}, trafilatura {theirs_right}, date line alone {lines_right}, text heuristics "
          f"alone {text_right} of {len(dates)}; pages where trafilatura is right and we are not: {worse}")


if __name__ == "__main__":
    main()
