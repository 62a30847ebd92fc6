"""The only module that knows the order of the stages: sources -> readers -> normalise -> store."""
from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable, Iterator

from autointel.errors import AutointelError
from autointel.ingest.base import ReadContext, ReadResult, pick_reader
from autointel.ingest.sources import SourceOptions, iter_sources
from autointel.models import CanonicalArticle, FailedInput, SourceText
from autointel.normalize.canonical import canonicalize
from autointel.store import entities as entity_store
from autointel.store import search as search_store
from autointel.store import topics as topic_store
from autointel.store.stories import assign_story

log = logging.getLogger(__name__)
COMMIT_EVERY = 500  # documents per transaction: bounded loss on a crash, fast bulk loads


@dataclass
class IngestSummary:
    counts: Counter = field(default_factory=Counter)
    failures: list[FailedInput] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    chars: int = 0  # canonical characters produced
    bytes_in: int = 0  # UTF-8 bytes of decoded input text

    def as_dict(self) -> dict:
        return {**{k: self.counts.get(k, 0) for k in ("new", "updated", "unchanged", "duplicate", "failed")},
                "skipped": len(self.skipped), "chars": self.chars}


def read_source(src: SourceText, forced_format: str | None = None, ctx: ReadContext | None = None) -> Iterator[ReadResult]:
    """All articles (or recorded failures) in one decoded input; never raises IngestError."""
    if ctx is None:
        ctx = ReadContext(dispatch=lambda inner: read_source(inner, None, ctx))
    try:
        reader = pick_reader(src, forced_format)
        yield from reader.read(src, ctx)
    except AutointelError as e:
        yield FailedInput(src.location, src.location, e.code, e.detail)
    except RecursionError:
        yield FailedInput(src.location, src.location, "E115", "input nested too deeply")
    except Exception as e:  # a reader bug must cost one input, not the batch
        yield FailedInput(src.location, src.location, "E110", f"reader crashed: {type(e).__name__}: {e}")


def normalize_results(results: Iterator[ReadResult]) -> Iterator[CanonicalArticle | FailedInput]:
    for result in results:
        if isinstance(result, FailedInput):
            yield result
            continue
        try:
            article = canonicalize(result)
        except AutointelError as e:
            yield FailedInput(result.source_key, result.location, e.code, e.detail, result.reader, result.title)
            continue
        if not article.canonical.strip() and not article.title:
            yield FailedInput(result.source_key, result.location, "E113", "no article text after cleaning",
                              result.reader, result.title)
            continue
        yield article


def articles_from(inputs: list[str], *, forced_format: str | None = None,
                  options: SourceOptions | None = None) -> Iterator[CanonicalArticle | FailedInput]:
    """Everything found in the inputs, canonicalised; used by ingest and by ``normalize``."""
    options = options or SourceOptions()
    for src in iter_sources(inputs, options):
        if isinstance(src, FailedInput):
            yield src
            continue
        yield from normalize_results(read_source(src, forced_format))


def linker_for(store):
    """The linker over the bundled knowledge base plus this database's curator additions."""
    from autointel.kb.loader import load_kb
    from autointel.link.linker import Linker, default_linker, frozen

    local = entity_store.local_entities(store.conn)
    return frozen(Linker(load_kb(extra=local))) if local else default_linker()


# Bump when fact or claim extraction changes: `autointel link` then redoes every document.
EXTRACTION_VERSION = "3"


def analysis_version(linker) -> str:
    """What a document's entities, facts, claims and topics were derived with: knowledge base, extractors,
    taxonomy."""
    from autointel.topics import TAXONOMY_VERSION

    return f"{linker.kb.version}.{EXTRACTION_VERSION}.{TAXONOMY_VERSION}"


@dataclass
class DocumentAnalysis:
    """What linking and extraction derive from one article's text, before anything is stored: computed
    without the store (so in a worker process, see autointel/engines/), saved by ``save_analysis``."""

    mentions: list  # DocumentMention, body and title
    facts: list
    claims: list
    topics: list  # TopicScore
    version: str  # analysis_version(linker)
    story: object = None  # stories.signed.Signed: the story signature, made by the worker too


