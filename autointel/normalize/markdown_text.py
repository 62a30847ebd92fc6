"""Scraped Markdown (picker corpus) to the article's main text, aligned to the body.

The picker corpus is web pages and WeChat articles run through an HTML to
Markdown converter.  Besides the article, a body carries the site's navigation,
login links, theme pickers, view counters, share buttons, "related articles"
lists, QR-code calls to action, footers and, for WeChat, the whole reader UI
("预览时标签不可点", "微信扫一扫", "轻点两下取消赞" ...).

``markdown_to_aligned`` works line by line (no per-character Python loops):

1. **Parse.**  Each source line becomes a logical line.  Fenced code is kept
   verbatim.  Block markers (``#``, ``>``, list bullets and numbers, table
   pipes, rules) and inline markup (images, links, emphasis, code spans, HTML
   tags, escapes, entities) are removed; every kept character remembers its
   body position.  Per line we record the characters inside link text and the
   number of links and images.  An image-only line is kept as a marker.
2. **Find the article.**  The *end* is the first hard end marker after some
   prose (WeChat reader UI, unSafe.sh "文章来源:", FreeBuf / 安全客 / 嘶吼
   copyright notes, the BOM line before solidot's quote and footer).  The
   *start* is the last repetition of the front-matter title above the first
   long paragraph (sites print the title several times: page ``<title>``,
   breadcrumbs, the article header); everything above it is page chrome.
   unSafe.sh quotes another page below its own header, which ends with
   "Author: ...(查看原文)".
3. **Header zone.**  Right below the title: author and account names (short
   lines without punctuation, only before the first image), dates, counters,
   labels, links, a WeChat repost card, a teaser that repeats the first
   paragraph (导语, unSafe.sh excerpts).
4. **Section cuts.**  "往期推荐 / 推荐阅读 / 相关文章 / 热点视频 ..." end the
   article unless real paragraphs follow; then only the heading and the links
   under it go.
5. **Line rules** in between: navigation (lines that are only links, short
   link-dense lines), known phrases (view counters, share and login lines,
   QR-code calls to action, "阅读原文", copyright and disclaimer lines, "END"),
   bylines, tag lines; and at the very end contact lines, account names and
   other short leftovers.

Precision on article text matters more than removing the last bit of chrome:
rules on wording only fire on short lines or on lines that are not sentences,
and a section cut only cuts to the end when no substantial text follows.

The output has one paragraph (source line) per line.  A character copied from
the body maps to its one-character range; a character that replaced markup
maps to the whole replaced range (never to a different single character); a
line separator maps to the gap between its lines.  ``removed`` counts removed
lines by rule ("fragment" counts cut-off line endings such as "[阅读原文]").
"""
from __future__ import annotations

import html
import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field

from autointel.normalize.aligned import AlignedText

__all__ = ["MarkdownText", "markdown_to_aligned", "explain", "is_digest_title"]


@dataclass(frozen=True)
class MarkdownText:
    text: AlignedText  # main text, one paragraph per line, mapped into ``body``
    headlines: list[str] = field(default_factory=list)  # "##" headings kept in the text
    removed: dict[str, int] = field(default_factory=dict)  # removed lines by rule


def is_digest_title(title: str | None) -> bool:
    return bool(title) and "极客早知道" in title


# --------------------------------------------------------------------------------------
# Parsing: block structure
# --------------------------------------------------------------------------------------

_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})[^`\n]*")
_CLOSER = re.compile(r"[ \t]{0,3}(?:`{3,}|~{3,})[ \t]*")
_HR = re.compile(r"[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_TABLE_SEP = re.compile(r"[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)+\|?[ \t]*")
_SETEXT = re.compile(r"[ \t]{0,3}=+[ \t]*")
# One block prefix at a time: blockquote, list bullet, ordered list number, ATX heading.
_PREFIX = re.compile(
    r"(?P<quote>>[ \t]?)"
    r"|(?P<bullet>[*+\-][ \t]+)"
    r"|(?P<num>\d{1,3}[.)](?:[ \t]+|(?=\S)(?![\d.]))|\d{1,3}[.)]$)"
    r"|(?P<head>#{1,6})(?:[ \t]+|$)"
)
_WS = " \t\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff"
_HEADING_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|tr|td|th|table|tbody|thead|h[1-6]|section|article|blockquote|"
    r"pre|figure|figcaption|center|hr|dl|dt|dd|header|footer)\b[^<>]*>",
    re.I,
)

# --------------------------------------------------------------------------------------
# Parsing: inline markup
# --------------------------------------------------------------------------------------

