"""Property-based tests (hypothesis) for every reader, the decoder, the normaliser, the number parser and the
query parser; bounded for CI (well under a minute).  The properties are the fuzz targets' own checks
(fuzz/fuzz_*.py), so the nightly coverage-guided run (scripts/fuzz.py) and these tests enforce the same thing.
Inputs found by fuzzing, or by the hostile corpus, that once broke something are pinned in REGRESSIONS.
"""
from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from autointel.errors import IngestError
from autointel.facts.numbers import parse_decimal
from autointel.facts.quantity import find_quantities
from autointel.ingest.decode import decode_bytes

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"


def _target(name: str):
    spec = importlib.util.spec_from_file_location(f"fuzz_{name}", FUZZ / f"fuzz_{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ingest_target = _target("ingest")
normalize_target = _target("normalize")
numbers_target = _target("numbers")
query_target = _target("query")

# database=None: no .hypothesis/ directory in the working tree; deadline=None: the first call of a reader
# imports trafilatura or loads the knowledge base.
def bounded(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- structured text for the readers

_WORDS = ["比亚迪", "蔚来", "特斯拉", "銷量", "輝達", "万辆", "亿元", "同比增长", "12.5%", "３０．５％", "行業(yè)",
          "2025年3月", "约", "近", "（来源：测试）", "。", "，", "\n", "\n\n", " ", "\t", "\u3000", "\u202e", "\x00",
          "\ud800", "🚗", "&amp;", "&#x4e00;", "&#0;", "&nbsp;"]
_MARKUP = ["<p>", "</p>", "<div>", "</div>", "<br>", "<b>", "</b>", "<a href='javascript:x'>", "</a>",
           "<script>alert(1)</script>", "<style>p{}</style>", "<img src=x onerror=alert(1)>", "<figcaption>",
           "</figcaption>", "<h1>", "</h1>", "<table><tr><td>", "</td></tr></table>", "<!--", "-->", "<![CDATA[",
           "]]>", "<", ">", "</", "<html>", "<body>", "</body></html>", "<!DOCTYPE html>", "<meta charset=gbk>"]
_MARKDOWN = ["# ", "## ", "* ", "- ", "1. ", "> ", "```", "`", "**", "_", "[链接](http://x)", "![图](a.png)",
             "---", "| a | b |", "\n\n", "<http://x>", "[^1]", "扫码关注", "原文标题："]
_YAML = ["title: 标题", "title: [企业] 标题", "title: &a x", "title: *a", "date: 2025-01-01", "date: 2025-13-45",
         "date: Wed, 09 Feb 2022 03:25:01 GMT", "url: http://x", "source: 测试站", "categories: [a, b, c]",
         "tags:\n  - a\n  - b", "a: &x [1, 2]", "b: [*x, *x]", "!!python/object:os.system", "? [a]\n: b", ": :", "'",
         '"', "|", ">"]
_XML = ['<?xml version="1.0"?>', '<rss version="2.0">', "</rss>", "<channel>", "</channel>", "<item>", "</item>",
        "<title>", "</title>", "<description>", "</description>", "<guid isPermaLink='false'>", "</guid>",
        "<pubDate>", "</pubDate>", '<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>", "<entry>", "</entry>",
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">', "</div></content>", "<link href='x'/>",
        "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;", "<content:encoded>", "</content:encoded>", "<language>zh</language>"]


def _mix(*pools: list[str], max_parts: int = 40) -> st.SearchStrategy[str]:
    part = st.one_of(st.sampled_from([p for pool in pools for p in pool]), st.text(max_size=12))
    return st.lists(part, max_size=max_parts).map("".join)


def _front_matter(body: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    yaml_lines = st.lists(st.sampled_from(_YAML), max_size=6).map("\n".join)
    return st.tuples(yaml_lines, body).map(lambda p: f"---\n{p[0]}\n---\n{p[1]}")


_JSON_VALUE = st.one_of(st.text(max_size=30), _mix(_WORDS, _MARKUP, max_parts=10), st.integers(), st.floats(),
                        st.none(), st.booleans(), st.lists(st.text(max_size=5), max_size=3))
_JSON_OBJECT = st.dictionaries(st.sampled_from(["title", "text", "date", "source", "url", "id", "path", "content",
                                                "author", "guid", "x"]), _JSON_VALUE, max_size=6)
_JSON_LINES = st.lists(st.one_of(_JSON_OBJECT.map(json.dumps), st.sampled_from(["{", "[1]", "null", "", "{\"a\":"])),
                       min_size=1, max_size=4).map("\n".join)

READER_INPUTS = {
    "hexo": (".md", _front_matter(_mix(_MARKUP, _WORDS))),
    "markdown": (".md", _front_matter(_mix(_MARKDOWN, _WORDS, _MARKUP))),
    "text": (".txt", _mix(_WORDS, _MARKDOWN)),
    "digest": (".txt", st.tuples(st.sampled_from(["#汽车", "#", "#tag tag", ""]), _mix(_WORDS, ["(36氪)", "（界面）"]))
               .map("\n".join)),
    "jsonl": (".jsonl", _JSON_LINES),
    "feed": (".xml", _mix(_XML, _WORDS, _MARKUP, max_parts=60)),
    "html": (".html", _mix(_MARKUP, _WORDS, max_parts=60)),
}


@pytest.mark.parametrize("reader", sorted(READER_INPUTS))
def test_every_reader_yields_clean_articles_or_coded_failures(reader):
    extension, texts = READER_INPUTS[reader]

    @bounded(40)
    @given(texts, st.booleans())
    def prop(text: str, forced: bool) -> None:
        data = text.encode("utf-8", "surrogatepass")  # lone surrogates reach the bytes as CESU-8
        ingest_target.check(data, "input" + extension, reader if forced else None)

    prop()


@bounded(150)
@given(st.binary(max_size=2048))
def test_any_bytes_are_articles_or_coded_failures(data):
    ingest_target.one_input(data)  # first byte: file name and forced reader; .gz ones compressed, some cut


@bounded(300)
@given(st.one_of(st.binary(max_size=512), st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
                 st.text(max_size=100).map(lambda s: s.encode("gb18030", "replace"))))
def test_decode_returns_valid_text_or_a_coded_error(data):
    try:
        text, encoding = decode_bytes(data, "fuzz")
    except IngestError as e:
        assert e.code in ("E102", "E103", "E104")
        return
    assert isinstance(text, str) and encoding
    text.encode("utf-8")  # strict decoders never produce lone surrogates


# ---------------------------------------------------------------- the normaliser


@pytest.mark.parametrize("body_format", ["text", "html", "markdown"])
def test_normaliser_keeps_alignment(body_format):
    pools = {"text": (_WORDS, _MARKDOWN), "html": (_MARKUP, _WORDS), "markdown": (_MARKDOWN, _WORDS, _MARKUP)}

    @bounded(80)
    @given(_mix(*pools[body_format]), st.one_of(st.none(), _mix(_WORDS, max_parts=5)))
    def prop(body: str, title: str | None) -> None:
        normalize_target.check(body, body_format, title)

    prop()


# ---------------------------------------------------------------- numbers

_NUMERAL_CHARS = "0123456789０１２３４５６７８９.．,，零〇一二两三四五六七八九十百千万亿兆壹贰叁拾佰仟点 "
_QUANTITY_PARTS = list(_NUMERAL_CHARS) + ["万辆", "亿元", "%", "％", "倍", "成", "年", "个月", "GWh", "kWh", "美元", "至",
                                          "-", "~", "约", "近", "超过", "余", "多", "数", "几", "左右", "第", "百分之",
                                          "增长", "分之", "半", "http://x/12", "2025-10-26", "10:30", "5G"]


@bounded(400)
@given(st.text(alphabet=_NUMERAL_CHARS, max_size=12))
def test_parse_decimal_returns_a_number_or_value_error(s):
    numbers_target.check(s)


@bounded(300)
@given(st.lists(st.one_of(st.sampled_from(_QUANTITY_PARTS), st.text(max_size=3)), max_size=25).map("".join))
def test_quantities_are_sorted_disjoint_and_exact(text):
    numbers_target.check(text)


_CN_DIGITS = "零一二三四五六七八九"


def _chinese_below_10k(n: int) -> str:
    """Standard Chinese numeral below 10,000: 1005 -> 一千零五, 110 -> 一百一十, 15 -> 十五."""
    out, zero = "", False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit_value % 10
        if d:
            if zero and out:
                out += "零"
            out += ("" if (unit == "十" and d == 1 and not out) else _CN_DIGITS[d]) + unit
            zero = False
        else:
            zero = True
    return out or "零"


def _chinese(n: int) -> str:
    """Below 10^12, grouped by 万 and 亿, with 零 for an empty place between groups."""
    groups = [(n // 10 ** 8) % 10 ** 4, (n // 10 ** 4) % 10 ** 4, n % 10 ** 4]
    out = ""
    for value, word in zip(groups, ("亿", "万", "")):
        if value:
            if out and value < 1000:
                out += "零"
            out += _chinese_below_10k(value) + word
    return out or "零"


@bounded(300)
@given(st.integers(min_value=0, max_value=10 ** 12 - 1))
def test_numerals_written_any_way_parse_to_their_value(n):
    assert parse_decimal(str(n)) == n
    assert parse_decimal(f"{n:,}") == n
    assert parse_decimal(str(n).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})) == n  # full width
    assert parse_decimal(_chinese(n)) == n, _chinese(n)
    if n % 10 ** 4 == 0 and n:
        assert parse_decimal(f"{Decimal(n) / 10 ** 4}万") == n


# ---------------------------------------------------------------- the query parser

_QUERY_PARTS = ['"', "OR", "NOT", "-", "+", " ", "entity:", "topic:", "outlet:", "metric:", "since:", "until:",
                "2025-01-01", "2025-13-01", "BYD", "比亚迪", "蔚小理", "輝達", "自駕", "Trump", "tariffs", "352点1",
                "固态电池", "的", "a", "the", ":", "::", "\u3000", "\x00", "*", "(", ")"]


@bounded(300)
@given(st.lists(st.one_of(st.sampled_from(_QUERY_PARTS), st.text(max_size=6)), max_size=15).map("".join))
def test_query_parser_returns_a_plan_or_a_coded_error(text):
    query_target.check(text)


# ---------------------------------------------------------------- regressions (each once broke something)

REGRESSIONS = [
    # (target, input, what broke)
    ("numbers", "2至1年", "a downward 'range' 2..1 (value_max < value), found by atheris"),
    ("numbers", "19-0", "the same for a score, found by atheris"),
    ("numbers", "6至3", "the same with 至"),
    ("ingest", ('{"title": "t\\ud800", "text": "正文\\udc00"}\n', "x.jsonl"),
     "a lone surrogate escaped in JSON crashed the whole batch (UnicodeEncodeError in content_hash)"),
    ("ingest", ('{"title": "t", "text": "正文", "n": %s}\n' % ("9" * 5000), "x.jsonl"),
     "an integer of more than 4300 digits: ValueError recorded as 'reader crashed' (E110), now E109"),
    ("ingest", ("---\ntitle: t\ndate: 2025-13-45\n---\n\n正文\n", "x.md"),
     "an impossible YAML timestamp: ValueError from the YAML constructor recorded as a reader crash (E110)"),
    ("ingest", ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title><id>i</id>'
                '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">' + "<b>" * 3000 + "x"
                + "</b>" * 3000 + "</div></content></entry></feed>", "x.atom"),
     "deeply nested Atom XHTML: RecursionError hidden as a TypeError by Element.extend(generator)"),
    ("ingest", ('{"title": "空\\u0000字符", "text": "正\\u0000文\\u202e反向"}\n', "x.jsonl"),
     "NUL and bidi override reached the canonical text and title"),
    ("normalize", ("正文\x00里有\u202e控制\x07字符", "text", "标题\u2066\x00"), "control characters kept in canonical text"),
]


@pytest.mark.parametrize("target, data, why", REGRESSIONS, ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(REGRESSIONS)])
def test_regression(target, data, why):
    if target == "numbers":
        numbers_target.check(data)
    elif target == "ingest":
        text, name = data
        ingest_target.check(text.encode("utf-8"), name, None)
    elif target == "normalize":
        normalize_target.check(*data)


def test_regression_outcomes_are_the_coded_ones():
    """The fixed inputs do not merely pass the checks: each ends as the outcome it should."""
    from autointel.models import FailedInput
    from autointel.pipeline import articles_from

    def outcomes(tmp: Path, name: str, text: str) -> list[str]:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        return [item.code if isinstance(item, FailedInput) else "ok" for item in articles_from([str(path)])]

    import tempfile

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        assert outcomes(tmp, "a.jsonl", REGRESSIONS[3][1][0]) == ["ok"]
        assert outcomes(tmp, "b.jsonl", REGRESSIONS[4][1][0]) == ["E109"]
        assert outcomes(tmp, "c.md", REGRESSIONS[5][1][0]) == ["ok"]  # read leniently, date left unset
        assert outcomes(tmp, "d.atom", REGRESSIONS[6][1][0]) == ["E115"]
    assert [(q.text, q.value_max) for q in find_quantities("2至1年")] == [("2", None), ("1年", None)]
    assert [(q.value, q.value_max) for q in find_quantities("2至3年")] == [(2.0, 3.0)]
