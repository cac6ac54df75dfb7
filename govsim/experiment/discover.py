"""Scenario discovery (``kind: discover``): where, among the uncertainties, a policy fails.

:func:`run_discover`

1. draws a seeded Latin hypercube (``scipy.stats.qmc``) over the spec's uncertain
   inputs (integer inputs take each whole value equally often),
2. runs every policy at every point as one scenario (``<policy>_p000``, ...) with the
   scenario engine (:func:`govsim.experiment.runner.run_scenarios`): common random
   numbers (every point and policy uses the same seeds), stored runs are skipped on a
   rerun, every executor works,
3. averages the failure KPI over replications at each point, applies the failure rule,
   and runs PRIM (:mod:`govsim.decide.prim`) per policy on the points where it fails,
4. writes ``discover_points.csv`` (every point: inputs, the KPI, fails), ``discover.csv``
   (one row per policy: what was found, the chosen box's rule and statistics) and per
   policy ``prim_<policy>_trajectory.csv`` and ``prim_<policy>_limits.csv``.

A policy that never or always fails, or whose failures no box separates, is said to
be so (``status``), not forced into a box.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from govsim.decide.prim import PrimResult, prim
from govsim.experiment.discover_spec import DiscoverSpec
from govsim.experiment.runner import ExperimentResult, run_scenarios
from govsim.experiment.spec import ExperimentSpec, ScenarioSpec
from govsim.store import RunStore

__all__ = ["DiscoverResult", "analyse", "design", "expand", "point_table", "run_discover",
           "scenario_name"]

STATUSES = ("box", "weak_box", "no_box", "always", "never", "no_data")


def _block(spec: ExperimentSpec) -> DiscoverSpec:
    if spec.discover is None:
        raise ValueError(f"experiment {spec.name} is not a kind: discover spec")
    return spec.discover


def design(d: DiscoverSpec) -> np.ndarray:
    """The Latin hypercube: ``points`` rows by one column per input, in the inputs' units."""
    u = qmc.LatinHypercube(d=len(d.inputs), rng=np.random.default_rng(d.seed)).random(d.points)
    x = np.empty_like(u)
    for j, inp in enumerate(d.inputs):
        if inp.integer:  # each whole value of [low, high] gets an equal share of the strata
            lo, hi = round(inp.low), round(inp.high)
            x[:, j] = np.minimum(lo + np.floor(u[:, j] * (hi - lo + 1)), hi)
        else:
            x[:, j] = inp.low + u[:, j] * (inp.high - inp.low)
    return x


def scenario_name(policy: str, point: int, points: int) -> str:
    """The scenario of ``policy`` at design point ``point``: ``<policy>_p007``."""
    return f"{policy}_p{point:0{max(3, len(str(points - 1)))}d}"


def expand(spec: ExperimentSpec) -> ExperimentSpec:
    """The ordinary scenario experiment that runs every policy at every design point."""
    d = _block(spec)
    x = design(d)
    scenarios = tuple(
        ScenarioSpec(scenario_name(p.name, i, len(x)),
                     p.overrides + tuple(ov for inp, v in zip(d.inputs, row, strict=True)
                                         for ov in inp.overrides(v)))
        for p in d.policies for i, row in enumerate(x))
    figures = spec.figures or tuple({"kind": "prim", "policy": p.name} for p in d.policies)
    return dataclasses.replace(spec, kind="scenarios", scenarios=scenarios,
                               baseline=scenarios[0].name, kpis=(d.failure.kpi,),
                               figures=figures, crn=True)


def point_table(spec: ExperimentSpec, summary: pd.DataFrame) -> pd.DataFrame:
    """One row per (policy, point): the inputs, the replication mean of the KPI, runs, fails.

    A point whose runs all failed, or whose KPI is undefined (NaN), has ``fails`` NA.
    """
    d = _block(spec)
    x = design(d)
    sub = summary[summary["kpi"] == d.failure.kpi]
    g = sub.groupby("scenario")["value"]
    mean, n = g.mean(), g.count()
    frames = []
    for p in d.policies:
        names = [scenario_name(p.name, i, len(x)) for i in range(len(x))]
        values = mean.reindex(names).to_numpy(dtype=float)
        fails = pd.array(d.failure.fails(values), dtype="boolean")
        fails[~np.isfinite(values)] = pd.NA
        frame = pd.DataFrame(x, columns=list(d.names))
        frame.insert(0, "point", np.arange(len(x)))
        frame.insert(0, "policy", p.name)
        frame[d.failure.kpi] = values
        frame["replications"] = n.reindex(names).fillna(0).astype(int).to_numpy()
        frame["fails"] = fails
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _status(res: PrimResult | None, fails: np.ndarray, min_density: float) -> str:
    if fails.size == 0:
        return "no_data"
    if not fails.any():
        return "never"
    if fails.all():
        return "always"
    assert res is not None
    if not res.box.restricted:
        return "no_box"
    # weak: no peeling step reached the target density (pruning may lower the chosen
    # box's density a little below it; that box still counts as found)
    return "box" if res.trajectory["density"].max() >= min_density else "weak_box"