_LINK_DEST = r"\(\s*<?(?:[^()\s<>]|\([^()\s]*\))*>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
_IMAGE = r"!\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]" + _LINK_DEST
_INLINE = re.compile(
    r"(?P<esc>\\[!-/:-@\[-`{-~])"
    r"|(?P<code>`+)(?P<codetext>[^`\n](?:.{0,1000}?[^`])?)(?P=code)(?!`)"
    r"|(?P<image>" + _IMAGE + ")"
    # Link text may hold images; every alternative starts differently (no backtracking blow-up).
    r"|(?P<link>\[(?P<ltext>(?:[^\[\]\n\\!]|\\.|" + _IMAGE + r"|!(?!\[)|!(?=\[[^\[\]\n]*\](?!\())"
    r"|\[[^\[\]\n]*\])*)\]" + _LINK_DEST + ")"
    r"|(?P<broken>!?\[(?P<btext>[^\[\]\n]*)\]\([^()\s]*$)"  # cut off by the scraper
    r"|(?P<tail>\]\([^()\s]*(?:\s+\"[^\"\n]*\")?\))"
    r"|(?P<auto><(?:https?|ftp|mailto):[^<>\s]*>)"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<script><(?P<stag>script|style)\b[^<>]*>.*?</(?P=stag)\s*>)"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)"
    r"|(?P<stars>\*+)"
    r"|(?P<strike>~~)"
    r"|(?P<under>(?<![A-Za-z0-9_\\])__?(?=[^\s_])(?:(?!__).){1,300}?(?<=[^\s_\\])__?(?![A-Za-z0-9_]))"
    r"|(?P<entity>&(?:[a-zA-Z]{2,8}|#\d{1,6}|#x[0-9a-fA-F]{1,6});)"
)
_INLINE_TRIGGER = re.compile(r"[\\`!\[\]<*~_&]")


class _Line:
    """One logical line: its visible text, how that text maps to the body, and statistics."""

    __slots__ = ("start", "end", "text", "pieces", "kind", "level", "link_chars", "links", "images",
                 "key", "bold", "drop", "link_key")

    def __init__(self, start: int, end: int, kind: str) -> None:
        self.start = start  # original range of the source line
        self.end = end
        # blank, hr, mark (solidot BOM line), image (image-only), para, heading, table, code
        self.kind = kind
        self.text = ""
        self.pieces: list = []  # (s, e): body[s:e] kept as is; (s, e, repl): body[s:e] became repl
        self.level = 0  # heading level
        self.link_chars = 0  # characters of text inside links
        self.links = 0
        self.images = 0
        self.link_key = 0  # letters and digits inside links (see _key)
        self.key = ""  # letters and digits of the text, lower case: for comparisons
        self.bold = False  # the whole line was **bold**
        self.drop: str | None = None  # the rule that removed the line


def _inline(body: str, s: int, e: int, pieces: list, parts: list, stats: list) -> None:
    """Strip inline markup of ``body[s:e]``; append pieces and text parts.

    ``stats`` is ``[link_chars, links, images, link_key_chars]``, updated in place.
    """
    seg = body[s:e]
    if not _INLINE_TRIGGER.search(seg):
        if seg:
            pieces.append((s, e))
            parts.append(seg)
        return
    pos = s
    for m in _INLINE.finditer(body, s, e):
        kind = m.lastgroup
        ms, me = m.span()
        if kind == "codetext":  # lastgroup names the last closed group
            kind = "code"
        if ms > pos:
            pieces.append((pos, ms))
            parts.append(body[pos:ms])
        if kind == "esc":
            pieces.append((ms + 1, me))
            parts.append(body[ms + 1:me])
        elif kind == "code":
            cs, ce = m.span("codetext")
            pieces.append((cs, ce))
            parts.append(body[cs:ce])
        elif kind == "link" or kind == "ltext":
            ts, te = m.span("ltext")
            before = len(parts)
            _inline(body, ts, te, pieces, parts, stats)
            inner = "".join(parts[before:])
            stats[0] += len(inner)
            stats[1] += 1
            stats[3] += len(_key(inner))
        elif kind == "image":
            stats[2] += 1
        elif kind == "broken" or kind == "btext":
            if body[ms] == "[":
                ts, te = m.span("btext")
                _inline(body, ts, te, pieces, parts, stats)
            else:
                stats[2] += 1
        elif kind == "auto":
            pieces.append((ms + 1, me - 1))
            parts.append(body[ms + 1:me - 1])
        elif kind == "under":
            text = m.group("under")
            k = 2 if text.startswith("__") and text.endswith("__") and len(text) > 4 else 1
            pieces.append((ms + k, me - k))
            parts.append(body[ms + k:me - k])
        elif kind == "entity":
            repl = html.unescape(m.group())
            if repl != m.group():
                if repl == "\u00a0":
                    repl = " "
                pieces.append((ms, me, repl))
                parts.append(repl)
            else:
                pieces.append((ms, me))
                parts.append(m.group())
        # image, tail, comment, script, tag, stars, strike: deleted
        pos = me
    if e > pos:
        pieces.append((pos, e))
        parts.append(body[pos:e])


