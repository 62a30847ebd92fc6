"""Entity-linking scores on the annotated set: precision, recall and F1 overall and by type.

    .venv/bin/python scripts/eval_entities.py [--set main|heldout] [--errors N] [--json] [--shared ../shared]

`main` is the set the rules and the knowledge base were tuned on (gold_*.yaml); `heldout` was annotated
afterwards and never used for tuning (heldout_*.yaml).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from autointel.evaluation.entities import GOLD_DIR, REPO, SETS, by_doc, load_gold, score
from autointel.link.linker import default_linker


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--set", choices=("main", "heldout"), default="main")
    ap.add_argument("--errors", type=int, default=0, help="print up to N errors")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    linker = default_linker()
    result = score(linker, load_gold(sorted(GOLD_DIR.glob(SETS[args.set]))), args.shared)
    report = result.as_dict() | {"set": args.set, "kb_entities": len(linker.kb.entities), "seconds": round(time.perf_counter() - t0, 2)}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"set {args.set}: documents {report['documents']}  knowledge base {report['kb_entities']} entities")
        print(f"{'type':<12} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}")
        for t, s in report["by_type"].items():
            print(f"{t:<12} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['support']:>5}")
        print(f"{'all':<12} {report['precision']:>6.3f} {report['recall']:>6.3f} {report['f1']:>6.3f}"
              f" {report['tp'] + report['fn']:>5}")
        print(f"trap phrases linked: {report['trap_violations']}")
        if result.skipped:
            print(f"skipped (file missing): {len(result.skipped)}", file=sys.stderr)
    shown = 0
    for doc, errs in by_doc(result.errors).items():
        for e in errs:
            if shown >= args.errors:
                break
            print(f"  {e['kind']:<8} {e['surface']:<10} {e['entity']:<28} {doc}  …{e['context']}…")
            shown += 1
    for t in result.trap_hits[: args.errors]:
        print(f"  TRAP     {t['trap']:<10} {t['linked']:<28} {t['doc']}  …{t['context']}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
