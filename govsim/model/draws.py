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


_MASK = (1 << 64) - 1
_GOLDEN_INT, _M1_INT, _M2_INT = int(_GOLDEN), int(_M1), int(_M2)


def _mix_int(x: int) -> int:
    """:func:`_mix` on one Python integer in [0, 2**64)."""
    x = (x + _GOLDEN_INT) & _MASK
    x = ((x ^ (x >> 30)) * _M1_INT) & _MASK
    x = ((x ^ (x >> 27)) * _M2_INT) & _MASK
    return x ^ (x >> 31)


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


_BLOCK_BITS = 10                  # 1,024 requests per block of a column
_LOW = (1 << _BLOCK_BITS) - 1
_KEEP = 128                       # blocks kept per purpose and slot (1 MiB)


class Draws:
    """Per-purpose, per-slot columns of draws keyed by identity, hashed in blocks when first read.

    Slot ``k`` of one purpose is a column over all requests; it is hashed a
    block of 1,024 requests at a time, the first time a request of the block
    reads it, and only the ``keep`` blocks filled last are kept (the oldest is
    dropped, and hashed again if read again: the same numbers). Requests are
    numbered in need order and live days to weeks, so the blocks in use are
    those of the last months: the stored draws stay about 1 MiB per purpose and
    slot whatever the number of requests (a county-year held 122-224 MB as
    ``n x 8`` matrices per purpose, most purposes reading slot 0 only). Slots
    from ``width`` on are hashed one cell at a time. Every value equals the same
    cell of the full matrix, so draws never depend on what was read before.
    """

    def __init__(self, keys: np.ndarray, width: int = 3, keep: int = _KEEP) -> None:
        self._keys = np.asarray(keys, dtype=np.uint64)
        self._width = width
        self._keep = keep
        self._exp: dict[str, list[dict[int, np.ndarray]]] = {}
        self._uni: dict[str, list[dict[int, np.ndarray]]] = {}

    def exp(self, purpose: str, i: int, k: int) -> float:
        """The k-th standard exponential draw of request ``i`` for ``purpose``."""
        if k < self._width:
            cols = self._exp.get(purpose)
            if cols is None:
                cols = self._exp[purpose] = [{} for _ in range(self._width)]
            block = cols[k].get(i >> _BLOCK_BITS)
            if block is None:
                block = self._fill(cols[k], purpose, i, k, True)
            return block.item(i & _LOW)  # a Python float, without a numpy scalar in between
        return float(-np.log1p(-self._cell(purpose, i, k)))

    def uni(self, purpose: str, i: int, k: int) -> float:
        """The k-th uniform draw of request ``i`` for ``purpose``."""
        if k < self._width:
            cols = self._uni.get(purpose)
            if cols is None:
                cols = self._uni[purpose] = [{} for _ in range(self._width)]
            block = cols[k].get(i >> _BLOCK_BITS)
            if block is None:
                block = self._fill(cols[k], purpose, i, k, False)
            return block.item(i & _LOW)  # a Python float, without a numpy scalar in between
        return self._cell(purpose, i, k)

    def _fill(self, blocks: dict[int, np.ndarray], purpose: str, i: int, k: int, exp: bool) -> np.ndarray:
        """Hash the block of request ``i`` for slot ``k``; drop the oldest block beyond ``keep``."""
        b = i >> _BLOCK_BITS
        u = self._uniforms(purpose, self._keys[b << _BLOCK_BITS:(b + 1) << _BLOCK_BITS], k)
        block = -np.log1p(-u) if exp else u
        if len(blocks) >= self._keep:
            del blocks[next(iter(blocks))]   # the block filled longest ago
        blocks[b] = block
        return block

    def release(self) -> None:
        """Drop the stored columns (the run is over); draws read later are hashed again."""
        self._exp.clear()
        self._uni.clear()

    def _cell(self, purpose: str, i: int, k: int) -> float:
        """Slot ``k`` beyond the stored width (rare: many visits), hashed on its own.

        The same arithmetic as :meth:`_uniforms` on Python integers (about 2 us, a
        third of numpy's per-call cost): in a township-year 0.4 reads per request go
        past slot 2, so three stored columns of each purpose cost under 1 us a request.
        """
        slot = _mix_int((stream_key(purpose) * _GOLDEN_INT + k) & _MASK)
        return float(_mix_int(int(self._keys[i]) ^ slot) >> 11) * _TO_UNIT

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
