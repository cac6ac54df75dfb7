"""Certified selection (govsim.decide.selection): Rinott's constant, the procedures, the sentence."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from govsim.decide.selection import Selection, rinott_h, select_best
from govsim.errors import ScenarioError

P_STAR = 0.95


def _monte_carlo_pcs(h: float, k: int, n0: int, draws: int, seed: int) -> float:
    """The Rinott integral by simulation: P(Z_j < h / sqrt(nu (1/X_j + 1/Y)) for all j < k)."""
    rng = np.random.default_rng(seed)
    nu = n0 - 1
    y = rng.chisquare(nu, size=(draws, 1))
    x = rng.chisquare(nu, size=(draws, k - 1))
    z = rng.standard_normal((draws, k - 1))
    return float(np.mean(np.all(z < h / np.sqrt(nu * (1 / x + 1 / y)), axis=1)))


@pytest.mark.parametrize("k", range(2, 11))
def test_rinott_h_tends_to_the_known_variance_limit(k: int) -> None:
    # As n0 -> infinity the inner integral is Phi(h / sqrt 2), so P* = Phi(h / sqrt 2)^(k-1).
    limit = np.sqrt(2.0) * stats.norm.ppf(P_STAR ** (1.0 / (k - 1)))
    assert rinott_h(k, 5001, P_STAR) == pytest.approx(limit, abs=2e-3)


@pytest.mark.parametrize("n0", [10, 15, 20])
def test_rinott_h_is_larger_for_more_candidates_and_smaller_for_more_replications(n0: int) -> None:
    hs = [rinott_h(k, n0, P_STAR) for k in range(2, 11)]
    assert all(a < b for a, b in itertools.pairwise(hs))
    assert all(rinott_h(k, n0 + 5, P_STAR) < rinott_h(k, n0, P_STAR) for k in (2, 5, 10))


@pytest.mark.parametrize(("k", "n0"), [(2, 10), (4, 10), (10, 10), (3, 20), (10, 20), (5, 2), (10, 3)])
def test_rinott_h_gives_p_star_when_its_integral_is_simulated(k: int, n0: int) -> None:
    draws = 400_000
    pcs = _monte_carlo_pcs(rinott_h(k, n0, P_STAR), k, n0, draws, seed=k * 100 + n0)
    assert pcs == pytest.approx(P_STAR, abs=4 * np.sqrt(P_STAR * (1 - P_STAR) / draws))


def test_rinott_h_for_k2_is_the_quantile_of_a_difference_of_two_t_variables() -> None:
    # For k = 2 the integral is P(T1 - T2 <= h) with T1, T2 independent t(nu) (Dudewicz-Dalal h1).
    nu = 9
    h = rinott_h(2, nu + 1, P_STAR)
    grid = np.linspace(-40, 40, 40_001)
    cdf = np.sum(stats.t.pdf(grid, nu) * stats.t.cdf(grid + h, nu)) * (grid[1] - grid[0])
    assert cdf == pytest.approx(P_STAR, abs=1e-4)


def test_rinott_h_matches_an_independent_nested_quadrature_on_two_degrees_of_freedom() -> None:
    # nu = 2, k = 4, P* = 0.975: h = 10.7548 by nested adaptive integration (R's integrate/uniroot).
    assert rinott_h(4, 3, 0.975) == pytest.approx(10.75483, abs=1e-3)


def _slippage_sampler(means: np.ndarray, sd: np.ndarray, rng: np.random.Generator, common: float = 0.0):
    """Normal outcomes; with ``common`` > 0 replication r shares one draw across candidates (CRN),
    with a loading that differs by candidate so that the pairs are correlated, not identical."""
    drawn: list[list[float]] = [[] for _ in means]
    shared: list[float] = []

    def sample(i: int, n: int) -> np.ndarray:
        start = len(drawn[i])
        while len(shared) < start + n:
            shared.append(float(rng.standard_normal()))
        loading = common * (1 + i / len(means))
        out = means[i] + loading * np.array(shared[start:start + n]) + sd[i] * rng.standard_normal(n)
        drawn[i].extend(out.tolist())
        return out

    return sample


def _pcs(procedure: str, reps: int, k: int, common: float, seed: int) -> tuple[float, float]:
    """Empirical P(correct selection) in the slippage configuration at exactly delta, and the
    same with the first stage alone (a control that shows the configuration is demanding)."""
    delta, n0 = 0.5, 10
    means = np.zeros(k)
    means[-1] = delta
    sd = np.linspace(1.0, 2.0, k)
    rng = np.random.default_rng(seed)
    right = naive = 0
    for _ in range(reps):
        sample = _slippage_sampler(means, sd, rng, common)
        first = np.column_stack([sample(i, n0) for i in range(k)])
        sel = select_best(sample, k, n0, delta, P_STAR, procedure=procedure, first_stage=first)
        right += sel.best == k - 1
        naive += int(np.argmax(first.mean(axis=0))) == k - 1
    return right / reps, naive / reps


@pytest.mark.parametrize(("procedure", "common"), [("rinott", 0.0), ("bonferroni", 0.0),
                                                   ("bonferroni", 1.5)])
def test_probability_of_correct_selection_is_at_least_p_star(procedure: str, common: float) -> None:
    reps = 1000
    tolerance = 3 * np.sqrt(P_STAR * (1 - P_STAR) / reps)  # three binomial standard errors
    pcs, naive = _pcs(procedure, reps, k=4, common=common, seed=7)
    assert pcs >= P_STAR - tolerance
    assert naive < P_STAR - tolerance


def _two(means: tuple[float, float], sd: float = 1.0, seed: int = 1):
    return _slippage_sampler(np.array(means), np.array([sd, sd]), np.random.default_rng(seed))


def test_a_clear_winner_is_reported_as_best_with_its_probability() -> None:
    sel = select_best(_two((0.0, 3.0)), 2, 10, 0.5, names=["counter", "proxy"], kpi="60+ unmet needs")
    assert sel.best == 1 and sel.certified and sel.contenders == (1,)
    assert sel.sentence() == ("Option proxy is best on 60+ unmet needs within 0.5, "
                              "with probability at least 95%.")
    assert sel.replications.min() >= 10


def test_minimising_picks_the_smallest_mean() -> None:
    sel = select_best(_two((0.0, 3.0)), 2, 10, 0.5, larger_is_better=False, procedure="rinott")
    assert sel.best == 0


def test_options_within_delta_cannot_be_separated() -> None:
    sel = select_best(_two((0.0, 0.01), sd=0.1), 2, 10, 1.0, names=["a", "b"], kpi="trips")
    assert set(sel.contenders) == {0, 1}
    assert sel.sentence().startswith("Options ")
    assert "cannot be separated on trips within 1" in sel.sentence()


def test_a_binding_replication_cap_is_not_certified() -> None:
    sel = select_best(_two((0.0, 0.1), sd=5.0), 2, 10, 0.1, max_replications=20)
    assert not sel.certified and sel.replications.max() == 20
    assert sel.sentence().startswith("No option can be certified")


def test_the_sampler_is_asked_for_exactly_the_second_stage() -> None:
    calls: list[tuple[int, int]] = []

    def sample(i: int, n: int) -> np.ndarray:
        calls.append((i, n))
        return np.full(n, float(i)) + np.random.default_rng(len(calls)).normal(0, 1, n)

    sel = select_best(sample, 3, 5, 0.2, procedure="rinott")
    assert calls[:3] == [(0, 5), (1, 5), (2, 5)]
    asked = {i: 5 for i in range(3)}
    for i, n in calls[3:]:
        asked[i] += n
    assert [asked[i] for i in range(3)] == sel.replications.tolist()


@pytest.mark.parametrize(("kwargs", "key"), [
    ({"k": 1}, "selection.k"), ({"n0": 1}, "selection.n0"), ({"p_star": 0.3}, "selection.p_star"),
    ({"delta": 0.0}, "selection.delta"), ({"procedure": "kn"}, "selection.procedure"),
])
def test_bad_settings_name_the_key(kwargs: dict[str, object], key: str) -> None:
    args: dict[str, object] = {"k": 3, "n0": 5, "delta": 0.5, "p_star": 0.95, **kwargs}
    with pytest.raises(ScenarioError, match=key.replace(".", r"\.")):
        select_best(_two((0.0, 1.0)), **args)  # type: ignore[arg-type]


def test_a_first_stage_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"selection\.first_stage"):
        select_best(_two((0.0, 1.0)), 2, 5, 0.5, first_stage=np.zeros((4, 2)))


def test_selection_is_a_frozen_record() -> None:
    sel = select_best(_two((0.0, 3.0)), 2, 10, 0.5)
    assert isinstance(sel, Selection)
    with pytest.raises(AttributeError):
        sel.best = 0  # type: ignore[misc]
