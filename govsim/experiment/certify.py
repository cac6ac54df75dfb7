"""Certified selection after an optimisation: which of the best candidates is best, and how sure.

The search ranks candidates on means over a few replications, so its winner may
only be lucky. :func:`certify` takes the top ``k`` feasible candidates on the first
objective from the Pareto set (filled up with the next best feasible candidates on
that objective when the front has fewer than ``k``), and runs the two-stage
indifference-zone procedure of :func:`govsim.decide.selection.select_best` (Rinott
1978 by default; Bonferroni under common random numbers on request). The first stage
is the search's own replications (0 .. n0 - 1); second-stage replications continue
the seeds (n0, n0 + 1, ...), the same for every candidate, and are stored like any
run, so a rerun reuses them. The outcome is one sentence: "option X is best on KPI Y
within Z, with probability at least P", or which options cannot be separated.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from govsim.decide.selection import select_best
from govsim.experiment.candidates import Candidates
from govsim.experiment.optimise_spec import OptimiseSpec

__all__ = ["SELECTION_COLUMNS", "certify", "selection_table", "shortlist"]

SELECTION_COLUMNS = ["candidate", "first_stage_mean", "replications", "mean", "contender", "best"]


class _RunsFailed(RuntimeError):
    """A second-stage run failed or gave no value: the selection cannot be certified."""


def shortlist(trials: pd.DataFrame, opt: OptimiseSpec) -> pd.DataFrame:
    """The candidates to certify: one row per candidate, best first on the first objective."""
    obj = opt.objectives[0]
    ok = trials[trials["feasible"] & trials[obj.kpi].notna()]
    ok = ok[np.isfinite(ok[obj.kpi].to_numpy(dtype=float))]
    ok = ok.drop_duplicates("candidate")
    ascending = obj.direction == "minimize"
    front = ok[ok["pareto"]].sort_values(obj.kpi, ascending=ascending, kind="stable")
    rest = ok[~ok["pareto"]].sort_values(obj.kpi, ascending=ascending, kind="stable")
    return pd.concat([front, rest]).head(opt.selection.k).reset_index(drop=True)


def _first_stage(summary: pd.DataFrame, names: list[str], kpi: str, n0: int) -> np.ndarray | None:
    rows = summary[(summary["kpi"] == kpi) & (summary["replication"] < n0)]
    wide = rows.pivot_table(index="replication", columns="scenario", values="value")
    wide = wide.reindex(index=range(n0), columns=names)
    y = wide.to_numpy(dtype=float)
    return None if np.isnan(y).any() else y


def _why_not(k: int, n0: int, y1: np.ndarray | None, kpi: str) -> str:
    """Why the selection cannot start ("" if it can)."""
    if k < 2:
        return "fewer than two feasible candidates were evaluated"
    if n0 < 2:
        return "the selection needs at least 2 replications per candidate (n0)"
    return f"{kpi} is missing in some first-stage replication" if y1 is None else ""


def certify(short: pd.DataFrame, summary: pd.DataFrame, cands: Candidates,
            opt: OptimiseSpec, n0: int, lever_names: list[str]) -> dict[str, Any]:
    """Run the selection over ``short`` (from :func:`shortlist`); the outcome as a JSON-able dict."""
    sel, obj = opt.selection, opt.objectives[0]
    names = [str(n) for n in short["candidate"]]
    out: dict[str, Any] = {"done": False, "kpi": obj.kpi, "direction": obj.direction,
                           "delta": sel.delta, "p_star": sel.p_star, "procedure": sel.procedure,
                           "n0": n0, "candidates": names, "reason": ""}
    y1 = _first_stage(summary, names, obj.kpi, n0) if len(names) >= 2 and n0 >= 2 else None
    out["reason"] = _why_not(len(names), n0, y1, obj.kpi)
    if y1 is None:
        return out
    values = [{lv: float(r[lv]) for lv in lever_names} for r in short.to_dict("records")]
    have = [n0] * len(names)

    def sample(i: int, n: int) -> np.ndarray:
        got = cands.replications(values[i], obj.kpi, have[i], n)
        if len(got) != n or got.isna().any():
            raise _RunsFailed(f"candidate {names[i]}: {n - int(got.notna().sum())} of {n} "
                              "second-stage runs failed or gave no value")
        have[i] += n
        return got.to_numpy(dtype=float)

    try:
        res = select_best(sample, len(names), n0, sel.delta, sel.p_star,
                          procedure=sel.procedure, larger_is_better=obj.direction == "maximize",
                          max_replications=sel.max_replications, first_stage=y1, names=names,
                          kpi=obj.kpi)
    except _RunsFailed as exc:
        out["reason"] = str(exc)
        return out
    out.update(done=True, best=names[res.best], contenders=[names[i] for i in res.contenders],
               certified=res.certified, constant=res.constant,
               means=[float(m) for m in res.means],
               replications=[int(r) for r in res.replications],
               first_stage_means=[float(m) for m in y1.mean(axis=0)],
               sentence=res.sentence())
    return out


def selection_table(outcome: dict[str, Any], short: pd.DataFrame,
                    lever_names: list[str]) -> pd.DataFrame:
    """selection.csv: one row per shortlisted candidate with its levers and cost."""
    base = short[["candidate", *lever_names, "cost"]].copy()
    if not outcome.get("done"):
        for col in SELECTION_COLUMNS[1:]:
            base[col] = math.nan
        return base
    base["first_stage_mean"] = outcome["first_stage_means"]
    base["replications"] = outcome["replications"]
    base["mean"] = outcome["means"]
    base["contender"] = [c in outcome["contenders"] for c in base["candidate"]]
    base["best"] = base["candidate"] == outcome["best"]
    return base
