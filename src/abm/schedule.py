"""Time schedules for exogenous inputs (legitimacy, cop density, the war's course, ...).

A schedule maps the step number t (0 = the initial state) to a value. Four kinds cover the
runs in Epstein (2002) Table 2, the Belarus scenarios and the dated history replay:

- constant:  ``0.8``
- step:      ``step:BEFORE,AFTER,AT`` - BEFORE for t < AT, AFTER from t = AT on
             (run 4's abrupt drop)
- linear:    ``linear:START,END,FROM,TO`` - START until FROM, a straight line to END at TO,
             END afterwards (run 3's gradual drop, run 5's cops walked down)
- piecewise: ``piecewise:V0@T0,V1@T1,...`` - a value that holds until the next knot: V0
             before T1 (also before T0), Vi from Ti on; the times must strictly increase
             (the history replay's inputs, built from ``belarus/history/inputs.csv``)

The same text form is accepted in TOML files and on the command line (``--set``). Every
knot, value or time, must be a finite number: a NaN compares false with every bound, so it
would slip past a range check and quietly drive the model with nonsense.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FORMS = (
    "NUMBER, step:BEFORE,AFTER,AT, linear:START,END,FROM,TO or "
    "piecewise:VALUE@FROM,VALUE@FROM,... (FROM strictly increasing)"
)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A piecewise-linear function of the step; immutable so that it can be shared freely.

    ``values`` holds the knots: (value,) for a constant, (before, after, at) for a step,
    (start, end, from, to) for a linear ramp and (v0, t0, v1, t1, ...) for a piecewise
    constant."""

    kind: str
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        _finite(self.values)  # also for schedules built directly, not only parsed ones
        if self.kind == "piecewise":
            _check_piecewise(self.values)

    def at(self, t: float) -> float:
        if self.kind == "constant":
            return self.values[0]
        if self.kind == "step":
            before, after, at = self.values
            return before if t < at else after
        if self.kind == "piecewise":
            value = self.values[0]
            for v, since in zip(self.values[0::2], self.values[1::2], strict=True):
                if t < since:
                    break
                value = v
            return value
        start, end, t0, t1 = self.values
        if t <= t0:
            return start
        if t >= t1:
            return end
        return start + (end - start) * (t - t0) / (t1 - t0)

    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value the schedule ever takes (used for range checks)."""
        if self.kind == "piecewise":
            vals = self.values[0::2]
        else:
            vals = self.values if self.kind == "constant" else self.values[:2]
        return min(vals), max(vals)

    def __str__(self) -> str:
        if self.kind == "constant":
            return repr(self.values[0])
        if self.kind == "piecewise":
            pairs = zip(self.values[0::2], self.values[1::2], strict=True)
            return "piecewise:" + ",".join(f"{v!r}@{t!r}" for v, t in pairs)
        return f"{self.kind}:" + ",".join(repr(v) for v in self.values)

    @classmethod
    def constant(cls, value: float) -> Schedule:
        return cls("constant", (float(value),))

    @classmethod
    def piecewise(
        cls, knots: list[tuple[float, float]] | tuple[tuple[float, float], ...]
    ) -> Schedule:
        """A value that holds until the next knot; ``knots`` are (from_step, value) pairs."""
        flat: list[float] = []
        for since, value in knots:
            flat += [float(value), float(since)]
        return cls("piecewise", tuple(flat))

    @classmethod
    def parse(cls, text: object) -> Schedule:
        """Parse a number, a Schedule or the text forms above; raise ValueError with the forms."""
        if isinstance(text, Schedule):
            return text
        if isinstance(text, bool):
            raise ValueError("a schedule must be a number, not a boolean")
        if isinstance(text, int | float):
            return cls.constant(text)
        if not isinstance(text, str):
            raise ValueError(f"a schedule must be a number or text, not {type(text).__name__}")
        s = text.strip()
        kind, sep, rest = s.partition(":")
        if not sep:
            return cls.constant(float(s))
        if kind == "piecewise":
            return cls.piecewise([_knot(k) for k in rest.split(",")])
        parts = tuple(float(p) for p in rest.split(","))
        if kind == "step" and len(parts) == 3:
            return cls("step", parts)
        if kind == "linear" and len(parts) == 4:
            if parts[3] <= parts[2]:
                raise ValueError("linear schedule needs TO > FROM")
            return cls("linear", parts)
        raise ValueError(f"expected {FORMS}")


def _finite(knots: tuple[float, ...]) -> tuple[float, ...]:
    """The knots unchanged, or ValueError naming the first one that is NaN or infinite."""
    for i, k in enumerate(knots, start=1):
        if not math.isfinite(k):
            raise ValueError(f"knot {i} is {k!r}; every knot must be a finite number")
    return knots


def _knot(text: str) -> tuple[float, float]:
    """One ``VALUE@FROM`` knot of a piecewise schedule, as (from, value)."""
    value, sep, since = text.partition("@")
    if not sep:
        raise ValueError(f"piecewise knot {text.strip()!r} is not VALUE@FROM")
    return float(since), float(value)


def _check_piecewise(knots: tuple[float, ...]) -> None:
    """ValueError unless there is at least one (value, from) knot and the times increase."""
    if not knots or len(knots) % 2:
        raise ValueError("a piecewise schedule needs VALUE@FROM knots (at least one)")
    times = knots[1::2]
    for i, (a, b) in enumerate(zip(times, times[1:], strict=False), start=2):
        if b <= a:
            raise ValueError(
                f"piecewise knot {i} starts at {b:g}, not after the previous one's {a:g}; "
                "the FROM times must strictly increase"
            )


def is_dated(value: object) -> bool:
    """Is ``value`` a schedule that changes over time (not a constant, not a plain number)?"""
    if value is None or isinstance(value, bool | int | float):
        return False
    try:
        return Schedule.parse(value).kind != "constant"
    except (TypeError, ValueError):
        return False


def scale_schedule(base: object, value: float | int) -> object:
    """``value`` in place of a scenario's ``base`` value. A dated schedule (the history's
    election-week legitimacy shock, ``piecewise:0.0@0,0.25@1``) keeps its dates and shape,
    its largest level becoming ``value``: an estimated size of a dated event, not a constant
    that would hold from week 0. Anything else is simply replaced by ``value``."""
    if not is_dated(base) or isinstance(value, bool | int):
        return value
    s = Schedule.parse(base)
    levels = s.values[0::2] if s.kind == "piecewise" else s.values[:2]
    top = max(abs(v) for v in levels)
    if top == 0:
        return value
    k = value / top
    if s.kind == "piecewise":
        vals = tuple(v * k if i % 2 == 0 else v for i, v in enumerate(s.values))
    else:
        vals = (s.values[0] * k, s.values[1] * k, *s.values[2:])
    return str(Schedule(s.kind, vals))
