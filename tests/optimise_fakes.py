"""A fake scenario loader and simulate function for optimisation tests (no tests here).

The fake "model" has two levers, ``x`` (continuous) and ``n`` (whole numbers), and
reports ``trips_mean = (x - 3)^2 + (n - 7)^2 / 4 + 1`` plus normal noise: a part drawn
from the seed alone (the same for every candidate in one replication: common random
numbers) and a part of each candidate's own; and ``gov_cost = 10 x + 5 n``. A ``limit``
file holds how many more simulations may run before one raises KeyboardInterrupt (an
interruption one can plant). Importable by
worker processes (module-level functions, picklable frozen dataclasses).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

OPTIMUM = (3.0, 7)
NOISE_SD = 0.3     # common to every candidate of a replication
OWN_SD = 0.1       # each candidate's own


@dataclass(frozen=True)
class Run:
    seed: int = 1


@dataclass(frozen=True)
class LeverScenario:
    x: float
    n: int
    counter: str = ""   # a file: one line appended per simulation
    limit: str = ""     # a file holding how many simulations may still run
    fail_n: int = -1    # a model error in every run with n == fail_n
    run: Run = field(default_factory=Run)

    def to_dict(self) -> dict[str, Any]:
        return {"x": self.x, "n": self.n}


def lever_load(overrides: list[str]) -> LeverScenario:
    d = dict(o.split("=", 1) for o in overrides)
    return LeverScenario(float(d.get("x", 0)), int(d.get("n", 0)), d.get("counter", ""),
                         d.get("limit", ""), int(d.get("fail_n", -1)))


@dataclass
class Result:
    requests: pd.DataFrame
    kpis: pd.Series
    wall_seconds: float = 0.001


def true_trips(x: float, n: float) -> float:
    return (x - OPTIMUM[0]) ** 2 + (n - OPTIMUM[1]) ** 2 / 4 + 1.0


def lever_simulate(sc: LeverScenario, seed: int) -> Result:
    if sc.limit:
        left = int(Path(sc.limit).read_text())
        if left <= 0:
            raise KeyboardInterrupt
        Path(sc.limit).write_text(str(left - 1))
    if sc.n == sc.fail_n:
        raise RuntimeError(f"fake model failure at n={sc.n}")
    if sc.counter:
        with open(sc.counter, "a", encoding="utf-8") as fh:
            fh.write(f"{sc.x},{sc.n},{seed},{os.getpid()}\n")
    noise = np.random.default_rng(seed).normal(0.0, NOISE_SD)
    noise += np.random.default_rng([seed, round(sc.x * 1e6), sc.n]).normal(0.0, OWN_SD)
    kpis = pd.Series({"trips_mean": true_trips(sc.x, sc.n) + noise,
                      "gov_cost": 10.0 * sc.x + 5.0 * sc.n})
    return Result(pd.DataFrame({"trips": [1.0]}), kpis)


def lever_spec(trials: int = 30, replications: int = 3, budget: float = 1000.0,
               objectives: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "name": "fake_opt", "question": "Which x and n minimise trips?", "kind": "optimise",
        "replications": replications, "base_seed": 5, "base": extra.pop("base", []),
        "optimise": {
            "trials": trials, "seed": 3, "budget": budget,
            "objectives": objectives or ["trips_mean"],
            "levers": [
                {"name": "x", "key": "x", "bounds": [0.0, 6.0], "unit_cost": 10.0},
                {"name": "n", "key": "n", "bounds": [0, 10], "integer": True, "unit_cost": 5.0},
            ],
            "selection": {"k": 3, "delta": 0.5, "p_star": 0.9, "max_replications": 30},
            **extra.pop("optimise", {}),
        },
        **extra,
    }
