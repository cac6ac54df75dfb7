"""One option's card: its name, a widget per lever, its unit costs and its field errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import panel as pn

from govsim.serve.i18n import Lang, t
from govsim.serve.levers import LEVERS, Lever, unit_costs
from govsim.serve.results_view import html_pane
from govsim.serve.state import Option

__all__ = ["OptionCard"]

_BLANK: dict[str, Any] = {"online": False, "proxies_per_village": 0, "training_share": 0.0,
                          "coverage_min": 0.0, "apps": None, "unify_apps": False, "counters": "kept",
                          "share_level": None, "proactive": False, "staff_to_backoffice": 0}


def _widget(lv: Lever, value: Any, lang: Lang) -> pn.widgets.Widget:
    name = t(lv.name, lang)
    css = [f"lever-{lv.name}"]
    if lv.kind == "bool":
        return pn.widgets.Checkbox(label=name, value=bool(value), css_classes=css)
    if lv.kind == "choice":
        return pn.widgets.Select(label=name, options={t(c, lang): c for c in lv.choices},
                                 value=value or lv.choices[0], css_classes=css)
    if lv.kind == "int":
        return pn.widgets.IntInput(label=name, value=value, css_classes=css, width=200)
    return pn.widgets.FloatInput(label=name, value=value, step=0.05, css_classes=css, width=200)


class OptionCard:
    """Widgets bound to one :class:`Option`; ``on_change`` is called after every edit."""

    def __init__(self, index: int, option: Option, lang: Lang, on_change: Callable[[], object],
                 on_remove: Callable[[int], None]) -> None:
        self.index, self.option = index, option
        self.errors: dict[str, pn.pane.HTML] = {}
        self.name = pn.widgets.TextInput(label=t("option_name", lang), value=option.name,
                                         css_classes=["option-name"], width=200)
        self.name.param.watch(lambda e: self._set_name(e.new, on_change), "value")
        rows: list[Any] = [self.name]
        for lv in LEVERS:
            value = option.levers.get(lv.name, _BLANK[lv.name])
            w = _widget(lv, value, lang)
            w.param.watch(lambda e, n=lv.name: self._set(n, e.new, on_change), "value")
            self.errors[lv.name] = html_pane("", ["field-error"], visible=False)
            rows += [w, self.errors[lv.name]]
        self.errors[""] = html_pane("", ["field-error"], visible=False)
        self.costs = pn.pane.Markdown("", css_classes=["option-costs"])
        remove = pn.widgets.Button(label=t("remove", lang), color="light", width=90)
        remove.on_click(lambda _e: on_remove(self.index))
        self.view = pn.Card(*rows, self.errors[""], self.costs, remove,
                            title=f"{t('option', lang)} {index + 1}", width=260,
                            css_classes=["option-card"])

    def _set_name(self, value: str, on_change: Callable[[], object]) -> None:
        self.option.name = value
        on_change()

    def _set(self, name: str, value: Any, on_change: Callable[[], object]) -> None:
        self.option.levers[name] = value
        on_change()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show the CLI's message beside the lever it names (``""``: the option as a whole)."""
        for lever_name, pane in self.errors.items():
            key = f"option{self.index}.{lever_name}" if lever_name else f"option{self.index}"
            msg = errors.get(key, "")
            pane.object = msg
            pane.visible = bool(msg)

    def show_costs(self, config: dict[str, Any] | None, lang: Lang) -> None:
        """List the unit costs behind the levers set (from the option's resolved config)."""
        if not self.option.overrides():
            self.costs.object = t("no_levers", lang)
            return
        costs = unit_costs(config or {}, self.option.levers)
        text = "; ".join(t(k, lang, v=f"{v:,.0f}") for k, v in costs.items())
        self.costs.object = f"**{t('unit_costs', lang)}**: {text}" if text else ""
