"""Per-request random numbers for common random numbers across scenarios.

Draws that decide a request's fate (service times, missing documents,
arrival times, exchange failures) are taken from matrices indexed by
``(request, slot)``, filled from one named stream per purpose. The k-th counter
visit of request i therefore gets the same service-time draw in every scenario
run with the same seed, whatever happened to other requests before it. Slots
beyond the matrix width come from a spill stream (rare: many visits).
"""

from __future__ import annotations

import numpy as np

from govsim.model.streams import Streams

__all__ = ["Draws"]


class Draws:
    """Lazily filled ``(n_requests, width)`` matrices of draws, one per purpose."""

    def __init__(self, streams: Streams, n: int, width: int = 8) -> None:
        self._streams = streams
        self._n = n
        self._width = width
        self._exp: dict[str, np.ndarray] = {}
        self._uni: dict[str, np.ndarray] = {}

    def exp(self, purpose: str, i: int, k: int) -> float:
        """The k-th standard exponential draw of request ``i`` for ``purpose``."""
        if k < self._width:
            m = self._exp.get(purpose)
            if m is None:
                m = self._exp[purpose] = self._matrix(purpose, exponential=True)
            return m.item(i, k)  # a Python float, without a numpy scalar in between
        return float(self._streams.get(f"draws.{purpose}.spill").standard_exponential())

    def uni(self, purpose: str, i: int, k: int) -> float:
        """The k-th uniform draw of request ``i`` for ``purpose``."""
        if k < self._width:
            m = self._uni.get(purpose)
            if m is None:
                m = self._uni[purpose] = self._matrix(purpose, exponential=False)
            return m.item(i, k)  # a Python float, without a numpy scalar in between
        return float(self._streams.get(f"draws.{purpose}.spill").random())

    def _matrix(self, purpose: str, exponential: bool) -> np.ndarray:
        rng = self._streams.get(f"draws.{purpose}")
        shape = (self._n, self._width)
        return rng.standard_exponential(shape) if exponential else rng.random(shape)
