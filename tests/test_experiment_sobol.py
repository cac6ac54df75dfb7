"""kind: sobol — Saltelli design points run by the engine, indices with bootstrap intervals.

A fake model (tests/fakes_decide.py) returns the Ishigami function of three inputs, so the
kind's indices can be checked exactly against :func:`govsim.decide.sobol.sobol_indices` on
the same design and, at a larger design (slow), against the analytic values.
"""

from __future__ import annotations

import copy
import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from govsim.decide.sobol import sobol_indices
from govsim.errors import ScenarioError
from govsim.experiment import load_spec, run_experiment
from govsim.experiment.sobol_run import design, expand
from tests.fakes_decide import decide_load, decide_simulate
from tests.test_decide_sobol import S1_TRUE, ST_TRUE, ishigami

PI = float(np.pi)
SPEC: dict[str, Any] = {
    "name": "ishigami", "question": "Which input drives the output?", "kind": "sobol",
    "base": ["model=ishigami"], "base_seed": 3,
    "sobol": {"n_base": 32, "seed": 19, "outputs": ["trips_mean"],
              "inputs": [{"name": n, "key": f"x.{n}", "bounds": [-PI, PI]}
                         for n in ("x1", "x2", "x3")]},
    "sizes": {"smoke": {"n_base": 4}},
}


def _run(out: Path, spec: dict[str, Any] | None = None, **kw: Any) -> Any:
    return run_experiment(spec or SPEC, out_dir=out, progress=False, simulate=decide_simulate,
                          load=decide_load, **kw)


