"""Candidate pooling for the search query set: every document whose title or canonical text matches.

    .venv/bin/python eval/search/pool.py [--db /tmp/auto.db] [--shared ../shared] TERM [TERM ...]

Each TERM is one keyword variant; `a+b` means a and b must both occur in the document. A document
is a candidate when any TERM matches (the variants are OR-ed), so a query is pooled with several
spellings at once: `比亚迪 BYD 仰望+比亚迪`. Matching is case-insensitive substring search on the
canonical (Simplified) title and text, which is what every engine under test will see, so the pool
does not depend on any engine's tokenizer or ranking.

The collection is the corpus database (one row per document, exact re-fetched duplicates folded
into `document_sources` and listed here under their document) plus the five seeds read through the
normaliser, seed 004 giving its eight articles. Output: one line per candidate, best first, with
hits in title / text per matching term, so a judge reads the strongest candidates first.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass
class PoolDoc:
    doc: str                      # path relative to ../shared, as queries.yaml stores it
    article: int
    title: str
    text: str
    published: str = ""
    copies: list[str] = field(default_factory=list)   # exact duplicates folded into this document


def _relative(path: str) -> str:
    # The database stores paths as given at ingest time ("../shared/corpus/..."): keep what follows shared/.
    marker = "shared/"
    return path[path.index(marker) + len(marker):] if marker in path else path


def corpus_documents(db: Path) -> list[PoolDoc]:
    conn = sqlite3.connect(db)
    copies: dict[str, list[str]] = {}
    for doc_id, path in conn.execute("SELECT document_id, path FROM document_sources"):
        copies.setdefault(doc_id, []).append(_relative(path))
    docs = []
    for doc_id, path, title, text, published in conn.execute(
            "SELECT id, path, title, canonical, published_at FROM documents WHERE status = 'ok'"):
        if path.endswith("manifest.tsv"):   # the manifest was ingested as a text file: not an article
            continue
        docs.append(PoolDoc(_relative(path), 0, title or "", text or "", (published or "")[:10],
                            sorted(copies.get(doc_id, []))))
    return docs


def seed_documents(shared: Path) -> list[PoolDoc]:
    from autointel.models import FailedInput
    from autointel.pipeline import articles_from

    docs = []
    for path in sorted((shared / "seeds").iterdir()):
        index = 0
        for item in articles_from([str(path)]):
            if isinstance(item, FailedInput):
                continue
            docs.append(PoolDoc(f"seeds/{path.name}", index, item.title or "", item.canonical,
                                str(item.raw.published_at or "")[:10]))
            index += 1
    return docs


def _near(text: str, parts: list[str], window: int) -> bool:
    """Some occurrence of the first part has every other part within `window` characters."""
    first, start = parts[0], 0
    while (i := text.find(first, start)) >= 0:
        span = text[max(0, i - window): i + len(first) + window]
        if all(p in span for p in parts[1:]):
            return True
        start = i + 1
    return False


def term_hits(doc: PoolDoc, term: str, near: int = 0) -> tuple[int, int] | None:
    """(title hits, text hits) of the first part of an AND-term, or None when any part is missing.

    With `near`, the parts must occur within `near` characters of each other in the title or in the
    text: digests name many companies and places, and whole-document AND pools mostly noise there.
    """
    parts = [p.lower() for p in term.split("+") if p]
    title, text = doc.title.lower(), doc.text.lower()
    if near and len(parts) > 1:
        if not (_near(title, parts, near) or _near(text, parts, near)):
            return None
    elif not all(p in title or p in text for p in parts):
        return None
    return title.count(parts[0]), text.count(parts[0])


def pool(docs: list[PoolDoc], terms: list[str], near: int = 0) -> list[tuple[float, PoolDoc, dict[str, tuple[int, int]]]]:
    found = []
    for doc in docs:
        hits = {t: h for t in terms if (h := term_hits(doc, t, near)) is not None}
        if hits:
            # Title hits weigh most: a story whose title names the subject is usually "mainly about it".
            score = sum(10 * t + min(x, 10) for t, x in hits.values()) + len(hits)
            found.append((score, doc, hits))
    found.sort(key=lambda f: (-f[0], f[1].doc, f[1].article))
    return found


def snippets(text: str, terms: list[str], limit: int, near: int = 0, width: int = 30) -> list[str]:
    """Up to `limit` windows of text where a term matches (all its parts nearby), for the judge."""
    out, low = [], text.lower()
    for term in dict.fromkeys(terms):
        parts = [p.lower() for p in term.split("+") if p]
        start = 0
        while len(out) < limit and (i := low.find(parts[0], start)) >= 0:
            reach = max(near, width)
            around = low[max(0, i - reach): i + len(parts[0]) + reach]
            if all(p in around for p in parts[1:]):
                out.append(text[max(0, i - width): i + len(parts[0]) + width].replace("\n", " "))
                start = i + len(parts[0]) + width
            else:
                start = i + 1
    return out[:limit]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("terms", nargs="+")
    ap.add_argument("--db", type=Path, default=Path("/tmp/auto.db"))
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--limit", type=int, default=80)
    ap.add_argument("--near", type=int, default=0, help="parts of an a+b term must occur within N characters")
    ap.add_argument("--kwic", type=int, default=0, help="show up to N snippets around matches (for the judge)")
    args = ap.parse_args()
    docs = corpus_documents(args.db) + seed_documents(args.shared)
    found = pool(docs, args.terms, args.near)
    print(f"{len(found)} candidates of {len(docs)} documents", file=sys.stderr)
    for score, doc, hits in found[: args.limit]:
        shown = " ".join(f"{t}:{a}/{b}" for t, (a, b) in hits.items())
        print(f"{score:>4} {doc.published} {doc.doc}#{doc.article} len={len(doc.text)} [{shown}]\n       {doc.title}")
        for copy in doc.copies:
            print(f"       copy: {copy}")
        for snippet in snippets(doc.text, list(hits), args.kwic, args.near):
            print(f"         … {snippet} …")
    return 0


if __name__ == "__main__":
    sys.exit(main())
