"""Certified selection of the best of k candidates (indifference-zone ranking and selection).

Owns the two-stage procedures that decide how many replications each candidate
needs so that the one reported as best is, with probability at least ``P*``,
the best or within ``delta`` of it:

* ``"rinott"``: Rinott's two-stage procedure (Y. Rinott, "On two-stage
  selection procedures and related probability-inequalities", Communications
  in Statistics A 7(8):799-811, 1978) in Bechhofer's indifference-zone
  formulation (R. E. Bechhofer, T. J. Santner, D. M. Goldsman, *Design and
  Analysis of Experiments for Statistical Selection, Screening, and Multiple
  Comparisons*, Wiley 1995, where h is tabulated). Valid for candidates
  sampled independently. ``N_i = max(n0, ceil((h S_i / delta)^2))``, with
  ``h`` from :func:`rinott_h`.
* ``"bonferroni"``: the Clark-Yang two-stage Bonferroni procedure as given by
  B. L. Nelson and F. J. Matejcik, "Using common random numbers for
  indifference-zone selection and multiple comparisons in simulation",
  Management Science 41(12):1935-1945, 1995. Valid under common
  random numbers (the simulation's default): it works on paired differences,
  ``N = max(n0, ceil(t^2 max_{i != j} S_ij^2 / delta^2))`` with
  ``t = t_{1 - (1 - P*)/(k - 1), n0 - 1}``, the same ``N`` for every candidate.

After the second stage both report Hsu's multiple comparisons with the best
(MCB), which hold jointly with the selection at level ``P*`` (F. J. Matejcik
and B. L. Nelson, "Two-stage multiple comparisons with the best for computer
simulation", Operations Research 43(4), 1995, for Rinott; Nelson and Matejcik
1995 under common random numbers): the candidates whose upper MCB bound is
positive are those that cannot be separated from the best at ``delta``. Pure
functions over arrays and a sampling callable; no simulation code here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import optimize, special, stats

from govsim.errors import ScenarioError

__all__ = [
    "PROCEDURES",
    "Selection",
    "rinott_h",
    "select_best",
]

PROCEDURES = ("rinott", "bonferroni")
Sampler = Callable[[int, int], np.ndarray]

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(256)
_U = 0.5 * (_NODES + 1.0)  # Gauss-Legendre nodes on (0, 1)
_W = 0.5 * _WEIGHTS


def _rinott_pcs(h: float, k: int, nu: int) -> float:
    """The Rinott integral: P(correct selection) at constant h, in the slippage configuration.

    ``int_0^inf [int_0^inf Phi(h / sqrt(nu (1/x + 1/y))) f(x) dx]^(k-1) f(y) dy`` with
    ``f`` the chi-square density with ``nu`` degrees of freedom; both integrals are
    taken over the chi-square quantile u in (0, 1) with Gauss-Legendre nodes.
    """
    inv = _inverse_chi2_nodes(nu)
    inner = special.ndtr(h / np.sqrt(nu * (inv[:, None] + inv[None, :]))) @ _W
    return float(np.sum(_W * inner ** (k - 1)))


@lru_cache(maxsize=64)
def _inverse_chi2_nodes(nu: int) -> np.ndarray:
    return 1.0 / stats.chi2.ppf(_U, nu)


@lru_cache(maxsize=256)
def rinott_h(k: int, n0: int, p_star: float) -> float:
    """Rinott's constant h for k candidates, n0 first-stage replications, level p_star.

    Solves the Rinott integral equal to ``p_star`` by root-finding (Brent).
    As n0 grows it tends to ``sqrt(2) * Phi^-1(p_star^(1/(k-1)))``; for k = 2 it equals
    Dudewicz and Dalal's h1 (the difference of two independent t variables).
    """
    _check_design(k, n0, p_star)
    nu = n0 - 1
    upper = 8.0
    while _rinott_pcs(upper, k, nu) < p_star:  # few first-stage replications need a large h
        upper *= 2.0
        if upper > 1e6:
            raise ScenarioError("selection.n0", n0, f"too few first-stage replications for k={k}, "
                                f"P*={p_star}")
    return float(optimize.brentq(lambda h: _rinott_pcs(h, k, nu) - p_star, 1e-6, upper, xtol=1e-10))


def _check_design(k: int, n0: int, p_star: float) -> None:
    if k < 2:
        raise ScenarioError("selection.k", k, "need at least 2 candidates")
    if n0 < 2:
        raise ScenarioError("selection.n0", n0, "need at least 2 first-stage replications")
    if not 1.0 / k < p_star < 1.0:
        raise ScenarioError("selection.p_star", p_star, f"must be in (1/k, 1) = ({1.0 / k:.3g}, 1)")


@dataclass(frozen=True)
class Selection:
    """The outcome of a certified selection, oriented so that ``best`` is the chosen index."""

    best: int
    names: tuple[str, ...]
    means: np.ndarray
    replications: np.ndarray
    contenders: tuple[int, ...]
    kpi: str
    delta: float
    p_star: float
    procedure: str
    constant: float
    certified: bool

    def sentence(self) -> str:
        """One plain sentence for a report."""
        name, p = self.names[self.best], f"{self.p_star:.0%}"
        if not self.certified:
            return (f"No option can be certified on {self.kpi}: the replication cap stopped the second "
                    f"stage; {name} has the best mean so far.")
        if len(self.contenders) == 1:
            return (f"Option {name} is best on {self.kpi} within {self.delta:g}, "
                    f"with probability at least {p}.")
        others = ", ".join(self.names[i] for i in self.contenders)
        return (f"Options {others} cannot be separated on {self.kpi} within {self.delta:g}; "
                f"{name} has the best mean and is within {self.delta:g} of the best "
                f"with probability at least {p}.")


def select_best(
    sample: Sampler,
    k: int,
    n0: int,
    delta: float,
    p_star: float = 0.95,
    *,
    procedure: str = "bonferroni",
    larger_is_better: bool = True,
    max_replications: int = 10_000,
    first_stage: np.ndarray | None = None,
    names: Sequence[str] | None = None,
    kpi: str = "the KPI",
) -> Selection:
    """Select the best of ``k`` candidates with probability of correct selection >= ``p_star``.

    ``sample(i, n)`` returns the next ``n`` outcomes of candidate ``i`` (replications
    continue where the last call stopped; with common random numbers the caller
    gives replication r the same seed for every candidate). ``first_stage`` (n0 x k)
    may be given instead of drawing it. ``max_replications`` caps each candidate's
    total; if the cap binds, the result is reported as not certified.
    """
    _check_design(k, n0, p_star)
    if not delta > 0:
        raise ScenarioError("selection.delta", delta, "the indifference zone must be > 0")
    if procedure not in PROCEDURES:
        raise ScenarioError("selection.procedure", procedure, f"one of {', '.join(PROCEDURES)}")
    y1 = _first_stage(sample, k, n0, first_stage)
    sign = 1.0 if larger_is_better else -1.0
    if procedure == "rinott":
        h = rinott_h(k, n0, p_star)
        s = y1.std(axis=0, ddof=1)
        need = np.maximum(n0, np.ceil((h * s / delta) ** 2)).astype(int)
    else:
        h = float(stats.t.ppf(1.0 - (1.0 - p_star) / (k - 1), n0 - 1))
        diffs = y1[:, :, None] - y1[:, None, :]
        s2 = diffs.var(axis=0, ddof=1).max()
        need = np.full(k, max(n0, math.ceil(h * h * s2 / delta**2)), dtype=int)
    used = np.minimum(need, max(max_replications, n0))
    means = np.array([_total_mean(sample, i, y1[:, i], int(used[i])) for i in range(k)])
    best = int(np.argmax(sign * means))
    return Selection(
        best=best, names=tuple(names) if names else tuple(str(i) for i in range(k)),
        means=means, replications=used, contenders=_mcb_contenders(sign * means, delta),
        kpi=kpi, delta=delta, p_star=p_star, procedure=procedure, constant=h,
        certified=bool(np.all(used >= need)),
    )


def _first_stage(sample: Sampler, k: int, n0: int, first_stage: np.ndarray | None) -> np.ndarray:
    if first_stage is None:
        return np.column_stack([np.asarray(sample(i, n0), dtype=float) for i in range(k)])
    y1 = np.asarray(first_stage, dtype=float)
    if y1.shape != (n0, k):
        raise ScenarioError("selection.first_stage", y1.shape, f"must have shape (n0, k) = ({n0}, {k})")
    return y1


def _total_mean(sample: Sampler, i: int, y1: np.ndarray, total: int) -> float:
    more = total - len(y1)
    if more <= 0:
        return float(y1.mean())
    y2 = np.asarray(sample(i, more), dtype=float)
    if y2.shape != (more,):
        raise ValueError(f"sample({i}, {more}) returned shape {y2.shape}, expected ({more},)")
    return float((y1.sum() + y2.sum()) / total)


def _mcb_contenders(score: np.ndarray, delta: float) -> tuple[int, ...]:
    """Indices whose MCB upper bound ``score_i - max_{j != i} score_j + delta`` is positive."""
    out = []
    for i in range(len(score)):
        rest = np.delete(score, i)
        if score[i] - rest.max() + delta > 0:
            out.append(i)
    return tuple(int(i) for i in np.argsort(-score) if i in out)