def _policy_row(d: DiscoverSpec, name: str, pts: pd.DataFrame, undefined: int,
                res: PrimResult | None) -> dict[str, Any]:
    """One row of discover.csv: the rule, how often it broke, and the chosen box."""
    fails = pts["fails"].to_numpy(dtype=bool)
    values = pts[d.failure.kpi].to_numpy(dtype=float)
    some = len(pts) > 0
    row: dict[str, Any] = {
        "policy": name, "status": _status(res, fails, d.min_density),
        "rule_kpi": d.failure.kpi, "rule_op": d.failure.op, "rule_threshold": d.failure.threshold,
        "points": len(pts), "points_undefined": undefined, "failing": int(fails.sum()),
        "failing_share": float(fails.mean()) if some else np.nan,
        "kpi_min": float(values.min()) if some else np.nan,
        "kpi_max": float(values.max()) if some else np.nan,
        "min_density": d.min_density, "box_rule": "", "coverage": np.nan, "density": np.nan,
        "mass": np.nan, "n": np.nan, "p_value": np.nan, "step": np.nan}
    if res is not None:
        b = res.box
        row.update(box_rule=res.rule() if b.restricted else "", coverage=b.coverage,
                   density=b.density, mass=b.mass, n=b.n, p_value=b.p_value, step=res.chosen)
    return row


def analyse(d: DiscoverSpec, points: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, PrimResult]]:
    """PRIM per policy on the points with a defined KPI: the policy table and the results.

    The chosen box is the highest-coverage step of density at least ``min_density`` (the
    densest if none reaches it), its limits pruned at ``significance`` (quasi-p).
    """
    rows, results = [], {}
    for p in d.policies:
        mine = points[points["policy"] == p.name]
        pts = mine[mine["fails"].notna()]
        fails = pts["fails"].to_numpy(dtype=bool)
        res = None
        if fails.any() and not fails.all():
            res = prim(pts[list(d.names)].to_numpy(dtype=float), fails, d.names, alpha=d.alpha,
                       mass_min=d.mass_min, min_density=d.min_density
                       ).choose(d.min_density, d.significance)
            results[p.name] = res
        rows.append(_policy_row(d, p.name, pts, len(mine) - len(pts), res))
    return pd.DataFrame(rows), results


def _write(store: RunStore, table: pd.DataFrame, points: pd.DataFrame,
           results: dict[str, PrimResult]) -> None:
    store.write_frame("discover_points.csv", points)
    for name, res in results.items():
        store.write_frame(f"prim_{name}_trajectory.csv", res.trajectory)
        store.write_frame(f"prim_{name}_limits.csv", res.limits())
    store.write_frame("discover.csv", table)  # last: its presence marks a finished analysis


@dataclass
class DiscoverResult(ExperimentResult):
    """The result of a discovery: the runs' result plus the policy table and PRIM results."""

    discovery: pd.DataFrame | None = None     # one row per policy (discover.csv)
    points: pd.DataFrame | None = None        # one row per policy and point
    prim: dict[str, PrimResult] = dataclasses.field(default_factory=dict, repr=False)

    def table(self) -> str:
        """What was found, one line per policy."""
        if self.discovery is None:
            return super().table()
        lines = ["Scenario discovery (PRIM): where does each policy break the rule?"]
        for r in self.discovery.itertuples():
            rule = f"{r.rule_kpi} {r.rule_op} {r.rule_threshold:g}"
            what = {"always": "fails at every point", "never": "fails at no point",
                    "no_data": "no point has a defined KPI",
                    "no_box": "fails at some points, but no box of inputs separates them"}
            weak = " - no box reaches the target density" if r.status == "weak_box" else ""
            found = what.get(str(r.status)) or (
                f"fails when {r.box_rule} (coverage {r.coverage:.2f}, density {r.density:.2f}, "
                f"mass {r.mass:.2f}, p {r.p_value:.2g}{weak})")
            lines.append(f"  {r.policy}: {rule} at {r.failing}/{r.points} points; {found}")
        return "\n".join(lines)


def run_discover(spec: ExperimentSpec, size: str = "full", **kwargs: Any) -> DiscoverResult:
    """Run a (sized) discover spec's policies at every design point; run PRIM; write tables.

    ``kwargs`` go to :func:`govsim.experiment.runner.run_scenarios`. The manifest gets
    the discovery settings under ``discover``.
    """
    d = _block(spec)
    result = run_scenarios(expand(spec), size=size, **kwargs)
    points = point_table(spec, result.summary)
    table, results = analyse(d, points)
    store = RunStore(result.out_dir)
    _write(store, table, points, results)
    result.manifest["discover"] = {**dataclasses.asdict(d), "names": list(d.names)}
    store.write_json("manifest.json", result.manifest)
    base = {f.name: getattr(result, f.name) for f in fields(ExperimentResult)}
    return DiscoverResult(**base, discovery=table, points=points, prim=results)
