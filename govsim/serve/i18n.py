"""The workbench's own words in English and Chinese (KPI names come from the KPI registry)."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "Lang", "preset_label", "t"]

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("govsim planner's workbench", "govsim 规划工作台"),
    "intro": ("Compare options for your township against a baseline, with honest statistics.",
              "将本乡镇的若干方案与基线对比,结论附置信区间。"),
    "baseline": ("Baseline", "基线"),
    "options": ("Options to compare", "待比较方案"),
    "run_box": ("Run", "运行"),
    "results": ("Results", "结果"),
    "population": ("Population preset", "人口预设"),
    "governance": ("Governance", "治理模式"),
    "channels": ("Channels", "办事渠道"),
    "platform": ("Platform", "平台"),
    "horizon": ("Horizon (days)", "模拟天数"),
    "roster": ("Village roster CSV (optional)", "村庄名册 CSV(可选)"),
    "roster_ok": ("Roster accepted: {n} villages", "名册已接受:{n} 个村"),
    "roster_none": ("No roster: villages drawn from the preset", "未上传名册:村庄按预设随机生成"),
    "roster_clear": ("Use the preset instead", "改用预设"),
    "replications": ("Replications", "重复次数"),
    "seed": ("Seed", "随机种子"),
    "add_option": ("Add an option", "添加方案"),
    "remove": ("Remove", "删除"),
    "option_name": ("Name", "名称"),
    "online": ("Offer online service", "开通网上办理"),
    "proxies_per_village": ("Proxy agents per village", "每村代办员人数"),
    "training_share": ("Share of 60+ trained (0-1)", "60岁以上培训比例(0-1)"),
    "coverage_min": ("Raise village coverage to at least (0-1)", "村庄网络覆盖提升至至少(0-1)"),
    "apps": ("Number of apps", "应用数量"),
    "unify_apps": ("Merge apps into one platform", "多个应用合并为统一平台"),
    "counters": ("Counters for online items", "网上可办事项的窗口"),
    "kept": ("kept", "保留"),
    "closed": ("closed", "关闭"),
    "share_level": ("Data sharing level (0-1)", "数据共享程度(0-1)"),
    "proactive": ("Proactive granting (免申即享)", "免申即享"),
    "staff_to_backoffice": ("Clerks moved to the back office", "转岗后台的窗口人员"),
    "unit_costs": ("Unit costs", "单位成本"),
    "costs.proxy_stipend_per_year": ("proxy stipend {v} yuan/year", "代办员补贴 {v} 元/年"),
    "costs.proxy_per_task": ("{v} yuan per proxy task", "每件代办 {v} 元"),
    "interventions.training_cost_per_trainee": ("training {v} yuan/trainee", "培训 {v} 元/人"),
    "interventions.infrastructure_cost_per_village": ("{v} yuan per upgraded village",
                                                      "每个升级村 {v} 元"),
    "costs.platform_per_app_year": ("{v} yuan per app-year", "每个应用 {v} 元/年"),
    "interventions.unify_cost": ("merging {v} yuan once", "合并一次性 {v} 元"),
    "proactive.wrong_grant_cost": ("{v} yuan per wrong grant", "每笔误发 {v} 元"),
    "costs.staff_per_year": ("staff {v} yuan/year (moved, not added)", "人员 {v} 元/年(转岗,不增编)"),
    "no_levers": ("No lever set: this option is the baseline.", "未设置任何措施:与基线相同。"),
    "run": ("Run comparison", "运行比较"),
    "cancel": ("Cancel", "取消"),
    "status_idle": ("No run yet.", "尚未运行。"),
    "status_running": ("Running: {done} of {total} runs stored", "运行中:已完成 {done}/{total} 次"),
    "status_done": ("Done: {total} runs", "完成:共 {total} 次"),
    "status_cancelled": ("Cancelled; {done} finished runs are kept and reused next time.",
                         "已取消;已完成的 {done} 次将在下次运行时复用。"),
    "status_failed": ("Failed: {error}", "失败:{error}"),
    "fix_errors": ("Fix the fields marked in red first.", "请先修正标红的输入。"),
    "busy": ("A run is already going; wait or cancel it.", "已有运行在进行中,请等待或取消。"),
    "language": ("Language", "语言"),
    "cards": ("Differences from the baseline (95% interval)", "与基线的差异(95%置信区间)"),
    "cards_note": ("Coloured only when the 95% interval excludes zero: green better, red worse, "
                   "blue a clear change that is neither.",
                   "仅当95%置信区间不含零时着色:绿色为改善,红色为变差,蓝色为有明确变化但无好坏之分。"),
    "findings": ("Findings", "主要发现"),
    "left_behind": ("Who is left behind", "谁被落下了"),
    "gaps": ("Gaps between the 60+ and the rest", "60岁以上与其他村民的差距"),
    "unmet_band": ("Needs not completed by the horizon, by age band (%)",
                   "期末未办结的需求比例,按年龄段(%)"),
    "unmet_item": ("Needs not completed by the horizon, by service item (%)",
                   "期末未办结的需求比例,按事项(%)"),
    "age_band": ("Age band", "年龄段"),
    "unmet_distance": ("Needs not completed by the horizon, by the village's distance to the township (%)",
                       "期末未办结的需求比例,按村庄到乡镇的距离(%)"),
    "distance": ("Distance", "距离"),
    "no_distance": ("By distance: upload a village roster (the preset draws villages inside each run, "
                    "so their distances are not stored).",
                    "按距离:请上传村庄名册(预设在每次运行中随机生成村庄,距离未被保存)。"),
    "item": ("Service item", "事项"),
    "cost_benefit": ("Cost and benefit", "成本与收益"),
    "gov_cost_diff": ("Government cost vs baseline (yuan)", "政府成本变化(元)"),
    "villager_cost_diff": ("Villagers' cost vs baseline (yuan)", "村民成本变化(元)"),
    "trips_saved": ("Trips saved", "减少出行趟数"),
    "cost_per_trip": ("Government yuan per trip saved", "每减少一趟的政府成本(元)"),
    "unmet_avoided": ("Unmet needs avoided", "减少未办结需求数"),
    "cost_per_unmet": ("Government yuan per unmet need avoided", "每减少一项未办结需求的政府成本(元)"),
    "cost_note": ("Ratios of mean differences over the horizon; n/a where nothing was saved; "
                  "a negative cost means the option saves the government money.",
                  "按模拟期内平均差值之比计算;无节省时显示 n/a;成本为负表示该方案为政府节省开支。"),
    "option": ("Option", "方案"),
    "figures": ("Figures", "图表"),
    "dist_title": ("Values per replication", "各次重复的取值"),
    "ts_title": ("Queues and back-office backlog over time (all offices, mean over replications)",
                 "排队人数与后台积压随时间变化(全部机构,各次重复平均)"),
    "queue": ("People queuing", "排队人数"),
    "backlog": ("Back-office backlog", "后台积压件数"),
    "day": ("Day", "天"),
    "all_kpis": ("All KPIs (table)", "全部指标(表)"),
    "export": ("Export", "导出"),
    "export_spec": ("Experiment spec (YAML)", "实验配置(YAML)"),
    "export_csv": ("Comparison (CSV)", "比较结果(CSV)"),
    "export_html": ("Report (HTML)", "报告(HTML)"),
    "import": ("Open a stored experiment", "打开已保存的实验"),
    "open": ("Open", "打开"),
    "no_results": ("Run a comparison or open a stored experiment to see results here.",
                   "运行比较或打开已保存的实验后,结果将显示在这里。"),
    "baseline_name": ("baseline", "基线"),
    "question": ("What does each option change, compared with the baseline?",
                 "与基线相比,各方案带来什么变化?"),
    "finding_better": ("{opt}: {label} {d} {unit} {dir} than the baseline (95% interval {lo} to {hi}).",
                       "{opt}:{label}比基线{dir} {d} {unit}(95%置信区间 {lo} 至 {hi})。"),
    "finding_none": ("{opt}: no clear difference from the baseline in {label} "
                     "(95% interval {lo} to {hi} {unit}).",
                     "{opt}:{label}与基线无明确差异(95%置信区间 {lo} 至 {hi} {unit})。"),
    "lower": ("lower", "低"),
    "higher": ("higher", "高"),
    "few_reps": ("With {n} replications the intervals are wide; add replications for firmer findings.",
                 "仅 {n} 次重复,置信区间较宽;增加重复次数可得到更可靠的结论。"),
}


def t(key: str, lang: Lang = "en", **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` fields filled from ``values``."""
    en, zh = _TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


#: display names of the shipped presets (a preset not listed is shown by its name).
_PRESETS: dict[str, tuple[str, str]] = {
    "township": ("one township (~20,000 residents)", "一个乡镇(约2万人)"),
    "county": ("a county (~400,000 residents, slow)", "一个县(约40万人,较慢)"),
    "siloed": ("siloed departments", "部门分割、数据不共享"),
    "one_window": ("one window (一窗受理)", "一窗受理"),
    "shared_data": ("shared data", "数据共享"),
    "offline_only": ("counters only", "仅线下窗口"),
    "online_first": ("online first, counters kept", "网上优先,保留窗口"),
    "inclusive": ("inclusive: online, counters and proxies", "包容型:网上、窗口加代办"),
    "digital_only": ("digital only", "仅数字渠道"),
    "unified": ("one unified platform", "统一平台"),
    "fragmented": ("several department apps", "多个部门应用"),
}


def preset_label(name: str, lang: Lang = "en") -> str:
    """How a preset is shown in ``lang``."""
    pair = _PRESETS.get(name)
    return name if pair is None else pair[1 if lang == "zh" else 0]
