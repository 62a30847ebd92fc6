"""Markdown with YAML front matter (title, url, source, date, fetch_date): the picker corpus."""
from __future__ import annotations

import html
from typing import Iterator

from autointel.ingest.base import ReadContext, ReadResult
from autointel.ingest.frontmatter import has_front_matter, parse_date, split_front_matter
from autointel.models import RawArticle, SourceText


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
        meta, body = split_front_matter(src.text, src.location)
        published, precision = parse_date(meta.get("date"))
        url = meta.get("url") or meta.get("link")
        extra = {k: v for k, v in meta.items() if k not in ("title", "date", "url", "link", "source", "author")}
        if precision:
            extra["date_precision"] = precision
        for k, v in extra.items():  # dates from YAML are objects; keep JSON-friendly strings
            if hasattr(v, "isoformat"):
                extra[k] = v.isoformat()
        yield RawArticle(
            # A file is identified by where it lives: archives re-fetch the same URL into
            # several files, and none of them may be lost.  Same content -> one document.
            source_key=src.location,
            location=src.location,
            body=body,
            body_format="markdown",
            reader=self.name,
            title=html.unescape(str(meta["title"])).strip() if meta.get("title") else None,  # scraped titles carry &quot;
            url=str(url) if url else None,
            published_at=published,
            outlet=str(meta["source"]) if meta.get("source") else None,
            author=str(meta["author"]) if meta.get("author") else None,
            feed=src.feed,
            metadata=extra,
        )
