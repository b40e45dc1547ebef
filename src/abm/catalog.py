"""The model catalogue: every model the package can run, each described once.

An ``Entry`` gives a model's name, its ``ParamSet``, its named scenarios, its run function,
its declared outcomes, the series worth a figure, its EMA uncertainties and levers, and its
dashboard description. The runner, sweeps, the EMA connector, the analysis, the ODD tables
and the dashboard all look a model up here and nowhere else.

The catalogue must stay cheap to import and must not import any model (the engine, sweeps
and analysis import it, and a model must never pull in the dashboard): so an entry names
what lives in a model's package by import path, ``"package.module:attribute"``, loaded on
first use. Models defined outside the package (tests, scripts, a spec's ``imports``)
``register`` an entry of their own, with objects or with paths.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from abm.errors import ParameterError

if TYPE_CHECKING:
    from abm.contract import Outcome, RunResult, RunSetup, Scenario
    from abm.params import ParamSet
    from abm.priors import Priors

    RunFunction = Callable[[RunSetup, int], RunResult]


def load(ref: Any) -> Any:
    """The object ``ref`` names (``"package.module:attribute"``), or ``ref`` itself."""
    if not isinstance(ref, str):
        return ref
    module, sep, attr = ref.partition(":")
    if not sep:
        raise ValueError(f"catalogue reference {ref!r} is not 'package.module:attribute'")
    return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class Entry:
    """One model. Fields ending in ``_ref`` hold the object or its import path.

    ``scenarios_ref`` is a function returning ``{name: Scenario}`` (None: the model has no
    named scenarios). A run without a scenario starts from ``default_scenario`` if there is
    one, else from the parameter defaults, for ``default_steps`` steps. ``step_label`` names
    a step on figure axes. ``uncertainties`` and ``levers`` are the EMA connector's defaults.
    ``dashboard_ref`` names the model's ``ModelSpec`` (None: not on the dashboard).
    ``priors_ref`` is a function returning the model's prior ranges (``abm.priors``; None:
    the model has none), which the ODD tables and the prior predictive experiments read.
    ``targets_ref`` is a function ``(period, hard, exclude) -> Target`` giving the observed
    patterns an estimation fits (``abm.belarus.history.statistics``; None: nothing observed),
    the only way the calibration machinery reaches a model's history.
    """

    name: str
    title: str
    params_ref: ParamSet | str
    run_ref: RunFunction | str
    scenarios_ref: Callable[[], Mapping[str, Scenario]] | str | None = None
    default_scenario: str | None = None
    default_steps: int = 100
    outcomes_ref: Sequence[Outcome] | str = ()
    key_series: tuple[str, ...] = ()
    step_label: str = "step"
    uncertainties: tuple[str, ...] = ()
    levers: tuple[str, ...] = ()
    dashboard_ref: str | None = None
    priors_ref: Callable[[], Priors] | str | None = None
    targets_ref: Callable[..., Any] | str | None = None

    @property
    def params(self) -> ParamSet:
        return load(self.params_ref)

    @property
    def run(self) -> RunFunction:
        return load(self.run_ref)

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """Declared outcomes (and the final classes a run can end in), by rank."""
        return tuple(sorted(load(self.outcomes_ref), key=lambda o: o.rank))

    def priors(self) -> Priors | None:
        return None if self.priors_ref is None else load(self.priors_ref)()

    def targets(self, **options: Any) -> Any:
        """The model's estimation target (``targets_ref``), or None if it has none."""
        return None if self.targets_ref is None else load(self.targets_ref)(**options)

    def scenarios(self) -> Mapping[str, Scenario]:
        return {} if self.scenarios_ref is None else load(self.scenarios_ref)()

    def scenario(self, name: str) -> Scenario:
        """The named scenario; ParameterError naming the known ones otherwise."""
        table = self.scenarios()
        if name not in table:
            allowed = "one of " + ", ".join(table) if table else f"none ({self.name} has none)"
            raise ParameterError("scenario", name, allowed)
        return table[name]

    def dashboard(self) -> Any:
        """The model's dashboard ``ModelSpec`` (imports the dashboard: call it only there)."""
        if self.dashboard_ref is None:
            raise ParameterError(
                "model", self.name, "a model with a dashboard: " + ", ".join(dashboard_models())
            )
        return load(self.dashboard_ref)


BUILTIN = (
    Entry(
        name="belarus",
        title="Belarus between Moscow and revolt",
        params_ref="abm.belarus.params:BELARUS_PARAMS",
        run_ref="abm.belarus.runner:run",
        scenarios_ref="abm.belarus.scenarios:scenario_table",
        default_scenario="baseline",
        outcomes_ref="abm.belarus.outcomes:DECLARED",
        key_series=(
            "support_level",
            "demanded_support",
            "exasperation",
            "active_share",
            "army_morale",
            "mutinied_share",
        ),
        step_label="week",
        priors_ref="abm.belarus.params:priors",
        targets_ref="abm.belarus.history.statistics:target",
        # The war's course and the hidden states of the actors that the article says decide
        # between the two fears; the levers are the West's policies (mechanisms 1 and 6).
        uncertainties=(
            "war_trajectory",
            "ukraine_strength",
            "counteroffensive",
            "penetration_initial",
            "indispensability_base",
            "exasperation_gain",
            "loyalty_army",
            "loyalty_security",
            "morale_initial",
            "pro_western_share",
        ),
        levers=("sanctions", "nato_posture"),
        dashboard_ref="abm.dashboard.belarus:SPEC",
    ),
    Entry(
        name="epstein",
        title="Civil violence (Epstein 2002)",
        params_ref="abm.engine.params:EPSTEIN_PARAMS",
        run_ref="abm.engine.runner:run",
        scenarios_ref="abm.engine.runner:scenario_table",
        default_steps=200,
        step_label="step",
        dashboard_ref="abm.dashboard.epstein:SPEC",
    ),
)
_ENTRIES: dict[str, Entry] = {e.name: e for e in BUILTIN}


def register(entry: Entry) -> Entry:
    """Add (or, for a model defined outside the package, replace) a model's entry."""
    if entry.name in _ENTRIES and _ENTRIES[entry.name] in BUILTIN:
        raise ValueError(f"{entry.name!r} is a built-in model; register under another name")
    _ENTRIES[entry.name] = entry
    return entry


def names() -> list[str]:
    """Every model's name, the built-in ones first."""
    return list(_ENTRIES)


def get(name: str) -> Entry:
    """The entry of model ``name``; ParameterError naming the known models otherwise."""
    if name not in _ENTRIES:
        raise ParameterError("model", name, "one of " + ", ".join(_ENTRIES))
    return _ENTRIES[name]


def dashboard_models() -> list[str]:
    """Models the dashboard can show; the first is its default."""
    return [name for name, e in _ENTRIES.items() if e.dashboard_ref is not None]
