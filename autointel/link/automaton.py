"""One Aho-Corasick automaton over every name in the knowledge base, blockers and nicknames included."""
from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick_rs

from autointel.kb.loader import KnowledgeBase

_LATIN = re.compile(r"[A-Za-z0-9]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(text: str) -> str:
    """Lower-case without moving any offset: str.lower (fast) unless it changed the length (İ), then
    ASCII-only lower-casing."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


@dataclass(frozen=True)
class Pattern:
    """What one matched string can mean."""

    surface: str  # as written in the KB
    kind: str  # "alias" | "blocker" | "nickname"
    entity_ids: tuple[str, ...]  # aliases: every entity with this surface; nicknames: the expansion
    weak_ids: frozenset[str]  # the entities for which this surface is weak
    case_sensitive: bool  # short Latin names (BYD, GM, LI) must match their case ...
    forms: frozenset[str]  # ... one of the spellings the KB gives
    latin_start: bool  # needs a word boundary before it
    latin_end: bool  # ... and after it


_SCRIPT_BOUNDARY = re.compile(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])")


def spaced(surface: str) -> str:
    """The same name as sites that space Chinese from Latin letters and digits write it (问界 M9, 36 氪)."""
    return _SCRIPT_BOUNDARY.sub(" ", surface)


def _is_short_latin(s: str) -> bool:
    return len(s) <= 3 and all(c.isascii() for c in s)


class _Automaton:
    def __init__(self, keys: dict[str, "Pattern"]):
        self.keys = list(keys)
        self.patterns = list(keys.values())
        # Rust aho-corasick as a DFA: measured 7x faster than pyahocorasick on the bulk corpus
        self.ac = ahocorasick_rs.AhoCorasick(self.keys, implementation=ahocorasick_rs.Implementation.DFA) if keys else None

    def matches(self, text: str) -> list[tuple[int, int, "Pattern"]]:
        if self.ac is None:
            return []
        patterns = self.patterns
        return [(start, end, patterns[i]) for i, start, end in self.ac.find_matches_as_indexes(text, overlapping=True)]


class Matcher:
    """Two automata: names matched ignoring case over folded text, and short Latin names (BYD, LI, GM)
    matched exactly over the text itself, so that "li" is not found inside every English word."""

    def __init__(self, folded: dict[str, "Pattern"], exact: dict[str, "Pattern"]):
        self.folded, self.exact = _Automaton(folded), _Automaton(exact)

    def matches(self, text: str) -> list[tuple[int, int, "Pattern"]]:
        """(start, end, pattern) of every match, overlapping ones included; offsets index ``text``."""
        return self.folded.matches(fold(text)) + self.exact.matches(text)


def build_automaton(kb: KnowledgeBase) -> Matcher:
    entries: dict[str, dict] = {}

    def slot(surface: str) -> dict:
        key = fold(surface)
        return entries.setdefault(key, {"surfaces": [], "ids": [], "weak": set(), "blocker": False, "nick": ()})

    for e in kb.entities.values():
        if e.type == "topic":  # topics are for browsing, not for mention linking
            continue
        weak = set(e.weak)
        for written in kb.match_surfaces(e):
            if len(written) < 2:
                continue
            for s in {written, spaced(written)}:
                entry = slot(s)
                entry["surfaces"].append(s)
                if e.id not in entry["ids"]:
                    entry["ids"].append(e.id)
                if written in weak:
                    entry["weak"].add(e.id)
        for b in e.blockers:
            slot(b)["blocker"] = True
    for n in kb.nicknames:
        entry = slot(n.alias)
        entry["nick"] = n.expands
        entry["surfaces"].append(n.alias)

    folded: dict[str, Pattern] = {}
    exact: dict[str, Pattern] = {}
    for key, entry in entries.items():
        surface = entry["surfaces"][0] if entry["surfaces"] else key
        if entry["nick"]:
            # Latin nicknames obey the alias rules: whole words only, exact case when short (BBA, not Toubba)
            case = any(_is_short_latin(s) for s in entry["surfaces"])
            pattern = Pattern(surface, "nickname", entry["nick"], frozenset(), case, frozenset(entry["surfaces"]),
                              bool(_LATIN.match(key[0])), bool(_LATIN.match(key[-1])))
        elif entry["ids"]:
            case = any(_is_short_latin(s) for s in entry["surfaces"])
            pattern = Pattern(surface, "alias", tuple(entry["ids"]), frozenset(entry["weak"]), case,
                              frozenset(entry["surfaces"]), bool(_LATIN.match(key[0])), bool(_LATIN.match(key[-1])))
        else:
            pattern = Pattern(surface, "blocker", (), frozenset(), False, frozenset(), False, False)
        # A phrase that is an alias of one entity and a blocker of another stays an alias: it was
        # written for that exact string.
        if pattern.case_sensitive:
            for form in pattern.forms:
                exact[form] = pattern
        else:
            folded[key] = pattern
    return Matcher(folded, exact)
