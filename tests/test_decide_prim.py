"""PRIM scenario discovery (govsim.decide.prim): planted boxes, the trajectory, the rule."""

from __future__ import annotations

import numpy as np
import pytest

from govsim.decide.prim import prim
from govsim.errors import ScenarioError


def _planted(seed: int, n: int = 2000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three uniform inputs; failure with probability 0.9 inside a >= 0.6 and b <= 0.3, 0.05 outside."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 3))
    inbox = (x[:, 0] >= 0.6) & (x[:, 1] <= 0.3)
    y = np.where(inbox, rng.uniform(size=n) < 0.9, rng.uniform(size=n) < 0.05)
    return x, y, inbox


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recovers_a_planted_box(seed: int) -> None:
    x, y, inbox = _planted(seed)
    res = prim(x, y, ["a", "b", "c"], min_density=0.8)
    true_coverage, true_density = y[inbox].sum() / y.sum(), y[inbox].mean()
    # The planted box itself has coverage ~0.70 and density ~0.90 (0.12 of the points, 0.88 of
    # them failing against 0.05 outside); PRIM's box must be close on both and on its limits.
    assert res.box.coverage == pytest.approx(true_coverage, abs=0.08)
    assert res.box.density >= 0.8 and res.box.density == pytest.approx(true_density, abs=0.1)
    assert res.box.restricted == (0, 1)
    assert res.box.lower[0] == pytest.approx(0.6, abs=0.05)
    assert res.box.upper[1] == pytest.approx(0.3, abs=0.05)
    assert res.box.p_value < 1e-6
    assert res.rule().startswith("a >= 0.") and " and b <= 0." in res.rule() and "c" not in res.rule()


def test_trajectory_trades_coverage_for_density() -> None:
    x, y, _ = _planted(4)
    res = prim(x, y, ["a", "b", "c"], alpha=0.05, mass_min=0.05)
    t = res.trajectory
    assert list(t.columns) == ["step", "coverage", "density", "mass", "n", "restricted", "p_value"]
    assert t["coverage"].iloc[0] == 1.0 and t["mass"].iloc[0] == 1.0
    assert t["density"].iloc[0] == pytest.approx(y.mean())
    assert (np.diff(t["n"]) < 0).all() and (np.diff(t["coverage"]) <= 1e-12).all()
    assert t["density"].iloc[-1] > 0.85
    assert t["mass"].iloc[-1] >= 0.05
    # each peel removes about alpha of the box: n shrinks by a factor near 0.95 per step
    ratio = t["n"].to_numpy()[1:] / t["n"].to_numpy()[:-1]
    assert np.median(ratio) == pytest.approx(0.95, abs=0.01)


def test_a_higher_density_target_picks_a_later_smaller_box() -> None:
    x, y, _ = _planted(5)
    loose, strict = prim(x, y, ["a", "b", "c"], min_density=0.5), prim(x, y, ["a", "b", "c"], min_density=0.9)
    assert loose.chosen < strict.chosen
    assert loose.trajectory["coverage"].iloc[loose.chosen] > strict.trajectory["coverage"].iloc[strict.chosen]


def test_a_few_valued_input_is_peeled_a_value_at_a_time_and_written_as_equal() -> None:
    rng = np.random.default_rng(6)
    n = 2000
    literacy, proxies, outage = rng.uniform(size=n), rng.integers(0, 4, n).astype(float), rng.uniform(size=n)
    y = (literacy > 0.4) & (proxies == 0) & (rng.uniform(size=n) < 0.95)
    res = prim(np.column_stack([literacy, proxies, outage]), y,
               ["literacy_min", "proxies_per_village", "outage_rate"], min_density=0.9)
    assert "proxies_per_village = 0" in res.rule()
    assert res.rule().startswith("literacy_min >= 0.")
    assert "outage_rate" not in res.rule()
    assert res.box.lower[0] == pytest.approx(0.4, abs=0.06)
    assert list(res.limits()["input"]) == ["literacy_min", "proxies_per_village"]


def test_no_structure_gives_no_significant_box() -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(size=(1500, 3))
    y = rng.uniform(size=1500) < 0.2
    res = prim(x, y, ["a", "b", "c"], min_density=0.9)
    # no box reaches 0.9: the densest is chosen, and pruning at 5% keeps few or no limits
    assert res.trajectory["density"].max() < 0.9
    assert len(res.box.restricted) <= 1


@pytest.mark.parametrize(("kwargs", "key"), [
    ({"alpha": 0.6}, "prim.alpha"), ({"mass_min": 0.0}, "prim.mass_min"),
])
def test_bad_settings_name_the_key(kwargs: dict[str, float], key: str) -> None:
    x, y, _ = _planted(1, 100)
    with pytest.raises(ScenarioError, match=key.replace(".", r"\.")):
        prim(x, y, ["a", "b", "c"], **kwargs)


def test_bad_data_is_refused() -> None:
    x, y, _ = _planted(1, 100)
    with pytest.raises(ScenarioError, match=r"prim\.inputs"):
        prim(x, y, ["a", "b"])
    with pytest.raises(ScenarioError, match=r"prim\.cases"):
        prim(x, y.astype(float), ["a", "b", "c"])
    with pytest.raises(ScenarioError, match="never holds"):
        prim(x, np.zeros(100, dtype=bool), ["a", "b", "c"])
