"""Scraped Markdown to aligned main text (autointel.normalize.markdown_text).

Fixture documents in tests/fixtures/markdown/ are written for these tests (no
corpus text); the corpus tests read ../shared and skip when it is absent.
"""
from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from autointel.normalize.aligned import AlignedText
from autointel.normalize.markdown_text import MarkdownText, explain, markdown_to_aligned

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "markdown"
SHARED = Path(__file__).resolve().parents[2] / "shared"
AUTO_NEWS = SHARED / "corpus" / "auto-news"

_FRONT = re.compile(r"\A\ufeff?\s*---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(title, body) with a tolerant line parser: some corpus titles are not valid YAML."""
    text = re.sub(r"\r\n?", "\n", text)
    m = _FRONT.match(text)
    if not m:
        return None, text
    title = None
    for line in m.group(1).split("\n"):
        if line.startswith("title:"):
            title = line[6:].strip()
            if len(title) >= 2 and title[0] == title[-1] and title[0] in "'\"":
                title = title[1:-1]
    return title, text[m.end():]


def check_alignment(body: str, at: AlignedText) -> None:
    """Every character maps inside the body; one-character ranges are that very character."""
    n = len(body)
    assert len(at.starts) == len(at.ends) == len(at.text)
    for i, ch in enumerate(at.text):
        s, e = at.starts[i], at.ends[i]
        assert 0 <= s <= e <= n, (i, ch, s, e, n)
        if e - s == 1:
            assert body[s] == ch, (i, ch, body[s], s)


def fixture(name: str, title: str | None = "") -> tuple[str, MarkdownText]:
    body = (FIXTURES / name).read_text(encoding="utf-8")
    if title == "":
        title = body.split("\n", 1)[0].lstrip("# ").strip()  # fixtures start with their H1 title
    result = markdown_to_aligned(body, title)
    check_alignment(body, result.text)
    return body, result


def lines(result: MarkdownText) -> list[str]:
    return result.text.text.split("\n")


# ---- markup ------------------------------------------------------------------------------


def test_inline_and_block_markup_is_stripped():
    body, r = fixture("inline.md")
    assert lines(r) == [
        "这是加粗和斜体以及下划线强调的句子，还有inline_code与删除线。",
        "带链接的句子：请看官方公告，以及https://example.com/raw。",
        "图片在句中不留痕迹。",
        "第一项：产能提升三成",
        "第二项：成本下降",
        "有序第一步",
        "有序第二步",
        "引用的段落，保留文字。",
        "小节标题",
        "转义字符：2560*1440 分辨率，文件名 NISSAN_17MY，以及 a<b。",
        "HTML 行内标签被去掉，",
        "换行标签分段。",
        "实体 & 与 <tag> 被还原。",
        "车型 续航 价格",
        "A1 500 公里 20 万",
        "空格子 粗",
    ]
    assert r.headlines == ["小节标题"]
    assert r.removed.get("title") == 1  # the H1 repeats the title, which is stored separately


def test_kept_characters_point_at_their_source():
    body, r = fixture("inline.md")
    text = r.text.text
    i = text.index("官方公告")
    s, e = r.text.original_span(i, i + 4)
    assert body[s:e] == "官方公告"
    i = text.index("加粗")
    s, e = r.text.original_span(i, i + 2)
    assert body[s:e] == "加粗"
    i = text.index("&")  # an entity maps to the whole "&amp;"
    s, e = r.text.original_span(i, i + 1)
    assert body[s:e] == "&amp;"
    i = text.index("*1440")  # an escaped character keeps its own position
    assert body[r.text.starts[i] - 1:r.text.ends[i]] == "\\*"


def test_title_none_and_empty_body():
    r = markdown_to_aligned("", None)
    assert r.text.text == "" and r.headlines == [] and r.removed == {}
    r = markdown_to_aligned("只有一句正文，没有标题也没有别的东西。", None)
    assert r.text.text == "只有一句正文，没有标题也没有别的东西。"
    check_alignment("只有一句正文，没有标题也没有别的东西。", r.text)


def test_fenced_code_is_kept_verbatim():
    body, r = fixture("code.md")
    assert lines(r) == [
        "研究人员提取固件后，使用下面的脚本解析 CAN 报文，脚本会打印每一帧的标识符。",
        "# not a heading",
        "def parse(frame):  # **not bold**",
        "    return [x for x in frame if x]  # [link](http://x)",
        "print(parse([1, 0, 2]))",
        "运行结果显示 0x123 帧携带了车速信息，可用于重放攻击。",
        "* not a list",
    ]


def test_unclosed_fence_is_text():
    body = "正文第一段，内容足够长，用来测试没有闭合的代码围栏。\n\n```\n**粗体**仍然是正文。\n"
    r = markdown_to_aligned(body, None)
    assert lines(r) == ["正文第一段，内容足够长，用来测试没有闭合的代码围栏。", "粗体仍然是正文。"]
    check_alignment(body, r.text)


def test_truncated_image_and_multiline_link_tail():
    para = "正文段落，包含足够多的文字，确保它会被保留下来。"
    body = f"{para}\n\n![](https://img.example.com/abc...\n\n同时被 2 个专栏收录](https://blog.example.com/c \"专栏\")\n\n{para}"
    r = markdown_to_aligned(body, None)
    assert lines(r) == [para, "同时被 2 个专栏收录", para]
    check_alignment(body, r.text)


# ---- boilerplate --------------------------------------------------------------------------


def test_site_navigation_counter_and_footer_are_removed():
    body, r = fixture("site_nav.md")
    assert lines(r) == [
        "某车企周一宣布，由于制动软件存在缺陷，将召回约一万辆电动汽车。车主可以到授权服务中心免费升级软件，整个过程大约需要一小时。",
        "https://news.example.com/recall-story",
    ]
    assert r.removed["header"] >= 10
    assert "title" in r.removed and "footer" in r.removed


def test_wechat_header_related_list_and_reader_chrome_are_removed():
    body, r = fixture("wechat.md")
    assert lines(r) == [
        "座舱系统连接了越来越多的外部服务，攻击面随之扩大，厂商不能只依靠边界防护来保障车内数据的安全。",
        "误区一：车机不联网就安全",
        "很多车型通过蓝牙、诊断接口与车机交互，即使没有蜂窝网络，也可能被就近攻击。",
        "误区二：加密就够了",
        "密钥管理不善时，加密形同虚设，研究人员曾在固件中找到硬编码的密钥。",
    ]
    assert r.removed["byline"] >= 3  # author, account name, "作者 | ..."


def test_digest_headlines():
    body, r = fixture("digest.md")
    assert r.headlines == ["某车企发布新款电动轿车", "某芯片厂宣布扩产 车规级 芯片"]
    assert lines(r) == [
        "某车企发布新款电动轿车",
        "北京时间周三，某车企发布了新款电动轿车，此前的预告显示续航超过 600 公里。（来源：示例网）",
        "某芯片厂宣布扩产 车规级 芯片",
        "某芯片厂表示，将投资建设新产线，用于生产车规级芯片，预计明年投产。（来源：示例网）",
    ]


def test_related_links_inside_the_article_do_not_cut_the_rest():
    body, r = fixture("related_mid.md")
    text = r.text.text
    assert text.startswith("新规明确了车联网数据出境的安全评估流程")
    assert "一文读懂数据出境安全评估" not in text and "相关阅读" not in text
    assert "对于已经出境的数据" in text and "多家车企表示" in text
    assert "版权声明" not in text
    assert "推荐阅读" not in text and "再一篇文章" not in text
    assert r.removed["related"] == 3  # marker + two links


def test_unsafe_style_quoted_page():
    body, r = fixture("unsafe_like.md")
    assert lines(r) == [
        "调查人员发现，泄露源于第三方供应商配置错误的存储桶，涉及约十万名车主的姓名和联系方式。",
        "该车企表示已通知受影响的车主，并聘请外部机构进行审计。",
    ]


PARA = "这是一段真正的正文，长度足够，而且包含完整的句子和标点。"
PARA2 = "另一段正文讲的是别的事情，同样有完整的句子，也有标点。"


@pytest.mark.parametrize(
    "line",
    [
        "**本文已被查看 6018 次**",
        "分享到：微信",
        "[登录](/login) [注册](/register)",
        "长按识别二维码关注我们",
        "点击阅读原文",
        "- END -",
        "版权声明：本文为原创，转载请注明出处。",
        "免责声明：本文仅代表作者观点。",
        "\\*图片来源：视觉中国",
        "* [首页](/) * [关于](/about)",
        "**点赞关注示例视频号，**",
        "扫码订阅《示例》杂志",
        "01",
        "：",
    ],
)
def test_boilerplate_lines_are_dropped(line):
    body = f"{PARA}\n\n{line}\n\n{PARA2}\n"
    r = markdown_to_aligned(body, None)
    assert lines(r) == [PARA, PARA2], line


@pytest.mark.parametrize(
    "line",
    [
        "研究人员表示，扫码支付功能并未受到此次漏洞的影响，用户可以放心使用。",
        "该公司在声明中表示，转载请求需经过法务部门审核，但本次事件与转载无关，而是数据泄露。",
        "[3 月 15 日，某公司发布了新模型](http://example.com/x)，具备更广泛的常识和解决问题的能力。",
        "为什么要关注安全代码审查？",
        "研究人员发现二维码可被篡改。",
        "值得关注的三个趋势",
        "该平台允许车主将行驶数据分享至第三方应用。",
    ],
)
def test_prose_with_boilerplate_words_is_kept(line):
    body = f"{PARA}\n\n{line}\n\n{PARA2}\n"
    r = markdown_to_aligned(body, None)
    assert len(lines(r)) == 3, lines(r)


def test_trailing_read_more_link_is_cut_from_a_sentence():
    body = f"{PARA}\n\n或许，收费只是最后一根稻草。[[阅读原文](https://example.com/a)]\n\n{PARA2}\n"
    r = markdown_to_aligned(body, None)
    assert lines(r) == [PARA, "或许，收费只是最后一根稻草。", PARA2]
    check_alignment(body, r.text)


def test_explain_reports_the_rule_of_every_line():
    body, r = fixture("wechat.md")
    title = body.split("\n", 1)[0].lstrip("# ").strip()
    rules = dict(explain(body, title))
    assert rules["张三"] == "byline"
    assert rules["往期推荐"] == "footer"
    assert rules["误区一：车机不联网就安全"] is None


@pytest.mark.parametrize(
    "body",
    [
        "[" + "![a](b)" * 200 + "x",  # link text full of images, never closed
        " _x" * 5000,  # emphasis openers without closers
        "```py\n" * 3000,  # fences that never close
        "`" * 5000 + "a",
    ],
)
def test_pathological_lines_stay_fast(body):
    import time

    t = time.perf_counter()
    r = markdown_to_aligned(body, None)
    # a guard against catastrophic backtracking (minutes), not a speed test: generous for a loaded machine
    assert time.perf_counter() - t < 10.0
    check_alignment(body, r.text)


# ---- the corpus ---------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    if not AUTO_NEWS.exists():
        pytest.skip(f"needs the corpus at {AUTO_NEWS} (absent on this machine)")
    return sorted((AUTO_NEWS / "picker").glob("**/*.md"))


_CJK = re.compile(r"[\u4e00-\u9fff]")


def has_article_text(body: str, title: str | None) -> bool:
    """Does the body hold a real paragraph?  Empty WeChat shells and image-only posts do not."""
    for line in body.split("\n"):
        if title and title in line or "打赏" in line:
            continue
        if len(_CJK.findall(line)) >= 40:
            return True
    return False


@pytest.fixture(scope="module")
def corpus():
    out = []
    for path in corpus_files():
        title, body = split_front_matter(path.read_text(encoding="utf-8"))
        out.append((path, title, body, markdown_to_aligned(body, title)))
    return out


def test_corpus_alignment_and_non_empty(corpus):
    """Every file with a real paragraph keeps text; only shells (about 40 of 679) come out empty."""
    assert len(corpus) >= 600
    empty, shells = [], 0
    for path, title, body, r in corpus:
        check_alignment(body, r.text)
        if not r.text.text.strip():
            if has_article_text(body, title):
                empty.append(str(path.relative_to(AUTO_NEWS)))
            else:
                shells += 1
    assert not empty, empty
    assert shells <= 50


def test_corpus_digests_have_headlines(corpus):
    digests = [(p, r) for p, t, b, r in corpus if t and "极客早知道" in t]
    assert len(digests) >= 200
    with_text = [(p, r) for p, r in digests if r.text.text]
    assert all(len(r.headlines) >= 5 for p, r in with_text), [
        (p.name, r.headlines) for p, r in with_text if len(r.headlines) < 5
    ]
    for p, r in with_text:
        assert all(h and "![" not in h and "**" not in h for h in r.headlines), p.name
        assert all(h in r.text.text for h in r.headlines), p.name


def test_corpus_eval_snippets(corpus):
    spec = json.loads((FIXTURES / "eval_corpus.json").read_text(encoding="utf-8"))
    by_path = {str(p.relative_to(AUTO_NEWS)): r for p, t, b, r in corpus}
    failures = []
    for item in spec["files"]:
        r = by_path[item["path"]]
        text = r.text.text
        for s in item["with"]:
            if s not in text:
                failures.append(("missing", item["path"], s))
        for s in item["without"]:
            if s in text:
                failures.append(("left", item["path"], s))
    assert not failures, failures


def test_corpus_reposts_converge(corpus):
    """The same article reposted by two outlets cleans to (nearly) the same text."""
    by_title = defaultdict(list)
    for p, t, b, r in corpus:
        by_title[t].append(r.text.text)
    ratios = []
    for texts in by_title.values():
        if len(texts) == 2 and all(texts):
            a, b = texts
            ratios.append(1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio())
    assert len(ratios) >= 30
    assert sum(x >= 0.9 for x in ratios) >= 0.8 * len(ratios)
