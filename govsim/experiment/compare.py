"""Comparison of scenarios against a baseline: a table and plain-language sentences.

Every number is shown in its KPI's unit from :mod:`govsim.kpi_registry`: a share as a
percent and a difference of shares in percentage points. Intervals get enough digits
to differ from their point estimate. A difference that is exactly zero in every
replication pair is "no change (same by construction)", not an inconclusive result.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import pandas as pd

from govsim.experiment.stats import InconclusiveWarning, describe, paired_differences
from govsim.kpi_registry import KPI, Lang, find

__all__ = [
    "COMPARISON_COLUMNS",
    "comparison_table",
    "display",
    "fmt",
    "fmt_interval",
    "format_comparison",
    "kpi_label",
    "relative_note",
    "same_by_construction",
    "sentence",
    "with_unit",
]

MAX_EXTRA_DIGITS = 4   # how many more decimals an interval may take to separate its ends
MAX_RELATIVE = 10.0    # a relative change beyond 1000% says the baseline is near zero
GROUP_FROM = 10_000    # numbers from here up get thousands separators ("12,345")


#: The columns of :func:`comparison_table`, in order (also those of an empty comparison).
COMPARISON_COLUMNS = ["kpi", "label", "unit", "scenario", "baseline", "n", "mean", "sd", "ci_low",
                      "ci_high", "rel_halfwidth", "diff_mean", "diff_ci_low", "diff_ci_high",
                      "rel_change", "p", "p_holm", "inconclusive", "same_by_construction", "sentence"]


def _decimals(x: float) -> int:
    """Decimals that :func:`fmt` shows for ``x``: 0 from 100, 1 from 1, else 2 significant."""
    a = abs(x)
    if a >= 100:
        return 0
    if a >= 1:
        return 1
    if a == 0:
        return 1
    return 1 - math.floor(math.log10(a))


def _nan(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt(x: float | None, decimals: int | None = None) -> str:
    """A number with a sensible number of digits (or ``decimals``); "n/a" for NaN.

    From ``GROUP_FROM`` up the whole part is grouped in thousands, in English and
    Chinese alike ("3,455,968"); smaller numbers and the decimals are left as they are.

    >>> fmt(3455968.4), fmt(9999.0), fmt(-12345.678, 2)
    ('3,455,968', '9999', '-12,345.68')
    """
    if x is None or _nan(x):
        return "n/a"
    group = "," if abs(x) >= GROUP_FROM else ""
    text = f"{x:{group}.{_decimals(x) if decimals is None else decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.0"


def fmt_interval(point: float, low: float, high: float) -> tuple[str, str, str]:
    """Point, low and high with one number of decimals, enough to tell them apart.

    >>> fmt_interval(0.19, 0.184, 0.196)
    ('0.19', '0.18', '0.20')
    >>> fmt_interval(0.2, 0.196, 0.204)
    ('0.200', '0.196', '0.204')
    """
    values = [v for v in (point, low, high) if not _nan(v)]
    if not values:
        return "n/a", "n/a", "n/a"
    base = _decimals(max(abs(point), 0.0) if not _nan(point) else max(map(abs, values)))
    for d in range(base, base + MAX_EXTRA_DIGITS + 1):
        p, lo, hi = fmt(point, d), fmt(low, d), fmt(high, d)
        if (lo != p or low == point) and (hi != p or high == point):
            return p, lo, hi
    return fmt(point, base), fmt(low, base), fmt(high, base)  # ends within rounding noise


def kpi_label(name: str, lang: Lang = "en") -> str:
    """The KPI's human name from the registry (its identifier if unknown)."""
    k = find(name)
    return k.label(lang) if k else name


def display(name: str) -> tuple[float, str, str]:
    """(scale, value unit, difference unit) for showing ``name`` in English."""
    k = find(name)
    if k is None:
        return 1.0, "", ""
    return k.scale, k.value_unit(), k.diff_unit()


def same_by_construction(diff: float, sd: float, n: float) -> bool:
    """Whether every paired difference is exactly 0 (mean 0 with no spread)."""
    if _nan(diff) or _nan(n) or n < 1:
        return False
    return diff == 0.0 and (n == 1 or sd == 0.0)


