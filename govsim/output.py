"""Write one run's result files (atomically) to a run directory."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from govsim.errors import ScenarioError
from govsim.provenance import provenance
from govsim.run import RunResult
from govsim.store import RunStore

__all__ = ["check_output_dir", "write_run_dir"]

_SYSTEM_DIRS = (Path("/proc"), Path("/sys"), Path("/dev"))


def check_output_dir(key: str, value: object) -> Path:
    """The results directory named by ``key``, refused (ScenarioError) if it cannot hold results.

    Refused: an empty path, an existing file, a place under /proc, /sys or /dev, and a
    directory that cannot be created or written. Nothing is created here.
    """
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(key, value, "must be a non-empty directory path")
    path = Path(value).expanduser().resolve()
    if any(path == d or path.is_relative_to(d) for d in _SYSTEM_DIRS):
        raise ScenarioError(key, value, "must not be under /proc, /sys or /dev")
    if path.exists() and not path.is_dir():
        raise ScenarioError(key, value, f"must be a directory ({path} is an existing file)")
    parent = path
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ScenarioError(key, value, f"must be writable ({parent} is not a writable directory)")
    return path


def write_run_dir(out: str | os.PathLike[str], cfg: DictConfig, result: RunResult) -> None:
    """requests.parquet, kpis.csv, breakdowns, time series, config.yaml and manifest.json."""
    store = RunStore(out)
    store.write_frame("requests.parquet", result.requests)
    store.write_frame("kpis.csv", result.kpis.rename_axis("kpi").reset_index())
    store.write_frame("timeseries.parquet", result.timeseries)
    store.write_frame("utilisation.csv", result.utilisation)
    breaches = result.extra.get("breaches")
    if isinstance(breaches, pd.DataFrame):
        store.write_frame("breaches.csv", breaches)   # one row per data breach (holder, day, records)
    for by in ("item", "age_band"):
        store.write_frame(f"kpis_by_{by}.csv", result.by(by).reset_index())
    keys = [str(k) for k in cfg if k != "hydra"]
    text = OmegaConf.to_yaml(OmegaConf.masked_copy(cfg, keys), resolve=True)

    def write_config(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    store.write_file("config.yaml", write_config)
    store.write_json("manifest.json", {
        "scenario": result.scenario.name,
        "seed": result.seed,
        "wall_seconds": round(result.wall_seconds, 3),
        "requests": len(result.requests),
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **provenance(),
    })
