"""The topic taxonomy: load autointel/topics/data/taxonomy.yaml and check every entry (schema: docs/topics.md).

The taxonomy is data: adding a topic or a keyword is a YAML edit plus a version bump, never a code change.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from autointel.errors import AutointelError


class TaxonomyError(AutointelError):
    """The taxonomy file cannot be read or breaks the schema; ``problems`` lists every fault found."""

    def __init__(self, code: str, message: str = "", *, path: str | None = None, problems: list[str] | None = None):
        self.problems = list(problems or [])
        super().__init__(code, message, path=path)


ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
SCOPES = ("auto", "any")
TOP_KEYS = {"version", "scoring", "context", "topics"}
TOPIC_KEYS = {"id", "zh", "en", "description", "scope", "threshold", "keywords", "entities", "block", "context_radius"}
ENTITY_KEYS = {"types", "ids", "related"}
SCORING_DEFAULTS = {"title_weight": 2.5, "heading_weight": 2.0, "heading_chars": 45, "window": 450, "scale": 6.0,
                    "surface_cap": 2, "context_radius": 120, "length_reference": 600}


@dataclass(frozen=True)
class Scoring:
    title_weight: float
    heading_weight: float
    heading_chars: int
    window: int
    scale: float
    surface_cap: int
    context_radius: int
    length_reference: int


@dataclass
class Topic:
    id: str
    zh: str
    en: str
    description: str
    scope: str  # "auto": only passages about vehicles count; "any": every industry
    threshold: float
    keywords: dict[str, float]  # surface -> weight, Chinese and English together
    entity_types: dict[str, float] = field(default_factory=dict)  # "type" or "type:kind" -> weight
    entity_ids: dict[str, float] = field(default_factory=dict)
    related: bool = False  # entity_ids also cover brands/models/subsidiaries that relate to them
    block: list[str] = field(default_factory=list)
    context_radius: int | None = None  # auto scope, strict: every body hit needs a car word this near


@dataclass
class Taxonomy:
    version: str
    scoring: Scoring
    topics: list[Topic]
    context_keywords: list[str]
    context_types: list[str]
    digest: str  # hash of the file: stored tags say exactly which data produced them

    def get(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.topics]


def _weights(raw: Any, where: str, problems: list[str]) -> dict[str, float]:
    """{surface: weight} from a mapping (or a plain list, weight 1); weights are positive numbers."""
    if raw is None:
        return {}
    if isinstance(raw, list):
        raw = {item: 1 for item in raw}
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping of phrase -> weight")
        return {}
    out: dict[str, float] = {}
    for key, weight in raw.items():
        surface = str(key).strip()
        if not surface:
            problems.append(f"{where}: empty phrase")
            continue
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
            problems.append(f"{where}: weight of {surface!r} must be a positive number, not {weight!r}")
            continue
        out[surface] = float(weight)
    return out


def _keywords(raw: Any, where: str, problems: list[str]) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - {"zh", "en"}:
        problems.append(f"{where}: keywords must be a mapping with 'zh' and/or 'en'")
        return {}
    merged: dict[str, float] = {}
    for lang in ("zh", "en"):
        for surface, weight in _weights(raw.get(lang), f"{where}.{lang}", problems).items():
            if len(surface) < 2 and not surface.isascii():
                problems.append(f"{where}.{lang}: single-character keyword {surface!r} matches too much")
                continue
            merged[surface] = weight
    return merged


def _parse_topic(raw: Any, index: int, seen: set[str], problems: list[str]) -> Topic | None:
    where = f"topics[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: a topic must be a mapping")
        return None
    tid = str(raw.get("id") or "")
    where = f"topics[{index}] ({tid or '?'})"
    unknown = set(raw) - TOPIC_KEYS
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    if not ID_PATTERN.match(tid):
        problems.append(f"{where}: id must be an ascii slug matching {ID_PATTERN.pattern}")
    elif tid in seen:
        problems.append(f"{where}: duplicate id")
    seen.add(tid)
    for key in ("zh", "en", "description"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(f"{where}: missing {key}")
    scope = raw.get("scope", "auto")
    if scope not in SCOPES:
        problems.append(f"{where}: scope must be one of {', '.join(SCOPES)}")
    threshold = raw.get("threshold", 0.5)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        problems.append(f"{where}: threshold must be a number between 0 and 1")
        threshold = 0.5
    keywords = _keywords(raw.get("keywords"), f"{where}.keywords", problems)
    entities = raw.get("entities") or {}
    if not isinstance(entities, dict) or set(entities) - ENTITY_KEYS:
        problems.append(f"{where}.entities: must be a mapping with types / ids / related")
        entities = {}
    if not keywords and not entities:
        problems.append(f"{where}: no keywords and no entity cues: it could never fire")
    radius = raw.get("context_radius")
    if radius is not None and (isinstance(radius, bool) or not isinstance(radius, int) or radius <= 0):
        problems.append(f"{where}: context_radius must be a positive integer")
        radius = None
    if radius is not None and scope != "auto":
        problems.append(f"{where}: context_radius only applies to scope auto")
    block = raw.get("block") or []
    if not isinstance(block, list) or not all(isinstance(b, str) and b.strip() for b in block):
        problems.append(f"{where}.block: must be a list of phrases")
        block = []
    return Topic(
        id=tid, zh=str(raw.get("zh") or "").strip(), en=str(raw.get("en") or "").strip(),
        description=" ".join(str(raw.get("description") or "").split()), scope=str(scope),
        threshold=float(threshold), keywords=keywords,
        entity_types=_weights(entities.get("types"), f"{where}.entities.types", problems),
        entity_ids=_weights(entities.get("ids"), f"{where}.entities.ids", problems),
        related=bool(entities.get("related", False)), block=[b.strip() for b in block], context_radius=radius,
    )


def parse_taxonomy(data: Any, digest: str = "", where: str = "taxonomy") -> Taxonomy:
    """A parsed YAML document -> Taxonomy; raises E702 listing every problem found."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise TaxonomyError("E702", "the taxonomy must be a mapping with version and topics", path=where,
                            problems=["not a mapping"])
    unknown = set(data) - TOP_KEYS
    if unknown:
        problems.append(f"unknown top-level keys {sorted(unknown)}")
    version = data.get("version")
    if version is None or isinstance(version, bool) or str(version).strip() == "":
        problems.append("missing version")
    scoring_raw = data.get("scoring") or {}
    if not isinstance(scoring_raw, dict) or set(scoring_raw) - set(SCORING_DEFAULTS):
        problems.append(f"scoring: only {', '.join(SCORING_DEFAULTS)} may be set")
        scoring_raw = {}
    values = {**SCORING_DEFAULTS, **scoring_raw}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            problems.append(f"scoring.{key}: must be a positive number")
            values[key] = SCORING_DEFAULTS[key]
    scoring = Scoring(float(values["title_weight"]), float(values["heading_weight"]), int(values["heading_chars"]),
                      int(values["window"]), float(values["scale"]), int(values["surface_cap"]),
                      int(values["context_radius"]), int(values["length_reference"]))
    context = data.get("context") or {}
    if not isinstance(context, dict):
        problems.append("context: must be a mapping")
        context = {}
    ctx_kw = context.get("keywords") or {}
    context_keywords = []
    if isinstance(ctx_kw, dict):
        for lang in ("zh", "en"):
            items = ctx_kw.get(lang) or []
            if not isinstance(items, list):
                problems.append(f"context.keywords.{lang}: must be a list")
                continue
            context_keywords += [str(s).strip() for s in items if str(s).strip()]
    else:
        problems.append("context.keywords: must be a mapping with zh / en lists")
    ctx_entities = context.get("entities") or {}
    ctx_types = (ctx_entities.get("types") or []) if isinstance(ctx_entities, dict) else []
    if not isinstance(ctx_types, list):
        problems.append("context.entities.types: must be a list")
        ctx_types = []
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, list) or not raw_topics:
        problems.append("topics: must be a non-empty list")
        raw_topics = []
    seen: set[str] = set()
    topics = [t for t in (_parse_topic(raw, i, seen, problems) for i, raw in enumerate(raw_topics)) if t]
    if any(t.scope == "auto" for t in topics) and not context_keywords and not ctx_types:
        problems.append("context: auto-scope topics need context keywords or entity types")
    if problems:
        raise TaxonomyError("E702", f"{len(problems)} problem(s): " + "; ".join(problems[:5]), path=where,
                            problems=problems)
    return Taxonomy(str(version), scoring, topics, context_keywords, [str(t) for t in ctx_types], digest)


