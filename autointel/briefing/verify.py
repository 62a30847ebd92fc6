"""Re-reading every citation of a briefing from the stored documents (scripts/check_briefing.py, tests).

A citation is valid when the document exists, ``canonical[start:end]`` is the quote, the original span is
the one the alignment gives, and, for a line stating figures, each figure lies inside the span, re-parsing
the document's text there gives the same value and qualifier, and the line shows that number.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from autointel.briefing import humanize
from autointel.briefing.model import Briefing, Citation, Item
from autointel.facts.quantity import find_quantities
from autointel.normalize.aligned import AlignedText

FIGURE_KINDS = {"fact", "conflict"}
# the extractor names some units from context: 台 counted for a carmaker is vehicles, 辆 per 千人 ownership
_UNIT_FROM_CONTEXT = {("unit", "vehicle"), ("vehicle", "per_1000_people")}


@dataclass
class CheckResult:
    items: int = 0
    citations: int = 0
    valid: int = 0
    invalid: int = 0
    figures: int = 0
    problems: list[tuple[str, Citation, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"items": self.items, "citations": self.citations, "valid": self.valid, "invalid": self.invalid,
                "figures": self.figures,
                "problems": [{"line": t, "doc_id": c.doc_id, "span": [c.start, c.end], "problem": p}
                             for t, c, p in self.problems]}


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def citation_problem(store, item: Item, c: Citation, cache: dict) -> str | None:
    if c.doc_id not in cache:
        cache[c.doc_id] = store.get_document(c.doc_id)
    doc = cache[c.doc_id]
    if doc is None or doc["id"] != c.doc_id:
        return "document not found"
    text = doc["canonical"] or ""
    if not 0 <= c.start < c.end <= len(text):
        return f"span {c.start}-{c.end} outside the text ({len(text)} characters)"
    if text[c.start:c.end] != c.quote:
        return "quote differs from canonical[start:end]"
    if c.orig_start is not None:
        key = ("aligned", c.doc_id)
        if key not in cache:
            cache[key] = AlignedText.from_runs(text, doc["offsets"])
        if cache[key].original_span(c.start, c.end) != (c.orig_start, c.orig_end):
            return "original span differs from the alignment"
    if item.kind in FIGURE_KINDS and c.role == "source" and not c.figures:
        return "a fact line cites no figure"
    for f in c.figures:
        problem = _figure_problem(text, item, c, f)
        if problem:
            return problem
    return None


_AFTER = 12  # characters of context after a figure when it is read again


def _figure_problem(text: str, item: Item, c: Citation, f) -> str | None:
    if not c.start <= f.start < f.end <= c.end:
        return f"figure {f.shown} lies outside the cited span"
    if f.shown not in item.text:
        return f"the line does not state {f.shown}"
    said = text[f.start:f.end]
    # read with the words after it: a unit may depend on them ("超过 20 款" counts only before "APP")
    found = [q for q in find_quantities(text[f.start:f.end + _AFTER]) if q.start < len(said) and _same(q.value, f.value)]
    if not found:
        return f"the document says {said!r} there, not {f.amount}"
    q = found[0]
    if not _same(q.value_max, f.value_max) or q.qualifier != f.qualifier:
        return f"the document says {said!r}: range or qualifier differ from {f.amount}"
    if q.unit != f.unit and (q.unit, f.unit) not in _UNIT_FROM_CONTEXT:
        return f"the document says {said!r}: unit {q.unit} is not {f.unit}"
    if humanize.amount(q.value, q.value_max, f.unit, q.qualifier, said) != f.amount:
        return f"{f.amount} is not how {said!r} reads"
    return None


def check_briefing(store, b: Briefing) -> CheckResult:
    result = CheckResult()
    cache: dict = {}
    for s in b.sections:
        result.items += len(s.lines())
    for item, c in b.cited():
        result.citations += 1
        result.figures += len(c.figures)
        problem = citation_problem(store, item, c, cache)
        if problem:
            result.invalid += 1
            result.problems.append((item.text, c, problem))
        else:
            result.valid += 1
    return result
