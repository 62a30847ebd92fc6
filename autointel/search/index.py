"""The tantivy index beside the database: schema, opening, writing.

Text fields hold pre-segmented, lower-cased text (see segment.py) that tantivy's simple tokenizer splits
into runs of letters and digits in Rust; the body field also holds the title's tokens, so it alone decides
matching, and the title field only adds to the score.  Keyword fields (entities, topics, outlet, month,
metrics) are raw and fast so filters and facets run inside tantivy.  Documents are addressed by the SQLite
rowid (a fast integer), which makes deletes by term and batch lookups cheap.
"""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import tantivy

from autointel.errors import AutointelError

SEARCH_VERSION = "11"  # bump when the schema or the segmentation changes: the index is then rebuilt
ANALYZER = "zh_tokens"
# The body field also holds the title's tokens, so it alone decides what matches (one clause per query word);
# the title field only adds to the score of documents that already match.
TEXT_FIELDS = ("title", "body")
KEYWORD_FIELDS = ("entities", "topics", "outlet", "month", "metrics")
WRITER_HEAP = 512_000_000  # bytes, shared by the writer's 2 threads; an upper bound (the arena grows as used)
# In a new index until sync has marked every document "index me" in the database.  Remembered on disk, not
# only in the object: a reader that opens (creates) the index without syncing, or a writer killed before
# its sync, must not leave the next sync believing search_sync rows that describe a deleted index.
NEEDS_FULL_SYNC = "needs-full-sync"


class SearchError(AutointelError):
    """The index could not be opened, written or queried."""


@dataclass
class IndexDoc:
    rowid: int
    title_tokens: str  # segmented and lower-cased: see segment.Segmenter.index_text
    body_tokens: str  # the title's tokens, then the body's
    day: int | None = None  # days since 1970-01-01 (UTC) of publication
    outlet: str | None = None
    entities: list[str] = field(default_factory=list)  # one entry per mention: term frequency counts
    topics: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)

    @property
    def month(self) -> str | None:
        if self.day is None:
            return None
        import datetime as dt

        return (dt.date(1970, 1, 1) + dt.timedelta(days=self.day)).strftime("%Y-%m")


def build_schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    # i64, not u64: the Python binding turns an int into an i64 term, so deletes on a u64 field match nothing
    b.add_integer_field("rowid", stored=False, indexed=True, fast=True)
    for name in TEXT_FIELDS:
        b.add_text_field(name, stored=False, tokenizer_name=ANALYZER, index_option="freq")
    for name in KEYWORD_FIELDS:
        b.add_text_field(name, stored=False, fast=True, tokenizer_name="raw", index_option="freq")
    # every mention's entity id, space-separated: term frequency = mentions, one add per document
    b.add_text_field("entity_mentions", stored=False, tokenizer_name="whitespace", index_option="freq")
    b.add_integer_field("day", stored=False, indexed=True, fast=True)
    return b.build()


def _analyzer() -> tantivy.TextAnalyzer:
    # The segmenter put spaces between words, joined decimals (352点1) and lower-cased the text (in Python, one
    # str.lower per document: tantivy's lowercase filter cost a third of the indexing time on Chinese tokens);
    # the simple tokenizer keeps runs of letters and digits (Unicode-aware, unlike the alphanum_only filter,
    # which would drop every Chinese token).
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .build())


def index_path(db_path: str) -> Path | None:
    """Where the index of a database lives: ``<db>.index/`` beside it; None for in-memory databases; for a
    PostgreSQL URL, a folder of this machine (store/postgres.py: local_path)."""
    if not db_path or db_path == ":memory:":
        return None
    if db_path.startswith(("postgresql://", "postgres://")):
        from autointel.store.postgres import local_path

        return local_path(db_path, ".index")
    return Path(f"{db_path}.index")


@contextmanager
def _creation_lock(path: Path):
    """Held while an index is checked, removed or created: two processes opening a missing (or outdated)
    index at once, a reader and an ingest, would otherwise delete each other's half-made directory.  An
    flock on ``<index>.lock`` beside it, released by the kernel if the holder dies."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock = open(f"{path}.lock", "a")
    except OSError:  # a read-only folder: nobody can create an index there either
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class SearchIndex:
    def __init__(self, path: Path | None):
        self.path = path
        self.schema = build_schema()
        self.created = True  # a new (empty) index: everything in the database must be indexed again
        try:
            if path is None:
                self.index = tantivy.Index(self.schema)
            else:
                with _creation_lock(path):
                    self._open_or_create(path)
        except (ValueError, OSError) as e:
            raise SearchError("E603", f"cannot open the search index at {path}: {e}")
        self.index.register_tokenizer(ANALYZER, _analyzer())
        self._writer = None

    def _open_or_create(self, path: Path) -> None:
        """Open the index at ``path``; remove one of an older layout (or left half-made by a crash) and create it."""
        version_file = path / "autointel-version"
        if path.exists() and (not version_file.exists() or version_file.read_text().strip() != SEARCH_VERSION):
            shutil.rmtree(path)  # an index of an older layout: rebuilt from the database by sync
        new = not path.exists()
        path.mkdir(parents=True, exist_ok=True)
        if new:  # kept until a sync has marked every document: survives a crash, and readers that never sync
            (path / NEEDS_FULL_SYNC).touch()
        self.created = (path / NEEDS_FULL_SYNC).exists()
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        if new:
            # only a new index gets the file, and atomically: every API thread opens the index, and
            # one rewriting it (truncate, then write) let another read "" and delete the live index
            partial = path / "autointel-version.partial"
            partial.write_text(SEARCH_VERSION)
            partial.replace(version_file)

    def full_sync_marked(self) -> None:
        """The database now has every document marked for indexing: a new index no longer needs it."""
        if self.path is not None:
            (self.path / NEEDS_FULL_SYNC).unlink(missing_ok=True)
        self.created = False

    # ---- writing ------------------------------------------------------------------------
    def writer(self):
        if self._writer is None:
            try:
                self._writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=2)
            except ValueError as e:
                raise SearchError("E601", f"{self.path}: {e}")
        return self._writer

    def add(self, doc: IndexDoc, *, replace: bool = True) -> None:
        """``replace=False`` when the index cannot hold the document (it was just emptied or created): the
        delete per document, applied at commit to every segment, made indexing 19% slower in a test."""
        w = self.writer()
        if replace:
            w.delete_documents_by_term("rowid", doc.rowid)
        d = tantivy.Document()
        d.add_integer("rowid", doc.rowid)
        d.add_text("title", doc.title_tokens)
        d.add_text("body", doc.body_tokens)
        if doc.day is not None:
            d.add_integer("day", doc.day)
            d.add_text("month", doc.month)
        if doc.outlet:
            d.add_text("outlet", doc.outlet)
        if doc.entities:
            d.add_text("entity_mentions", " ".join(doc.entities))
        for name, values in (("entities", dict.fromkeys(doc.entities)), ("topics", doc.topics),
                             ("metrics", doc.metrics)):
            for v in values:
                d.add_text(name, v)
        w.add_document(d)

    def delete(self, rowid: int) -> None:
        self.writer().delete_documents_by_term("rowid", rowid)

    def clear(self) -> None:
        self.writer().delete_all_documents()

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self.index.reload()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
            self.index.reload()

    # ---- reading ------------------------------------------------------------------------
    def searcher(self) -> tantivy.Searcher:
        return self.index.searcher()

    def doc_freq(self, field_name: str, term: str) -> int:
        return self.searcher().doc_freq(field_name, term)