def unit_after(k: KPI | None, lang: Lang) -> str:
    """The unit after a number in a sentence ("" for a bare count in English)."""
    if k is None or (k.unit == "count" and lang == "en"):
        return ""
    unit = k.diff_unit(lang)
    return unit if lang == "zh" else f" {unit}"


def with_unit(name: str, x: float, lang: Lang = "en") -> str:
    """A value in its display unit: "76.7%", "0.30 trips", "0.30趟", "40" for a count.

    A gap of shares (e.g. the elderly completion gap) is a difference of two
    percentages: "1.2 percentage points" ("1.2个百分点"), not "1.2%".
    """
    k = find(name)
    if k is None:
        return fmt(x)
    unit = "%" if k.unit == "share" and k.kind != "gap" else unit_after(k, lang)
    return f"{fmt(x * k.scale)}{unit}"


def sentence(scenario: str, baseline: str, kpi: str, diff: float, ci_low: float,
             ci_high: float, *, zero: bool = False, lang: Lang = "en") -> str:
    """One sentence for a paired difference (scenario minus baseline), in the KPI's unit.

    ``zero``: every paired difference is exactly 0 (same by construction).

    >>> sentence("shared_data", "siloed", "trips_mean", -1.9, -2.0, -1.8)
    'shared_data vs siloed — Trips per application: 1.9 trips fewer (95% CI 1.8 to 2.0)'
    """
    k = find(kpi)
    scale = k.scale if k else 1.0
    head = (f"{scenario} 对比 {baseline} — {kpi_label(kpi, lang)}:" if lang == "zh"
            else f"{scenario} vs {baseline} — {kpi_label(kpi, lang)}: ")
    unit = unit_after(k, lang)
    if zero:
        return head + ("无变化(按设计相同)" if lang == "zh" else "no change (same by construction)")
    d, lo, hi = diff * scale, ci_low * scale, ci_high * scale
    if any(math.isnan(v) for v in (d, lo, hi)):
        return head + ("无法比较(有效值太少)" if lang == "zh"
                       else "cannot be compared (too few values)")
    ci = "95%置信区间" if lang == "zh" else "95% CI"
    to = " 至 " if lang == "zh" else " to "
    if lo <= 0 <= hi:
        p, a, b = fmt_interval(d, lo, hi)
        if lang == "zh":
            return head + f"无明显差异(差值 {p}{unit},{ci} {a}{to}{b})"
        return head + f"no clear difference ({p}{unit}, {ci} {a}{to}{b})"
    up = d > 0
    p, a, b = fmt_interval(abs(d), lo if up else -hi, hi if up else -lo)
    word = k.direction(up, lang) if k else (("高" if up else "低") if lang == "zh"
                                            else ("higher" if up else "lower"))
    if lang == "zh":
        return head + f"{word}{p}{unit}({ci} {a}{to}{b})"
    return head + f"{p}{unit} {word} ({ci} {a}{to}{b})"


def relative_note(kpi: str, diff: float, base_mean: float, base_low: float,
                  base_high: float, lang: Lang = "en") -> str:
    """ "12% higher than the baseline mean", only where that means something, else "".

    Only for level KPIs (never shares or gaps) whose baseline mean is far from zero:
    its 95% interval excludes 0 and the change is below ``MAX_RELATIVE`` times it.
    """
    k = find(kpi)
    if k is None or not k.relative_change_ok or any(
            _nan(v) for v in (diff, base_mean, base_low, base_high)):
        return ""
    if base_mean == 0 or base_low <= 0 <= base_high or diff == 0:
        return ""
    rel = diff / abs(base_mean)
    if abs(rel) >= MAX_RELATIVE:
        return ""
    up = rel > 0
    if lang == "zh":
        return f"比基准均值{'高' if up else '低'}{fmt(abs(rel) * 100)}%"
    return f"{fmt(abs(rel) * 100)}% {'higher' if up else 'lower'} than the baseline mean"


def _order(table: pd.DataFrame, kpi_order: list[str], scen_order: list[str]) -> pd.DataFrame:
    table["_k"] = table["kpi"].map({k: i for i, k in enumerate(kpi_order)})
    table["_s"] = table["scenario"].map({s: i for i, s in enumerate(scen_order)})
    return table.sort_values(["_k", "_s"]).drop(columns=["_k", "_s"]).reset_index(drop=True)


