"""The results store: one directory per finished run, written atomically.

Layout under an experiment's ``out_dir``::

    runs/<key>/requests.parquet, kpis.parquet, timeseries.parquet,
               utilisation.parquet, config.json, meta.json (written last)
    summary.parquet, summary.csv, comparison.csv, manifest.json

A run counts as done only when its ``meta.json`` exists. Every file is written to a
temporary name in its own directory and moved into place with :func:`os.replace`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.errors import ScenarioError

__all__ = ["RunStore", "canonical_json", "run_key"]

TMP_SUFFIX = ".tmp"


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no whitespace: the same object always gives the same text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str, allow_nan=True)


def run_key(scenario: dict[str, Any], seed: int, version: str) -> str:
    """The store key of one run: sha256 of (resolved scenario, seed, govsim version)[:16]."""
    text = canonical_json({"scenario": scenario, "seed": int(seed), "govsim": version})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class RunStore:
    """Reads and writes run directories under one root; never writes outside it."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def path(self, *parts: str) -> Path:
        """A path inside the root; raises :class:`ScenarioError` if it would leave the root."""
        p = self.root.joinpath(*parts).resolve()
        if p != self.root and not p.is_relative_to(self.root):
            raise ScenarioError("out", str(p), f"must stay inside {self.root}")
        return p

    def run_dir(self, key: str) -> Path:
        """The directory of the run with ``key``."""
        return self.path("runs", key)

    def is_done(self, key: str) -> bool:
        """Whether the run with ``key`` is completely stored."""
        return (self.run_dir(key) / "meta.json").is_file()

    def clean_partial(self) -> int:
        """Delete temporary files left by interrupted writes; return how many."""
        if not self.root.is_dir():
            return 0
        pattern = f"*{TMP_SUFFIX}*"
        stale = [p for p in [*self.root.glob(pattern), *self.root.glob(f"runs/*/{pattern}")]
                 if p.is_file()]
        for p in stale:
            p.unlink(missing_ok=True)
        return len(stale)

    def write_file(self, rel: str, write: Callable[[Path], None]) -> Path:
        """Write one file atomically: ``write`` fills a temp path that is then renamed."""
        final = self.path(rel)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f"{final.name}{TMP_SUFFIX}{os.getpid()}")
        try:
            write(tmp)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        return final

    def write_json(self, rel: str, obj: Any) -> Path:
        """Write a JSON document atomically."""
        text = json.dumps(obj, indent=2, sort_keys=True, default=str)

        def write(p: Path) -> None:
            p.write_text(text + "\n", encoding="utf-8")

        return self.write_file(rel, write)

    def write_frame(self, rel: str, frame: pd.DataFrame) -> Path:
        """Write a DataFrame atomically, as Parquet or CSV by the file's suffix."""
        if rel.endswith(".csv"):
            return self.write_file(rel, lambda p: frame.to_csv(p, index=False))
        return self.write_file(rel, lambda p: frame.to_parquet(p, index=False))

    def write_run(self, key: str, frames: dict[str, pd.DataFrame], config: dict[str, Any],
                  meta: dict[str, Any]) -> None:
        """Store one run: its frames and config first, ``meta.json`` last."""
        for name, frame in frames.items():
            self.write_frame(f"runs/{key}/{name}.parquet", frame)
        self.write_json(f"runs/{key}/config.json", config)
        self.write_json(f"runs/{key}/meta.json", meta)

    def read_meta(self, key: str) -> dict[str, Any]:
        """The ``meta.json`` of a stored run."""
        with open(self.run_dir(key) / "meta.json", encoding="utf-8") as f:
            meta: dict[str, Any] = json.load(f)
        return meta

    def read_kpis(self, key: str) -> pd.Series:
        """The KPIs of a stored run as a float Series indexed by KPI name."""
        df = pd.read_parquet(self.run_dir(key) / "kpis.parquet")
        return pd.Series(df["value"].to_numpy(dtype=float), index=df["kpi"].astype(str))
