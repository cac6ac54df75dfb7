"""Typed, range-checked reading of one mapping of the composed config.

Every read names its dotted key, so that an error message can say which key,
which value and what is allowed. Keys that are never read are reported as
unknown (a misspelled option must not be silently ignored).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from govsim.errors import ScenarioError

__all__ = ["Reader"]

_MISSING = object()


class Reader:
    """Read values from a plain mapping at a dotted ``path``, checking each one."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ScenarioError(path, data, "must be a mapping of keys to values")
        self.data: Mapping[str, Any] = data
        self.path = path
        self._seen: set[str] = set()

    def key(self, name: str) -> str:
        """The dotted key of ``name`` under this reader."""
        return f"{self.path}.{name}" if self.path else name

    def raw(self, name: str, default: object = _MISSING) -> Any:
        """The value of ``name`` unchecked; a missing key without default is an error."""
        self._seen.add(name)
        if name in self.data:
            return self.data[name]
        if default is _MISSING:
            raise ScenarioError(self.key(name), None, "is required but missing")
        return default

    def number(
        self,
        name: str,
        lo: float = -math.inf,
        hi: float = math.inf,
        *,
        lo_open: bool = False,
        default: object = _MISSING,
    ) -> float:
        """A finite number in [lo, hi] (or (lo, hi] with ``lo_open``)."""
        value = self.raw(name, default)
        low = "(" if lo_open else "["
        allowed = f"must be a number in {low}{_fmt(lo)}, {_fmt(hi)}]"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ScenarioError(self.key(name), value, allowed)
        x = float(value)
        below = x <= lo if lo_open else x < lo
        if not math.isfinite(x) or below or x > hi:
            raise ScenarioError(self.key(name), value, allowed)
        return x

    def probability(self, name: str, default: object = _MISSING) -> float:
        """A probability or share in [0, 1]."""
        return self.number(name, 0.0, 1.0, default=default)

    def integer(self, name: str, lo: int = 0, hi: int = 10**9, default: object = _MISSING) -> int:
        """A whole number in [lo, hi]."""
        value = self.raw(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ScenarioError(self.key(name), value, f"must be a whole number in [{lo}, {hi}]")
        return value

    def flag(self, name: str, default: object = _MISSING) -> bool:
        """A boolean (true or false)."""
        value = self.raw(name, default)
        if not isinstance(value, bool):
            raise ScenarioError(self.key(name), value, "must be true or false")
        return value

    def choice(self, name: str, allowed: Sequence[str], default: object = _MISSING) -> str:
        """One of the ``allowed`` strings."""
        value = self.raw(name, default)
        if value not in allowed:
            raise ScenarioError(self.key(name), value, f"must be one of {', '.join(allowed)}")
        return str(value)

    def text(self, name: str, default: object = _MISSING) -> str:
        """A non-empty string."""
        value = self.raw(name, default)
        if not isinstance(value, str) or not value.strip():
            raise ScenarioError(self.key(name), value, "must be a non-empty string")
        return value

    def strings(self, name: str, default: object = _MISSING) -> tuple[str, ...]:
        """A list of strings (``null`` counts as empty)."""
        value = self.raw(name, default)
        if value is None:
            return ()
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise ScenarioError(self.key(name), value, "must be a list of names")
        for v in value:
            if not isinstance(v, str):
                raise ScenarioError(self.key(name), value, "must be a list of names")
        return tuple(value)

    def child(self, name: str) -> Reader:
        """A reader for the mapping under ``name``."""
        return Reader(self.raw(name), self.key(name))

    def done(self) -> None:
        """Raise if the mapping has keys that were never read (unknown options)."""
        unknown = sorted(set(self.data) - self._seen)
        if unknown:
            allowed = ", ".join(sorted(self._seen)) or "no keys"
            raise ScenarioError(self.key(str(unknown[0])), self.data[unknown[0]],
                                f"unknown key (allowed here: {allowed})")


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:g}"
