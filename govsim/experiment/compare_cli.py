"""``govsim-compare PATH...``: compare stored results after the fact.

Each PATH is an experiment output directory (holding ``summary.parquet`` or
``summary.csv``) or a Hydra multirun directory whose job subdirectories hold
``kpis.csv`` and ``config.yaml`` (both read by :mod:`govsim.experiment.stored`).
Jobs whose configs differ only in ``run.seed`` are replications of one scenario;
other jobs are separate scenarios. Without replications (one run per scenario) no
difference can be tested: the command says so and prints the mean of each scenario.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from govsim.errors import ScenarioError
from govsim.experiment.compare import comparison_table, fmt, format_comparison
from govsim.experiment.stored import load_summary

__all__ = ["load_results", "main", "means_table", "replication_advice"]


def load_results(paths: list[Path]) -> tuple[pd.DataFrame, str | None]:
    """Concatenate the summaries of several directories; prefix clashing scenario names."""
    frames, baseline = [], None
    seen: set[str] = set()
    for path in paths:
        summary, base = load_summary(path)
        if summary.empty:
            raise ScenarioError("path", str(path), "holds no KPI values (did every run fail?)")
        clash = set(summary["scenario"]) & seen
        if clash:
            summary = summary.assign(scenario=path.name + "/" + summary["scenario"].astype(str))
            base = f"{path.name}/{base}" if base else None
        seen |= set(summary["scenario"])
        baseline = baseline or base
        frames.append(summary)
    return pd.concat(frames, ignore_index=True), baseline


def means_table(summary: pd.DataFrame, kpis: list[str] | None = None) -> pd.DataFrame:
    """KPI x scenario means (rows in KPI order, columns in scenario order), in stored units."""
    if kpis:
        summary = summary[summary["kpi"].isin(kpis)]
    scenarios = [str(s) for s in pd.unique(summary["scenario"])]
    order = kpis or [str(k) for k in pd.unique(summary["kpi"])]
    wide = summary.pivot_table(index="kpi", columns="scenario", values="value", aggfunc="mean",
                               dropna=False, sort=False)
    return wide.reindex(index=order, columns=scenarios).rename_axis(index="kpi", columns=None)


def _format_means(means: pd.DataFrame) -> str:
    """The means with each KPI in its display unit (percent for shares) from the registry."""
    from govsim.kpi_registry import find

    rows = [["KPI", "unit", *(str(c) for c in means.columns)]]
    for name, values in means.iterrows():
        k = find(str(name))
        scale, unit = (k.scale, k.value_unit()) if k else (1.0, "")
        rows.append([str(name), unit, *(fmt(float(v) * scale) for v in values)])
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(
        cell.ljust(w) if c < 2 else cell.rjust(w) for c, (cell, w) in enumerate(zip(r, widths, strict=True))
    ).rstrip() for r in rows)


def replication_advice(summary: pd.DataFrame, from_experiment: bool) -> str:
    """Why nothing can be compared, and the command that adds replications."""
    scenarios = [str(s) for s in pd.unique(summary["scenario"])]
    if from_experiment:
        how = "rerun the experiment with experiment.replications=3 (or more)"
    else:
        keys = {s.split("=", 1)[0] for s in scenarios if "=" in s and "," not in s}
        values = [s.split("=", 1)[1] for s in scenarios if "=" in s]
        sweep = (f"{keys.pop()}={','.join(values)}" if len(keys) == 1
                 and len(values) == len(scenarios) else "<your overrides>")
        how = f"rerun the sweep with seeds added, e.g.\n  govsim -m {sweep} run.seed=1,2,3"
    return ("No replications: each scenario has only one run, so differences between\n"
            "scenarios cannot be tested (a confidence interval needs at least 2 runs per\n"
            f"scenario). To compare, {how}\n\nMeans per scenario (one run each):")


def _compare(summary: pd.DataFrame, base: str, kpis: list[str] | None,
             from_experiment: bool) -> tuple[str, pd.DataFrame]:
    """The text to print and the table to write (comparison, or means without replications)."""
    runs = summary.groupby("scenario", sort=False)["replication"].nunique()
    if int(runs.max()) < 2:
        means = means_table(summary, kpis)
        text = replication_advice(summary, from_experiment) + "\n" + _format_means(means)
        return text, means.reset_index()
    table = comparison_table(summary, base, kpis)
    text = format_comparison(table)
    if single := [str(s) for s, n in runs.items() if n < 2]:
        text += (f"\nNote: only one run of {', '.join(single)}; its comparisons need "
                 "replications (add run.seed=1,2,3 or experiment.replications=3).")
    return text, table


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govsim-compare", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="experiment or multirun dirs")
    parser.add_argument("--baseline", help="scenario to compare against (default: the "
                        "experiment's baseline, else the first scenario)")
    parser.add_argument("--kpi", action="append", help="KPI to include (repeatable)")
    parser.add_argument("--out", type=Path, help="also write the comparison to this CSV")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``govsim-compare`` console script."""
    ns = _parser().parse_args(argv)
    try:
        summary, baseline = load_results(ns.paths)
        scenarios = list(pd.unique(summary["scenario"]))
        base = ns.baseline or baseline or scenarios[0]
        if base not in scenarios:
            raise ScenarioError("--baseline", base, f"must be one of {scenarios}")
        kpis = ns.kpi or None
        if kpis and (missing := sorted(set(kpis) - set(summary["kpi"]))):
            allowed = sorted(set(summary["kpi"]))
            raise ScenarioError("--kpi", missing[0], f"must be one of {allowed}")
        text, table = _compare(summary, base, kpis, from_experiment=baseline is not None)
    except ScenarioError as exc:
        print(f"govsim-compare: error: {exc}", file=sys.stderr)
        return 2
    print(text)
    if ns.out:
        table.to_csv(ns.out, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