def _trim(line: _Line) -> None:
    """Strip whitespace (including zero-width characters) at both ends of a line."""
    text = line.text
    left = len(text) - len(text.lstrip(_WS))
    if left == len(text):
        line.text, line.pieces = "", []
        return
    right = len(text) - len(text.rstrip(_WS))
    if not left and not right:
        return
    pieces = line.pieces
    if left:
        out = []
        k = left
        for p in pieces:
            if k <= 0:
                out.append(p)
                continue
            if len(p) == 2:
                n = p[1] - p[0]
                if n <= k:
                    k -= n
                    continue
                out.append((p[0] + k, p[1]))
                k = 0
            else:
                n = len(p[2])
                if n <= k:
                    k -= n
                    continue
                r = p[2][k:]
                out.append((p[0], p[1], r))
                k = 0
        pieces = out
    if right:
        k = right
        while k > 0 and pieces:
            p = pieces[-1]
            if len(p) == 2:
                n = p[1] - p[0]
                if n <= k:
                    pieces.pop()
                    k -= n
                else:
                    pieces[-1] = (p[0], p[1] - k)
                    k = 0
            else:
                n = len(p[2])
                if n <= k:
                    pieces.pop()
                    k -= n
                else:
                    pieces[-1] = (p[0], p[1], p[2][:-k])
                    k = 0
    line.pieces = pieces
    line.text = text[left:len(text) - right] if right else text[left:]


_KEY_DROP = re.compile(r"[\W_]+")


def _key(s: str) -> str:
    return _KEY_DROP.sub("", s).lower()


_BOLD_ONLY = re.compile(r"[ \t]*(?:\*\*|__)(?!\s).*(?:\*\*|__)[ \t]*")


def _finish(line: _Line, body: str, s: int, e: int) -> None:
    pieces: list = []
    parts: list = []
    stats = [0, 0, 0, 0]
    _inline(body, s, e, pieces, parts, stats)
    line.pieces = pieces
    line.text = "".join(parts)
    line.link_chars, line.links, line.images, line.link_key = stats
    _trim(line)
    if line.text:
        line.key = _key(line.text)
        if _BOLD_ONLY.fullmatch(body, s, e) and "**" not in body[s + 2:e - 2].replace("****", ""):
            line.bold = True
    elif line.kind != "code":
        line.kind = "image" if line.images else "blank"  # an image-only line marks a boundary


def _parse(body: str) -> list[_Line]:
    lines: list[_Line] = []
    n = len(body)
    # Line boundaries.
    bounds = []
    pos = 0
    while pos <= n:
        nl = body.find("\n", pos)
        if nl < 0:
            nl = n
        bounds.append((pos, nl))
        pos = nl + 1
    # Fences that are closed (an unclosed fence is treated as text: scraping errors).
    nb = len(bounds)
    closers = [j for j, (cs, ce) in enumerate(bounds) if ce > cs and _CLOSER.fullmatch(body, cs, ce)]
    i = 0
    while i < nb:
        ls, le = bounds[i]
        if le == ls:
            lines.append(_Line(ls, le, "blank"))
            i += 1
            continue
        c = body[ls]
        if c in " \t`~" or c == "\u00a0":
            fm = _FENCE.fullmatch(body, ls, le) if ("`" in body[ls:ls + 6] or "~" in body[ls:ls + 6]) else None
            if fm:
                fence = fm.group(1)
                close = None
                for j in closers[bisect_right(closers, i):]:
                    cs, ce = bounds[j]
                    t = body[cs:ce].strip()
                    if t[0] == fence[0] and len(t) >= len(fence):
                        close = j
                        break
                if close is not None:
                    lines.append(_Line(ls, le, "blank"))
                    for j in range(i + 1, close):
                        cs, ce = bounds[j]
                        ln = _Line(cs, ce, "code")
                        if body[cs:ce].strip(_WS):
                            ln.pieces = [(cs, ce)]
                            ln.text = body[cs:ce]
                            ln.key = _key(ln.text)
                        else:
                            ln.kind = "blank"
                        lines.append(ln)
                    cs, ce = bounds[close]
                    lines.append(_Line(cs, ce, "blank"))
                    i = close + 1
                    continue
        _parse_line(body, ls, le, lines)
        i += 1
    return lines


def _parse_line(body: str, ls: int, le: int, out: list[_Line]) -> None:
    # Content start after indentation.
    s = ls
    while s < le and body[s] in _WS:
        s += 1
    if s == le:
        # solidot prints a line holding only a BOM between the article and its footer
        out.append(_Line(ls, le, "mark" if "\ufeff" in body[ls:le] else "blank"))
        return
    first = body[s]
    if first in "-*_" and _HR.fullmatch(body, ls, le):
        out.append(_Line(ls, le, "hr"))
        return
    if first in "|:-" and _TABLE_SEP.fullmatch(body, ls, le):
        out.append(_Line(ls, le, "hr"))
        return
    if first == "=" and _SETEXT.fullmatch(body, ls, le):
        out.append(_Line(ls, le, "hr"))
        return
    kind = "para"
    level = 0
    # Block prefixes: "> ", "* ", "1. ", "## " (possibly nested: "* ##### [x](y)").
    for _ in range(6):
        m = _PREFIX.match(body, s, le)
        if not m:
            break
        g = m.lastgroup
        if g == "head":
            kind = "heading"
            level = len(m.group("head"))
        s = m.end()
        while s < le and body[s] in _WS:
            s += 1
        if g == "head":
            break
    e = le
    if kind == "heading":
        hm = _HEADING_CLOSE.search(body, s, e)
        if hm:
            e = hm.start()
    if s < e and body[s] == "|" and body.count("|", s, e) >= 2:
        _parse_table(body, ls, le, s, e, out)
        return
    if "<" in body[s:e]:
        tags = list(_BLOCK_TAG.finditer(body, s, e))
        if tags:
            pos = s
            for t in tags + [None]:
                ts = t.start() if t else e
                if ts > pos:
                    ln = _Line(pos, ts, kind)
                    ln.level = level
                    _finish(ln, body, pos, ts)
                    if ln.kind != "blank":
                        out.append(ln)
                if t:
                    pos = t.end()
            out.append(_Line(e, e, "blank"))
            return
    ln = _Line(ls, le, kind)
    ln.level = level
    _finish(ln, body, s, e)
    out.append(ln)


