"""Plain-text articles (seed 003): paragraphs are lines; no title, no date.

This is the fallback reader: any text no other reader claims ends here rather
than being lost.  Footers and disclaimers are removed by the cleaner, which
also picks the platform name out of them.
"""
from __future__ import annotations

from typing import Iterator

from autointel.ingest.base import ReadContext, ReadResult
from autointel.models import RawArticle, SourceText


class PlainTextReader:
    name = "text"
    extensions = (".txt", ".text")

    def score(self, src: SourceText) -> float:
        return 0.2 if src.name.lower().endswith(self.extensions) else 0.1

    def read(self, src: SourceText, ctx: ReadContext) -> Iterator[ReadResult]:
        yield RawArticle(
            source_key=src.location,
            location=src.location,
            body=src.text.lstrip("\ufeff"),
            body_format="text",
            reader=self.name,
            feed=src.feed,
        )
