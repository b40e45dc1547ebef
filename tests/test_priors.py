"""Prior files: checked whole against a model's parameters, and sampled where they say."""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm.errors import ParameterError
from abm.params import Param, ParamSet
from abm.priors import defaults_outside, parse_priors, prior_table, read_priors

PARAMS = ParamSet(
    [
        Param("rate", 1e-3, "float", "a hazard", "1/week", 0.0, 1.0, source="x"),
        Param("share", 0.5, "float", "a share", "share", 0.0, 1.0, source="x"),
        Param("weeks", 4, "int", "a term", "weeks", 1, 100, source="x"),
        Param("on", True, "bool", "a switch", source="x"),
        Param("shock", 0.0, "schedule", "an input", "[0,1]", 0.0, 1.0, source="x"),
    ]
)


def table(**over):
    base = {"low": 1e-4, "high": 1e-2, "scale": "log", "basis": "source", "source": "Viasna"}
    base.update(over)
    return base


def test_log_prior_is_uniform_in_log10_and_round_trips():
    pri = parse_priors({"rate": table()}, PARAMS)["rate"]
    assert pri.from_unit(0.0) == pytest.approx(1e-4)
    assert pri.from_unit(0.5) == pytest.approx(1e-3)  # the geometric middle
    assert pri.from_unit(1.0) == pytest.approx(1e-2)
    assert pri.to_unit(pri.from_unit(0.3)) == pytest.approx(0.3)


def test_draw_maps_quantile_columns_to_parameter_dicts_and_rounds_integers():
    pri = parse_priors(
        {
            "share": table(low=0.2, high=0.6, scale="linear"),
            "weeks": table(low=1, high=9, scale="linear", basis="assumption"),
        },
        PARAMS,
    )
    rows = pri.draw(np.array([[0.0, 0.0], [0.5, 0.52], [1.0, 1.0]]))
    assert [r["share"] for r in rows] == pytest.approx([0.2, 0.4, 0.6])
    assert [r["weeks"] for r in rows] == [1, 5, 9]
    assert all(isinstance(r["weeks"], int) for r in rows)
    uniform = pri.draw(np.random.default_rng(1).random((4000, 2)))
    assert np.mean([r["share"] for r in uniform]) == pytest.approx(0.4, abs=0.01)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nope": table()}, "[nope]"),
        ({"on": table()}, "[on]"),
        ({"rate": table(low=0.01, high=0.001)}, "rate.low/high"),
        ({"rate": table(high=2.0)}, "rate.low/high"),
        ({"share": table(low=0.0, high=0.5)}, "share.low"),  # log scale needs low > 0
        ({"rate": table(scale="cubic")}, "rate.scale"),
        ({"rate": table(basis="hunch")}, "rate.basis"),
        ({"rate": table(source="  ")}, "rate.source"),
        ({"rate": table(low=math.nan)}, "rate.low"),
        ({"rate": {**table(), "mean": 1}}, "rate.mean"),
        ({"rate": {k: v for k, v in table().items() if k != "basis"}}, "rate.basis"),
        ({}, "priors"),
    ],
)
def test_bad_prior_names_the_field(data, field):
    with pytest.raises(ParameterError) as err:
        parse_priors(data, PARAMS, origin="p.toml")
    assert err.value.field == f"p.toml: {field}"


def test_read_priors_refuses_missing_and_broken_files(tmp_path):
    with pytest.raises(ParameterError, match="an existing TOML file"):
        read_priors(tmp_path / "none.toml", PARAMS)
    bad = tmp_path / "bad.toml"
    bad.write_text("[rate\nlow = 1")
    with pytest.raises(ParameterError, match="TOML"):
        read_priors(bad, PARAMS)


def test_defaults_outside_and_table():
    pri = parse_priors({"rate": table(), "share": table(low=0.6, high=0.9, scale="linear")}, PARAMS)
    assert defaults_outside(pri, PARAMS) == ["share"]
    text = prior_table(pri, PARAMS)
    assert "| `rate` | 1/week | 0.001 | 0.0001 - 0.01 | log | source | Viasna |" in text


def test_the_belarus_priors_load_and_hold_the_defaults_but_the_documented_one():
    from abm import catalog

    entry = catalog.get("belarus")
    priors = entry.priors()
    assert len(priors) >= 20 and all(p.source for p in priors)
    # legitimacy_shock's default (0) is the late-2022 baseline's; the history takes 0.25
    assert defaults_outside(priors, entry.params) == ["legitimacy_shock"]
    assert catalog.get("epstein").priors() is None


def test_a_log_prior_never_lands_above_its_high_end():
    """10 ** log10(high) can exceed high by an ulp, which the parameter's range refuses."""
    from abm.priors import Prior

    p = Prior("detention_share", 0.002, 0.3, "log", "source", "test")
    assert float(p.from_unit(1.0)) <= 0.3
    assert float(p.from_unit(0.0)) >= 0.002
