"""The report's part for a ``kind: optimise`` experiment: findings and a section, en and zh.

Reads only what :mod:`govsim.experiment.optimisation` stored: ``trials.csv``,
``pareto.csv``, ``selection.csv``, ``selection.json`` and the ``optimise`` settings in
the manifest. The headline is the certified selection ("option X is best on KPI Y
within Z, with probability at least P", or which options cannot be separated); then
the search in numbers; then the chosen option against doing nothing, per objective.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from govsim.experiment.compare import fmt, kpi_label, unit_after
from govsim.kpi_registry import Lang, find
from govsim.report.data import StoredExperiment
from govsim.report.findings import Finding, select_findings
from govsim.report.tables import e

__all__ = ["is_optimisation", "optimise_findings", "optimise_section", "selection_sentence"]


def is_optimisation(exp: StoredExperiment) -> bool:
    """Whether ``exp`` is a stored ``kind: optimise`` experiment."""
    return bool(exp.manifest.get("optimise")) and (exp.out_dir / "trials.csv").is_file()


def _selection(exp: StoredExperiment) -> dict[str, Any]:
    path = exp.out_dir / "selection.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _csv(exp: StoredExperiment, name: str) -> pd.DataFrame:
    path = exp.out_dir / name
    return pd.read_csv(path) if path.is_file() else pd.DataFrame()


def _diff(kpi: str, x: float, lang: Lang) -> str:
    k = find(kpi)
    return f"{fmt(x * (k.scale if k else 1.0))}{unit_after(k, lang)}"


def _lever_value(lv: dict[str, Any], x: float, lang: Lang) -> str:
    if lv.get("boolean"):
        return ("是" if round(x) else "否") if lang == "zh" else ("yes" if round(x) else "no")
    return str(round(x)) if lv.get("integer") else fmt(x)


def _note(lv: dict[str, Any], lang: Lang) -> str:
    """A lever's note: in Chinese where the spec gives ``note_zh``, else the English one."""
    return str((lang == "zh" and lv.get("note_zh")) or lv.get("note") or "")


def _levers_text(exp: StoredExperiment, name: str, lang: Lang) -> str:
    trials = _csv(exp, "trials.csv")
    levers = exp.manifest["optimise"].get("levers", [])
    row = trials[trials["candidate"] == name]
    if row.empty:
        return ""
    r = row.iloc[0]
    parts = [f"{lv['name']} {_lever_value(lv, float(r[lv['name']]), lang)}" for lv in levers]
    cost = f"{float(r['cost']):,.0f}"
    return ("; ".join(parts) + (f";费用 {cost} 元" if lang == "zh" else f"; cost {cost} yuan"))


def selection_sentence(exp: StoredExperiment, lang: Lang = "en") -> str:
    """The certified selection in one sentence (or why there is none)."""
    sel = _selection(exp)
    kpi = str(sel.get("kpi", ""))
    label = f"{kpi_label(kpi, lang)} ({kpi})" if lang == "en" else f"{kpi_label(kpi, 'zh')}({kpi})"
    if not sel.get("done"):
        why = sel.get("reason", "")
        return (f"未能完成认证选择({why})。" if lang == "zh"
                else f"No option could be certified on {label}: {why}.")
    best, delta = str(sel["best"]), _diff(kpi, float(sel["delta"]), lang)
    p, what = f"{float(sel['p_star']):.0%}", _levers_text(exp, best, lang)
    if not sel.get("certified"):
        return (f"无法在{label}上认证任何方案:第二阶段受每个方案重复次数上限所限;目前均值最优的是"
                f"{best}({what})。" if lang == "zh" else
                f"No option can be certified on {label}: the cap on replications per candidate "
                f"stopped the second stage; {best} ({what}) has the best mean so far.")
    others = [str(c) for c in sel.get("contenders", [])]
    if len(others) <= 1:
        return (f"方案{best}({what})在{label}上为最优(无差异区间 {delta}),正确选择的概率至少为{p}。"
                if lang == "zh" else f"Option {best} ({what}) is best on {label} within {delta}, "
                f"with probability at least {p}.")
    if lang == "zh":
        return (f"方案{'、'.join(others)}在{label}上无法区分(无差异区间 {delta});{best}({what})"
                f"均值最优,且以至少{p}的概率与最优方案相差不超过 {delta}。")
    return (f"Options {', '.join(others)} cannot be separated on {label} within {delta}; {best} "
            f"({what}) has the best mean and is within {delta} of the best with probability at "
            f"least {p}.")


