"""Villages and villagers as arrays (struct of arrays), drawn from the population spec.

No Python object per villager: a county has hundreds of thousands of them.
Each attribute is drawn from its own named stream, so changing, say, the
literacy distribution leaves villages, bands and devices unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govsim.config.scenario import PopulationSpec, VillageSpec
from govsim.model.streams import Streams

__all__ = ["Population", "Villages", "build_population"]


@dataclass(frozen=True)
class Villages:
    """Village attributes, one array entry per village."""

    names: tuple[str, ...]
    township: np.ndarray          # int: township index
    township_names: tuple[str, ...]
    residents: np.ndarray         # int
    distance_km: np.ndarray       # to the township seat
    travel_min: np.ndarray        # one way, to the township seat
    county_travel_min: np.ndarray  # extra one way, township seat to county seat
    coverage: np.ndarray          # share of households with usable coverage

    def __len__(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class Population:
    """Villages and adult villagers."""

    villages: Villages
    band_names: tuple[str, ...]
    band_elderly: np.ndarray      # bool per band
    village: np.ndarray           # int32 per villager
    band: np.ndarray              # int8 per villager
    literacy: np.ndarray          # float per villager, 0..1: digital literacy (using apps)
    admin_knowledge: np.ndarray   # float per villager, 0..1: knowing the requirements and papers
    smartphone: np.ndarray        # bool per villager
    household_head: np.ndarray    # bool per villager

    @property
    def digital_literacy(self) -> np.ndarray:
        """Digital literacy per villager (the ``literacy`` array)."""
        return self.literacy

    @property
    def size(self) -> int:
        """Number of adult villagers."""
        return len(self.village)

    def in_bands(self, bands: tuple[str, ...]) -> np.ndarray:
        """Mask of the villagers in the named age bands."""
        return np.isin(self.band, [self.band_names.index(b) for b in bands])

    def candidates(self, age_bands: tuple[str, ...], household: bool) -> np.ndarray:
        """Mask of the units an item can concern: its age bands (all if none), heads for household items."""
        mask = self.in_bands(age_bands) if age_bands else np.ones(self.size, dtype=bool)
        return mask & self.household_head if household else mask


def build_population(spec: PopulationSpec, streams: Streams) -> Population:
    """Draw the villages (or take them from the roster) and their adult villagers."""
    villages = _roster(spec.villages) if spec.villages else _generate_villages(spec, streams)
    adults = np.maximum(np.rint(villages.residents * spec.adult_share).astype(np.int64), 1)
    village = np.repeat(np.arange(len(villages), dtype=np.int32), adults)
    shares = np.array([b.share for b in spec.bands], dtype=float)
    band = streams.get("population.bands").choice(len(shares), size=len(village), p=shares / shares.sum())
    means = np.array([b.literacy_mean for b in spec.bands])[band]
    k = spec.literacy_concentration
    literacy = streams.get("population.literacy").beta(means * k, (1.0 - means) * k)
    phone_p = np.array([b.smartphone for b in spec.bands])[band]
    smartphone = streams.get("population.smartphone").random(len(village)) < phone_p
    return Population(
        villages=villages,
        band_names=tuple(b.name for b in spec.bands),
        band_elderly=np.array([b.elderly for b in spec.bands], dtype=bool),
        village=village,
        band=band.astype(np.int8),
        literacy=literacy,
        admin_knowledge=_knowledge(spec, band, means, literacy, streams),
        smartphone=smartphone,
        household_head=_heads(villages.residents, adults, spec.household_size),
    )


def _knowledge(spec: PopulationSpec, band: np.ndarray, lit_mean: np.ndarray, literacy: np.ndarray,
               streams: Streams) -> np.ndarray:
    """Administrative knowledge: the band's mean, correlated with digital literacy within the band.

    ``m_k + r (s_k / s_d) (literacy - m_d) + sqrt(1 - r^2) s_k z`` with ``s`` the
    standard deviation of a Beta of the band's mean and the literacy
    concentration, ``r`` = ``knowledge_correlation``, clipped to [0, 1] (which
    lowers the correlation a little). Its own stream: literacy is unchanged.
    """
    k = spec.literacy_concentration
    m_k = np.array([b.knowledge_mean for b in spec.bands])[band]
    s_d = np.sqrt(lit_mean * (1.0 - lit_mean) / (k + 1.0))
    s_k = np.sqrt(m_k * (1.0 - m_k) / (k + 1.0))
    r = spec.knowledge_correlation
    z = streams.get("population.knowledge").standard_normal(len(band))
    x = m_k + r * s_k / np.maximum(s_d, 1e-9) * (literacy - lit_mean) + np.sqrt(1.0 - r * r) * s_k * z
    return np.clip(x, 0.0, 1.0)


def _heads(residents: np.ndarray, adults: np.ndarray, household_size: float) -> np.ndarray:
    """Mark the first adult of each household as its head (households per village)."""
    households = np.minimum(np.maximum(np.ceil(residents / household_size), 1), adults).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(adults)[:-1]))
    rank = np.arange(int(adults.sum())) - np.repeat(starts, adults)
    return rank < np.repeat(households, adults)


def _generate_villages(spec: PopulationSpec, streams: Streams) -> Villages:
    rng = streams.get("population.villages")
    counts = rng.integers(spec.villages_min, spec.villages_max + 1, size=spec.townships)
    township = np.repeat(np.arange(spec.townships), counts)
    residents = np.concatenate([
        _split(spec.residents_per_township, int(n), rng) for n in counts
    ])
    distance = rng.uniform(spec.distance_km_min, spec.distance_km_max, size=len(township))
    county_leg = rng.uniform(spec.county_travel_min_min, spec.county_travel_min_max, size=spec.townships)
    coverage = rng.uniform(spec.coverage_min, spec.coverage_max, size=len(township))
    return Villages(
        names=tuple(f"T{t + 1:02d}-V{i + 1:02d}" for t, n in enumerate(counts) for i in range(n)),
        township=township,
        township_names=tuple(f"T{t + 1:02d}" for t in range(spec.townships)),
        residents=residents,
        distance_km=distance,
        travel_min=spec.travel_fixed_min + spec.travel_min_per_km * distance,
        county_travel_min=county_leg[township],
        coverage=coverage,
    )


def _split(total: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` residents over ``n`` villages (Dirichlet sizes, each >= 1)."""
    weights = rng.dirichlet(np.full(n, 3.0))
    sizes = np.maximum(np.floor(weights * total).astype(np.int64), 1)
    sizes[np.argmax(sizes)] += max(total - int(sizes.sum()), 0)
    return sizes


def _roster(villages: tuple[VillageSpec, ...]) -> Villages:
    towns = tuple(dict.fromkeys(v.township for v in villages))
    index = {t: i for i, t in enumerate(towns)}
    return Villages(
        names=tuple(v.village_id for v in villages),
        township=np.array([index[v.township] for v in villages]),
        township_names=towns,
        residents=np.array([v.residents for v in villages], dtype=np.int64),
        distance_km=np.array([v.distance_km for v in villages]),
        travel_min=np.array([v.travel_min for v in villages]),
        county_travel_min=np.array([v.county_travel_min for v in villages]),
        coverage=np.array([v.coverage for v in villages]),
    )
