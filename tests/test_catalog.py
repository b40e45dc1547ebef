"""The model catalogue and the one run path: a model is found in one place, its inputs are
resolved and validated once, and what it declares (outcomes, colours) reaches the sweep's
manifest and the analysis without the analysis importing the model."""

from __future__ import annotations

import pandas as pd
import pytest

from abm import catalog
from abm.contract import Outcome, RunResult
from abm.errors import ParameterError
from abm.params import Param, ParamSet, Values
from abm.runner import execute, prepare, run

TOY = "catalog_test_toy"
TOY_OUTCOMES = (
    Outcome("calm", 0, "nothing happened", "#777777"),
    Outcome("spark", 1, "x crossed 5", "#AA0000"),
)


def run_toy(setup, seed):
    x = setup.params["x"]
    summary = {"final_class": "spark" if x > 5 else "calm", "week_spark": 1 if x > 5 else None}
    series = pd.DataFrame({"step": range(setup.steps + 1), "x": [x] * (setup.steps + 1)})
    return RunResult(TOY, dict(setup.params), seed, setup.steps, summary, series)


catalog.register(
    catalog.Entry(
        TOY,
        "catalogue test toy",
        ParamSet([Param("x", 0, "int", "toy input", low=0, high=9)]),
        run_toy,
        default_steps=2,
        outcomes_ref=TOY_OUTCOMES,
    )
)


def test_prepare_merges_scenario_then_overrides_and_validates_once():
    setup = prepare("epstein", {"scenario": "run1", "legitimacy": 0.5})
    assert setup.scenario == "run1" and setup.steps == catalog.get("epstein").scenario("run1").steps
    assert setup.params["vision"] == 1.7  # run1's own value
    assert setup.params["legitimacy"].at(0) == 0.5  # the override wins
    assert isinstance(setup.params, Values)
    assert catalog.get("epstein").params.is_resolved(setup.params)
    belarus = prepare("belarus", {}, 3)
    assert belarus.scenario == "baseline" and belarus.steps == 3  # the default scenario


@pytest.mark.parametrize(
    "model,params,steps,field",
    [
        ("no_such_model", {}, None, "model"),
        ("epstein", {"scenario": "run9"}, None, "scenario"),
        ("epstein", {"legitimacy": 2}, None, "legitimacy"),
        ("belarus", {}, -1, "steps"),
        (TOY, {"scenario": "any"}, None, "scenario"),  # a model without scenarios
    ],
)
def test_bad_input_is_refused_before_any_run_naming_the_field(model, params, steps, field):
    with pytest.raises(ParameterError) as err:
        prepare(model, params, steps)
    assert err.value.field == field


def test_a_model_takes_resolved_values_without_validating_them_again(monkeypatch):
    from abm.engine.params import EPSTEIN_PARAMS

    setup = prepare("epstein", {"scenario": "run1", "width": 20, "height": 20}, 3)

    def refuse(*layers):
        raise AssertionError("validated twice")

    monkeypatch.setattr(EPSTEIN_PARAMS, "resolve", refuse)
    a, b = execute(setup, 4), execute(setup, 4)
    assert a.series.equals(b.series) and a.steps == 3


def test_a_model_registered_outside_the_package_runs_through_the_same_path():
    r = run(TOY, {"x": 7}, seed=1)
    assert r.steps == 2 and r.summary["final_class"] == "spark"
    assert TOY in catalog.names()


def test_a_built_in_model_cannot_be_replaced():
    with pytest.raises(ValueError, match="built-in"):
        catalog.register(catalog.Entry("belarus", "impostor", ParamSet([]), run_toy))


def test_declared_outcomes_are_ranked_and_coloured_once():
    from abm.belarus import outcomes

    declared = catalog.get("belarus").outcomes
    assert [o.rank for o in declared] == sorted(o.rank for o in declared)
    assert {o.name for o in declared} == {outcomes.STATUS_QUO, *outcomes.OUTCOMES}
    assert len({o.colour for o in declared}) == len(declared)  # told apart on every figure
    assert {o.name: o.rank for o in declared} == outcomes.RANK


def test_the_sweep_manifest_carries_the_declared_outcomes_to_the_analysis(tmp_path):
    from abm.analysis import swept_model
    from abm.analysis.load import load
    from abm.sweep import SweepSpec, Vary, run_sweep

    spec = SweepSpec(model=TOY, vary={"x": Vary(values=(2, 8))}, imports=(__name__,))
    run_sweep(spec, tmp_path / "toy", workers=1, progress=False)
    results = load(tmp_path / "toy")
    assert results.manifest["outcomes"] == [o.as_dict() for o in TOY_OUTCOMES]
    assert swept_model.colours(results) == {"calm": "#777777", "spark": "#AA0000"}
    assert swept_model.step_label(results) == "step"
