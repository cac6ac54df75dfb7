"""Fingerprints of whole runs: a refactor that changes no behaviour changes no digest.

Each digest covers the public outputs of one short run (the requests frame
with its column names and dtypes, the KPIs, the time series, the utilisation
table and the breach table). A change that is meant to change results
updates the digests here and names the change in its commit message.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

import govsim

SHORT = ["run.horizon_days=60"]

DIGESTS = {
    "default": "d9b49e7f47e70805",
    "shared_data": "b16256549fd63eda",
    "one_window": "6e4d8ee30b8b7533",
    "online_first": "4b95a26ff37886b4",
    "digital_only": "98acecbd99e709e3",
    "inclusive": "7b00de21191a07d2",
    "proactive_shared": "787e8b8ede00ee3b",
    "security_strong": "89227622a346e1d8",
    "mmc": "05222548a3195bf4",
    "everything": "2b18a41f3cbc6b7b",
    "in_person_complaints": "25b4127b24bf8df4",
}

OVERRIDES = {
    "default": [],
    "shared_data": ["governance=shared_data"],
    "one_window": ["governance=one_window"],
    "online_first": ["channels=online_first"],
    "digital_only": ["channels=digital_only"],
    "inclusive": ["channels=inclusive"],
    "proactive_shared": ["proactive=on", "governance=shared_data"],
    "security_strong": ["security=strong"],
    "mmc": ["scenario=mmc"],
    # every branch of the request path at once: apps, training, proxies, losses,
    # hotline, proactive grants, automated checks, unaware villagers
    "everything": ["channels=inclusive", "platform=fragmented", "interventions=literacy_training",
                   "proactive=on", "governance=shared_data", "security.application_loss_prob=0.05",
                   "platform.hotline_share=0.3", "proactive.awareness_base=0.6",
                   "proactive.awareness_literacy=0.3", "proactive.awareness_elderly=0.2"],
    "in_person_complaints": ["channels=online_first", "platform.two_way=false",
                             "security.application_loss_prob=0.05"],
}


def _frame_digest(h: hashlib._Hash, df: pd.DataFrame) -> None:
    h.update(repr([(str(c), str(t)) for c, t in df.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())


def fingerprint(result: govsim.RunResult) -> str:
    """A hex digest of a run's public outputs."""
    h = hashlib.sha256()
    _frame_digest(h, result.requests)
    _frame_digest(h, result.kpis.to_frame())
    _frame_digest(h, result.timeseries)
    _frame_digest(h, result.utilisation)
    breaches = result.extra.get("breaches")
    if isinstance(breaches, pd.DataFrame):
        _frame_digest(h, breaches)
    return h.hexdigest()[:16]


@pytest.mark.parametrize("name", list(OVERRIDES))
def test_fingerprint_unchanged(name: str) -> None:
    result = govsim.simulate(govsim.load_scenario([*SHORT, *OVERRIDES[name]]), seed=11)
    assert len(result.requests) > 0
    assert fingerprint(result) == DIGESTS[name]
