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
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

import yaml

from autointel.facts.extract import by_sentence, sentences

PARTICIPANT_TYPES = frozenset({"group", "automaker", "brand", "supplier", "company", "government", "association",
                               "person", "place", "model"})
_FILLER = re.compile(r"^(?:方面|官方|公司|也|已|均|亦|则|随即|随后|迅速|当天|今日|对此|再次|第一时间|正式|曾|此前|近日)*")
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
    status_patterns: tuple[tuple[str, re.Pattern], ...]  # one alternation per status, in rank order
    any_status: re.Pattern  # every status word, and what a no-comment starts with
    sources: tuple[str, ...]
    speech: tuple[str, ...]
    not_after: dict[str, frozenset[str]]  # trigger -> characters it may not follow


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
    # what may not follow a trigger: characters (投资者) or words (发布公告)
    not_before = {t: "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                  for t, words in (data.get("not_before") or {}).items()}
    # what may not precede it (相关税 holds 关税) is checked on each match (_preceded): a lookbehind in the
    # alternation would cost the scan its speed
    pattern = re.compile("|".join(re.escape(t) + (f"(?!(?:{not_before[t]}))" if t in not_before else "")
                                  for t in sorted(by_trigger, key=len, reverse=True)))
    status = tuple((st, tuple(data["status"][st])) for st in order)
    patterns = tuple((st, re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))))
                     for st, words in status)
    words = sorted({w for _, ws in status for w in ws} | {"未", "没有"}, key=len, reverse=True)
    any_status = re.compile("|".join(re.escape(w) for w in words))
    not_after = {t: frozenset(chars) for t, chars in (data.get("not_after") or {}).items()}
    return ClaimRules(types, pattern, by_trigger, status, patterns, any_status, tuple(data["sources"]),
                      tuple(data["speech"]), not_after)


def extract_claims(text: str, mentions: Sequence, kb) -> list[Claim]:
    r = rules()
    linked = sorted((m for m in mentions if m.entity_id and kb.entities.get(m.entity_id)
                     and kb.entities[m.entity_id].type in PARTICIPANT_TYPES), key=lambda m: m.start)
    out: list[Claim] = []
    spans = sentences(text)
    rumour_goes_on: str | None = None
    para_rumour = False
    # where an unnamed source is named (most documents: nowhere), to test sentence openings by bisection
    sources = [m.start() for m in _SOURCE_WORD.finditer(text)]
    for (s_start, s_end), in_sentence in zip(spans, by_sentence(spans, linked)):
        if not in_sentence:
            rumour_goes_on = None
            para_rumour = bool(sources) and _opens_with_source(text, s_start, s_end, sources)
            status = _status(text[s_start:s_end], r) if out and _UNNAMED_SPEAKER.match(text, s_start) else None
            if status in ("denied", "no_comment"):
                # "…任命…李鹏程为小鹏汽车 CEO 助理。官方对此暂未回应。": an answer naming no one, by "官方" or
                # "该公司", is the answer of the paragraph's latest claim's first side
                para_start = text.rfind("\n", 0, s_start) + 1
                last = next((c for c in reversed(out) if c.start >= para_start and c.status in ("rumoured", "reported")), None)
                if last is not None:
                    out.append(Claim(last.type, last.participants, status, kb.entities[last.participants[0]].name,
                                     last.participants[0], s_start, s_end, text[s_start:s_end].strip()))
            continue
        in_this_sentence: list[Claim] = []
        # "有消息称，…正在商谈合作…，未来或还将接手…": the rumour covers the whole sentence, and the next
        # one when this one ends with a semicolon ("知情人透露，…股份；而与北汽集团的合作则由…")
        carried = rumour_goes_on or ("rumoured" if para_rumour else "reported")
        rumour_goes_on, para_rumour = None, False
        for a, b in _parts(text, s_start, s_end):
            part = text[a:b]
            here = [m for m in in_sentence if a <= m.start < b]
            status = _status(part, r) or carried
            if not here:
                carried = status
                continue
            sides = [m for m in in_sentence if m.start < b]  # a part's subject may be named earlier in the sentence
            types = _types(part, sides, kb, r, a)
            if status in ("denied", "no_comment") and in_this_sentence and _ALL_OF_THEM.search(part):
                types = []  # "不过这些“合作”消息都被小米一一澄清": the answer to every claim just made
            if not types and (not out or status not in ("denied", "no_comment", "confirmed")):
                carried = status  # no event and no answer: most sentences end here, before any attribution
                continue
            attribution, attribution_id = _attribution(text, a, part, here, kb, r)
            if not types:
                # "北汽蓝谷回应称，消息不实" / "小米暂未回应": an answer to claims just made, by one of their sides
                for answered in _answered(out, in_this_sentence, part, status, here, kb):
                    speaker = attribution_id or answered[1]
                    found = Claim(answered[0].type, answered[0].participants, status,
                                  attribution or kb.entities[speaker].name, speaker, a, b, part.strip())
                    out.append(found)
                carried = status
                continue
            if status == "reported" and attribution_id and _speaks_for(kb, attribution_id, {m.entity_id for m in sides}):
                status = "confirmed"  # the party itself says it (福特表示将…, 马斯克表示 for 特斯拉)
            elif status == "reported" and _WE_SAID.search(text, s_start, b):
                status = "confirmed"  # "…首席执行官在声明中表示：“我们很高兴能与极星合作”": a side speaking of itself
            for ctype in types:
                participants = tuple(dict.fromkeys(
                    m.entity_id for m in (here if _enough(here, ctype, kb, r) else sides)
                    if kb.entities[m.entity_id].type not in ("place", "person") or ctype in ("personnel", "tariff", "policy")))
                if participants:
                    claim = Claim(ctype, participants, status, attribution, attribution_id, a, b, part.strip())
                    out.append(claim)
                    in_this_sentence.append(claim)
            carried = status if status in ("rumoured",) else carried
        if carried == "rumoured" and text[s_end - 1:s_end] in ("；", ";"):
            rumour_goes_on = carried
        if sources and not in_this_sentence and _opens_with_source(text, s_start, s_end, sources):
            # "据知情人士透露，…组织架构已接近尾声。小鹏内部已发文任命…": a sentence opened by an unnamed source
            # that makes no claim itself introduces the next sentence of its paragraph
            para_rumour = True
    return out


