"""Stories: near-duplicate detection on canonical text, incremental assignment, stable ids.

Every text here is written for the test (no corpus text)."""
from __future__ import annotations

import random

import numpy as np
import pytest

from autointel.pipeline import ingest
from autointel.stories.cluster import components, story_id
from autointel.stories.lsh import band_keys, candidate_pairs
from autointel.stories.minhash import signature, signatures
from autointel.stories.shingles import fold, shingle_set
from autointel.stories.similarity import exact, is_near_duplicate
from autointel.stories.titles import looks_garbled, title_key
from autointel.store.stories import assign_story, list_stories, rebuild_stories, story_members, story_of

ARTICLE = (
    "本报讯 星河汽车周二在合肥发布了旗下首款纯电动皮卡，新车搭载一百二十千瓦时电池组，官方续航六百公里。",
    "公司总裁李明在发布会上表示，皮卡市场长期被燃油车型占据，电动化的空间很大，今年计划交付一万台。",
    "分析人士认为，皮卡用户对载重和越野能力要求较高，电池重量会影响实际装载量，价格也是用户关心的问题。",
    "新车起售价为二十一万八千元，首批车辆将于下月在华东地区的二十家门店开始交付，并提供八年电池质保。",
    "此外，星河汽车还宣布与本地一家储能企业合作，在皖南山区建设三十座换电站，以缓解长途出行的补能焦虑。",
    "据了解，星河汽车去年全年销量为四万六千台，同比增长百分之三十七，其中海外市场贡献了约四分之一。",
    "公司预计明年推出第二款皮卡，将采用增程式动力，并计划在东南亚建设一座年产五万台的组装工厂。",
    "业内人士指出，随着国内皮卡限行政策逐步放开，电动皮卡有望成为新的细分增长点，竞争也会随之加剧。",
)
OTHER = (
    "本报讯 远航动力周四宣布完成新一轮融资，金额为十五亿元，由两家地方产业基金领投，老股东继续跟投。",
    "公司创始人王芳介绍，本轮资金主要用于固态电池中试线建设和研发团队扩充，目标是三年内实现量产。",
    "远航动力成立于二零一九年，目前员工约八百人，已与三家整车企业签订了样品测试协议，进展顺利。",
    "行业研究机构的数据显示，今年前三季度国内动力电池装车量同比增长百分之三十，磷酸铁锂占比继续提高。",
    "王芳表示，固态电池的难点在于界面稳定性和制造成本，公司已经在实验室条件下完成了一千次循环测试。",
    "本轮融资完成后，远航动力的估值超过一百亿元，公司计划明年在长三角地区再建设一座研发中心。",
)
BOILER_HEAD = "本文转载自合作媒体，仅供读者参考，版权归原作者所有。"
BOILER_FOOT = "免责声明：本文观点仅代表作者本人，不构成任何投资建议，转载请联系授权。"


def body(sentences, per=2):
    return "\n\n".join("".join(sentences[i:i + per]) for i in range(0, len(sentences), per))


def write(path, title, text, date, url, outlet="测试日报"):
    path.write_text(f"---\ntitle: {title}\nurl: {url}\nsource: {outlet}\ndate: {date}\n---\n\n{text}\n",
                    encoding="utf-8")
    return path


def to_traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2tw.json").convert(text)


# ---- pure functions -------------------------------------------------------------------------------------
def test_folding_ignores_width_case_spacing_and_punctuation():
    assert fold("ＡＢｃ １２，３ 汽车！") .tolist() == fold("abc123汽车").tolist()


def test_signatures_batch_equals_single_and_estimates_resemblance():
    a, b = body(ARTICLE), body(OTHER)
    sig, counts = signatures([a, b, ""])
    one, n = signature(a)
    assert np.array_equal(sig[0], one) and counts[0] == n
    assert counts[2] == 0
    same = (signature(a.replace("\n\n", ""))[0] == one).mean()
    assert same == 1.0  # paragraph breaks are not content
    assert (sig[0] == sig[1]).mean() < 0.1


def test_truncated_copy_is_contained_not_resembling():
    full, half = body(ARTICLE), body(ARTICLE[:4])
    sim = exact(shingle_set(full, 5, 1), shingle_set(half, 5, 1))
    assert sim.containment > 0.95 and sim.jaccard < 0.6
    assert is_near_duplicate(sim, 200, 100)


def test_brief_inside_a_longer_article_is_not_a_duplicate():
    full, brief = body(ARTICLE), ARTICLE[0]
    sim = exact(shingle_set(full, 5, 1), shingle_set(brief, 5, 1))
    assert sim.containment > 0.9 and not is_near_duplicate(sim, 300, 40)


