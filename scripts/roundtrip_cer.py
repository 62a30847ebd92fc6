#!/usr/bin/env python3
"""Round-trip character error rate of Traditional -> Simplified conversion.

Takes Simplified article bodies, converts them to Taiwan-style Traditional with
OpenCC ``s2twp`` (the kind of machine conversion seen in seed 004), converts
them back with

  (a) autointel ``to_simplified``,
  (b) plain OpenCC ``t2s``,
  (c) OpenCC ``tw2sp``,

and reports the character error rate: Levenshtein distance to the original
body / original length, summed over the corpus.  Also reports autointel's
conversion speed and, as a safety check, the distance when autointel's
converter is run directly on the Simplified originals (it must leave them alone).

  .venv/bin/python scripts/roundtrip_cer.py                 # ../shared/corpus/auto-news
  .venv/bin/python scripts/roundtrip_cer.py --errors 50     # + most frequent residual errors
  .venv/bin/python scripts/roundtrip_cer.py --source bulk --limit 3000 --exclude-auto-news
  .venv/bin/python scripts/roundtrip_cer.py --json
  .venv/bin/python scripts/roundtrip_cer.py --source bulk-train --suggest-context /tmp/context.tsv
"""
from __future__ import annotations

import argparse
import bisect
import collections
import gzip
import json
import platform
import re
import zlib
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
AUTO_NEWS = SHARED / "corpus" / "auto-news"
BULK = SHARED / "corpus" / "bulk" / "picker-zh.jsonl.gz"

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.S)


def body_of(text: str) -> str:
    """Text after the YAML front matter (the whole text when there is none)."""
    m = _FRONT_MATTER.match(text)
    return text[m.end():] if m else text


def in_heldout(path: str) -> bool:
    """The fifth of the bulk corpus never used to derive dictionary entries (by CRC-32 of the path)."""
    return zlib.crc32(path.encode("utf-8")) % 5 == 0


def load_bodies(source: str, limit: int | None, exclude_auto_news: bool) -> list[tuple[str, str]]:
    """(path, body) pairs.  ``bulk-train``/``bulk-heldout`` always leave out the auto-news files."""
    docs: list[tuple[str, str]] = []
    if source == "auto-news":
        for path in sorted(AUTO_NEWS.rglob("*.md")):
            docs.append((str(path.relative_to(AUTO_NEWS)), body_of(path.read_text(encoding="utf-8"))))
    else:
        excluded: set[str] = set()
        if exclude_auto_news or source != "bulk":
            excluded = {str(p.relative_to(AUTO_NEWS / "picker")) for p in (AUTO_NEWS / "picker").rglob("*.md")}
        with gzip.open(BULK, "rt", encoding="utf-8") as f:
            for line in f:
                obj = json.loads(line)
                if obj["path"] in excluded:
                    continue
                if source != "bulk" and in_heldout(obj["path"]) != (source == "bulk-heldout"):
                    continue
                docs.append((obj["path"], body_of(obj["text"])))
                if limit and len(docs) >= limit:
                    break
    return docs[:limit] if limit else docs


def residual_errors(triples, top: int) -> list[dict]:
    """Most frequent (original, converted) differences, with the Traditional text they came from."""
    from rapidfuzz.distance import Levenshtein

    counts: collections.Counter = collections.Counter()
    example: dict = {}
    for original, trad, back in triples:
        if back == original:
            continue
        to_trad = list(Levenshtein.opcodes(original, trad))
        starts = [op.src_start for op in to_trad]
        for op in Levenshtein.opcodes(original, back):
            if op.tag == "equal":
                continue
            a0, a1, b0, b1 = op.src_start, op.src_end, op.dest_start, op.dest_end
            key = (original[a0:a1], back[b0:b1])
            counts[key] += max(a1 - a0, b1 - b0)
            if key not in example:
                lo, hi = max(0, a0 - 4), min(len(original), a1 + 4)
                t_lo, t_hi = _map_pos(to_trad, starts, lo), _map_pos(to_trad, starts, hi)
                example[key] = (original[lo:hi].replace("\n", " "), trad[t_lo:t_hi].replace("\n", " "))
    return [{"chars": n, "original": k[0], "converted": k[1],
             "context_original": example[k][0], "context_traditional": example[k][1]}
            for k, n in counts.most_common(top)]


