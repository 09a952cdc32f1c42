"""The briefing desk pipeline: plain Python, independent of MkDocs.

Stages, one module each:

    read      source files -> SourceArticle (decoded text + validated metadata) or Refusal
    clean     SourceArticle -> CleanText (body blocks, captions, credits, removed lines)
    describe  CleanText + metadata -> Briefing (id, title, summary, dates, credits, counts)
    registry  the committed record of every published URL
    render    Briefing -> Markdown page with YAML front matter
    listing   paginated listings and the home page's blocks
    export    briefings.json / briefings.csv / build report

`pipeline.build_corpus()` runs them in order; `hooks/briefings.py` calls it from MkDocs
events, and `python -m hooks.briefdesk` runs it on its own.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
