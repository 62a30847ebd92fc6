"""Claims: cooperation, investment, supply deals, plants, launches, tariffs, lawsuits, personnel changes,
each with participants, a status (reported, rumoured, confirmed, denied, no_comment), who says it, and its
sentence.

A sentence makes a claim when it holds a trigger word (claims.yaml) and enough linked participants. The
status comes from the words of the sentence (否认 -> denied, 知情人士 -> rumoured, 未回应 -> no_comment,
官宣 -> confirmed); the attribution from 据… or from the entity right before a verb of saying.
Matching a claim across sentences and documents (the rumour and each denial are one claim's history)
is `same_claim`: same type, and every participant of one related to a participant of the other through
the knowledge base (北汽蓝谷 and 北京现代 belong to 北汽集团).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

import yaml

from autointel.facts.extract import by_sentence, sentences

PARTICIPANT_TYPES = frozenset({"group", "automaker", "brand", "supplier", "company", "government", "association",
                               "person", "place", "model"})
_FILLER = re.compile(r"^(?:方面|官方|公司|也|已|均|亦|则|随即|随后|迅速|当天|今日|对此|再次|第一时间|正式)*")
_ACCORDING_TO = re.compile(r"据(?:《([^》]{1,20})》|([^，,。；]{1,12}?))(?:报道|消息|透露|援引|称|表示|披露|获悉|了解)")


@dataclass(frozen=True)
class Claim:
    type: str
    participants: tuple[str, ...]  # entity ids, in order of appearance
    status: str
    attribution: str | None  # as written: 知情人士, 北汽集团, 《华尔街日报》
    attribution_id: str | None
    start: int  # the sentence
    end: int
    text: str


@dataclass(frozen=True)
class ClaimRules:
    types: tuple[tuple[str, tuple[str, ...], int], ...]
    trigger_pattern: re.Pattern  # every trigger, longest first
    trigger_types: dict[str, list[tuple[str, int]]]  # trigger -> (type, minimum participants), in file order
    status: tuple[tuple[str, tuple[str, ...]], ...]
    sources: tuple[str, ...]
    speech: tuple[str, ...]


@lru_cache(maxsize=1)
def rules() -> ClaimRules:
    data = yaml.safe_load(resources.files("autointel.facts.data").joinpath("claims.yaml").read_text(encoding="utf-8"))
    types = tuple((t, tuple(sorted(s["triggers"], key=len, reverse=True)), int(s["min_participants"]))
                  for t, s in data["types"].items())
    order = ("denied", "no_comment", "rumoured", "confirmed")  # a denial outranks the rumour it quotes
    by_trigger: dict[str, list[tuple[str, int]]] = {}
    for ctype, triggers, minimum in types:
        for t in triggers:
            by_trigger.setdefault(t, []).append((ctype, minimum))
    pattern = re.compile("|".join(re.escape(t) for t in sorted(by_trigger, key=len, reverse=True)))
    return ClaimRules(types, pattern, by_trigger, tuple((st, tuple(data["status"][st])) for st in order), tuple(data["sources"]),
                      tuple(data["speech"]))


def extract_claims(text: str, mentions: Sequence, kb) -> list[Claim]:
    r = rules()
    linked = sorted((m for m in mentions if m.entity_id and kb.entities.get(m.entity_id)
                     and kb.entities[m.entity_id].type in PARTICIPANT_TYPES), key=lambda m: m.start)
    out: list[Claim] = []
    spans = sentences(text)
    for (s_start, s_end), in_sentence in zip(spans, by_sentence(spans, linked)):
        if not in_sentence:
            continue
        sentence = text[s_start:s_end]
        ctype = _type(sentence, in_sentence, kb, r)
        status = next((st for st, words in r.status if any(w in sentence for w in words)), "reported")
        attribution, attribution_id = _attribution(text, s_start, sentence, in_sentence, kb, r)
        if ctype is None:
            # "北汽蓝谷回应称，消息不实" / "小米暂未回应": a reply to the claim just made, by one of its side
            follow = _follow_up(out, status, in_sentence, kb)
            if follow is not None:
                speaker = attribution_id or follow
                out.append(Claim(out[-1].type, out[-1].participants, status,
                                 attribution or kb.entities[speaker].name, speaker, s_start, s_end, sentence.strip()))
            continue
        participants = tuple(dict.fromkeys(m.entity_id for m in in_sentence
                                           if kb.entities[m.entity_id].type not in ("place", "person")
                                           or ctype in ("personnel", "tariff", "policy")))
        if participants:
            out.append(Claim(ctype, participants, status, attribution, attribution_id, s_start, s_end,
                             sentence.strip()))
    return out


def _follow_up(previous: list[Claim], status: str, mentions: list, kb) -> str | None:
    """Who, among the sides of the document's last claim (or their groups), answers it: a denial, a no
    comment, a confirmation."""
    if not previous or status not in ("denied", "no_comment", "confirmed"):
        return None
    return next((m.entity_id for m in mentions
                 if any(_related(kb, m.entity_id, p) for p in previous[-1].participants)), None)


def _type(sentence: str, mentions: list, kb, r: ClaimRules) -> str | None:
    """The type of the earliest trigger whose claim has enough participants."""
    organisations = {m.entity_id for m in mentions if kb.entities[m.entity_id].type not in ("place", "person")}
    for m in r.trigger_pattern.finditer(sentence):
        for ctype, minimum in r.trigger_types[m.group()]:
            if len(organisations) >= minimum or (ctype in ("tariff", "policy", "personnel") and mentions):
                return ctype
    return None


def _attribution(text: str, s_start: int, sentence: str, mentions: list, kb, r: ClaimRules) -> tuple[str | None, str | None]:
    m = _ACCORDING_TO.search(sentence)
    if m:
        source = f"《{m.group(1)}》" if m.group(1) else m.group(2).strip()
        inside = [x for x in mentions if s_start + m.start() <= x.start < s_start + m.end()]
        return source, inside[0].entity_id if inside else None
    for x in mentions:  # X表示 / X方面称 / X也否认 / X随即回应
        after = _FILLER.sub("", text[x.end:x.end + 8])
        if after.startswith(r.speech):
            return kb.entities[x.entity_id].name, x.entity_id
    for source in r.sources:
        if source in sentence:
            return source, None
    return None, None


def same_claim(kb, a_type: str, a: Sequence[str], b_type: str, b: Sequence[str]) -> bool:
    """Every participant of the smaller side relates to one of the other (same entity, or one relation
    apart, or the same top organisation)."""
    if a_type != b_type or not a or not b:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return all(any(_related(kb, x, y) for y in large) for x in small)


def _related(kb, x: str, y: str) -> bool:
    return x == y or y in kb.family(x) or bool(_roots(kb, x) & _roots(kb, y))


def _roots(kb, eid: str, depth: int = 4) -> frozenset[str]:
    """The top organisations above an entity (北汽蓝谷 -> 北汽集团; a joint venture -> both parents)."""
    e = kb.entities.get(eid)
    parents = [r.target for r in e.relations if r.rel in ("subsidiary_of", "brand_of", "joint_venture_of")] if e else []
    if not parents or depth == 0:
        return frozenset({eid})
    return frozenset().union(*(_roots(kb, p, depth - 1) for p in parents))