def _map_pos(opcodes, starts: list[int], pos: int) -> int:
    """Position in the Traditional text that corresponds to ``pos`` in the original."""
    if not opcodes:
        return pos
    op = opcodes[max(0, bisect.bisect_right(starts, pos) - 1)]
    if op.tag == "equal" or op.src_end - op.src_start == op.dest_end - op.dest_start:
        return min(op.dest_start + (pos - op.src_start), op.dest_end)
    return op.dest_start


# Taiwan words that stand for two or more mainland words (context.tsv is learned for these).
AMBIGUOUS = ("資訊 資料 介面 執行 儲存 整合 新增 開啟 啟用 智慧 互動 影像 通訊 建立 核心 高階 程式 訊息 支援 軟體 "
             "裝置 視訊 影片 品質 模擬 專案 網路 效能 預設 數位 元件 模組 程序 行程 列印 搜尋 記憶體 檔案 連結 載入 "
             "實體 物件 線上 設定 宣告 即時 呼叫 陣列 連線 觸控 檢視 通道 資訊科技 運算 釋出 訊號").split()
_CONTEXT_SPLIT = re.compile(r"(?<=[\n。！？；，!?])")
_HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")


def suggest_context(originals, s2twp, min_count: int, min_share: float) -> list[str]:
    """Context entries for AMBIGUOUS words: a neighbouring character that decides the reading.

    Only chunks whose Traditional form has the original's length are used, so positions correspond.
    """
    from autointel.normalize.script import _char_table, override_entries, to_simplified

    pattern = re.compile("|".join(re.escape(k) for k in sorted(AMBIGUOUS, key=len, reverse=True)))
    tallies: dict = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    for original in originals:
        src, trad = _CONTEXT_SPLIT.split(original), _CONTEXT_SPLIT.split(s2twp.convert(original))
        if len(src) != len(trad):
            continue
        for a, b in zip(src, trad):
            if a == b or len(a) != len(b):
                continue
            for m in pattern.finditer(b):
                i, j = m.span()
                for side, width in (("L", 1), ("R", 1), ("L", 2), ("R", 2)):
                    lo, hi = (i - width, i) if side == "L" else (j, j + width)
                    if lo < 0 or hi > len(b) or not _HAN_ONLY.match(b[lo:hi]):
                        continue
                    tallies[(m.group(), side, width)][(b[lo:hi], a[lo:hi])][a[i:j]] += 1
    table, existing = _char_table(), override_entries()
    lines, seen, short = [], set(), set()
    for (word, side, width), contexts in sorted(tallies.items(), key=lambda kv: kv[0][2]):
        default = to_simplified(word)
        if len(default) != len(word):
            continue
        for (ctx_t, ctx_s), readings in contexts.items():
            reading, n = readings.most_common(1)[0]
            total = sum(readings.values())
            if reading == default or n < min_count or n / total < min_share or len(reading) != len(word):
                continue
            if ctx_t.translate(table) != ctx_s:
                continue
            if width == 2 and (word, side, ctx_t[-1:] if side == "L" else ctx_t[:1]) in short:
                continue  # a one-character context already decides it
            key = ctx_t + word if side == "L" else word + ctx_t
            if key in existing or key in seen:
                continue
            seen.add(key)
            if width == 1:
                short.add((word, side, ctx_t))
            value = ctx_s + reading if side == "L" else reading + ctx_s
            lines.append(f"{key}\t{value}\t# {word}: {reading} {n} / {default} {readings.get(default, 0)} (of {total})")
    return sorted(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", choices=["auto-news", "bulk", "bulk-train", "bulk-heldout"],
                    help="auto-news (default); bulk; bulk-train / bulk-heldout: the bulk corpus without the "
                         "auto-news files, split 4:1 (dictionary entries were derived from bulk-train only)", default="auto-news")
    ap.add_argument("--limit", type=int, default=None, help="at most this many documents")
    ap.add_argument("--exclude-auto-news", action="store_true",
                    help="bulk only: skip files that are also in corpus/auto-news (held-out check)")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print the N most frequent residual errors")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    ap.add_argument("--suggest-context", metavar="FILE",
                    help="write context.tsv candidates learned from this corpus to FILE (use --source bulk-train)")
    ap.add_argument("--min-count", type=int, default=8, help="--suggest-context: occurrences of the reading")
    ap.add_argument("--min-share", type=float, default=0.9, help="--suggest-context: share of the context")
    args = ap.parse_args(argv)

    if not SHARED.is_dir() or not (AUTO_NEWS.is_dir() and (args.source == "auto-news" or BULK.is_file())):
        print(f"roundtrip_cer: no corpus at {SHARED} (the shared folder beside the repository); nothing to measure.")
        return 0

    import opencc
    from rapidfuzz.distance import Levenshtein

    from autointel.normalize.script import to_simplified

    docs = load_bodies(args.source, args.limit, args.exclude_auto_news)
    originals = [b for _, b in docs]
    s2twp = opencc.OpenCC("s2twp")
    if args.suggest_context:
        lines = suggest_context(originals, s2twp, args.min_count, args.min_share)
        Path(args.suggest_context).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines)} context entries (not yet in the dictionaries) written to {args.suggest_context}")
        return 0
    trads = [s2twp.convert(b) for b in originals]
    n_chars = sum(map(len, originals))
    trad_chars = sum(map(len, trads))

    to_simplified("暖身")  # load the converter outside the timing
    results = {}
    outputs = {}
    for name, fn in [("autointel", to_simplified),
                     ("opencc t2s", opencc.OpenCC("t2s").convert),
                     ("opencc tw2sp", opencc.OpenCC("tw2sp").convert)]:
        t0 = time.perf_counter()
        back = [fn(t) for t in trads]
        dt = time.perf_counter() - t0
        dist = sum(Levenshtein.distance(a, b) for a, b in zip(originals, back))
        outputs[name] = back
        results[name] = {"edits": dist, "cer": dist / n_chars, "chars_per_s": trad_chars / dt if dt else None,
                         "docs_changed": sum(a != b for a, b in zip(originals, back))}
    safety = sum(Levenshtein.distance(b, to_simplified(b)) for b in originals)

    report = {
        "source": args.source, "documents": len(docs), "chars": n_chars, "traditional_chars": trad_chars,
        "results": results, "autointel_on_simplified_input_edits": safety,
        "machine": f"{platform.machine()} {platform.processor() or ''} {platform.python_implementation()} "
                   f"{platform.python_version()}, opencc {opencc.__version__}".replace("  ", " "),
    }
    if args.errors:
        report["autointel_residual_errors"] = residual_errors(
            zip(originals, trads, outputs["autointel"]), args.errors)

    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(f"corpus: {args.source}, {len(docs)} documents, {n_chars:,} characters (Simplified originals)")
    print(f"round trip: original -> OpenCC s2twp -> converter under test; machine: {report['machine']}")
    print()
    print(f"{'converter':<16}{'edits':>10}{'CER':>10}{'docs changed':>14}{'chars/s':>14}")
    for name, r in results.items():
        print(f"{name:<16}{r['edits']:>10,}{r['cer']:>10.4%}{r['docs_changed']:>14,}{r['chars_per_s']:>14,.0f}")
    print()
    print(f"autointel to_simplified on the Simplified originals themselves: {safety} edits")
    if args.errors:
        print()
        print(f"most frequent residual autointel errors (chars, original -> converted, original | Traditional context):")
        for e in report["autointel_residual_errors"]:
            print(f"{e['chars']:>5}  {e['original']!r:>10} -> {e['converted']!r:<10} "
                  f"{e['context_original']} | {e['context_traditional']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