# where a sentence turns to another voice: "…传出过绯闻，不过这些消息都被小米一一澄清", "北京现代表示并不
# 知情，而小米集团还未回应"; each part gets its own status and its own claims or answers
_TURN = re.compile(r"[，,；;](?=不过|但是|但|然而|而|可是|对此)")
# 评论 too: "并未就此发表评论" leaves the question open as 未回应 does
_NO_COMMENT = re.compile(r"(?:未|没有|尚未|暂未|还未|并未)[^，,。；]{0,10}(?:回应|置评|表态|答复|回复|评论)")
_WE_SAID = re.compile(r"(?:表示|称|说|声明)\s*[:：，,]?\s*[“「\"]\s*我们")
_UNNAMED_SPEAKER = re.compile(r"\s*(?:官方|对方|该公司|该企业|公司方面|公司)(?:方面)?(?:对此|就此)?")
# a paragraph opened by an unnamed source ("据知情人士透露，", "有消息称，")
_SOURCE_OPENING = re.compile(r"\s*(?:[^，,。；]{0,12}[，,]\s*)?(?:据|有)?(?:一位|多位|两位|三位|四位)?(?:知情人士|知情人|消息人士|消息称|业内人士)")
_SOURCE_WORD = re.compile(r"人士|消息称|知情人")


def _opens_with_source(text: str, s_start: int, s_end: int, sources: list[int]) -> bool:
    """Does the sentence open with an unnamed source (one of ``sources``, the positions of source words,
    near its start) and end before the paragraph does?"""
    i = bisect_left(sources, s_start)
    if i == len(sources) or sources[i] >= min(s_end, s_start + 24):
        return False  # most sentences: no source word near their start
    return bool(_SOURCE_OPENING.match(text, s_start)) and text[s_end - 1:s_end] != "\n" and text[s_end:s_end + 1] != "\n"


_ALL_OF_THEM = re.compile(r"这些|一一|均被|都被|全部|上述")


def _parts(text: str, s_start: int, s_end: int) -> list[tuple[int, int]]:
    cuts = [m.end() for m in _TURN.finditer(text, s_start, s_end)]
    if not cuts:
        return [(s_start, s_end)]
    bounds = [s_start, *cuts, s_end]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def _status(part: str, r: "ClaimRules") -> str | None:
    if not r.any_status.search(part):
        return None  # most sentences carry no status word: one search instead of five
    found = [st for st, rx in r.status_patterns if rx.search(part)]
    if _NO_COMMENT.search(part) and "denied" not in found:
        return "no_comment"
    return found[0] if found else None


