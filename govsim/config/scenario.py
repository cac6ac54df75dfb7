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
    "ChoiceSpec",
    "CostSpec",
    "DepartmentSpec",
    "DocumentSpec",
    "GovernanceSpec",
    "InterventionSpec",
    "ItemSpec",
    "PlatformSpec",
    "PopulationSpec",
    "ProactiveSpec",
    "RunSpec",
    "Scenario",
    "SecuritySpec",
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
    remote_identity: bool = False   # online applications need no in-person identity step


@dataclass(frozen=True, slots=True)
class ChoiceSpec:
    """Multinomial logit of channel choice, and how experience moves it (see decisions.channel)."""

    beta_time_per_hour: float
    beta_cost_per_yuan: float
    beta_effort: float
    online_intercept: tuple[float, ...]     # by age band (population.bands order)
    assisted_intercept: tuple[float, ...]   # by age band
    learn_success: float
    learn_failure: float
    propensity_min: float
    propensity_max: float


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """Channels offered to villagers: counters, online self-service, assisted (proxy agents)."""

    counters_open: bool   # false: no applications at counters for items available online
    online: bool = False
    assisted: bool = False
    fallback: tuple[str, ...] = ("counter",)
    online_retries: int = 2
    retry_delay_hours: float = 4.0
    waking_start_min: float = 420.0
    waking_end_min: float = 1320.0
    attempt_min: float = 20.0
    literacy_min: float = 0.1
    connection_fail_factor: float = 0.67
    giveup_base: float = 0.3
    giveup_literacy: float = 0.4
    identity_min: float = 5.0
    proxies_per_village: int = 0
    proxy_mode: Literal["online", "paper"] = "online"
    proxy_literacy: float = 0.8
    proxy_task_min: float = 60.0
    proxy_batch_days: int = 7
    choice: ChoiceSpec | None = None


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    """The online platform(s): number of apps, outages, usability and capacity."""

    apps: int = 1
    assignment: Literal["round_robin", "department"] = "department"
    mtbf_hours: float = 500.0
    mttr_hours: float = 2.0
    complexity: float = 1.0
    app_setup_min: float = 30.0
    app_not_found_prob: float = 0.1
    capacity_per_hour: float = 200.0
    two_way: bool = True                 # complaints and requests (诉求) online too; false: in person only
    complaint_target_days: float = 15.0  # response-time target for complaints and requests
    hotline_share: float = 0.0           # share of complaints made by telephone hotline when two_way


@dataclass(frozen=True, slots=True)
class SecuritySpec:
    """Data holders' breach rates, security investment and stability (see govsim.model.security)."""

    level: str = "basic"
    department_breaches_per_year: float = 0.05
    exchange_breaches_per_year: float = 0.2
    platform_breaches_per_year: float = 0.2
    investment_per_holder_year: float = 0.0
    application_loss_prob: float = 0.0
    resubmit_delay_days: float = 10.0


@dataclass(frozen=True, slots=True)
class ProactiveSpec:
    """Proactive granting (免申即享), automated checks and their errors, awareness (take-up)."""

    enabled: bool = False
    automated_checks: bool = False
    false_negative: float = 0.03
    false_positive: float = 0.01
    appeal_delay_days: float = 5.0
    appeal_review_days: float = 5.0
    wrong_grant_cost: float = 1500.0
    confirm_prob: float = 0.3
    confirm_days: float = 3.0
    awareness_base: float = 1.0
    awareness_literacy: float = 0.0
    awareness_elderly: float = 0.0


@dataclass(frozen=True, slots=True)
class InterventionSpec:
    """Switchable, costed interventions."""

    training_bands: tuple[str, ...] = ()
    training_share: float = 0.0
    training_literacy_gain: float = 0.0
    training_cost_per_trainee: float = 0.0
    coverage_min: float = 0.0
    infrastructure_cost_per_village: float = 0.0
    unify_apps: bool = False
    unify_cost: float = 0.0
    staff_to_backoffice: int = 0


@dataclass(frozen=True, slots=True)
class CostSpec:
    """Unit costs for government cost (yuan)."""

    staff_per_year: float = 80000.0
    platform_per_app_year: float = 200000.0
    online_per_transaction: float = 1.5
    counter_per_visit: float = 85.0
    proxy_per_task: float = 10.0
    proxy_stipend_per_year: float = 6000.0


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
    platform: PlatformSpec = PlatformSpec()
    interventions: InterventionSpec = InterventionSpec()
    costs: CostSpec = CostSpec()
    security: SecuritySpec = SecuritySpec()
    proactive: ProactiveSpec = ProactiveSpec()

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-able dict of every value (for hashing and manifests)."""
        return dataclasses.asdict(self)

    def item(self, key: str) -> ItemSpec:
        """The item with this key."""
        return next(i for i in self.items if i.key == key)

    def department(self, key: str) -> DepartmentSpec:
        """The department with this key."""
        return next(d for d in self.departments if d.key == key)
