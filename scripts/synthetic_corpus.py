"""A synthetic news corpus of any size, for the deduplication and search benchmarks.

Articles are recombinations of real sentences (from ../shared: the bulk picker-zh archive and the auto-news
corpus), so character statistics are those of real Chinese news, while two synthetic articles share no more
than chance sentences. A known fraction of articles are planted near-duplicate variants of an earlier
synthetic article (truncated, boilerplate added, paragraphs re-flowed, a few sentences edited); those carry
``dup_of`` (the id of the article they copy) and ``dup_kind``.

    .venv/bin/python scripts/synthetic_corpus.py --n 100000 --seed 0 --out /tmp/synthetic.jsonl

Library use (streaming, deterministic given seed and the shared files):

    from synthetic_corpus import iter_synthetic
    for article in iter_synthetic(1_000_000, seed=0): ...

Each article: {"id", "title", "text", "published" (ISO date), "outlet"} plus "dup_of"/"dup_kind" on planted
variants. Nothing from ../shared is written into the repository; the corpus goes where --out says.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import pickle
import re
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"

# Canonical body lengths of corpus/auto-news, vigintiles (0%, 5%, ..., 100%) over the 648 non-empty
# articles below 50,000 characters (mean 2,601; with the empty WeChat shells and one 195,763-character
# page the mean is 2,723). Measured with autointel.pipeline.articles_from on 2026-11-23; lengths are drawn
# by linear interpolation between these points, so the synthetic mean is close to 2,600.
AUTO_NEWS_LENGTH_VIGINTILES = (10, 295, 380, 449, 634, 944, 1230, 1626, 2026, 2330, 2727, 2972, 3215, 3447,
                               3665, 3917, 4115, 4344, 4677, 5435, 7444)

DUP_KINDS = ("truncate", "boilerplate", "reflow", "edit", "truncate+boilerplate", "reflow+edit+boilerplate")

# Header/footer lines that reposting outlets add; written here, not taken from the corpus.
BOILERPLATE_HEADERS = ("本文转载自合作媒体，版权归原作者所有。", "来源：网络综合整理", "编者按：以下内容经授权转载。",
                       "点击上方蓝字关注我们", "【汽车资讯早班车】")
BOILERPLATE_FOOTERS = ("免责声明：本文仅代表作者观点，不构成投资建议。", "扫码添加小助手，加入读者交流群。",
                       "原文标题已修改，转载请注明出处。", "责任编辑：小王 审核：老李", "更多精彩内容，请关注我们的公众号。")

_FRONT_MATTER = re.compile(r"\A\s*---\n(.*?)\n---\n", re.S)
_TITLE_LINE = re.compile(r"^title:\s*(.+?)\s*$", re.M)
_SOURCE_LINE = re.compile(r"^source:\s*(.+?)\s*$", re.M)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"[*_`>#|]+")
_URLISH = re.compile(r"https?://|www\.|\.com|\.cn/")
# A sentence ends at 。！？ (or ASCII !?), closing quotes stay with it.
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]+[”」』\"’]?")
_HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_SENTENCE, MAX_SENTENCE = 8, 300
MIN_HAN_SHARE = 0.5


@dataclass
class SentencePool:
    sentences: list[str]
    lengths: np.ndarray  # int32, len of each sentence
    titles: list[str]
    outlets: list[str]

    mean_sentence: float = 0.0

    def __post_init__(self) -> None:
        self.mean_sentence = float(self.lengths.mean()) if len(self.lengths) else 0.0


def _body_and_meta(text: str) -> tuple[str, str | None, str | None]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return text, None, None
    head = m.group(1)
    title = _TITLE_LINE.search(head)
    source = _SOURCE_LINE.search(head)
    strip = lambda s: s.group(1).strip().strip("'\"") if s else None  # noqa: E731
    return text[m.end():], strip(title), strip(source)


def _sentences_of(body: str) -> Iterator[str]:
    for line in body.splitlines():
        line = line.strip()
        if not line or line.startswith(("![", "|", "```", "<")):
            continue
        line = _MD_MARKS.sub("", _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line))).strip()
        for s in _SENTENCE.findall(line):
            s = s.strip()
            if MIN_SENTENCE <= len(s) <= MAX_SENTENCE and not _URLISH.search(s) \
                    and len(_HAN.findall(s)) >= MIN_HAN_SHARE * len(s):
                yield s


def _iter_shared_texts(shared: Path) -> Iterator[str]:
    bulk = shared / "corpus" / "bulk" / "picker-zh.jsonl.gz"
    with gzip.open(bulk, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)["text"]
    for path in sorted((shared / "corpus" / "auto-news").rglob("*.md")):
        yield path.read_text(encoding="utf-8", errors="replace")


# Bump when sentence extraction changes: cached pools of an older version are rebuilt.
POOL_VERSION = 2


def _cache_path(shared: Path) -> Path:
    bulk = (shared / "corpus" / "bulk" / "picker-zh.jsonl.gz").stat()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "autointel"
    return base / f"synthetic-pool-v{POOL_VERSION}-{bulk.st_size}-{int(bulk.st_mtime)}.pickle"


def load_pool(shared: Path = DEFAULT_SHARED, *, cache: bool = True) -> SentencePool:
    """Every distinct usable sentence, title and outlet of the shared corpora, in file order.

    Sentences are deduplicated so that widely repeated boilerplate is no more likely to be drawn than any
    other sentence: unrelated synthetic articles then overlap only by chance. Building the pool reads 86M
    characters (~30 s), so it is cached (a pickle under ~/.cache/autointel, keyed by the bulk file).
    """
    shared = Path(shared)
    if not (shared / "corpus" / "bulk" / "picker-zh.jsonl.gz").exists():
        raise FileNotFoundError(f"shared corpus not found under {shared}")
    cached = _cache_path(shared) if cache else None
    if cached is not None and cached.exists():
        with open(cached, "rb") as f:
            return SentencePool(**pickle.load(f))
    pool = _build_pool(shared)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            # Plain fields, not the dataclass: the class lives in __main__ when this runs as a script.
            fields = {"sentences": pool.sentences, "lengths": pool.lengths, "titles": pool.titles,
                      "outlets": pool.outlets}
            pickle.dump(fields, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cached)  # atomic: concurrent builders never read half a file
    return pool


def _build_pool(shared: Path) -> SentencePool:
    sentences: dict[str, None] = {}
    titles: dict[str, None] = {}
    outlets: dict[str, None] = {}
    for text in _iter_shared_texts(shared):
        body, title, source = _body_and_meta(text)
        if title and 4 <= len(title) <= 80:
            titles[title] = None
        if source and len(source) <= 30:
            outlets[source] = None
        for s in _sentences_of(body):
            sentences[s] = None
    pool = list(sentences)
    return SentencePool(pool, np.fromiter((len(s) for s in pool), dtype=np.int32, count=len(pool)),
                        list(titles), list(outlets))


_TITLE_CUT = re.compile(r"[：:，,｜|—\-\s]")


class SyntheticCorpus:
    """Deterministic article factory over a sentence pool (one numpy Generator, no global state)."""

    def __init__(self, pool: SentencePool, seed: int = 0, dup_rate: float = 0.02, window: int = 5000,
                 start: dt.date = dt.date(2022, 1, 1), days: int = 1400, topical: bool = False):
        self.pool = pool
        self.topical = topical
        self._cum = np.cumsum(pool.lengths, dtype=np.int64) if topical else None
        self.rng = np.random.default_rng(seed)
        self.dup_rate = dup_rate
        self.recent: deque[dict] = deque(maxlen=window)  # originals a variant may copy: bounded memory
        self.start, self.days = start, days
        self._quantiles = np.array(AUTO_NEWS_LENGTH_VIGINTILES, dtype=np.float64)
        self._grid = np.linspace(0.0, 1.0, len(AUTO_NEWS_LENGTH_VIGINTILES))
        # Draw randomness in blocks: one numpy call per block, not per article (speed).
        self._block = 4096
        self._u = self._draws = None
        self._pos = self._block
        self._stream = self._stream_cum = None
        self._stream_pos = self._stream_base = 0

    STREAM = 1 << 20  # sentence indices drawn at once

    def _refill(self) -> None:
        r = self.rng
        n = self._block
        self._u = {
            "length": np.interp(r.random(n), self._grid, self._quantiles),
            "dup": r.random(n),
            "day": r.integers(0, self.days, n),
            "outlet": r.integers(0, len(self.pool.outlets), n),
            "title_a": r.integers(0, len(self.pool.titles), n),
            "title_b": r.integers(0, len(self.pool.titles), n),
            "title_cut": r.random(n),
        }
        self._pos = 0

    def _sentences(self, target: float) -> list[str]:
        """Consecutive sentences of a pre-drawn index stream until their length reaches target: one
        searchsorted per article instead of drawing per article (the generator's hot path)."""
        if self._stream is None or self._stream_cum[-1] - self._stream_base < target:
            self._stream = self.rng.integers(0, len(self.pool.lengths), self.STREAM)
            self._stream_cum = np.cumsum(self.pool.lengths[self._stream], dtype=np.int64)
            self._stream_pos, self._stream_base = 0, 0
        # An integer needle: a float one would make numpy convert the whole int64 array on every call.
        end = int(np.searchsorted(self._stream_cum, self._stream_base + int(target))) + 1
        end = min(end, self.STREAM)
        chosen = self._stream[self._stream_pos:end].tolist()
        self._stream_pos = end
        self._stream_base = int(self._stream_cum[end - 1])
        sentences = self.pool.sentences
        return [sentences[i] for i in chosen]

    def _runs(self, target: float) -> list[str]:
        """Topical mode: one to three runs of consecutive pool sentences (the pool keeps each source article's
        sentences in order), so an article is about what its sources were about and words co-occur as in
        real news; drawn one by one, 50 sentences come from 50 articles and a common word is in 1.0-3.4
        times as many documents as in the real corpora (docs/benchmarks.md, 2026-12-03)."""
        r, cum, n = self.rng, self._cum, len(self.pool.sentences)
        k = int(r.integers(1, 4))
        out: list[str] = []
        for start in r.integers(0, n, k).tolist():
            base = int(cum[start - 1]) if start else 0
            end = min(int(np.searchsorted(cum, base + int(target / k))) + 1, n)
            out += self.pool.sentences[start:end]
        return out

    @staticmethod
    def _paragraphs(sents: list[str], per: int) -> str:
        return "\n".join(["".join(sents[i:i + per]) for i in range(0, len(sents), per)])

    def _title(self, i: int) -> str:
        u = self._u
        a = self.pool.titles[u["title_a"][i]]
        b = self.pool.titles[u["title_b"][i]]
        cut_a = max(2, int(len(a) * (0.3 + 0.4 * u["title_cut"][i])))
        cuts = [m.start() for m in _TITLE_CUT.finditer(b)]
        tail = b[cuts[len(cuts) // 2]:] if cuts else b[len(b) // 2:]
        return (a[:cut_a] + tail).strip()

    def _variant(self, original: dict, number: int) -> dict:
        r = self.rng
        kind = DUP_KINDS[int(r.integers(0, len(DUP_KINDS)))]
        sents = original["_sents"]
        if "edit" in kind and len(sents) > 4:  # replace or drop a few sentences (an editor's touch)
            sents = list(sents)
            for _ in range(max(1, len(sents) // 20)):
                j = int(r.integers(0, len(sents)))
                if r.random() < 0.5:
                    sents[j] = self.pool.sentences[int(r.integers(0, len(self.pool.sentences)))]
                else:
                    del sents[j]
        if "truncate" in kind:
            keep = max(1, int(round(len(sents) * r.uniform(0.5, 0.9))))
            sents = sents[:keep]
        text = self._paragraphs(sents, int(r.integers(1, 6)) if "reflow" in kind else original["_per"])
        if "reflow" in kind:  # spacing and width changes a re-publisher's CMS introduces
            text = text.replace("，", ", ").replace("：", ": ").replace("\n", "\n\n")
        if "boilerplate" in kind:
            text = (BOILERPLATE_HEADERS[int(r.integers(0, len(BOILERPLATE_HEADERS)))] + "\n" + text + "\n"
                    + BOILERPLATE_FOOTERS[int(r.integers(0, len(BOILERPLATE_FOOTERS)))])
        published = dt.date.fromisoformat(original["published"]) + dt.timedelta(days=int(r.integers(0, 4)))
        return {"id": f"syn{number:08d}", "title": original["title"], "text": text,
                "published": published.isoformat(),
                "outlet": self.pool.outlets[int(r.integers(0, len(self.pool.outlets)))],
                "dup_of": original["id"], "dup_kind": kind}

    def articles(self, n: int) -> Iterator[dict]:
        for number in range(n):
            if self._pos >= self._block:
                self._refill()
            i = self._pos
            self._pos += 1
            u = self._u
            if self.recent and u["dup"][i] < self.dup_rate:
                original = self.recent[int(self.rng.integers(0, len(self.recent)))]
                yield self._variant(original, number)
                continue
            sents = self._runs(u["length"][i]) if self.topical else self._sentences(u["length"][i])
            per = 3 + number % 3
            article = {"id": f"syn{number:08d}", "title": self._title(i), "text": self._paragraphs(sents, per),
                       "published": (self.start + dt.timedelta(days=int(u["day"][i]))).isoformat(),
                       "outlet": self.pool.outlets[u["outlet"][i]]}
            self.recent.append({**article, "_sents": sents, "_per": per})
            yield article


def iter_synthetic(n: int, seed: int = 0, shared: Path = DEFAULT_SHARED, *, dup_rate: float = 0.02,
                   pool: SentencePool | None = None, topical: bool = False) -> Iterator[dict]:
    """n synthetic articles, deterministic given seed (and the shared files); about dup_rate of them are
    planted near-duplicates of an earlier one (field "dup_of"). Pass a loaded pool to skip reloading.
    ``topical``: articles made of runs of consecutive sentences (see SyntheticCorpus._runs), not of
    sentences drawn one by one; the deduplication benchmark keeps the default, whose unrelated articles
    share only chance sentences."""
    pool = pool or load_pool(Path(shared))
    yield from SyntheticCorpus(pool, seed=seed, dup_rate=dup_rate, topical=topical).articles(n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True, help="JSONL file to write (- for stdout)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--dup-rate", type=float, default=0.02)
    ap.add_argument("--no-cache", action="store_true", help="rebuild the sentence pool instead of using the cache")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    pool = load_pool(args.shared, cache=not args.no_cache)
    t1 = time.perf_counter()
    out = sys.stdout if str(args.out) == "-" else open(args.out, "w", encoding="utf-8")
    chars = dups = 0
    try:
        for a in iter_synthetic(args.n, args.seed, pool=pool, dup_rate=args.dup_rate):
            chars += len(a["text"])
            dups += "dup_of" in a
            out.write(json.dumps(a, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    t2 = time.perf_counter()
    print(f"pool: {len(pool.sentences):,} sentences (mean {pool.mean_sentence:.1f} chars), {len(pool.titles):,} "
          f"titles, {len(pool.outlets):,} outlets in {t1 - t0:.1f} s; wrote {args.n:,} articles "
          f"({dups:,} planted near-duplicates, mean {chars / max(args.n, 1):.0f} chars) in {t2 - t1:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
