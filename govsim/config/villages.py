"""Read a village roster (CSV) into :class:`VillageSpec` records, with clear errors.

Columns (header row required, UTF-8, one row per village):

=================== =====================================================
village_id          unique name or code of the village
township            name of its township (villages group into townships)
residents           number of residents (whole number, 1..10,000,000)
distance_km         road distance to the township seat, km (0..1000)
travel_min          one-way travel time to the township seat, minutes (>= 0)
county_travel_min   extra one-way minutes from the township seat to the county seat (>= 0)
coverage            share of households with usable mobile coverage, 0..1
=================== =====================================================

A path starting with ``builtin:`` names a roster shipped with govsim
(``builtin:example_villages.csv``); any other path is resolved against the
current working directory.
"""

from __future__ import annotations

import csv
import io
import math
from importlib import resources
from pathlib import Path

from govsim.config.scenario import VillageSpec
from govsim.errors import ScenarioError

__all__ = ["COLUMNS", "MAX_VILLAGES", "read_villages"]

MAX_VILLAGES = 100_000
MAX_BYTES = 50_000_000
MAX_RESIDENTS = 10_000_000     # per village

COLUMNS = ("village_id", "township", "residents", "distance_km", "travel_min",
           "county_travel_min", "coverage")


def read_villages(path: object, key: str) -> tuple[VillageSpec, ...]:
    """Read and check the roster at ``path``; ``key`` names the config key for errors."""
    if not isinstance(path, str) or not path.strip():
        raise ScenarioError(key, path, "must be null or the path of a village CSV file")
    text = _read_text(path, key)
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:  # e.g. a field over the csv module's 131,072-character limit
        raise ScenarioError(key, path, f"must be a well-formed CSV file ({exc})") from None
    header = tuple(c.strip() for c in table[0]) if table else ()
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise ScenarioError(key, path, f"must not repeat a column (repeated: {', '.join(dupes)})")
    if len(table) > MAX_VILLAGES + 1:
        raise ScenarioError(key, path, f"must list at most {MAX_VILLAGES:,} villages")
    rows = [dict(zip(header, r, strict=False)) for r in table[1:] if any(c.strip() for c in r)]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ScenarioError(key, path, f"is missing columns {missing} (needs {', '.join(COLUMNS)})")
    if not rows:
        raise ScenarioError(key, path, "has no villages (needs at least one data row)")
    villages = tuple(_village(row, i + 2, path, key) for i, row in enumerate(rows))
    seen: set[str] = set()
    for v in villages:
        if v.village_id in seen:
            raise ScenarioError(key, path, f"must have unique village_id values ({v.village_id!r} repeats)")
        seen.add(v.village_id)
    return villages


def _read_text(path: str, key: str) -> str:
    try:
        if path.startswith("builtin:"):
            name = path.removeprefix("builtin:")
            if "/" in name or "\\" in name or name.startswith("."):
                raise ScenarioError(key, path, f"must name a roster shipped with govsim ({_builtins()})")
            res = resources.files("govsim.configs").joinpath("villages", name)
            if not res.is_file():
                raise ScenarioError(key, path, f"must name a roster shipped with govsim ({_builtins()})")
            data = res.read_bytes()
        else:
            resolved = Path(path).expanduser().resolve()
            if not resolved.is_file():
                raise ScenarioError(key, path, f"must name an existing file (resolved: {resolved})")
            if resolved.stat().st_size > MAX_BYTES:
                raise ScenarioError(key, path, f"must be at most {MAX_BYTES:,} bytes")
            data = resolved.read_bytes()
    except OSError as exc:
        raise ScenarioError(key, path,
                            f"must be a readable file (reading it failed: {exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(key, path, "must be UTF-8 encoded text") from None


def _builtins() -> str:
    folder = resources.files("govsim.configs").joinpath("villages")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".csv"))
    return "choose one of: " + ", ".join(f"builtin:{n}" for n in names)


def _village(row: dict[str, str], line: int, path: str, key: str) -> VillageSpec:
    def num(col: str, lo: float, hi: float = math.inf) -> float:
        raw = (row.get(col) or "").strip()
        try:
            x = float(raw)
        except ValueError:
            x = math.nan
        if not math.isfinite(x) or not lo <= x <= hi:
            raise ScenarioError(f"{key} (line {line}, column {col})", raw,
                                f"must be a number in [{lo:g}, {hi:g}]")
        return x

    vid = (row.get("village_id") or "").strip()
    town = (row.get("township") or "").strip()
    if not vid or not town:
        raise ScenarioError(f"{key} (line {line})", path, "village_id and township must not be empty")
    if not (vid + town).isprintable():
        raise ScenarioError(f"{key} (line {line})", path,
                            "village_id and township must be printable text (no control characters)")
    residents = num("residents", 1, MAX_RESIDENTS)
    if residents != int(residents):
        raise ScenarioError(f"{key} (line {line}, column residents)", row["residents"],
                            "must be a whole number >= 1")
    return VillageSpec(
        village_id=vid,
        township=town,
        residents=int(residents),
        distance_km=num("distance_km", 0, 1000),
        travel_min=num("travel_min", 0, 1440),
        county_travel_min=num("county_travel_min", 0, 1440),
        coverage=num("coverage", 0, 1),
    )
