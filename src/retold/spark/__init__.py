"""The Spark engine: the local engine's stages as DataFrame jobs (``pip install 'retold[spark]'``).

Entry points taking and returning Spark DataFrames:

* ``dedup_dataframe(documents, settings) -> (clusters, pairs)``
* ``analyze_dataframe(documents, settings) -> AnalysisFrames`` (documents, pairs,
  plus quotations and stories computed on the driver)
* ``read_documents(spark, inputs, read_config, on_skip)`` for files and object stores

``retold dedup/analyze --engine spark`` and ``retold.dedup/analyze(engine="spark")``
run the same jobs and give the local engine's answers. See docs/spark.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analyze import AnalysisFrames, analyze_dataframe
    from .dedup import dedup_dataframe
    from .io import read_documents
    from .session import get_session

_EXPORTS = {
    "AnalysisFrames": "analyze",
    "analyze_dataframe": "analyze",
    "dedup_dataframe": "dedup",
    "read_documents": "io",
    "get_session": "session",
    "spark_available": "session",
}


def __getattr__(name: str) -> Any:
    # Submodules import pyspark; importing retold.spark alone must not.
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(name)


__all__ = ["AnalysisFrames", "analyze_dataframe", "dedup_dataframe", "get_session", "read_documents", "spark_available"]
