"""Near-duplicate (story) evaluation on canonical text, through the real reader, normaliser and store.

The set (eval/dedup/README.md): the whole corpus/auto-news (its real reposts, the 38 re-fetched titles,
and every other pair as a negative -- same-outlet/same-day articles and the daily digests that share
boilerplate included), plus planted variants of some of its articles generated at run time: Traditional
script (OpenCC s2tw, s2twp), re-formatting (paragraph joins and splits, indentation, half-width
punctuation), truncation to 50-90 %, boilerplate header/footer, and combinations. Variants are written as
Markdown files and ingested like any input, so the comparison is on the canonical text.

Truth: a variant belongs with its original; real pairs labelled ``dup`` in eval/dedup/real_pairs.tsv
belong together; documents whose canonical text is identical belong together; everything else is
distinct. Scores: precision and recall over pairs of inputs in the same story (truth taken transitively).
"""
from __future__ import annotations

import csv
import random
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from autointel.stories.cluster import components

EVAL_DIR = Path(__file__).resolve().parents[2] / "eval" / "dedup"
LABELS = EVAL_DIR / "real_pairs.tsv"
CORPUS = ("corpus", "auto-news")

KINDS = ("s2tw", "s2twp", "reformat", "truncate", "boilerplate", "truncate+boilerplate",
         "s2tw+reformat+boilerplate", "s2twp+truncate", "reformat+truncate")
HEADERS = ("本文转载自{outlet}，版权归原作者所有，如有侵权请联系删除。", "【汽车行业资讯】以下内容来自合作媒体{outlet}。",
           "编者按：本文经{outlet}授权发布。")
FOOTERS = ("—— END ——\n\n扫码关注我们，获取更多汽车行业资讯。", "免责声明：本文仅代表作者观点，不代表本站立场。转载请注明出处。",
           "责任编辑：王小明\n\n原标题已修改，点击阅读原文查看更多内容。")
_FRONT = re.compile(r"\A\s*---\n(.*?)\n---\n", re.S)
_HALF = str.maketrans({"，": ",", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")"})


@dataclass
class DedupResult:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    inputs: int = 0
    variants: int = 0
    by_kind: Counter = field(default_factory=Counter)        # variants found with their original, per kind
    kinds: Counter = field(default_factory=Counter)           # variants planted, per kind
    repeats_found: int = 0
    repeats: int = 0
    false_pairs: list[tuple[str, str]] = field(default_factory=list)
    missed_pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "tp": self.tp, "fp": self.fp,
                "fn": self.fn, "inputs": self.inputs, "variants": self.variants,
                "variant_recall_by_kind": {k: f"{self.by_kind[k]}/{n}" for k, n in sorted(self.kinds.items())},
                "repeated_titles_together": f"{self.repeats_found}/{self.repeats}",
                "false_pairs": self.false_pairs[:10], "missed_pairs": self.missed_pairs[:10]}


# ---- variants ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(f"{config}.json")  # loading the dictionaries costs more than converting an article


def _convert(text: str, config: str) -> str:
    return _converter(config).convert(text)


def _reformat(body: str, rng: random.Random) -> str:
    paras = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    out = []
    for p in paras:
        if rng.random() < 0.3 and out and not out[-1].startswith(("#", "!", "*", "-", "|")):
            out[-1] = out[-1] + p.strip()          # paragraph join
            continue
        if rng.random() < 0.3 and "。" in p:        # paragraph split after a sentence
            head, _, tail = p.partition("。")
            out.extend([head + "。", tail])
            continue
        out.append(p)
    text = "\n\n".join("\u3000\u3000" + p.strip() if not p.lstrip().startswith(("#", "!", "*", "-", "|", "[")) else p
                       for p in out if p.strip())
    return text.translate(_HALF)


def _truncate(body: str, rng: random.Random) -> str:
    lines = body.split("\n")
    han = [i for i, ln in enumerate(lines) if re.search(r"[\u4e00-\u9fff]{8}", ln)]
    if len(han) < 2:
        return body
    total = sum(len(lines[i]) for i in han)
    target, acc = total * rng.uniform(0.5, 0.9), 0
    for i in han:
        acc += len(lines[i])
        if acc >= target:
            return "\n".join(lines[:i + 1])
    return body


def make_variant(text: str, kind: str, number: int, rng: random.Random) -> str:
    """A repost of one corpus Markdown file (front matter + body), as another outlet would publish it."""
    m = _FRONT.match(text)
    head, body = (m.group(1), text[m.end():]) if m else ("", text)
    fields = dict(ln.split(":", 1) for ln in head.splitlines() if ":" in ln)
    title = fields.get("title", "").strip()
    published = fields.get("date", "2024-01-01").strip()[:10]
    outlet = f"转载网{number % 7}"
    if "reformat" in kind:
        body = _reformat(body, rng)
    if "truncate" in kind:
        body = _truncate(body, rng)
    if "boilerplate" in kind:
        body = (rng.choice(HEADERS).format(outlet=outlet) + "\n\n" + body.strip() + "\n\n"
                + rng.choice(FOOTERS))
    for config in ("s2twp", "s2tw"):
        if config in kind.split("+"):
            body, title = _convert(body, config), _convert(title, config)
    try:
        day = (date.fromisoformat(published) + timedelta(days=1 + number % 3)).isoformat()
    except ValueError:
        day = published
    return (f"---\ntitle: {title}\nurl: https://variant.invalid/{number}\nsource: {outlet}\ndate: {day}\n---\n\n"
            f"{body}\n")


