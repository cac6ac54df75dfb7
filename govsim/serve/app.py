"""The workbench page (Panel): baseline, options, run, results, export and import.

One :class:`WorkbenchPage` per browser tab; the :class:`JobManager` is shared by
every tab, so a second tab sees the running job and its results.
"""

from __future__ import annotations

import io
import traceback
from pathlib import Path
from typing import Any

import panel as pn
import yaml

from govsim.report.data import StoredExperiment, load_experiment
from govsim.serve.i18n import Lang, preset_label, t
from govsim.serve.jobs import JobManager
from govsim.serve.levers import presets
from govsim.serve.options_view import OptionCard
from govsim.serve.results_view import CSS, html_pane, report_file, results_view
from govsim.serve.state import MAX_OPTIONS, Workbench

__all__ = ["WorkbenchPage", "stored_experiments"]


def stored_experiments(roots: list[Path]) -> dict[str, Path]:
    """Experiment directories (with a summary or comparison) under ``roots``, by display name."""
    found: dict[str, Path] = {}
    for root in roots:
        if not root.is_dir():
            continue
        for d in sorted(p for p in root.iterdir() if p.is_dir()):
            has_summary = (d / "summary.csv").is_file() or (d / "summary.parquet").is_file()
            if has_summary and not (d / "sensitivity.csv").is_file():  # screenings have no baseline
                found[f"{root.name}/{d.name}{_scenario_list(d)}"] = d
    return found


def _scenario_list(d: Path) -> str:
    """``": baseline, proxies"`` for a workbench run (named by a hash), else ""."""
    spec = d / "spec.yaml"
    if not spec.is_file():
        return ""
    try:
        data = yaml.safe_load(spec.read_text(encoding="utf-8")) or {}
        names = [str(s.get("name")) for s in data.get("scenarios") or [] if isinstance(s, dict)]
    except (OSError, yaml.YAMLError, AttributeError):
        return ""
    text = ", ".join(names)
    return f": {text[:60]}" if text else ""


def _presets(group: str, lang: Lang) -> dict[str, str]:
    return {preset_label(p, lang): p for p in presets(group)}


