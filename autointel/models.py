"""Contracts between pipeline stages: plain frozen dataclasses."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Mapping

BodyFormat = Literal["text", "html", "markdown"]
Script = Literal["simplified", "traditional", "mixed", "none"]


@dataclass(frozen=True)
class SourceText:
    """A decoded input: one file, one URL response, or one record inside a container."""

    text: str
    location: str  # path, URL, or "path#line" for records inside a container
    name: str  # file name used for format detection (extension matters)
    encoding: str = "utf-8"
    feed: str | None = None  # feed URL or file this came from, if any


@dataclass(frozen=True)
class RawArticle:
    """What a reader found: one article, still in its source script and markup."""

    source_key: str  # identity: guid/url when known, else location[#n]
    location: str
    body: str
    body_format: BodyFormat
    reader: str
    title: str | None = None
    url: str | None = None
    published_at: datetime | None = None  # timezone-aware, or None when the source has no date
    outlet: str | None = None
    author: str | None = None
    feed: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FailedInput:
    """An input (or part of one) that could not be read; recorded, never dropped."""

    source_key: str
    location: str
    code: str
    message: str
    reader: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class CanonicalArticle:
    """A RawArticle after cleaning and script normalisation."""

    raw: RawArticle
    original: str  # article text in its source script, markup removed, nothing else changed
    canonical: str  # cleaned, Simplified text
    offsets: list[list[int]]  # AlignedText runs: canonical -> original
    script: Script
    title: str | None  # canonical (Simplified) title
    original_title: str | None
    outlet: str | None  # Simplified; the platform named in a footer when the source gave none
    metadata: Mapping[str, Any]
    content_hash: str
