"""Remove what is not the article and repair what scraping broke, keeping alignment.

Rules run on aligned text, so everything they remove or rewrite still maps back
to the original.  Paragraph rules run after script conversion, so they only
need to know Simplified wording.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from autointel.normalize.aligned import AlignedText

_HAN = "\u4e00-\u9fff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"

# --- pinyin marks: 行業(yè) -> 行業 ---------------------------------------------------------
_PINYIN_TONED = re.compile(rf"(?<=[{_HAN}])(\([a-zü]{{0,5}}[{_TONED}][a-zü]{{0,5}}\))")
_PINYIN_PLAIN = re.compile(rf"(?<=[{_HAN}])(\([a-zü]{{1,6}}\))")


def remove_pinyin_marks(at: AlignedText) -> tuple[AlignedText, int]:
    """Drop pinyin in parentheses after a Han character.

    Tone-marked pinyin is unambiguous.  Toneless "(de)" could be an enumeration
    like "(a)", so it is only removed in documents that already carry several
    tone-marked marks (the platform that adds them adds them everywhere).
    """
    toned = len(_PINYIN_TONED.findall(at.text))
    if not toned:
        return at, 0
    at = at.sub(_PINYIN_TONED, "", group=1)
    plain = 0
    if toned >= 3:
        plain = len(_PINYIN_PLAIN.findall(at.text))
        at = at.sub(_PINYIN_PLAIN, "", group=1)
    return at, toned + plain


# --- numbers and width ---------------------------------------------------------------------
_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for cp in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
_SPACES = {0x00A0: " ", 0x3000: " ", 0x2002: " ", 0x2003: " ", 0x2009: " "}
_WIDTH_TABLE = {**_FULLWIDTH_ALNUM, **{k: ord(v) for k, v in _SPACES.items()}}
# Zero-width characters and soft hyphens; bidirectional controls (U+200E/F, U+202A-E, U+2066-9, U+061C),
# which can make text display in an order other than the one it is stored and searched in ("Trojan
# Source"); and C0 controls other than tab and newline (a NUL reaches us through JSON's "\u0000" or after
# the 8 KB the binary sniffer looks at; tools reading the database as C strings stop at it).
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c" \
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]+")


def strip_invisible(s: str) -> str:
    """The same removal for strings that carry no alignment (titles)."""
    return _INVISIBLE.sub("", s)


_NUM_PUNCT = re.compile(r"(?<=\d)([．。，：％])(?=\d)|(?<=\d)(％)")
_NUM_PUNCT_MAP = {"．": ".", "。": ".", "：": ":", "％": "%", "，": ","}


def normalize_width(at: AlignedText) -> AlignedText:
    """Full-width letters/digits to ASCII; full-width punctuation inside numbers to ASCII.

    30．5％ -> 30.5%, １９：００ -> 19:00.  "。" between digits only occurs in
    broken conversions of decimals ("3。5亿"), so it is a decimal point there.
    A "，" between digits becomes "," only when three digits follow (thousands).
    """
    text = at.text.translate(_WIDTH_TABLE)
    if text != at.text:  # same length: the map is unchanged
        at = AlignedText(text, at.starts, at.ends)
    at = at.sub(_INVISIBLE, "")

    def repl(m: re.Match) -> str:
        ch = m.group(0)
        if ch == "，":
            tail = at.text[m.end(): m.end() + 4]
            return "," if re.match(r"\d{3}(?!\d)", tail) else ch
        return _NUM_PUNCT_MAP[ch]

    return at.sub(_NUM_PUNCT, repl)


# --- photo credits fused into sentences ----------------------------------------------------
# "美国贸易代表格里尔 彭博社美国贸易代表格里尔在接受…": a caption, a space, a
# credit, then the sentence that starts with the caption's words.
_FUSED_CAPTION = re.compile(rf"([{_HAN}·]{{4,30}}) [^\s，。]{{0,12}}?\1")
# "图为汽车展区吸引采购商。中新社记者 陈楚红 摄": caption plus credit inside a paragraph.
_INLINE_CREDIT = re.compile(
    rf"(?:图为[^。\n]{{1,80}}。)?[{_HAN}]{{0,10}}(?:记者|摄影|供图)\s?[{_HAN}·]{{2,6}}\s?摄(?=[{_HAN}“])"
)


def repair_photo_credits(at: AlignedText) -> tuple[AlignedText, int]:
    # delete the caption and the credit, keep the sentence that repeats the caption
    edits = [(m.start(), m.end() - len(m.group(1)), "") for m in _FUSED_CAPTION.finditer(at.text)]
    n = len(edits)
    if edits:
        at = at.edit(edits)
    count = len(_INLINE_CREDIT.findall(at.text))
    if count:
        at = at.sub(_INLINE_CREDIT, "")
    return at, n + count


# --- paragraph rules -----------------------------------------------------------------------
_BYLINE = re.compile(
    r"^\s*[【\[]?(文|作者|撰文|记者|编辑|责编|责任编辑|编译|校对|审校|出品|策划|来源|原创|题图|头图|图|摄影|视觉|排版|运营)"
    r"\s*[】\]]?\s*[|｜丨:：/]\s*(.{1,40}?)\s*$"
)
_BYLINE_ROLE = {"文": "authors", "作者": "authors", "撰文": "authors", "记者": "authors", "原创": "authors",
                "编辑": "editors", "责编": "editors", "责任编辑": "editors", "校对": "editors", "审校": "editors",
                "编译": "translators", "来源": "source_credit"}
_CAPTION_TEXT = re.compile(r"^(图|图为|图片|题图|头图|配图|图源|图片来源|资料图)[:：为\s]|(供图|摄|图源[:：].{0,20}|图片来源[:：].{0,30}|来源[:：]网络)$")
_CTA = re.compile(r"扫码|扫描二维码|二维码|长按识别|长按二维码|点击阅读原文|阅读原文|关注公众号|点个在看|点赞|星标|欢迎关注|点击下方|添加小助手")
_DISCLAIMER = re.compile(
    r"^(特别声明|免责声明|声明[:：]|版权声明|本文(系|为|来自|仅代表|转载|由)|转载请|未经授权|本平台仅提供|本文观点|Notice: The content above|Disclaimer|Copyright|©)"
    r"|仅提供信息存储服务|不代表本(平台|站|网)(立场|观点)|如有侵权"
)
_ORIGINAL_TITLE = re.compile(r"^原文标题\s*[:：]")
_PLATFORM = re.compile(r"自媒体平台“([^”]{1,20})”")
_IMAGE_PLACEHOLDER = re.compile(r"^\[?(图片|图|image|img)\]?$", re.I)


@dataclass
class CleanReport:
    """What cleaning did, kept in the document's metadata for diagnostics."""

    removed: dict[str, int] = field(default_factory=dict)
    bylines: dict[str, list[str]] = field(default_factory=dict)
    platform: str | None = None

    def count(self, rule: str, n: int = 1) -> None:
        if n:
            self.removed[rule] = self.removed.get(rule, 0) + n


