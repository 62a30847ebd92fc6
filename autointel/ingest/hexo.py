"""Hexo/Jekyll posts: YAML front matter, then article HTML (seeds 000-002, RSSHub archives)."""
from __future__ import annotations

import html
from typing import Iterator

from autointel.ingest.base import ReadContext, ReadResult
from autointel.ingest.frontmatter import has_front_matter, parse_date, split_front_matter
from autointel.models import RawArticle, SourceText


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
        meta, body = split_front_matter(src.text, src.location)
        published, precision = parse_date(meta.get("date"))
        categories = meta.get("categories") or []
        # The archiving pipeline files posts under [medium, feed name, section]:
        # the feed name is the outlet; "author" repeats it or names the site.
        outlet = categories[1] if isinstance(categories, list) and len(categories) >= 2 else meta.get("author")
        url = meta.get("url") or meta.get("link") or meta.get("permalink")
        extra = {k: v for k, v in meta.items() if k not in ("title", "date", "url", "link")}
        if precision:
            extra["date_precision"] = precision
        yield RawArticle(
            # A file is identified by where it lives: archives re-fetch the same URL into
            # several files, and none of them may be lost.  Same content -> one document.
            source_key=src.location,
            location=src.location,
            body=body,
            body_format="html",
            reader=self.name,
            title=html.unescape(str(meta["title"])).strip() if meta.get("title") else None,  # scraped titles carry &quot;
            url=str(url) if url else None,
            published_at=published,
            outlet=str(outlet) if outlet else None,
            author=None,  # "author" in these posts is the outlet; people come from bylines
            feed=src.feed,
            metadata=extra,
        )
