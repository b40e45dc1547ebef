"""The "Scenario" card: scenario picker, parameter controls and seed.

Picking a scenario starts a new run at once (its values replace every control). Moving a
slider or changing the seed only stages the change, as in Mesa's own parameter card: the
"Reset" button above starts the run from what the controls show, and a note says when the
controls differ from the run on screen.
"""

from __future__ import annotations

import solara

from abm.dashboard.spec import Control, ModelSpec, RunSettings
from abm.errors import ParameterError


@solara.component
def ScenarioPanel(
    spec: ModelSpec,
    settings: solara.Reactive[RunSettings],
    model: solara.Reactive,
    new_run: callable,
):
    current = settings.value
    error = solara.use_reactive("")

    def pick(name: str) -> None:
        fresh = RunSettings(name, current.seed)
        settings.set(fresh)
        new_run(fresh)

    def set_seed(value) -> None:
        try:
            seed = int(value)
            if seed < 0:
                raise ValueError
        except (TypeError, ValueError):
            error.set(str(ParameterError("seed", value, "an integer >= 0")))
            return
        error.set("")
        settings.set(settings.value.with_seed(seed))

    with solara.Card("Scenario", classes=["abm-scenario-panel"]):
        solara.Select(
            label="Scenario",
            value=current.scenario,
            values=spec.scenario_names(),
            on_value=pick,
        )
        solara.Text(spec.describe(current.scenario), style={"font-size": "0.8em"})
        for control in spec.controls:
            ControlInput(spec, control, settings)
        solara.InputInt(label="Seed", value=current.seed, on_value=set_seed)
        if error.value:
            solara.Error(error.value)
        run_settings = getattr(model.value, "dashboard_settings", None)
        if run_settings is not None and not spec.same_run(run_settings, current):
            solara.Warning("Controls changed: press Reset to start a run with them.")


def format_value(value: float, step: float) -> str:
    """A control's value as its slider moves in steps: 60,000 troops, 0.35, 0.004."""
    if step >= 1:
        return f"{value:,.0f}"
    return f"{value:.3g}"


@solara.component
def ControlInput(spec: ModelSpec, control: Control, settings: solara.Reactive[RunSettings]):
    """One control; a slider's label and value sit above it so the slider gets full width."""
    current = settings.value
    value = spec.control_value(control, current)

    def change(v) -> None:
        settings.set(settings.value.with_override(control.param, v))

    with solara.Column(gap="0px", classes=[f"abm-control-{control.param}"]):
        if spec.is_checkbox(control):
            solara.Checkbox(label=control.label, value=bool(value), on_value=change)
        else:
            low, high, step = spec.slider_range(control)
            low, high = min(low, value), max(high, value)  # a scenario may sit outside
            solara.Text(
                f"{control.label}: {format_value(value, step)}", style={"font-size": "0.85em"}
            )
            if spec.params[control.param].kind == "int":
                solara.SliderInt(
                    "",
                    value=int(value),
                    min=int(low),
                    max=int(high),
                    step=max(1, int(step)),
                    on_value=change,
                )
            else:
                solara.SliderFloat(
                    "", value=float(value), min=low, max=high, step=step, on_value=change
                )
        note = spec.control_note(control, current)
        if note:
            solara.Text(note, style={"font-size": "0.75em", "color": "#666"})
