"""Every number is finite and in range: NaN and the infinities are refused wherever a value
enters (the Param kit, schedule knots, sweep specs, Epstein presets, the CLI), naming the
parameter, the value and the allowed range; and every JSON output stays standard JSON."""

from __future__ import annotations

import json
import math

import pytest

from abm import jsonout
from abm.cli import main
from abm.engine import presets
from abm.engine.params import EPSTEIN_PARAMS
from abm.errors import ParameterError
from abm.params import Param, ParamSet
from abm.schedule import Schedule
from abm.sweep import SweepSpec

NON_FINITE = ["nan", "NaN", "inf", "-inf", "Infinity", float("nan"), float("inf"), -math.inf]

KIT = ParamSet(
    [
        Param("rate", 0.5, "float", "a bounded rate", low=0.0, high=1.0),
        Param("free", 1.0, "float", "an unbounded number"),
        Param("count", 3, "int", "an unbounded count"),
        Param("level", 0.5, "schedule", "a schedule", low=0.0, high=1.0),
        Param("term", 4, "int_or_inf", "a term that may be for ever", low=0, high=100),
    ]
)


# ------------------------------------------------------------------------------ Param kit
@pytest.mark.parametrize("name", ["rate", "free", "count", "level"])
@pytest.mark.parametrize("value", NON_FINITE)
def test_the_kit_refuses_nan_and_infinities_naming_parameter_value_and_range(name, value):
    with pytest.raises(ParameterError) as err:
        KIT.resolve({name: value})
    assert err.value.field == name
    assert err.value.value is value
    assert KIT[name].allowed() in err.value.allowed


def test_an_unbounded_float_still_refuses_infinity():
    # no high bound used to mean no check at all: inf passed as a plain number
    with pytest.raises(ParameterError, match="'free'.*'inf'.*a finite number"):
        KIT.resolve({"free": "inf"})


@pytest.mark.parametrize("value", ["inf", "Infinity", "+inf", math.inf])
def test_int_or_inf_keeps_its_legitimate_infinity(value):
    assert KIT.resolve({"term": value})["term"] == math.inf


@pytest.mark.parametrize("value", ["-inf", -math.inf, "nan", math.nan, 2.5, "101"])
def test_int_or_inf_refuses_minus_infinity_nan_fractions_and_out_of_range(value):
    with pytest.raises(ParameterError, match="'term'.*an integer or inf in \\[0, 100\\]"):
        KIT.resolve({"term": value})


def test_integer_text_is_read_exactly_not_through_a_float():
    big = ParamSet([Param("n", 1, "int", "a big count", low=0, high=10**30)])
    assert big.resolve({"n": str(10**22 + 1)})["n"] == 10**22 + 1
    assert big.resolve({"n": "1e3"})["n"] == 1000


# ------------------------------------------------------------------------------ schedules
@pytest.mark.parametrize(
    ("text", "knot"),
    [
        ("linear:0.5,nan,0,10", "knot 2 is nan"),
        ("linear:0.5,0.2,nan,10", "knot 3 is nan"),  # a time knot
        ("linear:0.5,0.2,0,inf", "knot 4 is inf"),
        ("step:0.5,1,nan", "knot 3 is nan"),
        ("step:nan,1,4", "knot 1 is nan"),
        ("step:0.5,1,-inf", "knot 3 is -inf"),
        ("nan", "knot 1 is nan"),
    ],
)
def test_every_schedule_knot_must_be_finite(text, knot):
    with pytest.raises(ValueError, match=knot):
        Schedule.parse(text)
    with pytest.raises(ParameterError) as err:
        KIT.resolve({"level": text})
    assert err.value.field == "level" and err.value.value == text
    assert "in [0, 1]" in err.value.allowed and knot in err.value.allowed


def test_a_schedule_built_directly_is_checked_too():
    with pytest.raises(ValueError, match="finite"):
        Schedule("step", (0.5, math.nan, 3.0))
    assert Schedule.parse("step:0.5,1,3").at(3) == 1.0  # finite schedules are untouched


