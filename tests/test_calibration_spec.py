"""A bad calibration spec is refused before any work, naming the field and the value
(issue 13); a run that raises is recorded in failures.jsonl, not fatal."""

from __future__ import annotations

import json
from pathlib import Path

import calibration_toy as toy
import pandas as pd
import pytest

from abm.calibration.abc import calibrate
from abm.calibration.spec import CalibrationSpec, read_spec
from abm.cli import main
from abm.errors import ParameterError

BELARUS_SPEC = Path(__file__).resolve().parents[1] / "experiments" / "calibration.toml"


def with_(**changes):
    d = toy.spec()
    abc = changes.pop("abc", {})
    d.update(changes)
    d["abc"] = {**d["abc"], **abc}
    return d


BAD = [
    ({"colour": "red"}, "colour", "red"),
    ({"model": "no_such_model"}, "model", "no_such_model"),
    ({"estimate": ["nu"]}, "estimate", "nu"),
    ({"estimate": ["boom"]}, "estimate", "boom"),  # a parameter without a prior
    ({"estimate": ["mu"] * 2}, "estimate", ["mu", "mu"]),
    ({"estimate": [f"p{i}" for i in range(9)]}, "estimate", [f"p{i}" for i in range(9)]),
    ({"estimate": []}, "estimate", []),
    ({"bounds": {"mu": [-5.0, 1.0]}}, "bounds.mu", [-5.0, 1.0]),  # outside the prior
    ({"bounds": {"mu": [2.0, 1.0]}}, "bounds.mu", [2.0, 1.0]),  # low >= high
    ({"bounds": {"junk": [0.1, 0.2]}}, "bounds.junk", [0.1, 0.2]),  # not estimated
    ({"fixed": {"nu": 1}}, "fixed.nu", 1),
    ({"fixed": {"junk": 7.0}}, "fixed.junk", 7.0),  # the ParamSet refuses it
    ({"fixed": {"mu": 1.0}}, "fixed.mu", 1.0),  # also estimated
    ({"period": "empty"}, "period", "empty"),  # no statistics
    ({"period": "ancient"}, "period", "ancient"),
    ({"nuisance": "fixed"}, "nuisance", "fixed"),
    ({"seed": -1}, "seed", -1),
    ({"abc": {"population": 0}}, "abc.population", 0),
    ({"abc": {"generations": 0}}, "abc.generations", 0),
    ({"abc": {"max_simulations": 0}}, "abc.max_simulations", 0),
    ({"abc": {"p": 0}}, "abc.p", 0),
    ({"abc": {"quantile": 1.0}}, "abc.quantile", 1.0),
    ({"abc": {"quantile": 0}}, "abc.quantile", 0),
    ({"abc": {"min_epsilon": -0.1}}, "abc.min_epsilon", -0.1),
    ({"abc": {"workers": 0}}, "abc.workers", 0),
    ({"abc": {"tolerance": 1}}, "abc.tolerance", 1),
]


@pytest.mark.parametrize(("change", "field", "value"), BAD, ids=[b[1] for b in BAD])
def test_bad_spec_names_field_and_value(change, field, value, tmp_path):
    with pytest.raises(ParameterError) as err:
        calibrate(with_(**change), tmp_path / "out")
    assert err.value.field == field
    assert err.value.value == value
    assert not (tmp_path / "out").exists()


def test_good_spec_round_trips():
    spec = CalibrationSpec.from_dict(with_(bounds={"mu": [-1, 3]}, fixed={"boom": 50}))
    assert CalibrationSpec.from_dict(spec.to_dict()) == spec
    assert spec.priors()[0].low == -1 and spec.abc.population == 200


def test_the_belarus_spec_is_valid():
    spec = read_spec(BELARUS_SPEC)
    assert spec.model == "belarus" and spec.period == "fit" and 1 <= len(spec.estimate) <= 8
    assert spec.fixed == {"n_citizens": 10000}
    assert spec.target().steps == 113


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"hard": ["army_defections", "nonsense"]}, "hard", "nonsense"),
        ({"exclude": ["typo"]}, "exclude", "typo"),
        ({"hard": ["detentions_cumulative"]}, "hard", ["detentions_cumulative"]),  # not 0/1
    ],
)
def test_belarus_hard_and_exclude_are_checked(change, field, value):
    import tomllib

    with open(BELARUS_SPEC, "rb") as f:
        data = tomllib.load(f)
    with pytest.raises(ParameterError) as err:
        CalibrationSpec.from_dict({**data, **change})
    assert (err.value.field, err.value.value) == (field, value)


def test_cli_refuses_a_bad_spec_before_writing(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('model = "calibration_toy"\nimports = ["calibration_toy"]\nestimate = ["nu"]\n')
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "'estimate'" in err and "'nu'" in err
    assert not (tmp_path / "out").exists()
    assert main(["calibrate", str(tmp_path / "none.toml"), "--out", str(tmp_path / "out")]) == 2


def test_a_raising_run_is_recorded_not_fatal(tmp_path):
    # runs with mu > 2 raise: recorded with theta, seed and error; distance inf, never
    # accepted; the calibration completes on the others
    spec = with_(fixed={"boom": 2.0}, abc={"population": 60, "generations": 2})
    out = calibrate(spec, tmp_path / "post", progress=False)
    lines = (out / "failures.jsonl").read_text().splitlines()
    assert lines
    rec = json.loads(lines[0])
    assert rec["theta"]["mu"] > 2.0 and "boom" in rec["error"] and rec["seed"] >= 0
    assert rec["seed"] == CalibrationSpec.from_dict(spec).seed_for(rec["theta"])
    df = pd.read_parquet(out / "posterior.parquet")
    assert len(df) == 60 and (df["mu"] <= 2.0).all()
    assert df["distance"].map(float).lt(float("inf")).all()


def test_the_simulation_budget_is_a_hard_cap(tmp_path):
    # generation 0 takes 100 runs (every toy run has a finite distance); generation 1 needs
    # ~200 at quantile 0.5 and only 150 are left: it is abandoned, generation 0 is the answer
    spec = with_(abc={"population": 100, "generations": 5, "max_simulations": 250})
    out = calibrate(spec, tmp_path / "post", progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["generations"] == 1 and manifest["simulations"] == 100


def test_on_a_dask_cluster(tmp_path):
    from dask.distributed import Client

    # an in-process cluster (threads): the toy model is registered in this process
    with Client(processes=False, n_workers=1, threads_per_worker=2) as client:
        out = calibrate(
            with_(abc={"population": 30, "generations": 2}),
            tmp_path / "post",
            executor="dask",
            scheduler=client,
            progress=False,
        )
    df = pd.read_parquet(out / "posterior.parquet")
    assert len(df) == 30 and df["weight"].sum() == pytest.approx(1.0)
