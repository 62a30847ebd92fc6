"""Score entity linking against the annotated set in eval/entities (format: eval/entities/README.md).

Strict scoring: a predicted mention is right when its span and entity both equal a gold mention's.
Gold names the knowledge base does not know still count: recall measures the KB as well as the linker.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from autointel.kb.loader import KnowledgeBase
from autointel.link.linker import TECHNOLOGY_KINDS, Linker

REPO = Path(__file__).resolve().parents[2]
GOLD_DIR = REPO / "eval" / "entities"
SETS = {"main": "gold_*.yaml", "heldout": "heldout_*.yaml"}


@dataclass
class GoldDoc:
    doc: str
    article: int
    title: str | None
    mentions: list[tuple[int, int, str, str, str]]
    traps: list[tuple[int, int, str]]


@dataclass
class Score:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    trap_hits: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    documents: int = 0
    skipped: list[str] = field(default_factory=list)

    def prf(self, key: str | None = None) -> tuple[float, float, float]:
        tp = sum(self.tp.values()) if key is None else self.tp[key]
        fp = sum(self.fp.values()) if key is None else self.fp[key]
        fn = sum(self.fn.values()) if key is None else self.fn[key]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def as_dict(self) -> dict:
        p, r, f = self.prf()
        types = sorted(set(self.tp) | set(self.fp) | set(self.fn))
        return {"documents": self.documents, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": sum(self.tp.values()), "fp": sum(self.fp.values()), "fn": sum(self.fn.values()),
                "trap_violations": len(self.trap_hits),
                "by_type": {t: dict(zip(("precision", "recall", "f1"), (round(x, 4) for x in self.prf(t))),
                                    support=self.tp[t] + self.fn[t]) for t in types},
                "skipped": self.skipped}


def load_gold(files: list[Path] | None = None) -> list[GoldDoc]:
    docs = []
    for path in files or sorted(GOLD_DIR.glob("gold_*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            docs.append(GoldDoc(raw["doc"], int(raw.get("article", 0)), raw.get("title"),
                                [tuple(m) for m in raw.get("mentions") or []],
                                [tuple(t) for t in raw.get("traps") or []]))
    return docs


def resolve_path(doc: str, shared: Path) -> Path:
    return REPO / doc if doc.startswith("eval/") else shared / doc


def canonical_articles(path: Path) -> list:
    from autointel.models import FailedInput
    from autointel.pipeline import articles_from

    return [a for a in articles_from([str(path)]) if not isinstance(a, FailedInput)]


def gold_entity_id(kb: KnowledgeBase, name: str, etype: str) -> str:
    found = kb.find(name)
    exact = [e for e in found if e.name == name] or [e for e in found if e.type == etype] or found
    return exact[0].id if exact else f"NIL:{name}"


def score(linker: Linker, gold: list[GoldDoc], shared: Path) -> Score:
    kb = linker.kb
    result = Score()
    cache: dict[Path, list] = {}
    for g in gold:
        path = resolve_path(g.doc, shared)
        if not path.exists():
            result.skipped.append(g.doc)
            continue
        articles = cache.setdefault(path, canonical_articles(path))
        article = articles[g.article]
        if g.title is not None and article.title != g.title:
            raise ValueError(f"{g.doc}#{g.article}: title {article.title!r} != gold {g.title!r}")
        text = article.canonical
        result.documents += 1
        gold_set = {}
        for start, end, surface, name, etype in g.mentions:
            if text[start:end] != surface:
                raise ValueError(f"{g.doc}#{g.article}: gold span {start}:{end} is {text[start:end]!r}, not {surface!r}")
            gold_set[(start, end, gold_entity_id(kb, name, etype))] = etype
        predicted = {}
        for m in linker.link(text, extra_context=article.title or ""):
            # technologies (DM-i, 刀片电池) are linked but out of the annotation scope
            if m.entity_id is not None and kb.entities[m.entity_id].kind not in TECHNOLOGY_KINDS:
                predicted[(m.start, m.end, m.entity_id)] = kb.entities[m.entity_id].type
        for key, etype in gold_set.items():
            if key in predicted:
                result.tp[etype] += 1
            else:
                result.fn[etype] += 1
                result.errors.append({"kind": "missed", "doc": g.doc, "article": g.article, "span": key[:2],
                                      "surface": text[key[0]:key[1]], "entity": key[2],
                                      "context": text[max(0, key[0] - 12):key[1] + 12]})
        for key, etype in predicted.items():
            if key not in gold_set:
                result.fp[etype] += 1
                result.errors.append({"kind": "spurious", "doc": g.doc, "article": g.article, "span": key[:2],
                                      "surface": text[key[0]:key[1]], "entity": key[2],
                                      "context": text[max(0, key[0] - 12):key[1] + 12]})
        for start, end, surface in g.traps:
            for key in predicted:
                if key[0] < end and start < key[1]:
                    result.trap_hits.append({"doc": g.doc, "article": g.article, "trap": surface,
                                             "linked": key[2], "context": text[max(0, start - 12):end + 12]})
    return result


def by_doc(errors: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for e in errors:
        grouped[f"{e['doc']}#{e['article']}"].append(e)
    return grouped
