"""Benchmark: topic tagging speed on the bulk corpus (../shared/corpus/bulk/picker-zh.jsonl.gz).

Reads each record's Markdown (front matter title + body), normalises it as ingest does, links its entities
(timed apart), then tags it: the tagging time alone gives chars/s of canonical text, with and without mentions.
One process, one core.  Usage:

    .venv/bin/python scripts/bench_topics.py [--limit N] [--input PATH] [--json]
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = REPO.parent / "shared" / "corpus" / "bulk" / "picker-zh.jsonl.gz"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default=str(DEFAULT_INPUT))
    ap.add_argument("--limit", type=int, default=3000, help="records to use (0: all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not Path(args.input).exists():
        print(f"skipped: {args.input} not found (the bulk corpus lives in ../shared)", file=sys.stderr)
        return 0
    from autointel.link.document import link_document
    from autointel.link.linker import default_linker
    from autointel.models import FailedInput, SourceText
    from autointel.pipeline import normalize_results, read_source
    from autointel.topics import tagger_for

    linker = default_linker()
    t0 = time.perf_counter()
    tagger = tagger_for(linker.kb)
    build = time.perf_counter() - t0
    articles = []
    t0 = time.perf_counter()
    with gzip.open(args.input, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if args.limit and i >= args.limit:
                break
            rec = json.loads(line)
            src = SourceText(location=rec["path"], text=rec["text"], name=rec["path"])
            for a in normalize_results(read_source(src, "markdown")):
                if not isinstance(a, FailedInput):
                    articles.append(a)
    normalise = time.perf_counter() - t0
    t0 = time.perf_counter()
    linked = [link_document(linker, a.canonical, a.offsets, a.title, a.original_title) for a in articles]
    link = time.perf_counter() - t0
    chars = sum(len(a.canonical) + len(a.title or "") for a in articles)
    t0 = time.perf_counter()
    bare = [tagger.tag(a.title, a.canonical, ()) for a in articles]
    tag_bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    full = [tagger.tag(a.title, a.canonical, m) for a, m in zip(articles, linked)]
    tag_full = time.perf_counter() - t0
    counts = Counter(s.topic for scores in full for s in scores)
    report = {
        "articles": len(articles), "chars": chars, "tagger_build_seconds": round(build, 3),
        "normalise_seconds": round(normalise, 2), "link_seconds": round(link, 2),
        "tag_seconds_without_mentions": round(tag_bare, 2), "tag_seconds_with_mentions": round(tag_full, 2),
        "tag_chars_per_second_without_mentions": round(chars / tag_bare),
        "tag_chars_per_second_with_mentions": round(chars / tag_full),
        "tag_articles_per_second": round(len(articles) / tag_full),
        "articles_with_a_topic": sum(1 for s in full if s), "untagged_articles": sum(1 for s in full if not s),
        "topic_counts": dict(counts.most_common()),
        "same_topics_without_mentions": sum(1 for a, b in zip(bare, full) if {s.topic for s in a} == {s.topic for s in b}),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for k, v in report.items():
            print(f"{k:<40} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
