"""Discovery tagger: propose names that are not in the knowledge base, with evidence, for curators.

It is a candidate proposer, not an NER model: jieba part-of-speech tags (via rjieba) say where a name
might be, and cue patterns (organisation suffixes, titles, verbs of saying, a surname list, model codes)
decide whether to believe it. Every candidate carries the rule that proposed it and a context snippet, so a
reviewer can judge it without opening the document. Nothing is downloaded; the only data is jieba's bundled
dictionary and the cue lists in discovery_patterns.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import rjieba

from autointel.link import discovery_patterns as P

CONTEXT_CHARS = 12  # each side: ~30 characters in all with a short name
MAX_ORG_CHARS = 18  # longer runs are almost always a clause swallowed by the left extension

_HAN = re.compile(r"[\u4e00-\u9fff]+\Z")
_LATIN_OR_HAN = re.compile(r"[0-9A-Za-z\u4e00-\u9fff·•&\-]+\Z")
_MODEL_CODE = re.compile(P.MODEL_CODE_RE + r"\Z")
_NAME_DOT = {"·", "•", "・"}
_FOREIGN_POS = {"nr", "nrt", "nrfg", "ns", "nz"}  # jieba tags halves of 埃隆·马斯克 as ns + nr
_ORG_KINDS = {"company", "organization", "government"}
_JOINERS = {"和", "与", "及"}  # "工业和信息化部", "规划与国土资源管理局": only inside government names


@dataclass(frozen=True)
class Candidate:
    surface: str
    start: int  # offsets in the text passed in
    end: int
    type: str  # company | organization | government | person | model
    rule: str  # which evidence proposed it: "pos:nt", "suffix:公司", "title:CEO", "pos:nr", ...
    score: float  # 0..1 confidence
    context: str  # up to ~30 characters around it, for the reviewer


def propose_candidates(text: str, known: Sequence[tuple[int, int]] = ()) -> list[Candidate]:
    """Names in Simplified text that look like organisations, people or models. Spans overlapping `known`
    (already linked mentions) are skipped."""
    if not text:
        return []
    toks = _tokens(text)
    raw = _organisations(toks) + _persons(toks) + _models(toks)
    return _resolve(text, raw, known)


# A proposal before resolution: (start, end, type, rule, score).
_Raw = tuple[int, int, str, str, float]


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    for word, tag in rjieba.tag(text):
        out.append((word, tag, pos))
        pos += len(word)
    return out


def _suffix(word: str) -> str | None:
    """Longest organisation suffix of `word`, so 俱乐部 wins over 部."""
    for k in range(min(5, len(word)), 0, -1):
        if word[-k:] in P.ORG_SUFFIXES:
            return word[-k:]
    return None


def _organisations(toks: list[tuple[str, str, int]]) -> list[_Raw]:
    out: list[_Raw] = []
    n = len(toks)
    for i, (word, tag, start) in enumerate(toks):
        suf = _suffix(word)
        if suf is None or word in P.NOT_HEADS:
            # jieba's own organisation tag on a dictionary word (社科院, 法新社): type unknown, say organization.
            if tag == "nt" and len(word) >= 2 and word not in P.NOT_HEADS:
                out.append((start, start + len(word), "organization", "pos:nt", 0.5))
            elif tag == "j" and len(word) >= 2 and word[-1] == "行":  # 工行, 中行: bank abbreviations
                out.append((start, start + len(word), "company", "pos:j", 0.4))
            continue
        # Let the last head of a chain speak for the whole name (科技 + 有限公司).
        if i + 1 < n and _is_head(toks[i + 1][0]):
            continue
        kind = P.ORG_SUFFIXES[suf]
        first = _extend_left(toks, i, kind, joinable=(suf == "部"))
        end = start + len(word)
        if first is None:
            continue
        if first == i:  # the suffix sits inside one dictionary word: 建设银行, 教育部, 保险公司
            if len(word) == len(suf) or tag not in P.NAME_POS:
                continue  # a bare suffix ("公司") names nothing; 第一部, 几部 are counted things
            if tag not in P.ANCHOR_POS and (kind != "government" or len(suf) > 1) and rjieba.has_word(word):
                continue  # an ordinary noun (保险公司, 商业地产); nt/nz/j words are names
            out.append((start, end, kind, f"suffix:{suf}", 0.55))
            continue
        score = {"company": 0.7, "organization": 0.6, "government": 0.65}[kind]
        out.append((toks[first][2], end, kind, f"suffix:{suf}", score))
    return out


def _is_head(word: str) -> bool:
    return _suffix(word) is not None and word not in P.NOT_HEADS


def _extend_left(toks: list[tuple[str, str, int]], i: int, kind: str, joinable: bool) -> int | None:
    """Index of the first token of the name whose head is toks[i]; None when the left part is no name."""
    first, chars, j = i, len(toks[i][0]), i - 1
    inner_head = False
    while j >= 0:
        word, tag, _ = toks[j]
        chars += len(word)
        if chars > MAX_ORG_CHARS or word in P.GENERIC_LEFT or not _LATIN_OR_HAN.match(word):
            break
        if word in _JOINERS:
            # "工业和信息化部" is one ministry, "海军和空军" are two: only ministries (部) join, and only
            # when no other head lies between the joiner and this one.
            if joinable and not inner_head and j > 0 and toks[j - 1][1] in P.NAME_POS:
                j -= 1
                continue
            break
        if tag in P.NAME_POS:
            first = j
        elif not (tag in P.WEAK_POS and not rjieba.has_word(word)):
            break  # an out-of-dictionary "verb" (聚创) is usually part of a brand; a real verb ends the name
        inner_head = inner_head or _is_head(word)
        j -= 1
    if first == i or kind == "government":
        # Ministries are built from common nouns (工业和信息化部); only trim verbs and joiners.
        while first < i and (toks[first][1] not in P.NAME_POS or toks[first][0] in _JOINERS):
            first += 1
        return first
    # Companies and organisations need an anchor: a place, person, proper noun, Latin word, abbreviation
    # or an out-of-dictionary word. Open the name on the leftmost anchor ("办理韩亚银行" -> 韩亚银行).
    for k in range(first, i):
        word, tag, _ = toks[k]
        if tag in P.ANCHOR_POS or (len(word) >= 2 and not rjieba.has_word(word)):
            return k
    # No anchor: a single two-character word before the head may still be a brand (理想汽车, 招商地产).
    w, t, _ = toks[i - 1]
    if kind == "company" and first <= i - 1 and len(w) == 2 and t in ("n", "vn", "v", "a"):
        return i - 1
    return None


def _surname_ok(name: str) -> bool:
    if name[:2] in P.COMPOUND_SURNAMES:
        return 3 <= len(name) <= 4
    return name[0] in P.SURNAMES and 2 <= len(name) <= 3


def _persons(toks: list[tuple[str, str, int]]) -> list[_Raw]:
    out: list[_Raw] = []
    n = len(toks)
    i = 0
    while i < n:
        word, tag, start = toks[i]
        prev = toks[i - 1][0] if i else ""
        titled = prev in P.TITLES
        # A foreign name: nr/nrt pieces joined by "·" (西摩尔·霍夫曼).
        if (tag in _FOREIGN_POS and i + 2 < n and toks[i + 1][0] in _NAME_DOT and _HAN.match(word)
                and toks[i + 2][1] in _FOREIGN_POS):
            j = i
            while j + 2 < n and toks[j + 1][0] in _NAME_DOT and _HAN.match(toks[j + 2][0]):
                j += 2
            end = toks[j][2] + len(toks[j][0])
            out.append((start, end, "person", "pattern:dot-name", 0.6))
            i = j + 1
            continue
        name_end, rule, base = None, "", 0.0
        said = _said(toks, i + 1)
        if tag in ("nr", "nrfg") and _HAN.match(word) and _surname_ok(word) and word not in P.NOT_PERSONS:
            # Measured on CLUENER train: jieba's nrfg and out-of-dictionary 3-character nr are names most of
            # the time; dictionary nr words (阿根廷, 华为) and 2-character guesses mostly are not.
            oov = not rjieba.has_word(word)
            if tag == "nrfg" or (oov and len(word) >= 3):
                base = 0.7
            elif oov and word[0] in P.COMMON_SURNAMES and word[1] not in "某总":
                base = 0.45
            elif titled or said:
                base = 0.4
            if base:
                name_end, rule = i, "pos:" + tag
        elif (len(word) == 1 and word in P.SURNAMES and (tag == "nr" or titled) and i + 1 < n
              and _HAN.match(toks[i + 1][0]) and len(toks[i + 1][0]) <= 2 and (titled or _said(toks, i + 2))
              and toks[i + 1][1] not in ("uj", "ul", "p", "c", "m", "q", "r", "d", "f", "v")):
            name_end, rule, base = i + 1, "pattern:surname+given", 0.45  # jieba split the name: 冯 + 超然
        elif titled and _HAN.match(word) and _surname_ok(word) and tag not in ("v", "vn", "d", "p", "c", "m"):
            name_end, rule, base = i, f"title:{prev}", 0.45  # 董事长邱纯潮 with the name mis-tagged
        elif tag == "nrt" and len(word) >= 2 and _HAN.match(word) and (titled or said):
            name_end, rule, base = i, "pos:nrt", 0.4  # transliterated names only with a cue: clubs get nrt too
        if name_end is not None:
            end = toks[name_end][2] + len(toks[name_end][0])
            score = base
            if titled:
                score += 0.3
                if not rule.startswith("title"):
                    rule += f"+title:{prev}"
            if _said(toks, name_end + 1):
                score += 0.2
            out.append((start, end, "person", rule, min(score, 0.95)))
            i = name_end + 1
            continue
        i += 1
    return out


def _said(toks: list[tuple[str, str, int]], j: int) -> bool:
    return j < len(toks) and toks[j][0] in P.SPEECH_VERBS


def _models(toks: list[tuple[str, str, int]]) -> list[_Raw]:
    out: list[_Raw] = []
    for i, (word, tag, start) in enumerate(toks):
        if tag != "eng" or not _MODEL_CODE.match(word) or word.upper() in P.NOT_MODELS:
            continue
        end = start + len(word)
        if i:
            bword, btag, bstart = toks[i - 1]
            if (_HAN.match(bword) and 2 <= len(bword) <= 4 and btag in P.NAME_POS
                    and bword not in P.GENERIC_LEFT and _suffix(bword) is None):
                out.append((bstart, end, "model", "pattern:brand+code", 0.65))  # 问界M9
                continue
        if sum(c.isalpha() for c in word) >= 2:
            out.append((start, end, "model", "pattern:code", 0.35))  # SU7 on its own
    return out


def _resolve(text: str, raw: list[_Raw], known: Sequence[tuple[int, int]]) -> list[Candidate]:
    """Drop junk and spans that touch known mentions; among overlapping proposals keep the stronger."""
    # One byte per character: 1 where a known mention or a chosen candidate already sits. Linear in the
    # text, so whole documents with thousands of proposals stay fast.
    occupied = bytearray(len(text))
    for ks, ke in known:
        occupied[max(ks, 0): max(ke, 0)] = b"\x01" * (max(ke, 0) - max(ks, 0))
    # An organisation inside a longer organisation is a piece of it (中国汽车 in 中国汽车技术研究中心).
    raw.sort(key=lambda r: (r[0], -r[1]))
    kept, reach = [], -1
    for r in raw:
        if r[2] in _ORG_KINDS:
            if r[1] <= reach:
                continue
            reach = r[1]
        kept.append(r)
    chosen: list[_Raw] = []
    for cand in sorted(kept, key=lambda r: (-r[4], r[0] - r[1])):
        s, e = cand[0], cand[1]
        surface = text[s:e]
        if e - s < 2 or surface.isdigit() or occupied.find(1, s, e) != -1:
            continue
        occupied[s:e] = b"\x01" * (e - s)
        chosen.append(cand)
    chosen.sort()
    out = []
    for s, e, kind, rule, score in chosen:
        ctx = text[max(0, s - CONTEXT_CHARS): e + CONTEXT_CHARS].replace("\n", " ")
        out.append(Candidate(text[s:e], s, e, kind, rule, round(score, 2), ctx))
    return out
