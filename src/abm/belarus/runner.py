"""The Belarus model's run function (its catalogue entry's ``run``): one run as a pure
function of (resolved parameters, seed, steps), reduced to a flat summary.

``abm.runner.prepare`` has already merged the scenario (default ``baseline``) and the
overrides and validated them. The summary is flat (numbers, strings or None):

- ``scenario``, ``final_class`` (the highest-ranked outcome, or ``status_quo``), and
  ``week_<outcome>`` for each outcome declared in ``abm.belarus.outcomes`` (first week,
  None when it never happened);
- scalars: max_support_level, final_support_level, mean_support_level, peak_active_share,
  peak_turnout, total_casualties, final_exasperation, final_penetration, n_mutinies,
  substitution_attempts, people_per_agent;
- ``absorbed_week``: the week a collapse ended the run's politics (None if it never did).
"""

from __future__ import annotations

import math
from typing import Any

from abm.belarus.model import BelarusModel
from abm.belarus.outcomes import first_weeks
from abm.contract import RunResult, RunSetup
from abm.schedule import Schedule


def plain(value: Any) -> Any:
    """A JSON-friendly form of a parameter value (schedules as their text form)."""
    if isinstance(value, Schedule):
        return value.values[0] if value.kind == "constant" else str(value)
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    return value


def run(setup: RunSetup, seed: int) -> RunResult:
    """The catalogue's run function: ``setup`` is already resolved and validated."""
    p, steps = setup.params, setup.steps
    model = BelarusModel(p, rng=seed, faces=False)
    model.run_for(steps)
    series = model.series()
    events = model.log.with_status_quo(steps)
    summary: dict[str, Any] = {"scenario": setup.scenario, "final_class": model.final_class()}
    summary.update(first_weeks(model.events))
    summary.update(
        max_support_level=int(series["support_level"].max()),
        final_support_level=int(series["support_level"].iloc[-1]),
        mean_support_level=float(series["support_level"].iloc[1:].mean())
        if len(series) > 1
        else float(series["support_level"].iloc[0]),
        peak_active_share=float(series["active_share"].max()),
        peak_turnout=float(series["turnout"].max()),
        total_casualties=int(series["casualties"].iloc[-1]),
        final_exasperation=float(series["exasperation"].iloc[-1]),
        final_penetration=float(series["penetration"].iloc[-1]),
        n_mutinies=sum(1 for _, e, _ in model.events if e == "mutiny"),
        substitution_attempts=sum(1 for _, e, _ in model.events if e == "substitution_attempt"),
        people_per_agent=float(model.people_per_agent),
        absorbed_week=model.absorbed_week,
    )
    return RunResult(
        "belarus", {k: plain(v) for k, v in p.items()}, seed, steps, summary, series, events
    )
