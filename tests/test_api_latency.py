"""What the API latency work (docs/benchmarks.md, HTTP API) changed must not change any answer: the term
matcher finds what the regex alternation found, the indexed entity queries return what the plain joins
returned, the knowledge base is rebuilt exactly when curator additions change, and opening the search index
never rewrites (and so never races on) its version file."""
from __future__ import annotations

import random
import re

import pytest

from autointel.search.snippet import TermMatcher, occurrences
from autointel.store import entities as entity_store
from tests.test_search import ARTICLES, _write


def regex_occurrences(text: str, terms: list[str]) -> list[tuple[int, int, int]]:
    """The implementation TermMatcher replaced: one alternation, longest terms first."""
    ordered = sorted({t.lower() for t in terms if t}, key=len, reverse=True)
    if not ordered:
        return []
    number = {t.lower(): k for k, t in reversed(list(enumerate(terms)))}
    pattern = re.compile("|".join(map(re.escape, ordered)))
    return [(m.start(), m.end(), number.get(m.group(), 0)) for m in pattern.finditer(text.lower())]


@pytest.mark.parametrize("text, terms", [
    ("比亚迪在欧洲的交付量，比亚迪汽车", ["比亚迪", "比亚迪汽车", "欧洲"]),
    ("BYD and byd and Byd Seal", ["byd", "BYD Seal", "seal"]),
    ("英伟达英伟达芯片", ["英伟", "英伟达", "达芯", "芯片"]),  # overlapping: leftmost, then longest
    ("ＡＢＣ全角与abc", ["abc", "ａｂｃ"]),
    ("𠀀比亚迪", ["比亚迪"]),  # a character outside the BMP before the match: offsets in characters
    ("nothing here", []),
    ("", ["比亚迪"]),
    ("重复 重复", ["重复", "重复", ""]),
])
def test_term_matcher_finds_what_the_regex_found(text, terms):
    assert occurrences(text, terms) == regex_occurrences(text, terms)
    assert TermMatcher(terms).find(text) == regex_occurrences(text, terms)


def test_term_matcher_on_random_texts():
    rng = random.Random(7)
    alphabet = "比亚迪欧洲交付量电池车Aab汽 ，。"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        terms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 6))]
        assert TermMatcher(terms).find(text) == regex_occurrences(text, terms), (text, terms)
        owner = [rng.randint(0, 2) for _ in terms]  # proximity labels each term with its query word
        assert TermMatcher(terms, owner).find(text) == [(a, b, owner[k]) for a, b, k in regex_occurrences(text, terms)]


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    tmp = tmp_path_factory.mktemp("latency")
    store = open_store(tmp / "l.db")
    ingest([str(_write(tmp))], store, linker=linker_for(store))
    yield store
    store.close()


def plain_documents(conn, eid, limit):
    return [dict(r) for r in conn.execute(
        "SELECT d.id, d.title, d.published_at, d.outlet, de.mentions, de.in_title FROM document_entities de"
        " JOIN documents d ON d.id = de.document_id WHERE de.entity_id = ?"
        " ORDER BY d.published_utc IS NULL, d.published_utc DESC, d.id LIMIT ?", (eid, limit))]


def test_indexed_entity_queries_answer_like_the_plain_joins(linked):
    conn = linked.conn
    entities = [r[0] for r in conn.execute("SELECT DISTINCT entity_id FROM document_entities")]
    assert len(entities) >= 5
    for eid in entities:
        for limit in (1, 2, None):
            assert entity_store.entity_documents(conn, eid, limit) == plain_documents(conn, eid, -1 if limit is None else limit)
        plain_span = conn.execute("SELECT min(d.published_at), max(d.published_at) FROM document_entities de"
                                  " JOIN documents d ON d.id = de.document_id WHERE de.entity_id = ?", (eid,)).fetchone()
        assert entity_store.entity_span(conn, eid) == tuple(plain_span)


def test_entity_queries_read_indexes_not_article_rows(linked):
    plans = {
        "span": "SELECT min(d.published_at) FROM document_entities de JOIN documents d INDEXED BY documents_id_dates"
                " ON d.id = de.document_id WHERE de.entity_id = 'byd'",
        "co": "SELECT b.entity_id, count(*) FROM document_entities a JOIN document_entities b"
              " ON a.document_id = b.document_id AND b.entity_id != a.entity_id WHERE a.entity_id = 'byd'"
              " GROUP BY b.entity_id",
    }
    for name, sql in plans.items():
        detail = " | ".join(r[3] for r in linked.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "COVERING INDEX" in detail and "USING INDEX sqlite_autoindex_documents_1" not in detail, (name, detail)


def test_profile_is_the_same_for_every_alias_and_twice(linked):
    from autointel.commands.entities import entity_profile
    from autointel.search.service import kb_for

    kb = kb_for(linked)
    first = entity_profile(linked, kb, "byd", 10)
    first["relations"].append("changed by a caller")  # a caller's edit must not leak into the next answer
    again = entity_profile(linked, kb, "byd", 10)
    assert "changed by a caller" not in again["relations"]
    assert again["documents"] == len(again["recent_documents"]) >= 1
    related = kb.related("byd")
    assert [(r["direction"], r["rel"], r["id"]) for r in again["relations"]] == \
        [(d, r.rel, r.target) for d, r in related]


def test_knowledge_base_is_rebuilt_exactly_when_curator_additions_change(linked):
    from autointel.search.service import kb_for

    before = kb_for(linked)
    assert kb_for(linked) is before
    linked.begin()
    entity_store.add_local_entity(linked.conn, {"id": "test-latency-co", "name": "测速汽车", "type": "automaker"})
    linked.commit()
    added = kb_for(linked)
    assert added is not before and "test-latency-co" in added.entities
    assert kb_for(linked) is added
    linked.begin()
    linked.conn.execute("DELETE FROM kb_local WHERE id = 'test-latency-co'")
    linked.commit()
    assert "test-latency-co" not in kb_for(linked).entities


def test_opening_the_index_leaves_its_version_file_alone(linked):
    import time

    from autointel.search.index import SearchIndex, index_path

    path = index_path(linked.path)
    version = path / "autointel-version"
    stamp = version.stat().st_mtime_ns
    time.sleep(0.01)
    SearchIndex(path)  # what every API thread does on its first request
    assert version.stat().st_mtime_ns == stamp
