"""Apache Spark engine: partitions become an RDD of one element per Spark partition; Python workers (reused,
each keeping the knowledge base) read and analyse them; the driver runs a small window of jobs at a time
and takes their results in partition order.

Local mode is ``local[workers]``; ``address`` (a master URL such as ``spark://host:7077``, or
``$SPARK_MASTER``) runs the same job on a cluster whose executors have autointel installed.
"""
from __future__ import annotations

import os
import pickle
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

from autointel.engines.partition import Partition
from autointel.engines.work import PartitionResult, WorkSpec


def _run(spec_blob: bytes, chunk_size: int):
    def run(rows):
        from autointel.engines.work import process_partition_bytes

        spec = pickle.loads(spec_blob)
        for part in rows:
            yield from process_partition_bytes(part, spec, chunk_size)
    return run


class SparkEngine:
    name = "spark"

    def __init__(self, workers: int, address: str | None = None):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        from pyspark import SparkConf, SparkContext

        self.workers = workers
        master = address or os.environ.get("SPARK_MASTER") or f"local[{workers}]"
        conf = (SparkConf().setMaster(master).setAppName("autointel-ingest")
                .set("spark.python.worker.reuse", "true")  # the knowledge base stays loaded in each worker
                .set("spark.ui.enabled", "false")
                .set("spark.driver.memory", "1g")
                .set("spark.executor.cores", "1"))
        self._owns = SparkContext._active_spark_context is None
        self.sc = SparkContext.getOrCreate(conf)
        self.sc.setLogLevel("ERROR")

    def map(self, partitions: list[Partition], spec: WorkSpec, chunk_size: int = 64) -> Iterator[PartitionResult]:
        if not partitions:
            return
        rdd = self.sc.parallelize(partitions, len(partitions)).mapPartitions(_run(pickle.dumps(spec), chunk_size))
        window = 2 * self.workers  # jobs in flight: every worker busy, one partition each waiting
        with ThreadPoolExecutor(window) as pool:
            futures = {}
            nxt = 0
            for i in range(len(partitions)):
                while nxt < len(partitions) and nxt < i + window:
                    futures[nxt] = pool.submit(self.sc.runJob, rdd, lambda it: it, [nxt])
                    nxt += 1
                for blob in futures.pop(i).result():
                    yield pickle.loads(blob)

    def close(self) -> None:
        if self._owns:
            self.sc.stop()
