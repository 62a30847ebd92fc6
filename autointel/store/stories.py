"""Stories in the database: incremental assignment per saved document, full rebuild, and reads.

The caller owns the transaction. Every document gets a story (a singleton until a near-duplicate arrives);
a story's id is derived from its representative (earliest published member, ties by id), so re-running
over the same documents, in any order, gives the same ids and never duplicates rows.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from typing import Iterable

import numpy as np

from autointel.store.dialect import hint

from autointel.stories.batch import ShingleSets, verify_exact
from autointel.stories.cluster import components, representative_key, story_id
from autointel.stories.lsh import as_sql_keys, band_keys, candidate_pairs
from autointel.stories.minhash import signatures
from autointel.stories.params import DEFAULT_PARAMS, StoryParams
from autointel.stories.shingles import distinct_sorted, shingle_hashes, shingle_set
from autointel.stories.signed import Signed, content_hash, sign
from autointel.stories.similarity import Similarity, exact, is_near_duplicate
from autointel.stories.titles import same_title_story, title_key

REBUILD_REACH = 64  # rebuild pairs every member of a bucket up to this size (the incremental path: all)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _canonical(conn: sqlite3.Connection, doc_id: str) -> str | None:
    row = conn.execute("SELECT canonical FROM documents WHERE id = ? AND status = 'ok'", (doc_id,)).fetchone()
    return row[0] if row else None


# ---- writes ---------------------------------------------------------------------------------------------
def assign_story(conn: sqlite3.Connection, doc_id: str, canonical: str | None, published_utc: str | None,
                 params: StoryParams = DEFAULT_PARAMS, signed: Signed | None = None) -> str:
    """Put one saved document into its story and return the story id.

    Unchanged content and date: nothing is done. Otherwise its old links are forgotten (its old story may
    split), the document is signed, compared exactly with the documents sharing an LSH band key, linked to
    the near-duplicates, and the stories it touches are re-formed. ``signed``: the signature, already made
    by a worker process (stories/signed.py); the shingles themselves are then made only for a comparison.
    """
    canonical = canonical or ""
    if signed is not None and signed.params != params.version:
        signed = None
    chash = signed.content_hash if signed is not None else content_hash(canonical)
    current = conn.execute(
        "SELECT s.params, s.content_hash, s.published_utc, m.story_id FROM story_signatures s"
        " JOIN story_members m ON m.document_id = s.document_id WHERE s.document_id = ?", (doc_id,)).fetchone()
    if current and tuple(current)[:3] == (params.version, chash, published_utc):
        return current[3]
    old_mates = _forget(conn, doc_id)

    own = None
    if signed is None:
        signed, own = sign(canonical, params)
    sig = signed.array()

    def own_shingles() -> np.ndarray:
        nonlocal own
        if own is None:
            own = distinct_sorted(shingle_hashes(canonical, params.shingle, params.seed))
        return own

    title = conn.execute("SELECT title FROM documents WHERE id = ?", (doc_id,)).fetchone()
    tkey = title_key(title[0] if title else None, params)
    conn.execute("INSERT INTO story_signatures (document_id, params, content_hash, shingles, signature,"
                 " published_utc, title_key) VALUES (?,?,?,?,?,?,?) ON CONFLICT (document_id) DO UPDATE SET"
                 " params = excluded.params, content_hash = excluded.content_hash, shingles = excluded.shingles,"
                 " signature = excluded.signature, published_utc = excluded.published_utc, title_key = excluded.title_key",
                 (doc_id, params.version, chash, signed.shingles, signed.signature, published_utc, tkey))
    linked: set[str] = set()
    if signed.shingles >= params.min_shingles:
        keys = as_sql_keys(band_keys(sig[None, :], params))
        conn.executemany("INSERT INTO story_bands (key, document_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                         [(k, doc_id) for k in keys])
        marks = ",".join("?" * len(keys))
        found = [r[0] for r in conn.execute(
            f"SELECT DISTINCT document_id FROM story_bands WHERE key IN ({marks}) AND document_id != ?",
            (*keys, doc_id))]
        for other in sorted(found):
            text = _canonical(conn, other)
            if text is None:
                continue
            theirs = shingle_set(text, params.shingle, params.seed)
            sim = exact(own_shingles(), theirs)
            if is_near_duplicate(sim, signed.shingles, len(theirs), params):
                _save_link(conn, doc_id, other, sim)
                linked.add(other)
    if tkey is not None:
        for other, other_published in conn.execute(
                "SELECT document_id, published_utc FROM story_signatures WHERE title_key = ? AND document_id != ?"
                " ORDER BY document_id", (tkey, doc_id)).fetchall():
            text = _canonical(conn, other)
            if other in linked or text is None:
                continue
            theirs = shingle_set(text, params.shingle, params.seed)
            sim = exact(own_shingles(), theirs)
            if same_title_story(canonical, own_shingles(), text, theirs, sim.containment, published_utc, other_published, params):
                _save_link(conn, doc_id, other, sim, "title")
    _reform(conn, [doc_id, *old_mates], params)
    return conn.execute("SELECT story_id FROM story_members WHERE document_id = ?", (doc_id,)).fetchone()[0]


def _forget(conn: sqlite3.Connection, doc_id: str) -> list[str]:
    """Remove a document's bands, links and membership; return the other members of its old story."""
    row = conn.execute("SELECT story_id FROM story_members WHERE document_id = ?", (doc_id,)).fetchone()
    mates = []
    if row:
        mates = [r[0] for r in conn.execute(
            "SELECT document_id FROM story_members WHERE story_id = ? AND document_id != ?", (row[0], doc_id))]
        conn.execute("DELETE FROM story_members WHERE document_id = ?", (doc_id,))
        conn.execute("DELETE FROM stories WHERE id = ?", (row[0],))
    conn.execute("DELETE FROM story_bands WHERE document_id = ?", (doc_id,))
    conn.execute("DELETE FROM story_links WHERE doc_a = ? OR doc_b = ?", (doc_id, doc_id))
    return mates