def classify_paragraph(text: str, caption_hint: bool = False) -> str | None:
    """Return the boilerplate rule a paragraph falls under, or None to keep it."""
    t = text.strip()
    if not t:
        return "empty"
    if _IMAGE_PLACEHOLDER.match(t):
        return "image"
    if caption_hint and len(t) < 100:
        return "caption"
    if _ORIGINAL_TITLE.match(t):
        return "original_title"
    if _BYLINE.match(t):
        return "byline"
    if len(t) < 60 and _CAPTION_TEXT.search(t):
        return "caption"
    if len(t) < 120 and _CTA.search(t):
        return "call_to_action"
    if len(t) < 400 and _DISCLAIMER.search(t):
        return "disclaimer"
    return None


def drop_boilerplate(at: AlignedText, caption_lines: frozenset[int] = frozenset()) -> tuple[AlignedText, CleanReport]:
    """Keep article paragraphs; move bylines into the report; strip paragraph edges."""
    report = CleanReport()
    keep: list[tuple[int, int]] = []
    pos = 0
    for index, line in enumerate(at.text.split("\n")):
        start, end = pos, pos + len(line)
        pos = end + 1
        rule = classify_paragraph(line, index in caption_lines)
        if rule == "byline":
            m = _BYLINE.match(line)
            role = _BYLINE_ROLE.get(m.group(1), "credits")
            names = [n for n in re.split(r"[、，,/\s]+", m.group(2)) if n]
            report.bylines.setdefault(role, []).extend(names)
        if rule == "disclaimer" and report.platform is None:
            pm = _PLATFORM.search(line)
            if pm:
                report.platform = pm.group(1)
        if rule:
            if rule != "empty":
                report.count(rule)
            continue
        # strip leading/trailing whitespace of the kept paragraph
        while start < end and at.text[start].isspace():
            start += 1
        while end > start and at.text[end - 1].isspace():
            end -= 1
        keep.append((start, end))
    return at.keep_spans(keep, sep="\n"), report
