"""Per-request random numbers keyed by a stable identity (common random numbers).

Draws that decide a request's fate (service times, missing documents,
arrival times, exchange failures ...) are a hash of the run seed, the
purpose, the slot ``k`` and the request's *identity*: its item, its eligible
unit (the villager or household head) and its occurrence number among that
unit's needs of that item (0 for the first, in time order). They do not
depend on the request's position in the merged list of needs, so changing
one item's demand, one band's share or the number of residents leaves every
other request's draws unchanged: the k-th counter visit of a pensioner's
first re-certification gets the same service-time draw in every scenario
with the same seed.

The hash is the splitmix64 finaliser (Steele, Lea and Flood 2014), applied
to 64-bit words, vectorised in numpy; its output passes BigCrush when used
as a counter-based generator. Each slot of a purpose is a column filled the
first time it is read (up to ``width`` slots); later slots are hashed one at a
time.
"""

from __future__ import annotations

import numpy as np

from govsim.model.demand import Needs
from govsim.model.streams import stream_key

__all__ = ["Draws", "draws_for", "identity_keys", "occurrence"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0 ** -53


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64: one 64-bit word to a well-mixed one (element-wise, wraps modulo 2**64)."""
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def occurrence(item: np.ndarray, unit: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Occurrence number of each need among the needs of the same item and unit (0 = first, by time)."""
    n = len(item)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((time, unit, item))
    it, un = item[order], unit[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (it[1:] != it[:-1]) | (un[1:] != un[:-1])
    start = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    occ = np.empty(n, dtype=np.int64)
    occ[order] = np.arange(n) - start
    return occ


def identity_keys(seed: int, item_keys: np.ndarray, unit: np.ndarray, occ: np.ndarray) -> np.ndarray:
    """One 64-bit key per request from the seed and its identity (item key, unit, occurrence)."""
    with np.errstate(over="ignore"):
        h = _mix(np.full(len(unit), np.uint64(seed & 0xFFFFFFFFFFFFFFFF)))
        h = _mix(h ^ np.asarray(item_keys, dtype=np.uint64))
        h = _mix(h ^ np.asarray(unit, dtype=np.int64).astype(np.uint64))
        return _mix(h ^ np.asarray(occ, dtype=np.int64).astype(np.uint64))


class Draws:
    """Per-purpose columns of draws, keyed by identity, each filled only when first used.

    Slot ``k`` of every request for one purpose is one column (``n`` float64),
    hashed the first time any request reads that slot; slots from ``width`` on
    are hashed one cell at a time. Most purposes only ever read slot 0, so
    storing columns rather than ``n x width`` matrices keeps one column of eight
    for them (a county-year: 334,000 requests, 2.7 MB per column). A column
    equals the same column of the full matrix, so the draws do not depend on
    which slots were read before.
    """

    def __init__(self, keys: np.ndarray, width: int = 8) -> None:
        self._keys = np.asarray(keys, dtype=np.uint64)
        self._width = width
        self._exp: dict[str, list[np.ndarray | None]] = {}
        self._uni: dict[str, list[np.ndarray | None]] = {}

    def exp(self, purpose: str, i: int, k: int) -> float:
        """The k-th standard exponential draw of request ``i`` for ``purpose``."""
        if k < self._width:
            cols = self._exp.get(purpose)
            if cols is None:
                cols = self._exp[purpose] = [None] * self._width
            col = cols[k]
            if col is None:
                col = cols[k] = -np.log1p(-self._uniforms(purpose, self._keys, k))
            return col.item(i)  # a Python float, without a numpy scalar in between
        return float(-np.log1p(-self._cell(purpose, i, k)))

    def uni(self, purpose: str, i: int, k: int) -> float:
        """The k-th uniform draw of request ``i`` for ``purpose``."""
        if k < self._width:
            cols = self._uni.get(purpose)
            if cols is None:
                cols = self._uni[purpose] = [None] * self._width
            col = cols[k]
            if col is None:
                col = cols[k] = self._uniforms(purpose, self._keys, k)
            return col.item(i)  # a Python float, without a numpy scalar in between
        return self._cell(purpose, i, k)

    def _cell(self, purpose: str, i: int, k: int) -> float:
        """Slot ``k`` beyond the stored width (rare: many visits), hashed on its own."""
        return float(self._uniforms(purpose, self._keys[i:i + 1], k)[0])

    @staticmethod
    def _uniforms(purpose: str, keys: np.ndarray, k: int) -> np.ndarray:
        """Uniforms in [0, 1): slot ``k`` of each key."""
        with np.errstate(over="ignore"):
            slot = _mix(np.uint64(stream_key(purpose)) * _GOLDEN + np.arange(k, k + 1, dtype=np.uint64))
            cell = _mix(keys ^ slot)
        return (cell >> np.uint64(11)).astype(np.float64) * _TO_UNIT


def draws_for(seed: int, item_names: list[str], needs: Needs) -> Draws:
    """The draws of a run's needs: keyed by (item name, unit, occurrence), not by position."""
    names = np.array([stream_key(f"item.{name}") for name in item_names], dtype=np.uint64)
    item = np.asarray(needs.item, dtype=np.int64)
    occ = occurrence(item, needs.villager, needs.time)
    return Draws(identity_keys(seed, names[item] if len(item) else names[:0], needs.villager, occ))
