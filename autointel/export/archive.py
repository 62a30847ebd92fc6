"""Hexo archives and RSS/Atom feeds from stored documents, so autointel can replace the archiving
pipeline that wrote three of the seeds.

Bodies are HTML built from the stored text (one <p> per paragraph, every character escaped): the
original HTML is not kept, and text escaped this way can never carry a script into a reader.
"""
from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Callable, Iterable

import yaml

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
ATOM = "http://www.w3.org/2005/Atom"


def body_html(text: str) -> str:
    paragraphs = [p.strip() for p in (text or "").split("\n") if p.strip()]
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _when(doc: dict) -> datetime | None:
    return datetime.fromisoformat(doc["published_at"]) if doc.get("published_at") else None


def _text(doc: dict, which: str) -> tuple[str, str]:
    if which == "original":
        return doc.get("original_title") or doc.get("title") or "", doc.get("original") or ""
    return doc.get("title") or "", doc.get("canonical") or ""


def _link(doc: dict) -> str:
    return doc.get("url") or f"urn:autointel:{doc['id']}"


def write_hexo(docs: Iterable[dict], out_dir: Path, which: str = "canonical") -> int:
    """One post per document under ``out_dir/source/_posts/<outlet>/``: front matter, then HTML.
    File names come from the title, made safe for any file system (no traversal, no separators)."""
    posts = out_dir / "source" / "_posts"
    n = 0
    for doc in docs:
        title, text = _text(doc, which)
        when = _when(doc)
        front = {"title": title or doc["id"],
                 "date": when.astimezone(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT") if when else None,
                 "categories": [c for c in ("autointel", doc.get("outlet")) if c],
                 "author": doc.get("author"), "url": doc.get("url"), "autointel_id": doc["id"]}
        folder = posts / _safe(doc.get("outlet") or "unknown")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{_safe(title)[:80] or doc['id']}-{doc['id'][:8]}.md"
        front_matter = yaml.safe_dump({k: v for k, v in front.items() if v}, allow_unicode=True, sort_keys=False)
        (folder / name).write_text(f"\n---\n{front_matter}---\n\n{body_html(text)}\n", encoding="utf-8")
        n += 1
    return n


def write_rss(docs: Iterable[dict], title: str, link: str, which: str = "canonical", *,
              link_for: Callable[[dict], str] | None = None) -> str:
    """RSS 2.0.  ``link_for``: each item's link (default: the article's own URL), e.g. a page of this server."""
    link_for = link_for or _link
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = title
    ET.SubElement(channel, "link").text = link
    ET.SubElement(channel, "description").text = f"{title} (exported by autointel)"
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(datetime.now(timezone.utc))
    for doc in docs:
        item_title, text = _text(doc, which)
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = item_title
        ET.SubElement(item, "link").text = link_for(doc)
        ET.SubElement(item, "guid", isPermaLink="false").text = f"autointel:{doc['id']}"
        when = _when(doc)
        if when:
            ET.SubElement(item, "pubDate").text = format_datetime(when)
        if doc.get("outlet"):
            ET.SubElement(item, "source", url=doc.get("feed") or _link(doc)).text = doc["outlet"]
        if doc.get("author"):
            ET.SubElement(item, "author").text = doc["author"]
        ET.SubElement(item, "description").text = body_html(text)
    ET.indent(rss)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


def write_atom(docs: Iterable[dict], title: str, link: str, which: str = "canonical", *,
               link_for: Callable[[dict], str] | None = None) -> str:
    """Atom 1.0; ``link_for`` as for write_rss."""
    link_for = link_for or _link
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:autointel:export:{hashlib.sha1(link.encode()).hexdigest()[:16]}"
    ET.SubElement(feed, f"{{{ATOM}}}link", href=link)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for doc in docs:
        entry_title, text = _text(doc, which)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = entry_title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:autointel:{doc['id']}"
        ET.SubElement(entry, f"{{{ATOM}}}link", href=link_for(doc))
        when = _when(doc)
        stamp = (when or datetime(1970, 1, 1, tzinfo=timezone.utc)).isoformat(timespec="seconds")
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = stamp
        if when:
            ET.SubElement(entry, f"{{{ATOM}}}published").text = stamp
        if doc.get("author") or doc.get("outlet"):
            author = ET.SubElement(entry, f"{{{ATOM}}}author")
            ET.SubElement(author, f"{{{ATOM}}}name").text = doc.get("author") or doc.get("outlet")
        ET.SubElement(entry, f"{{{ATOM}}}content", type="html").text = body_html(text)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _safe(name: str) -> str:
    """A file or folder name: no separators, no control characters, no leading dots."""
    return _UNSAFE_NAME.sub("_", name or "").strip(" .")[:120]
