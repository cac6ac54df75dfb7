"""The planner's workbench: ``govsim serve`` starts a local web app (Panel).

Modules: :mod:`~govsim.serve.levers` (what a planner can set), :mod:`~govsim.serve.state`
(the scenario set, validation, uploads; no web page), :mod:`~govsim.serve.jobs` and
:mod:`~govsim.serve.worker` (background runs), :mod:`~govsim.serve.results` and
:mod:`~govsim.serve.figures` (what the results page shows), :mod:`~govsim.serve.app`,
:mod:`~govsim.serve.options_view` and :mod:`~govsim.serve.results_view` (the page),
:mod:`~govsim.serve.cli` (the command), :mod:`~govsim.serve.i18n` (English and Chinese).
"""
