"""The bundled knowledge base: valid, big enough, and knowing the names the issue lists."""
import pytest

from autointel.kb.check import check_kb
from autointel.kb.loader import load_kb
from autointel.kb.schema import TYPES


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def test_bundled_kb_has_no_errors(kb):
    assert kb.problems == []


def test_size_and_types(kb):
    report = check_kb(kb)
    assert report["entities"] >= 1000
    for t in ("group", "automaker", "brand", "model", "supplier", "company", "person", "government",
              "association", "media", "place"):
        assert report["by_type"].get(t, 0) >= 5, t
    assert set(report["by_type"]) <= set(TYPES)


@pytest.mark.parametrize("names", [
    ("比亚迪", "比亞迪", "BYD"),
    ("英伟达", "輝達", "NVIDIA", "Nvidia"),
    ("特朗普", "川普", "Trump"),
    ("梅赛德斯-奔驰", "賓士", "Mercedes-Benz"),
    ("大众", "福斯", "Volkswagen"),
    ("丰田", "豐田", "Toyota"),
    ("日产", "日產", "Nissan"),
    ("安世半导体", "Nexperia"),
    ("北汽集团", "北汽"),
    ("上汽集团", "上汽"),
    ("广汽集团", "广汽"),
    ("全国乘用车市场信息联席会", "乘联会"),
    ("中国汽车工业协会", "中汽协"),
    ("彭博新能源财经", "BloombergNEF"),
    ("欧盟", "EU"),
])
def test_aliases_in_any_script_land_on_one_entity(kb, names):
    ids = {tuple(e.id for e in kb.find(n)) for n in names}
    assert len(ids) == 1 and len(next(iter(ids))) == 1, {n: [e.id for e in kb.find(n)] for n in names}


def test_nickname_expands_to_three_companies(kb):
    [nick] = [n for n in kb.nicknames if n.alias == "蔚小理"]
    assert {kb.entities[i].name for i in nick.expands} == {"蔚来", "小鹏", "理想汽车"}


@pytest.mark.parametrize("model,maker", [("小米SU7", "小米汽车"), ("问界M9", "问界")])
def test_models_point_to_their_makers(kb, model, maker):
    [m] = kb.find(model)
    assert m.type == "model"
    assert any(r.rel == "model_of" and kb.entities[r.target].name == maker for r in m.relations)


def test_relations_of_each_kind_exist(kb):
    rels = {r.rel for e in kb.entities.values() for r in e.relations}
    assert {"brand_of", "subsidiary_of", "joint_venture_of", "role_at", "located_in"} <= rels


@pytest.mark.parametrize("word", ["理想", "大众", "现代", "长城", "吉利", "长安", "东风", "红旗", "小米"])
def test_common_words_are_weak_aliases(kb, word):
    owners = kb.find(word)
    assert owners, word
    assert all(word in e.weak for e in owners if word in e.surfaces()), word
