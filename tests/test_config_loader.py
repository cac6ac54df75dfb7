"""ScenarioLoader (group choices composed once, values set after) gives what load_scenario gives.

Each case loads the same overrides both ways and compares the scenarios (as objects and
their ``to_dict()``) or the ScenarioError (key, value, what is allowed). The loader's counters show which
cases took the fast path, so a loader that always fell back could not pass.
"""

from __future__ import annotations

import pytest

import govsim
from govsim.config.loader import ScenarioLoader
from govsim.experiment.runner import merge_overrides
from govsim.experiment.spec import ExperimentSpec, load_spec
from tests.test_safety import TARGET_OVERRIDES, _untouched, canary  # noqa: F401 - fixture

# (overrides, whether the fast path takes them)
TRICKY: list[tuple[list[str], bool]] = [
    ([], True),
    (["channels=inclusive", "channels.literacy_min=0.2"], True),          # group, then a value in it
    (["channels.literacy_min=0.2", "channels=inclusive"], True),          # value first: same result
    (["governance=shared_data", "governance.exchange_fail_prob=0.3",
      "departments.social_security.windows=4"], True),                     # nested keys
    (["channels=digital_only", "channels.assisted=true", "channels.proxies_per_village=2",
      "channels.fallback=[retry,proxy,give_up]"], True),                   # a list value
    (["channels=digital_only", "channels.assisted=true"], True),          # refused by validation
    (["scenario=mmc", "mmc.windows=5", "mmc.arrivals_per_hour=20"], True),  # shipped ${...} see them
    (["population=county", "population.townships=3"], True),
    (["++run.horizon_days=30"], True),                                     # force-add an existing key
    (["+run.horizon_days=30"], True),                                      # + on an existing key: error
    (["+run.extra_key=1"], True),                                          # + a key the model rejects
    (["run.nope=1"], True),                                                # unknown key
    (["run.horizon_days=-5"], True),                                       # bad value
    (["run.horizon_days=abc"], True),                                      # bad type
    (["~run.allow_large"], True),                                          # deleted: has a default
    (["~run.horizon_days"], True),                                         # deleted: required key
    (["~run.nope"], True),                                                 # delete what is not there
    (["~proactive"], True),                                                # delete a group
    (["channels=nope"], False),                                            # bad preset: safety gate
    (["governance=null"], False),
    (["run.horizon_days=${run.start_month}"], False),                      # interpolation: full path
    (["hydra.job.name=x", "run.horizon_days=20"], False),                  # hydra key: full path
    (["+run.hook={_target_:govsim_canary.boom}"], True),                   # code in a value
    (["population={_target_:govsim_canary.boom}"], False),
]


def _outcome(load: object, overrides: list[str]) -> object:
    try:
        sc = load(overrides)  # type: ignore[operator]
        return sc, sc.to_dict()  # the objects (every field) and what the run store keys on
    except govsim.ScenarioError as exc:
        return ("error", exc.key, repr(exc.value), exc.allowed, str(exc))


def _same(overrides: list[str], loader: ScenarioLoader) -> None:
    assert _outcome(loader, overrides) == _outcome(govsim.load_scenario, overrides), overrides


@pytest.mark.parametrize(("overrides", "fast"), TRICKY, ids=[" ".join(o) or "defaults" for o, _ in TRICKY])
def test_tricky_overrides_load_as_load_scenario_loads_them(overrides, fast, canary):  # noqa: F811
    loader = ScenarioLoader()
    _same(overrides, loader)
    assert (loader.fast, loader.full) in ([(1, 0)] if fast else [(0, 1), (0, 0)])
    _untouched(canary)


@pytest.mark.parametrize("override", TARGET_OVERRIDES)
def test_code_keys_are_refused_by_the_loader_too(override, canary):  # noqa: F811
    with pytest.raises(govsim.ScenarioError) as exc:
        ScenarioLoader()([override])
    assert "not allowed" in str(exc.value) and "\n" not in str(exc.value)
    _untouched(canary)


def test_an_error_does_not_spoil_the_loader_for_the_next_list():
    loader = ScenarioLoader()
    with pytest.raises(govsim.ScenarioError):
        loader(["channels=inclusive", "channels.literacy_min=5"])
    _same(["channels=inclusive", "channels.literacy_min=0.15"], loader)
    _same(["channels=inclusive"], loader)
    assert loader.full == 0 and len(loader._composed) == 1


def _design(name: str) -> ExperimentSpec:
    spec = load_spec(name).sized("smoke")
    module = {"sobol": "sobol_run", "discover": "discover"}[spec.kind]
    expand = __import__(f"govsim.experiment.{module}", fromlist=["expand"]).expand
    out: ExperimentSpec = expand(spec)
    return out


def _check_design(name: str, every: int) -> None:
    spec = _design(name)
    loader = ScenarioLoader()
    chosen = spec.scenarios[::every]
    for sc in chosen:
        _same(merge_overrides(spec.base, [], sc.overrides), loader)
    assert loader.fast == len(chosen) and loader.full == 0


@pytest.mark.parametrize("name", ["e12_sobol", "e11_discover_digital_only"])
def test_some_design_points_load_as_load_scenario_loads_them(name):
    _check_design(name, every=7)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["e12_sobol", "e11_discover_digital_only"])
def test_every_smoke_design_point_loads_as_load_scenario_loads_it(name):
    _check_design(name, every=1)
