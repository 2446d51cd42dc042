"""Connected components as DataFrame jobs: alternating large-star and small-star
(Kiveris et al., "Connected Components in MapReduce and Beyond", SoCC 2014).

Every round is two shuffles over the edge list; no step gathers a component in
one place, so a component of a million documents costs what a million small ones
do. Rounds grow with log² of the largest component's size in the worst case and
are a handful in practice (chains of copies of copies included). Each round's
edges are checkpointed locally so the query plan does not grow with the rounds.

The result labels every node with the smallest node id of its component, which
is the first document in reading order when node ids are ``seq``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

MAX_ROUNDS = 200


def _both_ways(edges: DataFrame) -> DataFrame:
    return edges.unionByName(edges.selectExpr("dst AS src", "src AS dst"))


def _large_star(edges: DataFrame) -> DataFrame:
    """Each node's larger neighbours are linked to the smallest node of its neighbourhood."""
    from pyspark.sql import functions as F

    both = _both_ways(edges)
    smallest = both.groupBy("src").agg(F.least(F.min("dst"), F.col("src")).alias("m"))
    return (
        both.filter(F.col("dst") > F.col("src"))
        .join(smallest, "src")
        .select(F.col("dst").alias("src"), F.col("m").alias("dst"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    """Each node and its smaller neighbours are linked to the smallest of them."""
    from pyspark.sql import functions as F

    down = edges.select(
        F.greatest("src", "dst").alias("src"), F.least("src", "dst").alias("dst")
    )  # src > dst: a node and one of its smaller neighbours
    smallest = down.groupBy("src").agg(F.min("dst").alias("m"))
    linked = down.join(smallest, "src")
    return (
        linked.filter(F.col("dst") != F.col("m"))
        .select(F.col("dst").alias("src"), F.col("m").alias("dst"))
        .unionByName(smallest.select("src", F.col("m").alias("dst")))
        .distinct()
    )


def _is_star_forest(edges: DataFrame) -> bool:
    """Every edge joins a leaf to its centre: no node has two centres, no centre is a leaf."""
    from pyspark.sql import functions as F

    two_centres = edges.groupBy("src").agg(F.countDistinct("dst").alias("n")).filter("n > 1").limit(1).count()
    if two_centres:
        return False
    centres = edges.select(F.col("dst").alias("src")).distinct()
    return edges.join(centres, "src").limit(1).count() == 0


def connected_components(edges: DataFrame) -> DataFrame:
    """``(node, component)`` for every node of ``edges`` (columns ``src``, ``dst``,
    integers); ``component`` is the smallest node of the component."""
    from pyspark.sql import functions as F

    current = (
        edges.select(F.greatest("src", "dst").alias("src"), F.least("src", "dst").alias("dst"))
        .filter(F.col("src") != F.col("dst"))
        .distinct()
        .localCheckpoint()
    )
    for _ in range(MAX_ROUNDS):
        current = _small_star(_large_star(current)).localCheckpoint()
        if _is_star_forest(current):
            break
    else:  # pragma: no cover - needs a graph of astronomically many nodes
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    leaves = current.select(F.col("src").alias("node"), F.col("dst").alias("component"))
    centres = current.select(F.col("dst").alias("node"), F.col("dst").alias("component")).distinct()
    return leaves.unionByName(centres)


__all__ = ["connected_components"]
