"""The service catalogue: documents, items, their seasons, deadlines and workflow steps.

Part of :func:`govsim.config.validate.build_scenario`: each reader takes the
section's :class:`~govsim.config.reader.Reader` and returns its frozen spec, raising
:class:`~govsim.errors.ScenarioError` (one line naming the key) for a bad value.
"""

from __future__ import annotations

from typing import Any, cast

from govsim.config.reader import Reader
from govsim.config.scenario import (
    DocumentSpec,
    ItemSpec,
    StepSpec,
)
from govsim.errors import ScenarioError

__all__ = ["read_documents", "read_items"]


def read_documents(r: Reader, dept_keys: set[str]) -> tuple[DocumentSpec, ...]:
    """``services.documents``: each held by the villager or by a known department."""
    out = []
    for key in r.data:
        d = r.child(str(key))
        holder = d.text("holder")
        if holder != "villager" and holder not in dept_keys:
            allowed = ", ".join(["villager", *sorted(dept_keys)])
            raise ScenarioError(d.key("holder"), holder, f"must be one of {allowed}")
        out.append(DocumentSpec(key=str(key), holder=holder))
        d.done()
    return tuple(out)


def read_items(
    r: Reader, dept_keys: set[str], doc_keys: set[str], band_names: set[str]
) -> tuple[ItemSpec, ...]:
    """``services.items``: at least one item, each naming known bands, documents and departments."""
    if not r.data:
        raise ScenarioError(r.path, {}, "must list at least one service item")
    return tuple(_item(r.child(str(k)), str(k), dept_keys, doc_keys, band_names) for k in r.data)


def _item(
    r: Reader, key: str, dept_keys: set[str], doc_keys: set[str], band_names: set[str]
) -> ItemSpec:
    bands = r.strings("age_bands")
    for b in bands:
        if b not in band_names:
            raise ScenarioError(r.key("age_bands"), b, f"must name age bands among {sorted(band_names)}")
    docs = r.strings("documents")
    for d in docs:
        if d not in doc_keys:
            raise ScenarioError(r.key("documents"), d, f"is not a known document ({sorted(doc_keys)})")
    total = r.raw("total_per_hour", None)
    if total is not None:
        total = r.number("total_per_hour", 0.0, 1e9, lo_open=True)
    item = ItemSpec(
        key=key,
        name_en=r.text("name_en"),
        name_zh=r.text("name_zh"),
        rate_per_year=r.number("rate_per_year", 0.0, 365.0),  # at most one need a day
        unit=cast(Any, r.choice("unit", ("person", "household"))),
        age_bands=bands,
        eligible_share=r.probability("eligible_share"),
        total_per_hour=total,
        season=_season(r),
        documents=docs,
        missing_doc_prob=r.probability("missing_doc_prob"),
        online=r.flag("online"),
        in_person_step=r.flag("in_person_step"),
        pickup=r.flag("pickup"),
        proactive=r.flag("proactive"),
        steps=_steps(r, dept_keys),
        promised_days=_promised(r),
        schedule=cast(Any, r.choice("schedule", ("poisson", "annual"))),
        unmet_value=r.number("unmet_value", 0.0, 1e9),
    )
    r.done()
    if item.schedule == "annual" and (item.rate_per_year != 1.0 or item.total_per_hour is not None):
        raise ScenarioError(r.key("schedule"), "annual", "needs rate_per_year: 1.0 and total_per_hour: null "
                            "(an annual obligation comes once per eligible unit per year)")
    return item


def _promised(r: Reader) -> float | None:
    """The item's promised days (承诺时限), or None if it has none."""
    if r.raw("promised_days") is None:
        return None
    return r.number("promised_days", 0.0, 36_500.0, lo_open=True)


def _season(r: Reader) -> tuple[float, ...]:
    value = r.raw("season", None)
    if value is None:
        return (1.0,) * 12
    ok = isinstance(value, list | tuple) and len(value) == 12 and all(
        isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1e9 for v in value)
    if not ok or sum(value) <= 0:  # bounded weights: a sum of huge ones would overflow to inf
        raise ScenarioError(r.key("season"), value,
                            "must be null or 12 monthly weights in [0, 1e9], not all zero")
    mean = sum(value) / 12.0
    return tuple(float(v) / mean for v in value)


def _steps(r: Reader, dept_keys: set[str]) -> tuple[StepSpec, ...]:
    raw = r.raw("steps")
    if not isinstance(raw, list) or not raw:
        raise ScenarioError(r.key("steps"), raw, "must be a non-empty list of workflow steps")
    steps = []
    for i, s in enumerate(raw):
        sr = Reader(s, f"{r.key('steps')}[{i}]")
        dept = sr.text("dept")
        if dept not in dept_keys:
            raise ScenarioError(sr.key("dept"), dept, f"must be one of {', '.join(sorted(dept_keys))}")
        counter_min = sr.number("counter_min", 0.0, 1440.0)
        steps.append(StepSpec(
            dept=dept,
            counter_min=counter_min,
            backoffice_min=sr.number("backoffice_min", 0.0, 100_000.0),
            review_days=sr.number("review_days", 0.0, 3650.0),
            notice_days=sr.number("notice_days", 0.0, 3650.0),
            parallel=sr.flag("parallel", default=False),
            # the catalogue's rule (configs/services/default.yaml): the counter work it replaces
            online_review_min=sr.number("online_review_min", 0.0, 100_000.0, default=counter_min),
        ))
        sr.done()
    return tuple(steps)