def analyse_text(linker, canonical: str, runs, title: str | None, original_title: str | None,
                 published_at: str | None = None) -> DocumentAnalysis:
    """Entities, facts, claims and topics of one article's canonical text; pure (no store)."""
    from autointel.facts.claims import extract_claims
    from autointel.facts.extract import extract_facts
    from autointel.link.document import link_document
    from autointel.topics import tag_document

    canonical = canonical or ""
    mentions = link_document(linker, canonical, runs or [], title, original_title)
    body = [m for m in mentions if m.field == "body"]
    published = _date(published_at)
    facts = extract_facts(canonical, body, linker.kb, published)
    claims = extract_claims(canonical, body, linker.kb)
    topics = tag_document(title, canonical, mentions, linker.kb)
    return DocumentAnalysis(mentions, facts, claims, topics, analysis_version(linker))


def save_analysis(store, kb, doc_id: str, analysis: DocumentAnalysis, runs, published_at: str | None = None,
                  fresh: bool = False) -> int:
    """Store one article's analysis, replacing what an earlier run stored for it (the writes
    ``link_and_save`` always made, in the same order: claims are matched against earlier documents' claims)."""
    from functools import partial

    from autointel.facts.claims import same_claim
    from autointel.link.document import SpanMap
    from autointel.store import facts as fact_store

    entity_store.save_mentions(store.conn, doc_id, analysis.mentions, analysis.version, fresh)
    search_store.mark_dirty(store.conn, doc_id)  # the index holds its entities: take it again
    spans = SpanMap(runs or [])
    fact_store.save_facts(store.conn, doc_id, analysis.facts, spans.original, fresh)
    if analysis.claims or not fresh:
        fact_store.save_claims(store.conn, doc_id, analysis.claims, spans.original, published_at,
                               partial(same_claim, kb), fresh)
    topic_store.save_topics(store.conn, doc_id, analysis.topics, fresh=fresh)
    return len(analysis.mentions)


def _date(value: str | None):
    from autointel.facts.document import _date as parse

    return parse(value)


def link_and_save(store, linker, doc_id: str, canonical: str, runs, title: str | None,
                  original_title: str | None, published_at: str | None = None, fresh: bool = False) -> int:
    """Link the entities of one stored article, then extract its facts, claims and topics; replaces what an
    earlier run stored for it."""
    analysis = analyse_text(linker, canonical, runs, title, original_title, published_at)
    return save_analysis(store, linker.kb, doc_id, analysis, runs, published_at, fresh)


def refresh_search(store, workers: int | None = None) -> int:
    """Bring the full-text index up to date with the store; a busy index (another writer) is left for the
    next run, which finds the same documents still marked as changed. ``workers``: segmenting processes
    (default: the index's own choice)."""
    from autointel.search.index import SearchError, index_path
    from autointel.search.service import update_index

    if index_path(store.path) is None:
        return 0
    try:
        return update_index(store, workers=workers)
    except SearchError as e:
        if e.code != "E601":
            raise
        log.warning("search index busy, not updated now: %s", e)
        return 0


def refresh_stories(store) -> None:
    """Signatures made with older story parameters cannot be found by new documents: redo them first."""
    from autointel.store.stories import rebuild_stories, stories_need_rebuild

    if stories_need_rebuild(store.conn):
        store.begin()
        try:
            rebuild_stories(store.conn)
        finally:
            store.commit()


def assign_missing_stories(store) -> int:
    """Documents stored before stories existed (or by an interrupted run) join their stories."""
    rows = store.conn.execute("SELECT d.id, d.canonical, d.published_utc FROM documents d LEFT JOIN story_members m "
                              "ON m.document_id = d.id WHERE m.document_id IS NULL AND d.status = 'ok'").fetchall()
    if not rows:
        return 0
    store.begin()
    try:
        for n, row in enumerate(rows, 1):
            assign_story(store.conn, row["id"], row["canonical"], row["published_utc"])
            if n % COMMIT_EVERY == 0:
                store.commit()
                store.begin()
    finally:
        store.commit()
    return len(rows)


