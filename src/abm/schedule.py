"""Time schedules for exogenous inputs (legitimacy, cop density, the war's course, ...).

A schedule maps the step number t (0 = the initial state) to a value. Three kinds cover the
runs in Epstein (2002) Table 2 and the Belarus scenarios:

- constant:  ``0.8``
- step:      ``step:BEFORE,AFTER,AT`` - BEFORE for t < AT, AFTER from t = AT on
             (run 4's abrupt drop)
- linear:    ``linear:START,END,FROM,TO`` - START until FROM, a straight line to END at TO,
             END afterwards (run 3's gradual drop, run 5's cops walked down)

The same text form is accepted in TOML files and on the command line (``--set``). Every
knot, value or time, must be a finite number: a NaN compares false with every bound, so it
would slip past a range check and quietly drive the model with nonsense.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FORMS = "NUMBER, step:BEFORE,AFTER,AT or linear:START,END,FROM,TO"


@dataclass(frozen=True, slots=True)
class Schedule:
    """A piecewise-linear function of the step; immutable so that it can be shared freely."""

    kind: str
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        _finite(self.values)  # also for schedules built directly, not only parsed ones

    def at(self, t: float) -> float:
        if self.kind == "constant":
            return self.values[0]
        if self.kind == "step":
            before, after, at = self.values
            return before if t < at else after
        start, end, t0, t1 = self.values
        if t <= t0:
            return start
        if t >= t1:
            return end
        return start + (end - start) * (t - t0) / (t1 - t0)

    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value the schedule ever takes (used for range checks)."""
        vals = self.values if self.kind == "constant" else self.values[:2]
        return min(vals), max(vals)

    def __str__(self) -> str:
        if self.kind == "constant":
            return repr(self.values[0])
        return f"{self.kind}:" + ",".join(repr(v) for v in self.values)

    @classmethod
    def constant(cls, value: float) -> Schedule:
        return cls("constant", (float(value),))

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
