"""``kind: optimise``: the best mix of levers under a budget, searched with Optuna, then certified.

:func:`run_optimise`

1. searches the levers with :func:`govsim.decide.optimise.optimise` (TPE for one
   objective, NSGA-II for several; both respect the budget as a constraint, and a
   candidate over the budget is never simulated). The first trial is "do nothing"
   (every lever at its lower bound), the reference of the comparison table. Each
   candidate is one scenario run with ``replications`` replications under common
   random numbers (:class:`govsim.experiment.candidates.Candidates`). The Optuna study
   lives in ``optuna.sqlite3`` in the experiment directory, so an interrupted search
   resumes: completed trials are kept, a cut-off trial is run again with the same
   levers and its stored runs are reused;
2. certifies the choice among the best ``k`` candidates on the first objective
   (:mod:`govsim.experiment.certify`);
3. reruns every evaluated candidate through the scenario engine (all stored, nothing is
   simulated) for the summary, comparison and manifest, and writes ``trials.csv``
   (levers, cost, feasibility, objective means with 95% t intervals), ``pareto.csv``,
   ``selection.csv`` and ``selection.json`` into the experiment directory.

The study's name carries a hash of everything that decides a candidate's values (base
overrides, replications, seeds, size), so rerunning another size in the same
directory starts its own study instead of mixing the two.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.decide.optimise import optimise
from govsim.experiment.candidates import Candidates, candidate_id
from govsim.experiment.certify import certify, selection_table, shortlist
from govsim.experiment.optimise_spec import OptimiseSpec
from govsim.experiment.runner import ExperimentResult, _default_load, run_scenarios
from govsim.experiment.shared_executor import SharedExecutor
from govsim.experiment.spec import ExperimentSpec, ScenarioSpec
from govsim.experiment.stats import describe
from govsim.store import RunStore

__all__ = ["OptimiseResult", "run_optimise", "trials_table"]

DEFAULT_FIGURES = ({"kind": "pareto"}, {"kind": "levers"})


def _opt(spec: ExperimentSpec) -> OptimiseSpec:
    opt = getattr(spec, "optimise", None)
    if not isinstance(opt, OptimiseSpec):
        raise ValueError(f"experiment {spec.name} is not a kind: optimise spec")
    return opt


@dataclass
class OptimiseResult(ExperimentResult):
    """An optimisation's result: the runs' result plus trials, Pareto set and selection."""

    trials: pd.DataFrame | None = None
    pareto: pd.DataFrame | None = None
    selection: dict[str, Any] | None = None

    def table(self) -> str:
        """The Pareto set and the selection outcome as printable text."""
        if self.pareto is None or self.trials is None:
            return super().table()
        n, ok = len(self.trials), int(self.trials["feasible"].sum())
        lines = [f"Optimisation: {n} trials, {ok} within budget, {len(self.pareto)} on the "
                 "Pareto front", self.pareto.to_string(index=False, max_cols=20)]
        sel = self.selection or {}
        lines.append(sel.get("sentence") or f"Selection not done: {sel.get('reason', '')}")
        return "\n".join(lines)


def _study_name(spec: ExperimentSpec, size: str, base_overrides: list[str]) -> str:
    what = {"base": list(spec.base), "extra": base_overrides, "replications": spec.replications,
            "base_seed": spec.base_seed, "crn": spec.crn, "size": size}
    return "optimise-" + hashlib.sha1(json.dumps(what, sort_keys=True).encode()).hexdigest()[:10]


def trials_table(raw: pd.DataFrame, summary: pd.DataFrame, opt: OptimiseSpec) -> pd.DataFrame:
    """trials.csv: every trial with its candidate, levers, cost, feasibility, means and CIs."""
    out = raw.copy()
    stats = describe(summary).set_index(["scenario", "kpi"]) if not summary.empty else None
    for o in opt.objectives:
        lo, hi, n = [], [], []
        for cand in out["candidate"]:
            hit = stats is not None and (cand, o.kpi) in stats.index
            row = stats.loc[(cand, o.kpi)] if hit and stats is not None else None
            lo.append(float("nan") if row is None else float(row["ci_low"]))
            hi.append(float("nan") if row is None else float(row["ci_high"]))
            n.append(0 if row is None else int(row["n"]))
        out[o.kpi] = out[o.kpi].where(out["feasible"])  # not simulated: no value
        out[f"{o.kpi}_ci_low"], out[f"{o.kpi}_ci_high"] = lo, hi
        out[f"{o.kpi}_n"] = n
    return out


def _values(row: Mapping[Any, Any], levers: list[str]) -> dict[str, float]:
    return {lv: float(row[lv]) for lv in levers}


def _named(raw: pd.DataFrame, opt: OptimiseSpec) -> dict[str, str]:
    """candidate id -> display name ``t<first trial>`` for every evaluated feasible candidate."""
    levers = [lv.name for lv in opt.levers]
    names: dict[str, str] = {}
    width = max(3, len(str(int(raw["trial"].max())))) if len(raw) else 3
    for r in raw[raw["feasible"]].sort_values("trial").to_dict("records"):
        names.setdefault(candidate_id(opt, _values(r, levers)), f"t{int(r['trial']):0{width}d}")
    return names


def _final_spec(spec: ExperimentSpec, cands: Candidates, raw: pd.DataFrame,
                names: dict[str, str], best: str | None) -> ExperimentSpec:
    """The scenario experiment over every evaluated candidate (named t###), do-nothing first."""
    opt = _opt(spec)
    levers = [lv.name for lv in opt.levers]
    by_id = {candidate_id(opt, _values(r, levers)): r for r in raw.to_dict("records")}
    scenarios = tuple(ScenarioSpec(name, opt.overrides(_values(by_id[cid], levers)))
                      for cid, name in sorted(names.items(), key=lambda p: p[1]))
    sub = cands.sub_spec(scenarios, spec.replications)
    headline = f"{best}:{opt.objectives[0].kpi}" if best and best != scenarios[0].name else None
    return dataclasses.replace(sub, figures=spec.figures or DEFAULT_FIGURES, headline=headline)


def run_optimise(spec: ExperimentSpec, size: str = "full", **kwargs: Any) -> OptimiseResult:
    """Search, certify and tabulate a (sized) ``kind: optimise`` spec; write its outputs.

    ``kwargs`` are those of :func:`govsim.experiment.runner.run_scenarios`. One executor
    (on ``dask``, one local cluster or one client) serves every candidate, the
    certification and the final table; it is closed at the end, on an error or on Ctrl-C.
    """
    out_dir = Path(kwargs.get("out_dir") or Path("runs") / spec.name)
    with SharedExecutor(kwargs.get("executor", "serial"), kwargs.get("workers"),
                        kwargs.get("address"),
                        oversubscribe=bool(kwargs.get("oversubscribe"))) as shared:
        cands = Candidates(spec, _opt(spec), {**kwargs, "out_dir": out_dir, "size": size,
                                              "mapper": shared}, _default_load)
        return _search_and_certify(spec, size, cands, list(kwargs.get("base_overrides", ())))


def _search_and_certify(spec: ExperimentSpec, size: str, cands: Candidates,
                        base_overrides: list[str]) -> OptimiseResult:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    opt, levers = _opt(spec), [lv.name for lv in _opt(spec).levers]
    out_dir = Path(cands.kwargs["out_dir"])
    search = optimise(cands.evaluate, opt.search_levers, opt.objectives, opt.budget, opt.trials,
                      out_dir, seed=opt.seed, population=opt.population,
                      initial=[{lv.name: lv.low for lv in opt.levers}],
                      study_name=_study_name(spec, size, base_overrides))
    names = _named(search.trials, opt)
    if not names:  # nothing feasible was evaluated: no table to compare
        raise_nothing(opt)
    raw = search.trials.copy()
    raw.insert(1, "candidate", [names.get(candidate_id(opt, _values(r, levers)), "")
                                for r in raw.to_dict("records")])
    result = run_scenarios(_final_spec(spec, cands, raw, names, None), **cands.kwargs)
    short = shortlist(raw, opt)
    outcome = certify(short, result.summary, cands, opt, spec.replications, levers)
    final = _final_spec(spec, cands, raw, names, outcome.get("best"))
    result.spec = final
    result.manifest["experiment"] = final.to_dict()  # the headline: the certified best
    trials = trials_table(raw, result.summary, opt)
    pareto = trials[trials["pareto"]].drop_duplicates("candidate").reset_index(drop=True)
    _write(result, trials, pareto, selection_table(outcome, short, levers), outcome, opt,
           search.storage)
    fields_ = {f.name: getattr(result, f.name) for f in fields(ExperimentResult)}
    fields_.update(failed=cands.failed, runs_run=cands.runs_run, runs_skipped=cands.runs_skipped)
    return OptimiseResult(**fields_, trials=trials, pareto=pareto, selection=outcome)


def raise_nothing(opt: OptimiseSpec) -> None:
    """No feasible candidate could be evaluated: a user error (the budget or the levers)."""
    from govsim.errors import ScenarioError

    raise ScenarioError("optimise.budget", opt.budget, "no candidate within the budget could be "
                        "evaluated (raise the budget or lower the levers' lower bounds)")


def _write(result: ExperimentResult, trials: pd.DataFrame, pareto: pd.DataFrame,
           selection: pd.DataFrame, outcome: dict[str, Any], opt: OptimiseSpec,
           storage: Path | None) -> None:
    store = RunStore(result.out_dir)
    store.write_frame("trials.csv", trials)
    store.write_frame("pareto.csv", pareto)
    store.write_frame("selection.csv", selection)
    store.write_json("selection.json", outcome)
    result.manifest["optimise"] = {
        **dataclasses.asdict(opt), "trials_completed": len(trials),
        "feasible": int(trials["feasible"].sum()), "pareto": len(pareto),
        "study": None if storage is None else storage.name}
    store.write_json("manifest.json", result.manifest)
