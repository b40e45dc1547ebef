"""The Belarus model as a registered runner: one run as a pure function of (params, seed, steps).

``params`` may hold ``scenario``, the name of the base scenario (default ``baseline``) whose
values the other entries override. The summary is flat (numbers, strings or None):

- ``scenario``, ``final_class`` (the highest-ranked outcome, or ``status_quo``; see
  ``abm.belarus.outcomes``), ``week_<outcome>`` for each of intervention, mutiny,
  mass_mutiny, uprising, substitution_attempt, substitution, ejection, russian_intervention
  (first week, None when it never happened);
- scalars: max_support_level, final_support_level, mean_support_level, peak_active_share,
  peak_turnout, total_casualties, final_exasperation, final_penetration, n_mutinies,
  substitution_attempts, people_per_agent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from abm.belarus.outcomes import first_weeks
from abm.belarus.params import BELARUS_PARAMS
from abm.belarus.scenarios import get_scenario
from abm.errors import ParameterError
from abm.runner import RunResult, register
from abm.schedule import Schedule

DEFAULT_SCENARIO = "baseline"


def prepare(params: Mapping[str, Any], steps: int | None) -> tuple[str, dict[str, Any], int]:
    """Validate before any work: (scenario name, resolved parameters, steps)."""
    params = dict(params)
    name = str(params.pop("scenario", DEFAULT_SCENARIO))
    sc = get_scenario(name)
    resolved = BELARUS_PARAMS.resolve(sc.params, params)
    steps = sc.steps if steps is None else steps
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ParameterError("steps", steps, "an integer >= 0 (weeks)")
    return name, resolved, steps


def plain(value: Any) -> Any:
    """A JSON-friendly form of a parameter value (schedules as their text form)."""
    if isinstance(value, Schedule):
        return value.values[0] if value.kind == "constant" else str(value)
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    return value


@register("belarus")
def run_belarus(params: Mapping[str, Any], seed: int, steps: int | None) -> RunResult:
    from abm.belarus.model import BelarusModel

    name, p, steps = prepare(params, steps)
    model = BelarusModel(p, rng=seed, faces=False)
    model.run_for(steps)
    series = model.series()
    events = model.log.with_status_quo(steps)
    summary: dict[str, Any] = {"scenario": name, "final_class": model.final_class()}
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
    )
    return RunResult(
        "belarus", {k: plain(v) for k, v in p.items()}, seed, steps, summary, series, events
    )
