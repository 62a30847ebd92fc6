"""Evidence that a weak name (理想, 大众, 现代, 长城, 小米 ...) means the entity, not the word."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import yaml

from autointel.kb.schema import ORGANISATION_TYPES

if TYPE_CHECKING:
    from autointel.kb.loader import KnowledgeBase

AUTO_TYPES = frozenset({"group", "automaker", "brand", "model"})
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# What may stand between two names in a list: 蔚来、小鹏、理想 / 蔚来和理想 / 蔚来, 理想
_LIST_GAP = re.compile(r"^\s*(?:[、,，/]|和|与|及|以及|或|跟|同)\s*$")


@dataclass(frozen=True)
class Rules:
    cue_window: int
    organisation_cues: tuple[str, ...]
    auto_cues: tuple[str, ...]
    person_titles: tuple[str, ...]
    name_suffixes: frozenset[str]
    negative_before: tuple[str, ...]
    negative_after: tuple[str, ...]


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    data = yaml.safe_load(resources.files("autointel.link.data").joinpath("context.yaml").read_text(encoding="utf-8"))
    return Rules(int(data["cue_window"]), tuple(data["cues"]["organisation"]), tuple(data["cues"]["auto"]),
                 tuple(data["person_titles"]), frozenset(data["name_suffixes"]),
                 tuple(data["negative_before"]), tuple(data["negative_after"]))


def glued_suffix(token: str, surface: str, rules: Rules) -> bool:
    """True when the segmenter only glued an organisation ending to the name (美国政府, 吉利汽车)."""
    return token.startswith(surface) and token[len(surface):] in rules.name_suffixes


def reads_as_word(text: str, start: int, end: int, rules: Rules) -> bool:
    """A word right before or after makes the name an ordinary word (很理想, 理想状态, 借…的东风)."""
    return text[max(0, start - 4):start].endswith(rules.negative_before) or text.startswith(rules.negative_after, end)


def local_evidence(text: str, start: int, end: int, entity_id: str, neighbours: tuple, kb: "KnowledgeBase",
                   rules: Rules) -> bool:
    """Evidence in the sentence itself. ``neighbours``: the accepted mention before, the next strong one after."""
    etype = kb.entities[entity_id].type
    if etype == "person":
        return _titled(text, start, rules)
    if etype == "place":
        return _inside_named_parent(text, start, entity_id, neighbours[0], kb)
    if etype not in ORGANISATION_TYPES and etype != "model":
        return False
    cues = rules.organisation_cues + (rules.auto_cues if etype in AUTO_TYPES else ())
    return _cue_nearby(text, start, end, cues, rules.cue_window) or _in_company_list(text, start, end, neighbours, kb)


def _titled(text: str, start: int, rules: Rules) -> bool:
    return text[max(0, start - 8):start].rstrip().endswith(rules.person_titles)


def _inside_named_parent(text: str, start: int, entity_id: str, before, kb: "KnowledgeBase") -> bool:
    """德国汉堡: the containing place named right before the weak place name."""
    if before is None or before.end != start:
        return False
    parents = {r.target for r in kb.entities[entity_id].relations if r.rel == "located_in"}
    return bool(parents & set(before.ids))


def _cue_nearby(text: str, start: int, end: int, cues: tuple[str, ...], window: int) -> bool:
    left, right = text[max(0, start - window):start], text[end:end + window]
    cut = [m.end() for m in _SENTENCE_END.finditer(left)]  # stay inside the sentence
    if cut:
        left = left[cut[-1]:]
    m = _SENTENCE_END.search(right)
    if m:
        right = right[:m.start()]
    return any(cue in left or cue in right for cue in cues)


def _in_company_list(text: str, start: int, end: int, neighbours: tuple, kb: "KnowledgeBase") -> bool:
    """Next to another company in a list (蔚来、小鹏、理想 / 理想和蔚来)."""
    before, after = neighbours
    for h, gap in ((before, text[before.end:start] if before else ""), (after, text[end:after.start] if after else "")):
        if h is not None and _LIST_GAP.match(gap) and any(kb.entities[i].type in ORGANISATION_TYPES for i in h.ids):
            return True
    return False
