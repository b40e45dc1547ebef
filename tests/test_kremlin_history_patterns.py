"""A run that has collapsed has left history: observations opening after its absorption are
not compared with it, those spanning the collapse still are, and the runs that left are
counted per observation."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from abm.belarus.history import week_of, week_start
from abm.belarus.history.patterns import LEFT, Run, compare_one, left_history, observations

WEEKS = 282


def series(absorbed_at: int | None) -> pd.DataFrame:
    steps = np.arange(WEEKS)
    absorbed = np.zeros(WEEKS) if absorbed_at is None else (steps >= absorbed_at).astype(float)
    return pd.DataFrame(
        {
            "step": steps,
            "date": [week_start(int(s)).isoformat() for s in steps],
            "in_power": 1.0 - absorbed,
            "absorbed": absorbed,
        }
    )


def in_power(start: str, end: str):
    base = next(o for o in observations() if o.pattern == "ruler_in_power")
    return replace(base, start=date.fromisoformat(start), end=date.fromisoformat(end))


def test_observations_after_a_collapse_are_not_compared_but_those_holding_it_are():
    collapsed = Run(series(absorbed_at=week_of("2021-06-06")))
    holding = compare_one(collapsed, in_power("2020-08-09", "2022-09-30"))
    assert holding.inside is False  # he fell inside the span: a miss, judged
    after = compare_one(collapsed, in_power("2022-10-01", "2025-12-31"))
    assert after.inside is None and math.isnan(after.simulated)
    assert after.note.startswith(LEFT) and "2021-06-06" in after.note
    intact = Run(series(absorbed_at=None))
    assert compare_one(intact, in_power("2022-10-01", "2025-12-31")).inside is True


def test_without_the_absorbed_series_the_first_ejection_marks_the_departure():
    df = series(None).drop(columns="absorbed")
    run = Run(df, [(50, "ejection", "revolt")])
    assert run.absorbed_step == 50 and run.left_before(week_start(51))
    assert not run.left_before(week_start(50))


def test_the_runs_that_left_are_counted_per_observation():
    runs = [
        Run(series(None)),
        Run(series(week_of("2021-06-06"))),
        Run(series(week_of("2023-01-01"))),
    ]
    rows = [in_power("2020-08-09", "2022-09-30"), in_power("2024-01-01", "2025-12-31")]
    assert left_history(runs, rows) == [0, 2]
