"""The history scenario's inputs, built from ``inputs.csv`` rather than copied by hand.

Each input the model has a mechanism for becomes the parameter of the same name, a
piecewise-constant schedule over the run's steps (``abm.schedule``: a value holds until the
next row; an ``event`` row lasts its week, then the value before it returns). ``annexed``
becomes the flag ``annexed`` with its date form ``annexed_from_week``. Every other input is
dated history with no mechanism yet: the narrative prints it beside the run, and no
parameter stands for it (an unused parameter would only pretend to matter).

A new input in the file that is neither wired nor listed as narrative is refused, so a row
cannot be dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from abm.belarus.history.data import HistoryDataError, InputChange, load_inputs
from abm.schedule import Schedule

#: Inputs wired to a mechanism: each becomes the schedule parameter of the same name.
SCHEDULED = (
    "sanctions",  # mechanism 1: dependence on Moscow
    "war_trajectory",  # Moscow's desperation
    "counteroffensive",  # mechanism 3: the doctrine's demand on annexed land
    "nato_posture",  # mechanism 6: the NATO excuse's credibility
    "ukraine_strength",  # mechanism 5: losses a Belarusian expedition would suffer
    "war_active",  # no demand for military support before the war (kremlin.py)
    "legitimacy_shock",  # the stolen election's cost to pro-Western legitimacy (citizens.py)
    "russian_police_reserve",  # Moscow's 2020 reserve among the loyal coercive people
)
#: The annexation: a flag with a date form (``annexed``, ``annexed_from_week``).
ANNEXED = "annexed"
#: Dated history with no mechanism yet: narrated beside the run, not a parameter.
NARRATIVE_ONLY = (
    "election",
    "russian_troops",
    "invasion_from_belarus",
    "joint_grouping",
    "mobilisation_russia",
    "nuclear_stationing",
    "wagner_mutiny",
    "wagner_in_belarus",
)
EVENT_UNIT = "event"


def input_schedule(changes: Iterable[InputChange], start_week: int = 0) -> Schedule:
    """One input's rows as a schedule over steps (step = history week - ``start_week``).

    A value holds from its week until the next row's; rows before the start collapse onto
    step 0 (the latest wins), as do several rows in one week. An ``event`` row holds for its
    week only, after which the value before it returns (0 when none came before).
    """
    levels: dict[int, float] = {}  # step -> value from then on (the latest row wins)
    events: dict[int, float] = {}  # step -> value for that step only
    for row in sorted(changes, key=lambda c: c.date):
        (events if row.unit == EVENT_UNIT else levels)[max(0, row.week - start_week)] = row.value
    if not levels and not events:
        raise ValueError("an input schedule needs at least one row")

    def level_at(step: int) -> float:
        since = [s for s in levels if s <= step]
        return levels[max(since)] if since else 0.0

    knots: list[tuple[int, float]] = []
    for step in sorted({0, *levels, *events, *(s + 1 for s in events)}):
        value = events.get(step, level_at(step))
        if not knots or knots[-1][1] != value:
            knots.append((step, value))
    return Schedule.piecewise(knots)


def annexation(changes: Iterable[InputChange], start_week: int = 0) -> dict[str, Any]:
    """``annexed`` and ``annexed_from_week`` from the annexation's rows (0 then 1, once)."""
    rows = sorted(changes, key=lambda c: c.date)
    on = [r for r in rows if r.value == 1.0]
    if not on:
        return {"annexed": False, "annexed_from_week": 0}
    first = on[0]
    if any(r.value == 0.0 and r.date > first.date for r in rows):
        raise HistoryDataError(
            f"inputs.csv: annexed returns to 0 after {first.date}; the model's annexation "
            "can only switch on once"
        )
    return {"annexed": True, "annexed_from_week": max(0, first.week - start_week)}


def history_params(
    inputs: Iterable[InputChange] | None = None, start_week: int = 0
) -> dict[str, Any]:
    """The history scenario's input parameters (schedules in their text form), from
    ``inputs`` (default: the packaged ``inputs.csv``), with step 0 at ``start_week``."""
    rows = tuple(load_inputs() if inputs is None else inputs)
    by_input: dict[str, list[InputChange]] = {}
    for row in rows:
        by_input.setdefault(row.input, []).append(row)
    unknown = sorted(set(by_input) - set(SCHEDULED) - set(NARRATIVE_ONLY) - {ANNEXED})
    if unknown:
        raise HistoryDataError(
            f"inputs.csv: input(s) {', '.join(unknown)} are neither wired to a parameter "
            f"({', '.join(SCHEDULED)}, {ANNEXED}) nor listed as narrative only "
            f"({', '.join(NARRATIVE_ONLY)}); add them to abm.belarus.history.scenario"
        )
    missing = [name for name in (*SCHEDULED, ANNEXED) if name not in by_input]
    if missing:
        raise HistoryDataError(f"inputs.csv: no row for the wired input(s) {', '.join(missing)}")
    out: dict[str, Any] = {
        name: str(input_schedule(by_input[name], start_week)) for name in SCHEDULED
    }
    out.update(annexation(by_input[ANNEXED], start_week))
    out["start_week"] = start_week
    return out
