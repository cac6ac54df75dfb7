"""Config validation and experiment specs live in several modules; the old import paths still work."""

from __future__ import annotations

import pytest

from govsim.errors import ScenarioError


def test_public_names_are_importable_from_their_old_modules() -> None:
    from govsim.config import validate, validate_channels
    from govsim.experiment import spec, spec_checks, spec_model, spec_parse, spec_sizes

    assert validate.build_scenario.__module__ == "govsim.config.validate"
    assert validate.FALLBACKS is validate_channels.FALLBACKS
    assert spec.ExperimentSpec is spec_model.ExperimentSpec
    assert spec.ScenarioSpec is spec_model.ScenarioSpec
    assert spec.SizeSpec is spec_sizes.SizeSpec
    assert spec.spec_from_dict is spec_parse.spec_from_dict
    assert spec.validate is spec_checks.validate
    assert (spec.KINDS, spec.FIGURE_KINDS) == (spec_checks.KINDS, spec_checks.FIGURE_KINDS)
    assert (spec.MAX_REPLICATIONS, spec.MAX_RUNS) == (10_000, 100_000)
    for name in spec.__all__:
        assert getattr(spec, name) is not None


def test_sizing_goes_through_the_sizes_module() -> None:
    from govsim.experiment.spec import load_spec

    spec = load_spec({"question": "q", "scenarios": [{"name": "a"}, {"name": "b"}],
                      "replications": 8, "base": ["run.horizon_days=30"],
                      "sizes": {"smoke": {"replications": 2, "overrides": ["run.seed=3"]}}})
    smoke = spec.sized("smoke")
    assert (smoke.replications, smoke.base) == (2, ("run.horizon_days=30", "run.seed=3"))
    assert spec.sized("full") is spec
    with pytest.raises(ScenarioError, match=r"experiment\.size.*must be one of \['full', 'smoke'\]"):
        spec.sized("huge")
