"""The self-contained HTML report of one stored experiment: ``<out>/report.html``.

Figures are embedded as base64 PNG data URIs and the CSS is inline, so the file can be
mailed or opened offline. Every number and sentence comes from the stored results.
"""

from __future__ import annotations

import base64
import html
import json
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.experiment.compare import fmt
from govsim.report.data import StoredExperiment, load_experiment
from govsim.report.figures import Figure, build_figures, kpi_axis
from govsim.report.findings import Finding, select_findings, sensitivity_findings

__all__ = ["CSS", "build_report", "data_uri", "render_report"]

CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC",
"Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;max-width:1100px;margin:2em auto;padding:0 1.2em;color:#222;
line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;
margin-top:2em}
.question{font-size:1.25em;background:#f3f7fb;border-left:5px solid #3a78b5;padding:.6em 1em}
.meta{color:#666;font-size:.9em}
ul.findings li{margin:.45em 0}.inconclusive{color:#8a6d00}
table{border-collapse:collapse;font-size:.88em;margin:.6em 0}
th,td{border:1px solid #ccc;padding:.25em .55em;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.base td{background:#fafafa;color:#555}
figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{color:#444;font-size:.9em;margin-top:.3em}
pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.8em}
td[lang=zh]{white-space:nowrap}details{margin:.5em 0}summary{cursor:pointer;color:#3a78b5}
"""


def data_uri(png: str | Path | bytes) -> str:
    """A PNG file (or its bytes) as a ``data:image/png;base64,...`` URI."""
    raw = png if isinstance(png, bytes) else Path(png).read_bytes()
    return "data:image/png;base64," + base64.b64encode(raw).decode("ascii")


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _num(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def _p(x: Any) -> str:
    p = _num(x)
    if math.isnan(p):
        return ""
    return "&lt;0.001" if p < 0.001 else f"{p:.3f}"


def _comparison_html(comparison: pd.DataFrame, baseline: str) -> str:
    if comparison.empty:
        return "<p>(no comparison)</p>"
    head = ("<tr><th>KPI</th><th>unit</th><th>scenario</th><th>n</th><th>mean</th>"
            "<th>95% CI</th><th>difference vs " + _e(baseline) + "</th><th>95% CI of the "
            "difference</th><th>Holm p</th></tr>")
    rows = []
    for r in comparison.to_dict("records"):
        kpi = str(r["kpi"])
        _, unit, scale = kpi_axis(kpi)
        is_base = str(r["scenario"]) == baseline
        mean, lo, hi = (_num(r.get(c)) * scale for c in ("mean", "ci_low", "ci_high"))
        d, dlo, dhi = (_num(r.get(c)) * scale for c in ("diff_mean", "diff_ci_low",
                                                        "diff_ci_high"))
        diff = "" if is_base else _e(fmt(d))
        dci = "" if is_base else f"{_e(fmt(dlo))} to {_e(fmt(dhi))}"
        unit = "% (difference: percentage points)" if scale == 100.0 and "%" in unit else unit
        rows.append(
            f"<tr class='{'base' if is_base else ''}'><td>{_e(kpi)}</td><td>{_e(unit)}</td>"
            f"<td>{_e(r['scenario'])}{' (baseline)' if is_base else ''}</td>"
            f"<td class='num'>{_e(r.get('n', ''))}</td><td class='num'>{_e(fmt(mean))}</td>"
            f"<td class='num'>{_e(fmt(lo))} to {_e(fmt(hi))}</td><td class='num'>{diff}</td>"
            f"<td class='num'>{dci}</td><td class='num'>{'' if is_base else _p(r.get('p_holm'))}"
            "</td></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _kpi_html(kpis: Sequence[str]) -> str:
    import govsim

    desc: dict[str, str] = getattr(govsim, "KPI_DESCRIPTIONS", {}) or {}
    compared = [k for k in kpis]
    others = [k for k in desc if k not in set(compared)]

    def table(names: Sequence[str]) -> str:
        body = "".join(f"<tr><td>{_e(k)}</td><td>{_e(desc.get(k, '(no description)'))}</td>"
                       f"<td>{_e(kpi_axis(k)[1])}</td></tr>" for k in names)
        return f"<table><tr><th>KPI</th><th>definition</th><th>unit in figures</th></tr>{body}" \
               "</table>"

    out = table(compared)
    if others:
        out += (f"<details><summary>Other KPIs every run reports ({len(others)})</summary>"
                f"{table(others)}</details>")
    return out


def _items_html(config: dict[str, Any]) -> str:
    items = config.get("items")
    if items is None:
        items = (config.get("services") or {}).get("items")
    if isinstance(items, dict):
        items = [{"key": k, **v} for k, v in items.items()]
    if not items:
        return "<p>(the stored configuration lists no service items)</p>"
    rows = "".join(
        f"<tr><td>{_e(it.get('key', ''))}</td><td lang='zh'>{_e(it.get('name_zh', ''))}</td>"
        f"<td>{_e(it.get('name_en', ''))}</td><td>{_e(it.get('online', ''))}</td>"
        f"<td>{_e(it.get('proactive', ''))}</td><td>{_e(it.get('in_person_step', ''))}</td>"
        f"<td class='num'>{_e(len(it.get('steps') or []))}</td>"
        f"<td>{_e(', '.join(it.get('documents') or []))}</td></tr>" for it in items)
    return ("<table><tr><th>item</th><th>中文名称</th><th>English name</th><th>online</th>"
            "<th>proactive</th><th>in-person step</th><th>steps</th><th>documents</th></tr>"
            f"{rows}</table>")


def _scenarios_html(exp: StoredExperiment) -> str:
    spec = exp.spec
    rows = "".join(
        f"<tr><td>{_e(s.get('name'))}{' (baseline)' if s.get('name') == exp.baseline else ''}"
        f"</td><td><code>{_e(' '.join(s.get('overrides') or []) or '(defaults)')}</code></td>"
        "</tr>" for s in spec.get("scenarios") or [])
    m = exp.manifest
    base = " ".join([*(spec.get("base") or []), *(m.get("base_overrides") or [])])
    cfg = json.dumps(exp.config(), indent=1, ensure_ascii=False, sort_keys=True)
    return (f"<table><tr><th>scenario</th><th>overrides on the base configuration</th></tr>"
            f"{rows}</table><p>Applied to every scenario: <code>{_e(base or '(none)')}</code>"
            f"</p><details><summary>Resolved configuration of the baseline scenario "
            f"({_e(exp.baseline)})</summary><pre>{_e(cfg)}</pre></details>")


def _provenance_html(exp: StoredExperiment) -> str:
    m = exp.manifest
    prov = m.get("provenance") or {}
    git = m.get("git") or prov.get("git") or {}
    runs = exp.runs()
    walls = [_num(r.get("wall_seconds")) for r in runs]
    walls = [w for w in walls if not math.isnan(w)]
    pkgs = ", ".join(f"{k} {v}" for k, v in sorted((prov.get("packages") or {}).items()))
    ex = m.get("executor") or {}
    facts = [
        ("govsim version", m.get("govsim_version", "")),
        ("git commit", f"{git.get('commit', 'unknown')}"
                       f"{' (uncommitted changes)' if git.get('dirty') else ''}"),
        ("Python / platform", f"{prov.get('python', '')} / {prov.get('platform', '')}"),
        ("packages", pkgs),
        ("size / replications", f"{m.get('size', '')} / {m.get('replications', '')}"),
        ("common random numbers", m.get("common_random_numbers", "")),
        ("base seed", (exp.spec or {}).get("base_seed", "")),
        ("executor", f"{ex.get('name', '')}"
                     f"{' x ' + str(ex['workers']) if ex.get('workers') else ''}"),
        ("started", m.get("started_at", "")),
        ("runs", f"{len(runs)} ({m.get('runs_run', 0)} run now, "
                 f"{m.get('runs_skipped', 0)} reused from the store)"),
        ("wall time", f"{fmt(_num(m.get('elapsed_seconds')))} s elapsed; runs "
                      f"{fmt(sum(walls))} s in total, {fmt(min(walls)) if walls else 'n/a'} to "
                      f"{fmt(max(walls)) if walls else 'n/a'} s each"),
    ]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts)
    run_rows = "".join(
        f"<tr><td>{_e(r.get('scenario'))}</td><td class='num'>{_e(r.get('replication'))}</td>"
        f"<td class='num'>{_e(r.get('seed'))}</td><td><code>{_e(r.get('key'))}</code></td>"
        f"<td>{_e(r.get('status'))}</td><td class='num'>{_e(fmt(_num(r.get('wall_seconds'))))}"
        "</td></tr>" for r in runs)
    return (f"<table>{body}</table><details><summary>Every run: seed, store key and wall "
            f"time ({len(runs)})</summary><table><tr><th>scenario</th><th>replication</th>"
            "<th>seed</th><th>key (runs/&lt;key&gt;/)</th><th>status</th><th>wall s</th></tr>"
            f"{run_rows}</table></details>")


def _findings_html(findings: list[Finding], comparison: pd.DataFrame) -> str:
    if not findings:
        return "<p>(no scenario differs from the baseline in the stored results)</p>"
    items = "".join(f"<li class='{'' if f.conclusive else 'inconclusive'}'>{_e(f.text)}</li>"
                    for f in findings)
    note = ""
    if "inconclusive" in comparison:
        inc = int(comparison["inconclusive"].astype("boolean").fillna(False).sum())
        tot = int(comparison["inconclusive"].notna().sum())
        if inc:
            note = (f"<p class='inconclusive'>{inc} of {tot} comparisons are inconclusive (the "
                    "95% interval of the difference includes 0); more replications may "
                    "help.</p>")
    return f"<ul class='findings'>{items}</ul>{note}"


def render_report(exp: StoredExperiment, figures: Sequence[Figure],
                  findings: list[Finding]) -> str:
    """The report page as an HTML string."""
    m = exp.manifest
    title = f"govsim experiment: {exp.name}"
    n_scen = len(exp.scenarios)
    meta = (f"{n_scen} scenarios, {m.get('replications', '?')} replications each "
            f"(size {m.get('size', '?')}), baseline <b>{_e(exp.baseline)}</b>; "
            f"results from {_e(exp.out_dir)}; report built "
            f"{_e(time.strftime('%Y-%m-%d %H:%M'))}.")
    figs = "".join(
        f"<figure id='fig-{_e(f.path.stem)}'><img src='{data_uri(f.path)}' alt='{_e(f.title)}'>"
        f"<figcaption><b>Figure {i}. {_e(f.title)}.</b> {_e(f.caption)}</figcaption></figure>"
        for i, f in enumerate(figures, 1))
    desc = exp.spec.get("description")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title><style>{CSS}</style></head><body>
<h1>{_e(title)}</h1>
<p class="question">{_e(exp.question or "(the experiment states no question)")}</p>
<p class="meta">{meta}</p>
{f"<p>{_e(desc)}</p>" if desc else ""}
<h2>Findings</h2>
{_findings_html(findings, exp.comparison)}
<h2>Comparison with the baseline</h2>
<p>Means over replications with 95% t confidence intervals; differences are paired on
replication (common random numbers); p-values are Holm-adjusted across all comparisons.
Shares and rates are shown in percent (differences in percentage points).</p>
{_comparison_html(exp.comparison, exp.baseline)}
<h2>Figures</h2>
{figs or "<p>(no figure could be drawn from the stored results)</p>"}
<h2>KPI definitions</h2>
{_kpi_html(exp.kpis)}
<h2>Service items (事项)</h2>
{_items_html(exp.config())}
<h2>Scenarios and configuration</h2>
{_scenarios_html(exp)}
<h2>Provenance</h2>
{_provenance_html(exp)}
</body></html>
"""


def build_report(out_dir: str | Path, figures: Sequence[Any] | None = None,
                 findings: Any = None) -> Path:
    """Build ``<out_dir>/report.html`` and ``<out_dir>/figures/*.png`` from stored results.

    ``figures`` and ``findings`` default to the spec's ``figures:`` and ``findings:``
    (as recorded in the manifest). Also writes ``report.json`` (headline finding and
    figure list) for :func:`govsim.report.build_index`. Returns the report's path.
    """
    exp = load_experiment(out_dir)
    declared = figures if figures is not None else exp.spec.get("figures")
    hints = findings if findings is not None else exp.spec.get("findings")
    figs = build_figures(exp, exp.out_dir / "figures", declared)
    screening = exp.out_dir / "sensitivity.csv"
    if screening.is_file():   # a Morris screening: findings are about inputs, not scenarios
        found = sensitivity_findings(pd.read_csv(screening))
    else:
        found = select_findings(exp.comparison, exp.baseline, hints, exp.kpis)
    path = exp.out_dir / "report.html"
    tmp = path.with_name("report.html.tmp")
    tmp.write_text(render_report(exp, figs, found), encoding="utf-8")
    tmp.replace(path)
    side = {"name": exp.name, "question": exp.question,
            "findings": [f.text for f in found],
            "figures": [{"kind": f.kind, "path": str(f.path.relative_to(exp.out_dir)),
                         "title": f.title} for f in figs]}
    (exp.out_dir / "report.json").write_text(json.dumps(side, indent=1, ensure_ascii=False),
                                             encoding="utf-8")
    return path
