"""Fake scenario loader and simulate function for experiment-engine tests (no tests here).

The fake "model": trips per request are normal noise from the seed plus the
scenario's ``effect``; ``nan_kpi`` is always undefined. A scenario with
``fail=<path>`` raises while that file exists (a model error one can switch off). Importable by worker
processes (module-level functions, picklable frozen dataclasses).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class FakeRunSpec:
    seed: int = 1
    horizon_days: int = 10


@dataclass(frozen=True)
class FakeScenario:
    effect: float
    sleep: float
    run: FakeRunSpec
    fail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"effect": self.effect, "sleep": self.sleep, "fail": self.fail,
                "run": {"seed": self.run.seed, "horizon_days": self.run.horizon_days}}


def fake_load(overrides: list[str]) -> FakeScenario:
    d = dict(o.split("=", 1) for o in overrides)
    if "bad" in d:
        from govsim.errors import ScenarioError

        raise ScenarioError("bad", d["bad"], "must not be given")
    return FakeScenario(float(d.get("effect", 0)), float(d.get("sleep", 0)),
                        FakeRunSpec(1, int(d.get("run.horizon_days", 10))), d.get("fail", ""))


@dataclass
class FakeResult:
    requests: pd.DataFrame
    kpis: pd.Series
    wall_seconds: float


def fake_simulate(scenario: FakeScenario, seed: int) -> FakeResult:
    if scenario.fail and os.path.exists(scenario.fail):
        raise RuntimeError(f"fake model failure (seed {seed})")
    if scenario.sleep:
        time.sleep(scenario.sleep)
    rng = np.random.default_rng(seed)
    x = rng.normal(3.0, 0.5, 40)
    kpis = pd.Series({"trips_mean": float(x.mean() + scenario.effect),
                      "wait": float(rng.exponential(5.0)), "nan_kpi": float("nan")})
    return FakeResult(pd.DataFrame({"trips": x + scenario.effect, "pid": os.getpid()}), kpis,
                      0.001)


def fake_spec(replications: int = 4, **extra: Any) -> dict[str, Any]:
    return {"name": "fake", "question": "Does the effect show?",
            "scenarios": [{"name": "base", "overrides": ["effect=0"]},
                          {"name": "better", "overrides": ["effect=-0.3"]},
                          {"name": "same", "overrides": ["effect=0.0001"]}],
            "baseline": "base", "replications": replications, "base_seed": 11,
            "kpis": ["trips_mean", "wait", "nan_kpi"], **extra}