def _save_link(conn: sqlite3.Connection, a: str, b: str, sim: Similarity, basis: str = "text") -> None:
    a, b = min(a, b), max(a, b)
    conn.execute("INSERT INTO story_links (doc_a, doc_b, jaccard, containment, basis) VALUES (?,?,?,?,?) ON CONFLICT"
                 " (doc_a, doc_b) DO UPDATE SET jaccard = excluded.jaccard, containment = excluded.containment,"
                 " basis = excluded.basis",
                  (a, b, sim.jaccard, sim.containment, basis))


def _component(conn: sqlite3.Connection, start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        d = todo.pop()
        for (other,) in conn.execute("SELECT doc_b FROM story_links WHERE doc_a = ? UNION "
                                     "SELECT doc_a FROM story_links WHERE doc_b = ?", (d, d)):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _reform(conn: sqlite3.Connection, seeds: Iterable[str], params: StoryParams) -> None:
    """Recompute the stories of the components containing ``seeds``."""
    done: set[str] = set()
    groups = []
    for seed in seeds:
        if seed not in done:
            members = _component(conn, seed)
            done |= members
            groups.append(sorted(members))
    # Old story rows go first and all at once: when a story splits, one part may keep its id.
    everyone = sorted(done)
    for i in range(0, len(everyone), 500):
        part = everyone[i:i + 500]
        conn.execute(f"DELETE FROM stories WHERE id IN (SELECT story_id FROM story_members WHERE document_id IN"
                     f" ({','.join('?' * len(part))}))", part)
    for members in groups:
        _write_story(conn, members, params)


def _write_story(conn: sqlite3.Connection, members: list[str], params: StoryParams,
                 links: dict[tuple[str, str], Similarity] | None = None) -> str:
    marks = ",".join("?" * len(members))
    published = dict(conn.execute(
        f"SELECT document_id, published_utc FROM story_signatures WHERE document_id IN ({marks})", members))
    rep = min(members, key=lambda d: representative_key(d, published.get(d)))
    sid = story_id(rep)
    before = {r[0]: (r[1], r[2]) for r in conn.execute(
        f"SELECT document_id, story_id, jaccard FROM story_members WHERE document_id IN ({marks})", members)}
    rep_set = None
    rows = []
    for d in members:
        if d == rep:
            rows.append((d, sid, 1.0, 1.0))
            continue
        if d in before and before[d][0] == sid and before[d][1] is not None:
            continue  # same representative as before: its similarity still holds
        pair = (min(d, rep), max(d, rep))
        sim = links.get(pair) if links is not None else None
        if sim is None and links is None:
            row = conn.execute("SELECT jaccard, containment FROM story_links WHERE doc_a = ? AND doc_b = ?",
                               pair).fetchone()
            sim = Similarity(row[0], row[1], 0.0) if row else None
        if sim is None:  # linked to the representative through others: measure directly
            if rep_set is None:
                rep_set = shingle_set(_canonical(conn, rep) or "", params.shingle, params.seed)
            sim = exact(rep_set, shingle_set(_canonical(conn, d) or "", params.shingle, params.seed))
        rows.append((d, sid, sim.jaccard, sim.containment))
    conn.executemany("INSERT INTO story_members (document_id, story_id, jaccard, containment) VALUES (?,?,?,?)"
                     " ON CONFLICT (document_id) DO UPDATE SET story_id = excluded.story_id,"
                     " jaccard = excluded.jaccard, containment = excluded.containment", rows)
    dates = sorted(p for p in (published.get(d) for d in members) if p)
    conn.execute("INSERT INTO stories (id, representative_id, documents, first_published, last_published,"
                 " updated_at) VALUES (?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET"
                 " representative_id = excluded.representative_id, documents = excluded.documents,"
                 " first_published = excluded.first_published, last_published = excluded.last_published,"
                 " updated_at = excluded.updated_at",
                 (sid, rep, len(members), dates[0] if dates else None, dates[-1] if dates else None, _now()))
    return sid


def rebuild_stories(conn: sqlite3.Connection, params: StoryParams = DEFAULT_PARAMS) -> int:
    """Forget every story and form them again from all stored documents; returns the number of stories.

    Batched (signatures in NumPy, candidates in memory) but deciding exactly as ``assign_story`` does.
    """
    for table in ("story_members", "stories", "story_links", "story_bands", "story_signatures"):
        conn.execute(f"DELETE FROM {table}")
    rows = conn.execute("SELECT id, canonical, published_utc, title FROM documents WHERE status = 'ok'"
                        " ORDER BY id").fetchall()
    if not rows:
        return 0
    ids = [r[0] for r in rows]
    texts = [r[1] or "" for r in rows]
    published = [r[2] for r in rows]
    sig, _ = signatures(texts, params)
    sets = ShingleSets(texts, params)
    distinct = np.array([len(sets[i]) for i in range(len(ids))], dtype=np.int64)
    keys = band_keys(sig, params)
    tkeys = [title_key(r[3], params) for r in rows]
    conn.executemany(
        "INSERT INTO story_signatures (document_id, params, content_hash, shingles, signature, published_utc,"
        " title_key) VALUES (?,?,?,?,?,?,?)",
        ((ids[i], params.version, content_hash(texts[i]), int(distinct[i]), sig[i].astype("<u4").tobytes(),
          published[i], tkeys[i]) for i in range(len(ids))))
    eligible = distinct >= params.min_shingles
    sql_keys = keys.astype(np.uint64).view(np.int64)
    conn.executemany("INSERT INTO story_bands (key, document_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                     ((k, ids[i]) for i in np.flatnonzero(eligible).tolist() for k in sql_keys[i].tolist()))
    links = verify_exact(texts, candidate_pairs(keys, eligible, reach=REBUILD_REACH), params, sets)
    by_pair: dict[tuple[str, str], Similarity] = {}
    for (a, b), sim in zip(links.pairs.tolist(), links.similarity):
        pair = (min(ids[a], ids[b]), max(ids[a], ids[b]))
        by_pair[pair] = sim
        _save_link(conn, *pair, sim)
    accepted = links.pairs.tolist()
    same_title: dict[str, list[int]] = {}
    for i, key in enumerate(tkeys):
        if key is not None:
            same_title.setdefault(key, []).append(i)
    for members in same_title.values():
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                pair = (min(ids[a], ids[b]), max(ids[a], ids[b]))
                if pair in by_pair:
                    continue
                sim = exact(sets[a], sets[b])
                if same_title_story(texts[a], sets[a], texts[b], sets[b], sim.containment, published[a],
                                    published[b], params):
                    by_pair[pair] = sim
                    _save_link(conn, *pair, sim, "title")
                    accepted.append([a, b])
    groups = components(len(ids), accepted)
    for members in groups:
        _write_story(conn, sorted(ids[i] for i in members), params, by_pair)
    return len(groups)


def stories_need_rebuild(conn: sqlite3.Connection, params: StoryParams = DEFAULT_PARAMS) -> bool:
    """True when some signature was made with other parameters (or hashing): new documents would not
    find them through LSH, so ``rebuild_stories`` must run first."""
    return conn.execute("SELECT 1 FROM story_signatures WHERE params != ? LIMIT 1", (params.version,)).fetchone() \
        is not None


# ---- reads ----------------------------------------------------------------------------------------------
_STORY_SELECT = """
SELECT s.id, s.representative_id, s.documents, s.first_published, s.last_published,
       s.documents + coalesce((SELECT count(*) FROM document_sources ds JOIN story_members m
                               ON m.document_id = ds.document_id WHERE m.story_id = s.id), 0) AS size,
       d.title, d.outlet, d.published_at
FROM stories s LEFT JOIN documents d ON d.id = s.representative_id
"""


def _story_dict(row: sqlite3.Row) -> dict:
    return {"id": row[0], "representative_id": row[1], "documents": row[2], "first_published": row[3],
            "last_published": row[4], "size": row[5], "title": row[6], "outlet": row[7], "published_at": row[8]}


def story_of(conn: sqlite3.Connection, doc_id: str) -> dict | None:
    """The story of a document (or of a source folded into one), None when it has none yet."""
    row = conn.execute("SELECT story_id FROM story_members WHERE document_id = ?", (doc_id,)).fetchone()
    if row is None:
        folded = conn.execute("SELECT m.story_id FROM document_sources ds JOIN story_members m"
                              " ON m.document_id = ds.document_id WHERE ds.source_key = ?", (doc_id,)).fetchone()
        if folded is None:
            return None
        row = folded
    story = conn.execute(_STORY_SELECT + " WHERE s.id = ?", (row[0],)).fetchone()
    return _story_dict(story) if story else None


def story_members(conn: sqlite3.Connection, story_id: str) -> list[dict]:
    """Member documents (similarity to the representative) and the sources folded into them (similarity 1),
    earliest first."""
    members = []
    for r in conn.execute(
            "SELECT m.document_id, m.jaccard, m.containment, d.title, d.outlet, d.published_at, d.published_utc,"
            " d.url, d.path, s.representative_id FROM story_members m JOIN documents d ON d.id = m.document_id"
            " JOIN stories s ON s.id = m.story_id WHERE m.story_id = ?", (story_id,)):
        members.append({"id": r[0], "kind": "document", "duplicate_of": None, "title": r[3], "outlet": r[4],
                        "published_at": r[5], "published_utc": r[6], "url": r[7], "path": r[8],
                        "representative": r[0] == r[9], "jaccard": r[1], "containment": r[2]})
        for s in conn.execute("SELECT source_key, title, outlet, published_at, url, path FROM document_sources"
                              " WHERE document_id = ? ORDER BY first_seen, source_key", (r[0],)):
            members.append({"id": s[0], "kind": "folded_source", "duplicate_of": r[0], "title": s[1],
                            "outlet": s[2], "published_at": s[3], "published_utc": None, "url": s[4],
                            "path": s[5], "representative": False, "jaccard": 1.0, "containment": 1.0})
    members.sort(key=lambda m: (not m["representative"], m["published_utc"] or m["published_at"] or "~", m["id"]))
    return members


def list_stories(conn: sqlite3.Connection, min_size: int = 1, limit: int | None = None) -> list[dict]:
    """Stories with at least ``min_size`` members (documents + folded sources), largest first, then latest."""
    sql = f"SELECT * FROM ({_STORY_SELECT}) AS listed WHERE size >= ? ORDER BY size DESC, last_published IS NULL, last_published DESC, id"
    args: list = [min_size]
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [_story_dict(r) for r in conn.execute(sql, args)]


def recent_stories(conn: sqlite3.Connection, limit: int = 25) -> list[dict]:
    """Stories by their latest ingested member, newest first (the home page's "what is new"); stories that
    arrived in the same batch are ordered by publication.  Reads the newest arrivals in index order and
    stops once ``limit`` stories are found."""
    order: list[str] = []
    latest: dict[str, str] = {}
    for story_id, ingested_at in conn.execute(
            f"SELECT m.story_id, d.ingested_at FROM documents d {hint(conn, 'INDEXED BY documents_ingested')}"
            " JOIN story_members m ON m.document_id = d.id"
            " ORDER BY d.ingested_at DESC, d.published_utc DESC, d.id DESC"):
        if story_id not in latest:
            latest[story_id] = ingested_at
            order.append(story_id)
            if len(order) >= limit:
                break
    if not order:
        return []
    rows = {r[0]: r for r in conn.execute(_STORY_SELECT + f" WHERE s.id IN ({','.join('?' * len(order))})", order)}
    return [_story_dict(rows[i]) | {"ingested_at": latest[i]} for i in order if i in rows]
