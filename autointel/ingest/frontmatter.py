"""YAML front matter shared by the Hexo and Markdown readers.

Front matter is untrusted: it is parsed with ``yaml.safe_load`` (no Python
objects), bounded in size, and reduced to scalars and short lists of scalars so
that an alias bomb cannot be expanded later when metadata is serialised.
"""
from __future__ import annotations

import re
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import yaml

from autointel.errors import IngestError

_FRONT = re.compile(r"\A\ufeff?\s*---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
MAX_FRONT_MATTER = 64 * 1024
MAX_LIST = 100
CHINA_TZ = timezone(timedelta(hours=8))


def has_front_matter(text: str) -> bool:
    return _FRONT.match(text[: MAX_FRONT_MATTER + 16]) is not None


try:  # libyaml's parser is ~10x faster; same safe constructor
    _SafeLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _SafeLoader = yaml.SafeLoader


def split_front_matter(text: str, location: str = "") -> tuple[dict[str, Any], str]:
    """Return (metadata, body).  Raise E106 when the YAML is broken."""
    try:
        meta, end = _parse_front_matter(text)
    except IngestError as e:
        raise IngestError(e.code, e.detail, path=location) from None
    return dict(meta), text[end:]


@lru_cache(maxsize=8)  # readers score, then read, the same text: parse it once
def _parse_front_matter(text: str) -> tuple[dict[str, Any], int]:
    location = ""
    m = _FRONT.match(text)
    if not m:
        raise IngestError("E106", "no closing '---' after front matter", path=location)
    block = m.group(1)
    if len(block) > MAX_FRONT_MATTER:
        raise IngestError("E106", "front matter larger than 64 KB", path=location)
    try:
        data = yaml.load(block, Loader=_SafeLoader)
    except (yaml.YAMLError, ValueError) as e:  # ValueError: a timestamp like 2025-13-45 passes the scanner
        data = _simple_key_values(block)
        if data is None:
            mark = getattr(e, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            raise IngestError("E106", f"front matter is not valid YAML{where}", path=location)
        data["front_matter_lenient"] = True
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise IngestError("E106", "front matter is not a mapping", path=location)
    return _plain(data), m.end()


_TAGGED_TITLE = re.compile(r"^(\[[^\]\n]*\]|【[^】\n]*】)\s*\S")
_ENTITY = re.compile(r"^&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$")


def _simple_key_values(block: str) -> dict[str, Any] | None:
    """Archivers write values unquoted, which YAML rejects: ``title: @中国车企…``,
    ``title: &quot;法海&quot;…``, ``title: "TikTok难民"涌入``, ``title: [企业] …``, or a
    title that runs on over unindented lines.

    When every line is a flat ``key: value`` (or the continuation of one) and no
    value opens real YAML structure, the intent is unambiguous: read it as text.
    Anything else stays an error.
    """
    out: dict[str, Any] = {}
    last: str | None = None
    for line in block.splitlines():
        if not line.strip():
            continue
        m = _KEY_VALUE.match(line)
        if not m:
            if last is None or line.lstrip().startswith(("- ", "#")):
                return None
            out[last] = f"{out[last]} {line.strip()}".strip()
            continue
        value = (m.group(2) or "").strip()
        if not _plain_text_value(value):
            return None
        if value[:1] in "'\"" and len(value) > 1 and value[-1] == value[0]:
            value = value[1:-1]
        last = m.group(1)
        out[last] = value
    return out or None


def _plain_text_value(value: str) -> bool:
    head = value[:1]
    if head in ("[", "{"):
        return bool(_TAGGED_TITLE.match(value))  # "[企业] …" is a title; "[a, b" is broken YAML
    if head == "&":
        return bool(_ENTITY.match(value))  # an HTML entity, not a YAML anchor
    return head not in ("*", "|", ">", "!")


def _plain(data: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in list(data.items())[:200]:
        if not isinstance(key, str):
            continue
        if isinstance(value, (str, int, float, bool, date, datetime)) or value is None:
            out[key] = value
        elif isinstance(value, list):
            out[key] = [v for v in value[:MAX_LIST] if isinstance(v, (str, int, float, bool))]
    return out


def parse_date(value: Any) -> tuple[datetime | None, str | None]:
    """Front-matter date to (timezone-aware datetime, precision).

    RFC 822 ("Wed, 09 Feb 2022 03:25:01 GMT") and ISO 8601 with a zone are
    exact.  A bare date ("2023-03-23") is a publication day of a Chinese outlet:
    it is stored as midnight China time with precision "day", so it sorts and
    filters correctly without pretending to know the hour.  A date-time without
    a zone is read as China time too (precision "minute").  Anything else is None.
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=CHINA_TZ), "minute"
        return value, "second"
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=CHINA_TZ), "day"
    s = str(value).strip()
    try:
        dt = parsedate_to_datetime(s)
        if dt is not None:
            return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)), "second"
    except (TypeError, ValueError, IndexError):
        pass
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None, None
    if len(s) <= 10:
        return dt.replace(tzinfo=CHINA_TZ), "day"
    return (dt if dt.tzinfo else dt.replace(tzinfo=CHINA_TZ)), "second"


def front_matter_article(src, body_format: str, reader: str, *, outlet_keys: tuple[str, ...] = ("source",),
                         consumed: tuple[str, ...] = ()):
    """The RawArticle fields every front-matter format shares (Hexo posts, Markdown files).

    A file is identified by where it lives: archives re-fetch the same URL into
    several files, and none of them may be lost (identical content becomes one
    document in the store).  Returns ``(RawArticle, meta)`` so a reader can adjust.
    """
    import html

    from autointel.models import RawArticle

    meta, body = split_front_matter(src.text, src.location)
    published, precision = parse_date(meta.get("date"))
    url = meta.get("url") or meta.get("link") or meta.get("permalink")
    skip = {"title", "date", "url", "link", "permalink", *consumed}
    extra = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in meta.items() if k not in skip}
    if precision:
        extra["date_precision"] = precision
    outlet = next((meta[k] for k in outlet_keys if meta.get(k)), None)
    article = RawArticle(
        source_key=src.location,
        location=src.location,
        body=body,
        body_format=body_format,
        reader=reader,
        title=html.unescape(str(meta["title"])).strip() if meta.get("title") else None,  # scraped titles carry &quot;
        url=str(url) if url else None,
        published_at=published,
        outlet=str(outlet) if outlet else None,
        feed=src.feed,
        metadata=extra,
    )
    return article, meta