def _cheapest(exp: StoredExperiment, lang: Lang) -> str:
    """Among options that cannot be separated from the best, the one with the lowest cost."""
    sel = _selection(exp)
    tied = [str(c) for c in sel.get("contenders", [])]
    if not (sel.get("done") and sel.get("certified")) or len(tied) < 2:
        return ""
    trials = _csv(exp, "trials.csv").drop_duplicates("candidate")
    cost = dict(zip(trials["candidate"].astype(str), trials["cost"].astype(float), strict=True))
    name = min(tied, key=lambda c: cost[c])
    kpi = str(sel["kpi"])
    label = kpi_label(kpi, lang)
    what = _levers_text(exp, name, lang)
    if lang == "zh":
        return f"在{label}上无法与最优区分的方案中,{name}的计划费用最低({what})。"
    return (f"Of the options that cannot be separated from the best on {label[:1].lower()}"
            f"{label[1:]}, {name} has the lowest planned cost ({what}).")


def _search_sentence(exp: StoredExperiment, lang: Lang) -> str:
    opt, trials = exp.manifest["optimise"], _csv(exp, "trials.csv")
    n, distinct = len(trials), trials.loc[trials["feasible"], "candidate"].nunique()
    ok, front = int(trials["feasible"].sum()), int(opt.get("pareto", 0))
    reps, budget = exp.manifest.get("replications", "?"), f"{float(opt['budget']):,.0f}"
    kpis = [str(o["kpi"]) for o in opt["objectives"]]
    if lang == "zh":
        names = "、".join(kpi_label(k, "zh") for k in kpis)
        return (f"搜索共进行{n}次试验,其中{ok}次在{budget}元预算之内({distinct}个不同方案,"
                f"每个方案在共同随机数下重复{reps}次);{front}个方案位于{names}的帕累托前沿上;"
                "超出预算的方案不予模拟。")
    names = ", ".join(kpi_label(k) for k in kpis)
    return (f"The search ran {n} trials; {ok} were within the budget of {budget} yuan "
            f"({distinct} distinct candidates, each run {reps} times under common random "
            f"numbers) and {front} are on the Pareto front of {names}; candidates over the "
            "budget were not simulated.")


def optimise_findings(exp: StoredExperiment) -> list[Finding]:
    """The selection first, then the search, then the chosen option against doing nothing."""
    sel = _selection(exp)
    kpi = str(sel.get("kpi", ""))
    single = bool(sel.get("done") and sel.get("certified") and len(sel.get("contenders", [])) == 1)
    en, zh = selection_sentence(exp, "en"), selection_sentence(exp, "zh")
    out = [Finding(en, kpi, str(sel.get("best", "")), single, zh, en, zh)]
    en, zh = _cheapest(exp, "en"), _cheapest(exp, "zh")
    if en:
        out.append(Finding(en, kpi, "", True, zh, en, zh))
    en, zh = _search_sentence(exp, "en"), _search_sentence(exp, "zh")
    out.append(Finding(en, kpi, "", True, zh, en, zh))
    best = sel.get("best")
    if best and best != exp.baseline:
        kpis = [str(o["kpi"]) for o in exp.manifest["optimise"]["objectives"]]
        out += select_findings(exp.comparison, exp.baseline, [f"{best}:{k}" for k in kpis],
                               kpis, f"{best}:{kpis[0]}")
    return out


_WORDS = {
    "title": ("Optimisation under a budget", "预算约束下的优化"),
    "intro": ("Each candidate is one mix of the levers below, run as a scenario with the same "
              "seeds as every other (common random numbers). A candidate's cost is the sum of "
              "each lever's unit cost times its value and must not exceed the budget of "
              "{budget} yuan; candidates over it are never simulated and never reported as best. "
              "Trial 0 ({base}) sets every lever to its lower bound: the do-nothing reference "
              "of the comparison table.",
              "每个候选方案是下列措施的一种组合,作为一个方案运行,与其他方案使用相同的随机种子(共同随机数)。"
              "候选方案的费用为各项措施单位费用乘以取值之和,不得超过{budget}元预算;超出预算的方案不予模拟,"
              "也绝不会被报告为最优。第0次试验({base})将各项措施设为下限,即比较表中的“不干预”基准。"),
    "levers": ("Levers", "措施"), "front": ("Pareto front", "帕累托前沿"),
    "selection": ("Certified selection", "认证选择"),
    "sel_note": ("Two-stage indifference-zone selection ({proc}) among the best {k} candidates on "
                 "the first objective: the search's {n0} replications are the first stage; "
                 "replications continue the same seeds until each candidate has the number its "
                 "first-stage variance requires (constant h = {h}).",
                 "在第一目标上最优的{k}个候选方案中进行两阶段无差异区间选择({proc}):搜索阶段的{n0}次重复"
                 "为第一阶段;随后沿用相同的种子继续重复,直到每个方案达到其第一阶段方差所要求的次数"
                 "(常数 h = {h})。"),
}
_HEAD = {"lever": ("lever", "措施"), "keys": ("override keys", "配置项"),
         "range": ("range", "取值范围"), "unit_cost": ("unit cost (yuan)", "单位费用(元)"),
         "note": ("note", "说明"), "candidate": ("candidate", "候选方案"),
         "cost": ("cost (yuan)", "费用(元)"), "first_stage_mean": ("first-stage mean", "第一阶段均值"),
         "replications": ("replications", "重复次数"), "mean": ("mean", "均值"),
         "contender": ("cannot be separated from the best", "与最优无法区分"),
         "best": ("best", "最优")}


