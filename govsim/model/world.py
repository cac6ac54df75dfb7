"""Build one run's world (population, needs, offices, plans) and run it in SimPy."""

from __future__ import annotations

import numpy as np
import simpy

from govsim.config.scenario import Scenario
from govsim.model.calendar import DAY, WorkCalendar
from govsim.model.demand import Needs, generate_needs
from govsim.model.draws import Draws
from govsim.model.interventions import apply_structural
from govsim.model.journey import Dispatcher
from govsim.model.offices import Offices, build_offices
from govsim.model.online import ChannelModel
from govsim.model.plans import ItemPlan, build_plans
from govsim.model.population import Population, build_population
from govsim.model.proactive import RiskModel
from govsim.model.records import Records
from govsim.model.sampler import Sampler
from govsim.model.streams import Streams

__all__ = ["World"]


class World:
    """Everything one run needs; attributes are read by the request processes."""

    def __init__(self, scenario: Scenario, seed: int, needs: Needs | None = None) -> None:
        scenario = apply_structural(scenario)   # interventions that change offices or apps
        self.scenario = scenario
        self.streams = Streams(seed)
        self.env = simpy.Environment()
        self.cal = WorkCalendar(scenario.calendar, scenario.run.start_weekday)
        self.pop: Population = build_population(scenario.population, self.streams)
        self.needs: Needs = needs if needs is not None else generate_needs(
            scenario.items, self.pop, scenario.run, self.streams)
        self.offices: Offices = build_offices(self.env, scenario, self.pop.villages)
        self.plans: list[list[ItemPlan]] = build_plans(scenario, self.offices, self.pop.villages)
        self.chan = ChannelModel(self)   # channels, training, coverage (before literacy is read below)
        self.request_process = self.chan.request_process()
        self.risk = RiskModel(self, self.request_process)   # take-up, 免申即享, appeals, lost applications
        self.request_process = self.risk.request_process()
        self.draws = Draws(self.streams, len(self.needs))
        self.rec = Records(len(self.needs))
        self.home_at: dict[int, float] = {}   # when a villager on a trip is back home, by request
        self._hot_path_constants()
        self.sampler = Sampler(self)

    def _hot_path_constants(self) -> None:
        """Plain Python values the request process reads many times."""
        sc, b, g = self.scenario, self.scenario.behaviour, self.scenario.governance
        self.need_times: list[float] = self.needs.time.tolist()
        self.need_villager: list[int] = self.needs.villager.tolist()
        self.need_item: list[int] = self.needs.item.tolist()
        self.need_village: list[int] = self.pop.village[self.needs.villager].tolist()
        self.always_open = self.cal.always_open
        self.react_max = b.reaction_days_max * DAY
        self.spread = b.arrival_spread
        self.max_failed = b.max_failed_trips
        self.exchange_fail = g.exchange_fail_prob
        self.exchange_latency = g.exchange_latency_min
        self.reject_min = g.reject_min
        self.paper_days = g.paper_handoff_days
        self.courier_days = g.courier_interval_days
        self.electronic_min = g.electronic_handoff_min
        lit = self.pop.literacy
        self.p_know = np.minimum(b.knows_requirements_base + b.knows_requirements_literacy * lit, 1.0)
        self.p_miss = [
            np.clip(it.missing_doc_prob * (1.0 + b.missing_doc_literacy_factor * (1.0 - 2.0 * lit)), 0, 1)
            for it in sc.items
        ]

    def start(self) -> None:
        """Start the demand dispatcher and the sampler."""
        Dispatcher(self).start()
        self.env.process(self.sampler.process())
        self.chan.start()

    def run(self) -> None:
        """Run the simulation to the horizon."""
        self.start()
        self.env.run(until=self.scenario.run.horizon_days * DAY)
