from datetime import date, datetime, timezone

import pytest

from autointel.errors import IngestError
from autointel.ingest.frontmatter import CHINA_TZ, parse_date, split_front_matter


def test_rfc822_gmt_is_exact_and_aware():
    dt, precision = parse_date("Wed, 09 Feb 2022 03:25:01 GMT")
    assert dt == datetime(2022, 2, 9, 3, 25, 1, tzinfo=timezone.utc)
    assert precision == "second"


def test_bare_date_is_a_day_in_china_time():
    dt, precision = parse_date(date(2023, 3, 23))
    assert dt == datetime(2023, 3, 23, tzinfo=CHINA_TZ) and precision == "day"


def test_unknown_date_is_none_never_invented():
    assert parse_date("sometime last spring") == (None, None)
    assert parse_date(None) == (None, None)


def test_broken_yaml_is_coded():
    with pytest.raises(IngestError) as e:
        split_front_matter("---\ntitle: [unclosed\n---\nbody", "x.md")
    assert e.value.code == "E106"


def test_alias_bomb_is_not_expanded():
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: ok\n---\nbody"
    meta, body = split_front_matter(bomb)
    assert meta["title"] == "ok" and body == "body"
    assert meta["c"] == []  # nested lists are dropped, never serialised out


def test_unquoted_reserved_indicator_is_read_leniently():
    meta, body = split_front_matter("---\ntitle: @中国车企，欢迎参会\nsource: 示例\ndate: 2025-01-08\n---\n正文")
    assert meta["title"] == "@中国车企，欢迎参会" and meta["front_matter_lenient"] is True
    assert parse_date(meta["date"])[0] == datetime(2025, 1, 8, tzinfo=CHINA_TZ)


def test_title_with_a_bracketed_tag_is_a_title():
    meta, _ = split_front_matter("---\ntitle: [企业] 某软件出现大量误报\nsource: 示例\n---\n正文")
    assert meta["title"] == "[企业] 某软件出现大量误报"
    with pytest.raises(IngestError):
        split_front_matter("---\ntitle: [a, b\n---\n正文")


@pytest.mark.parametrize("line,title", [
    ("title: &quot;法海&quot;开箱详解", "&quot;法海&quot;开箱详解"),
    ('title: "TikTok难民"涌入，如何应对', '"TikTok难民"涌入，如何应对'),
    ("title: 第一行。\n\n第二行继续", "第一行。 第二行继续"),
])
def test_archiver_quirks_are_read_as_text(line, title):
    meta, _ = split_front_matter(f"---\n{line}\nsource: 示例\n---\n正文")
    assert meta["title"] == title and meta["source"] == "示例"
