"""Check the search query sets: schema, and every judged (doc, article) against the normaliser's output.

    .venv/bin/python scripts/check_queries.py [--shared ../shared] [--json] [FILE ...]

Without FILE it checks eval/search/queries.yaml and eval/search/heldout_queries.yaml. Exit status 1 when
any query is malformed or any judged document is missing or has a different canonical title (the
normaliser changed, or a file was renamed): the judgments would then silently score the wrong text.

The search scorer reuses `load_queries` and `resolve`: `resolve` also tells which judged documents
have the same canonical text (re-fetched copies that ingest folds into one document), so a scorer can
count such a pair once instead of demanding that an engine rank both.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SEARCH_DIR = REPO / "eval" / "search"
DEFAULT_FILES = (SEARCH_DIR / "queries.yaml", SEARCH_DIR / "heldout_queries.yaml")
LANGS = ("zh-Hans", "zh-Hant", "en")
KINDS = ("known_item", "topical")
GRADES = (1, 2)
MAX_RELEVANT = 30   # topical pools are capped so that judging stays complete (README: judging rules)

DocKey = tuple[str, int]   # (path relative to ../shared, article index within the file)


class QuerySetError(ValueError):
    """A query file that does not follow the format in eval/search/README.md."""


@dataclass(frozen=True)
class Judgment:
    doc: str
    article: int
    grade: int
    title: str

    @property
    def key(self) -> DocKey:
        return (self.doc, self.article)


@dataclass(frozen=True)
class Query:
    id: str
    query: str
    lang: str
    kind: str
    note: str
    relevant: tuple[Judgment, ...]

    def grades(self) -> dict[DocKey, int]:
        """The qrels of this query: (doc, article) -> grade."""
        return {j.key: j.grade for j in self.relevant}


@dataclass
class Resolution:
    """What the judged documents are in the current normaliser's eyes."""
    titles: dict[DocKey, str] = field(default_factory=dict)         # canonical title of each judged key
    same_text: dict[DocKey, DocKey] = field(default_factory=dict)   # key -> representative of its identical-text group
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _judgment(raw: object, where: str) -> Judgment:
    if not isinstance(raw, dict) or set(raw) != {"doc", "article", "grade", "title"}:
        raise QuerySetError(f"{where}: a judgment needs exactly doc, article, grade, title: {raw!r}")
    if raw["grade"] not in GRADES:
        raise QuerySetError(f"{where}: grade must be one of {GRADES}: {raw['grade']!r}")
    if not isinstance(raw["article"], int) or raw["article"] < 0:
        raise QuerySetError(f"{where}: article must be a non-negative integer: {raw['article']!r}")
    return Judgment(str(raw["doc"]), raw["article"], raw["grade"], str(raw["title"]))


def _query(raw: object, where: str) -> Query:
    need = {"id", "query", "lang", "kind", "note", "relevant"}
    if not isinstance(raw, dict) or set(raw) != need:
        raise QuerySetError(f"{where}: a query needs exactly {sorted(need)}")
    qid = str(raw["id"])
    if raw["lang"] not in LANGS:
        raise QuerySetError(f"{qid}: lang must be one of {LANGS}: {raw['lang']!r}")
    if raw["kind"] not in KINDS:
        raise QuerySetError(f"{qid}: kind must be one of {KINDS}: {raw['kind']!r}")
    if not str(raw["query"]).strip():
        raise QuerySetError(f"{qid}: empty query")
    relevant = tuple(_judgment(j, f"{qid} relevant[{i}]") for i, j in enumerate(raw["relevant"] or []))
    keys = [j.key for j in relevant]
    if len(set(keys)) != len(keys):
        dup = [k for k, n in Counter(keys).items() if n > 1]
        raise QuerySetError(f"{qid}: a document is judged twice: {dup}")
    if not any(j.grade == 2 for j in relevant):
        # Every query has an answer: a query with nothing mainly about it measures nothing.
        raise QuerySetError(f"{qid}: no document of grade 2")
    if len(relevant) > MAX_RELEVANT:
        raise QuerySetError(f"{qid}: {len(relevant)} relevant documents, more than {MAX_RELEVANT}")
    return Query(qid, str(raw["query"]), raw["lang"], raw["kind"], str(raw["note"]), relevant)


