"""PRIM scenario discovery: the boxes of inputs where a policy fails.

Owns the Patient Rule Induction Method of J. H. Friedman and N. I. Fisher,
"Bump hunting in high-dimensional data", Statistics and Computing 9:123-143,
1999, as used in scenario discovery (B. P. Bryant and R. J. Lempert,
"Thinking inside the box", Technological Forecasting and Social Change
77:34-49, 2010): starting from the box holding every point, repeatedly peel
off the ``alpha`` share of points at one end of one input, choosing the peel
that leaves the highest share of cases of interest (the density), until the
box holds less than ``mass_min`` of the points. Each step is one point on the
coverage/density trade-off curve; a box is chosen on it and written as a rule.

Written here rather than taken from EMA Workbench (BSD-3, whose PRIM is the
reference implementation) because EMA Workbench pulls in scikit-learn,
statsmodels, seaborn and platypus-opt for what is ~150 lines of numpy.
Pasting (the optional second phase that grows the box back) is not done:
peeling alone gives the trade-off curve that scenario discovery reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from govsim.errors import ScenarioError

__all__ = ["Box", "PrimResult", "prim"]


@dataclass(frozen=True)
class Box:
    """One box: inclusive limits per input, its statistics and the inputs it restricts."""

    lower: np.ndarray
    upper: np.ndarray
    coverage: float
    density: float
    mass: float
    n: int
    p_value: float
    restricted: tuple[int, ...]


@dataclass(frozen=True)
class PrimResult:
    """The peeling trajectory, one box per step, and the chosen box.

    ``trajectory`` has one row per peeling step: coverage (share of all cases
    of interest inside the box), density (share of the box's points that are
    cases of interest), mass (share of all points inside), n (points inside),
    restricted (how many inputs the box limits) and p_value (one-sided
    binomial test that the box's density exceeds the overall share).
    ``box`` is the chosen step's box after dropping the restrictions whose
    quasi-p-value (Bryant and Lempert 2010) exceeds the significance level.
    """

    names: tuple[str, ...]
    trajectory: pd.DataFrame
    lower: np.ndarray  # (steps, inputs) inclusive lower limit of each step's box
    upper: np.ndarray  # (steps, inputs) inclusive upper limit of each step's box
    x: np.ndarray
    y: np.ndarray
    chosen: int
    box: Box

    @property
    def integer(self) -> np.ndarray:
        """Which inputs take only whole values."""
        return np.all(np.equal(np.mod(self.x, 1), 0), axis=0)

    def choose(self, min_density: float, significance: float = 0.05) -> PrimResult:
        """The highest-coverage step whose density is at least ``min_density`` (the densest step
        if none reaches it), its restrictions pruned at ``significance``."""
        density = self.trajectory["density"].to_numpy()
        ok = np.flatnonzero(density >= min_density)
        step = int(ok[0]) if ok.size else int(density.argmax())
        box = _prune(self.x, self.y, self.lower[step], self.upper[step], significance)
        return PrimResult(self.names, self.trajectory, self.lower, self.upper, self.x, self.y, step, box)

    def limits(self) -> pd.DataFrame:
        """The chosen box's restricted inputs with their limits, the data's range and the
        quasi-p-value of each limit (NaN for a side the box does not restrict)."""
        lo, hi = self.x.min(axis=0), self.x.max(axis=0)
        b_lo, b_hi = self.box.lower, self.box.upper
        rows = [{"input": self.names[j], "lower": b_lo[j], "upper": b_hi[j],
                 "data_min": lo[j], "data_max": hi[j],
                 "qp_lower": _quasi_p(self.x, self.y, b_lo, b_hi, j, 0) if b_lo[j] > lo[j]
                 else np.nan,
                 "qp_upper": _quasi_p(self.x, self.y, b_lo, b_hi, j, 1) if b_hi[j] < hi[j]
                 else np.nan}
                for j in self.box.restricted]
        return pd.DataFrame(rows, columns=["input", "lower", "upper", "data_min", "data_max",
                                           "qp_lower", "qp_upper"])

    def rule(self) -> str:
        """The chosen box in plain words, e.g. ``literacy_min >= 0.412 and proxies = 0``."""
        lo, hi, integer = self.x.min(axis=0), self.x.max(axis=0), self.integer
        parts = [_condition(self.names[j], self.box.lower[j], self.box.upper[j], lo[j], hi[j],
                            bool(integer[j])) for j in self.box.restricted]
        return " and ".join(parts) or "always (the box is the whole input space)"


def _fmt(value: float, integer: bool) -> str:
    return str(round(value)) if integer else f"{value:.3g}"


def _condition(name: str, lo: float, hi: float, data_lo: float, data_hi: float, integer: bool) -> str:
    if lo == hi:
        return f"{name} = {_fmt(lo, integer)}"
    if lo > data_lo and hi < data_hi:
        return f"{_fmt(lo, integer)} <= {name} <= {_fmt(hi, integer)}"
    if lo > data_lo:
        return f"{name} >= {_fmt(lo, integer)}"
    return f"{name} <= {_fmt(hi, integer)}"


def prim(
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    alpha: float = 0.05,
    mass_min: float = 0.05,
    min_density: float = 0.8,
) -> PrimResult:
    """Peel boxes over inputs ``x`` (points x inputs) towards the cases of interest ``y`` (bool).

    Returns the whole trajectory with the highest-coverage box of density at
    least ``min_density`` chosen and pruned (see :meth:`PrimResult.choose`).
    """
    x, y = _checked(x, y, names, alpha, mass_min)
    inside = np.ones(len(y), dtype=bool)
    lowers, uppers = [x.min(axis=0)], [x.max(axis=0)]
    rows = [_stats(inside, y, lowers[0], uppers[0], x)]
    while rows[-1]["density"] < 1.0:
        peel = _best_peel(x, y, inside, alpha, mass_min)
        if peel is None:
            break
        inside = peel
        lowers.append(x[inside].min(axis=0))
        uppers.append(x[inside].max(axis=0))
        rows.append(_stats(inside, y, lowers[-1], uppers[-1], x))
    trajectory = pd.DataFrame(rows)
    trajectory.insert(0, "step", np.arange(len(rows)))
    first = _box(x, y, lowers[0], uppers[0])
    result = PrimResult(tuple(names), trajectory, np.array(lowers), np.array(uppers), x, y, 0, first)
    return result.choose(min_density)


def _checked(x: np.ndarray, y: np.ndarray, names: Sequence[str], alpha: float,
             mass_min: float) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    if x.ndim != 2 or x.shape[1] != len(names):
        raise ScenarioError("prim.inputs", x.shape, f"must be (points, {len(names)}) for {len(names)} names")
    if y.shape != (x.shape[0],) or y.dtype != bool:
        raise ScenarioError("prim.cases", y.shape, f"must be {x.shape[0]} booleans, one per point")
    if not y.any():
        raise ScenarioError("prim.cases", 0, "no case of interest: the failure rule never holds")
    if not 0 < alpha < 0.5:
        raise ScenarioError("prim.alpha", alpha, "the peel share must be in (0, 0.5)")
    if not 0 < mass_min < 1:
        raise ScenarioError("prim.mass_min", mass_min, "the smallest box share must be in (0, 1)")
    return x, y


def _best_peel(x: np.ndarray, y: np.ndarray, inside: np.ndarray, alpha: float,
               mass_min: float) -> np.ndarray | None:
    """The box left by the peel that maximises density (ties: the larger box), or None.

    A peel removes the points at or beyond the ``alpha`` quantile of one input
    (a data value, so at least one point goes; on a few-valued input it takes
    the whole extreme value).
    """
    n_min, n_in = mass_min * len(y), int(inside.sum())
    best: tuple[float, int] | None = None
    best_box = None
    for j in range(x.shape[1]):
        col, values = x[:, j], x[inside, j]
        low = np.quantile(values, alpha, method="lower")
        high = np.quantile(values, 1 - alpha, method="higher")
        for box in (inside & (col > low), inside & (col < high)):
            n_box = int(box.sum())
            if n_box < max(n_min, 1) or n_box == n_in:
                continue
            score = (float(y[box].mean()), n_box)
            if best is None or score > best:
                best, best_box = score, box
    return best_box


def _inside(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.all((x >= lo) & (x <= hi), axis=1)


def _stats(inside: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray,
           x: np.ndarray) -> dict[str, float]:
    n_in, hits = int(inside.sum()), int(y[inside].sum())
    base = float(y.mean())
    restricted = int(np.sum((lo > x.min(axis=0)) | (hi < x.max(axis=0))))
    p_value = float(stats.binomtest(hits, n_in, base, alternative="greater").pvalue) if base < 1 else 1.0
    return {"coverage": hits / float(y.sum()), "density": hits / n_in, "mass": n_in / len(y),
            "n": n_in, "restricted": restricted, "p_value": p_value}


def _box(x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> Box:
    st = _stats(_inside(x, lo, hi), y, lo, hi, x)
    cut = np.flatnonzero((lo > x.min(axis=0)) | (hi < x.max(axis=0)))
    return Box(lo.copy(), hi.copy(), st["coverage"], st["density"], st["mass"], int(st["n"]),
               st["p_value"], tuple(int(j) for j in cut))


def _widened(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, j: int, side: int) -> tuple[np.ndarray, ...]:
    """The box with input j's lower (side 0) or upper (side 1) limit moved back to the data's edge."""
    lo, hi = lo.copy(), hi.copy()
    if side == 0:
        lo[j] = x[:, j].min()
    else:
        hi[j] = x[:, j].max()
    return lo, hi


def _quasi_p(x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, j: int, side: int) -> float:
    """Bryant and Lempert's quasi-p-value of one limit: the chance of the box's cases of
    interest or more if its density were that of the box without the limit."""
    inside = _inside(x, lo, hi)
    p0 = float(y[_inside(x, *_widened(x, lo, hi, j, side))].mean())
    hits, n = int(y[inside].sum()), int(inside.sum())
    return float(stats.binomtest(hits, n, p0, alternative="greater").pvalue) if p0 < 1 else 1.0


def _prune(x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, significance: float) -> Box:
    """Drop, one at a time and least significant first, limits whose quasi-p > significance."""
    data_lo, data_hi = x.min(axis=0), x.max(axis=0)
    while True:
        limits = [(int(j), 0) for j in np.flatnonzero(lo > data_lo)]
        limits += [(int(j), 1) for j in np.flatnonzero(hi < data_hi)]
        if not limits:
            return _box(x, y, lo, hi)
        qp = {lim: _quasi_p(x, y, lo, hi, *lim) for lim in limits}
        worst = max(qp, key=lambda lim: qp[lim])
        if qp[worst] <= significance:
            return _box(x, y, lo, hi)
        lo, hi = _widened(x, lo, hi, *worst)
