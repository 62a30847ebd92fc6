"""Topic-tagging scores on the annotated sets: micro/macro precision, recall and F1, and per topic.

    .venv/bin/python scripts/eval_topics.py [--set main|heldout|both] [--errors N] [--json] [--shared ../shared]

`main` (eval/topics/gold_topics.yaml) is the set the taxonomy was tuned on; `heldout`
(eval/topics/heldout_topics.yaml) was split off at random from the same annotation and never used for tuning.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from autointel.evaluation.topics import REPO, load_set, score


def report(name: str, shared: Path, errors: int, as_json: bool) -> None:
    t0 = time.perf_counter()
    result = score(load_set(name), shared)
    d = result.as_dict() | {"set": name, "seconds": round(time.perf_counter() - t0, 2)}
    if as_json:
        print(json.dumps(d, ensure_ascii=False))
        return
    print(f"set {name}: documents {d['documents']}  ({d['seconds']} s)")
    print(f"{'topic':<20} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}")
    for t, s in d["by_topic"].items():
        print(f"{t:<20} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['support']:>5} {s['predicted']:>5}")
    for kind in ("micro", "macro"):
        m = d[kind]
        print(f"{kind:<20} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f}")
    if result.skipped:
        print(f"skipped (file missing): {len(result.skipped)}", file=sys.stderr)
    for e in result.errors[:errors]:
        extra = f" {e['score']:.2f} {e['evidence']}" if e["kind"] == "spurious" else ""
        print(f"  {e['kind']:<8} {e['topic']:<20} {e['title'][:60]}{extra}")
    print()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--set", choices=("main", "heldout", "both"), default="both")
    ap.add_argument("--errors", type=int, default=0, help="print up to N errors per set")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    for name in ("main", "heldout") if args.set == "both" else (args.set,):
        report(name, args.shared, args.errors, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
