"""The self-contained HTML report of one stored experiment, in English and Chinese.

``<out>/report.html`` and ``<out>/report.zh.html`` (each links the other). Figures are
embedded as base64 PNG data URIs and the CSS is inline, so a file can be mailed or
opened offline. Every number and sentence comes from the stored results; the page
names no path on the machine that built it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.kpi_registry import Lang
from govsim.report.data import StoredExperiment, load_experiment
from govsim.report.discover_report import discover_findings, discover_section
from govsim.report.figures import Figure, build_figures
from govsim.report.findings import Finding, select_findings, sensitivity_findings
from govsim.report.optimise_report import is_optimisation, optimise_findings, optimise_section
from govsim.report.sobol_report import sobol_findings, sobol_section
from govsim.report.style import figure_lang
from govsim.report.tables import (
    comparison_html,
    e,
    items_html,
    kpi_html,
    provenance_html,
    scenarios_html,
)

__all__ = ["CSS", "REPORT_FILES", "build_report", "data_uri", "findings_of", "render_report"]

REPORT_FILES: dict[Lang, str] = {"en": "report.html", "zh": "report.zh.html"}

CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC",
"Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;max-width:1100px;margin:2em auto;padding:0 1.2em;color:#222;
line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;
margin-top:2em}
.question{font-size:1.25em;background:#f3f7fb;border-left:5px solid #3a78b5;padding:.6em 1em}
.lead{font-size:1.08em}.lead p{margin:.5em 0}.lang{float:right;font-size:.9em}
.meta{color:#666;font-size:.9em}
ul.findings li{margin:.45em 0}.inconclusive{color:#8a6d00}
table{border-collapse:collapse;font-size:.88em;margin:.6em 0}
th,td{border:1px solid #ccc;padding:.25em .55em;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.base td{background:#fafafa;color:#555}
figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{color:#444;font-size:.9em;margin-top:.3em}
pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.8em}
details{margin:.5em 0}summary{cursor:pointer;color:#3a78b5}
"""

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("govsim experiment: {name}", "govsim 实验:{name}"),
    "other": ("中文版", "English"),
    "meta": ("{k} scenarios, {r} replications each (size {size}), baseline <b>{b}</b>.",
             "共{k}个方案,每个方案{r}次重复(规模 {size}),基准方案 <b>{b}</b>。"),
    "changed": ("What changed, for whom", "变化了什么、对谁"),
    "findings": ("Findings (statistics)", "结论(统计)"),
    "comparison": ("Comparison with the baseline", "与基准方案的比较"),
    "comparison_note": (
        "Means over replications with 95% t confidence intervals; differences are paired on "
        "replication (common random numbers); p-values are Holm-adjusted across all "
        "comparisons. Shares are shown in percent, their differences in percentage points.",
        "均值为各次重复的平均,附95% t置信区间;差值按重复配对(共同随机数);p值经Holm多重比较校正。"
        "比例以百分比表示,其差值以百分点表示。"),
    "figures": ("Figures", "图"), "figure": ("Figure", "图"),
    "kpis": ("KPI definitions", "指标定义"), "items": ("Service items (事项)", "服务事项"),
    "scenarios": ("Scenarios and configuration", "方案与配置"),
    "provenance": ("Provenance", "来源与版本"),
    "no_findings": ("(no scenario differs from the baseline in the stored results)",
                    "(已存结果中没有方案与基准不同)"),
    "inconclusive": ("{i} of {t} comparisons are inconclusive (the 95% interval of the "
                     "difference includes 0); more replications may help. {z} are the same "
                     "by construction and not counted.",
                     "{t}项比较中有{i}项不明确(差值的95%置信区间包含0),增加重复次数可能有帮助。"
                     "另有{z}项按设计相同,不计入。"),
    "no_question": ("(the experiment states no question)", "(该实验未说明问题)"),
    "no_figure": ("(no figure could be drawn from the stored results)", "(无法根据已存结果作图)"),
    "design_rows": ("Every design point against the first point (one row per point and KPI; "
                    "a design, not a comparison of policies)",
                    "各设计点与第一个点的比较(每个点每项指标一行;这是设计点,并非政策比较)"),
}


def _w(key: str, lang: Lang) -> str:
    return _WORDS[key][1 if lang == "zh" else 0]


def data_uri(png: str | Path | bytes) -> str:
    """A PNG file (or its bytes) as a ``data:image/png;base64,...`` URI."""
    raw = png if isinstance(png, bytes) else Path(png).read_bytes()
    return "data:image/png;base64," + base64.b64encode(raw).decode("ascii")


def _findings_html(findings: list[Finding], comparison: pd.DataFrame, lang: Lang) -> str:
    if not findings:
        return f"<p>{e(_w('no_findings', lang))}</p>"
    items = "".join(f"<li class='{'' if f.conclusive else 'inconclusive'}'>"
                    f"{e(f.sentence(lang))}</li>" for f in findings)
    note = ""
    if "inconclusive" in comparison:
        inc = int(comparison["inconclusive"].astype("boolean").fillna(False).sum())
        tot = int(comparison["inconclusive"].notna().sum())
        zero = comparison.get("same_by_construction", pd.Series(dtype="boolean"))
        z = int(zero.astype("boolean").fillna(False).sum())
        if inc:
            note = (f"<p class='inconclusive'>"
                    f"{e(_w('inconclusive', lang).format(i=inc, t=tot - z, z=z))}</p>")
    return f"<ul class='findings'>{items}</ul>{note}"


