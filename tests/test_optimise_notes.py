"""Lever notes of a kind: optimise spec in English and Chinese: parsed, checked, on the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsim.errors import ScenarioError
from govsim.experiment import load_spec, run_experiment
from tests.optimise_fakes import lever_load, lever_simulate, lever_spec


def _spec(**notes: object) -> dict:
    spec = lever_spec(trials=4, replications=2)
    spec["optimise"]["levers"][0].update(notes)
    return spec


def test_note_zh_is_read_and_optional() -> None:
    opt = load_spec(_spec(note="cash per household", note_zh="每户现金")).optimise
    assert opt is not None
    assert (opt.levers[0].note, opt.levers[0].note_zh) == ("cash per household", "每户现金")
    assert (opt.levers[1].note, opt.levers[1].note_zh) == ("", "")


@pytest.mark.parametrize("key", ["note", "note_zh"])
@pytest.mark.parametrize("value", [3, ["a"], {"a": 1}, True])
def test_a_note_that_is_not_text_names_its_key(key: str, value: object) -> None:
    with pytest.raises(ScenarioError) as err:
        load_spec(_spec(**{key: value}))
    assert err.value.key == f"optimise.levers[0].{key}"
    assert "must be a string" in str(err.value) and "\n" not in str(err.value)


def test_every_e10_lever_has_a_chinese_note() -> None:
    opt = load_spec("e10_optimise_inclusive").optimise
    assert opt is not None
    for lv in opt.levers:
        assert lv.note and lv.note_zh and lv.note_zh != lv.note


def test_the_chinese_report_shows_note_zh_and_falls_back_to_the_english_note(
        tmp_path: Path) -> None:
    from govsim.report.data import load_experiment
    from govsim.report.optimise_report import optimise_section

    spec = _spec(note="cash per household", note_zh="每户现金")
    spec["optimise"]["levers"][1]["note"] = "whole units only"
    out = tmp_path / "o"
    run_experiment(spec, out_dir=out, progress=False, simulate=lever_simulate,
                   load=lever_load)  # type: ignore[arg-type]
    exp = load_experiment(out)
    en, zh = optimise_section(exp, "en"), optimise_section(exp, "zh")
    assert "<td class='num'>cash per household</td>" in en and "每户现金" not in en
    assert "<td class='num'>每户现金</td>" in zh and "cash per household" not in zh
    # lever n has no Chinese note: both pages show the English one
    assert "<td class='num'>whole units only</td>" in en
    assert "<td class='num'>whole units only</td>" in zh
