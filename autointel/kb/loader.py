"""Load the knowledge base: bundled YAML files plus curator additions, resolved and indexed by name."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import opencc
import yaml

from autointel.kb.schema import Entity, Nickname, Relation, parse_entity

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

# Traditional spellings are generated, not written: every variant a TW/HK/legacy text might use.
_TRADITIONAL_CONFIGS = ("s2t.json", "s2tw.json", "s2twp.json", "s2hk.json")
_SEPARATORS = re.compile(r"[\s·・•\-‐‑–—_./]+")


def lookup_key(text: str) -> str:
    """How a typed name is compared: width-folded, case-folded, separators dropped (Model Y = modely)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).casefold())


@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def traditional_variants(text: str) -> set[str]:
    if not re.search(r"[\u4e00-\u9fff]", text):
        return set()
    return {_converter(c).convert(text) for c in _TRADITIONAL_CONFIGS} - {text}


def to_simplified_chars(text: str) -> str:
    """Character-level Traditional -> Simplified (regional names such as 賓士 -> 宾士 stay names)."""
    return _converter("t2s.json").convert(text)


class KnowledgeBase:
    def __init__(self, entities: list[Entity], nicknames: list[dict], problems: list[str], version: str):
        self.entities: dict[str, Entity] = {}
        self.problems = problems
        self.version = version
        for e in entities:
            if e.id in self.entities:
                problems.append(f"{e.source}: duplicate id {e.id!r} (also in {self.entities[e.id].source})")
                continue
            self.entities[e.id] = e
        self._by_key: dict[str, list[str]] = defaultdict(list)
        for e in self.entities.values():
            for s in self.lookup_surfaces(e):
                ids = self._by_key[lookup_key(s)]
                if e.id not in ids:
                    ids.append(e.id)
        for e in self.entities.values():
            e.relations = [self._resolve_relation(e, r) for r in e.relations]
        self.nicknames = [n for n in (self._resolve_nickname(raw) for raw in nicknames) if n]

    # ---- names -----------------------------------------------------------------------
    @staticmethod
    def match_surfaces(e: Entity) -> list[str]:
        """Strings searched for in canonical (Simplified) text."""
        out = e.surfaces()
        for r in e.regional:
            simple = to_simplified_chars(r)
            if simple not in out:
                out.append(simple)
        return out

    def lookup_surfaces(self, e: Entity) -> list[str]:
        out = self.match_surfaces(e) + e.regional
        for s in list(out):
            out.extend(sorted(traditional_variants(s)))
        return out

    def find(self, name: str) -> list[Entity]:
        """Entities a typed name denotes: any alias, in either script or English; id works too."""
        if name in self.entities:
            return [self.entities[name]]
        ids = self._by_key.get(lookup_key(name))
        if not ids:
            from autointel.normalize.script import to_simplified  # Taiwan vocabulary: 輝達 -> 英伟达
            ids = self._by_key.get(lookup_key(to_simplified(name)), [])
        return [self.entities[i] for i in ids]

    def resolve(self, ref: str) -> str | None:
        found = self.find(ref)
        return found[0].id if len(found) == 1 else None

    def _resolve_relation(self, e: Entity, r: Relation) -> Relation:
        if r.target in self.entities:
            return r
        found = self.find(r.target)
        if len(found) == 1:
            return Relation(r.rel, found[0].id, r.role)
        why = "matches no entity" if not found else f"is ambiguous ({', '.join(f.id for f in found)})"
        self.problems.append(f"{e.source} ({e.id}): relation {r.rel} target {r.target!r} {why}")
        return r

    def _resolve_nickname(self, raw: Any) -> Nickname | None:
        where = raw.get("_source", "?") if isinstance(raw, dict) else "?"
        if not isinstance(raw, dict) or not raw.get("alias") or not isinstance(raw.get("expands"), list):
            self.problems.append(f"{where}: a nickname needs 'alias' and a list 'expands'")
            return None
        ids = []
        for ref in raw["expands"]:
            eid = self.resolve(str(ref))
            if eid is None:
                self.problems.append(f"{where}: nickname {raw['alias']!r} expands to {ref!r}, which matches no single entity")
            else:
                ids.append(eid)
        return Nickname(str(raw["alias"]), tuple(ids), where) if ids else None

    # ---- graph -----------------------------------------------------------------------
    def related(self, eid: str) -> list[tuple[str, Relation]]:
        """(direction, relation) pairs: 'out' relations of eid, and 'in' relations pointing at it."""
        e = self.entities[eid]
        out = [("out", r) for r in e.relations]
        out += [("in", Relation(r.rel, other.id, r.role)) for other in self.entities.values()
                for r in other.relations if r.target == eid]
        return out

    def family(self, eid: str) -> set[str]:
        """eid and the entities one relation away: a brand's maker, a model's brand, a person's company."""
        if not hasattr(self, "_family"):
            fam: dict[str, set[str]] = defaultdict(set)
            for e in self.entities.values():
                for r in e.relations:
                    if r.rel != "located_in" and r.rel != "member_of" and r.target in self.entities:
                        fam[e.id].add(r.target)
                        fam[r.target].add(e.id)
            self._family = fam
        return {eid} | self._family.get(eid, set())


def bundled_files() -> list[Path]:
    root = resources.files("autointel.kb.data")
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml"))


def read_file(path: Path, problems: list[str]) -> tuple[list[Entity], list[dict]]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except (OSError, yaml.YAMLError) as e:
        problems.append(f"{path.name}: cannot read: {e}")
        return [], []
    if not isinstance(data, dict):
        problems.append(f"{path.name}: top level must be a mapping with 'entities' (and optional 'nicknames')")
        return [], []
    entities = [parse_entity(raw, f"{path.name}:{i}", problems) for i, raw in enumerate(data.get("entities") or [])]
    nicknames = [dict(n, _source=path.name) if isinstance(n, dict) else n for n in data.get("nicknames") or []]
    return [e for e in entities if e], nicknames


def load_kb(files: Iterable[Path] | None = None, extra: Iterable[dict] = ()) -> KnowledgeBase:
    """The bundled files (or the given ones) plus curator additions (dicts in the YAML entity form)."""
    problems: list[str] = []
    entities: list[Entity] = []
    nicknames: list[dict] = []
    digest = hashlib.sha1()
    for path in files if files is not None else bundled_files():
        digest.update(path.read_bytes())
        found, nicks = read_file(path, problems)
        entities += found
        nicknames += nicks
    for i, raw in enumerate(extra):
        digest.update(json.dumps(raw, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        e = parse_entity(raw, f"local:{i}", problems)
        if e:
            entities.append(e)
    return KnowledgeBase(entities, nicknames, problems, digest.hexdigest()[:12])
