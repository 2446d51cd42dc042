"""The Spark session the engine runs in.

Under ``spark-submit`` (or in a notebook of a managed service) a session already
exists and is used as it is: the cluster's configuration wins. Otherwise one is
started with ``master`` (``local[*]`` by default) and the few settings the engine
depends on.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"
# Rows per Arrow batch handed to the Python UDFs. Fingerprinting wants large batches
# (NumPy per batch); pair alignment carries two article texts per row, so the batch
# stays at a few megabytes at 1,000 rows.
ARROW_BATCH_ROWS = 1000
LOCAL_SHUFFLE_PARTITIONS = 8


def spark_available() -> str | None:
    """``None`` when the Spark engine can run here, else the reason it cannot."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'retold[spark]')"
    import shutil

    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and os.path.exists(os.path.join(java_home, "bin", "java"))) and not shutil.which("java"):
        return "no Java runtime found (Spark needs Java 17 or 21 on PATH or in JAVA_HOME)"
    return None


def get_session(master: str | None = None) -> SparkSession:
    """The active Spark session, or a new one on ``master`` (default ``local[*]``)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    master = master or DEFAULT_MASTER
    if master.startswith("local"):
        # Local executors must import retold from this interpreter's environment,
        # not whatever "python3" is first on PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("retold")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH_ROWS))
        # Python workers are reused across tasks, so retold's lookup tables and the
        # embedding model load once per worker, not once per task.
        .config("spark.python.worker.reuse", "true")
    )
    if master.startswith("local"):
        # 200 shuffle partitions (Spark's default) is sized for clusters; on one machine
        # each costs a task launch and the corpus is small per partition.
        builder = builder.config("spark.sql.shuffle.partitions", str(LOCAL_SHUFFLE_PARTITIONS))
    return builder.getOrCreate()


__all__ = ["ARROW_BATCH_ROWS", "DEFAULT_MASTER", "get_session", "spark_available"]
