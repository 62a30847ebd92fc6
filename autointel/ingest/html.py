"""Whole web pages: trafilatura finds the article among navigation, sidebars and footers.

Decisions:

* Body: the main text as HTML (``body_format="html"``) -- paragraphs, headings,
  lists and tables as trafilatura rebuilds them -- so the cleaner sees the
  same structure it sees in Hexo posts.  A leading heading that repeats the
  title is dropped (the title is its own field).
* Identity: the canonical URL the page declares (og:url / rel=canonical) when
  there is one, else the location.
* Dates: trafilatura (htmldate) is asked for a full timestamp.  A zone the
  page gave is kept.  A time without a zone, or a bare day, is read in the
  outlet's presumed zone -- China time (UTC+8) for a Chinese page (``lang="zh"``
  or Han text), UTC otherwise -- and flagged ``date_assumed_tz``; a bare day is
  midnight with ``date_precision="day"`` (``feed.parse_web_date``).  htmldate
  reports a bare day as "T00:00:00", so a page published exactly at midnight
  is also treated as a day: the cost of not inventing hours.  No date on the
  page: ``None``.
* Cost: lxml cuts trees deeper than ~255 levels and pages with more than
  ``MAX_TAGS`` tags are refused (E105) before parsing, so hostile pages end
  quickly as coded failures instead of hanging.
"""
from __future__ import annotations

import html
import re
from datetime import timezone
from typing import Any, Iterator

import trafilatura
from lxml.etree import LxmlError
from trafilatura.htmlprocessing import build_html_output  # what extract(output_format="html") uses

from autointel.errors import IngestError
from autointel.ingest.base import ReadContext, ReadResult
from autointel.ingest.feed import CHINA_TZ, PROLOG_SCAN, is_chinese, looks_like_feed, parse_web_date, skip_prolog
from autointel.models import FailedInput, RawArticle, SourceText

MAX_TAGS = 200_000  # ~3 s of extraction; real article pages have a few thousand
_FRONT_MATTER = re.compile(r"\A\ufeff?\s*---[ \t]*\r?\n")  # Hexo/Markdown posts belong to their readers
_HTML_START = re.compile(r"<html[\s>]", re.I)
_HAS_BODY = re.compile(r"<body[\s>]", re.I)
_ANY_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*[\s/>]")
_LANG = re.compile(r"<html[^>]*?\slang\s*=\s*[\"']?([A-Za-z-]+)", re.I)
_WRAPPER = re.compile(r"\A\s*<html>\s*<body>|</body>\s*</html>\s*\Z")
_LEADING_HEADING = re.compile(r"\A\s*<h[1-6][^>]*>(.*?)</h[1-6]>\s*", re.S)
_TAGS = re.compile(r"<[^>]+>")
_BYLINE_PREFIX = re.compile(r"^\s*(?:作者|文|记者|编辑|撰文|来源)\s*[:：/|]\s*")
_META_TAG = re.compile(r"<meta\s[^>]*>", re.I)
_META_AUTHOR = re.compile(r"""(?:name|property|itemprop)\s*=\s*["']?(?:author|article:author|dc\.creator)["'\s/>]""", re.I)
_META_CONTENT = re.compile(r"""content\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_HAN = re.compile(r"[\u4e00-\u9fff]")
DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True, "extensive_search": True}


def _visible(fragment: str) -> str:
    return html.unescape(_TAGS.sub("", fragment)).strip()


def _meta_author_han(head: str) -> str | None:
    """<meta name="author"> when written in Han characters.

    trafilatura drops meta authors without a space (a heuristic for Western
    names), which drops every Chinese name.
    """
    for tag in _META_TAG.findall(head):
        if _META_AUTHOR.search(tag):
            m = _META_CONTENT.search(tag)
            value = html.unescape(m.group(1) or m.group(2) or "").strip() if m else ""
            if value and _HAN.search(value) and len(value) <= 100:
                return value
    return None


class HtmlReader:
    name = "html"
    extensions = (".html", ".htm")

    def score(self, src: SourceText) -> float:
        head = src.text[:PROLOG_SCAN]
        if _FRONT_MATTER.match(head) or looks_like_feed(head):
            return 0.0
        stripped = head.lstrip("\ufeff \t\r\n")
        if stripped[:14].lower() == "<!doctype html" or _HTML_START.match(skip_prolog(head)):
            return 0.9
        by_name = 0.1 if src.name.lower().endswith(self.extensions) else 0.0
        if _HAS_BODY.search(head):
            return 0.6 + by_name
        if stripped.startswith("<") and len(_ANY_TAG.findall(head[:8192])) >= 10:
            return 0.5 + by_name  # a fragment of markup: more likely HTML than plain text
        return 0.0

    def read(self, src: SourceText, ctx: ReadContext) -> Iterator[ReadResult]:
        text = src.text.lstrip("\ufeff")
        if text.count("<") > MAX_TAGS:
            raise IngestError("E105", f"page has more than {MAX_TAGS} tags; too large to analyse", path=src.location)
        if not _HTML_START.search(text[:PROLOG_SCAN]) and not _HAS_BODY.search(text[:PROLOG_SCAN]):
            text = f"<html><body>{text}</body></html>"  # trafilatura rejects bare fragments
        try:
            doc = trafilatura.bare_extraction(
                text, include_comments=False, include_tables=True, favor_precision=True,
                with_metadata=True, date_extraction_params=DATE_PARAMS,
            )
        except (ValueError, LxmlError) as e:
            raise IngestError("E115", f"HTML could not be parsed: {type(e).__name__}", path=src.location)

        if doc is None or doc.body is None or not (doc.text or "").strip():
            yield FailedInput(src.location, src.location, "E113",
                              "no main text found (empty page, or nested deeper than the parser allows)",
                              self.name, getattr(doc, "title", None))
            return

        title = (doc.title or "").strip() or None
        body = _WRAPPER.sub("", build_html_output(doc)).strip()
        m = _LEADING_HEADING.match(body)
        if m and title and _visible(m.group(1)) == title:
            body = body[m.end():]
        if not _visible(body):
            yield FailedInput(doc.url or src.location, src.location, "E113", "page has only a title", self.name, title)
            return

        lang_m = _LANG.search(text[:PROLOG_SCAN])
        lang = lang_m.group(1) if lang_m else None
        local_tz = CHINA_TZ if is_chinese(title, doc.text, lang=lang) else timezone.utc
        date = doc.date
        if date and date.endswith("T00:00:00"):  # htmldate's rendering of a bare day
            date = date[:10]
        published, date_flags = parse_web_date(date, local_tz)

        metadata: dict[str, Any] = {"extractor": f"trafilatura {trafilatura.__version__}", **date_flags}
        for key in ("hostname", "description", "sitename"):
            if getattr(doc, key, None):
                metadata[key] = getattr(doc, key)
        if doc.categories:
            metadata["categories"] = list(doc.categories)
        if doc.tags:
            metadata["tags"] = list(doc.tags)
        if lang:
            metadata["language"] = lang
        if date and published is None:
            metadata["date_unparsed"] = date
        author = doc.author or _meta_author_han(text[:PROLOG_SCAN])
        author = _BYLINE_PREFIX.sub("", author).strip() if author else None
        url = doc.url or (src.location if src.location.startswith(("http://", "https://")) else None)

        yield RawArticle(
            source_key=doc.url or src.location,
            location=src.location,
            body=body,
            body_format="html",
            reader=self.name,
            title=title,
            url=url,
            published_at=published,
            outlet=doc.sitename or None,
            author=author or None,
            feed=src.feed,
            metadata=metadata,
        )
