"""vnsumm: summarize and translate Vietnamese news in bulk.

The library and the CLI are the same thing: `vnsumm run` is `vnsumm.run`, `vnsumm clean` is
`vnsumm.clean_articles(vnsumm.read_inputs(...))`, `vnsumm score` is `vnsumm.scoring`.
"""

from vnsumm.clean import clean_article, clean_articles, clean_text
from vnsumm.config import ConfigError, ModelSpec, Registry, load_registry
from vnsumm.digest import render_html, render_markdown
from vnsumm.generate import ModelUnavailable, Seq2SeqEngine, build_input, plan_batches, postprocess
from vnsumm.io import Fields, read_inputs
from vnsumm.pipeline import RunOptions, RunReport, run, summarize_articles
from vnsumm.records import Article
from vnsumm.summarize import ExtractiveSummarizer, Seq2SeqSummarizer, Summarizer, load_summarizer
from vnsumm.text import normalize, split_sentences, syllables
from vnsumm.translate import Translator, load_translator

__all__ = [
    "Article", "ConfigError", "ExtractiveSummarizer", "Fields", "ModelSpec", "ModelUnavailable", "Registry",
    "RunOptions", "RunReport", "Seq2SeqEngine", "Seq2SeqSummarizer", "Summarizer", "Translator", "build_input",
    "clean_article", "clean_articles", "clean_text", "load_registry", "load_summarizer", "load_translator",
    "normalize", "plan_batches", "postprocess", "read_inputs", "render_html", "render_markdown", "run",
    "split_sentences", "summarize_articles", "syllables",
]
__version__ = "0.1.0"
