"""Cleaning: boilerplate lines out, paragraphs rejoined, page furniture learned from the run (`rules`), and
the `vnsumm clean` writer (`writer`). The clean stage (`stages.clean`) runs `rules.clean_articles`."""
