"""RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds: one RawArticle per item/entry.

Safety: feeds are untrusted XML.  They are parsed with defusedxml and any
DOCTYPE at all is refused (E107) -- that covers entity bombs ("billion
laughs") and external entities (``SYSTEM "file:///etc/passwd"``) without
expanding or fetching anything.  Broken XML is E108.

Dates (shared with the HTML reader through ``parse_web_date``):

* a date-time with a zone is exact;
* a date-time without a zone (ISO, or RFC 822 with no/"-0000" zone) gets the
  outlet's presumed zone -- China time (UTC+8) when the item is Chinese
  (a ``zh`` language tag or Han characters in title/body), UTC otherwise --
  and ``metadata["date_assumed_tz"] = True`` so nobody mistakes it for exact;
* a bare date is midnight of that day in the same presumed zone, with
  ``metadata["date_precision"] = "day"`` (the project's convention, see
  ``frontmatter.parse_date``);
* "CST" in an RFC 822 date of a Chinese item is China Standard Time, not US
  Central (which is what ``email.utils`` would assume);
* anything unparseable, or no date at all, is ``None``: never invented.

Bodies: content:encoded, else Atom content, else description/summary.  RSS
bodies are HTML by specification; a body with no tags and no entity
references is plain text and marked ``body_format="text"``; Atom says which it
is with ``type``.
"""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any, Iterator
from xml.etree.ElementTree import Element, ParseError, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from autointel.errors import IngestError
from autointel.ingest.base import ReadContext, ReadResult
from autointel.models import FailedInput, RawArticle, SourceText

CHINA_TZ = timezone(timedelta(hours=8))
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LOOKS_HTML = re.compile(r"<[a-zA-Z!/][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")
_TAG = re.compile(r"<[^>]+>")
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.S | re.I)
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>/]")
PROLOG_SCAN = 64 * 1024


# ---------------------------------------------------------------- detection

def skip_prolog(text: str) -> str:
    """Drop BOM, whitespace, XML declaration, comments, PIs and DOCTYPE at the start."""
    s = text.lstrip("\ufeff")
    for _ in range(100):  # bounded: a prolog of 100 comments is not a feed we need to sniff
        s = s.lstrip()
        if s.startswith("<?"):
            end = s.find("?>")
        elif s.startswith("<!--"):
            end = s.find("-->")
            end = end + 1 if end >= 0 else end
        elif s[:9].upper() == "<!DOCTYPE":
            m = _DOCTYPE.match(s)
            end = m.end() - 2 if m else -1
        else:
            return s
        if end < 0:
            return ""
        s = s[end + 2:]
    return s


def looks_like_feed(text: str) -> bool:
    return _FEED_ROOT.match(skip_prolog(text[:PROLOG_SCAN]) + " ") is not None


# ---------------------------------------------------------------- dates

def is_chinese(*texts: str | None, lang: str | None = None) -> bool:
    if lang and lang.strip().lower().startswith("zh"):
        return True
    return any(t and _HAN.search(t[:4000]) for t in texts)


def parse_web_date(value: str | None, local_tz: tzinfo = timezone.utc) -> tuple[datetime | None, dict[str, Any]]:
    """A feed/page date string to (aware datetime or None, metadata flags); see module docstring."""
    if not value or not value.strip():
        return None, {}
    s = value.strip()
    dt: datetime | None = None
    if local_tz.utcoffset(None) == timedelta(hours=8) and s.upper().endswith(" CST"):
        s = s[:-4] + " +0800"
    try:
        dt = parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        dt = None
    if dt is None:
        iso = s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s
        try:
            dt = datetime.fromisoformat(iso)
        except ValueError:
            return None, {}
        if len(s) <= 10:  # "2024-05-20" / "20240520": a day, not an instant
            return dt.replace(tzinfo=local_tz), {"date_precision": "day", "date_assumed_tz": True}
    if dt.tzinfo is None:
        return dt.replace(tzinfo=local_tz), {"date_assumed_tz": True}
    return dt, {}


# ---------------------------------------------------------------- XML helpers

def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""  # comments/PIs have non-str tags


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if _local(c.tag) == name]


def _first(el: Element, *names: str) -> Element | None:
    """The first child named like ``names[0]``, else ``names[1]``, ...: names are a preference order."""
    for name in names:
        for c in el:
            if _local(c.tag) == name:
                return c
    return None


def _text(el: Element | None) -> str | None:
    if el is None:
        return None
    s = "".join(el.itertext()).strip()
    return s or None


def _strip_ns(el: Element) -> Element:
    """A copy without namespaces, so XHTML content serialises as plain HTML tags."""
    out = Element(_local(el.tag), {_local(k): v for k, v in el.attrib.items()})
    out.text, out.tail = el.text, el.tail
    # a list, not a generator: Element.extend turns a RecursionError raised inside a generator (deeply
    # nested XHTML) into a misleading TypeError, which would hide the E115 the pipeline records for it
    out.extend([_strip_ns(c) for c in el if isinstance(c.tag, str)])
    return out


def _looks_html(s: str) -> bool:
    return _LOOKS_HTML.search(s) is not None


def _atom_text(el: Element | None) -> tuple[str | None, str]:
    """Atom text construct -> (string, body_format)."""
    if el is None or el.get("src"):  # out-of-line content is never fetched
        return None, "text"
    kind = (el.get("type") or "text").lower()
    if kind == "xhtml":
        inner = _strip_ns(el)
        s = (inner.text or "") + "".join(tostring(c, encoding="unicode") for c in inner)
        return s.strip() or None, "html"
    s = (el.text or "").strip() or None
    if kind in ("html", "text/html"):
        return s, "html"
    return s, "text"


