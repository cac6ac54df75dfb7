"""The one command that regenerates the reference results (smoke size, one experiment)."""

from __future__ import annotations

import json

import pytest

from govsim.experiment import reproduce
from govsim.experiment.reproduce import main, shipped_experiments
from govsim.report.artefacts import artefact_problems


def test_the_shipped_experiments_are_listed():
    assert shipped_experiments() == [
        "e10_optimise_inclusive", "e1_data_sharing", "e2_channels_divide",
        "e3_inclusive_interventions", "e4_fragmentation", "e5_outages", "e6_back_office",
        "e7_openness_security", "e8_proactive", "e9_sensitivity"]


def test_reproduce_writes_small_results_and_an_index(tmp_path):
    results = tmp_path / "results"
    code = main(["e4_fragmentation", "--size", "smoke", "--executor", "serial", "--allow-dirty",
                 "--store", str(tmp_path / "store"), "--results", str(results)])
    assert code == 0
    folder = results / "e4_fragmentation"
    for name in ("summary.csv", "comparison.csv", "manifest.json", "report.html",
                 "report.zh.html"):
        assert (folder / name).is_file(), name
    assert not list(folder.rglob("*.parquet")), "per-request records stay in the store"
    assert "e4_fragmentation" in (results / "index.html").read_text(encoding="utf-8")
    assert "e4_fragmentation" in (results / "index.zh.html").read_text(encoding="utf-8")
    # the store lives in an absolute temporary folder: no artefact may name it
    assert [p for p in artefact_problems(results) if "absolute path" in p] == []
    git = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["git"]
    assert git["commit"] and len(git["commit"]) == 40


def test_a_dirty_tree_is_refused(tmp_path, capsys, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(reproduce, "git_state", lambda: {"commit": "0" * 40, "dirty": True})
    assert main(["e4_fragmentation", "--results", str(tmp_path / "r")]) == 2
    assert "uncommitted changes" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_unknown_experiment_is_refused(tmp_path, capsys):
    assert main(["e99_nope", "--results", str(tmp_path)]) == 2
    assert "e99_nope" in capsys.readouterr().err