def load_queries(path: Path | str) -> list[Query]:
    """Parse and validate one query file; raises QuerySetError on any format problem."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise QuerySetError(f"{path}: expected a YAML list of queries")
    queries = [_query(raw, f"{path}[{i}]") for i, raw in enumerate(data)]
    ids = Counter(q.id for q in queries)
    if dup := [i for i, n in ids.items() if n > 1]:
        raise QuerySetError(f"{path}: duplicate query ids {dup}")
    return queries


def _canonical_articles(path: Path) -> list[tuple[str, str]]:
    """(title, canonical text) of each article the normaliser reads from one file, in order."""
    from autointel.models import FailedInput
    from autointel.pipeline import articles_from

    return [(item.title or "", item.canonical) for item in articles_from([str(path)])
            if not isinstance(item, FailedInput)]


def resolve(query_set: list[Query], shared: Path | str) -> Resolution:
    """Read every judged file once through the normaliser and compare the stored titles.

    Problems are collected, not raised, so one run lists them all.
    """
    shared = Path(shared)
    result = Resolution()
    wanted: dict[DocKey, set[str]] = defaultdict(set)
    for q in query_set:
        for j in q.relevant:
            wanted[j.key].add(j.title)
    by_file: dict[str, list[int]] = defaultdict(list)
    for doc, article in wanted:
        by_file[doc].append(article)
    text_groups: dict[str, list[DocKey]] = defaultdict(list)
    for doc in sorted(by_file):
        path = shared / doc
        if not path.is_file():
            result.problems.append(f"missing file: {doc}")
            continue
        articles = _canonical_articles(path)
        for article in sorted(by_file[doc]):
            key = (doc, article)
            if article >= len(articles):
                result.problems.append(f"{doc}: article {article} but the file has {len(articles)}")
                continue
            title, text = articles[article]
            result.titles[key] = title
            for stored in sorted(wanted[key] - {title}):
                result.problems.append(f"{doc}#{article}: stored title {stored!r} != canonical {title!r}")
            digest = hashlib.sha1("".join(text.split()).encode("utf-8")).hexdigest()
            text_groups[digest].append(key)
    for keys in text_groups.values():
        representative = min(keys)
        for key in keys:
            result.same_text[key] = representative
    return result


def summary(name: str, queries: list[Query]) -> dict:
    by_lang_kind = Counter((q.lang, q.kind) for q in queries)
    return {
        "file": name,
        "queries": len(queries),
        "by_lang": dict(Counter(q.lang for q in queries)),
        "by_kind": dict(Counter(q.kind for q in queries)),
        "by_lang_kind": {f"{lang}/{kind}": n for (lang, kind), n in sorted(by_lang_kind.items())},
        "judgments": sum(len(q.relevant) for q in queries),
        "grade2": sum(j.grade == 2 for q in queries for j in q.relevant),
        "grade1": sum(j.grade == 1 for q in queries for j in q.relevant),
        "relevant_per_query_max": max((len(q.relevant) for q in queries), default=0),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not (args.shared / "seeds").is_dir():
        print(f"shared data not found at {args.shared}: cannot check the judged documents", file=sys.stderr)
        return 2
    sets, problems = {}, []
    for path in args.files:
        try:
            sets[path] = load_queries(path)
        except QuerySetError as e:
            problems.append(str(e))
    # The held-out set must not repeat a query of the main set: tuning on one would leak into the other.
    seen: dict[str, Path] = {}
    for path, queries in sets.items():
        for q in queries:
            text = " ".join(q.query.split())
            if text in seen and seen[text] != path:
                problems.append(f"query {q.query!r} is in both {seen[text].name} and {path.name}")
            seen.setdefault(text, path)
    report = []
    for path, queries in sets.items():
        resolution = resolve(queries, args.shared)
        problems += [f"{path.name}: {p}" for p in resolution.problems]
        folded = sum(1 for k, rep in resolution.same_text.items() if k != rep)
        report.append(summary(path.name, queries) | {"documents_judged": len(resolution.titles),
                                                     "identical_text_copies": folded})
    if args.json:
        print(json.dumps({"sets": report, "problems": problems}, ensure_ascii=False))
    else:
        for r in report:
            print(f"{r['file']}: {r['queries']} queries, {r['judgments']} judgments "
                  f"({r['grade2']} grade 2, {r['grade1']} grade 1) over {r['documents_judged']} documents, "
                  f"{r['identical_text_copies']} identical-text copies")
            print(f"  by language: {r['by_lang']}  by kind: {r['by_kind']}")
            print(f"  {r['by_lang_kind']}")
        for p in problems:
            print(f"PROBLEM {p}", file=sys.stderr)
        print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
