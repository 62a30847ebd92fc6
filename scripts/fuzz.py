"""Run the fuzz targets in fuzz/ for a while: the nightly job.

    .venv/bin/python scripts/fuzz.py --target all --minutes 10        # each target 10 minutes, one after another
    .venv/bin/python scripts/fuzz.py --target query --minutes 2 --engine hypothesis

Targets: ingest (bytes as a file -> sources, every reader, normaliser), normalize (canonicalize and its
alignment), numbers (parse_decimal, find_quantities), query (QueryParser.parse).  With atheris installed the
run is coverage-guided (libFuzzer): the corpus it grows is kept in --work (default
~/.cache/autointel/fuzz/TARGET/corpus) so each night starts where the last stopped, and every crash, timeout
(10 s) or memory blow-up (1 GB) is written to TARGET/crashes/.  A crash does not end the run: the target is
restarted until its minutes are used.  Without atheris, hypothesis generates inputs for the same checks.
Exit status 1 when anything was found; turn each finding into a regression test in
tests/test_fuzz_properties.py (REGRESSIONS) and fix the module at fault.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FUZZ = REPO / "fuzz"
TARGETS = ("ingest", "normalize", "numbers", "query")
DEFAULT_WORK = Path(os.environ.get("AUTOINTEL_FUZZ_DIR", Path.home() / ".cache" / "autointel" / "fuzz"))
TIMEOUT_SECONDS = 10
RSS_LIMIT_MB = 1024
MAX_LEN = 4096


def load_target(name: str):
    spec = importlib.util.spec_from_file_location(f"fuzz_{name}", FUZZ / f"fuzz_{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seed(name: str, corpus: Path) -> None:
    """Start an empty corpus from the target's own seeds (and, for ingest, the committed hostile files)."""
    if any(corpus.iterdir()):
        return
    seeds = list(load_target(name).SEEDS)
    if name == "ingest":
        seeds += [b"\x00" + p.read_bytes()[: MAX_LEN - 1] for p in sorted((REPO / "tests/hostile/files").iterdir())]
    for i, data in enumerate(seeds):
        (corpus / f"seed-{i:03d}").write_bytes(data)


def run_atheris(name: str, seconds: float, work: Path) -> list[Path]:
    corpus, crashes = work / name / "corpus", work / name / "crashes"
    corpus.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(parents=True, exist_ok=True)
    _seed(name, corpus)
    before = set(crashes.iterdir())
    log = work / name / "last-run.log"
    deadline = time.monotonic() + seconds
    runs = 0
    with open(log, "w") as fh:
        while (left := deadline - time.monotonic()) > 5:
            runs += 1
            cmd = [sys.executable, str(FUZZ / f"fuzz_{name}.py"), str(corpus), f"-max_total_time={int(left)}",
                   f"-timeout={TIMEOUT_SECONDS}", f"-rss_limit_mb={RSS_LIMIT_MB}", f"-max_len={MAX_LEN}",
                   f"-artifact_prefix={crashes}/", "-print_final_stats=1"]
            fh.write(f"$ {' '.join(cmd)}\n")
            fh.flush()
            code = subprocess.call(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO)
            if code == 0:
                break
    found = sorted(set(crashes.iterdir()) - before)
    print(f"{name}: {seconds / 60:.1f} min, {runs} run(s), corpus {sum(1 for _ in corpus.iterdir())} inputs, "
          f"{len(found)} finding(s); log {log}", flush=True)
    return found


def run_hypothesis(name: str, seconds: float) -> list[str]:
    """The same checks with hypothesis generating inputs, batch after batch until the time is used."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    target = load_target(name)
    found: list[str] = []

    @settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.binary(max_size=MAX_LEN) | st.text(max_size=MAX_LEN).map(lambda s: s.encode("utf-8", "surrogatepass")))
    def prop(data: bytes) -> None:
        target.one_input(data)

    deadline = time.monotonic() + seconds
    batches = 0
    while time.monotonic() < deadline:
        batches += 1
        try:
            prop()
        except Exception as e:  # hypothesis has shrunk it: report and go on
            found.append(f"{type(e).__name__}: {e}")
    print(f"{name}: {seconds / 60:.1f} min, {batches * 500} examples (hypothesis), {len(found)} finding(s)", flush=True)
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", default="all", choices=TARGETS + ("all",))
    ap.add_argument("--minutes", type=float, default=10.0, help="per target")
    ap.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK, help="corpus and crashes (default %(default)s)")
    args = ap.parse_args(argv)
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if importlib.util.find_spec("atheris") else "hypothesis"
    findings = 0
    for name in TARGETS if args.target == "all" else (args.target,):
        if engine == "atheris":
            found = run_atheris(name, args.minutes * 60, args.work)
        else:
            found = run_hypothesis(name, args.minutes * 60)
        for f in found:
            print(f"  finding: {f}")
        findings += len(found)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
