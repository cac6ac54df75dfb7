"""Sobol variance-based sensitivity (``kind: sobol``): first-order and total indices.

:func:`run_sobol`

1. draws SALib's Saltelli design (:func:`govsim.decide.sobol.sobol_design`, seeded by
   ``sobol.seed``): N (k + 2) points for k inputs (first-order and total indices; no
   second-order ones),
2. runs each point as one scenario (``s0000``, ...) with the scenario engine
   (:func:`govsim.experiment.runner.run_scenarios`): common random numbers (every point
   uses the same seeds), stored runs are skipped on a rerun, every executor works,
3. averages each output over replications per point and computes S1 and ST with their
   bootstrap intervals (:func:`govsim.decide.sobol.sobol_indices`),
4. writes ``sobol.csv`` (output, input, S1, S1_low, S1_high, ST, ST_low, ST_high) and
   ``sobol_warnings.csv`` (output, warning, warning_zh: where the intervals are too wide
   to rank).

An output with a failed or undefined point is not analysed (its rows are NaN and a
warning says so): Saltelli's estimators need every point.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from govsim.decide.sobol import ranking_warnings, sobol_design, sobol_indices
from govsim.experiment.runner import ExperimentResult, run_scenarios
from govsim.experiment.sobol_spec import SobolSpec
from govsim.experiment.spec import ExperimentSpec, ScenarioSpec
from govsim.store import RunStore

__all__ = ["COLUMNS", "SobolResult", "analyse", "design", "expand", "run_sobol"]

COLUMNS = ["output", "input", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]


def _block(spec: ExperimentSpec) -> SobolSpec:
    if spec.sobol is None:
        raise ValueError(f"experiment {spec.name} is not a kind: sobol spec")
    return spec.sobol


def design(s: SobolSpec) -> np.ndarray:
    """The Saltelli design: N (k + 2) rows by one column per input (integers rounded)."""
    return sobol_design(s.sobol_inputs(), s.n_base, seed=s.seed)


def _name(i: int, n: int) -> str:
    return f"s{i:0{max(4, len(str(n - 1)))}d}"


def expand(spec: ExperimentSpec) -> ExperimentSpec:
    """The ordinary scenario experiment that runs every design point of a Sobol spec."""
    s = _block(spec)
    x = design(s)
    scenarios = tuple(
        ScenarioSpec(_name(i, len(x)), tuple(ov for inp, v in zip(s.inputs, row, strict=True)
                                             for ov in inp.overrides(v)))
        for i, row in enumerate(x))
    figures = spec.figures or ({"kind": "sobol"},)
    return dataclasses.replace(spec, kind="scenarios", scenarios=scenarios,
                               baseline=scenarios[0].name, kpis=spec.kpis or s.outputs,
                               figures=figures, crn=True)


def analyse(s: SobolSpec, summary: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indices of every output (sobol.csv) and the ranking warnings (sobol_warnings.csv)."""
    n = s.points
    names = [_name(i, n) for i in range(n)]
    frames, warnings = [], []
    for out in s.outputs:
        y = (summary[summary["kpi"] == out].groupby("scenario")["value"].mean()
             .reindex(names).to_numpy(dtype=float))
        if not np.isfinite(y).all():
            bad = int((~np.isfinite(y)).sum())
            warnings.append((out, f"{out}: {bad} of {n} design points have no value (failed "
                                  "runs or an undefined KPI); its indices are not computed.",
                             f"{out}:{n}个设计点中有{bad}个没有取值(运行失败或指标无定义),"
                             "未计算其指数。"))
            frames.append(pd.DataFrame({"output": out, "input": [i.name for i in s.inputs]}))
            continue
        table = sobol_indices(s.sobol_inputs(), y, seed=s.seed, num_resamples=s.num_resamples,
                              conf_level=s.conf_level)
        en, zh = (ranking_warnings(table, out, max_width=s.max_width, lang=lang)
                  for lang in ("en", "zh"))
        warnings += [(out, w, z) for w, z in zip(en, zh, strict=True)]
        frames.append(table.assign(output=out))
    indices = pd.concat(frames, ignore_index=True).reindex(columns=COLUMNS)
    return indices, pd.DataFrame(warnings, columns=["output", "warning", "warning_zh"])


@dataclass
class SobolResult(ExperimentResult):
    """The result of a Sobol experiment: the runs' result plus the indices and warnings."""

    indices: pd.DataFrame | None = None    # sobol.csv
    warnings: pd.DataFrame | None = None   # sobol_warnings.csv

    def table(self) -> str:
        """The indices as printable text, inputs by total index within each output."""
        if self.indices is None:
            return super().table()
        lines = ["Sobol indices (S1 first order, ST total; [95% bootstrap interval])"]
        for out, g in self.indices.groupby("output", sort=False):
            lines.append(f"  {out}")
            for r in g.itertuples():
                lines.append(f"    {r.input:<24} S1={r.S1:6.3f} [{r.S1_low:6.3f}, {r.S1_high:6.3f}]"
                             f"  ST={r.ST:6.3f} [{r.ST_low:6.3f}, {r.ST_high:6.3f}]")
        if self.warnings is not None:
            lines += [f"  warning: {w}" for w in self.warnings["warning"]]
        return "\n".join(lines)


def run_sobol(spec: ExperimentSpec, size: str = "full", **kwargs: Any) -> SobolResult:
    """Run a (sized) Sobol spec's design points with the scenario engine; analyse; write.

    ``kwargs`` go to :func:`govsim.experiment.runner.run_scenarios`. The manifest gets
    the Sobol settings under ``sobol``.
    """
    s = _block(spec)
    result = run_scenarios(expand(spec), size=size, **kwargs)
    indices, warnings = analyse(s, result.summary)
    store = RunStore(result.out_dir)
    store.write_frame("sobol_warnings.csv", warnings)
    store.write_frame("sobol.csv", indices)
    result.manifest["sobol"] = {**dataclasses.asdict(s), "points": s.points}
    store.write_json("manifest.json", result.manifest)
    base = {f.name: getattr(result, f.name) for f in fields(ExperimentResult)}
    return SobolResult(**base, indices=indices, warnings=warnings)
