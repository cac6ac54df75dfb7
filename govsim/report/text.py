"""The report's fixed words in Chinese: ``tr(english, lang)``.

Every fixed string of the figures and pages is written in English in the code and
looked up here for Chinese; a string without a translation stays English (a test
checks that the report's headings are all translated).
"""

from __future__ import annotations

from govsim.kpi_registry import Lang

__all__ = ["ZH", "tr"]

ZH: dict[str, str] = {
    # figures
    "Scenario means with 95% confidence intervals ({n} replications each)":
        "各方案均值及95%置信区间(每个方案{n}次重复)",
    "Scenario means with 95% confidence intervals": "各方案均值及95%置信区间",
    "Each panel is one KPI: bar and dot are the mean over replications, whiskers the 95% t "
    "confidence interval; the baseline is grey. The axis says the unit and what the KPI "
    "counts.": "每个子图为一项指标:柱与点为各次重复的均值,误差线为95% t置信区间;基准方案为灰色。"
               "纵轴注明单位及统计范围。",
    "baseline": "基准",
    "{y} against {x}, by scenario (95% CI bars)": "{y}与{x}的关系(按方案,误差线为95%置信区间)",
    "Each point is one scenario's mean; bars are 95% confidence intervals; the legend names "
    "the scenarios.": "每个点为一个方案的均值;误差线为95%置信区间;图例标明各方案。",
    "scenario": "方案",
    "Distributions per need, pooled over {n} replications": "每项需求的分布(合并{n}次重复)",
    "Distributions per need": "每项需求的分布",
    "All needs of all replications pooled. Days to decision count completed applications "
    "only; boxes span the middle half, whiskers 1.5 times that range.":
        "合并全部重复中的全部需求。办结天数只计已办结的申请;箱体为中间一半,须线为其1.5倍范围。",
    "How many trips a need took, by scenario": "每项需求出行趟数的分布(按方案)",
    "trips to an office outside the village for one need": "每项需求前往村外办事机构的趟数",
    "% of needs": "占需求的百分比",
    "Days from need to decision, completed applications": "从需求到办结的天数(已办结申请)",
    "days from need to decision": "从需求到办结的天数",
    "Trips per need by age band": "各年龄段每项需求出行趟数",
    "age band (years)": "年龄段(岁)",
    "mean trips per need": "每项需求平均趟数",
    "Days to decision by age band, completed applications": "各年龄段办结天数(已办结申请)",
    "Over time, by scenario: mean over replications of each {bin}":
        "随时间变化(按方案):各次重复在每{bin}内的均值",
    "Queues and backlog over time": "排队与积压随时间的变化",
    "Each line is one scenario (colour and line style), the mean over replications of the "
    "{bin} mean; the legend is above the panels.":
        "每条线为一个方案(颜色与线型区分),为各次重复每{bin}均值的平均;图例在各子图上方。",
    "day": "天", "week": "周",
    "simulated time (days)": "模拟时间(天)",
    "Back-office backlog (all offices)": "后台积压(全部办事机构)",
    "applications waiting in back offices": "后台等待处理的申请数",
    "Counter queues (all offices)": "窗口排队(全部办事机构)",
    "villagers queuing at counters": "在窗口排队的村民数",
    "Online platform availability": "网上平台可用性",
    "share of apps up (1 = all up)": "可用应用占比(1 = 全部可用)",
    "Online attempts per sampling interval": "每个采样间隔的网上办理尝试次数",
    "attempts (all apps)": "尝试次数(全部应用)",
}


def tr(text: str, lang: Lang) -> str:
    """``text`` in ``lang`` (Chinese where a translation exists, else the English)."""
    return ZH.get(text, text) if lang == "zh" else text