def relink(store, linker, *, everything: bool = False,
           on_item: Callable[[str], None] | None = None, refresh: bool = True) -> int:
    """Link the documents not yet linked with this knowledge base (or all of them)."""
    count = 0
    store.begin()
    try:
        for row in entity_store.documents_to_link(store.conn, analysis_version(linker), everything):
            runs = json.loads(row["offsets"]) if row["offsets"] else []
            link_and_save(store, linker, row["id"], row["canonical"], runs, row["title"], row["original_title"],
                          row["published_at"])
            count += 1
            if on_item:
                on_item(row["id"])
            if count % COMMIT_EVERY == 0:
                store.commit()
                store.begin()
    finally:
        store.commit()
    if count and refresh:
        refresh_search(store)
    return count


def save_items(items: Iterable[CanonicalArticle | FailedInput], store, summary: IngestSummary, *, linker=None,
               on_item: Callable[[CanonicalArticle | FailedInput, str], None] | None = None) -> None:
    """Store (and link) what the readers produced, committing every COMMIT_EVERY items; the caller has
    begun a transaction and commits the last batch. An item may come as ``(item, analysis)``: its
    ``DocumentAnalysis`` was computed by a worker process (autointel/engines/) and is saved as it is, unless
    it was made with another knowledge base or extractor version than ``linker``'s."""
    pending = 0
    version = analysis_version(linker) if linker is not None else None
    for entry in items:
        item, analysis = entry if isinstance(entry, tuple) else (entry, None)
        if isinstance(item, FailedInput):
            store.save_failure(item)
            summary.failures.append(item)
            status = "failed"
        else:
            outcome = store.save_article(item)
            status = outcome.status
            if status == "updated":
                search_store.mark_dirty(store.conn, outcome.document_id)
            if status in ("new", "updated"):
                utc = item.raw.published_at.astimezone(timezone.utc).isoformat() if item.raw.published_at else None
                assign_story(store.conn, outcome.document_id, item.canonical, utc,
                             signed=analysis.story if analysis is not None else None)
            if linker is not None and status in ("new", "updated"):
                published = item.raw.published_at.isoformat() if item.raw.published_at else None
                if analysis is not None and analysis.version == version:
                    save_analysis(store, linker.kb, outcome.document_id, analysis, item.offsets, published,
                                  fresh=status == "new")
                else:
                    link_and_save(store, linker, outcome.document_id, item.canonical, item.offsets, item.title,
                                  item.original_title, published, fresh=status == "new")
            summary.chars += len(item.canonical)
            summary.bytes_in += len(item.raw.body.encode("utf-8"))
        summary.counts[status] += 1
        if on_item:
            on_item(item, status)
        pending += 1
        if pending >= COMMIT_EVERY:
            store.commit()
            store.begin()
            pending = 0


def ingest(inputs: list[str], store, *, forced_format: str | None = None, options: SourceOptions | None = None,
           on_item: Callable[[CanonicalArticle | FailedInput, str], None] | None = None,
           linker=None, search: bool = True, items: Iterable | None = None,
           index_workers: int | None = None) -> IngestSummary:
    """Read, store, link and index ``inputs``. ``items``: what the readers produced, when something else read
    them (the parallel engines in autointel/engines/: articles or (article, analysis) pairs, in input order)."""
    options = options or SourceOptions()
    summary = IngestSummary()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    refresh_stories(store)
    store.begin()
    try:
        if items is None:
            items = articles_from(inputs, forced_format=forced_format, options=options)
        save_items(items, store, summary, linker=linker, on_item=on_item)
        summary.skipped = list(options.skipped)
        if linker is not None:  # documents stored before this knowledge-base version
            store.commit()
            relink(store, linker, refresh=False)
            store.begin()
        store.record_run(inputs, started, summary.as_dict())
    finally:
        store.commit()
    assign_missing_stories(store)
    if search:
        refresh_search(store, index_workers)
    return summary
