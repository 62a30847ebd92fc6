"""Markdown with YAML front matter (title, url, source, date, fetch_date): the picker corpus."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from autointel.ingest.base import ReadContext, ReadResult
from autointel.ingest.frontmatter import front_matter_article, has_front_matter, split_front_matter
from autointel.models import SourceText


class MarkdownReader:
    name = "markdown"
    extensions = (".md", ".markdown")

    def score(self, src: SourceText) -> float:
        if not has_front_matter(src.text):
            return 0.0
        try:
            _, body = split_front_matter(src.text[:200_000])
        except Exception:
            return 0.6 if src.name.lower().endswith(self.extensions) else 0.45
        return 0.85 if body.lstrip()[:1] != "<" else 0.0

    def read(self, src: SourceText, ctx: ReadContext) -> Iterator[ReadResult]:
        article, meta = front_matter_article(src, "markdown", self.name, consumed=("source", "author"))
        yield replace(article, author=str(meta["author"]) if meta.get("author") else None)