def test_candidate_pairs_find_near_duplicates_only():
    texts = [body(ARTICLE), body(OTHER), body(ARTICLE[:6]) + BOILER_FOOT, body(OTHER[::-1])]
    sig, counts = signatures(texts)
    pairs = {tuple(p) for p in candidate_pairs(band_keys(sig), counts >= 20).tolist()}
    assert (0, 2) in pairs
    assert (0, 1) not in pairs and (1, 2) not in pairs


def test_components_and_story_ids():
    groups = sorted(components(5, [(0, 3), (3, 4)]))
    assert groups == [[0, 3, 4], [1], [2]]
    assert story_id("abc") == "sabc"


def test_title_key_and_garbled_bodies():
    assert title_key("星河汽车发布电动皮卡") == title_key("星河汽车 发布 电动皮卡！")
    assert title_key("短标题") is None
    garbled = "зғӯзӮ№ | еҸҲдёҖжұҪиҪҰе·ЁеӨҙйҒӯеӢ’зҙўж”»еҮ»" * 3
    assert looks_garbled(garbled) and not looks_garbled(body(ARTICLE))


# ---- the database path ----------------------------------------------------------------------------------
@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    write(d / "a.md", "星河汽车发布首款纯电动皮卡", body(ARTICLE), "2024-05-01", "https://a.example/1", "甲日报")
    # the same article reposted in Traditional script, re-flowed, one figure edited, boilerplate around it
    edited = [s.replace("一万台", "一万两千台") for s in ARTICLE]
    write(d / "b.md", to_traditional("星河汽车发布首款纯电动皮卡"),
          to_traditional(BOILER_HEAD + "\n\n" + body(edited, 3) + "\n\n" + BOILER_FOOT),
          "2024-05-02", "https://b.example/2", "乙週刊")
    # truncated to 60 % by a third outlet, published earlier than the original: it becomes the representative
    write(d / "c.md", "星河汽车电动皮卡来了", body(ARTICLE[:5]), "2024-04-30", "https://c.example/3", "丙网")
    # a different article of the same outlet and day
    write(d / "d.md", "远航动力完成十五亿元融资", body(OTHER), "2024-05-01", "https://a.example/4", "甲日报")
    # an exact copy: folded into a's document at ingest, listed as a member of a's story
    write(d / "e.md", "星河汽车发布首款纯电动皮卡", body(ARTICLE), "2024-05-03", "https://e.example/5", "丁报")
    return d


def _assign_all(store, order_seed=None):
    rows = store.conn.execute("SELECT id, canonical, published_utc FROM documents WHERE status = 'ok'").fetchall()
    if order_seed is not None:
        random.Random(order_seed).shuffle(rows)
    store.begin()
    for r in rows:
        returned = assign_story(store.conn, r[0], r[1], r[2])
        assert story_of(store.conn, r[0])["id"] == returned
    store.commit()
    # a later document may merge stories: read where everyone ended up
    return dict(store.conn.execute("SELECT document_id, story_id FROM story_members").fetchall())


def _doc(store, url):
    return store.conn.execute("SELECT id FROM documents WHERE url = ?", (url,)).fetchone()[0]


def _snapshot(store):
    q = store.conn.execute
    return (sorted(map(tuple, q("SELECT document_id, story_id FROM story_members"))),
            sorted(map(tuple, q("SELECT id, representative_id, documents FROM stories"))),
            sorted(map(tuple, q("SELECT doc_a, doc_b, basis FROM story_links"))))


def test_reposts_traditional_truncated_and_folded_share_one_story(store, corpus):
    summary = ingest([str(corpus)], store)
    assert summary.counts["duplicate"] == 1
    stories = _assign_all(store)
    a, b, c, d = (_doc(store, f"https://{h}.example/{n}") for h, n in (("a", 1), ("b", 2), ("c", 3), ("a", 4)))
    assert stories[a] == stories[b] == stories[c] != stories[d]
    assert stories[a] == story_id(c)  # earliest published
    info = story_of(store.conn, a)
    assert info["documents"] == 3 and info["size"] == 4 and info["representative_id"] == c
    members = story_members(store.conn, stories[a])
    assert members[0]["id"] == c and members[0]["representative"]
    folded = [m for m in members if m["kind"] == "folded_source"]
    assert len(folded) == 1 and folded[0]["duplicate_of"] == a
    by_id = {m["id"]: m for m in members}
    # similarity to the representative (the truncated copy): containment, not resemblance
    assert by_id[a]["containment"] > 0.95 and by_id[b]["containment"] > 0.9 and by_id[a]["jaccard"] < 0.8
    listed = list_stories(store.conn, min_size=2)
    assert [s["id"] for s in listed] == [stories[a]]
    assert len(list_stories(store.conn)) == 2


