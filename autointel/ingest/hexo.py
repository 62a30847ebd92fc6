"""Hexo/Jekyll posts: YAML front matter, then article HTML (seeds 000-002, RSSHub archives)."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from autointel.ingest.base import ReadContext, ReadResult
from autointel.ingest.frontmatter import front_matter_article, has_front_matter, split_front_matter
from autointel.models import SourceText


def _first_tag_char(body: str) -> str:
    return body.lstrip()[:1]


class HexoReader:
    name = "hexo"
    extensions = (".md", ".markdown", ".html")

    def score(self, src: SourceText) -> float:
        if not has_front_matter(src.text):
            return 0.0
        try:
            _, body = split_front_matter(src.text[:200_000])
        except Exception:
            return 0.5  # front matter is ours to report as broken
        return 0.9 if _first_tag_char(body) == "<" else 0.0

    def read(self, src: SourceText, ctx: ReadContext) -> Iterator[ReadResult]:
        article, meta = front_matter_article(src, "html", self.name, outlet_keys=())
        categories = meta.get("categories") or []
        # The archiving pipeline files posts under [medium, feed name, section]:
        # the feed name is the outlet; "author" repeats it or names the site, and
        # people come from bylines in the body, so author stays empty.
        outlet = categories[1] if isinstance(categories, list) and len(categories) >= 2 else meta.get("author")
        yield replace(article, outlet=str(outlet) if outlet else None)