def _parse_table(body: str, ls: int, le: int, s: int, e: int, out: list[_Line]) -> None:
    """A table row: cell texts joined by single spaces (a space maps to the pipe gap)."""
    ln = _Line(ls, le, "table")
    pieces: list = []
    parts: list = []
    stats = [0, 0, 0, 0]
    cells = []
    pos = s
    i = s
    while i < e:
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if c == "|":
            cells.append((pos, i))
            pos = i + 1
        i += 1
    cells.append((pos, e))
    prev_end = None
    for cs, ce in cells:
        sub = _Line(cs, ce, "para")
        _finish(sub, body, cs, ce)
        if not sub.text:
            continue
        if prev_end is not None:
            gs = prev_end
            ge = sub.pieces[0][0]
            pieces.append((gs, max(ge, gs), " "))
            parts.append(" ")
        pieces.extend(sub.pieces)
        parts.append(sub.text)
        stats[0] += sub.link_chars
        stats[1] += sub.links
        stats[2] += sub.images
        stats[3] += sub.link_key
        prev_end = sub.pieces[-1][1]
    ln.pieces = pieces
    ln.text = "".join(parts)
    ln.link_chars, ln.links, ln.images, ln.link_key = stats
    if ln.text:
        ln.key = _key(ln.text)
    else:
        ln.kind = "image" if ln.images else "blank"
    out.append(ln)


# --------------------------------------------------------------------------------------
# Boilerplate rules
# --------------------------------------------------------------------------------------

_SENT_PUNCT = re.compile(r"[。！？；，,!?;：]|(?<!\d)[.:]|[.:](?!\d)")
_STRONG_PUNCT = re.compile(r"[。！？；，]|[,.;!?](?= )")
_DECOR = re.compile(r"[\W_\d]+")

# Hard end markers: everything from here on is page chrome.  Matched on the whole line.
_HARD_END = re.compile(
    r"预览时标签不可点|微信扫一扫可打开此内容.?|继续滑动看下一个|轻触阅读原文|向上滑动看下一个"
    r"|文章来源:\s*https?://\S+|如有侵权请联系[:：].*"  # unSafe.sh
    r"|本文为\s*\S{0,20}\s*独立观点，未经授权禁止转载。?"  # FreeBuf
    r"|本文由\s*\S{1,20}\s*原创发布|本文翻译自\s*原文链接。.*|商务合作，文章发布请联系.*"  # 安全客
    r"|如若转载，请注明原文地址|本文转载自[:：]?"  # 嘶吼, 安全客
    r"|感谢您的支持，我会继续努力的[!！]?"  # 嘶吼 reward box
    r"|被以下专辑收录，发现更多精彩内容"  # FreeBuf
    r"|关注博主即可阅读全文|发送私信|举报此文章"  # CSDN, forums
)
# A line that closes a site's page header (unSafe.sh: "Author: www.solidot.org(查看原文)").
_HEADER_END = re.compile(r"Author:\s*\S+\(查看原文\)")
# Section headings after which a site lists other articles or comments.
_SECTION_END = re.compile(
    r"(?:往期|近期|历史|更多|相关|延伸|热门|精彩|推荐|猜你|你可能|最新|热点|本周|今日)?"
    r"(?:推荐阅读|推荐文章|阅读推荐|往期推荐|往期回顾|往期精选|往期精彩|往期文章|往期阅读|精彩回顾|精彩推荐|"
    r"相关阅读|相关文章|相关推荐|相关热文|相关资讯|相关链接|更多阅读|更多推荐|更多精彩|更多内容|延伸阅读|热门推荐|"
    r"热门文章|历史文章|猜你喜欢|你可能感兴趣的?|最新文章|热文推荐|发表评论|全部评论|"
    r"TA的文章|文章目录|热点视频|极客一问)"
)
# "前情回顾·X" introduces links to earlier coverage, usually above the article: never a cut.
_SECTION_PREFIX = re.compile(r"前情回顾|往期回顾|相关阅读|延伸阅读")

