"""Run identity and seeds: a run's seed is a pure function of the root seed and its identity.

Deriving each seed with ``numpy.random.SeedSequence(root, spawn_key=(point, replicate))``
makes a run's result independent of which worker ran it, in which order, in which batch and
whether the sweep was interrupted and resumed; SeedSequence also guarantees that the streams
of different (point, replicate) pairs are statistically independent, which ``root + i``
seeds do not.
"""

from __future__ import annotations

import numpy as np


def run_id(point_id: int, replicate: int) -> str:
    """Stable, sortable identity of a run: ``p<point:06d>-r<replicate:04d>``."""
    return f"p{point_id:06d}-r{replicate:04d}"


def run_seed(
    root_seed: int,
    point_id: int,
    replicate: int,
    common: bool = False,
    stream: int | None = None,
) -> int:
    """The seed (an unsigned 64-bit integer) of run (point_id, replicate).

    With ``common`` (common random numbers) replicate r uses the same seed at every design
    point, so differences between points are not blurred by different random draws; with
    ``stream`` too (a crossed posterior design's draw index), at every point of that
    stream: the grid's settings meet the same seed at one draw, and different draws still
    get different seeds, so seed noise stays in a posterior experiment's spread.
    """
    if common:
        key = (replicate,) if stream is None else (stream, replicate)
    else:
        key = (point_id, replicate)
    seq = np.random.SeedSequence(root_seed, spawn_key=key)
    return int(seq.generate_state(1, dtype=np.uint64)[0])
