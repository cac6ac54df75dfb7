"""The sequential rule: add replications until a KPI's confidence interval is narrow enough.

A spec with ``target_rel_halfwidth`` grows the number of replications (by ``batch``, or
to the estimate of :func:`replications_for_precision`) up to ``max_replications``.
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from govsim.errors import ScenarioError
from govsim.experiment.spec import ExperimentSpec
from govsim.experiment.stats import relative_halfwidths, replications_for_precision

__all__ = ["next_replications", "precision"]


def next_replications(spec: ExperimentSpec, summary: pd.DataFrame, n: int) -> int:
    """Replications needed next under the sequential rule (``n`` when precision is met)."""
    if spec.target_rel_halfwidth is None:
        return n
    kpi = spec.target_kpi or spec.kpis[0]
    if kpi not in set(summary["kpi"]):
        raise ScenarioError("target_kpi", kpi, f"must be a KPI the runs report, e.g. "
                            f"{sorted(set(summary['kpi']))[:8]}")
    cap = spec.max_replications or max(100, spec.replications)
    rel = relative_halfwidths(summary, kpi)
    if n >= cap or bool((rel <= spec.target_rel_halfwidth).all()):
        return n
    sub = summary[summary["kpi"] == kpi]
    need = max(replications_for_precision(g["value"].to_numpy(), spec.target_rel_halfwidth)
               for _, g in sub.groupby("scenario"))
    step = n + spec.batch if spec.batch else max(n + 1, need)
    return min(cap, step)


def precision(spec: ExperimentSpec, summary: pd.DataFrame) -> dict[str, Any] | None:
    """Whether the sequential rule's target was met (None when no target was set)."""
    if spec.target_rel_halfwidth is None:
        return None
    kpi = spec.target_kpi or spec.kpis[0]
    if summary.empty:  # every run failed
        return {"kpi": kpi, "target_rel_halfwidth": spec.target_rel_halfwidth, "met": False,
                "rel_halfwidth": {}}
    rel = relative_halfwidths(summary, kpi)
    met = bool((rel <= spec.target_rel_halfwidth).all())
    if not met:
        warnings.warn(f"target relative half-width {spec.target_rel_halfwidth} on {kpi} not met "
                      f"at the cap of replications: {rel.round(4).to_dict()}", stacklevel=3)
    return {"kpi": kpi, "target_rel_halfwidth": spec.target_rel_halfwidth, "met": met,
            "rel_halfwidth": {str(k): float(v) for k, v in rel.items()}}