# Lines dropped wherever they are (lines of at most _PHRASE_MAXLEN characters).
_PHRASE = re.compile(
    r"本文已被查看\s*\d+\s*次"
    r"|^(?:阅读量|阅读数|浏览量|浏览|阅读|热度)\s*[:：]?\s*[\d,.]+[万wk]?\+?$"
    r"|^分享到|^分享至|^分享[:：]|分享给朋友|打开微信扫一扫后点击右上角即可分享"
    r"|^(?:登录|注册|登入|退出|请先登录)(?:\s*[|/｜]?\s*(?:登录|注册|登入|退出|后评论))*$|您还未登录|登录后才能"
    r"|长按识别|长按扫|长按关注|识别图中|小程序码"
    r"|点击阅读原文|阅读原文|点击上方|点击下方|点击下图|点击图片|点击关注|点击蓝字|关注我们|欢迎关注|关注公众号|关注该公众号"
    r"|设为星标|点个在看|轻点两下取消|一键三连|随意打赏|后评论|后发送私信"
    r"|^(?:版权声明|免责声明)|版权所有|转载请注明|转载请联系|转载请务必|转载须|如需转载|如若转载|禁止转载"
    r"|未经授权[，,]?(?:不得|禁止|严禁)|侵权请联系|侵删"
    r"|^[-—–_=~·.*\s]*(?:THE\s*)?END[-—–_=~·.*\s]*$"
    r"|^(?:视频|小程序|赞|在看|分享|留言|收藏|听过|知道了|取消|允许|分析|去验证|原创|已关注|关注|×|x|X|\[ \])$"
    r"|当前环境异常|^环境异常$|完成验证后即可继续访问"
    r"|^\**(?:[头题封]图|图片|封面)(?:来源|来自|source)\s*[:：|｜]"
    r"|^(?:黑夜模式|皮肤|RSS|搜索|首页|返回顶部|上一篇|下一篇|打赏|展开更多|收起)$",
    re.I,
)
_PHRASE_MAXLEN = 40
# Calls to action made of ordinary words: only short lines that are not sentences and read
# as an instruction ("扫码...", "点赞关注...", "欢迎转发").
_CTA = re.compile(r"扫码|扫一扫|二维码|点赞|在看|星标|收藏|转发|关注|订阅")
_CTA_VERB = re.compile(r"扫码|扫一扫|请|欢迎|记得|点击|长按|一键|识别|↓|👇|▼|→|►")
# Whole lines dropped at any length.
_LONG_PHRASE = re.compile(
    r"Please help me access this HTML page"  # cnblogs hidden prompt
    r"|此账号已被屏蔽|接相关投诉，此账号涉嫌违反|此内容因违规无法查看|该内容已被发布者删除"  # WeChat notices
    r"|\**(?:版权声明|免责声明|版权说明|免责条款)\**\s*[:：]"
)

# Byline / date / counter lines right after the title.
_META = re.compile(
    r"^(?:原创|转载|翻译|译文|作者|编辑|责编|责任编辑|编者|记者|撰文|文|图|来源|出品|策划|排版|审核|校对|译者|"
    r"对话|口述|整理|视觉|设计|主编|监制|编译|Author|By)\s*[|｜:：丨/]"
    r"|^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2})?)?$"
    r"|^\d{1,2}[:：]\d{2}$|^[\d,.]+[万wk]?$"
    r"|发表于\s*\d{4}|发布时间|发布于|阅读量|所属地|修改于|^收藏$|^原创$|^\d+\s*(?:赞|阅读|评论|收藏)$"
    r"|译文声明|本文是翻译文章|译文仅供参考|^本文链接[:：]|^分类[:：]|^以下文章来源于|^，作者"
    r"|^\d+\s*(?:推荐|条评论|篇文章|人阅读|次阅读)$|首次发布$|^已于.{0,30}修改$|^CC \d\.\d BY|^同时被\s*\d+\s*个专栏收录$"
    r"|^订阅专栏$|^邮发代号|^来自[^，。：:\s]{1,12}$|^原文(?:地址|链接)[:：]",
    re.I,
)
_BYLINE = re.compile(
    r"(?:作者|编辑|责编|责任编辑|记者|撰文|排版|审核|校对|译者|编译|整理|美编|策划|对话)\s*[|｜:：丨/]"
    r"|(?:文|图|文字|摄影)\s*[|｜丨/]",
    re.I,
)
_CONTACT = re.compile(
    r"^.{0,12}?(?:电话|手机|热线|微信|邮箱|QQ群?|邮件|E-?mail|地址|网址|网站|官网|投稿|合作|商务合作|征订热线|邮发代号|"
    r"微信号|公众号|联系方式|联系我们|试用地址|传真)\s*[:：]",
    re.I,
)
_FOOTER = re.compile(r"ICP|Copyright|©|All Rights Reserved|版权所有|备案号|公网安备", re.I)
_TAGS = re.compile(r"\S{1,20}(?:\s+#\s*\S{1,20})+")
# Fragments cut out of kept lines.
_FRAGMENT = re.compile(
    r"\s*如若转载，请注明原文地址。?$"
    r"|\s*[\[【(（](?:[^\[\]\s]{0,6}-)?(?:阅读原文|原文链接|查看原文)[\]】)）]$"
)
_FRAGMENT_LINK = re.compile(r"\s*(?:阅读原文|原文链接|查看原文)$")  # the text of a link at the end
_CARD = re.compile(r"以下文章来源于")
_EXCERPT_PREFIX = re.compile(r"^(?:导语|摘要|导读|简介)[:：]")


