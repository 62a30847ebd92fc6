"""HtmlReader: one article out of a whole page, boilerplate left behind; hostile pages end fast."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autointel.errors import IngestError
from autointel.ingest import html as html_module
from autointel.ingest.base import ReadContext
from autointel.ingest.feed import FeedReader
from autointel.ingest.html import HtmlReader
from autointel.models import FailedInput, RawArticle, SourceText

FIXTURES = Path(__file__).parent / "fixtures" / "html"
CTX = ReadContext(dispatch=lambda s: iter(()))
CN = timezone(timedelta(hours=8))
reader = HtmlReader()


def page(name: str) -> SourceText:
    path = FIXTURES / name
    return SourceText(text=path.read_text(encoding="utf-8"), location=str(path), name=name)


def read_one(src: SourceText):
    results = list(reader.read(src, CTX))
    assert len(results) == 1
    return results[0]


def test_article_without_boilerplate():
    art = read_one(page("article.html"))
    assert isinstance(art, RawArticle)
    assert art.reader == "html" and art.body_format == "html"
    assert art.source_key == "https://autonews.example.invalid/2024/05/suv-launch.html"  # canonical URL
    assert art.url == art.source_key
    assert art.title == "某品牌纯电SUV正式上市 售价18.98万元起"
    assert art.outlet == "测试汽车网"
    assert art.author == "李明"
    assert art.published_at == datetime(2024, 5, 20, 9, 30, tzinfo=CN)
    assert "date_assumed_tz" not in art.metadata
    for sentence in ("5月20日，某品牌", "动力方面", "配置方面", "厂家表示"):
        assert sentence in art.body
    assert art.body.count("<p>") == 4
    for boilerplate in ("首页", "热门排行", "版权所有", "联系我们"):
        assert boilerplate not in art.body
    assert "<h1>" not in art.body  # the title is a field, not repeated in the body


def test_no_date_is_none():
    art = read_one(page("no_date.html"))
    assert isinstance(art, RawArticle)
    assert art.published_at is None
    assert "换电站" in art.body and "资讯" not in art.body
    assert art.source_key == art.location  # no canonical URL declared
    assert art.url is None


def test_bare_day_is_china_midnight_flagged():
    art = read_one(page("day_only.html"))
    assert art.published_at == datetime(2024, 3, 15, tzinfo=CN)
    assert art.metadata["date_precision"] == "day"
    assert art.metadata["date_assumed_tz"] is True


def test_fetched_page_keeps_its_url():
    src = page("no_date.html")
    src = SourceText(text=src.text, location="https://news.example.invalid/a/1", name="1",
                     feed="https://news.example.invalid/a/1")
    art = read_one(src)
    assert art.url == "https://news.example.invalid/a/1" and art.feed == src.feed


def test_empty_page_fails_e113():
    failed = read_one(page("empty.html"))
    assert isinstance(failed, FailedInput) and failed.code == "E113"
    assert failed.reader == "html"


def test_deeply_nested_page_finishes_fast():
    text = ("<!doctype html><html><body>" + "<div>" * 10_000
            + "<p>深层嵌套的页面不应拖慢整个批次的处理速度，读者应当快速结束。</p>" * 3
            + "</div>" * 10_000 + "</body></html>")
    start = time.monotonic()
    results = list(reader.read(SourceText(text=text, location="deep.html", name="deep.html"), CTX))
    assert time.monotonic() - start < 20  # a hang guard, not a speed test
    assert len(results) == 1
    # lxml drops what lies deeper than it parses: a coded failure, never a hang
    assert isinstance(results[0], RawArticle) or results[0].code == "E113"


def test_too_many_tags_refused(monkeypatch):
    monkeypatch.setattr(html_module, "MAX_TAGS", 100)
    text = "<html><body>" + "<span>车</span>" * 100 + "</body></html>"
    with pytest.raises(IngestError) as e:
        list(reader.read(SourceText(text=text, location="big.html", name="big.html"), CTX))
    assert e.value.code == "E105"


def test_fragment_is_wrapped():
    text = ("<div class='post'><p>某车企宣布下调旗下三款车型的售价，最高降幅达到三万元。</p>"
            "<p>此次调价自即日起生效，已购车用户可获得相应补偿。</p></div>")
    art = read_one(SourceText(text=text, location="frag.html", name="frag.html"))
    assert isinstance(art, RawArticle) and "最高降幅" in art.body and "补偿" in art.body


def test_score():
    assert reader.score(page("article.html")) >= 0.9
    assert reader.score(page("no_date.html")) >= 0.9  # lower-case doctype
    xhtml = SourceText(text="<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>",
                       location="x", name="x.xhtml")
    assert reader.score(xhtml) >= 0.9
    body_only = SourceText(text="<head><title>t</title></head><body><p>正文</p></body>", location="b", name="b")
    assert 0.4 <= reader.score(body_only) < 0.9
    tags = SourceText(text="<p>一</p><p>二</p><p>三</p><p>四</p><p>五</p>", location="t", name="t.html")
    assert 0.4 <= reader.score(tags) < 0.9
    # Hexo posts (optional blank line, then front matter) belong to the Hexo reader
    hexo = "\n---\ntitle: 新车上市\ndate: 2024-05-20\n---\n<!DOCTYPE html><html><body><p>正文</p></body></html>"
    assert reader.score(SourceText(text=hexo, location="h.html", name="h.html")) == 0.0
    # feeds belong to the feed reader
    rss = SourceText(text="<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>",
                     location="f.xml", name="f.xml")
    assert reader.score(rss) == 0.0 and FeedReader().score(rss) > 0.9
    assert reader.score(SourceText(text="比亚迪发布新车型，售价约15万元。", location="t", name="t.txt")) == 0.0


def test_chinese_meta_author_kept():
    # trafilatura drops meta authors without a space; Chinese names have none
    text = ("<!DOCTYPE html><html lang='zh-CN'><head><title>某车企发布年度报告</title>"
            "<meta content='赵磊' name='author'></head><body><article>"
            "<p>某车企发布年度报告，全年营收同比增长两成，海外销量首次突破十万辆。</p>"
            "<p>公司表示，明年将继续加大在智能化和电池技术方面的投入。</p></article></body></html>")
    art = read_one(SourceText(text=text, location="r.html", name="r.html"))
    assert art.author == "赵磊"
