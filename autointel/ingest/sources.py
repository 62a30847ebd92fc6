"""Paths and URLs to decoded inputs: directories, gzip, JSON Lines streams, size limits.

Everything that can go wrong with bytes (too big, empty, binary, corrupt gzip,
unknown encoding, unreachable URL) becomes a ``FailedInput`` here, so readers
only ever see text.
"""
from __future__ import annotations

import gzip
import io
import os
import posixpath
import stat
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator, Union
from urllib.parse import urlparse

from autointel.errors import IngestError
from autointel.ingest.decode import decode_bytes
from autointel.models import FailedInput, SourceText

Source = Union[SourceText, FailedInput]

# Files an archive carries beside its articles (images, styles, fonts); skipped, and counted.
SKIP_EXTENSIONS = frozenset(
    ".png .jpg .jpeg .gif .webp .svg .ico .bmp .tif .tiff .css .js .map .woff .woff2 .ttf .otf .eot "
    ".mp3 .mp4 .mov .avi .webm .zip .pdf .db .sqlite .pyc .lock "
    ".tsv .csv .parquet".split()  # tables (an archive's manifest) are not articles
)
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
# How much of one oversized JSON line is read past (to find where the next line starts) before giving up on
# the file; gzip inflates ~400 MB/s here, so this bounds a compressed bomb's line to well under a second.
MAX_DISCARD = 256 * 1024 * 1024


@dataclass
class SourceOptions:
    max_bytes: int = 20 * 1024 * 1024  # one document (or one JSONL record)
    allow_private: bool = False
    allow_hosts: frozenset[str] = frozenset()
    skipped: list[str] = field(default_factory=list)


def is_url(value: str) -> bool:
    return urlparse(value).scheme in ("http", "https")


def iter_sources(inputs: list[str], options: SourceOptions) -> Iterator[Source]:
    for item in inputs:
        if is_url(item):
            yield from _from_url(item, options)
            continue
        path = Path(item)
        if path.is_dir():
            for file in _walk(path, options):
                yield from _from_file(file, options)
        elif path.exists():
            yield from _from_file(path, options)
        else:
            yield FailedInput(str(path), str(path), "E101", "no such file or directory")


def _walk(root: Path, options: SourceOptions) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            p = Path(dirpath, name)
            if p.suffix.lower() in SKIP_EXTENSIONS:
                options.skipped.append(str(p))
                continue
            yield p


def _fail(location: str, err: IngestError) -> FailedInput:
    return FailedInput(location, location, err.code, err.detail)


# What reading a file can raise, and the coded error each becomes (one rule for every reader of files).
READ_ERRORS = (IngestError, EOFError, zlib.error, gzip.BadGzipFile, OSError)


def read_failure(location: str, e: BaseException) -> FailedInput:
    if isinstance(e, IngestError):
        return _fail(location, e)
    if isinstance(e, (EOFError, zlib.error, gzip.BadGzipFile)):
        return _fail(location, IngestError("E111", f"{type(e).__name__}: {e}"))
    return _fail(location, IngestError("E101", f"{type(e).__name__}: {getattr(e, 'strerror', None) or e}"))


def display_path(path: Path) -> str:
    """``str(path)``, unless the file name is not UTF-8: then its bad bytes are written as ``\\xff``.

    Python hands such names over with lone surrogates (PEP 383), which no UTF-8 consumer (the database,
    JSON output, hashing the identity) accepts; the escaped form is still unique and readable."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _from_file(path: Path, options: SourceOptions) -> Iterator[Source]:
    location = display_path(path)
    name = path.name.lower()
    try:
        # A named pipe, socket or device would block the batch forever (or never end, like /dev/zero).
        if not stat.S_ISREG(path.stat().st_mode):
            raise IngestError("E101", "not a regular file (a pipe, socket or device)")
        if name.endswith(JSONL_SUFFIXES):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as fh:
                yield from _jsonl_records(fh, location, path.name, options)
            return
        size = path.stat().st_size
        if name.endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                data = _read_bounded(fh, options.max_bytes, location)
            inner = path.name[:-3]
        else:
            if size > options.max_bytes:
                raise IngestError("E105", f"{size} bytes, limit {options.max_bytes}")
            data = path.read_bytes()
            inner = path.name
        text, encoding = decode_bytes(data, location)
        yield SourceText(text=text, location=location, name=inner, encoding=encoding)
    except READ_ERRORS as e:
        yield read_failure(location, e)


def _read_bounded(fh: BinaryIO, limit: int, location: str) -> bytes:
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise IngestError("E105", f"more than {limit} bytes after decompression", path=location)
    return data


def jsonl_tail(path: Path, offset: int, lines: int, options: SourceOptions) -> tuple[list[Source], int, int]:
    """The whole lines a growing JSON Lines file gained after ``offset`` (``lines`` lines already read):
    (records, new offset, new line count). A partly written last line waits for the next call."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    end = data.rfind(b"\n") + 1
    complete = data[:end]
    records = list(_jsonl_records(io.BytesIO(complete), str(path), path.name, options, first_line=lines))
    return records, offset + end, lines + complete.count(b"\n")


def _jsonl_records(fh: BinaryIO, location: str, name: str, options: SourceOptions,
                   first_line: int = 0) -> Iterator[Source]:
    """Stream a JSON Lines file one record at a time; an oversized line is skipped, not loaded."""
    n = first_line
    try:
        while True:
            line = fh.readline(options.max_bytes + 1)
            if not line:
                return
            n += 1
            loc = f"{location}#L{n}"
            if len(line) > options.max_bytes and not line.endswith(b"\n"):
                discarded = len(line)
                while True:  # discard the rest of the oversized line
                    chunk = fh.readline(1 << 20)
                    discarded += len(chunk)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                    if discarded > MAX_DISCARD:  # a gzip bomb's one endless line: 1 GB took 2.3 s to skip
                        yield FailedInput(loc, loc, "E105", f"JSON line longer than {MAX_DISCARD} bytes; "
                                          "the rest of the file is not read")
                        return
                yield FailedInput(loc, loc, "E105", f"JSON line longer than {options.max_bytes} bytes")
                continue
            if not line.strip():
                continue
            try:
                text, encoding = decode_bytes(line, loc)
            except IngestError as e:
                yield _fail(loc, e)
                continue
            yield SourceText(text=text, location=loc, name=name, encoding=encoding)
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        loc = f"{location}#L{n + 1}"
        yield _fail(loc, IngestError("E111", f"stream ends early after line {n}: {type(e).__name__}"))


def _from_url(url: str, options: SourceOptions) -> Iterator[Source]:
    from autointel.ingest.fetch import fetch_url

    try:
        result = fetch_url(url, max_bytes=options.max_bytes, allow_private=options.allow_private,
                           allow_hosts=options.allow_hosts)
        data = result.content
        if data[:2] == b"\x1f\x8b":
            data = _read_bounded(gzip.GzipFile(fileobj=io.BytesIO(data)), options.max_bytes, url)
        text, encoding = decode_bytes(data, url)
    except IngestError as e:
        yield _fail(url, e)
        return
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        yield _fail(url, IngestError("E111", str(e)))
        return
    name = posixpath.basename(urlparse(result.url).path) or "index.html"
    yield SourceText(text=text, location=url, name=name, encoding=encoding, feed=url)
