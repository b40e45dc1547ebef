"""Belarus parameters and scenarios: every value validated, every mechanism switchable."""

from __future__ import annotations

import pytest

from abm.belarus.params import BELARUS_PARAMS, EXTENSIONS, MECHANISMS, epstein_equivalent
from abm.belarus.scenarios import get_scenario, scenario_names
from abm.errors import ParameterError
from abm.params import markdown_table

BRIEF_SCENARIOS = {
    "baseline",
    "rising_desperation",
    "forced_intervention",
    "ukrainian_breakthrough",
    "no_nato_excuse",
    "deep_penetration",
}


def test_every_brief_mechanism_and_extension_has_a_boolean_switch_on_by_default():
    assert len(MECHANISMS) == 8
    for name in (*MECHANISMS, *EXTENSIONS):
        assert BELARUS_PARAMS[name].kind == "bool"
        assert BELARUS_PARAMS[name].default is True


def test_every_parameter_documents_meaning_and_source_and_its_default_validates():
    for p in BELARUS_PARAMS:
        assert p.meaning and p.source, p.name
        p.coerce(p.default)
    table = markdown_table(BELARUS_PARAMS)
    assert all(f"`{p.name}`" in table for p in BELARUS_PARAMS)


def test_the_brief_scenarios_exist_baseline_first_and_resolve():
    names = scenario_names()
    assert set(names) >= BRIEF_SCENARIOS and names[0] == "baseline"
    for name in names:
        sc = get_scenario(name)
        assert sc.description and sc.steps > 0
        BELARUS_PARAMS.resolve(sc.params)
    assert get_scenario("forced_intervention").params["forced_intervention_week"] >= 0
    assert get_scenario("no_nato_excuse").params["mech_nato_excuse"] is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("no_such_parameter", 1),
        ("sanctions", 1.5),  # out of [0, 1]
        ("sanctions", "linear:0.5,2,0,10"),  # a schedule leaving the range
        ("n_army_units", 2.5),  # not an integer
        ("mech_revolt", "maybe"),  # not a boolean
        ("vision_shape", "hexagon"),  # not a choice
    ],
)
def test_bad_input_is_refused_naming_the_parameter(name, value):
    with pytest.raises(ParameterError) as err:
        BELARUS_PARAMS.resolve({name: value})
    assert err.value.field == name
    assert name in str(err.value)


def test_unknown_scenario_is_refused_with_the_known_names():
    with pytest.raises(ParameterError, match="baseline"):
        get_scenario("nope")


def test_epstein_equivalent_switches_everything_off():
    p = BELARUS_PARAMS.resolve(epstein_equivalent())
    assert not any(p[name] for name in (*MECHANISMS, *EXTENSIONS))


@pytest.mark.parametrize("name", ["uprising_share", "containment_ratio"])
def test_a_zero_uprising_threshold_is_refused_before_any_work(name):
    """At 0 either parameter makes the uprising threshold 0: every week, even one with nobody
    protesting, would count as an uprising. Validation must refuse it, naming the field."""
    with pytest.raises(ParameterError) as err:
        BELARUS_PARAMS.resolve({name: 0.0})
    assert err.value.field == name
    assert BELARUS_PARAMS.resolve({name: 0.5})[name] == 0.5  # positive values still pass