@pytest.fixture(scope="module")
def ishigami_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The Ishigami experiment at N = 32 (160 fake runs), run once, report built."""
    from govsim.report import build_report

    out = tmp_path_factory.mktemp("sobol") / "ishigami"
    res = _run(out)
    build_report(out)
    return out, res


def test_the_kind_computes_the_indices_of_its_design_points(ishigami_run: tuple[Path, Any]) -> None:
    out, res = ishigami_run
    spec = load_spec(SPEC)
    assert spec.sobol is not None
    x = design(spec.sobol)
    assert x.shape == (32 * 5, 3) and len(expand(spec).scenarios) == 160
    direct = sobol_indices(spec.sobol.sobol_inputs(), ishigami(x), seed=19)
    table = pd.read_csv(out / "sobol.csv")
    assert list(table.columns) == ["output", "input", "S1", "S1_low", "S1_high", "ST", "ST_low",
                                   "ST_high"]
    # the scenarios carry the design rounded to 6 decimals: the same indices to 1e-5
    cols = ["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]
    np.testing.assert_allclose(table[cols].to_numpy(), direct[cols].to_numpy(), atol=1e-5)
    assert res.indices is not None and "Sobol indices" in res.table()
    summary = pd.read_csv(out / "summary.csv")
    assert summary["seed"].nunique() == 1   # common random numbers: one seed at every point


def test_wide_intervals_are_warned_about_in_the_report(ishigami_run: tuple[Path, Any]) -> None:
    out, _ = ishigami_run
    warnings = pd.read_csv(out / "sobol_warnings.csv")
    assert list(warnings.columns) == ["output", "warning", "warning_zh"]
    assert len(warnings) > 0       # N = 32 cannot separate x1 (ST 0.56) from x2 (0.44)
    en = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    zh = html.unescape((out / "report.zh.html").read_text(encoding="utf-8"))
    assert warnings["warning"].iloc[0] in en and warnings["warning_zh"].iloc[0] in zh
    assert "Which inputs drive each output (Sobol indices)" in en
    assert "哪些输入驱动各项输出(Sobol指数)" in zh and "总效应指数" in zh
    assert (out / "figures" / "sobol.png").is_file()


def test_a_rerun_resumes_without_running_again(ishigami_run: tuple[Path, Any]) -> None:
    out, first = ishigami_run
    again = _run(out)
    assert again.runs_run == 0 and again.runs_skipped == 160
    pd.testing.assert_frame_equal(again.indices, first.indices)


def test_serial_and_processes_executors_agree(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    spec["sobol"]["n_base"] = 8
    serial = _run(tmp_path / "s", spec)
    procs = _run(tmp_path / "p", spec, executor="processes", workers=2)
    pd.testing.assert_frame_equal(serial.indices, procs.indices)


@pytest.mark.slow  # 1024 x 5 fake runs, about 30 s
def test_ishigami_through_the_kind_lies_within_the_intervals_of_the_analytic_values(
        tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    spec["sobol"]["n_base"] = 1024
    table = _run(tmp_path / "big", spec).indices.set_index("input")
    for name in S1_TRUE:
        row = table.loc[name]
        assert row["S1_low"] <= S1_TRUE[name] <= row["S1_high"], (name, row.to_dict())
        assert row["ST_low"] <= ST_TRUE[name] <= row["ST_high"], (name, row.to_dict())


def test_a_point_without_a_value_is_not_analysed_and_is_said_so(tmp_path: Path) -> None:
    from govsim.experiment.sobol_run import analyse

    spec = load_spec(SPEC).sized("smoke")
    assert spec.sobol is not None and spec.sobol.n_base == 4
    n = spec.sobol.points
    summary = pd.DataFrame({"scenario": [f"s{i:04d}" for i in range(n)], "replication": 0,
                            "seed": 1, "kpi": "trips_mean", "value": np.arange(n, dtype=float)})
    indices, warnings = analyse(spec.sobol, summary.iloc[1:])   # point s0000 failed
    assert indices["ST"].isna().all() and len(indices) == 3
    assert "1 of 20 design points have no value" in warnings["warning"].iloc[0]


def _bad(**sobol: Any) -> dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    spec["sobol"].update(sobol)
    return spec


@pytest.mark.parametrize(("spec", "key"), [
    (_bad(n_base=48), "sobol.n_base"),
    (_bad(outputs=["trips_per_moon"]), "sobol.outputs[0]"),
    (_bad(outputs="trips_mean"), "sobol.outputs"),
    (_bad(inputs=[{"name": "x1", "key": "x.x1", "bounds": [0, 1]}]), "sobol.inputs"),
    (_bad(conf_level=95), "sobol.conf_level"),
    (_bad(second_order=True), "sobol.second_order"),
    ({**SPEC, "sobol": None}, "sobol"),
    ({**SPEC, "sizes": {"smoke": {"n_base": "many"}}}, "sizes.smoke.n_base"),
])
def test_bad_specs_name_the_key(spec: dict[str, Any], key: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_spec(spec)
    assert exc.value.key == key and "\n" not in str(exc.value)


def test_a_size_that_breaks_the_power_of_two_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"sobol\.n_base"):
        load_spec({**SPEC, "sizes": {"smoke": {"n_base": 6}}}).sized("smoke")


def test_shipped_e12_has_the_e9_inputs_and_composes_at_its_extremes() -> None:
    import govsim

    spec, e9 = load_spec("e12_sobol"), load_spec("e9_sensitivity")
    s = spec.sobol
    assert s is not None and e9.morris is not None
    assert [(i.name, i.keys, i.low, i.high) for i in s.inputs] == \
        [(i.name, i.keys, i.low, i.high) for i in e9.morris.inputs]
    assert s.outputs == e9.morris.outputs
    assert spec.sized("smoke").sobol.points < s.points  # type: ignore[union-attr]
    for edge in ("low", "high"):
        govsim.load_scenario([*spec.base, *(ov for i in s.inputs for ov in i.overrides(getattr(i, edge)))])


def test_a_first_order_index_above_the_total_is_read_as_noise_not_as_negative_interaction() -> None:
    import pandas as pd

    from govsim.report.sobol_report import _sentence

    rows = pd.DataFrame([
        {"input": "a", "S1": 0.57, "S1_low": 0.4, "S1_high": 0.7, "ST": 0.46, "ST_low": 0.3,
         "ST_high": 0.6},
        {"input": "b", "S1": 0.10, "S1_low": 0.0, "S1_high": 0.2, "ST": 0.12, "ST_low": 0.05,
         "ST_high": 0.2}])
    for lang, words in (("en", "46-57%"), ("zh", "46%至57%")):
        _, plain = _sentence("trips_mean", rows, lang)  # type: ignore[arg-type]
        assert words in plain and "with its interactions" not in plain
    rows.loc[0, "S1"] = 0.40
    _, plain = _sentence("trips_mean", rows, "en")
    assert "alone explains about 40%" in plain and "about 46% with its interactions" in plain
