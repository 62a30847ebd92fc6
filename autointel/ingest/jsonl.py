"""JSON Lines: each object is an article (title/text/date/source/url) or a whole file in ``text``.

The bulk corpus stores whole Markdown files as ``{"path", "text"}``; those are
handed back to the registry so the Markdown (or Hexo, digest...) reader reads
them exactly as it would read the file on disk.
"""
from __future__ import annotations

import json
import posixpath
import re
from typing import Iterator

from autointel.ingest.base import ReadContext, ReadResult
from autointel.ingest.frontmatter import parse_date
from autointel.models import FailedInput, RawArticle, SourceText

_TEXT_KEYS = ("text", "content", "body", "article")
_TITLE_KEYS = ("title", "headline")
_DATE_KEYS = ("date", "published_at", "published", "pubDate", "time")
_URL_KEYS = ("url", "link")
_SOURCE_KEYS = ("source", "outlet", "site", "media")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_unicode(value):
    """JSON may escape half of a surrogate pair ("\\ud800") and nothing else; such a string cannot be
    encoded as UTF-8 (database, hashes, output), so each lone half becomes U+FFFD. Valid pairs were already
    joined into one character by the JSON decoder.  Only the levels a record's fields are read from are
    cleaned (the object, and lists in it): deeper values are never used, and walking them would recurse."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_valid_unicode(k): (_valid_unicode(v) if isinstance(v, (str, list)) else v) for k, v in value.items()}
    if isinstance(value, list):
        return [_LONE_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for v in value]
    return value


def _first(obj: dict, keys: tuple[str, ...]):
    for k in keys:
        v = obj.get(k)
        if v not in (None, ""):
            return v
    return None


class JsonlReader:
    name = "jsonl"
    extensions = (".jsonl", ".ndjson", ".json")

    def score(self, src: SourceText) -> float:
        if src.name.lower().endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")):
            return 0.95  # a line of a JSON Lines file is JSON, or a coded failure
        head = src.text.lstrip("\ufeff \t\r\n")[:1]
        if head != "{":
            return 0.0
        return 0.9 if src.name.lower().endswith(self.extensions) else 0.6

    def read(self, src: SourceText, ctx: ReadContext) -> Iterator[ReadResult]:
        for n, line in enumerate(src.text.split("\n"), 1):
            if not line.strip():
                continue
            location = src.location if "#L" in src.location else f"{src.location}#L{n}"
            yield from self._read_object(line, location, src, ctx)

    def _read_object(self, line: str, location: str, src: SourceText, ctx: ReadContext) -> Iterator[ReadResult]:
        try:
            obj = _valid_unicode(json.loads(line))
        except json.JSONDecodeError as e:
            yield FailedInput(location, location, "E109", f"invalid JSON at column {e.colno}: {e.msg}", self.name)
            return
        except ValueError as e:  # an integer of more than 4300 digits (Python's limit against CPU exhaustion)
            yield FailedInput(location, location, "E109", f"invalid JSON: {e}"[:200], self.name)
            return
        if not isinstance(obj, dict):
            yield FailedInput(location, location, "E109", "JSON line is not an object", self.name)
            return
        text = _first(obj, _TEXT_KEYS)
        title = _first(obj, _TITLE_KEYS)
        if not isinstance(text, str) or not text.strip():
            yield FailedInput(location, location, "E113", "JSON object has no text field", self.name, title)
            return
        if title is None:
            # A whole file in one field: read it with the reader that fits it.
            inner_name = obj.get("path") or obj.get("name") or "record.txt"
            inner_loc = f"{location.split('#')[0]}#{inner_name}" if obj.get("path") else location
            yield from ctx.dispatch(SourceText(text=text, location=inner_loc, name=posixpath.basename(str(inner_name)), feed=src.feed))
            return
        published, precision = parse_date(_first(obj, _DATE_KEYS))
        url = _first(obj, _URL_KEYS)
        known = set(_TEXT_KEYS + _TITLE_KEYS + _DATE_KEYS + _URL_KEYS + _SOURCE_KEYS)
        meta = {k: v for k, v in obj.items() if k not in known and isinstance(v, (str, int, float, bool))}
        if precision:
            meta["date_precision"] = precision
        body_format = "html" if text.lstrip().startswith("<") else "text"
        yield RawArticle(
            source_key=str(obj.get("id") or obj.get("guid") or url or location),
            location=location,
            body=text,
            body_format=body_format,
            reader=self.name,
            title=str(title).strip(),
            url=str(url) if url else None,
            published_at=published,
            outlet=str(_first(obj, _SOURCE_KEYS)) if _first(obj, _SOURCE_KEYS) else None,
            author=str(obj["author"]) if isinstance(obj.get("author"), str) else None,
            feed=src.feed,
            metadata=meta,
        )
