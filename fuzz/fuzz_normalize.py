"""Fuzz target ``normalize``: any text as a plain-text, HTML or Markdown body -> ``canonicalize``.

Properties (the alignment invariants): the offsets cover the canonical text, every canonical character maps
into the original, and a span of canonical text maps to a span of the original; the canonical text and
title hold no control, bidi or lone-surrogate character; only coded errors are raised.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import check_alignment, check_clean_text, instrumented_import, require, run_atheris  # noqa: E402

INSTRUMENT = ("autointel.normalize",)
with instrumented_import(INSTRUMENT, __name__):
    from autointel.errors import NormalizeError
    from autointel.models import RawArticle
    from autointel.normalize.aligned import AlignedText
    from autointel.normalize.canonical import canonicalize

BODY_FORMATS = ("text", "html", "markdown")
SEEDS = [
    b"\x00\xe8\xa1\x8c\xe6\xa5\xad(y\xc3\xa8) 30\xef\xbc\x8e5\xef\xbc\x85 \xe8\xbb\x8a\xe8\xbc\x9b",
    b"\x01<p>a</p><figcaption>\xe5\x9b\xbe</figcaption><p>\xe2\x80\xae b</p>",
    b"\x02# title\n\n* item\n\n[link](http://x) ![img](y.png)\n\n> quote",
]


def check(body: str, body_format: str, title: str | None) -> None:
    raw = RawArticle(source_key="fuzz", location="fuzz", body=body, body_format=body_format, reader="fuzz",
                     title=title)
    try:
        article = canonicalize(raw)
    except NormalizeError as e:
        require(e.code == "E105", f"canonicalize raised {e}")  # only the size limit is an expected refusal
        return
    check_clean_text(article.canonical, "canonical")
    if article.title:
        check_clean_text(article.title, "title")
    check_alignment(article.canonical, article.original, article.offsets)
    aligned = AlignedText.from_runs(article.canonical, article.offsets)
    n = len(article.canonical)
    for a, b in ((0, n), (0, n // 2), (n // 3, n), (n // 2, n // 2)):
        s, e = aligned.original_span(a, b)
        require(0 <= s <= e <= len(article.original), f"span {a}:{b} -> {s}:{e}")


def one_input(data: bytes) -> None:
    if not data:
        return
    body = data[1:].decode("utf-8", "replace")
    title, _, body = body.partition("\n") if data[0] & 0x10 else (None, "", body)
    check(body, BODY_FORMATS[data[0] % len(BODY_FORMATS)], title)


if __name__ == "__main__":
    run_atheris(__name__, one_input, INSTRUMENT)