def _answered(previous: list[Claim], this_sentence: list[Claim], part: str, status: str, mentions: list,
              kb) -> list[tuple[Claim, str]]:
    """Which earlier claims a denial, a no comment or a confirmation answers, with who answers: every claim
    of the sentence when it says so ("这些消息都被小米一一澄清"), else the latest claim the speaker is a side
    of (北京现代 -> the claim naming 北京现代; 北汽蓝谷 -> one naming its group), else none."""
    if not previous or status not in ("denied", "no_comment", "confirmed"):
        return []
    # who answers is an organisation or a person; a place named in the answer ("缩减中国市场") is not a voice
    mentions = [m for m in mentions if kb.entities[m.entity_id].type != "place"]
    if this_sentence and _ALL_OF_THEM.search(part):
        out = []
        for claim in this_sentence:
            speaker = next((m.entity_id for m in mentions if any(_related(kb, m.entity_id, p) for p in claim.participants)), None)
            if speaker:
                out.append((claim, speaker))
        return out
    # what is denied or left without comment is a rumour first, then a report; the latest sentence first,
    # and in it the first claim (the sentence's main event, not a side remark after it)
    rank = {"rumoured": 0, "reported": 1}
    ordered = sorted(previous, key=lambda c: (rank.get(c.status, 2), -c.start))
    for exact in (True, False):
        for claim in ordered:
            for m in mentions:
                if (m.entity_id in claim.participants) if exact else any(_related(kb, m.entity_id, p) for p in claim.participants):
                    return [(claim, m.entity_id)]
    return []


def _speaks_for(kb, speaker: str, sides: set[str]) -> bool:
    """Is the speaker one of the claim's sides, or a person holding a role at one (马斯克 -> 特斯拉)?"""
    if speaker in sides:
        return True
    e = kb.entities.get(speaker)
    return e is not None and e.type == "person" and any(r.rel == "role_at" and r.target in sides for r in e.relations)


def _enough(mentions: list, ctype: str, kb, r: "ClaimRules") -> bool:
    minimum = next(m for t, _, m in r.types if t == ctype)
    organisations = {m.entity_id for m in mentions if kb.entities[m.entity_id].type not in ("place", "person")}
    return len(organisations) >= minimum or (ctype in ("tariff", "policy", "personnel") and bool(mentions))


def _types(part: str, mentions: list, kb, r: ClaimRules, offset: int = 0) -> list[str]:
    """The types of the part's triggers, in order, whose claims have enough participants."""
    out: list[str] = []
    by_noun_only: set[str] = set()
    for m in r.trigger_pattern.finditer(part):
        if any(x.start < offset + m.end() and offset + m.start() < x.end for x in mentions) or _preceded(part, m, r):
            continue  # a trigger inside a name (北京汽车股份) is part of the name
        for ctype, _minimum in r.trigger_types[m.group()]:
            if _enough(mentions, ctype, kb, r):
                if ctype not in out:
                    out.append(ctype)
                    by_noun_only.add(ctype)
                if m.group() not in _OBJECT_NOUNS or _BUILD_BEFORE.search(part, max(0, m.start() - 8), m.start()):
                    by_noun_only.discard(ctype)  # "考虑在日本建设第二家工厂": the plant is what is built
                break
    # "接手北汽新能源位于青岛莱西的生产基地", "购买北京现代第二工厂的股份": a plant named as the object of
    # another event is no plant claim of its own
    if len(out) > 1:
        out = [t for t in out if t not in by_noun_only]
    return out


_OBJECT_NOUNS = frozenset({"工厂", "生产基地"})
_BUILD_BEFORE = re.compile(r"(?:建设|新建|兴建|投建|建立|筹建|开建|修建|建)[^，,。；]{0,6}$")


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


def same_claim(kb, a_type: str, a: Sequence[str], b_type: str, b: Sequence[str], a_text: str | None = None,
               b_texts: Sequence[str] | None = None) -> bool:
    """Every participant of the smaller side relates to one of the other (same entity, or one relation
    apart, or the same top organisation): within one document, a claim and the gold claim it is scored
    against.

    Given the sentences (``a_text``, the new claim's; ``b_texts``, an existing claim's history), the test is
    the store's, across documents: the same event, not only the same kind of event among the same
    parties. Both sides' participants relate to each other (比亚迪 alone is not 比亚迪 + 海狮07), and the
    sentences share a trigger word of the type (发布 and 发布, not 发布 and 量产) unless the new sentence has
    none (an answer: "北汽蓝谷回应称，该消息不实" joins the rumour it answers). The time window is the
    store's (autointel/store/facts.py)."""
    if a_type != b_type or not a or not b:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not all(any(_related(kb, x, y) for y in large) for x in small):
        return False
    if a_text is None or b_texts is None:
        return True
    if not all(any(_related(kb, y, x) for x in small) for y in large):
        return False
    mine = _triggers_of(a_type, a_text)
    if not mine:
        return True
    sharing = [t for t in b_texts if mine & _triggers_of(a_type, t)]
    if not sharing:
        return False
    known = _known_words(kb, a_type, set(a) | set(b))
    words = _bigrams(a_text, known)
    return any(_dice(words, _bigrams(t, known)) >= SAME_EVENT_OVERLAP for t in sharing)


