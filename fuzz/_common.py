"""What every fuzz target shares: the invariants a clean result must satisfy, and running under atheris.

A target module defines ``check(...)`` (the property, also used by tests/test_fuzz_properties.py with
hypothesis), ``one_input(data: bytes)`` (atheris' entry: bytes to check's arguments), ``SEEDS`` (a few inputs
of our own to start from) and ``INSTRUMENT`` (the packages whose coverage guides the fuzzer).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# Codes that mean "the pipeline caught an exception it did not expect": a bug the fuzzer must report, not
# a coded failure about the input.
_BUG_MESSAGES = re.compile(r"^reader crashed:|^[A-Z][A-Za-z]*(Error|Exception): ")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class FuzzFinding(AssertionError):
    """A property the fuzzed code must keep was broken."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise FuzzFinding(message)


def check_failure(code: str, message: str) -> None:
    """A recorded failure is fine unless it is an unexpected exception the pipeline turned into a record."""
    require(not (code in ("E110", "E201") and _BUG_MESSAGES.search(message or "")), f"[{code}] {message}")


def check_clean_text(text: str, what: str) -> None:
    bad = _CONTROLS.search(text)
    require(bad is None, f"{what}: control or bidi character {bad.group() if bad else ''!r}")
    require(not _SURROGATE.search(text), f"{what}: lone surrogate")
    text.encode("utf-8")


def check_alignment(canonical: str, original: str, runs) -> None:
    """The stored offsets cover the canonical text and every span maps into the original."""
    from autointel.normalize.aligned import AlignedText

    aligned = AlignedText.from_runs(canonical, runs)
    n = len(original)
    for i, (s, e) in enumerate(zip(aligned.starts, aligned.ends)):
        require(0 <= s <= e <= n, f"canonical char {i} maps to {s}:{e}, original has {n}")
    if canonical:
        a, b = aligned.original_span(0, len(canonical))
        require(0 <= a <= b <= n, f"whole span maps to {a}:{b}")


def run_atheris(module_name: str, one_input, instrument: tuple[str, ...]) -> None:
    """``python fuzz/fuzz_X.py [libFuzzer flags] [corpus dirs]``: coverage-guided, until a finding or
    -max_total_time."""
    import atheris

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


def instrumented_import(instrument: tuple[str, ...], module_name: str):
    """Context manager: modules imported inside are instrumented for coverage when the target runs under
    atheris (as ``__main__``); imported by the hypothesis tests, nothing is instrumented."""
    import contextlib

    if module_name != "__main__":
        return contextlib.nullcontext()
    import atheris

    return atheris.instrument_imports(include=list(instrument))
