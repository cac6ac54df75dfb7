"""The one command that regenerates the reference results (smoke size, one experiment)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from govsim.experiment import reproduce
from govsim.experiment.reproduce import main, shipped_experiments
from govsim.provenance import git_state
from govsim.report.artefacts import artefact_problems


def test_nine_experiments_are_shipped():
    assert shipped_experiments() == [
        "e1_data_sharing", "e2_channels_divide", "e3_inclusive_interventions", "e4_fragmentation",
        "e5_outages", "e6_back_office", "e7_openness_security", "e8_proactive", "e9_sensitivity"]


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
    monkeypatch.setattr(reproduce, "git_state", lambda ignore=(): {"commit": "0" * 40, "dirty": True})
    assert main(["e4_fragmentation", "--results", str(tmp_path / "r")]) == 2
    assert "uncommitted changes" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_unknown_experiment_is_refused(tmp_path, capsys):
    assert main(["e99_nope", "--results", str(tmp_path)]) == 2
    assert "e99_nope" in capsys.readouterr().err


def _git(repo, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                   capture_output=True)


def test_changes_under_the_results_folder_do_not_make_the_tree_dirty(tmp_path):
    repo = tmp_path / "repo"
    (repo / "results" / "e1").mkdir(parents=True)
    (repo / "pkg").mkdir()
    (repo / "results" / "e1" / "summary.csv").write_text("a\n")
    (repo / "pkg" / "m.py").write_text("x = 1\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "init")
    where = repo / "pkg"   # asked from inside the package, as govsim does
    assert git_state(where)["dirty"] is False
    (repo / "results" / "e1" / "summary.csv").write_text("b\n")   # results a command wrote
    assert git_state(where)["dirty"] is False
    assert git_state(where, ignore=())["dirty"] is True            # only that folder is ignored
    (repo / "pkg" / "m.py").write_text("x = 2\n")                  # a code change still counts
    assert git_state(where)["dirty"] is True


def test_the_dirty_check_ignores_only_the_results_folder_it_writes(tmp_path, monkeypatch):
    seen: list[tuple[str, ...]] = []

    def fake_state(ignore=()):
        seen.append(ignore)
        return {"commit": "0" * 40, "dirty": "results" not in ignore}   # dirty only under results/

    monkeypatch.setattr(reproduce, "git_state", fake_state)
    monkeypatch.setattr(reproduce, "run_experiment_cli", lambda argv: 3)   # stop after the check
    top = Path(reproduce.__file__).resolve().parents[2]
    assert main(["e4_fragmentation", "--results", str(top / "results")]) == 3   # passed the check
    assert main(["e4_fragmentation", "--results", str(tmp_path / "elsewhere")]) == 2
    assert seen == [("results",), ()]
