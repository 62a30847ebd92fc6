import re

from hypothesis import given, strategies as st

from autointel.normalize.aligned import AlignedText


def test_identity_maps_each_character():
    at = AlignedText.identity("比亚迪")
    assert at.original_span(0, 3) == (0, 3)
    assert at.original_span(1, 2) == (1, 2)


def test_unequal_replacement_maps_to_whole_source_phrase():
    original = "全球化處理程序中"
    at = AlignedText.identity(original).edit([(3, 7, "进程")])
    assert at.text == "全球化进程中"
    s, e = at.original_span(3, 5)
    assert original[s:e] == "處理程序"
    s, e = at.original_span(5, 6)
    assert original[s:e] == "中"


def test_sub_with_group_keeps_surrounding_mapping():
    original = "行業(yè)發展"
    at = AlignedText.identity(original).sub(re.compile(r"(?<=業)(\(yè\))"), "", group=1)
    assert at.text == "行業發展"
    s, e = at.original_span(2, 4)
    assert original[s:e] == "發展"


def test_keep_spans_joins_with_separator():
    original = "第一段\n广告\n第二段"
    at = AlignedText.identity(original).keep_spans([(0, 3), (7, 10)])
    assert at.text == "第一段\n第二段"
    s, e = at.original_span(4, 7)
    assert original[s:e] == "第二段"


def test_composed_edits_still_point_at_original():
    original = "Ａ１２．５％增长"
    at = AlignedText.identity(original)
    at = AlignedText(at.text.replace("Ａ", "A").replace("１", "1").replace("２", "2").replace("５", "5"), at.starts, at.ends)
    at = at.edit([(3, 4, "."), (5, 6, "%")])
    assert at.text == "A12.5%增长"
    s, e = at.original_span(1, 6)
    assert original[s:e] == "１２．５％"


@given(st.text(alphabet="甲乙丙丁ab \n", max_size=60), st.data())
def test_runs_round_trip(text, data):
    at = AlignedText.identity(text)
    if text:
        a = data.draw(st.integers(0, len(text)))
        b = data.draw(st.integers(a, len(text)))
        repl = data.draw(st.text(alphabet="XY", max_size=5))
        at = at.edit([(a, b, repl)])
    again = AlignedText.from_runs(at.text, at.to_runs())
    assert list(again.starts) == list(at.starts)
    assert list(again.ends) == list(at.ends)
    for i in range(len(at.text)):
        s, e = at.original_span(i, i + 1)
        assert 0 <= s <= e <= len(text)
