"""The one command that regenerates the reference results (smoke size, two experiments)."""

from __future__ import annotations

from govsim.experiment.reproduce import main, shipped_experiments


def test_nine_experiments_are_shipped():
    assert shipped_experiments() == [
        "e1_data_sharing", "e2_channels_divide", "e3_inclusive_interventions", "e4_fragmentation",
        "e5_outages", "e6_back_office", "e7_openness_security", "e8_proactive", "e9_sensitivity"]


def test_reproduce_writes_small_results_and_an_index(tmp_path):
    results = tmp_path / "results"
    code = main(["e4_fragmentation", "--size", "smoke", "--executor", "serial",
                 "--store", str(tmp_path / "store"), "--results", str(results)])
    assert code == 0
    folder = results / "e4_fragmentation"
    for name in ("summary.csv", "comparison.csv", "manifest.json", "report.html"):
        assert (folder / name).is_file(), name
    assert not list(folder.rglob("*.parquet")), "per-request records stay in the store"
    assert "e4_fragmentation" in (results / "index.html").read_text(encoding="utf-8")


def test_unknown_experiment_is_refused(tmp_path, capsys):
    assert main(["e99_nope", "--results", str(tmp_path)]) == 2
    assert "e99_nope" in capsys.readouterr().err
