"""Sobol variance-based sensitivity: which uncertain inputs drive an outcome, with interactions.

Owns the Saltelli design and the Sobol analysis, both from SALib
(``SALib.sample.sobol``, ``SALib.analyze.sobol``): first-order indices S1
(the share of the output's variance an input explains alone) and total
indices ST (alone and through every interaction), each with a bootstrap
confidence interval, computed on replication-averaged outputs (the caller runs
the replications of every design point under common random numbers, so noise
that is common to the points cancels). :func:`ranking_warnings` says when the
intervals are too wide to rank the inputs. References: A. Saltelli et al.,
"Variance based sensitivity analysis of model output", Computer Physics
Communications 181:259-270, 2010; J. Herman and W. Usher, "SALib",
JOSS 2(9):97, 2017.

Integer inputs are sampled as continuous and rounded, so their indices are
those of the rounded input. Pure functions over arrays; no simulation here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govsim.errors import ScenarioError

__all__ = ["SobolInput", "problem_of", "ranking_warnings", "sobol_design", "sobol_indices"]


@dataclass(frozen=True)
class SobolInput:
    """One uncertain input: a name and its range (inclusive), optionally whole numbers only."""

    name: str
    low: float
    high: float
    integer: bool = False

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ScenarioError(f"sobol.inputs.{self.name}.bounds", [self.low, self.high],
                                "need low < high")


def problem_of(inputs: Sequence[SobolInput]) -> dict[str, Any]:
    """The SALib problem dictionary for ``inputs``."""
    if len(inputs) < 2:
        raise ScenarioError("sobol.inputs", len(inputs), "need at least 2 inputs")
    names = [i.name for i in inputs]
    if len(set(names)) != len(names):
        raise ScenarioError("sobol.inputs", names, "input names must be unique")
    return {"num_vars": len(inputs), "names": names, "bounds": [[i.low, i.high] for i in inputs]}


def sobol_design(inputs: Sequence[SobolInput], n_base: int, seed: int) -> np.ndarray:
    """The Saltelli design: ``n_base * (d + 2)`` points (rows) by ``d`` inputs (columns).

    ``n_base`` must be a power of two (the scrambled Sobol sequence is balanced only then).
    """
    from SALib.sample import sobol as sobol_sample

    if n_base < 2 or n_base & (n_base - 1):
        raise ScenarioError("sobol.n_base", n_base, "must be a power of two >= 2, e.g. 256 or 1024")
    x = sobol_sample.sample(problem_of(inputs), n_base, calc_second_order=False, seed=seed)
    for j, item in enumerate(inputs):
        if item.integer:
            x[:, j] = np.round(x[:, j])
    return np.asarray(x, dtype=float)


def sobol_indices(
    inputs: Sequence[SobolInput],
    y: np.ndarray,
    *,
    seed: int,
    num_resamples: int = 1000,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """S1 and ST with their bootstrap intervals, one row per input, sorted by ST (largest first).

    ``y`` is one output per design point, or points x replications (averaged over
    replications first). Columns: input, S1, S1_low, S1_high, ST, ST_low, ST_high.
    """
    from SALib.analyze import sobol as sobol_analyze

    y = np.asarray(y, dtype=float)
    mean = y.mean(axis=1) if y.ndim == 2 else y
    d = len(inputs)
    if mean.ndim != 1 or mean.size % (d + 2):
        raise ScenarioError("sobol.outputs", y.shape, f"need n_base * {d + 2} rows, one per design point")
    if not np.isfinite(mean).all():
        raise ScenarioError("sobol.outputs", "NaN or inf", "every design point needs a finite output")
    res = sobol_analyze.analyze(problem_of(inputs), mean, calc_second_order=False,
                                num_resamples=num_resamples, conf_level=conf_level, seed=seed)
    table = pd.DataFrame({
        "input": [i.name for i in inputs],
        "S1": res["S1"], "S1_low": res["S1"] - res["S1_conf"], "S1_high": res["S1"] + res["S1_conf"],
        "ST": res["ST"], "ST_low": res["ST"] - res["ST_conf"], "ST_high": res["ST"] + res["ST_conf"],
    })
    return table.sort_values("ST", ascending=False, ignore_index=True)


def ranking_warnings(table: pd.DataFrame, output: str, max_width: float = 0.2,
                     negligible: float = 0.05, lang: str = "en") -> list[str]:
    """Sentences saying where the intervals are too wide to rank the inputs by total index.

    Warns for each pair of neighbours (in ST order) whose intervals overlap,
    unless both are negligible (upper bounds below ``negligible``), and for each
    input whose ST interval is wider than ``max_width``. Empty when the ranking
    stands. ``lang="zh"`` gives the same sentences in Chinese.
    """
    t = table.sort_values("ST", ascending=False, ignore_index=True)
    names = [str(n) for n in t["input"]]
    st, low, high = (t[c].to_numpy(dtype=float) for c in ("ST", "ST_low", "ST_high"))
    zh = lang == "zh"
    out = []
    for a in range(len(names) - 1):
        b = a + 1
        if low[a] <= high[b] and max(high[a], high[b]) >= negligible:
            out.append(f"{output}:{names[a]}({st[a]:.2f})与{names[b]}({st[b]:.2f})的总效应指数"
                       "区间重叠,无法排序。" if zh else
                       f"{output}: the total indices of {names[a]} ({st[a]:.2f}) and "
                       f"{names[b]} ({st[b]:.2f}) overlap; they cannot be ranked.")
    for i, name in enumerate(names):
        width = high[i] - low[i]
        if width > max_width:
            out.append(f"{output}:{name}的总效应指数区间宽{width:.2f}(超过{max_width:g});"
                       "请增大n_base或增加重复次数。" if zh else
                       f"{output}: the interval of {name}'s total index is {width:.2f} wide "
                       f"(more than {max_width:g}); use a larger n_base or more replications.")
    return out
