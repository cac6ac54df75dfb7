"""Shipped artefacts name no machine path and come from a clean commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsim.report.artefacts import artefact_problems

RESULTS = Path(__file__).resolve().parents[1] / "results"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _manifest(folder: Path, dirty: bool | None, commit: str | None = COMMIT) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    git = {"commit": commit, "dirty": dirty}
    (folder / "manifest.json").write_text(json.dumps({"git": git, "provenance": {"git": git}}))


def test_a_clean_folder_has_no_problems(tmp_path: Path) -> None:
    _manifest(tmp_path / "e1", dirty=False)
    # a base64 image may hold "/tmp/" by chance: embedded images are not read as text
    (tmp_path / "e1" / "report.html").write_text(
        "<a href='e1/report.html'>e1</a><img src='data:image/png;base64,AAAA/tmp/BBBB=='>")
    (tmp_path / "index.html").write_text("<p>1 experiment reports</p>")
    assert artefact_problems(tmp_path) == []


@pytest.mark.parametrize("text", ["results from /tmp/govsim_store/e1;",
                                  "<p>reports under /work/main/results</p>",
                                  "see /home/ana/govsim/results", "C:\\Users\\ana\\results",
                                  "<a href='file:///srv/x/report.html'>"])
def test_an_absolute_path_is_a_problem(tmp_path: Path, text: str) -> None:
    _manifest(tmp_path / "e1", dirty=False)
    (tmp_path / "e1" / "report.html").write_text(f"<p>{text}</p>")
    (problem,) = artefact_problems(tmp_path)
    assert problem.startswith("e1/report.html: absolute path")


def test_a_dirty_or_uncommitted_manifest_is_a_problem(tmp_path: Path) -> None:
    _manifest(tmp_path / "dirty", dirty=True)
    _manifest(tmp_path / "nocommit", dirty=None, commit=None)
    problems = artefact_problems(tmp_path)
    assert problems[0] == ('dirty/manifest.json: "dirty": true (built from a tree with '
                           "uncommitted changes)")
    assert any(p.startswith("nocommit/manifest.json: no git commit") for p in problems)


@pytest.mark.skipif(not RESULTS.is_dir(), reason="no results/ folder (an installed package)")
def test_shipped_results_are_clean() -> None:
    problems = artefact_problems(RESULTS)
    assert problems == [], "regenerate with python -m govsim.experiment.reproduce:\n" + \
        "\n".join(problems)
