"""Score topic tagging against the annotated sets in eval/topics (format: the header of gold_topics.yaml).

Each article is read, normalised and linked exactly as ingest does, then tagged; a (document, topic) pair is a true
positive when the gold lists the topic. Micro scores pool every pair; macro scores average the per-topic F1 over the
topics that occur in the gold or the predictions.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from autointel.evaluation.entities import canonical_articles, resolve_path

REPO = Path(__file__).resolve().parents[2]
GOLD_DIR = REPO / "eval" / "topics"
SETS = {"main": "gold_topics.yaml", "heldout": "heldout_topics.yaml"}


@dataclass
class GoldTopics:
    doc: str
    article: int
    title: str | None
    topics: frozenset[str]


@dataclass
class TopicEval:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    documents: int = 0
    errors: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def prf(self, topic: str | None = None) -> tuple[float, float, float]:
        tp = sum(self.tp.values()) if topic is None else self.tp[topic]
        fp = sum(self.fp.values()) if topic is None else self.fp[topic]
        fn = sum(self.fn.values()) if topic is None else self.fn[topic]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def topics(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def as_dict(self) -> dict:
        p, r, f = self.prf()
        per = {t: dict(zip(("precision", "recall", "f1"), (round(x, 4) for x in self.prf(t))),
                       support=self.tp[t] + self.fn[t], predicted=self.tp[t] + self.fp[t]) for t in self.topics()}
        n = len(per) or 1
        return {"documents": self.documents,
                "micro": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)},
                "macro": {k: round(sum(v[k] for v in per.values()) / n, 4) for k in ("precision", "recall", "f1")},
                "tp": sum(self.tp.values()), "fp": sum(self.fp.values()), "fn": sum(self.fn.values()),
                "by_topic": per, "skipped": self.skipped}


def load_gold(path: Path) -> list[GoldTopics]:
    out = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        out.append(GoldTopics(raw["doc"], int(raw.get("article", 0)), raw.get("title"),
                              frozenset(raw.get("topics") or [])))
    return out


def load_set(name: str) -> list[GoldTopics]:
    return load_gold(GOLD_DIR / SETS[name])


def score(gold: list[GoldTopics], shared: Path, linker=None) -> TopicEval:
    """Tag every gold article (linked with ``linker``, the bundled one by default) and compare."""
    from autointel.link.document import link_document
    from autointel.link.linker import default_linker
    from autointel.topics import load_taxonomy, tag_document

    linker = linker or default_linker()
    known = set(load_taxonomy().ids)
    result = TopicEval()
    cache: dict[Path, list] = {}
    for g in gold:
        unknown = g.topics - known
        if unknown:
            raise ValueError(f"{g.doc}: gold topics {sorted(unknown)} are not in the taxonomy")
        path = resolve_path(g.doc, shared)
        if not path.exists():
            result.skipped.append(g.doc)
            continue
        articles = cache.setdefault(path, canonical_articles(path))
        article = articles[g.article]
        from autointel.normalize.cleanup import strip_invisible

        # gold titles were taken before the normaliser dropped invisible characters (soft hyphens)
        if g.title is not None and article.title != strip_invisible(g.title):
            raise ValueError(f"{g.doc}#{g.article}: title {article.title!r} != gold {g.title!r}")
        mentions = link_document(linker, article.canonical, article.offsets, article.title, article.original_title)
        scores = tag_document(article.title, article.canonical, mentions, linker.kb)
        predicted = {s.topic: s for s in scores}
        result.documents += 1
        for topic in sorted(g.topics | set(predicted)):
            if topic in g.topics and topic in predicted:
                result.tp[topic] += 1
            elif topic in predicted:
                result.fp[topic] += 1
                result.errors.append({"kind": "spurious", "doc": g.doc, "title": article.title, "topic": topic,
                                      "score": predicted[topic].score,
                                      "evidence": [e.as_list() for e in predicted[topic].evidence]})
            else:
                result.fn[topic] += 1
                result.errors.append({"kind": "missed", "doc": g.doc, "title": article.title, "topic": topic})
    return result
