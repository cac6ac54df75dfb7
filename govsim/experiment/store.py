"""Moved to :mod:`govsim.store` (a single run's output must not import the experiment layer)."""

from govsim.store import RunStore, canonical_json, run_key

__all__ = ["RunStore", "canonical_json", "run_key"]
