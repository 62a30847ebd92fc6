"""Score the discovery tagger (autointel.link.discovery) on CLUENER2020.

    .venv/bin/python scripts/eval_cluener.py [--data ../shared/datasets/cluener2020/dev.json] [--errors 20]

Our types map to CLUENER labels (company, organization, government, person -> name); model candidates have
no CLUENER label and are left out. Strict = same label and exact span; lenient = same label and overlapping
spans (each gold and each prediction matched at most once). Published figures are the CLUENER2020 baselines,
shown for scale only: they are supervised models trained on CLUENER's train set, scored on its test set,
while this tagger is dictionary-free, untrained, and scored on dev.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from autointel.link.discovery import propose_candidates  # noqa: E402

LABELS = ("name", "company", "organization", "government")
TYPE_TO_LABEL = {"person": "name", "company": "company", "organization": "organization", "government": "government"}

# F1 per entity on the CLUENER2020 test set, from the CLUENER2020 README ("各个实体的评测结果(F1 score)"),
# github.com/CLUEbenchmark/CLUENER2020, and the paper: Xu et al., "CLUENER2020: Fine-grained Name Entity
# Recognition for Chinese" (title as in the README's BibTeX), arXiv:2001.04351. The README calls the overall
# column "线上效果f1" (online leaderboard, i.e. the hidden test set).
PUBLISHED = {
    #               BiLSTM+CRF  BERT-base  RoBERTa-wwm-large-ext  Human
    "name":         (74.04,     88.75,     89.09,                 74.49),
    "company":      (72.27,     81.42,     83.02,                 49.32),
    "organization": (75.96,     79.43,     82.34,                 65.41),
    "government":   (77.25,     87.03,     88.17,                 79.27),
}
PUBLISHED_OVERALL = "overall macro-F1 over all 10 labels: BiLSTM+CRF 70.00, BERT-base 78.82, RoBERTa-wwm-large-ext 80.42, human 63.41"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "cluener2020" / "dev.json"


def load(path: Path) -> list[tuple[str, set[tuple[str, int, int]]]]:
    docs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            gold = {(lab, s, e + 1) for lab, ents in rec.get("label", {}).items() if lab in LABELS
                    for spans in ents.values() for s, e in spans}  # CLUENER ends are inclusive
            docs.append((rec["text"], gold))
    return docs


def lenient_matches(gold: set, pred: set) -> int:
    used, hits = set(), 0
    for lab, s, e in sorted(pred):
        for g in sorted(gold):
            if g not in used and g[0] == lab and s < g[2] and g[1] < e:
                used.add(g)
                hits += 1
                break
    return hits


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(path: Path) -> dict:
    """Scores per label and micro-averaged, strict (exact span) and lenient (overlap); also the errors."""
    docs = load(path)
    t0 = time.perf_counter()
    preds = [propose_candidates(text) for text, _ in docs]
    elapsed = time.perf_counter() - t0
    chars = sum(len(text) for text, _ in docs)

    strict, lenient, n_pred, n_gold = Counter(), Counter(), Counter(), Counter()
    fps, fns = {lab: [] for lab in LABELS}, {lab: [] for lab in LABELS}
    for (text, gold), cands in zip(docs, preds):
        pred = {(TYPE_TO_LABEL[c.type], c.start, c.end) for c in cands if c.type in TYPE_TO_LABEL}
        for lab in LABELS:
            g = {x for x in gold if x[0] == lab}
            p = {x for x in pred if x[0] == lab}
            n_gold[lab] += len(g)
            n_pred[lab] += len(p)
            strict[lab] += len(g & p)
            lenient[lab] += lenient_matches(g, p)
            fps[lab] += [(text[s:e], text) for _, s, e in p - g]
            fns[lab] += [(text[s:e], text) for _, s, e in g - p]
    report: dict = {"texts": len(docs), "chars": chars, "seconds": elapsed, "errors": (fps, fns)}
    for lab in LABELS + ("micro",):
        ks = LABELS if lab == "micro" else (lab,)
        npred, ngold = sum(n_pred[k] for k in ks), sum(n_gold[k] for k in ks)
        report[lab] = {"gold": ngold, "pred": npred}
        for mode, tp in (("strict", strict), ("lenient", lenient)):
            p_, r_, f_ = prf(sum(tp[k] for k in ks), npred, ngold)
            report[lab][mode] = {"precision": p_, "recall": r_, "f1": f_}
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--errors", type=int, default=0, help="print this many false positives/negatives per label")
    args = ap.parse_args()
    report = evaluate(args.data)
    chars, elapsed = report["chars"], report["seconds"]
    print(f"CLUENER2020 {args.data.name}: {report['texts']} texts, {chars} chars")
    head = f"{'label':<13}{'gold':>5}{'pred':>6} | {'strict P':>8}{'R':>6}{'F1':>6} | {'lenient P':>9}{'R':>6}{'F1':>6}"
    print(head + " | published F1 (test): BiLSTM+CRF / BERT-base / RoBERTa-wwm-large-ext / human")
    for lab in LABELS + ("micro",):
        if lab == "micro":
            print("-" * len(head))
        r = report[lab]
        st, le = r["strict"], r["lenient"]
        pub = " / ".join(f"{x:.2f}" for x in PUBLISHED[lab]) if lab in PUBLISHED else ""
        print(f"{lab:<13}{r['gold']:>5}{r['pred']:>6} | {100*st['precision']:8.1f}{100*st['recall']:6.1f}"
              f"{100*st['f1']:6.1f} | {100*le['precision']:9.1f}{100*le['recall']:6.1f}{100*le['f1']:6.1f} | {pub}")
    print(f"published: CLUENER2020 README / arXiv:2001.04351 (test set, supervised); {PUBLISHED_OVERALL}")
    print(f"throughput: {chars / elapsed:,.0f} chars/s ({elapsed:.2f} s, one core, rjieba POS included)")

    fps, fns = report["errors"]
    for lab in LABELS[: 4 if args.errors else 0]:
        print(f"\n== {lab}: false positives (strict) ==")
        for surf, text in fps[lab][: args.errors]:
            print(f"  {surf!r:<20} {text}")
        print(f"== {lab}: misses (strict) ==")
        for surf, text in fns[lab][: args.errors]:
            print(f"  {surf!r:<20} {text}")


if __name__ == "__main__":
    main()
