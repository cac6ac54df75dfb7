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
    "default": "9d43f1dec9393955",
    "shared_data": "5e1d5a7777a43d4b",
    "one_window": "aadb38ebf1374dc5",
    "online_first": "9b515795d6e5b9cc",
    "digital_only": "3e6895646fd979f0",
    "inclusive": "e18e1dd41b3a415f",
    "proactive_shared": "757039744c6134e9",
    "security_strong": "84bc64277f191d0d",
    "mmc": "211379db64c88518",
    "everything": "8e9367399f41c5cb",
    "in_person_complaints": "6dcb8f671f76a099",
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