def _w(key: str, lang: Lang) -> str:
    return _WORDS[key][1 if lang == "zh" else 0]


def _h(key: str, lang: Lang) -> str:
    return _HEAD.get(key, (key, key))[1 if lang == "zh" else 0]


def _cell(x: Any) -> str:
    if isinstance(x, bool):
        return "✓" if x else ""
    if isinstance(x, float):
        return "" if math.isnan(x) else (f"{x:,.0f}" if abs(x) >= 1000 else fmt(x))
    return e(x)


def _table(df: pd.DataFrame, cols: list[str], lang: Lang) -> str:
    head = "".join(f"<th>{e(_h(c, lang))}</th>" for c in cols)
    rows = "".join("<tr>" + "".join(f"<td class='num'>{_cell(r[c])}</td>" for c in cols) + "</tr>"
                   for r in df.to_dict("records"))
    return f"<table><tr>{head}</tr>{rows}</table>"


def _front_table(exp: StoredExperiment, levers: list[str], kpis: list[str], lang: Lang) -> str:
    front = _csv(exp, "pareto.csv")
    if front.empty:
        return ""
    for k in kpis:
        scale = find(k).scale if find(k) else 1.0  # type: ignore[union-attr]
        front[f"{kpi_label(k, lang)} (95% CI)"] = [
            f"{fmt(m * scale)} [{fmt(lo * scale)}, {fmt(hi * scale)}]"
            for m, lo, hi in zip(front[k], front[f"{k}_ci_low"], front[f"{k}_ci_high"], strict=True)]
    cols = ["candidate", *levers, "cost", *(f"{kpi_label(k, lang)} (95% CI)" for k in kpis)]
    return _table(front, cols, lang)


def optimise_section(exp: StoredExperiment, lang: Lang = "en") -> str:
    """The section's HTML (empty for another kind of experiment)."""
    if not is_optimisation(exp):
        return ""
    opt, sel = exp.manifest["optimise"], _selection(exp)
    levers = [str(lv["name"]) for lv in opt["levers"]]
    kpis = [str(o["kpi"]) for o in opt["objectives"]]
    rows = pd.DataFrame([{"lever": lv["name"], "keys": " ".join(lv["keys"]),
                          "range": " - ".join(_lever_value(lv, float(lv[b]), lang)
                                              for b in ("low", "high")),
                          "unit_cost": float(lv["unit_cost"]), "note": _note(lv, lang)}
                         for lv in opt["levers"]])
    budget = f"{float(opt['budget']):,.0f}"
    sel_note = _w("sel_note", lang).format(proc=sel.get("procedure", "?"), k=len(
        sel.get("candidates", [])), n0=sel.get("n0", "?"), h=fmt(float(sel.get("constant", math.nan))))
    table = _csv(exp, "selection.csv")
    intro = _w("intro", lang).format(budget=budget, base=exp.baseline)
    return (f"<h2>{e(_w('title', lang))}</h2><p>{e(intro)}</p>"
            f"<h3>{e(_w('levers', lang))}</h3>{_table(rows, list(rows.columns), lang)}"
            f"<h3>{e(_w('front', lang))}</h3>{_front_table(exp, levers, kpis, lang)}"
            f"<h3>{e(_w('selection', lang))}</h3><p>{e(selection_sentence(exp, lang))}</p>"
            f"<p>{e(sel_note)}</p>"
            + (_table(table, [c for c in ["candidate", *levers, "cost", "first_stage_mean",
                                          "replications", "mean", "contender", "best"]
                              if c in table], lang) if not table.empty else ""))
