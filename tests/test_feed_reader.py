"""FeedReader: RSS 2.0 / RSS 1.0 / Atom items become RawArticles; hostile XML is refused with a code."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autointel.errors import IngestError
from autointel.ingest.base import ReadContext
from autointel.ingest.feed import FeedReader, parse_web_date
from autointel.ingest.html import HtmlReader
from autointel.models import FailedInput, RawArticle, SourceText

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
CTX = ReadContext(dispatch=lambda s: iter(()))
CN = timezone(timedelta(hours=8))
reader = FeedReader()


def src(name: str, feed: str | None = None) -> SourceText:
    path = FIXTURES / name
    return SourceText(text=path.read_text(encoding="utf-8"), location=str(path), name=name, feed=feed)


def read(name: str) -> list:
    return list(reader.read(src(name), CTX))


def test_rss2_three_items():
    items = read("rss2.xml")
    assert [type(i) for i in items] == [RawArticle] * 3
    first, second, third = items

    assert first.source_key == "autonews-1001"  # guid wins over link
    assert first.url == "https://autonews.example.invalid/news/1001.html"
    assert first.title == "某车企4月交付量同比增长35%"
    assert first.body.startswith("<p>5月1日") and first.body_format == "html"  # content:encoded over description
    assert first.published_at == datetime(2024, 5, 1, 10, 15, tzinfo=CN)
    assert first.author == "王芳"
    assert first.outlet == "测试汽车快讯"
    assert first.reader == "feed"
    assert first.feed == first.location  # no src.feed: the file itself is the feed
    assert first.metadata["categories"] == ["销量", "新能源"]
    assert first.metadata["guid"] == "autonews-1001"
    assert first.metadata["feed_title"] == "测试汽车快讯"
    assert "date_assumed_tz" not in first.metadata

    assert second.source_key == "https://autonews.example.invalid/news/1002.html"
    assert second.published_at == datetime(2024, 5, 2, 1, 0, tzinfo=timezone.utc)
    assert "<b>多家电池厂</b>" in second.body and second.body_format == "html"  # escaped HTML description

    # no guid: the link is the identity; no pubDate: no date, none invented
    assert third.source_key == "https://autonews.example.invalid/news/1003.html"
    assert third.published_at is None
    assert third.body_format == "text"  # no tags, no entities: plain text
    assert all(i.published_at is None or i.published_at.tzinfo is not None for i in items)


def test_feed_url_recorded_when_given():
    items = list(reader.read(src("rss2.xml", feed="https://autonews.example.invalid/rss"), CTX))
    assert {i.feed for i in items} == {"https://autonews.example.invalid/rss"}


def test_atom_two_entries():
    first, second = read("atom.xml")
    assert first.source_key == "tag:cheshi.example.invalid,2024:entry-1"
    assert first.url == "https://cheshi.example.invalid/entry-1"  # alternate, not the enclosure
    assert first.published_at == datetime(2024, 6, 1, 8, 0, tzinfo=CN)  # published over updated
    assert first.metadata["date_field"] == "published"
    assert first.author == "陈刚"
    assert first.outlet == "测试车市观察"
    assert first.metadata["categories"] == ["市场"]
    assert first.body == "<p>进入六月，多家车企推出限时优惠，部分车型降幅超过两万元。</p>" and first.body_format == "html"

    assert second.url == "https://cheshi.example.invalid/entry-2"  # rel defaults to alternate
    assert second.published_at == datetime(2024, 6, 3, 4, 0, tzinfo=timezone.utc)
    assert second.metadata["date_field"] == "updated"  # honest about which date this is
    assert second.body_format == "html"
    assert "<p>截至五月底" in second.body and "xmlns" not in second.body and "ns0:" not in second.body


def test_rdf_rss1():
    (item,) = read("rdf.xml")
    assert item.source_key == "https://rdf.example.invalid/p/7"
    assert item.outlet == "测试零部件周报"
    assert item.title == "某供应商扩建电驱工厂"
    # a bare day in a Chinese feed: midnight China time, flagged as a day
    assert item.published_at == datetime(2024, 4, 10, tzinfo=CN)
    assert item.metadata["date_precision"] == "day"


@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_dtd_and_entities_refused(name):
    start = time.monotonic()
    with pytest.raises(IngestError) as e:
        read(name)
    assert e.value.code == "E107"
    assert time.monotonic() - start < 10  # refused before expansion (a hang guard, not a speed test)
    assert "root:" not in str(e.value)  # /etc/passwd never read


def test_bomb_is_claimed_by_the_feed_reader():
    # the DOCTYPE is skipped when sniffing, so the bomb reaches the reader that refuses it
    s = src("bomb.xml")
    assert reader.score(s) >= 0.9
    assert HtmlReader().score(s) < reader.score(s)


def test_malformed_xml():
    with pytest.raises(IngestError) as e:
        read("malformed.xml")
    assert e.value.code == "E108"


def test_not_a_feed_root():
    s = SourceText(text="<?xml version='1.0'?><catalog><book/></catalog>", location="c.xml", name="c.xml")
    with pytest.raises(IngestError) as e:
        list(reader.read(s, CTX))
    assert e.value.code == "E108"


def test_empty_channel_yields_nothing():
    assert read("empty_channel.rss") == []


def test_item_without_title_and_body():
    failed, titled = read("item_without_text.xml")
    assert isinstance(failed, FailedInput) and failed.code == "E113"
    assert failed.source_key == "https://autonews.example.invalid/news/2001.html"
    assert isinstance(titled, RawArticle) and titled.title == "只有标题也算文章"
    # "CST" in a Chinese feed is China Standard Time, not US Central
    assert titled.published_at == datetime(2024, 5, 3, 10, 0, tzinfo=CN)


def test_item_without_guid_or_link_keyed_by_position():
    text = "<rss><channel><title>t</title><item><title>甲</title></item><item><title>乙</title></item></channel></rss>"
    items = list(reader.read(SourceText(text=text, location="x.rss", name="x.rss"), CTX))
    assert [i.source_key for i in items] == ["x.rss#1", "x.rss#2"]


def test_score():
    assert reader.score(src("rss2.xml")) >= 0.9  # XML declaration and comment skipped
    assert reader.score(src("atom.xml")) >= 0.9
    assert reader.score(src("rdf.xml")) >= 0.9
    assert reader.score(SourceText(text="\ufeff\n<rss version='2.0'>", location="a", name="feed")) >= 0.9
    page = SourceText(text="<!doctype html><html><body><p>正文</p></body></html>", location="p.html", name="p.html")
    assert reader.score(page) == 0.0
    hexo = SourceText(text="---\ntitle: 标题\n---\n<p>正文</p>", location="h.md", name="h.md")
    assert reader.score(hexo) == 0.0
    assert reader.score(SourceText(text="比亚迪发布新车型", location="t.txt", name="t.txt")) == 0.0


@pytest.mark.parametrize("value, expected, flags", [
    ("Wed, 01 May 2024 10:15:00 +0800", datetime(2024, 5, 1, 10, 15, tzinfo=CN), {}),
    ("2024-05-01T02:15:00Z", datetime(2024, 5, 1, 2, 15, tzinfo=timezone.utc), {}),
    ("2024-05-01T10:15:00", datetime(2024, 5, 1, 10, 15, tzinfo=CN), {"date_assumed_tz": True}),
    ("Wed, 01 May 2024 10:15:00", datetime(2024, 5, 1, 10, 15, tzinfo=CN), {"date_assumed_tz": True}),
    ("2024-05-01", datetime(2024, 5, 1, tzinfo=CN), {"date_precision": "day", "date_assumed_tz": True}),
    ("上周三", None, {}),
    ("", None, {}),
    (None, None, {}),
])
def test_parse_web_date_chinese(value, expected, flags):
    assert parse_web_date(value, CN) == (expected, flags)


def test_parse_web_date_defaults_to_utc_for_non_chinese():
    dt, flags = parse_web_date("2024-05-01T10:15:00")
    assert dt == datetime(2024, 5, 1, 10, 15, tzinfo=timezone.utc) and flags == {"date_assumed_tz": True}
    assert parse_web_date("Wed, 01 May 2024 10:15:00 CST")[0].utcoffset() == timedelta(hours=-6)


def test_permalink_guid_is_the_url():
    text = ("<rss><channel><title>快讯</title><item><title>甲</title>"
            "<guid>https://autonews.example.invalid/news/9</guid></item>"
            "<item><title>乙</title><guid isPermaLink='false'>https://autonews.example.invalid/id/10</guid></item>"
            "</channel></rss>")
    first, second = reader.read(SourceText(text=text, location="g.rss", name="g.rss"), CTX)
    assert first.url == "https://autonews.example.invalid/news/9"
    assert second.url is None and second.source_key == "https://autonews.example.invalid/id/10"
