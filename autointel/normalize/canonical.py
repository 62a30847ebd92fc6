"""RawArticle -> CanonicalArticle: the one canonical text per article.

Order matters and is fixed here:
1. markup -> original text (HTML paragraphs, Markdown stripped, plain text as is);
2. pinyin marks removed (script-independent, and they confuse conversion);
3. script conversion to Simplified, phrase level, only for Traditional/mixed text;
4. boilerplate paragraphs dropped, bylines moved to metadata (rules know Simplified only);
5. width and number punctuation, fused photo credits.
Every step works on ``AlignedText`` so canonical spans map back to ``original``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from autointel.errors import NormalizeError
from autointel.models import CanonicalArticle, RawArticle
from autointel.normalize.aligned import AlignedText
from autointel.normalize.cleanup import (drop_boilerplate, normalize_width, remove_pinyin_marks, repair_photo_credits,
                                         strip_invisible)
from autointel.normalize.html_text import html_to_paragraphs
from autointel.normalize.markdown_text import markdown_to_aligned
from autointel.normalize.script import detect_script, normalize_title, to_simplified_aligned

_LINE_ENDINGS = re.compile(r"\r\n?")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Size limits for one article.  The longest real canonical text in ../shared is 7,850 characters; a file
# may be up to 20 MB.  Normalising costs ~1 s per million characters, so the body (markup included) is
# refused beyond MAX_BODY_CHARS before any work.  What comes after normalising (linking, facts, topics) is
# superlinear in one article's length -- a dense 100k-character article takes ~30 s, 45k up to 10 s on a
# loaded machine -- so the canonical text is refused beyond MAX_CANONICAL_CHARS, about 4x the longest real
# one (docs/robustness.md).  Raise it when topics/tagger._resolve and facts/extract's period context are linear.
MAX_BODY_CHARS = 1_000_000
MAX_CANONICAL_CHARS = 30_000


def _source_text(raw: RawArticle) -> tuple[str, AlignedText, frozenset[int], dict]:
    """Return (original, aligned-over-original, caption line numbers, extra metadata)."""
    if raw.body_format == "html":
        paragraphs = html_to_paragraphs(raw.body)
        original = "\n".join(p.text for p in paragraphs)
        captions = frozenset(i for i, p in enumerate(paragraphs) if p.caption)
        return original, AlignedText.identity(original), captions, {}
    original = _LINE_ENDINGS.sub("\n", raw.body)
    if raw.body_format == "markdown":
        md = markdown_to_aligned(original, raw.title)
        extra = {"headlines": md.headlines} if md.headlines else {}
        if md.removed:
            extra["markdown_removed"] = dict(md.removed)
        return original, md.text, frozenset(), extra
    return original, AlignedText.identity(original), frozenset(), {}


def content_hash(text: str) -> str:
    """Identity of the canonical content, blind to whitespace differences."""
    return hashlib.sha1("".join(text.split()).encode("utf-8")).hexdigest()


_SENTENCE_END = re.compile(r"[。！？!?\n]")
MAX_DERIVED_TITLE = 50


def derive_title(text: str) -> str | None:
    """A title for sources that have none (plain text): the first sentence, shortened at a clause."""
    first = _SENTENCE_END.split(text.strip(), 1)[0].strip()
    if len(first) <= MAX_DERIVED_TITLE:
        return first or None
    cut = max(first.rfind(p, 0, MAX_DERIVED_TITLE) for p in "，,；;：:")
    return (first[:cut] if cut > 10 else first[:MAX_DERIVED_TITLE]) + "…"


def _valid_unicode(raw: RawArticle) -> RawArticle:
    """Lone surrogates (half of a UTF-16 pair, e.g. from a JSON escape) cannot be stored, hashed or printed as
    UTF-8; each becomes U+FFFD, one character for one, so offsets are unchanged."""
    fields = {name: _LONE_SURROGATE.sub("\ufffd", value) for name, value in (("body", raw.body), ("title", raw.title))
              if value and _LONE_SURROGATE.search(value)}
    return replace(raw, **fields) if fields else raw


def canonicalize(raw: RawArticle) -> CanonicalArticle:
    raw = _valid_unicode(raw)
    if len(raw.body) > MAX_BODY_CHARS:
        raise NormalizeError("E105", f"article body of {len(raw.body)} characters, limit {MAX_BODY_CHARS}",
                             path=raw.location)
    try:
        original, at, captions, extra = _source_text(raw)
        at, pinyin = remove_pinyin_marks(at)
        script = detect_script(at.text)
        if script in ("traditional", "mixed"):
            at = to_simplified_aligned(at)
        at, report = drop_boilerplate(at, captions)
        at = normalize_width(at)
        at, credits = repair_photo_credits(at)
        if len(at.text) > MAX_CANONICAL_CHARS:
            raise NormalizeError("E105", f"article of {len(at.text)} characters after cleaning, limit "
                                 f"{MAX_CANONICAL_CHARS}", path=raw.location)
    except NormalizeError:
        raise
    except Exception as e:  # a bug or pathological input must not stop the batch
        raise NormalizeError("E201", f"{type(e).__name__}: {e}", path=raw.location) from e

    metadata = dict(raw.metadata)
    metadata.update(extra)
    if pinyin:
        report.count("pinyin_marks", pinyin)
    if credits:
        report.count("photo_credits", credits)
    if report.removed:
        metadata["removed"] = report.removed
    for role, names in report.bylines.items():
        metadata[role] = names
    if report.platform:
        metadata["platform"] = report.platform
    if raw.title:
        title = strip_invisible(normalize_title(raw.title)) or None
    else:
        title = derive_title(at.text)
    if not raw.title and title:
        metadata["title_derived"] = True
    if not at.text.strip():
        metadata["empty_body"] = True
    outlet = raw.outlet or report.platform
    if outlet:
        simplified_outlet = normalize_title(outlet)
        if simplified_outlet != outlet:
            metadata["original_outlet"] = outlet
        outlet = simplified_outlet
    return CanonicalArticle(
        raw=raw,
        original=original,
        canonical=at.text,
        offsets=at.to_runs(),
        script=script,
        title=title,
        original_title=raw.title,
        outlet=outlet,
        metadata=metadata,
        # A page whose body is gone (a WeChat shell) is still a document: its title.
        content_hash=content_hash(at.text) if at.text.strip() else content_hash("title:" + (title or "")),
    )
