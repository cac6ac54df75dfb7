"""Global sensitivity analysis: Morris elementary-effects screening with SALib.

A ``kind: morris`` experiment (see :mod:`govsim.experiment.spec`) declares uncertain
inputs (override keys with ranges) and output KPIs. :func:`run_morris`

1. samples a Morris design with ``SALib.sample.morris.sample`` (seeded by ``morris.seed``),
2. turns each design point into a scenario (``p000``, ``p001``, ... with one override per
   input key) and runs them with the scenario engine
   (:func:`govsim.experiment.runner.run_scenarios`), so stored
   runs are skipped on a rerun and every executor works; common random numbers: every
   design point is run with the same seed(s), so the elementary effects are not blurred
   by sampling noise between points,
3. analyses each output with ``SALib.analyze.morris.analyze`` (mean over replications
   per point) and writes ``sensitivity.csv`` (input, kpi, mu_star, mu_star_conf, sigma,
   mu) and ``sensitivity_<kpi>.csv`` per output into the experiment directory; the
   report (:mod:`govsim.report`) draws one ranking figure per output from them.

This module sits on top of the runner: the runner does not import it, and
:func:`govsim.experiment.run_experiment` dispatches a ``kind: morris`` spec here.

Integer inputs are rounded in the scenario; the analysis uses the unrounded design
(the rounding error is at most half a unit per step).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govsim.experiment.morris_spec import MorrisInput, MorrisSpec
from govsim.experiment.runner import ExperimentResult, run_scenarios
from govsim.experiment.spec import ExperimentSpec, ScenarioSpec
from govsim.store import RunStore

__all__ = ["MorrisInput", "MorrisResult", "analyze_design", "design", "expand",
           "format_sensitivity", "inputs_of", "run_morris", "sensitivity_table"]

COLUMNS = ["input", "kpi", "mu_star", "mu_star_conf", "sigma", "mu"]


def _morris(spec: ExperimentSpec) -> MorrisSpec:
    if spec.morris is None:
        raise ValueError(f"experiment {spec.name} is not a kind: morris spec")
    return spec.morris


def inputs_of(spec: ExperimentSpec) -> list[MorrisInput]:
    """The spec's uncertain inputs."""
    return list(_morris(spec).inputs)


def design(spec: ExperimentSpec) -> tuple[dict[str, Any], np.ndarray]:
    """The SALib problem and the Morris design (r * (k + 1) rows, one column per input)."""
    from SALib.sample import morris as morris_sample

    m = _morris(spec)
    problem = m.problem()
    x = morris_sample.sample(problem, m.trajectories, num_levels=m.num_levels, seed=m.seed)
    return problem, np.asarray(x, dtype=float)


def _point(i: int, n: int) -> str:
    return f"p{i:0{max(3, len(str(n - 1)))}d}"


def expand(spec: ExperimentSpec) -> ExperimentSpec:
    """The ordinary scenario experiment that runs every design point of a Morris spec.

    Default figures: one ranking of mu_star per output KPI (from ``sensitivity_<kpi>.csv``).
    """
    inputs = inputs_of(spec)
    _, x = design(spec)
    scenarios = tuple(
        ScenarioSpec(_point(i, len(x)),
                     tuple(ov for inp, v in zip(inputs, row, strict=True)
                           for ov in inp.overrides(v)))
        for i, row in enumerate(x))
    outputs = _morris(spec).outputs
    figures = spec.figures or tuple(
        {"kind": "ranking", "table": f"sensitivity_{k}.csv", "value": "mu_star",
         "label": "input", "title": f"Morris screening: mu* of the inputs on {k}",
         "xlabel": f"mu* (mean absolute elementary effect on {k}, over the input's range)"}
        for k in outputs)
    return dataclasses.replace(spec, kind="scenarios", scenarios=scenarios,
                               baseline=scenarios[0].name, kpis=spec.kpis or outputs,
                               figures=figures, crn=True)


