"""Parallel ingest (autointel/engines/): the same database as a sequential ingest, and re-runs add nothing."""
from __future__ import annotations

import gzip
import importlib.util
import json
import sys

import pytest

from tests.conftest import REPO, SAMPLES

sys.path.insert(0, str(REPO / "scripts"))
from compare_dbs import compare  # noqa: E402


def _sources(items):
    """What readers see, comparable: (kind, location, text or failure)."""
    from autointel.models import FailedInput

    return [("fail", s.location, s.code, s.message) if isinstance(s, FailedInput) else ("src", s.location, s.text)
            for s in items]


def _jsonl_with_trouble(path, gz: bool):
    lines = []
    for i in range(40):
        if i == 7:
            lines.append(b"\n")  # blank: skipped, still counted
        elif i == 11:
            lines.append(b"{not json\n")
        elif i == 19:
            lines.append(json.dumps({"title": "x" * 3000, "text": "y"}).encode() + b"\n")  # over max_bytes below
        else:
            lines.append(json.dumps({"title": f"第{i}条", "text": f"比亚迪第{i}条新闻。"}, ensure_ascii=False).encode()
                         + b"\n")
    data = b"".join(lines) + b'{"title": "last, no newline", "text": "t"}'
    if gz:
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("gz", [False, True])
def test_line_ranges_read_exactly_what_a_sequential_read_does(tmp_path, gz):
    from autointel.engines.partition import plan_partitions
    from autointel.engines.work import partition_sources
    from autointel.ingest.sources import SourceOptions, iter_sources

    path = _jsonl_with_trouble(tmp_path / ("a.jsonl.gz" if gz else "a.jsonl"), gz)
    options = SourceOptions(max_bytes=2000)
    plan = plan_partitions([str(path)], options, workers=2, lines_per_partition=6, split_bytes=0)
    assert len(plan.partitions) > 3 and all(p.path for p in plan.partitions)
    parallel = [s for p in plan.partitions for s in partition_sources(p, options)]
    assert _sources(parallel) == _sources(iter_sources([str(path)], options))


def test_truncated_gzip_fails_in_its_last_range_as_sequentially(tmp_path):
    import base64
    import random

    from autointel.engines.partition import plan_partitions
    from autointel.engines.work import partition_sources
    from autointel.ingest.sources import SourceOptions, iter_sources

    rng = random.Random(7)  # incompressible text, so that the stream is several MB and breaks late
    lines = [json.dumps({"title": f"t{i}", "text": base64.b64encode(rng.randbytes(600)).decode()}).encode() + b"\n"
             for i in range(4000)]
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(b"".join(lines))[:-5000])
    options = SourceOptions()
    plan = plan_partitions([str(cut)], options, workers=2, lines_per_partition=500, split_bytes=0)
    assert len(plan.partitions) > 1 and plan.partitions[-1].lines is None
    parallel = _sources(s for p in plan.partitions for s in partition_sources(p, options))
    sequential = _sources(iter_sources([str(cut)], options))
    assert parallel == sequential and sequential[-1][0] == "fail" and sequential[-1][2] == "E111"


def test_folders_are_planned_in_walk_order_and_spread_over_workers(tmp_path):
    from autointel.engines.partition import plan_partitions
    from autointel.ingest.sources import SourceOptions, _walk

    plan = plan_partitions([str(SAMPLES), str(tmp_path / "missing")], SourceOptions(), workers=2)
    files = [f for p in plan.partitions for f in p.files]
    assert files == [str(f) for f in _walk(SAMPLES, SourceOptions())]
    assert len(plan.partitions) >= 4 and plan.partitions[-1].inputs == (str(tmp_path / "missing"),)


def _ingest(db, engine, workers=2):
    from autointel.engines import ingest
    from autointel.pipeline import linker_for
    from autointel.store import open_store

    store = open_store(db)
    try:
        return ingest([str(SAMPLES)], store, engine=engine, workers=workers, linker=linker_for(store)).as_dict()
    finally:
        store.close()


@pytest.fixture(scope="module")
def ray_local():
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed (pip install 'ray[data]')")
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)  # shared by the runs below: one start-up
    yield
    ray.shutdown()


def test_ray_two_workers_equals_sequential_and_rerun_adds_nothing(tmp_path, ray_local):
    sequential, parallel = tmp_path / "seq.db", tmp_path / "ray.db"
    first = _ingest(sequential, "local")
    assert first["new"] >= 12 and first["failed"] == 0
    assert _ingest(parallel, "ray") == first

    report = compare(str(sequential), str(parallel))
    assert report["equal"], {t: e for t, e in report["tables"].items() if not e["equal"]}
    for table in ("documents", "mentions", "facts", "claims", "claim_events", "document_topics", "stories",
                  "story_members"):
        assert report["tables"][table]["rows_a"] > 0, table

    again = _ingest(parallel, "ray")
    assert again["new"] == again["updated"] == 0 and again["unchanged"] == first["new"] + first["duplicate"]
    assert compare(str(sequential), str(parallel))["equal"]


@pytest.fixture(scope="module")
def spark_local():
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark is not installed")
    import shutil

    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (java on PATH)")
    from autointel.engines.spark_engine import SparkEngine

    engine = SparkEngine(2)  # one JVM for the runs below
    yield
    engine.sc.stop()


def test_spark_two_workers_equals_sequential_and_rerun_adds_nothing(tmp_path, spark_local):
    sequential, parallel = tmp_path / "seq.db", tmp_path / "spark.db"
    first = _ingest(sequential, "local")
    assert _ingest(parallel, "spark") == first
    assert compare(str(sequential), str(parallel))["equal"]
    again = _ingest(parallel, "spark")
    assert again["new"] == again["updated"] == 0 and again["unchanged"] == first["new"] + first["duplicate"]
    assert compare(str(sequential), str(parallel))["equal"]


def test_unknown_engine_is_a_coded_error(tmp_path):
    from autointel.engines import EngineError

    with pytest.raises(EngineError) as e:
        _ingest(tmp_path / "x.db", "dask")
    assert e.value.code == "E131"
