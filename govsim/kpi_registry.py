"""The KPI registry: what every KPI counts, in which unit, and how to show it.

One entry per KPI the model reports (the entries are data, in
:mod:`govsim.kpi_catalogue`). Each says its population (what the KPI is
averaged or counted over: needs, applications, completed applications, ...),
its unit, whether higher or lower is better, and its name and description in
English and Chinese. The CLI table, comparison sentences, figure axes,
reports and the web app all read it; nothing adds KPIs at import time.

Display rules, in one place:

* a ``share`` (0-1) is shown as a percent, and a difference of shares in
  percentage points;
* relative change ("12% higher") is meaningful only for a ``level`` KPI
  whose baseline is far from zero, never for shares or gaps.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DIRECTIONS",
    "KPI",
    "KPIS",
    "POPULATIONS",
    "UNITS",
    "Lang",
    "find",
    "kpi",
    "kpi_descriptions",
]

Lang = Literal["en", "zh"]
Better = Literal["higher", "lower", "zero"]
Kind = Literal["level", "share", "gap"]

#: unit key -> (English, Chinese) label as shown for a value.
UNITS: Mapping[str, tuple[str, str]] = {
    "share": ("%", "%"),
    "trips": ("trips", "趟"),
    "days": ("days", "天"),
    "minutes": ("minutes", "分钟"),
    "hours": ("hours", "小时"),
    "yuan": ("yuan", "元"),
    "count": ("count", "个"),
    "documents": ("documents", "份"),
    "attempts": ("attempts", "次"),
    "records": ("records", "条"),
    "per_year": ("per year", "次/年"),
    "index": ("index (0-1)", "指数 (0-1)"),
}

#: unit key -> ((English up, down), (Chinese up, down)): the words for a difference,
#: as in "0.2 trips fewer" / "少0.2趟"; units not listed use higher/lower (高/低).
DIRECTIONS: Mapping[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "trips": (("more", "fewer"), ("多", "少")),
    "documents": (("more", "fewer"), ("多", "少")),
    "count": (("more", "fewer"), ("多", "少")),
    "attempts": (("more", "fewer"), ("多", "少")),
    "records": (("more", "fewer"), ("多", "少")),
    "days": (("longer", "shorter"), ("长", "短")),
    "minutes": (("longer", "shorter"), ("长", "短")),
    "hours": (("longer", "shorter"), ("长", "短")),
}
_UP_DOWN = (("higher", "lower"), ("高", "低"))
_POINTS = ("percentage points", "个百分点")

#: population key -> (English, Chinese): what a KPI is computed over.
POPULATIONS: Mapping[str, tuple[str, str]] = {
    "needs": ("all needs that arose in the horizon (including those never applied for)",
              "期内产生的全部需求(含未申请的)"),
    "applications": ("applications actually made", "实际提出的申请"),
    "completed": ("completed applications", "已办结的申请"),
    "villagers": ("villagers who had at least one need", "至少有一项需求的村民"),
    "adults": ("all adult villagers modelled", "全部模拟的成年村民"),
    "benefit_needs": ("eligible needs of benefit items (items marked proactive)",
                      "福利类事项(可主动办理)的符合条件需求"),
    "appealed": ("wrongly denied cases that were appealed", "被误拒后申诉的案件"),
    "complaints": ("complaints and requests (诉求) that arose", "期内产生的投诉与诉求"),
    "resolved_complaints": ("complaints and requests (诉求) resolved", "已解决的投诉与诉求"),
    "run": ("the whole run (a total over the horizon)", "整个模拟期(期内合计)"),
}


@dataclass(frozen=True, slots=True)
class KPI:
    """One KPI: what it counts, its unit, and how to show it."""

    name: str
    unit: str                 # key of UNITS
    population: str           # key of POPULATIONS
    kind: Kind                # level, share (0-1) or gap (a difference between groups)
    better: Better | None     # None: neither direction is better in itself
    label_en: str
    label_zh: str
    description_en: str
    description_zh: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"KPI {self.name}: unknown unit {self.unit!r}")
        if self.population not in POPULATIONS:
            raise ValueError(f"KPI {self.name}: unknown population {self.population!r}")

    @property
    def scale(self) -> float:
        """Factor applied before display: 100 for shares (percent), else 1."""
        return 100.0 if self.unit == "share" else 1.0

    @property
    def relative_change_ok(self) -> bool:
        """Whether "x% higher than the baseline" means anything for this KPI."""
        return self.kind == "level" and self.unit != "share"

    def label(self, lang: Lang = "en") -> str:
        """Human name, e.g. "Trips per application"."""
        return self.label_zh if lang == "zh" else self.label_en

    def description(self, lang: Lang = "en") -> str:
        """One-sentence description."""
        return self.description_zh if lang == "zh" else self.description_en

    def value_unit(self, lang: Lang = "en") -> str:
        """Unit of a displayed value (after ``scale``): "%", "days", ...

        A gap of shares (60+ minus the rest) is itself a difference of percentages,
        so its values read in percentage points, not percent.
        """
        if self.unit == "share" and self.kind == "gap":
            return _POINTS[1 if lang == "zh" else 0]
        return UNITS[self.unit][1 if lang == "zh" else 0]

    def diff_unit(self, lang: Lang = "en") -> str:
        """Unit of a displayed difference: percentage points for shares."""
        if self.unit == "share":
            return _POINTS[1 if lang == "zh" else 0]
        return self.value_unit(lang)

    def direction(self, up: bool, lang: Lang = "en") -> str:
        """The word for a difference: "more"/"fewer" trips, "longer" days, "higher" else."""
        words = DIRECTIONS.get(self.unit, _UP_DOWN)[1 if lang == "zh" else 0]
        return words[0] if up else words[1]

    def population_label(self, lang: Lang = "en") -> str:
        """What the KPI is computed over, in words."""
        return POPULATIONS[self.population][1 if lang == "zh" else 0]

    def axis_label(self, lang: Lang = "en") -> str:
        """A figure axis: name, unit and population."""
        pop = self.population_label(lang)
        return f"{self.label(lang)} ({self.value_unit(lang)}; {pop})"


def _load() -> dict[str, KPI]:
    from govsim.kpi_catalogue import ENTRIES

    table: dict[str, KPI] = {}
    for entry in ENTRIES:
        if entry.name in table:
            raise ValueError(f"KPI {entry.name} is declared twice")
        table[entry.name] = entry
    return table


class _Registry(Mapping[str, KPI]):
    """Read-only mapping name -> KPI, in catalogue order, read on first use.

    Loading lazily lets the catalogue import :class:`KPI` from this module
    whichever of the two is imported first.
    """

    def __init__(self) -> None:
        self._loaded: dict[str, KPI] | None = None

    @property
    def _table(self) -> dict[str, KPI]:
        if self._loaded is None:
            self._loaded = _load()
        return self._loaded

    def __getitem__(self, name: str) -> KPI:
        return self._table[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


KPIS: Mapping[str, KPI] = _Registry()


def kpi(name: str) -> KPI:
    """The registry entry of ``name``; a ``KeyError`` that lists the known names otherwise."""
    try:
        return KPIS[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a KPI govsim reports (known: {', '.join(KPIS)})") from None


def find(name: str) -> KPI | None:
    """The registry entry of ``name``, or None (e.g. a KPI in an older stored run)."""
    return KPIS.get(name)


def kpi_descriptions(lang: Lang = "en") -> dict[str, str]:
    """name -> one-line description, for tables and help."""
    return {k.name: k.description(lang) for k in KPIS.values()}
