"""The township's departments and its population (villages, distances, coverage, age bands).

Part of :func:`govsim.config.validate.build_scenario`: each reader takes the
section's :class:`~govsim.config.reader.Reader` and returns its frozen spec, raising
:class:`~govsim.errors.ScenarioError` (one line naming the key) for a bad value.
"""

from __future__ import annotations

from typing import cast

from govsim.config.reader import Reader
from govsim.config.scenario import (
    LEVELS,
    AgeBandSpec,
    DepartmentSpec,
    Level,
    PopulationSpec,
)
from govsim.config.villages import read_villages
from govsim.errors import ScenarioError

__all__ = ["read_departments", "read_population"]


def read_departments(r: Reader) -> tuple[DepartmentSpec, ...]:
    """``departments``: at least one, each with names, level, windows and back-office staff."""
    if not r.data:
        raise ScenarioError(r.path, {}, "must list at least one department")
    out = []
    for key in r.data:
        d = r.child(str(key))
        out.append(DepartmentSpec(
            key=str(key),
            name_en=d.text("name_en"),
            name_zh=d.text("name_zh"),
            level=cast(Level, d.choice("level", LEVELS)),
            windows=d.integer("windows", 1, 10_000),
            backoffice_staff=d.integer("backoffice_staff", 1, 10_000),
        ))
        d.done()
    return tuple(out)


def read_population(r: Reader) -> PopulationSpec:
    """``population``: villages, distances, travel, coverage, literacy and the age bands."""
    bands = _bands(r.child("bands"))
    vmin = r.integer("villages_min", 1, 10_000)
    vmax = r.integer("villages_max", 1, 10_000)
    if vmax < vmin:
        raise ScenarioError(r.key("villages_max"), vmax, f"must be >= villages_min ({vmin})")
    dmin = r.number("distance_km_min", 0.0, 1000.0)
    dmax = r.number("distance_km_max", dmin, 1000.0)
    cmin = r.number("county_travel_min_min", 0.0, 1440.0)
    cmax = r.number("county_travel_min_max", cmin, 1440.0)
    covmin = r.probability("coverage_min")
    covmax = r.number("coverage_max", covmin, 1.0)
    csv = r.raw("villages_csv")
    spec = PopulationSpec(
        townships=r.integer("townships", 1, 10_000),
        villages_min=vmin,
        villages_max=vmax,
        residents_per_township=r.integer("residents_per_township", 1, 100_000_000),
        adult_share=r.number("adult_share", 0.0, 1.0, lo_open=True),
        household_size=r.number("household_size", 1.0, 50.0),
        distance_km_min=dmin,
        distance_km_max=dmax,
        travel_fixed_min=r.number("travel_fixed_min", 0.0, 1440.0),
        travel_min_per_km=r.number("travel_min_per_km", 0.0, 60.0),
        county_travel_min_min=cmin,
        county_travel_min_max=cmax,
        county_kmh=r.number("county_kmh", 0.0, 200.0, lo_open=True),
        coverage_min=covmin,
        coverage_max=covmax,
        literacy_concentration=r.number("literacy_concentration", 0.0, 1e6, lo_open=True),
        knowledge_correlation=r.number("knowledge_correlation", -1.0, 1.0),
        bands=bands,
        villages=None if csv is None else read_villages(csv, r.key("villages_csv")),
    )
    r.done()
    if spec.villages is None and spec.villages_min > spec.residents_per_township:  # a village needs residents
        raise ScenarioError(r.key("villages_min"), vmin,
                            f"must be <= residents_per_township ({spec.residents_per_township})")
    return spec


def _bands(r: Reader) -> tuple[AgeBandSpec, ...]:
    if not r.data:
        raise ScenarioError(r.path, {}, "must list at least one age band")
    out = []
    for name in r.data:
        b = r.child(str(name))
        out.append(AgeBandSpec(
            name=str(name),
            share=b.probability("share"),
            literacy_mean=b.number("literacy_mean", 0.0, 1.0, lo_open=True),
            smartphone=b.probability("smartphone"),
            elderly=b.flag("elderly"),
            knowledge_mean=b.probability("knowledge_mean"),
        ))
        b.done()
    total = sum(b.share for b in out)
    if abs(total - 1.0) > 1e-3:
        shares = {b.name: b.share for b in out}
        raise ScenarioError(f"{r.path}.*.share", shares, f"shares must sum to 1 (they sum to {total:.4f})")
    if any(b.literacy_mean >= 1.0 for b in out):
        bad = next(b for b in out if b.literacy_mean >= 1.0)
        raise ScenarioError(f"{r.path}.{bad.name}.literacy_mean", bad.literacy_mean,
                            "must be a number in (0, 1)")
    return tuple(out)
