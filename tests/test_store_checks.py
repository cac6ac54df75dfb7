"""The results store checks what it finds: damaged runs and runs of other model code are redone.

Every file of a stored run is truncated, deleted and altered in turn; each time a
rerun recomputes exactly that run (and says so), never crashes and gives the same
summary. A change to a model source file changes the fingerprint, and a rerun then
recomputes every run. Two processes on one store compute each run once.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import govsim
from govsim.experiment.runner import ExperimentResult, run_experiment
from govsim.provenance import model_fingerprint, source_fingerprint
from govsim.store import DAMAGED, MISSING, MODEL_CHANGED, OK, RunStore

SPEC = {"name": "store_check", "question": "q", "replications": 2, "base_seed": 3,
        "base": ["run.horizon_days=3", "population.residents_per_township=300"],
        "scenarios": [{"name": "a", "overrides": []}], "kpis": ["trips_mean"]}
FILES = ("requests.parquet", "kpis.parquet", "timeseries.parquet", "utilisation.parquet",
         "config.json", "meta.json")


@functools.cache
def _load(overrides: tuple[str, ...]) -> Any:
    return govsim.load_scenario(list(overrides))


def _run(out: Path) -> ExperimentResult:
    """The experiment (its one scenario composed once per test session: a stored run is what varies)."""
    return run_experiment(dict(SPEC), out_dir=out, progress=False, load=lambda o: _load(tuple(o)))


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ExperimentResult]:
    out = tmp_path_factory.mktemp("store") / "exp"
    return out, _run(out)


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _alter(p: Path) -> None:
    if p.name == "kpis.parquet":  # a valid file with other values
        df = pd.read_parquet(p)
        df["value"] = df["value"] * 2 + 1
        df.to_parquet(p, index=False)
    elif p.suffix == ".json":
        p.write_text(json.dumps({"garbage": True}), "utf-8")
    else:  # one byte flipped in the middle
        data = bytearray(p.read_bytes())
        data[len(data) // 2] ^= 0xFF
        p.write_bytes(bytes(data))


DAMAGE = {"truncate": _truncate, "delete": Path.unlink, "alter": _alter}


@pytest.mark.parametrize("how", sorted(DAMAGE))
@pytest.mark.parametrize("name", FILES)
def test_damaged_file_is_recomputed(stored, tmp_path, name, how):
    src, first = stored
    out = tmp_path / "exp"
    shutil.copytree(src, out)
    run = sorted((out / "runs").iterdir())[0]
    DAMAGE[how](run / name)
    assert RunStore(out).check(run.name, model_fingerprint()) == DAMAGED
    res = _run(out)
    assert (res.runs_run, res.runs_damaged, res.runs_skipped) == (1, 1, 1)
    pd.testing.assert_frame_equal(res.summary, first.summary)
    assert res.manifest["runs_recomputed"] == {"damaged": 1, "model_changed": 0}
    assert RunStore(out).check(run.name, model_fingerprint()) == OK


def test_deleted_run_and_torn_run_are_recomputed(stored, tmp_path):
    src, first = stored
    out = tmp_path / "exp"
    shutil.copytree(src, out)
    runs = sorted((out / "runs").iterdir())
    shutil.rmtree(runs[0])
    (runs[1] / "meta.json").unlink()
    store = RunStore(out)
    assert [store.check(r.name) for r in runs] == [MISSING, DAMAGED]
    res = _run(out)
    assert (res.runs_run, res.runs_damaged, res.runs_skipped) == (2, 1, 0)
    pd.testing.assert_frame_equal(res.summary, first.summary)


def test_a_model_source_change_recomputes_every_run(stored, tmp_path, monkeypatch):
    src, first = stored
    copy = tmp_path / "govsim"
    shutil.copytree(Path(govsim.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    assert source_fingerprint(copy) == model_fingerprint()
    with open(copy / "model" / "journey.py", "a", encoding="utf-8") as f:
        f.write("\n# a one-line change to the model\n")
    changed = source_fingerprint(copy)
    assert changed != model_fingerprint()

    out = tmp_path / "exp"
    shutil.copytree(src, out)
    monkeypatch.setattr("govsim.experiment.runner.model_fingerprint", lambda: changed)
    assert RunStore(out).check(sorted((out / "runs").iterdir())[0].name, changed) == MODEL_CHANGED
    res = _run(out)
    assert (res.runs_run, res.runs_model_changed, res.runs_skipped) == (2, 2, 0)
    assert {r["model_fingerprint"] for r in res.manifest["runs"]} == {changed}
    again = _run(out)
    assert (again.runs_run, again.runs_skipped) == (0, 2)
    pd.testing.assert_frame_equal(res.summary, first.summary)  # a comment changes no result


def test_summary_line_says_what_was_reused_and_recomputed(stored, tmp_path, capsys):
    from govsim.experiment.cli import run_experiment_cli

    src, _ = stored
    out = tmp_path / "exp"
    shutil.copytree(src, out)
    _truncate(sorted((out / "runs").iterdir())[0] / "kpis.parquet")
    spec = tmp_path / "store_check.yaml"
    spec.write_text(json.dumps(SPEC), "utf-8")
    assert run_experiment_cli([f"experiment={spec}", f"out={out}", "--quiet", "--no-report"]) == 0
    err = capsys.readouterr().err
    assert "1 runs done (1 replacing damaged stored runs, 0 recomputed because the model changed)" in err
    assert "1 stored runs reused" in err


# ---------------------------------------------------------------- claims

def test_a_claim_of_a_dead_process_is_taken_over(tmp_path):
    store = RunStore(tmp_path)
    assert store.claim("k")
    assert not store.claim("k")  # held by a live process (this one)
    claim = tmp_path / "runs" / "k.claim"
    holder = json.loads(claim.read_text())
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    claim.write_text(json.dumps({**holder, "pid": int(dead)}))
    assert store.claim("k"), "a claim whose process is gone must be taken over"
    claim.write_text(json.dumps({**holder, "pid": os.getppid()}))  # a live process
    assert not store.claim("k")


TWO = """
import sys
sys.path.insert(0, {tests!r})
from test_experiment_fakes import fake_load, fake_simulate, fake_spec
from govsim.experiment import run_experiment
res = run_experiment(fake_spec(replications=3, base=["sleep=0.08"]), out_dir={out!r},
                     simulate=fake_simulate, load=fake_load, progress=False)
print(res.runs_run, res.runs_skipped)
"""


def test_two_processes_on_one_store_compute_each_run_once(tmp_path):
    out = tmp_path / "exp"
    code = TWO.format(tests=str(Path(__file__).parent), out=str(out))
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    counts = [tuple(map(int, p.communicate(timeout=120)[0].split())) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sum(run for run, _ in counts) == 9, counts   # 3 scenarios x 3 replications, once each
    assert all(run + skipped == 9 for run, skipped in counts)
    assert not list((out / "runs").glob("*.claim"))


def test_a_single_runs_output_does_not_import_the_experiment_layer():
    code = ("import sys, govsim.output, govsim.store; "
            "print([m for m in sys.modules if m.startswith('govsim.experiment')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
