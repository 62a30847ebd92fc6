"""Fact and claim extraction scores on the annotated set (eval/facts).

    .venv/bin/python scripts/eval_facts.py [--set main|dev|dev2|heldout2|heldout|heldout3|heldout4] [--errors N] [--json]

`main` (= `gold`, eval/facts/gold_*.yaml), `dev`, `heldout2`, `heldout` and `heldout3` are the sets the
rules are tuned on (heldout and heldout3 since the third round, 2026-12-03); `heldout4` (heldout4_*.yaml) is
only scored: never print its errors. `dev2` (dev2_*.yaml) is tuned on since the fourth round.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autointel.evaluation.entities import REPO
from autointel.evaluation.facts import SETS, load_gold, score
from autointel.link.linker import default_linker


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--set", dest="which", choices=sorted(SETS), default="gold")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = score(default_linker(), load_gold(which=args.which), args.shared)
    report = result.as_dict()
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"set {args.which}: documents {report['documents']}")
        print(f"facts: precision {report['fact_precision']:.3f}  recall {report['fact_recall']:.3f}"
              f"  ({report['facts_matched']} right of {report['facts_predicted']} extracted, {report['facts_gold']} gold)")
        for metric, c in report["by_metric"].items():
            print(f"  {metric:<14} gold {c['gold']:>3}  extracted {c['predicted']:>3}  right {c['matched']:>3}")
        print(f"claims: recall with status {report['claim_recall']:.3f}, any status {report['claim_recall_any_status']:.3f}"
              f"  ({report['claims_gold']} gold, {report['claims_predicted']} extracted)")
    for e in result.errors[: args.errors]:
        print(" ", json.dumps(e, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
