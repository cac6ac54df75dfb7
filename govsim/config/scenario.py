"""The validated, immutable description of one scenario (data only, no behaviour).

A :class:`Scenario` is produced by :func:`govsim.config.validate.build_scenario`
from the composed Hydra configuration. The model reads it; nothing mutates it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "LEVELS",
    "AgeBandSpec",
    "BehaviourSpec",
    "CalendarSpec",
    "ChannelSpec",
    "DepartmentSpec",
    "DocumentSpec",
    "GovernanceSpec",
    "ItemSpec",
    "PopulationSpec",
    "RunSpec",
    "Scenario",
    "StepSpec",
    "VillageSpec",
]

Level = Literal["village", "township", "county"]
LEVELS: tuple[Level, ...] = ("village", "township", "county")


@dataclass(frozen=True, slots=True)
class AgeBandSpec:
    """An adult age band: its share of adults, digital literacy and devices."""

    name: str
    share: float
    literacy_mean: float
    smartphone: float
    elderly: bool


@dataclass(frozen=True, slots=True)
class VillageSpec:
    """One village read from a roster file (generated villages are built at run time)."""

    village_id: str
    township: str
    residents: int
    distance_km: float
    travel_min: float
    county_travel_min: float
    coverage: float


@dataclass(frozen=True, slots=True)
class PopulationSpec:
    """Geography and residents of the county."""

    townships: int
    villages_min: int
    villages_max: int
    residents_per_township: int
    adult_share: float
    household_size: float
    distance_km_min: float
    distance_km_max: float
    travel_fixed_min: float
    travel_min_per_km: float
    county_travel_min_min: float
    county_travel_min_max: float
    coverage_min: float
    coverage_max: float
    literacy_concentration: float
    bands: tuple[AgeBandSpec, ...]
    villages: tuple[VillageSpec, ...] | None = None


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One workflow step of a service item, done by one department."""

    dept: str
    counter_min: float
    backoffice_min: float
    review_days: float
    notice_days: float
    parallel: bool


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """A service item (事项): demand, eligibility, documents and workflow."""

    key: str
    name_en: str
    name_zh: str
    rate_per_year: float
    unit: Literal["person", "household"]
    age_bands: tuple[str, ...]
    eligible_share: float
    total_per_hour: float | None
    season: tuple[float, ...]
    documents: tuple[str, ...]
    missing_doc_prob: float
    online: bool
    in_person_step: bool
    pickup: bool
    proactive: bool
    steps: tuple[StepSpec, ...]


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """A document an item requires, and who holds it (a department or the villager)."""

    key: str
    holder: str


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    """A department at one level: its counter windows and back-office staff."""

    key: str
    name_en: str
    name_zh: str
    level: Level
    windows: int
    backoffice_staff: int


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """Office opening: minutes after midnight and working days per week (Mon first)."""

    open_min: float
    close_min: float
    workdays_per_week: int

    @property
    def always_open(self) -> bool:
        """True when offices never close (the M/M/c validation preset)."""
        return self.open_min <= 0 and self.close_min >= 1440 and self.workdays_per_week == 7


@dataclass(frozen=True, slots=True)
class GovernanceSpec:
    """Front office, data sharing and hand-offs (the governance knobs)."""

    front_office: Literal["per_department", "one_window"]
    share_level: float
    shared_documents: tuple[str, ...]
    exchange_latency_min: float
    exchange_fail_prob: float
    handoff: Literal["paper", "electronic"]
    paper_handoff_days: float
    courier_interval_days: int
    electronic_handoff_min: float
    electronic_delivery: bool
    certificate_min: float
    reject_min: float
    pickup_min: float


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """Channels offered to villagers (offline counters here; online in the channel model)."""

    counters_open: bool


@dataclass(frozen=True, slots=True)
class BehaviourSpec:
    """How villagers act on a need at the counter (offline behaviour)."""

    reaction_days_max: float
    arrival_spread: float
    knows_requirements_base: float
    knows_requirements_literacy: float
    missing_doc_literacy_factor: float
    max_failed_trips: int
    fare_per_km: float
    time_value_per_hour: float


@dataclass(frozen=True, slots=True)
class RunSpec:
    """Horizon, seed and sampling of one run."""

    horizon_days: float
    seed: int
    start_weekday: int
    start_month: int
    sample_interval_min: float


@dataclass(frozen=True, slots=True)
class Scenario:
    """A complete, validated scenario. Build with :func:`govsim.load_scenario`."""

    name: str
    population: PopulationSpec
    items: tuple[ItemSpec, ...]
    documents: tuple[DocumentSpec, ...]
    departments: tuple[DepartmentSpec, ...]
    calendar: CalendarSpec
    governance: GovernanceSpec
    channels: ChannelSpec
    behaviour: BehaviourSpec
    run: RunSpec

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-able dict of every value (for hashing and manifests)."""
        return dataclasses.asdict(self)

    def item(self, key: str) -> ItemSpec:
        """The item with this key."""
        return next(i for i in self.items if i.key == key)

    def department(self, key: str) -> DepartmentSpec:
        """The department with this key."""
        return next(d for d in self.departments if d.key == key)
