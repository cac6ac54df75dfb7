"""Named random streams derived from one seed (no global random state).

Each source of randomness draws from its own ``numpy.random.Generator``,
derived from the run seed and the stream's name with ``SeedSequence``. Two
scenarios run with the same seed therefore see the same villagers, the same
needs and the same service-time draws (common random numbers), and adding a
draw to one process does not shift any other stream.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["Streams", "stream_key"]


def stream_key(name: str) -> int:
    """A stable 32-bit key for a stream name (independent of PYTHONHASHSEED)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """A registry of named generators for one run."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._cache: dict[str, np.random.Generator] = {}

    def get(self, name: str) -> np.random.Generator:
        """The generator for ``name`` (created on first use, then reused)."""
        rng = self._cache.get(name)
        if rng is None:
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(stream_key(name),))
            rng = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = rng
        return rng