def choose_originals(corpus: Path, count: int, seed: int) -> list[Path]:
    """Corpus Markdown files with a real body (at least 800 characters of text), sampled reproducibly."""
    candidates = []
    for path in sorted(corpus.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if len(re.findall(r"[\u4e00-\u9fff]", text)) >= 800 and _FRONT.match(text):
            candidates.append(path)
    return random.Random(seed).sample(candidates, min(count, len(candidates)))


# ---- truth and scoring --------------------------------------------------------------------------------------
def load_labels(path: Path = LABELS) -> list[tuple[str, str, str]]:
    with open(path, encoding="utf-8") as f:
        return [(r["path_a"], r["path_b"], r["label"]) for r in csv.DictReader(f, delimiter="\t")]


def repeated_titles(corpus: Path) -> list[list[str]]:
    """Groups of corpus paths (relative) sharing a title in manifest.tsv: the re-fetched articles."""
    groups: dict[str, list[str]] = {}
    with open(corpus / "manifest.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            groups.setdefault(row["title"], []).append(row["path"])
    return [g for g in groups.values() if len(g) > 1]


def _pairs_of(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {(a, b) for g in groups for i, a in enumerate(g) for b in g[i + 1:]}


def evaluate(shared: Path, *, originals: int = 150, seed: int = 0, workdir: Path | None = None) -> DedupResult:
    from autointel.pipeline import ingest
    from autointel.store import open_store
    from autointel.store.stories import rebuild_stories

    corpus = shared.joinpath(*CORPUS)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(workdir or tmp)
        vdir = tmp_path / "variants"
        vdir.mkdir(parents=True, exist_ok=True)
        rng = random.Random(seed)
        variant_of: dict[str, str] = {}
        kind_of: dict[str, str] = {}
        for n, path in enumerate(choose_originals(corpus, originals, seed)):
            text = path.read_text(encoding="utf-8")
            for k in range(2):
                kind = KINDS[(2 * n + k) % len(KINDS)]
                number = 2 * n + k
                out = vdir / f"variant_{number:04d}.md"
                out.write_text(make_variant(text, kind, number, rng), encoding="utf-8")
                key = str(out)
                variant_of[key] = str(path)
                kind_of[key] = kind
        store = open_store(tmp_path / "eval.db")
        try:
            ingest([str(corpus), str(vdir)], store)
            store.begin()
            rebuild_stories(store.conn)
            store.commit()
            story_by_path, hash_by_path = _stories_by_path(store.conn)
        finally:
            store.close()

    paths = sorted(story_by_path)
    index = {p: i for i, p in enumerate(paths)}
    truth: list[tuple[int, int]] = []
    for v, o in variant_of.items():
        if v in index and o in index:
            truth.append((index[v], index[o]))
    prefix = str(corpus) + "/"
    for a, b, label in load_labels():
        if label == "dup" and prefix + a in index and prefix + b in index:
            truth.append((index[prefix + a], index[prefix + b]))
    repeats = repeated_titles(corpus)
    for group in repeats:
        members = [index[prefix + p] for p in group if prefix + p in index]
        truth.extend((members[0], m) for m in members[1:])
    by_hash: dict[str, list[int]] = {}
    for p, h in hash_by_path.items():
        by_hash.setdefault(h, []).append(index[p])
    for members in by_hash.values():
        truth.extend((members[0], m) for m in members[1:])

    true_pairs = _pairs_of(components(len(paths), truth))
    story_groups: dict[str, list[int]] = {}
    for p, s in story_by_path.items():
        story_groups.setdefault(s, []).append(index[p])
    predicted = _pairs_of(sorted(g) for g in story_groups.values())
    true_pairs = {(min(a, b), max(a, b)) for a, b in true_pairs}
    predicted = {(min(a, b), max(a, b)) for a, b in predicted}

    result = DedupResult(tp=len(predicted & true_pairs), fp=len(predicted - true_pairs), fn=len(true_pairs - predicted),
                         inputs=len(paths), variants=len(variant_of))
    short = lambda p: p.replace(prefix, "").rsplit("/", 1)[-1][:60]  # noqa: E731
    result.false_pairs = [(short(paths[a]), short(paths[b])) for a, b in sorted(predicted - true_pairs)]
    result.missed_pairs = [(short(paths[a]), short(paths[b])) for a, b in sorted(true_pairs - predicted)]
    for v, o in variant_of.items():
        result.kinds[kind_of[v]] += 1
        if v in story_by_path and o in story_by_path and story_by_path[v] == story_by_path[o]:
            result.by_kind[kind_of[v]] += 1
    for group in repeats:
        stories = {story_by_path.get(prefix + p) for p in group}
        result.repeats += 1
        result.repeats_found += len(stories) == 1 and None not in stories
    return result


def _stories_by_path(conn) -> tuple[dict[str, str], dict[str, str]]:
    """Input path -> story id, for documents and for the sources folded into them; and path -> content hash."""
    story, chash = {}, {}
    for path, sid, h in conn.execute("SELECT d.path, m.story_id, d.content_hash FROM documents d JOIN story_members m"
                                     " ON m.document_id = d.id WHERE d.status = 'ok'"):
        story[path], chash[path] = sid, h
    for path, sid, h in conn.execute("SELECT ds.path, m.story_id, d.content_hash FROM document_sources ds"
                                     " JOIN story_members m ON m.document_id = ds.document_id"
                                     " JOIN documents d ON d.id = ds.document_id"):
        story[path], chash[path] = sid, h
    return story, chash
