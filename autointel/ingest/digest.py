"""Digests (seed 004): a ``#tag`` line, then alternating title and body lines.

Each body ends with its outlet in parentheses, "(觀出行)"; the outlet goes to
metadata and out of the body.  Each article's identity is the file plus its
position, so re-reading the digest finds the same articles again.
"""
from __future__ import annotations

import re
from typing import Iterator

from autointel.ingest.base import ReadContext, ReadResult
from autointel.models import FailedInput, RawArticle, SourceText

_TAG = re.compile(r"^#([^\s#][^\n]{0,30})$")
_OUTLET = re.compile(r"\s*[(（]([^()（）\n]{1,20})[)）]\s*$")
MAX_TITLE = 120


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.lstrip("\ufeff").splitlines() if ln.strip()]


class DigestReader:
    name = "digest"
    extensions = (".txt",)

    def score(self, src: SourceText) -> float:
        lines = _lines(src.text[:400_000])
        if len(lines) < 3 or not _TAG.match(lines[0]) or (len(lines) - 1) % 2:
            return 0.0
        pairs = list(zip(lines[1::2], lines[2::2]))
        titles_short = all(len(t) <= MAX_TITLE for t, _ in pairs)
        bodies_longer = sum(len(b) > 2 * len(t) for t, b in pairs) >= 0.8 * len(pairs)
        return 0.95 if titles_short and bodies_longer else 0.0

    def read(self, src: SourceText, ctx: ReadContext) -> Iterator[ReadResult]:
        lines = _lines(src.text)
        tag = _TAG.match(lines[0]).group(1) if lines and _TAG.match(lines[0]) else None
        rest = lines[1:]
        for index in range(0, len(rest), 2):
            title = rest[index]
            key = f"{src.location}#{index // 2 + 1}"
            if index + 1 >= len(rest):
                yield FailedInput(key, src.location, "E113", "digest title without a body line", self.name, title)
                continue
            body = rest[index + 1]
            outlet = None
            m = _OUTLET.search(body)
            if m:
                outlet, body = m.group(1).strip(), body[: m.start()]
            yield RawArticle(
                source_key=key,
                location=src.location,
                body=body,
                body_format="text",
                reader=self.name,
                title=title,
                outlet=outlet,
                feed=src.feed,
                metadata={"digest_tag": tag, "digest_position": index // 2 + 1} if tag else {"digest_position": index // 2 + 1},
            )