def _content_chars(line: _Line) -> int:
    return len(line.text) - line.link_chars


def _is_strong(line: _Line, min_chars: int = 30) -> bool:
    """A line that is article prose for sure (used to decide whether a section cut is safe)."""
    if line.kind == "code":
        return True
    if line.kind not in ("para", "table") or line.drop:
        return False
    t = line.text
    if _content_chars(line) < min_chars or len(_STRONG_PUNCT.findall(t)) < 2:
        return False
    return not (_FOOTER.search(t) or _PHRASE.search(t) or _HARD_END.search(t) or _LONG_PHRASE.match(t))


def _is_link_line(line: _Line) -> bool:
    """Navigation: only links (plus separators), or short and link-dense."""
    if not line.links or line.kind == "code":
        return False
    t = line.text
    if len(line.key) <= line.link_key:
        # Only link text: a related-article title or a menu item, unless it is prose.
        return not (len(t) >= 80 and len(_STRONG_PUNCT.findall(t)) >= 2)
    return line.links >= 2 and line.link_chars >= 0.6 * len(t) and len(t) <= 120


def _section_marker(line: _Line) -> str | None:
    """"cut" for a related-articles heading, "links" for a heading over links only."""
    if line.kind == "code" or len(line.text) > 24:
        return None
    k = _DECOR.sub("", line.text)
    if not k:
        return None
    if _SECTION_END.fullmatch(k):
        return "cut"
    if _SECTION_PREFIX.match(k):
        return "links"
    return None


def _continues(lines: list[_Line], after: list[int]) -> bool:
    """Does real article text follow a section heading?  (Not just a blurb or a caption.)"""
    n = chars = 0
    for j in after:
        ln = lines[j]
        if _is_strong(ln):
            n += 1
            chars += len(ln.text)
            if n >= 2 and chars >= 120:
                return True
    return False


_TITLE_SUFFIX = re.compile(r"\s+[-_|–—]\s+[^-_|–—]{1,30}$")


def _title_keys(title: str) -> list[str]:
    """The title's key, and the key without a " - site name" suffix."""
    keys = [_key(title)]
    m = _TITLE_SUFFIX.search(title)
    if m:
        k = _key(title[: m.start()])
        if len(k) >= 6:
            keys.append(k)
    return [k for k in keys if k]


def _title_match(line: _Line, tkeys: list[str]) -> bool:
    k = line.key
    if not k or line.kind == "code":
        return False
    for tkey in tkeys:
        if k == tkey:
            return True
        if len(tkey) >= 6 and len(k) >= 6 and (tkey in k or k in tkey):
            if min(len(k), len(tkey)) / max(len(k), len(tkey)) >= 0.75:
                return True
    return False


def _meta_like(line: _Line, weak: bool = True) -> bool:
    """Byline, date, counter, slogan: the short lines between a title and the article.

    ``weak`` also accepts any short line without punctuation (an author or account
    name); that is only safe right below the title, before the first image.
    """
    t = line.text
    if _META.search(t):
        return True
    if line.kind == "heading" and line.level <= 4 or not weak:
        return _is_link_line(line) and line.kind != "heading"
    if len(t) <= 30 and not _SENT_PUNCT.search(t):
        return True
    return _is_link_line(line)


def _is_cta(line: _Line) -> bool:
    t = line.text
    hits = _CTA.findall(t)
    if not hits or len(_STRONG_PUNCT.findall(t)) >= 2:
        return False
    return len(set(hits)) >= 2 or _CTA_VERB.search(t) is not None or len(_key(_CTA.sub("", t))) <= 4


def _is_label(line: _Line) -> bool:
    """A label whose value was an image or a link ("分类专栏：")."""
    t = line.text
    return len(t) <= 12 and t[-1] in ":：" and not _SENT_PUNCT.search(t[:-1])


def _drop_phrase(line: _Line) -> str | None:
    t = line.text
    if line.kind == "code":
        return None
    if _LONG_PHRASE.match(t):
        return "phrase"
    if len(t) > _PHRASE_MAXLEN:
        return None
    if _PHRASE.search(t):
        return "phrase"
    if len(t) <= 20 and _is_cta(line):
        return "phrase"
    if not line.key or (len(t) <= 3 and t.isdigit()):
        return "punct"  # punctuation only, or a bare section number ("01")
    if len(t) <= 50 and _BYLINE.match(t):
        return "byline"
    return None


def _cut(line: _Line, a: int, b: int) -> None:
    """Remove ``line.text[a:b]`` from a line, keeping the alignment of the rest."""
    out = []
    pos = 0
    for p in line.pieces:
        n = (p[1] - p[0]) if len(p) == 2 else len(p[2])
        ps, pe = pos, pos + n
        pos = pe
        if pe <= a or ps >= b:
            out.append(p)
            continue
        lo, hi = max(a, ps) - ps, min(b, pe) - ps  # part of this piece to remove
        if len(p) == 2:
            if lo > 0:
                out.append((p[0], p[0] + lo))
            if hi < n:
                out.append((p[0] + hi, p[1]))
        else:
            r = p[2][:lo] + p[2][hi:]
            if r:
                out.append((p[0], p[1], r))
    line.pieces = out
    line.text = line.text[:a] + line.text[b:]
    _trim(line)
    line.key = _key(line.text)


