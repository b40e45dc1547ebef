"""Scenario trees: a run branched at step t, by replaying its seed to t and changing inputs
from t on (issue 14, item 7).

A run is a pure function of (parameters, seed), and an input that changes over time is a
schedule read once per step. So the branch of a run at step ``at`` is the same run with
each changed input's schedule rewritten as "the trunk's value at every step before ``at``,
the new value from ``at`` on": replayed with the same seed, it draws the same random
numbers and takes the same decisions until the first step that reads a new value, and the
two runs can differ only from step ``at``. ``branch_run`` checks that they agree on every
stored step before ``at`` and refuses to return a branch that does not (it would mean some
input is read ahead of its step, and the tree would be wrong).

Only inputs the model reads as schedules can change mid-run (``ParamSet`` kind
``schedule``: the war's course, sanctions, NATO's posture, Ukraine's strength, ...); any
other parameter is fixed at construction, and is refused with its name. No state is saved
or restored (no pickle): the prefix is recomputed, which costs the trunk's time to ``at``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from abm import catalog
from abm.contract import RunResult
from abm.errors import ParameterError
from abm.schedule import Schedule


def branch_schedule(trunk: Any, value: float, at: int) -> str:
    """The schedule that equals ``trunk`` at every step before ``at`` and ``value`` from
    ``at`` on (knots at the steps where the trunk's value changes)."""
    s = Schedule.parse(trunk)
    knots: list[tuple[float, int]] = []
    for t in range(at):
        v = s.at(t)
        if not knots or knots[-1][0] != v:
            knots.append((v, t))
    knots.append((float(value), at))
    values = tuple(x for v, t in knots for x in (v, float(t)))
    return str(Schedule("piecewise", values))


def branch_params(
    model: str, params: Mapping[str, Any], changes: Mapping[str, Any], at: int
) -> dict[str, Any]:
    """``params`` (as resolved for the trunk) with each of ``changes`` taking effect at step
    ``at``. Refuses (ParameterError) an unknown name, a parameter that is not a schedule,
    a value that is not a number, and ``at`` < 1 (step 0 is the initial state)."""
    if isinstance(at, bool) or not isinstance(at, int) or at < 1:
        raise ParameterError("--at", at, "a step >= 1 (step 0 is the initial state)")
    if not changes:
        raise ParameterError("--set", {}, "at least one input to change at the branch point")
    pset = catalog.get(model).params
    out = dict(params)
    for name, value in changes.items():
        if name not in pset:
            raise ParameterError("--set", name, f"a parameter of model {model!r}")
        if pset[name].kind != "schedule":
            allowed = ", ".join(p.name for p in pset if p.kind == "schedule")
            raise ParameterError(
                "--set", name, f"an input that can change during a run (a schedule: {allowed})"
            )
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"--set {name}", value, "a number (its value from --at on)"
            ) from None
        out[name] = branch_schedule(params[name], number, at)
    return out


@dataclass(frozen=True)
class Branch:
    """A trunk run and its branch at ``at`` (same seed)."""

    at: int
    trunk: RunResult
    branch: RunResult

    @property
    def diverged_at(self) -> int | None:
        """The first stored step where the two differ (None: identical throughout)."""
        return first_difference(self.trunk.series, self.branch.series)


def first_difference(a: pd.DataFrame, b: pd.DataFrame) -> int | None:
    """The first step whose row differs between two runs' series (None if none does)."""
    n = min(len(a), len(b))
    left, right = a.iloc[:n].reset_index(drop=True), b.iloc[:n].reset_index(drop=True)
    same = (left == right) | (left.isna() & right.isna())
    rows = same.all(axis=1).to_numpy()
    bad = [i for i, ok in enumerate(rows) if not ok]
    if bad:
        return int(left["step"].iloc[bad[0]])
    return None if len(a) == len(b) else int(n)


def branch_run(
    model: str,
    params: Mapping[str, Any],
    changes: Mapping[str, Any],
    at: int,
    seed: int,
    steps: int | None = None,
) -> Branch:
    """Run the trunk and its branch at ``at`` with ``seed``; both are validated before
    either runs. Raises RuntimeError if they differ before ``at`` (module docstring)."""
    from abm.runner import execute, prepare

    trunk_setup = prepare(model, params, steps)
    resolved = dict(trunk_setup.params)
    branched = branch_params(model, resolved, changes, at)
    if trunk_setup.scenario is not None:
        branched["scenario"] = trunk_setup.scenario
    branch_setup = prepare(model, branched, trunk_setup.steps)
    trunk = execute(trunk_setup, seed)
    branch = execute(branch_setup, seed)
    out = Branch(at, trunk, branch)
    d = out.diverged_at
    if d is not None and d < at:
        raise RuntimeError(
            f"the branch at step {at} differs from its trunk at step {d}: an input is read "
            "before its step, so this model cannot be branched this way"
        )
    return out
