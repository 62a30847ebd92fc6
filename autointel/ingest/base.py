"""The reader contract and the registry that picks the best reader for an input.

Like ingest-file's ingestors, each reader says how well it recognises an input
(``score``: 0 = not mine, 1 = certainly mine); the highest score wins, and the
user can force a reader by name with ``--format``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol, Union

from autointel.errors import IngestError
from autointel.models import FailedInput, RawArticle, SourceText

ReadResult = Union[RawArticle, FailedInput]


@dataclass(frozen=True)
class ReadContext:
    """What a reader may need beyond its input.

    ``dispatch`` lets container readers (JSONL, digests of files) hand an inner
    record to whichever reader fits it, without importing the registry.
    """

    dispatch: Callable[[SourceText], Iterator[ReadResult]]
    max_record_bytes: int = 20 * 1024 * 1024
    options: dict = field(default_factory=dict)


class Reader(Protocol):
    name: str  # used by --format
    extensions: tuple[str, ...]  # lower-case, with dot; a hint that raises the score

    def score(self, src: SourceText) -> float: ...

    def read(self, src: SourceText, ctx: ReadContext) -> Iterator[ReadResult]: ...


_REGISTRY: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    if reader.name in _REGISTRY:
        raise ValueError(f"reader {reader.name!r} registered twice")
    _REGISTRY[reader.name] = reader
    return reader


def readers() -> dict[str, Reader]:
    from autointel.ingest import formats  # noqa: F401  (registers the built-in readers)

    return dict(_REGISTRY)


def pick_reader(src: SourceText, forced: str | None = None) -> Reader:
    all_readers = readers()
    if forced:
        try:
            return all_readers[forced]
        except KeyError:
            raise IngestError("E110", f"unknown format {forced!r}; known: {', '.join(sorted(all_readers))}")
    best, best_score = None, 0.0
    for reader in all_readers.values():
        s = reader.score(src)
        if s > best_score:
            best, best_score = reader, s
    if best is None:
        raise IngestError("E110", path=src.location)
    return best