def read_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy file (the bundled one when ``path`` is None)."""
    if path is None:
        source = resources.files("autointel.topics.data").joinpath("taxonomy.yaml")
        where = "autointel/topics/data/taxonomy.yaml"
    else:
        source, where = Path(path), str(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as e:
        raise TaxonomyError("E701", f"cannot read the taxonomy: {e}", path=where)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise TaxonomyError("E701", f"not valid YAML: {e}", path=where)
    return parse_taxonomy(data, hashlib.sha1(text.encode("utf-8")).hexdigest()[:12], where)


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The bundled taxonomy, read once per process."""
    return read_taxonomy()


def taxonomy_version() -> str:
    """What stored tags record: the taxonomy's declared version (docs/topics.md says when to bump it)."""
    return load_taxonomy().version


def check_against_kb(taxonomy: Taxonomy, kb: Any) -> list[str]:
    """Entity cues that name nothing in the knowledge base (a typo would silently never fire)."""
    from autointel.kb.schema import TYPES

    kinds = {(e.type, e.kind) for e in kb.entities.values()}
    problems = []
    typed = [(t.id, key) for t in taxonomy.topics for key in t.entity_types] + [("context", k) for k in taxonomy.context_types]
    for where, key in typed:
        etype, _, kind = key.partition(":")
        if etype not in TYPES or (kind and (etype, kind) not in kinds):
            problems.append(f"{where}: no entity has type {key!r}")
    for t in taxonomy.topics:
        for eid in t.entity_ids:
            if eid not in kb.entities:
                problems.append(f"{t.id}: unknown entity id {eid!r}")
    return problems
