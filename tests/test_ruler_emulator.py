"""The revolt emulator's loader (``actors/revolt_emulator.py``): the contract's file is read,
and a missing or malformed file fails with an error that names what is wrong."""

from __future__ import annotations

import json

import pytest

from abm.belarus.actors.revolt_emulator import (
    FEATURES,
    EmulatorError,
    RevoltEmulator,
    load_emulator,
)

GOOD = {
    "model": "logistic",
    "features": list(FEATURES),
    "intercept": -3.0,
    "coef": [0.4, 1.5, 2.0, 5.0, 3.0],
    "horizon_weeks": 26,
    "provenance": {"command": "x", "commit": "y", "runs": 1, "events": 0, "auc": 0.5},
}


def write(tmp_path, data) -> str:
    path = tmp_path / "emulator.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def test_the_contract_file_loads_and_gives_the_logistic_probability(tmp_path):
    em = load_emulator(write(tmp_path, GOOD))
    assert em.horizon_weeks == 26 and em.provenance["runs"] == 1
    p = em.probability(5, 0.5, 0.3, 0.4, 0.1)
    z = -3.0 + 0.4 * 5 + 1.5 * 0.5 + 2.0 * 0.3 + 5.0 * 0.4 + 3.0 * 0.1
    assert p == pytest.approx(1 / (1 + 2.718281828459045**-z))
    assert em.probability(5, 0.5, 0.3, 0.4, 0.1) > em.probability(3, 0.5, 0.3, 0.0, 0.1)


def test_a_missing_file_says_how_to_regenerate_it(tmp_path):
    with pytest.raises(EmulatorError, match="fit_revolt_emulator"):
        load_emulator(str(tmp_path / "absent.json"))


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("model", "probit", "'model' must be 'logistic'"),
        ("features", ["level"], "'features' must be"),
        ("coef", [1.0, 2.0], "coef has 2 values"),
        ("coef", "many", "'coef' must be a list"),
        ("intercept", "high", "'intercept' must be a number"),
        ("horizon_weeks", 2.5, "'horizon_weeks' must be an integer"),
        ("horizon_weeks", 0, "horizon_weeks must be >= 1"),
    ],
)
def test_a_malformed_file_names_the_field(tmp_path, field, value, message):
    bad = dict(GOOD, **{field: value})
    with pytest.raises(EmulatorError, match=message):
        load_emulator(write(tmp_path, bad))


def test_invalid_json_and_missing_fields_are_reported(tmp_path):
    with pytest.raises(EmulatorError, match="not valid JSON"):
        load_emulator(write(tmp_path, "{not json"))
    incomplete = {k: v for k, v in GOOD.items() if k != "intercept"}
    with pytest.raises(EmulatorError, match="missing field 'intercept'"):
        load_emulator(write(tmp_path, incomplete))


def test_non_finite_coefficients_are_refused():
    with pytest.raises(EmulatorError, match="finite"):
        RevoltEmulator(float("nan"), (0, 0, 0, 0, 0), 26)
