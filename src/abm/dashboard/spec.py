"""What a model offers the dashboard, and the settings one dashboard run is built from.

SolaraViz rebuilds a model on Reset by calling the model's class with keyword arguments,
so each model gets a thin subclass (``run_class``) whose only argument is the current
``RunSettings`` - the scenario picked, the seed and the controls the user moved. The
settings resolve through ``abm.runner.prepare``, the one path every run takes: a control
names a real parameter of the model's catalogue entry, every value is validated exactly as
on the command line, and the model receives read-only ``Values`` it need not check again.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import mesa

from abm import catalog
from abm.contract import Scenario
from abm.params import ParamSet, Values
from abm.runner import prepare
from abm.schedule import Schedule


@dataclass(frozen=True)
class Control:
    """A slider (numbers) or a checkbox (booleans) over one model parameter.

    ``low``/``high`` narrow the slider to the useful part of the parameter's allowed range
    (they must lie inside it); ``step`` is the slider's increment.
    """

    param: str
    label: str
    low: float | None = None
    high: float | None = None
    step: float | None = None


@dataclass(frozen=True)
class RunSettings:
    """The inputs of one dashboard run: scenario, seed and the user's overrides.

    ``overrides`` holds only the controls the user moved, so picking another scenario
    (which clears them) shows that scenario's own values, schedules included.
    """

    scenario: str
    seed: int = 0
    overrides: Mapping[str, Any] = field(default_factory=dict)

    def with_override(self, name: str, value: Any) -> RunSettings:
        return RunSettings(self.scenario, self.seed, {**self.overrides, name: value})

    def with_seed(self, seed: int) -> RunSettings:
        return RunSettings(self.scenario, int(seed), dict(self.overrides))


@dataclass(frozen=True)
class ModelSpec:
    """One model as the dashboard sees it.

    ``key`` is the model's catalogue name: its title, parameters and scenarios (a run stops
    at its scenario's horizon) come from there. ``build_kwargs(params)`` gives the model
    class's keyword arguments (the seed goes in as ``rng``); ``views`` are functions
    model -> Solara element shown as cards, in order, below an optional full-width
    ``header`` (model -> element).
    """

    key: str
    default_scenario: str
    controls: tuple[Control, ...]
    model_class: type[mesa.Model]
    build_kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda p: {"params": p}
    views: tuple[Callable, ...] = ()
    header: Callable | None = None

    def __post_init__(self):
        for c in self.controls:
            if c.param not in self.params:
                raise ValueError(f"{self.key}: control {c.label!r} names unknown {c.param!r}")
            p = self.params[c.param]
            for bound in (c.low, c.high):
                if bound is not None:
                    p.coerce(bound)  # a slider may not offer values the model refuses

    @property
    def title(self) -> str:
        return catalog.get(self.key).title

    @property
    def params(self) -> ParamSet:
        return catalog.get(self.key).params

    def scenarios(self) -> Mapping[str, Scenario]:
        return catalog.get(self.key).scenarios()

    def scenario_names(self) -> list[str]:
        return list(self.scenarios())

    def describe(self, scenario: str) -> str:
        return self.scenarios()[scenario].description

    def horizon(self, scenario: str) -> int:
        return int(self.scenarios()[scenario].steps)

    def resolve(self, settings: RunSettings) -> Values:
        """Defaults <- scenario <- the user's overrides, resolved and validated once."""
        return prepare(self.key, {**settings.overrides, "scenario": settings.scenario}).params

    def same_run(self, a: RunSettings, b: RunSettings) -> bool:
        """Whether two settings make the same run (a slider moved back to the scenario's
        value is no change)."""
        return a.seed == b.seed and self.resolve(a) == self.resolve(b)

    def control_value(self, control: Control, settings: RunSettings) -> Any:
        """What a control shows: the override, else the scenario's value (a schedule shows
        its value at week 0; ``control_note`` says so)."""
        value = self.resolve(settings)[control.param]
        return value.at(0) if isinstance(value, Schedule) else value

    def control_note(self, control: Control, settings: RunSettings) -> str:
        """A hint when the scenario sets a time schedule that a slider would flatten."""
        if control.param in settings.overrides:
            return ""
        value = self.resolve(settings)[control.param]
        if isinstance(value, Schedule) and value.kind != "constant":
            return f"scenario schedule {value}; moving the slider replaces it by a constant"
        return ""

    def slider_range(self, control: Control) -> tuple[float, float, float]:
        """(low, high, step) of a numeric control's slider."""
        p = self.params[control.param]
        low = control.low if control.low is not None else p.low
        high = control.high if control.high is not None else p.high
        if low is None or high is None:
            raise ValueError(f"{self.key}: control {control.param} needs slider bounds")
        step = control.step if control.step is not None else (high - low) / 100
        return float(low), float(high), float(step)

    def is_checkbox(self, control: Control) -> bool:
        return self.params[control.param].kind == "bool"


_run_ids = itertools.count(1)


def run_class(spec: ModelSpec) -> type[mesa.Model]:
    """The model class SolaraViz instantiates: ``spec.model_class`` built from RunSettings.

    ``settings`` may be a ``RunSettings`` or anything with a ``.value`` holding one (the
    dashboard passes its reactive settings, so Mesa's Reset button rebuilds the run from
    whatever the controls show at that moment). A run stops (``running`` False, which
    disables SolaraViz's play and step buttons) at its scenario's horizon.
    """

    base = spec.model_class

    class DashboardRun(base):
        def __init__(self, settings: Any = None):
            s = getattr(settings, "value", settings)
            if s is None:
                s = RunSettings(spec.default_scenario)
            params = spec.resolve(s)
            super().__init__(**spec.build_kwargs(params), rng=s.seed)
            self.dashboard_settings = s
            self.dashboard_spec = spec
            self.dashboard_horizon = spec.horizon(s.scenario)
            self.dashboard_run_id = next(_run_ids)

        def step(self) -> None:
            super().step()
            if self.time >= self.dashboard_horizon:
                self.running = False

    DashboardRun.__name__ = DashboardRun.__qualname__ = f"Dashboard{base.__name__}"
    return DashboardRun