def _figures_html(figures: Sequence[Figure], lang: Lang) -> str:
    word = _w("figure", lang)
    return "".join(
        f"<figure id='fig-{e(f.path.name.split('.')[0])}'><img src='{data_uri(f.path)}' "
        f"alt='{e(f.title)}'><figcaption><b>{word} {i}. {e(f.title)}.</b> {e(f.caption)}"
        "</figcaption></figure>" for i, f in enumerate(figures, 1))


def render_report(exp: StoredExperiment, figures: Sequence[Figure], findings: list[Finding],
                  lang: Lang = "en") -> str:
    """The report page as an HTML string."""
    m = exp.manifest
    title = _w("title", lang).format(name=exp.name)
    meta = _w("meta", lang).format(k=len(exp.scenarios), r=e(m.get("replications", "?")),
                                   size=e(m.get("size", "?")), b=e(exp.baseline))
    # the headline first, then what clearly changed, then what did not
    ranked = sorted(enumerate(findings), key=lambda p: (p[0] > 0, not p[1].conclusive, p[0]))
    lead = "".join(f"<p>{e(f.plain_text(lang))}</p>" for _, f in ranked)
    desc = exp.spec.get("description") if lang == "en" else None
    other = REPORT_FILES["zh" if lang == "en" else "en"]
    # a discover or sobol design: its points are not scenarios to compare with the first
    designed = any((exp.out_dir / f).is_file() for f in ("discover.csv", "sobol.csv"))
    table = comparison_html(exp.comparison, exp.baseline, lang)
    if designed:
        table = f"<details><summary>{e(_w('design_rows', lang))}</summary>{table}</details>"
    h = {k: e(_w(k, lang)) for k in ("changed", "findings", "comparison", "figures", "kpis",
                                     "items", "scenarios", "provenance")}
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title><style>{CSS}</style></head><body>
<a class="lang" href="{other}" hreflang="{'en' if lang == 'zh' else 'zh'}">{_w('other', lang)}</a>
<h1>{e(title)}</h1>
<p class="question">{e(exp.question_in(lang) or _w('no_question', lang))}</p>
<p class="meta">{meta}</p>
<h2>{h['changed']}</h2>
<div class="lead">{lead or f"<p>{e(_w('no_findings', lang))}</p>"}</div>
{f"<p>{e(desc)}</p>" if desc else ""}
<h2>{h['findings']}</h2>
{_findings_html(findings, exp.comparison.iloc[:0] if designed else exp.comparison, lang)}
{optimise_section(exp, lang)}{discover_section(exp, lang)}{sobol_section(exp, lang)}
<h2>{h['comparison']}</h2>
<p>{e(_w('comparison_note', lang))}</p>
{table}
<h2>{h['figures']}</h2>
{_figures_html(figures, lang) or f"<p>{e(_w('no_figure', lang))}</p>"}
<h2>{h['kpis']}</h2>
{kpi_html(exp.kpis, lang)}
<h2>{h['items']}</h2>
{items_html(exp.config(), lang)}
<h2>{h['scenarios']}</h2>
{scenarios_html(exp, lang)}
<h2>{h['provenance']}</h2>
{provenance_html(exp)}
</body></html>
"""


def findings_of(exp: StoredExperiment, hints: Any = None) -> list[Finding]:
    """The report's findings, headline first (a Morris screening's are about its inputs)."""
    hints = hints if hints is not None else exp.spec.get("findings")
    screening = exp.out_dir / "sensitivity.csv"
    if screening.is_file():   # a Morris screening: findings are about inputs, not scenarios
        return sensitivity_findings(pd.read_csv(screening))
    if is_optimisation(exp):  # the certified selection first, then the search
        return optimise_findings(exp)
    if (exp.out_dir / "discover.csv").is_file():  # scenario discovery: where policies fail
        return discover_findings(pd.read_csv(exp.out_dir / "discover.csv"))
    if (exp.out_dir / "sobol.csv").is_file():  # Sobol indices: findings are about inputs
        return sobol_findings(pd.read_csv(exp.out_dir / "sobol.csv"))
    return select_findings(exp.comparison, exp.baseline, hints, exp.kpis,
                           exp.spec.get("headline"))


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def build_report(out_dir: str | Path, figures: Sequence[Any] | None = None,
                 findings: Any = None) -> Path:
    """Build ``report.html``, ``report.zh.html`` and ``figures/*.png`` from stored results.

    ``figures`` and ``findings`` default to the spec's ``figures:`` and ``findings:``
    (as recorded in the manifest). Also writes ``report.json`` (findings, headline
    first, in both languages, and the figure list) for :func:`govsim.report.build_index`.
    Returns the English report's path.
    """
    exp = load_experiment(out_dir)
    declared = figures if figures is not None else exp.spec.get("figures")
    found = findings_of(exp, findings)
    figs: dict[Lang, list[Figure]] = {}
    for lang in ("en", "zh"):
        if lang == "zh" and figure_lang("zh") == "en":  # no CJK font: the English figures
            figs["zh"] = figs["en"]
            for stale in (exp.out_dir / "figures").glob("*.zh.png"):
                stale.unlink()
        else:
            figs[lang] = build_figures(exp, exp.out_dir / "figures", declared, lang)
        _write(exp.out_dir / REPORT_FILES[lang], render_report(exp, figs[lang], found, lang))
    side = {"name": exp.name, "question": exp.question, "question_zh": exp.question_in("zh"),
            "findings": [f.text for f in found], "findings_zh": [f.text_zh for f in found],
            "plain": [f.plain for f in found], "plain_zh": [f.plain_zh for f in found],
            "figures": [{"kind": f.kind, "path": f.path.relative_to(exp.out_dir).as_posix(),
                         "title": f.title} for f in figs["en"]]}
    _write(exp.out_dir / "report.json", json.dumps(side, indent=1, ensure_ascii=False))
    return exp.out_dir / REPORT_FILES["en"]