# Two sentences about one event share more than the kind of event and its parties: the product, the
# plant's place, the amount ("苹果发布iPad Pro" and "苹果新款iPad Pro正式发布" share iP, Pa, ad, Pr, ro;
# "苹果发布iPhone 16" and "苹果推出播客网页版" nothing). Dice coefficient of the character pairs left
# once the parties' names and the type's trigger words are taken out.
SAME_EVENT_OVERLAP = 0.2


class _KbMemo:
    """Answers that depend only on the knowledge base and the arguments, kept per knowledge-base version
    (its content digest, so a curator's addition starts afresh); emptied when it grows past ``limit``.
    Claim matching asks the same questions again for every stored claim of the same parties."""

    def __init__(self, compute, limit: int):
        self.compute, self.limit, self.answers = compute, limit, {}

    def __call__(self, kb, *args):
        key = (getattr(kb, "version", id(kb)), *args)
        found = self.answers.get(key)
        if found is None:
            if len(self.answers) > self.limit:
                self.answers.clear()
            found = self.answers[key] = self.compute(kb, *args)
        return found


def _known_words(kb, ctype: str, ids: set[str]) -> re.Pattern:
    # one pattern per (type, parties): compiling it is most of a comparison's cost
    return _known_words_memo(kb, ctype, frozenset(ids))


def _compile_known_words(kb, ctype: str, ids: set[str]) -> re.Pattern:
    words = {w for eid in ids if (e := kb.entities.get(eid)) is not None for w in (e.name, *getattr(e, "aliases", ()))
             if w}
    words |= {t for t, types in rules().trigger_types.items() if any(x == ctype for x, _ in types)}
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)")


_known_words_memo = _KbMemo(_compile_known_words, 4096)
_NOT_WORD = re.compile(r"[\s\d，,。；;：:、！？!?（）()“”\"'「」《》【】\-—·.%]+")


@lru_cache(maxsize=65536)  # an existing claim's sentences are compared again with every new event of its parties
def _bigrams(text: str, known: re.Pattern) -> frozenset[str]:
    out: set[str] = set()
    for piece in known.split(text or ""):
        t = _NOT_WORD.sub("", piece)
        out |= {t[i:i + 2] for i in range(len(t) - 1)}
    return frozenset(out)


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


@lru_cache(maxsize=65536)
def _triggers_of(ctype: str, text: str) -> frozenset[str]:
    r = rules()
    return frozenset(m.group() for m in r.trigger_pattern.finditer(text or "")
                     if any(t == ctype for t, _ in r.trigger_types[m.group()]) and not _preceded(text, m, r))


def _preceded(text: str, m: re.Match, r: "ClaimRules") -> bool:
    """Is the match no trigger: after a character it may not follow (相关税: 相 + 关税), or 发布 of a report
    ("发布三季度财报", "发布2024年业绩公告": a statement, not a product)?"""
    chars = r.not_after.get(m.group())
    if chars is not None and m.start() > 0 and text[m.start() - 1] in chars:
        return True
    return m.group() == "发布" and bool(_REPORT_AFTER.match(text, m.end()))


_REPORT_AFTER = re.compile(r"[^，,。；《]{0,10}?(?:财报|公告|年报|季报|业绩|报告|声明)")  # not 数据: 发布一款数据中心芯片


def _related(kb, x: str, y: str) -> bool:
    return x == y or _related_memo(kb, x, y)


def _compute_related(kb, x: str, y: str) -> bool:
    return y in kb.family(x) or bool(_roots(kb, x) & _roots(kb, y))


_related_memo = _KbMemo(_compute_related, 200_000)


def _roots(kb, eid: str, depth: int = 4) -> frozenset[str]:
    """The top organisations above an entity (北汽蓝谷 -> 北汽集团; a joint venture -> both parents)."""
    e = kb.entities.get(eid)
    parents = [r.target for r in e.relations if r.rel in ("subsidiary_of", "brand_of", "joint_venture_of")] if e else []
    if not parents or depth == 0:
        return frozenset({eid})
    return frozenset().union(*(_roots(kb, p, depth - 1) for p in parents))