class WorkbenchPage:
    """The widgets and callbacks of one tab."""

    def __init__(self, workdir: Path, jobs: JobManager, import_roots: list[Path]) -> None:
        self.bench = Workbench(workdir)
        self.bench.add_option("proxies", {"proxies_per_village": 1})
        self.jobs = jobs
        self.lang: Lang = "en"
        self.import_roots = import_roots
        self.exp: StoredExperiment | None = None
        self.shown_job: Path | None = None
        self._roster_n = 0
        self._labelled: list[tuple[Any, str]] = []
        self._field_errors = {k: html_pane("", ["field-error"], visible=False)
                              for k in ("baseline", "horizon", "roster", "replications", "seed")}
        self.cards: list[OptionCard] = []
        self.options_box = pn.FlexBox(css_classes=["options"])
        self.results = pn.Column(pn.pane.Markdown(t("no_results", "en")), sizing_mode="stretch_width",
                                 css_classes=["results"])
        self._build()

    # --- layout -------------------------------------------------------------------------------

    def _w(self, widget: Any, key: str) -> Any:
        self._labelled.append((widget, key))
        return widget

    def _build(self) -> None:
        b = self.bench
        self.lang_switch = pn.widgets.RadioButtonGroup(options={"English": "en", "中文": "zh"},
                                                       value="en", css_classes=["lang-switch"])
        self.lang_switch.param.watch(lambda e: self.set_lang(e.new), "value")
        self.selects = {g: self._w(pn.widgets.Select(label=t(g, "en"), options=_presets(g, "en"),
                                                     value=getattr(b, g), css_classes=[f"base-{g}"]), g)
                        for g in ("population", "governance", "channels", "platform")}
        self.horizon = self._w(pn.widgets.FloatInput(label=t("horizon", "en"), value=b.horizon_days,
                                                     css_classes=["base-horizon"]), "horizon")
        self.reps = self._w(pn.widgets.IntInput(label=t("replications", "en"), value=b.replications,
                                                css_classes=["base-replications"]), "replications")
        self.seed = self._w(pn.widgets.IntInput(label=t("seed", "en"), value=b.seed), "seed")
        for w in [*self.selects.values(), self.horizon, self.reps, self.seed]:
            w.param.watch(self._baseline_changed, "value")
        self.roster = pn.widgets.FileInput(accept=".csv", multiple=False)
        self.roster.param.watch(self._upload, "value")
        self.roster_msg = pn.pane.Markdown(t("roster_none", "en"))
        self.add = self._w(pn.widgets.Button(label=t("add_option", "en")), "add_option")
        self.add.on_click(lambda _e: self.add_option())
        self.run_btn = self._w(pn.widgets.Button(label=t("run", "en"), color="primary",
                                                 css_classes=["run-button"]), "run")
        self.run_btn.on_click(lambda _e: self.run())
        self.cancel_btn = self._w(pn.widgets.Button(label=t("cancel", "en"), color="warning"),
                                  "cancel")
        self.cancel_btn.on_click(lambda _e: self.jobs.cancel())
        self.progress = pn.indicators.Progress(value=0, max=1, width=300, visible=False)
        self.status = pn.pane.Markdown(t("status_idle", "en"), css_classes=["run-status"])
        self.stored = pn.widgets.Select(label=t("import", "en"), options=[])
        self._w(self.stored, "import")
        self.open_btn = self._w(pn.widgets.Button(label=t("open", "en")), "open")
        self.open_btn.on_click(lambda _e: self.open_stored())
        self.spec_dl = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(self.bench.spec_yaml()), filename="spec.yaml",
            label=t("export_spec", "en"), css_classes=["export-spec"])
        self.exports = pn.Row(self.spec_dl)
        self._render_options()
        self._refresh_stored()

    def view(self) -> pn.viewable.Viewable:
        """The page."""
        # poll only once the page is shown: a change made while the session is still being
        # set up may never reach the browser (a second tab opened after a finished job)
        pn.state.onload(self._start_polling)
        e = self._field_errors
        self.headings = {k: pn.pane.Markdown(f"### {t(k, 'en')}") for k in ("baseline", "options",
                                                                             "run_box", "export")}
        self.title = pn.pane.Markdown(f"# {t('title', 'en')}\n{t('intro', 'en')}")
        self._roster_label = pn.pane.Markdown(t("roster", self.lang))
        baseline = pn.Column(self.headings["baseline"], *self.selects.values(), e["baseline"],
                             self.horizon, e["horizon"], self._roster_label,
                             self.roster, self.roster_msg, e["roster"], self.reps, e["replications"],
                             self.seed, e["seed"], width=300)
        right = pn.Column(self.headings["options"], self.options_box, self.add,
                          self.headings["run_box"], pn.Row(self.run_btn, self.cancel_btn),
                          self.progress, self.status, self.headings["export"], self.exports,
                          pn.Row(self.stored, self.open_btn), sizing_mode="stretch_width")
        return pn.Column(pn.Row(self.title, self.lang_switch), pn.Row(baseline, right),
                         self.results, sizing_mode="stretch_width", stylesheets=[CSS])

    def _start_polling(self) -> None:
        pn.state.add_periodic_callback(self.poll, period=500)

    # --- actions --------------------------------------------------------------------------

    def set_lang(self, lang: Lang) -> None:
        """Relabel every widget and re-render the options and results in ``lang``."""
        self.lang = lang
        for widget, key in self._labelled:
            widget.label = t(key, lang)
        for g, select in self.selects.items():
            select.options = _presets(g, lang)
        self.roster_msg.object = (t("roster_none", lang) if self.bench.roster is None
                                  else t("roster_ok", lang, n=self._roster_n))
        if hasattr(self, "title"):
            self.title.object = f"# {t('title', lang)}\n{t('intro', lang)}"
            for k, pane in self.headings.items():
                pane.object = f"### {t(k, lang)}"
            self._roster_label.object = t("roster", lang)
        self._render_options()
        self._render_results()

    def _baseline_changed(self, _event: Any = None) -> None:
        b = self.bench
        for g, w in self.selects.items():
            setattr(b, g, w.value)
        b.horizon_days = self.horizon.value if self.horizon.value is not None else 0
        b.replications, b.seed = self.reps.value, self.seed.value
        self.validate()

    def validate(self) -> dict[str, str]:
        """Validate and show every field's message beside it; return the messages."""
        errors = self.bench.validate()
        for key, pane in self._field_errors.items():
            pane.object = errors.get(key, "")
            pane.visible = key in errors
        config = self.bench.base_config()
        for card in self.cards:
            card.show_errors(errors)
            card.show_costs(config, self.lang)
        return errors

    def _upload(self, event: Any) -> None:
        if not event.new:
            return
        n, error = self.bench.save_roster(bytes(event.new))
        self._field_errors["roster"].object = error or ""
        self._field_errors["roster"].visible = bool(error)
        if error is None:
            self._roster_n = n
        self.roster_msg.object = t("roster_ok", self.lang, n=n) if error is None else ""
        self.validate()

    def add_option(self) -> None:
        """Add an empty option (up to the maximum)."""
        if len(self.bench.options) < MAX_OPTIONS:
            self.bench.add_option()
            self._render_options()

    def remove_option(self, index: int) -> None:
        """Remove one option."""
        self.bench.remove_option(index)
        self._render_options()

    def _render_options(self) -> None:
        self.cards = [OptionCard(i, o, self.lang, self.validate, self.remove_option)
                      for i, o in enumerate(self.bench.options)]
        self.options_box.objects = [c.view for c in self.cards]
        self.validate()

    def run(self) -> None:
        """Validate, then start the comparison in the background."""
        if self.validate():
            self.status.object = t("fix_errors", self.lang)
            return
        total = len(self.bench.scenario_names()) * self.bench.replications
        if self.jobs.start(self.bench.spec_yaml(), self.bench.spec_id(), total) is None:
            self.status.object = t("busy", self.lang)
        self.poll()

    def poll(self) -> None:
        """Show the shared job's progress; load its results once it is done."""
        job = self.jobs.job
        if job is None:
            return
        status, done = job.status, min(job.done, job.total)
        self.progress.max, self.progress.value = job.total, done
        self.progress.visible = status == "running"
        key = {"running": "status_running", "done": "status_done", "cancelled": "status_cancelled",
               "failed": "status_failed"}[status]
        self.status.object = t(key, self.lang, done=done, total=job.total, error=job.error)
        if status == "done" and self.shown_job != job.out_dir:
            try:
                self.show(load_experiment(job.out_dir))
            except Exception:  # shown in the server's log; the next poll tries again
                traceback.print_exc()
                return
            self.shown_job = job.out_dir
            self._refresh_stored()

    def show(self, exp: StoredExperiment) -> None:
        """Show a stored experiment's results and its exports."""
        self.exp = exp
        self._render_results()

    def open_stored(self) -> None:
        """Open the experiment directory chosen in the list (no rerun)."""
        path = self.stored.value
        if isinstance(path, Path):
            self.show(load_experiment(path))

    def _refresh_stored(self) -> None:
        self.stored.options = stored_experiments(self.import_roots)

    def _render_results(self) -> None:
        self.spec_dl.label = t("export_spec", self.lang)
        if self.exp is None:
            self.results.objects = [pn.pane.Markdown(t("no_results", self.lang))]
            return
        self.results.objects = results_view(self.exp, self.lang)
        self.exports.objects = self._export_widgets(self.exp)

    def _export_widgets(self, exp: StoredExperiment) -> list[Any]:
        lang = self.lang
        self.spec_dl.label = t("export_spec", lang)
        out: list[Any] = [self.spec_dl, pn.widgets.FileDownload(
            callback=lambda: io.StringIO(exp.comparison.drop(columns=["sentence"], errors="ignore")
                                         .to_csv(index=False)),
            filename="comparison.csv", label=t("export_csv", lang), css_classes=["export-csv"])]
        # built on request only inside the working directory; elsewhere only if already there
        inside = exp.out_dir.resolve().is_relative_to(self.bench.workdir.resolve())
        if inside or (exp.out_dir / "report.html").is_file():
            out.append(pn.widgets.FileDownload(callback=lambda: report_file(exp), filename="report.html",
                                               label=t("export_html", lang),
                                               css_classes=["export-html"]))
        return out