def _excerpt_of(line: _Line, following: list[_Line]) -> bool:
    """A teaser that repeats the beginning of the text after it (导语, unSafe.sh excerpts)."""
    k = line.key
    m = _EXCERPT_PREFIX.match(line.text)
    if m:
        k = _key(line.text[m.end():])
    if len(k) < 12:
        return False
    probe = k[: max(12, len(k) - 3)]  # excerpts are often cut mid-word
    acc = ""
    for f in following:
        acc += f.key
        if len(acc) >= len(probe):
            break
    return acc.startswith(probe)


def markdown_to_aligned(body: str, title: str | None = None) -> MarkdownText:
    """Main text of a scraped Markdown ``body`` (front matter already removed).

    ``title`` is the front-matter title: its repetitions in the body are page
    chrome, and its last repetition above the article marks where the article
    starts.  ``headlines`` lists the ``##`` headings kept in the text (the news
    items of a 极客早知道 digest); ``removed`` counts removed lines by rule.
    """
    lines, content, removed = _classify(body, title)
    return _assemble(body, lines, content, removed)


def explain(body: str, title: str | None = None) -> list[tuple[str, str | None]]:
    """Every non-blank line's text and the rule that removed it (None: kept).  For diagnostics."""
    lines, content, _ = _classify(body, title)
    return [(lines[i].text, lines[i].drop) for i in content]


