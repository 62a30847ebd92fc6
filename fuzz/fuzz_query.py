"""Fuzz target ``query``: the search query parser over the bundled knowledge base.

Property: ``QueryParser.parse`` returns a plan or raises a coded QueryError (E602), nothing else; every
group in the plan has a label, and its alternatives are lists of non-empty index tokens.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import instrumented_import, require, run_atheris  # noqa: E402

INSTRUMENT = ("autointel.search.query",)
with instrumented_import(INSTRUMENT, __name__):
    from autointel.kb.loader import load_kb
    from autointel.search.query import QueryError, QueryParser
    from autointel.search.segment import segmenter_for

SEEDS = [s.encode("utf-8") for s in (
    "比亚迪 欧洲 交付", '"固态 电池" OR 钠电池', "-特斯拉 NOT 关税 +蔚小理", "entity:BYD since:2025-01-01 until:2025-06-30",
    "Trump tariffs Chinese cars", "輝達 自駕 晶片", '"unclosed', "352点1 万辆", "topic:autonomous_driving outlet:36氪",
)]
_PARSER: QueryParser | None = None


def parser() -> QueryParser:
    global _PARSER
    if _PARSER is None:
        kb = load_kb()
        _PARSER = QueryParser(kb, segmenter_for(kb))
    return _PARSER


def check(text: str) -> None:
    try:
        plan = parser().parse(text)
    except QueryError as e:
        require(e.code == "E602", f"unexpected code {e.code}")
        return
    for g in plan.groups:
        require(isinstance(g.label, str), f"group without label: {g}")
        for alt in g.alternatives:
            require(isinstance(alt, list) and all(isinstance(t, str) and t for t in alt), f"bad alternative {alt!r}")
    plan.highlight_terms()


def one_input(data: bytes) -> None:
    check(data.decode("utf-8", "replace"))


if __name__ == "__main__":
    run_atheris(__name__, one_input, INSTRUMENT)
