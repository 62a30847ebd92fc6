"""The linker's rules, one by one, on a tiny knowledge base written for them (tests/fixtures/kb/mini.yaml)."""
from pathlib import Path

import pytest

from autointel.kb.loader import load_kb
from autointel.link.document import SpanMap, link_document
from autointel.link.linker import Linker

MINI = Path(__file__).parent / "fixtures" / "kb" / "mini.yaml"


@pytest.fixture(scope="module")
def linker():
    kb = load_kb([MINI])
    assert kb.problems == []
    return Linker(kb)


def linked(linker, text, title=""):
    return [(m.surface, m.entity_id) for m in linker.link(text, extra_context=title)]


def test_strong_names_and_spans(linker):
    text = "美国总统特朗普再次谈到比亚迪。"
    mentions = linker.link(text)
    assert [(m.surface, m.entity_id) for m in mentions] == [
        ("美国", "place-usa"), ("特朗普", "person-trump"), ("比亚迪", "byd")]
    assert all(text[m.start:m.end] == m.surface for m in mentions)


def test_latin_names_need_word_boundaries_and_case(linker):
    assert linked(linker, "BYD与NVIDIA合作") == [("BYD", "byd"), ("NVIDIA", "nvidia")]
    assert linked(linker, "BYDX is not BYD's rival") == [("BYD", "byd")]
    assert linked(linker, "byd in lower case is not the ticker") == []
    assert linked(linker, "Nvidia and nvidia") == [("Nvidia", "nvidia"), ("nvidia", "nvidia")]


def test_blockers_silence_names_inside_them(linker):
    assert linked(linker, "大众市场和普罗大众都喜欢大众汽车") == [("大众汽车", "volkswagen")]
    assert linked(linker, "理想国度里没有理想线") == []


def test_blocker_overlapping_a_longer_name(linker):
    # 北京现代化: 现代化 is not a blocker here, but the segmenter says 现代 is inside 现代化
    assert ("现代", "hyundai") not in linked(linker, "北京现代汽车销量下滑，现代化工厂停产")


def test_segmentation_keeps_weak_names_out_of_longer_words(linker):
    assert linked(linker, "早餐喝小米粥，小米发布了新车") == [("小米", "xiaomi")]


@pytest.mark.parametrize("text", ["这是一个理想的状态", "很理想", "追求理想", "大众化的产品", "社会大众关心的问题"])
def test_weak_names_without_evidence_stay_words(linker, text):
    assert linked(linker, text) == []


def test_weak_name_with_strong_name_in_document(linker):
    assert linked(linker, "理想汽车发布财报。理想本季度营收增长") == [
        ("理想汽车", "li-auto"), ("理想", "li-auto")]


def test_weak_name_with_cue_word_or_in_a_list(linker):
    assert linked(linker, "理想10月交付4万辆") == [("理想", "li-auto")]
    assert linked(linker, "蔚来、小鹏、理想均未回应") == [("蔚来", "nio"), ("小鹏", "xpeng"), ("理想", "li-auto")]


def test_title_counts_as_evidence(linker):
    assert linked(linker, "理想称将继续投入。", title="理想汽车四季度财报") == [("理想", "li-auto")]


def test_nickname_expands_to_each_entity(linker):
    assert linked(linker, "蔚小理三家") == [("蔚小理", "nio"), ("蔚小理", "xpeng"), ("蔚小理", "li-auto")]


def test_latin_nickname_is_a_whole_word_in_its_own_case():
    # found by the topic tagger: BBA inside "Toubba" expanded to three carmakers (bundled knowledge base)
    from autointel.link.linker import default_linker

    linker = default_linker()
    assert linked(linker, "Toubba 公司发布") == []
    assert linked(linker, "bba的销量") == []
    assert [e for _, e in linked(linker, "BBA 三强销量下滑")] == ["mercedes-benz", "bmw", "audi"]


def test_colliding_person_names_are_resolved_by_context_or_left_ambiguous(linker):
    [m] = linker.link("王军表示将扩大产能")
    assert m.entity_id is None and m.method == "ambiguous"
    assert set(m.candidates) == {"person-wang-jun-geely", "person-wang-jun-faw"}
    assert ("王军", "person-wang-jun-geely") in linked(linker, "吉利汽车总裁王军表示")


def test_weak_person_name_needs_its_organisation(linker):
    assert linked(linker, "李斌表示") == []
    assert linked(linker, "蔚来创始人李斌表示") == [("蔚来", "nio"), ("李斌", "person-li-bin-nio")]


def test_lookup_in_any_script_or_language(linker):
    kb = linker.kb
    for name in ("比亚迪", "比亞迪", "BYD", "byd"):
        assert [e.id for e in kb.find(name)] == ["byd"], name
    assert [e.id for e in kb.find("輝達")] == ["nvidia"]
    assert [e.id for e in kb.find("Trump")] == ["person-trump"]
    assert [e.id for e in kb.find("川普")] == ["person-trump"]


def test_relations_resolve_names_to_ids(linker):
    kb = linker.kb
    assert [r.target for r in kb.entities["volkswagen"].relations] == ["volkswagen-group"]
    assert "volkswagen" in kb.family("volkswagen-group")


def test_span_map_gives_original_offsets():
    # canonical "特朗普说" came from original "川普說" (2 chars -> 3 chars), then "。" kept
    spans = SpanMap([[0, 0, 3, 2], [3, 2, 2, 2]])
    assert spans.original(0, 3) == (0, 2)
    assert spans.original(3, 4) == (2, 3)


def test_link_document_maps_body_and_title(linker):
    mentions = link_document(linker, "比亚迪发布新车", [[0, 0, 7, 7]], "比亚迪新车", "比亞迪新車")
    body = [m for m in mentions if m.field == "body"]
    title = [m for m in mentions if m.field == "title"]
    assert (body[0].start, body[0].end, body[0].orig_start, body[0].orig_end) == (0, 3, 0, 3)
    assert title[0].entity_id == "byd" and (title[0].orig_start, title[0].orig_end) == (0, 3)


def test_weak_name_first_in_a_list(linker):
    assert linked(linker, "理想、蔚来均未回应") == [("理想", "li-auto"), ("蔚来", "nio")]