def _classify(body: str, title: str | None) -> tuple[list[_Line], list[int], dict[str, int]]:
    lines = _parse(body)
    removed: dict[str, int] = {}

    def drop(ln: _Line, rule: str) -> None:
        if ln.kind in ("blank", "hr") or ln.drop:
            return
        ln.drop = rule
        if ln.text:
            removed[rule] = removed.get(rule, 0) + 1

    content = [i for i, ln in enumerate(lines) if ln.kind not in ("blank", "hr")]
    # Trailing "[阅读原文]" links and "如若转载..." notes go before any line is judged.
    for i in content:
        ln = lines[i]
        if ln.kind != "code" and "原" in ln.text and not _HEADER_END.search(ln.text):
            m = _FRAGMENT.search(ln.text) or (_FRAGMENT_LINK.search(ln.text) if ln.links else None)
            if m and m.start() > 0:
                _cut(ln, m.start(), m.end())
                removed["fragment"] = removed.get("fragment", 0) + 1

    def is_end_marker(ln: _Line) -> bool:
        if ln.kind == "mark":
            return True
        return ln.kind != "code" and len(ln.text) <= 1000 and _HARD_END.fullmatch(ln.text) is not None

    # ---- end: the first hard end marker after some prose ---------------------------------
    # (unSafe.sh quotes whole pages: a marker with no prose above it belongs to a header)
    hard_end = len(lines)
    seen_strong = False
    for i in content:
        ln = lines[i]
        if is_end_marker(ln) and seen_strong:
            hard_end = i
            break
        if not seen_strong and _is_strong(ln):
            seen_strong = True
    if not seen_strong:
        for i in content:
            if is_end_marker(lines[i]):
                hard_end = i
                break

    # ---- start: the last title repetition before the first long paragraph -------------
    start = 0
    tkeys = _title_keys(title) if title else []
    if tkeys:
        first_long = hard_end
        for i in content:
            if i >= hard_end:
                break
            ln = lines[i]
            if _is_strong(ln, 60) and not any(k in ln.key for k in tkeys):
                first_long = i
                break
        anchor = -1
        for i in content:
            if i > first_long or i >= hard_end:
                break
            if _title_match(lines[i], tkeys):
                anchor = i
        if anchor >= 0:
            drop(lines[anchor], "title")
            start = anchor + 1
        # Other exact repetitions of the title are not body text either.
        for i in content:
            if i >= start and lines[i].key in tkeys and lines[i].kind != "code":
                drop(lines[i], "title")
    # A site-specific header end further down wins (unSafe.sh quotes a page with its title).
    for i in content:
        if i >= hard_end or i > start + 60:
            break
        if i >= start and len(lines[i].text) <= 120 and _HEADER_END.search(lines[i].text):
            start = i + 1
            break
    for i in content:
        if i >= start:
            break
        drop(lines[i], "header")

    # ---- WeChat repost card: "以下文章来源于X / ，作者Y / **X** / . / slogan" ----------------
    zone = [i for i in content if start <= i < hard_end]
    for n, i in enumerate(zone[:40]):
        if not _CARD.match(lines[i].text):
            continue
        card = zone[n:n + 6]
        dot = next((k for k, j in enumerate(card) if lines[j].text in (".", "。")), None)
        if dot is not None:
            for j in card[:dot + 1]:
                drop(lines[j], "byline")
            if dot + 1 < len(card) and len(lines[card[dot + 1]].text) <= 80:
                drop(lines[card[dot + 1]], "byline")
        else:
            drop(lines[i], "byline")
        break

    # ---- byline / counters / nav / teaser right after the start -------------------------
    # Right below the title any short line without punctuation is an author or account
    # name.  After the first image only lines that are certainly chrome (dates, counters,
    # labels, links, known phrases) are, plus short lines sandwiched between such lines.
    seen_image = False
    run: list[tuple[int, str | None]] = []  # (line, rule); rule None: only if chrome follows
    for n, i in enumerate(zone[:40]):
        ln = lines[i]
        if ln.drop:
            continue
        if ln.kind == "image":
            seen_image = True
            continue
        if ln.kind == "code" or ln.kind == "table":
            break
        t = ln.text
        rule = None
        if (
            _meta_like(ln, weak=not seen_image)
            or _is_label(ln)
            or (ln.kind != "heading" and _is_link_line(ln))
            or (_CONTACT.search(t) and len(t) <= 60)
        ):
            rule = "byline"
        elif _drop_phrase(ln):
            rule = "phrase"
        elif _excerpt_of(ln, [lines[j] for j in zone[n + 1:n + 30] if not lines[j].drop]):
            rule = "excerpt"
        elif not (seen_image and ln.kind != "heading" and len(t) <= 30 and not _SENT_PUNCT.search(t)):
            break
        run.append((i, rule))
    last_sure = max((k for k, (i, rule) in enumerate(run) if rule and not _BYLINE.match(lines[i].text)), default=-1)
    for k, (i, rule) in enumerate(run):
        if rule:
            drop(lines[i], rule)
        elif k < last_sure:
            drop(lines[i], "byline")

    # ---- end: section cuts ("往期推荐" ...) ----------------------------------------------
    end = hard_end
    for n, i in enumerate(content):
        if i < start or i >= end:
            continue
        ln = lines[i]
        if ln.drop:
            continue
        kind = _section_marker(ln)
        if kind is None:
            continue
        after = [j for j in content[n + 1:] if j < end]
        if kind == "cut" and not _continues(lines, after):
            end = i
            break
        # Real text follows: drop only the marker and the links listed under it.
        drop(ln, "related")
        for j in after:
            lj = lines[j]
            if lj.drop:
                continue
            if _is_link_line(lj):
                drop(lj, "related")
            else:
                break
    for i in content:
        if i >= end:
            drop(lines[i], "footer")

    # ---- line rules in between ------------------------------------------------------------
    for i in content:
        if i < start or i >= end:
            continue
        ln = lines[i]
        if ln.drop or ln.kind == "code":
            continue
        if _is_link_line(ln):
            drop(ln, "nav")
            continue
        rule = _drop_phrase(ln)
        if rule:
            drop(ln, rule)
            continue
        if ln.kind == "heading" and _TAGS.fullmatch(ln.text):
            drop(ln, "tags")
            continue

    # ---- trailing chrome: contact lines, account names, short leftovers ---------------
    kept = [i for i in content if start <= i < end and not lines[i].drop]
    for i in reversed(kept):
        ln = lines[i]
        t = ln.text
        if ln.kind == "code" or ln.kind == "table":
            break
        if (
            (_CONTACT.search(t) and len(t) <= 60)
            or (_FOOTER.search(t) and len(t) <= 200)
            or (ln.kind != "heading" and not _SENT_PUNCT.search(t) and len(t) <= (20 if ln.bold else 12))
        ):
            drop(ln, "trailer")
            continue
        break

    return lines, content, removed


def _assemble(body: str, lines: list[_Line], content: list[int], removed: dict[str, int]) -> MarkdownText:
    out_parts: list[str] = []
    starts = array("l")
    ends = array("l")
    headlines: list[str] = []
    prev_end = -1
    for i in content:
        ln = lines[i]
        if ln.drop or not ln.text:
            continue
        if prev_end >= 0:
            gs = prev_end
            ge = max(ln.pieces[0][0], gs)
            if ge - gs == 1 and body[gs] != "\n":
                ge = gs  # a one-character range always means "this very character"
            out_parts.append("\n")
            starts.append(gs)
            ends.append(ge)
        for p in ln.pieces:
            if len(p) == 2:
                ps, pe = p
                starts.extend(range(ps, pe))
                ends.extend(range(ps + 1, pe + 1))
            else:
                ps, pe, r = p
                if len(r) == pe - ps and r == body[ps:pe]:
                    starts.extend(range(ps, pe))
                    ends.extend(range(ps + 1, pe + 1))
                else:
                    if pe - ps == 1:
                        pe = ps  # a different character put in place of one: empty range
                    starts.extend([ps] * len(r))
                    ends.extend([pe] * len(r))
        out_parts.append(ln.text)
        prev_end = ln.pieces[-1][1]
        if ln.kind == "heading" and ln.level == 2:
            headlines.append(ln.text)
    text = "".join(out_parts)
    return MarkdownText(AlignedText(text, starts, ends), headlines, removed)
