"""The EMA Workbench connector: a registered model runs under perform_experiments and gives
exactly what abm.runner.run gives for the same parameters and seeds."""

import math

import numpy as np
import pytest

from abm import known_answers
from abm.analysis.ema import ema_model, ema_parameters, model_params, replication_seed
from abm.errors import ParameterError
from abm.runner import run

SMALL = {"width": 15, "height": 15}


def _perform(model, **kwargs):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import SequentialEvaluator, perform_experiments

    with SequentialEvaluator(model) as evaluator:
        return perform_experiments(model, evaluator=evaluator, **kwargs)


def test_epstein_replicator_model_agrees_with_the_runner():
    model = ema_model(
        "epstein",
        ["legitimacy"],
        ["cop_density"],
        ranges={"legitimacy": (0.6, 0.9), "cop_density": (0.02, 0.06)},
        constants=SMALL,
        replications=2,
        steps=15,
        root_seed=7,
    )
    assert {u.name for u in model.uncertainties} == {"legitimacy"}
    assert {lv.name for lv in model.levers} == {"cop_density"}
    experiments, outcomes = _perform(model, scenarios=2, policies=1)
    assert len(experiments) == 2
    assert set(outcomes) >= {"peak_active_share", "final_jailed_share"}
    for i, row in experiments.iterrows():
        params = {"legitimacy": row["legitimacy"], "cop_density": row["cop_density"], **SMALL}
        direct = [
            run("epstein", params, replication_seed(7, r), 15).summary["peak_active_share"]
            for r in range(2)
        ]
        assert outcomes["peak_active_share"][i] == pytest.approx(np.mean(direct), abs=0)


def test_outcome_indicators_become_probabilities_over_replications():
    """The toy model's outcome 'ejection' has P = 0.02; 'uprising' P = 0.9 when a > 0.6."""
    model = ema_model("toy_outcomes", ["a"], ranges={"a": (0.7, 1.0)}, replications=20, root_seed=1)
    names = {o.name for o in model.outcomes}
    assert {"uprising", "mutiny", "ejection", "week_uprising", "score"} <= names
    _, outcomes = _perform(model, scenarios=3)
    p = outcomes["uprising"]
    assert ((p >= 0) & (p <= 1)).all()
    assert p.mean() > 0.7  # 0.9 in truth, 60 replications in all
    assert np.all((outcomes["week_uprising"] >= 1) & (outcomes["week_uprising"] <= 52))


def test_single_run_model_uses_the_root_seed():
    model = ema_model("toy_outcomes", ["b"], replications=None, root_seed=11, steps=10)
    experiments, outcomes = _perform(model, scenarios=2)
    for i, row in experiments.iterrows():
        direct = run("toy_outcomes", {"b": row["b"]}, 11, 10).summary
        assert outcomes["mutiny"][i] == (0.0 if direct["week_mutiny"] is None else 1.0)
        assert outcomes["score"][i] == direct["score"]


def test_unknown_or_out_of_range_parameters_are_refused_before_running():
    params = model_params("epstein")
    with pytest.raises(ParameterError, match="legitimcy.*did you mean legitimacy"):
        ema_parameters(params, ["legitimcy"])
    with pytest.raises(ParameterError, match="'legitimacy'.*allowed"):
        ema_parameters(params, ["legitimacy"], {"legitimacy": (0.5, 1.5)})
    with pytest.raises(ParameterError, match="low < high"):
        ema_parameters(params, ["k"], {"k": (3.0, 1.0)})
    with pytest.raises(ParameterError, match="each name once"):
        ema_model("epstein", ["k"], ["k"])
    with pytest.raises(ParameterError, match="'model'"):
        ema_model("no_such_model", ["k"])


def test_parameter_kinds_map_to_ema_parameters():
    params = model_params("epstein")
    made = {
        p.name: type(p).__name__
        for p in ema_parameters(params, ["k", "width", "movement", "arrest_rule"])
    }
    assert made == {
        "k": "RealParameter",
        "width": "IntegerParameter",
        "movement": "BooleanParameter",
        "arrest_rule": "CategoricalParameter",
    }


def test_replication_seeds_are_distinct_and_stable():
    seeds = [replication_seed(0, r) for r in range(50)]
    assert len(set(seeds)) == 50
    assert seeds == [replication_seed(0, r) for r in range(50)]
    assert not math.isnan(float(seeds[0]))
    assert known_answers.TOY_PARAMS["a"].unit == "share"


def test_belarus_connector_runs_a_tiny_experiment_and_matches_the_runner():
    from abm import catalog
    from abm.analysis.ema import catalogued_model

    entry = catalog.get("belarus")
    small = {"n_citizens": 1000}
    model = catalogued_model("belarus", replications=2, steps=8, constants=small, root_seed=3)
    assert [u.name for u in model.uncertainties] == list(entry.uncertainties)
    assert [lv.name for lv in model.levers] == list(entry.levers)
    strength = next(u for u in model.uncertainties if u.name == "ukraine_strength")
    assert (strength.lower_bound, strength.upper_bound) == (30000.0, 120000.0)  # half, double
    names = {o.name for o in model.outcomes}
    assert {"intervention", "mutiny", "uprising", "substitution", "russian_intervention"} <= names
    experiments, outcomes = _perform(model, scenarios=2, policies=1)
    assert len(experiments) == 2
    for name in ("intervention", "uprising", "ejection"):
        assert ((outcomes[name] >= 0) & (outcomes[name] <= 1)).all()
    row = experiments.iloc[0]
    params = {"scenario": "baseline", **small}
    params.update({n: row[n] for n in [*entry.uncertainties, *entry.levers]})
    direct = [run("belarus", params, replication_seed(3, r), 8).summary for r in range(2)]
    assert outcomes["mean_support_level"][0] == pytest.approx(
        np.mean([d["mean_support_level"] for d in direct]), abs=0
    )


def test_belarus_connector_refuses_unknown_names_and_scenarios():
    from abm.analysis.ema import catalogued_model

    with pytest.raises(ParameterError, match="war_trajectry"):
        catalogued_model("belarus", ["war_trajectry"])
    with pytest.raises(ParameterError, match="scenario"):
        catalogued_model("belarus", scenario="no_such_scenario")
    with pytest.raises(ParameterError, match="model"):
        catalogued_model("no_such_model")
