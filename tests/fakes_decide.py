"""A fake model of named inputs for the discover and sobol kinds (no tests here).

``decide_load`` reads ``x.<name>=<value>`` overrides into a :class:`InputPoint`;
``decide_simulate`` reports ``trips_mean`` as a function of them: with ``model=box``,
1.0 inside the planted box ``a >= 0.6 and b <= 0.3`` and 0.0 outside, plus normal
noise from the seed (sd ``noise``), plus ``shift``; with ``model=ishigami``, the Ishigami function of
``x1, x2, x3`` (a = 7, b = 0.1) and no noise. With ``fail=<path>``, a point with
``a > 0.5`` raises while that file exists (an interruption one can switch off).
Module-level and picklable, so worker processes can run them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govsim.errors import ScenarioError


@dataclass(frozen=True)
class _Run:
    seed: int = 1
    horizon_days: int = 10


@dataclass(frozen=True)
class InputPoint:
    values: tuple[tuple[str, float], ...]
    model: str
    noise: float
    shift: float = 0.0
    fail: str = ""
    run: _Run = _Run()

    def to_dict(self) -> dict[str, Any]:
        return {"x": dict(self.values), "model": self.model, "noise": self.noise,
                "shift": self.shift, "fail": self.fail,
                "run": {"seed": self.run.seed, "horizon_days": self.run.horizon_days}}


def decide_load(overrides: list[str]) -> InputPoint:
    d = dict(o.split("=", 1) for o in overrides)
    if d.get("model", "box") not in ("box", "ishigami"):
        raise ScenarioError("model", d["model"], "must be box or ishigami")
    values = tuple(sorted((k[2:], float(v)) for k, v in d.items() if k.startswith("x.")))
    return InputPoint(values, d.get("model", "box"), float(d.get("noise", 0.1)),
                      float(d.get("shift", 0.0)), d.get("fail", ""))


@dataclass
class _Result:
    requests: pd.DataFrame
    kpis: pd.Series
    wall_seconds: float


def decide_simulate(point: InputPoint, seed: int) -> _Result:
    x = dict(point.values)
    if point.fail and os.path.exists(point.fail) and x.get("a", 0.0) > 0.5:
        raise RuntimeError("fake model failure")
    if point.model == "ishigami":
        y = (np.sin(x["x1"]) + 7.0 * np.sin(x["x2"]) ** 2
             + 0.1 * x["x3"] ** 4 * np.sin(x["x1"]))
    else:
        inside = x.get("a", 0.0) >= 0.6 and x.get("b", 1.0) <= 0.3
        y = (1.0 if inside else 0.0) + np.random.default_rng(seed).normal(0.0, point.noise)
    y += point.shift
    return _Result(pd.DataFrame({"trips": [y]}), pd.Series({"trips_mean": float(y)}), 0.001)
