"""What a knowledge-base entry is, and the checks every entry must pass (docs/knowledge_base.md)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

TYPES = ("group", "automaker", "brand", "model", "supplier", "company", "person", "government",
         "association", "media", "place", "topic")
RELATIONS = ("brand_of", "model_of", "subsidiary_of", "joint_venture_of", "role_at", "located_in",
             "headquartered_in", "member_of")
ENTITY_KEYS = {"id", "name", "en", "type", "kind", "aliases", "weak", "regional", "blockers", "relations", "note"}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# Organisation-like types: what "a company nearby" means for context rules.
ORGANISATION_TYPES = frozenset({"group", "automaker", "brand", "supplier", "company", "government",
                                "association", "media"})


@dataclass(frozen=True)
class Relation:
    rel: str
    target: str  # an entity id once the KB is loaded
    role: str | None = None


@dataclass
class Entity:
    id: str
    name: str
    type: str
    en: str | None = None
    kind: str | None = None
    aliases: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)
    regional: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    note: str | None = None
    source: str = ""  # which file (or "local") it came from

    def surfaces(self) -> list[str]:
        """Every string written for this entity, in the order a reader would rank them."""
        seen: dict[str, None] = {}
        for s in [self.name, self.en or "", *self.aliases, *self.weak]:
            if s:
                seen.setdefault(s, None)
        return list(seen)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "en": self.en, "type": self.type}
        for key in ("kind", "note"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        for key in ("aliases", "weak", "regional", "blockers"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        if self.relations:
            out["relations"] = [{k: v for k, v in (("rel", r.rel), ("target", r.target), ("role", r.role)) if v}
                                for r in self.relations]
        return out


@dataclass(frozen=True)
class Nickname:
    alias: str
    expands: tuple[str, ...]  # entity ids once loaded
    source: str = ""


def _strings(value: Any, where: str, key: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        problems.append(f"{where}: '{key}' must be a list of strings")
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def parse_entity(raw: Any, where: str, problems: list[str]) -> Entity | None:
    """One YAML mapping -> Entity, appending every problem found (never raising)."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: an entity must be a mapping")
        return None
    unknown = set(raw) - ENTITY_KEYS
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    eid, name, etype = (str(raw.get(k) or "").strip() for k in ("id", "name", "type"))
    if not ID_PATTERN.match(eid):
        problems.append(f"{where}: id {eid!r} must match {ID_PATTERN.pattern}")
    if not name:
        problems.append(f"{where} ({eid}): missing name")
    if etype not in TYPES:
        problems.append(f"{where} ({eid}): type {etype!r} is not one of {', '.join(TYPES)}")
    entity = Entity(
        id=eid, name=name, type=etype, en=(str(raw["en"]).strip() if raw.get("en") else None),
        kind=(str(raw["kind"]).strip() if raw.get("kind") else None),
        aliases=_strings(raw.get("aliases"), where, "aliases", problems),
        weak=_strings(raw.get("weak"), where, "weak", problems),
        regional=_strings(raw.get("regional"), where, "regional", problems),
        blockers=_strings(raw.get("blockers"), where, "blockers", problems),
        note=raw.get("note"), source=where.split(":")[0],
    )
    for rel in raw.get("relations") or []:
        if not isinstance(rel, dict) or rel.get("rel") not in RELATIONS or not rel.get("target"):
            problems.append(f"{where} ({eid}): bad relation {rel!r} (rel must be one of {', '.join(RELATIONS)})")
            continue
        entity.relations.append(Relation(rel["rel"], str(rel["target"]).strip(), rel.get("role")))
    listed = {entity.name, entity.en, *entity.aliases}
    for w in entity.weak:
        if w not in listed:
            problems.append(f"{where} ({eid}): weak alias {w!r} is not among its name or aliases")
    for s in entity.surfaces():
        if len(s) == 1:
            problems.append(f"{where} ({eid}): single-character alias {s!r} is never allowed")
    for b in entity.blockers:
        if not any(s in b for s in entity.surfaces()):
            problems.append(f"{where} ({eid}): blocker {b!r} contains none of its aliases")
    return entity
