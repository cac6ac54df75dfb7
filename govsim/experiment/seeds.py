"""Replication seeds derived from an experiment's base seed (common random numbers)."""

from __future__ import annotations

import numpy as np

__all__ = ["replication_seed"]


def replication_seed(base_seed: int, replication: int, stream: int | None = None) -> int:
    """The seed of replication ``replication`` of an experiment with ``base_seed``.

    With ``stream=None`` every scenario gets the same seed for the same replication
    (common random numbers). Passing a scenario index as ``stream`` gives independent
    seeds per scenario (used to measure what common random numbers buy).
    The value is a deterministic 63-bit integer from :class:`numpy.random.SeedSequence`.
    """
    key = (replication,) if stream is None else (replication, stream)
    state = np.random.SeedSequence(base_seed, spawn_key=key).generate_state(1, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))