# ------------------------------------------------------------------------------ sweep specs
@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"vary": {"legitimacy": {"values": [0.5, math.nan]}}}, "legitimacy"),
        ({"vary": {"legitimacy": {"values": [0.5, "linear:0.5,nan,0,10"]}}}, "legitimacy"),
        ({"vary": {"k": {"values": [1.0, math.inf]}}}, "k"),
        ({"vary": {"legitimacy": {"range": [math.nan, 0.9], "num": 3}}}, "legitimacy"),
        ({"vary": {"legitimacy": {"range": [0.5, math.nan], "num": 3}}}, "legitimacy"),
        ({"vary": {"k": {"range": [1.0, math.inf], "num": 3}}}, "k"),
        (
            {"vary": {"max_jail_term": {"range": [1, math.inf], "num": 3}}},
            "vary.max_jail_term.range",
        ),
        ({"fixed": {"legitimacy": math.nan}}, "legitimacy"),
        ({"fixed": {"cop_density": "step:0.04,nan,10"}}, "cop_density"),
        ({"fixed": {"vision": -math.inf}}, "vision"),
        ({"replicates": math.nan}, "replicates"),
        ({"steps": math.inf}, "steps"),
        ({"seed": math.nan}, "seed"),
    ],
)
def test_a_spec_with_nan_or_inf_anywhere_is_refused_naming_the_field(run2_sweep, over, field):
    with pytest.raises(ParameterError) as err:
        SweepSpec.from_dict(run2_sweep(**over))
    assert err.value.field == field


def test_a_spec_keeps_inf_jail_terms_as_the_text_inf(run2_sweep):
    s = SweepSpec.from_dict(run2_sweep(vary={"max_jail_term": {"values": [10, math.inf]}}))
    assert s.vary["max_jail_term"].values == (10, "inf")
    json.loads(jsonout.dumps(s.to_dict()))  # standard JSON


# --------------------------------------------------------------------------------- presets
@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"legitimacy": math.nan}, "legitimacy"),
        ({"cop_density": "linear:0.074,nan,50,150"}, "cop_density"),
        ({"k": math.inf}, "k"),
        ({"steps": math.nan}, "preset bad: steps"),
        ({"steps": 10**9}, "preset bad: steps"),
    ],
)
def test_an_epstein_preset_with_a_bad_number_is_refused_by_name(monkeypatch, entry, field):
    table = {"bad": {"description": "a broken preset", **entry}}
    monkeypatch.setattr(presets, "_load", lambda: table)
    with pytest.raises(ParameterError) as err:
        overrides, _, _ = presets.preset("bad")
        EPSTEIN_PARAMS.resolve(overrides)
    assert err.value.field == field


def test_the_shipped_presets_are_finite_and_valid():
    for name in presets.preset_names():
        overrides, steps, _ = presets.preset(name)
        EPSTEIN_PARAMS.resolve(overrides)
        assert steps >= 0


# -------------------------------------------------------------------------------------- CLI
@pytest.mark.parametrize(
    ("argv", "name", "value"),
    [
        (["run", "--set", "sanctions=nan"], "sanctions", "nan"),
        (["run", "--set", "war_trajectory=linear:0.5,nan,0,10"], "war_trajectory", "nan"),
        (["run", "--set", "nato_posture=step:0.5,1,nan"], "nato_posture", "nan"),
        (["run", "--set", "sanctions=inf"], "sanctions", "inf"),
        (["run", "--set", "n_citizens=1e300"], "n_citizens", "1e300"),
        (["epstein", "--set", "legitimacy=nan"], "legitimacy", "nan"),
        (["epstein", "--set", "k=inf"], "k", "inf"),
        (["epstein", "--set", "max_jail_term=-inf"], "max_jail_term", "-inf"),
    ],
)
def test_cli_set_with_nan_inf_or_huge_is_refused_before_anything_is_written(
    tmp_path, capsys, argv, name, value
):
    out = tmp_path / "out"
    assert main([*argv, "--steps", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"parameter '{name}'" in err and value in err and "allowed:" in err
    assert "Traceback" not in err
    assert not out.exists()


# ------------------------------------------------------------------------------------ JSON
def test_json_output_writes_inf_as_text_and_refuses_nan_naming_where():
    assert json.loads(jsonout.dumps({"a": [1.0, math.inf, -math.inf]})) == {
        "a": [1.0, "inf", "-inf"]
    }
    with pytest.raises(ValueError, match=r"NaN at \$\.summary\.x\[1\]"):
        jsonout.dumps({"summary": {"x": (0.0, math.nan)}})


def test_abm_run_summary_is_standard_json_with_an_infinite_jail_term(tmp_path):
    out = tmp_path / "run"
    argv = ["run", "--steps", "2", "--set", "max_jail_term=inf", "--out", str(out)]
    assert main(argv) == 0
    text = (out / "summary.json").read_text()

    def refuse(token: str):
        raise AssertionError(f"non-standard JSON constant {token}")

    doc = json.loads(text, parse_constant=refuse)
    assert doc["params"]["max_jail_term"] == "inf"