def comparison_table(summary: pd.DataFrame, baseline: str,
                     kpis: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per (KPI, scenario): mean and CI, paired difference from baseline, Holm p.

    Values stay in the model's units (shares 0-1; ``unit`` says which); ``sentence``
    shows them as a reader sees them. ``same_by_construction`` marks differences that
    are exactly 0 in every pair; those are not ``inconclusive``.
    """
    if kpis:
        summary = summary[summary["kpi"].isin(list(kpis))]
    desc = describe(summary)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InconclusiveWarning)
        diffs = paired_differences(summary, baseline, warn=False)
    table = desc.merge(diffs.drop(columns=["n"]), on=["kpi", "scenario"], how="left")
    table["baseline"] = baseline
    kpi_order = [k for k in (list(kpis) if kpis else list(pd.unique(summary["kpi"])))
                 if k in set(table["kpi"])]
    table = _order(table, kpi_order, list(pd.unique(summary["scenario"])))
    is_base = table["scenario"] == baseline
    zero = [not b and same_by_construction(float(r["diff_mean"]), float(r["diff_sd"]),
                                           float(r["n"]))
            for b, r in zip(is_base, table.to_dict("records"), strict=True)]
    table["same_by_construction"] = pd.array([pd.NA if b else z for b, z in zip(is_base, zero,
                                                                                strict=True)],
                                             dtype="boolean")
    table["sentence"] = [
        "" if b else sentence(str(r["scenario"]), baseline, str(r["kpi"]), float(r["diff_mean"]),
                              float(r["diff_ci_low"]), float(r["diff_ci_high"]), zero=z)
        for b, z, r in zip(is_base, zero, table.to_dict("records"), strict=True)]
    raw = table["inconclusive"].tolist()
    table["inconclusive"] = pd.array(
        [pd.NA if b else bool(i) and not z for b, i, z in zip(is_base, raw, zero, strict=True)],
        dtype="boolean")
    table["label"] = [kpi_label(str(k)) for k in table["kpi"]]
    table["unit"] = [_raw_unit(str(k)) for k in table["kpi"]]
    return table[COMPARISON_COLUMNS]


def _raw_unit(name: str) -> str:
    """The unit of the stored numbers (shares are stored as fractions of 1)."""
    k = find(name)
    if k is None:
        return ""
    if k.unit == "share":
        return ("difference of shares (-1 to 1; shown as percentage points)" if k.kind == "gap"
                else "share (0-1; shown as %)")
    return k.value_unit()


def _p(p: float) -> str:
    if math.isnan(p):
        return ""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _row(r: Mapping[Hashable, Any], baseline: str) -> dict[str, object]:
    name = str(r["kpi"])
    scale, vunit, dunit = display(name)
    is_base = r["scenario"] == baseline
    vals = [float(r[c]) * scale for c in ("mean", "ci_low", "ci_high")]
    m, lo, hi = fmt_interval(*vals)
    diff = ""
    if not is_base:
        d, dlo, dhi = fmt_interval(*(float(r[c]) * scale
                                     for c in ("diff_mean", "diff_ci_low", "diff_ci_high")))
        diff = "0 (by construction)" if r.get("same_by_construction") is True \
            else f"{d} ({dlo} to {dhi})"
    return {"KPI": kpi_label(name), "unit": vunit, "scenario": r["scenario"], "n": r["n"],
            "mean (95% CI)": f"{m} ({lo} to {hi})",
            f"diff vs {baseline} (95% CI)": diff, "diff unit": "" if is_base else dunit,
            "Holm p": "" if is_base else _p(float(r["p_holm"])),
            "identifier": name}


def format_comparison(table: pd.DataFrame) -> str:
    """The comparison as a fixed-width text table followed by its sentences."""
    if table.empty:
        return "(no results)"
    baseline = str(table["baseline"].iloc[0])
    rows = [_row(r, baseline) for r in table.to_dict("records")]
    text = pd.DataFrame(rows).to_string(index=False)
    sentences = [s for s in table["sentence"] if s]
    inconclusive = int(table["inconclusive"].astype("boolean").fillna(False).sum())
    lines = [text, "", *sentences]
    if inconclusive:
        lines.append(f"Warning: {inconclusive} comparison(s) inconclusive (95% CI of the "
                     "difference includes 0); more replications may help.")
    return "\n".join(lines)