def analyze_design(problem: dict[str, Any], x: np.ndarray, outputs: dict[str, np.ndarray],
                   num_levels: int = 4, seed: int = 0) -> pd.DataFrame:
    """Morris indices of each output (a dict of KPI -> values per design row), tidy."""
    from SALib.analyze import morris as morris_analyze

    rows = []
    for kpi, y in outputs.items():
        y = np.asarray(y, dtype=float)
        if not np.isfinite(y).all():  # e.g. no 60+ requests in a point: mark, do not guess
            rows += [{"input": n, "kpi": kpi, "mu_star": math.nan, "mu_star_conf": math.nan,
                      "sigma": math.nan, "mu": math.nan} for n in problem["names"]]
            continue
        res = morris_analyze.analyze(problem, x, y, num_levels=num_levels, seed=seed,
                                     print_to_console=False)
        for j, name in enumerate(problem["names"]):
            rows.append({"input": name, "kpi": kpi, "mu_star": float(res["mu_star"][j]),
                         "mu_star_conf": float(res["mu_star_conf"][j]),
                         "sigma": float(res["sigma"][j]), "mu": float(res["mu"][j])})
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["kpi", "mu_star"], ascending=[True, False], kind="stable",
                           ignore_index=True)


def sensitivity_table(spec: ExperimentSpec, summary: pd.DataFrame) -> pd.DataFrame:
    """Analyse a finished Morris experiment from its tidy summary (scenario, kpi, value)."""
    problem, x = design(spec)
    expanded = expand(spec)
    names = list(expanded.scenario_names)
    m = _morris(spec)
    outputs = {}
    for kpi in m.outputs:  # a failed design point is NaN: its output is not analysed
        sub = summary[summary["kpi"] == kpi]
        means = sub.groupby("scenario")["value"].mean()
        outputs[kpi] = means.reindex(names).to_numpy(dtype=float)
    return analyze_design(problem, x, outputs, num_levels=m.num_levels, seed=m.seed)


def format_sensitivity(table: pd.DataFrame) -> str:
    """The Morris table as printable text, inputs ranked by mu* within each KPI."""
    lines = ["Morris screening (mu*: mean |elementary effect|; conf: 95% bootstrap half-width)"]
    for kpi, g in table.groupby("kpi", sort=False):
        lines.append(f"  {kpi}")
        for r in g.itertuples():
            lines.append(f"    {r.input:<22} mu*={r.mu_star:10.4g} +/- {r.mu_star_conf:<10.3g}"
                         f" sigma={r.sigma:10.4g}  mu={r.mu:10.4g}")
    return "\n".join(lines)


def _write(store_root: Path, table: pd.DataFrame) -> None:
    store = RunStore(store_root)
    store.write_frame("sensitivity.csv", table)
    for kpi, g in table.groupby("kpi", sort=False):
        store.write_frame(f"sensitivity_{kpi}.csv", g.reset_index(drop=True))


@dataclass
class MorrisResult(ExperimentResult):
    """The result of a Morris experiment: the runs' result plus the screening table."""

    sensitivity: pd.DataFrame | None = None  # input, kpi, mu_star, mu_star_conf, sigma, mu

    def table(self) -> str:
        """The screening as printable text."""
        if self.sensitivity is None:
            return super().table()
        return format_sensitivity(self.sensitivity)


def run_morris(spec: ExperimentSpec, size: str = "full", **kwargs: Any) -> MorrisResult:
    """Run a (sized) Morris spec's design points with the scenario engine; analyse; write.

    ``kwargs`` are passed to :func:`govsim.experiment.runner.run_scenarios`. The manifest
    gets the SALib problem and the Morris settings under ``morris``.
    """
    result = run_scenarios(expand(spec), size=size, **kwargs)
    table = sensitivity_table(spec, result.summary)
    _write(result.out_dir, table)
    result.manifest["morris"] = {"problem": _morris(spec).problem(),
                                 **dataclasses.asdict(_morris(spec))}
    RunStore(result.out_dir).write_json("manifest.json", result.manifest)
    fields_ = {f.name: getattr(result, f.name) for f in fields(ExperimentResult)}
    return MorrisResult(**fields_, sensitivity=table)
