"""Chinese segmentation for the index and for queries, with the knowledge base's names as words.

jieba alone splits 问界M9 into 问/界/M9 and may glue a name to its neighbour; adding every knowledge-base
name to a private dictionary makes them single searchable terms.  The index uses search mode (a long word
also yields its parts: 中华人民共和国 -> 中华, 人民, 共和国 …) so a query for a part still finds the whole;
queries use the default mode, whose words are always among the index's tokens for the same text.
A private ``rjieba.Jieba`` keeps these additions away from the linker's own segmenter.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

import rjieba

from autointel.kb.loader import KnowledgeBase, to_simplified_chars
from autointel.search.glossary import load_glossary

# Punctuation and symbols become spaces, so the index's analyzer can be a plain whitespace split (in Rust,
# 4x faster here than tantivy's regex tokenizer); queries go through the same two steps.
# Terms are runs of letters and digits: what tantivy's simple tokenizer keeps of the index text (in Rust),
# and what queries keep here.
_WORD = re.compile(r"[^\W_]+")
# jieba cuts 352.1 into 352 / . / 1: a decimal number becomes the single term 352点1 (点 is how it is read).
# (a leading digit, not a lookbehind: the regex engine then only tries at digits, 25% faster over the corpus)
_DECIMAL = re.compile(r"(\d) ?\. ?(?=\d)")  # "352.1" or, when jieba cut it, "352 . 1"
_THOUSANDS = re.compile(r"(\d) ?, ?(?=\d{3}(?!\d))")  # 1,100万 -> 1100 万
_HAN = re.compile(r"[\u3400-\u9fff]")
NAME_FREQ = 200_000  # high enough for a name to beat the dictionary's own splits


class Segmenter:
    def __init__(self, words: list[str] = (), compounds: list[str] = ()):
        """``words``: names, each one term.  ``compounds``: terms such as 自动驾驶 that jieba cuts into words
        found in a large share of the corpus (自动, 驾驶); those whose search-mode cut then still yields
        exactly those words become terms too (see _keeps_parts), so a query can ask for the term itself."""
        self._jieba = rjieba.Jieba()
        self._lock = threading.Lock()  # rjieba's dictionary is not safe to mutate while cutting
        for w in words:
            self._jieba.add_word(w, NAME_FREQ, "nz")
        self.compounds = frozenset(c for c in compounds if self._keeps_parts(c))
        for c in self.compounds:
            self._jieba.add_word(c, NAME_FREQ, "nz")

    def _keeps_parts(self, compound: str) -> bool:
        """Adding the compound changes nothing else in the index: search mode cuts a word of 4 characters or
        more into its 2- and 3-character dictionary words, and those must be exactly its default-mode parts.
        Not 汽车厂商 (search mode would add 车厂: a query for 车厂 would find every 汽车厂商), nor 消息称 or
        充电桩 (the part 称 / 桩 would be lost), nor two-character words (车企: 车 and 企 would be lost)."""
        if len(compound) < 4 or self._jieba.has_word(compound):
            return False
        parts = list(self._jieba.cut(compound, False))
        if len(parts) < 2 or any(len(p) < 2 for p in parts) or "".join(parts) != compound:
            return False
        grams = {compound[i:i + n] for n in (2, 3) for i in range(len(compound) - n + 1)}
        return {g for g in grams if self._jieba.has_word(g)} == set(parts)

    def index_tokens(self, text: str) -> list[str]:
        """Search-mode tokens, lower-cased, without punctuation or whitespace."""
        if not text:
            return []
        return _WORD.findall(self.index_text(text).lower())

    def index_text(self, text: str) -> str:
        """Search-mode tokens joined by spaces and lower-cased: the index's analyzer does the rest in Rust."""
        return _numbers(" ".join(self._jieba.cut_for_search(text, False))).lower() if text else ""

    def document_texts(self, title: str, body: str) -> tuple[str, str]:
        """What the index's title and body fields hold; the body also has the title's tokens."""
        title_text = self.index_text(title)
        body_text = self.index_text(body)
        return title_text, f"{title_text} {body_text}" if title_text else body_text

    def query_tokens(self, text: str) -> list[str]:
        return [w.lower() for w in self.query_words(text)]

    def query_words(self, text: str) -> list[str]:
        """Default-mode words as written (case kept, for labels and knowledge-base lookups)."""
        return _WORD.findall(_numbers(" ".join(self._jieba.cut(text, False))))

    def parts(self, word: str) -> list[str]:
        """The shorter words search mode finds inside a long word (汽车销量 -> 汽车, 销量); [] when none."""
        if len(word) < 3:
            return []
        subs = [t.lower() for t in _WORD.findall(self.index_text(word)) if t != word]
        covered = "".join(subs)
        return subs if subs and all(ch in covered for ch in word) else []

    def is_word(self, text: str) -> bool:
        return bool(self._jieba.has_word(text))


def _numbers(joined: str) -> str:
    if "," in joined:  # cheap tests first: most texts have no ASCII comma
        joined = _THOUSANDS.sub(r"\1", joined)
    return _DECIMAL.sub(r"\1点", joined) if "." in joined else joined


def name_words(kb: KnowledgeBase) -> list[str]:
    """The knowledge base's Simplified names that contain Han characters (Latin names split on spaces anyway),
    regional ones included: a query in Taiwan wording (輝達, 賓士) must not fall apart into single characters.
    (Glossary terms are not names: Segmenter takes only those compounds that keep their parts; all of them as
    words cost recall@10 0.824 -> 0.805 on the search evaluation, 消息称 losing 称, 汽车厂商 adding 车厂.)"""
    words: set[str] = set()
    for e in kb.entities.values():
        for s in [e.name, *e.aliases, *e.weak, *e.regional]:
            s = to_simplified_chars(s).strip()
            if len(s) >= 2 and _HAN.search(s) and " " not in s:
                words.add(s)
    return sorted(words)


@lru_cache(maxsize=4)
def segmenter_for(kb: KnowledgeBase) -> Segmenter:
    return Segmenter(name_words(kb), load_glossary().chinese_terms())