def _plain_title(el: Element | None) -> str | None:
    if el is None:
        return None
    if (el.get("type") or "").lower() in ("html", "xhtml"):
        s = html.unescape(_TAG.sub("", "".join(el.itertext()))).strip()
        return s or None
    return _text(el)


# ---------------------------------------------------------------- reader

class FeedReader:
    name = "feed"
    extensions = (".xml", ".rss", ".atom", ".feed")

    def score(self, src: SourceText) -> float:
        head = src.text[:PROLOG_SCAN]
        if looks_like_feed(head):
            return 0.95
        stripped = head.lstrip("\ufeff \t\r\n")
        # a prolog too long to skip (e.g. a huge entity bomb): still ours, so it is refused as E107
        if stripped.startswith(("<?xml", "<!DOCTYPE", "<!doctype")) and _FEED_ROOT.search(head):
            return 0.7
        if src.name.lower().endswith(self.extensions) and stripped.startswith("<"):
            return 0.3  # an XML file that is not a feed: claim it so the failure is coded, not dropped
        return 0.0

    def read(self, src: SourceText, ctx: ReadContext) -> Iterator[ReadResult]:
        root = self._parse(src)
        kind = _local(root.tag)
        if kind == "rss":
            channel = _first(root, "channel")
            if channel is None:
                return
            items, feed_el = _children(channel, "item"), channel
        elif kind == "feed":
            items, feed_el = _children(root, "entry"), root
        elif kind == "RDF":  # RSS 1.0: items are siblings of the channel
            feed_el = _first(root, "channel")
            items = _children(root, "item") or (_children(feed_el, "item") if feed_el is not None else [])
        else:
            raise IngestError("E108", f"XML root is <{kind}>, not rss, feed or rdf:RDF", path=src.location)
        feed_title = _plain_title(_first(feed_el, "title")) if feed_el is not None else None
        lang = _text(_first(feed_el, "language")) if feed_el is not None else None
        lang = lang or root.get("{http://www.w3.org/XML/1998/namespace}lang")
        for index, item in enumerate(items, 1):
            yield self._item(item, index, src, feed_title, lang)

    def _parse(self, src: SourceText) -> Element:
        try:
            return SafeET.fromstring(src.text.lstrip("\ufeff"), forbid_dtd=True, forbid_entities=True,
                                     forbid_external=True)
        except DefusedXmlException as e:
            raise IngestError("E107", f"feed declares a DTD or entities: {type(e).__name__}", path=src.location)
        except ParseError as e:
            raise IngestError("E108", f"malformed XML: {e}", path=src.location)

    def _item(self, item: Element, index: int, src: SourceText, feed_title: str | None,
              lang: str | None) -> ReadResult:
        atom = _local(item.tag) == "entry"
        title = _plain_title(_first(item, "title"))
        guid_el = _first(item, "guid", "id")
        guid = _text(guid_el) or item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        url = self._link(item)
        if url is None and guid and guid.startswith(("http://", "https://")) \
                and (guid_el is None or guid_el.get("isPermaLink", "true") != "false"):
            url = guid  # an RSS guid is a permalink unless it says otherwise
        source_key = guid or url or f"{src.location}#{index}"

        body, body_format = None, "html"
        encoded = _text(_first(item, "encoded"))  # content:encoded: the full article when present
        if encoded:
            body = encoded
        elif atom:
            body, body_format = _atom_text(_first(item, "content"))
            if not body:
                body, body_format = _atom_text(_first(item, "summary"))
        else:
            body = _text(_first(item, "description"))
        if body and body_format == "html" and not _looks_html(body):
            body_format = "text"

        if not title and not body:
            return FailedInput(source_key, src.location, "E113", f"feed item {index} has neither title nor body",
                               self.name)

        local_tz = CHINA_TZ if is_chinese(title, body, feed_title, lang=lang) else timezone.utc
        date_el = _first(item, "pubDate", "published", "date", "issued", "updated")
        published, date_flags = parse_web_date(_text(date_el), local_tz)
        metadata: dict[str, Any] = {"feed_title": feed_title, "feed_position": index, **date_flags}
        if guid:
            metadata["guid"] = guid
        if published is not None:
            metadata["date_field"] = _local(date_el.tag)  # "updated" is not a publication date; say so
        elif date_el is not None:
            metadata["date_unparsed"] = _text(date_el)
        categories = [c.get("term") or _text(c) for c in item if _local(c.tag) in ("category", "subject")]
        if any(categories):
            metadata["categories"] = [c for c in categories if c]

        return RawArticle(
            source_key=source_key,
            location=src.location,
            body=body or "",
            body_format=body_format,
            reader=self.name,
            title=title,
            url=url,
            published_at=published,
            outlet=feed_title,
            author=self._author(item),
            feed=src.feed or src.location,
            metadata=metadata,
        )

    @staticmethod
    def _link(item: Element) -> str | None:
        links = _children(item, "link")
        for link in links:  # Atom: <link rel="alternate" href="..."/>; rel defaults to alternate
            if link.get("href") and link.get("rel", "alternate") == "alternate":
                return link.get("href").strip()
        for link in links:
            if not link.get("href") and _text(link):
                return _text(link)
        return None

    @staticmethod
    def _author(item: Element) -> str | None:
        el = _first(item, "creator", "author")
        if el is None:
            return None
        name = _first(el, "name")  # Atom: <author><name>...</name></author>
        return _text(name) if name is not None else _text(el)
