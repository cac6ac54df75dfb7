"""Write one run's result files (atomically) to a run directory."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from govsim.experiment.store import RunStore
from govsim.provenance import provenance
from govsim.run import RunResult

__all__ = ["write_run_dir"]


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
