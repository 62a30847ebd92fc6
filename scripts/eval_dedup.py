"""Score story (near-duplicate) detection: planted variants + corpus/auto-news real repeats and negatives.

    .venv/bin/python scripts/eval_dedup.py [--originals 150] [--seed 0] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from autointel.evaluation.dedup import evaluate

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--originals", type=int, default=150, help="corpus articles that get two planted variants each")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not (args.shared / "corpus" / "auto-news").exists():
        print(f"needs {args.shared}/corpus/auto-news", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    result = evaluate(args.shared, originals=args.originals, seed=args.seed)
    d = result.as_dict()
    d["seconds"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(d, ensure_ascii=False))
        return 0
    print(f"pair precision {d['precision']:.4f}  recall {d['recall']:.4f}  (tp {d['tp']}, fp {d['fp']}, fn {d['fn']}; "
          f"{d['inputs']} inputs, {d['variants']} planted variants, {d['seconds']} s)")
    print(f"re-fetched titles in one story: {d['repeated_titles_together']}")
    for kind, score in d["variant_recall_by_kind"].items():
        print(f"  {kind:28s} {score}")
    for label in ("false_pairs", "missed_pairs"):
        for a, b in d[label]:
            print(f"  {label[:-6]:6s} {a} | {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
