"""Fuzz target ``numbers``: the numeral parser and the quantity finder.

Properties: ``parse_decimal`` returns a finite Decimal or raises ValueError, nothing else;
``find_quantities`` never raises and returns quantities sorted, non-overlapping, inside the text, whose
``text`` is exactly their span and whose range is ordered.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import instrumented_import, require, run_atheris  # noqa: E402

INSTRUMENT = ("autointel.facts.numbers", "autointel.facts.quantity")
with instrumented_import(INSTRUMENT, __name__):
    from decimal import Decimal

    from autointel.facts.numbers import parse_decimal
    from autointel.facts.quantity import find_quantities

SEEDS = [s.encode("utf-8") for s in (
    "1,100万", "2.8兆美元", "两百五", "一亿零五百万", "三点五", "二〇二五年", "十几万辆", "约10余万辆", "增长1.6倍",
    "五分之一", "近半数", "427 万 2145 辆", "30.5%", "数百万", "2至3年", "120 kWh", "3万多辆",
)]


def check(text: str) -> None:
    try:
        value = parse_decimal(text)
    except ValueError:
        pass
    else:
        require(isinstance(value, Decimal) and value.is_finite(), f"parse_decimal({text!r}) = {value!r}")
    end = 0
    for q in find_quantities(text):
        require(end <= q.start < q.end <= len(text), f"{q} overlaps or leaves the text")
        require(q.text == text[q.start:q.end], f"{q.text!r} is not text[{q.start}:{q.end}]")
        require(not math.isnan(q.value), f"{q}: NaN value")
        if q.value_max is not None:
            require(q.value_max >= q.value, f"{q}: range upside down")
        end = q.end


def one_input(data: bytes) -> None:
    check(data.decode("utf-8", "replace"))


if __name__ == "__main__":
    run_atheris(__name__, one_input, INSTRUMENT)
