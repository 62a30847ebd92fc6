"""Evidence that a weak name (理想, 大众, 现代, 长城, 小米 ...) means the company, not the word."""
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

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# What may stand between two names in a list: 蔚来、小鹏、理想 / 蔚来和理想 / 蔚来, 理想
_LIST_GAP = re.compile(r"^\s*(?:[、,，/]|和|与|及|以及|或|跟|同)\s*$")


@dataclass(frozen=True)
class Rules:
    cue_window: int
    organisation_cues: tuple[str, ...]
    name_suffixes: frozenset[str]
    negative_before: tuple[str, ...]
    negative_after: tuple[str, ...]


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    data = yaml.safe_load(resources.files("autointel.link.data").joinpath("context.yaml").read_text(encoding="utf-8"))
    return Rules(int(data["cue_window"]), tuple(data["organisation_cues"]), frozenset(data["name_suffixes"]),
                 tuple(data["negative_before"]), tuple(data["negative_after"]))


def glued_suffix(token: str, surface: str, rules: Rules) -> bool:
    """True when the segmenter only glued an organisation ending to the name (美国政府, 吉利汽车)."""
    if not token.startswith(surface):
        return False
    rest = token[len(surface):]
    return rest in rules.name_suffixes


def weak_alias_supported(text: str, start: int, end: int, entity_id: str, strong_family: set[str],
                         neighbours: tuple, kb: "KnowledgeBase", rules: Rules) -> bool:
    """Whether the text around a weak name supports reading it as ``entity_id``.

    ``neighbours`` are the accepted mention before it and the next strong mention after it."""
    before, after = text[max(0, start - 4):start], text[end:end + 4]
    if any(before.endswith(w) for w in rules.negative_before) or any(after.startswith(w) for w in rules.negative_after):
        return False
    if entity_id in strong_family:
        return True
    if kb.entities[entity_id].type not in ORGANISATION_TYPES and kb.entities[entity_id].type != "model":
        return False  # weak person and place names need the document to name them strongly
    return _cue_nearby(text, start, end, rules) or _in_company_list(text, start, end, neighbours, kb)


def _cue_nearby(text: str, start: int, end: int, rules: Rules) -> bool:
    lo, hi = max(0, start - rules.cue_window), min(len(text), end + rules.cue_window)
    left, right = text[lo:start], text[end:hi]
    # stay inside the sentence
    cut = [m.end() for m in _SENTENCE_END.finditer(left)]
    if cut:
        left = left[cut[-1]:]
    m = _SENTENCE_END.search(right)
    if m:
        right = right[:m.start()]
    return any(cue in left or cue in right for cue in rules.organisation_cues)


def _in_company_list(text: str, start: int, end: int, neighbours: tuple, kb: "KnowledgeBase") -> bool:
    """Next to another company in a list (蔚来、小鹏、理想 / 理想和蔚来)."""
    before, after = neighbours
    for h, gap in ((before, text[before.end:start] if before else ""), (after, text[end:after.start] if after else "")):
        if h is not None and _LIST_GAP.match(gap) and any(kb.entities[i].type in ORGANISATION_TYPES for i in h.ids):
            return True
    return False
