"""Discovery tagger: names outside the knowledge base proposed with evidence (autointel.link.discovery)."""
from __future__ import annotations


import pytest

from autointel.link.discovery import Candidate, propose_candidates

LEAD = "据悉，深圳市速腾聚创科技有限公司董事长邱纯潮表示，公司将扩大产能。"


def by_surface(text: str, known=()) -> dict[str, Candidate]:
    return {c.surface: c for c in propose_candidates(text, known)}


def test_company_and_person_from_suffix_and_title():
    found = by_surface(LEAD)
    company = found["深圳市速腾聚创科技有限公司"]
    assert company.type == "company" and company.rule == "suffix:有限公司"
    person = found["邱纯潮"]
    assert person.type == "person" and "title:董事长" in person.rule
    assert person.score > company.score - 0.1  # a titled name that then speaks is strong evidence


def test_offsets_index_the_input_and_context_surrounds_the_name():
    text = "  \n" + LEAD  # leading whitespace must not shift offsets
    for c in propose_candidates(text):
        assert text[c.start:c.end] == c.surface
        assert c.surface in c.context and len(c.context) <= len(c.surface) + 24
        assert 0.0 < c.score <= 1.0


def test_known_spans_are_skipped():
    start = LEAD.index("深圳市")
    end = LEAD.index("董事长")
    found = by_surface(LEAD, known=[(start, end)])
    assert "深圳市速腾聚创科技有限公司" not in found
    assert not any(c.start < end and start < c.end for c in found.values())
    assert "邱纯潮" in found


@pytest.mark.parametrize(
    "text, surface, kind",
    [
        ("工业和信息化部发言人今天表示，将加强监管。", "工业和信息化部", "government"),
        ("中国人民银行宣布降准。", "中国人民银行", "government"),
        ("吉利控股集团与雷诺签署协议。", "吉利控股集团", "company"),
        ("比亚迪汽车上月销量再创新高。", "比亚迪汽车", "company"),
        ("中国汽车技术研究中心发布报告。", "中国汽车技术研究中心", "organization"),
        ("小米汽车CEO雷军称，交付将提速。", "雷军", "person"),
        ("问界M9上市首月订单破万。", "问界M9", "model"),
        ("新款SU7将于明年发布。", "SU7", "model"),
    ],
)
def test_patterns(text, surface, kind):
    found = by_surface(text)
    assert surface in found, found
    assert found[surface].type == kind


@pytest.mark.parametrize(
    "text",
    [
        "智能化和深度学习让新能源汽车更聪明。",  # jieba tags 智能化 nr and 深度 ns
        "多家银行和保险公司参与了本轮融资，该公司在国内市场表现平平。",  # generic heads
        "2023年销量达到120万辆，同比增长30%。",  # numbers
        "公司内部的格局发生变化，全部部门参加。",  # words that merely end in 部/局
        "比赛最终以平局收场，主队和客队各得一分。",
    ],
)
def test_junk_is_not_proposed(text):
    assert propose_candidates(text) == []


def test_person_needs_more_than_a_noisy_tag():
    # 阿根廷 and 华为 are tagged nr by jieba; neither is a person.
    kinds = {c.surface: c.type for c in propose_candidates("华为在阿根廷开设了新门店。")}
    assert kinds.get("华为") != "person" and kinds.get("阿根廷") != "person"


def test_speech_verb_and_foreign_name():
    found = by_surface("王传福表示，比亚迪将进入日本市场。埃隆·马斯克回应称不担心。")
    assert found["王传福"].type == "person"
    assert found["埃隆·马斯克"].type == "person"


def test_empty_and_whitespace_text():
    assert propose_candidates("") == []
    assert propose_candidates("   \n ") == []


def test_candidates_do_not_overlap_and_are_sorted():
    text = LEAD * 3 + "蔚来汽车创始人李斌透露，ES6改款在即。"
    cands = propose_candidates(text)
    assert [c.start for c in cands] == sorted(c.start for c in cands)
    assert all(a.end <= b.start for a, b in zip(cands, cands[1:]))