def test_order_rerun_and_rebuild_give_the_same_stories(store, corpus):
    ingest([str(corpus)], store)
    _assign_all(store)
    first = _snapshot(store)
    _assign_all(store)  # unchanged documents: nothing moves, nothing is duplicated
    assert _snapshot(store) == first
    for seed in (1, 2, 3):
        store.begin()
        for table in ("story_members", "stories", "story_links", "story_bands", "story_signatures"):
            store.conn.execute(f"DELETE FROM {table}")
        store.commit()
        _assign_all(store, seed)
        assert _snapshot(store) == first
    store.begin()
    assert rebuild_stories(store.conn) == 2
    store.commit()
    assert _snapshot(store) == first


def test_changed_text_splits_its_story(store, corpus):
    ingest([str(corpus)], store)
    stories = _assign_all(store)
    a, b = _doc(store, "https://a.example/1"), _doc(store, "https://b.example/2")
    c = _doc(store, "https://c.example/3")
    store.begin()
    new_story = assign_story(store.conn, b, body(OTHER[::-1]) + "另外补充一句完全不同的说明文字。", "2024-05-02T00:00:00+00:00")
    store.commit()
    assert new_story != stories[a]
    assert story_of(store.conn, a)["id"] == story_id(c)
    assert story_of(store.conn, a)["documents"] == 2


def test_same_title_links_a_shell_refetch(store, tmp_path):
    d = tmp_path / "t"
    d.mkdir()
    write(d / "1.md", "星河汽车发布首款纯电动皮卡", body(ARTICLE), "2024-05-01", "https://a.example/1")
    write(d / "2.md", "星河汽车发布首款纯电动皮卡", "var arg1='5fcd48dc8e22';", "2024-05-05", "https://a.example/2")
    # a recurring column title: same title, different bodies, no shell between them
    write(d / "3.md", "远航动力每周电池行业观察", body(OTHER), "2024-05-02", "https://a.example/3")
    write(d / "5.md", "远航动力每周电池行业观察", body(ARTICLE[::-1]), "2024-05-03", "https://a.example/5")
    write(d / "4.md", "星河汽车发布首款纯电动皮卡", "var arg1='77aa0b3c9d';", "2024-06-30", "https://a.example/4")
    ingest([str(d)], store)
    stories = _assign_all(store)
    one, two, three, four, five = (_doc(store, f"https://a.example/{n}") for n in (1, 2, 3, 4, 5))
    assert stories[one] == stories[two]       # the shell joins by title
    assert stories[four] != stories[one]      # too late for the title rule
    assert stories[three] != stories[five]    # full, different bodies: the title alone does not link


# ---- the command ----------------------------------------------------------------------------------------
def test_stories_command_rebuilds_and_lists_json(new_db, corpus):
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = {**os.environ, "AUTOINTEL_DB": new_db("cli")}

    def run(*args):
        proc = subprocess.run([sys.executable, "-m", "autointel.cli", *args], capture_output=True, text=True,
                              env=env, cwd=REPO)
        assert proc.returncode == 0, proc.stderr
        return proc

    run("ingest", str(corpus), "--no-link")
    assigned = run("stories", "--json").stdout  # ingest assigned the stories as it saved
    assert "no story yet" not in run("stories", "--json").stderr
    rebuilt = run("stories", "--rebuild", "--json")
    assert rebuilt.stdout == assigned
    lines = [json.loads(x) for x in assigned.splitlines()]
    assert len(lines) == 1 and lines[0]["size"] == 4 and lines[0]["documents"] == 3
    story = lines[0]
    assert story["representative"]["title"] == "星河汽车电动皮卡来了"
    kinds = sorted(m["kind"] for m in story["members"])
    assert kinds == ["document", "document", "document", "folded_source"]
    assert all(set(m["similarity"]) == {"jaccard", "containment"} for m in story["members"])
    everything = [json.loads(x) for x in run("stories", "--json", "--min-size", "1").stdout.splitlines()]
    assert len(everything) == 2
    assert run("stories", "--json", "--limit", "0").stdout == ""
    assert "星河汽车" in run("stories").stdout


def test_signatures_from_other_parameters_ask_for_a_rebuild(store, corpus):
    from autointel.store.stories import stories_need_rebuild

    ingest([str(corpus)], store)
    assert not stories_need_rebuild(store.conn)
    store.conn.execute("UPDATE story_signatures SET params = 'h1.k5' WHERE document_id = (SELECT min(document_id) FROM story_signatures)")
    assert stories_need_rebuild(store.conn)
    store.begin()
    rebuild_stories(store.conn)
    store.commit()
    assert not stories_need_rebuild(store.conn)
