"""Script detection and Traditional -> Simplified conversion (autointel.normalize.script)."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autointel.normalize.aligned import AlignedText
from autointel.normalize.script import (
    CONTEXT_FILE,
    FIX_FILE,
    PROTECT_FILE,
    build_config,
    detect_script,
    normalize_title,
    override_entries,
    read_dictionary,
    script_counts,
    to_simplified,
    to_simplified_aligned,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_file(pattern: str) -> Path:
    seeds = SHARED / "seeds"
    found = sorted(seeds.glob(pattern)) if seeds.is_dir() else []
    if not found:
        pytest.skip(f"needs {seeds}/{pattern} (the shared folder beside the repository is absent)")
    return found[0]


# ---- detection ----------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("", "none"),
    ("Tesla Q3 2025: 12.5%", "none"),
    ("比亚迪在巴西建立的电动车制造工厂", "simplified"),
    ("比亞迪在巴西建立的電動車製造工廠", "traditional"),
    ("核心支援社群", "simplified"),  # no Traditional-only character: never Traditional
    ("中國汽車產業將如何走向美國，并且資料顯示出口增長", "traditional"),  # one stray 并
    ("这是简体中文的段落，说明汽车产业发展。這是繁體中文的段落，說明汽車產業發展。", "mixed"),
])
def test_detect_script(text, expected):
    assert detect_script(text) == expected


def test_script_counts_separates_the_two_scripts():
    assert script_counts("汽車产业") == (1, 2)


@pytest.mark.parametrize("pattern, expected", [
    ("000_*.txt", "simplified"), ("001_*.txt", "simplified"), ("002_*.txt", "simplified"),
    ("003_*.txt", "traditional"), ("004_*.txt", "traditional"),
])
def test_seed_scripts(pattern, expected):
    assert detect_script(shared_file(pattern).read_text(encoding="utf-8")) == expected


# ---- the dictionaries: every entry converts as listed -------------------------------------------
def _entries():
    for path in (PROTECT_FILE, FIX_FILE, CONTEXT_FILE):
        for trad, simp, why in read_dictionary(path):
            yield pytest.param(trad, simp, id=f"{path.stem}:{trad}")


@pytest.mark.parametrize("trad, simp", list(_entries()))
def test_dictionary_entry(trad, simp):
    assert to_simplified(trad) == simp


def test_dictionary_keys_are_unique_across_files():
    assert len(override_entries()) == sum(len(read_dictionary(p)) for p in (PROTECT_FILE, FIX_FILE, CONTEXT_FILE))


def test_dictionary_values_are_simplified():
    for trad, simp in override_entries().items():
        if trad == simp:  # kept on purpose (郭明錤: 錤 has no well-supported Simplified glyph)
            continue
        assert detect_script(simp) in ("simplified", "none"), (trad, simp)


def test_malformed_dictionary_line_is_reported(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("# comment\n核心 核心\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.tsv:2"):
        read_dictionary(bad)


# ---- conversion ---------------------------------------------------------------------------
@pytest.mark.parametrize("trad, simp", [
    ("這顯示出在國會與監管層面，存在著位元朗普政府更強的牴觸情緒", "比特朗普政府"),
    ("中國汽車產業在全球化處理程序中的強勢動能", "全球化进程"),
    ("中國乘用車協會資料顯示", "数据显示"),
    ("在電池、晶片、軟體等層面具備明顯競爭力", "在电池、芯片、软件等层面"),
    ("通過平行擴展和頻寬最佳化實現了性能", "并行扩展"),
    ("輝達演講對汽車產業的影響", "英伟达"),
    ("川普“讓中國進來”後", "特朗普"),
    ("已完成汽車生產線上的第一階段技術調校", "生产线上"),
    ("這種模式的核心是，不以整車品牌身份出現", "核心是"),
    ("仍建立在美國對中國進口汽車保持高額關稅的前提下", "仍建立在"),
    ("罷免首席執行長張學征", "首席执行官"),
    ("賓士CLA車型將全面搭載", "奔驰"),
    ("福斯汽車在中國的合資企業", "大众汽车"),
    ("豐田汽車則在東南亞擴大採購", "丰田汽车"),
    ("日產汽車計畫出口低成本電動汽車", "日产汽车"),
    ("特斯拉已在部分工廠內部署了Optimus", "特斯拉"),
    ("2024年全球交通基礎設施投資規模已達到2.8兆美元", "2.8万亿美元"),
    ("台灣電力公司新增裝置容量100兆瓦", "100兆瓦"),  # 兆 before a unit is mega
    ("特斯拉首創的千兆鑄造技術", "千兆铸造"),
])
def test_conversion_probe(trad, simp):
    assert simp in to_simplified(trad)


@pytest.mark.parametrize("bad", ["首席首席", "生产在线", "内核是", "创建在", "位元", "處理程序", "处理程序"])
def test_seed_004_has_no_conversion_artifacts(bad):
    canonical = to_simplified(shared_file("004_*.txt").read_text(encoding="utf-8"))
    assert bad not in canonical


@pytest.mark.parametrize("good", ["比特朗普政府", "全球化进程", "数据显示", "芯片", "并行扩展", "英伟达", "特朗普",
                                  "生产线上", "核心", "建立在", "首席执行官张学征", "2.8万亿美元"])
def test_seed_004_required_phrases(good):
    canonical = to_simplified(shared_file("004_*.txt").read_text(encoding="utf-8"))
    assert good in canonical


def test_seed_003_converts_to_simplified():
    canonical = to_simplified(shared_file("003_*.txt").read_text(encoding="utf-8"))
    assert detect_script(canonical) == "simplified"
    assert "重庆汽车行业" in canonical


def test_simplified_chunks_of_a_mixed_text_are_left_alone():
    simplified = "我们的社群支援核心用户，建立生产线上的标准。"
    traditional = "這份資料顯示，川普支援美國汽車工人。"
    out = to_simplified(simplified + "\n" + traditional)
    assert out.startswith(simplified + "\n")
    assert out.endswith("这份数据显示，特朗普支持美国汽车工人。")


def test_shared_only_chunk_follows_its_neighbour():
    # "支援核心。" has no script-specific character: it belongs to the Simplified paragraph before it
    text = "这是简体的段落。支援核心。\n這是繁體的段落。"
    assert to_simplified(text) == "这是简体的段落。支援核心。\n这是繁体的段落。"


@pytest.mark.parametrize("title", ["比亚迪2025年销量", "社群支援", "Tesla FSD v14", ""])
def test_normalize_title_leaves_simplified_alone(title):
    assert normalize_title(title) == title


def test_normalize_title_converts_traditional():
    assert normalize_title("【CES 2026】輝達演講對汽車產業的影響") == "【CES 2026】英伟达演讲对汽车产业的影响"


# ---- alignment -----------------------------------------------------------------------------
def _assert_well_formed(at: AlignedText, original: str):
    assert len(at.starts) == len(at.ends) == len(at.text)
    for s, e in zip(at.starts, at.ends):
        assert 0 <= s <= e <= len(original)


def test_aligned_changed_phrase_maps_to_original_phrase():
    original = "中國汽車產業在全球化處理程序中的強勢動能。資料顯示，川普的表態。"
    at = to_simplified_aligned(AlignedText.identity(original))
    assert at.text == to_simplified(original)
    _assert_well_formed(at, original)
    i = at.text.index("进程")
    s, e = at.original_span(i, i + 2)
    assert original[s:e] == "處理程序"
    i = at.text.index("特朗普")
    s, e = at.original_span(i, i + 3)
    assert original[s:e] == "川普"
    i = at.text.index("数据")  # same length: character for character
    assert at.original_span(i, i + 1) == (original.index("資料"), original.index("資料") + 1)
    i = at.text.index("强势")
    s, e = at.original_span(i, i + 2)
    assert original[s:e] == "強勢"


def test_aligned_number_rule_maps_to_zhao():
    original = "投資規模已達到2.8兆美元，同比增長"
    at = to_simplified_aligned(AlignedText.identity(original))
    i = at.text.index("万亿")
    s, e = at.original_span(i, i + 2)
    assert original[s:e] == "兆"
    j = at.text.index("美元")
    s, e = at.original_span(j, j + 2)
    assert original[s:e] == "美元"


def test_aligned_keeps_an_existing_map():
    original = "前言\n首席執行長表示，全球化處理程序加速"
    base = AlignedText.identity(original).keep_spans([(3, len(original))], sep="")
    at = to_simplified_aligned(base)
    assert at.text == "首席执行官表示，全球化进程加速"
    s, e = at.original_span(0, 5)
    assert original[s:e] == "首席執行長"
    i = at.text.index("进程")
    s, e = at.original_span(i, i + 2)
    assert original[s:e] == "處理程序"
    assert original[slice(*at.original_span(len(at.text) - 2, len(at.text)))] == "加速"


def test_aligned_unchanged_length_reuses_the_map():
    original = "資料顯示，晶片短缺。"
    at = to_simplified_aligned(AlignedText.identity(original))
    assert at.text == "数据显示，芯片短缺。"
    assert list(at.starts) == list(range(len(original)))


def test_aligned_seed_004_is_well_formed_and_fast():
    original = shared_file("004_*.txt").read_text(encoding="utf-8")
    text = (original + "\n") * 20
    at = AlignedText.identity(text)
    to_simplified_aligned(AlignedText.identity(original))  # warm up
    t0 = time.perf_counter()
    out = to_simplified_aligned(at)
    dt = time.perf_counter() - t0
    _assert_well_formed(out, text)
    assert out.text == to_simplified(text)
    assert len(text.encode("utf-8")) / dt >= 2e6, f"{len(text.encode('utf-8')) / dt / 1e6:.2f} MB/s"
    i = out.text.index("全球化进程")
    s, e = out.original_span(i, i + 5)
    assert text[s:e] == "全球化處理程序"


# ---- configuration --------------------------------------------------------------------------
def test_config_uses_absolute_paths(tmp_path):
    path = build_config(tmp_path)
    config = json.loads(path.read_text(encoding="utf-8"))

    def files(node):
        if isinstance(node, dict):
            if "file" in node:
                yield node["file"]
            for v in node.values():
                yield from files(v)
        elif isinstance(node, list):
            for v in node:
                yield from files(v)

    found = list(files(config))
    assert found and all(os.path.isabs(f) and os.path.isfile(f) for f in found)


def test_converter_works_from_any_working_directory(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(tmp_path / "cache"))
    code = "from autointel.normalize.script import to_simplified; print(to_simplified('川普說資料顯示'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "特朗普说数据显示"


# ---- round-trip script ---------------------------------------------------------------------
def _roundtrip_module():
    spec = importlib.util.spec_from_file_location("roundtrip_cer", REPO / "scripts" / "roundtrip_cer.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_roundtrip_body_of_strips_front_matter():
    mod = _roundtrip_module()
    assert mod.body_of("\n---\ntitle: x\n---\n正文") == "正文"
    assert mod.body_of("no front matter") == "no front matter"


def test_roundtrip_script_on_a_few_documents(capsys):
    if not (SHARED / "corpus" / "auto-news").is_dir():
        pytest.skip(f"needs {SHARED}/corpus/auto-news (the shared folder beside the repository is absent)")
    mod = _roundtrip_module()
    assert mod.main(["--limit", "20", "--json", "--errors", "3"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == 20
    ours, tw2sp = report["results"]["autointel"], report["results"]["opencc tw2sp"]
    assert ours["edits"] <= tw2sp["edits"]
    assert report["autointel_on_simplified_input_edits"] == 0
