"""``govsim --help`` is written for people; ``--help=full`` is Hydra's; the KPI header names the scenario."""

from __future__ import annotations

import pytest

from govsim.cli import main, scenario_label
from govsim.experiment import list_experiments, load_spec
from govsim.help import GROUPS, groups


def _help(capsys: pytest.CaptureFixture[str], flag: str = "--help") -> str:
    with pytest.raises(SystemExit) as exc:
        main([flag])
    assert exc.value.code == 0
    return capsys.readouterr().out


def test_help_explains_groups_experiments_commands_and_outputs(
        capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys)
    assert text.startswith("govsim - simulate rural grassroots governance")
    assert "powered by Hydra" not in text and "residents_per_township" not in text
    for group, presets in groups().items():
        line = next(ln for ln in text.splitlines() if ln.startswith(f"  {group} "))
        assert all(p in line for p in presets), (group, line)
    assert "siloed*" in text and "township*" in text  # the default presets are marked
    for name in list_experiments():
        assert f"  {name} " in text, name
        first_words = " ".join(load_spec(name).question.split()[:4])
        assert first_words in " ".join(text.split()), name
    for needle in ("experiment=NAME", "out=DIR", "executor=processes", "--quiet", "-m ",
                   "govsim-compare", "govsim serve", "--help=full", "outputs/<date>/<time>/",
                   "runs/<name>/", "multirun/<date>/<time>/"):
        assert needle in text, needle
    assert len(text.splitlines()) < 120


def test_short_flag_is_the_same_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert _help(capsys, "-h") == _help(capsys)


def test_every_config_group_is_described() -> None:
    assert set(groups()) <= set(GROUPS), set(groups()) - set(GROUPS)


def test_help_full_is_hydras_help_with_the_config(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys, "--help=full")
    assert "== Config ==" in text and "residents_per_township" in text


@pytest.mark.parametrize(("overrides", "label"), [
    ([], "default"),
    (["run.seed=3", "hydra.run.dir=out"], "default"),
    (["governance=shared_data", "channels=inclusive", "run.seed=3", "hydra.run.dir=o"],
     "governance=shared_data channels=inclusive"),
    (["+hydra.job.chdir=true", "population=county"], "population=county"),
])
def test_kpi_header_names_the_scenario_by_its_overrides(overrides: list[str], label: str) -> None:
    assert scenario_label(overrides) == label
