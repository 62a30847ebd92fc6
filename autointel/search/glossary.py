"""The query vocabulary of data/glossary.yaml: English words of the trade with their Chinese equivalents, and
Chinese synonyms.  The query parser expands words with it; the segmenter makes some of its Chinese terms
index terms (segment.Segmenter, ``compounds``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Glossary:
    english: dict[str, list[str]]
    synonyms: dict[str, list[str]]  # each member -> its whole set

    @property
    def longest_english(self) -> int:
        return max((len(k.split()) for k in self.english), default=1)

    def chinese_terms(self) -> list[str]:
        """Every Chinese equivalent and synonym (自动驾驶, 数据泄露, 消息称 …)."""
        terms = {t for vals in self.english.values() for t in vals} | set(self.synonyms)
        return sorted(t for t in terms if " " not in t and _HAN.search(t))


@lru_cache(maxsize=1)
def load_glossary() -> Glossary:
    raw = yaml.safe_load(resources.files("autointel.search.data").joinpath("glossary.yaml").read_text(encoding="utf-8"))
    english = {k.lower(): [str(v) for v in vals] for k, vals in (raw.get("english") or {}).items()}
    synonyms: dict[str, list[str]] = {}
    for group in raw.get("synonyms") or []:
        for word in group:
            synonyms.setdefault(word, [])
            synonyms[word] += [w for w in group if w not in synonyms[word]]
    return Glossary(english, synonyms)
