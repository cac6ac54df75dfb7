"""The model of one run, in the order a run uses it.

Before the clock starts (frozen, pure: ``plan.plan_run(scenario, seed)``):
    population (villagers as arrays), demand (needs), interventions (new values,
    never mutated), offices (layout), plans (item plans), channel_plans,
    plan (the RunPlan: all of the above and every per-villager probability).
While it runs (mutable): state (RunState, the context ``Ctx`` each process
    takes, the ``DrawSource`` protocol), log (the RequestLog, declared once
    in ``SCHEMA``), draws and streams (named random numbers).
Processes (SimPy, each takes the context and the request index):
    request (the composition) -> journey (offline), online (online and
    proxy), casework (proactive grants, complaints, losses, appeals);
    platform (outages, load), sampler (office queues), engine (start it all).
After the run: costs, security (data holders, breaches), risk (risk KPIs).
"""
