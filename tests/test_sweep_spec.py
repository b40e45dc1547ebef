"""Sweep specs: TOML and Python forms agree, and bad input is refused before anything runs,
with an error naming the field, the value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from abm.errors import ParameterError
from abm.sweep import Design, SweepSpec, Vary, load_spec, run_sweep

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"

TOML = """
name = "demo"
model = "epstein"
scenario = "run2"
steps = 10
replicates = 2
seed = 3
keep_series = ["active"]

[fixed]
width = 12
height = 12
vision = 3
cop_vision = 3

[vary]
legitimacy = { range = [0.6, 0.9], num = 4 }
jail_draw = { values = ["uniform", "fixed"] }

[design]
kind = "grid"
"""


def test_toml_and_python_forms_give_the_same_canonical_spec(tmp_path):
    path = tmp_path / "demo.toml"
    path.write_text(TOML)
    from_toml = load_spec(path)
    from_python = SweepSpec(
        model="epstein",
        name="demo",
        scenario="run2",
        steps=10,
        replicates=2,
        seed=3,
        keep_series=["active"],
        fixed={"width": 12, "height": 12, "vision": 3, "cop_vision": 3},
        vary={
            "legitimacy": Vary(range=(0.6, 0.9), num=4),
            "jail_draw": Vary(values=("uniform", "fixed")),
        },
        design=Design("grid"),
    ).validated()
    assert from_toml.to_dict() == from_python.to_dict()
    # the canonical form reads back to itself (what a resumed sweep compares)
    assert SweepSpec.from_dict(from_toml.to_dict()).to_dict() == from_toml.to_dict()
    assert from_toml.design.seed is None  # a grid has no sampler seed


def test_sampled_design_seed_defaults_to_root_seed(epstein_sweep):
    spec = SweepSpec.from_dict(
        epstein_sweep(seed=11, design={"kind": "lhs", "n": 4}, vary={"k": {"range": [1, 3]}})
    )
    assert spec.design.seed == 11
    assert spec.vary["k"].range == (1.0, 3.0)


@pytest.mark.parametrize("example", sorted(EXPERIMENTS.glob("sweep_*.toml")), ids=lambda p: p.name)
def test_example_specs_in_experiments_validate(example):
    spec = load_spec(example)
    assert spec.replicates >= 1


@pytest.mark.parametrize(
    ("over", "field", "allowed"),
    [
        ({"model": "nosuch"}, "model", "epstein"),
        ({"model": None}, "model", "a catalogued model: one of belarus, epstein"),
        ({"scenario": "run9"}, "scenario", "run2"),
        ({"replicates": 0}, "replicates", "in [1, 100,000]"),
        ({"steps": -1}, "steps", "in [0, 100,000]"),
        ({"seed": -5}, "seed", "in [0, 9,223,372,036,854,775,807]"),
        ({"seed": 1.5}, "seed", "integer"),
        ({"colour": "red"}, "colour", "a spec field"),
        ({"keep_series": "some"}, "keep_series", '"all"'),
        ({"fixed": {"legitimcy": 0.5}}, "legitimcy", "did you mean legitimacy"),
        ({"fixed": {"width": 2}}, "width", "[3, 20000]"),
        ({"vary": {"legitimacy": {"range": [0.5, 1.5], "num": 3}}}, "legitimacy", "[0, 1]"),
        (
            {"vary": {"legitimacy": {"range": [0.9, 0.5], "num": 3}}},
            "vary.legitimacy.range",
            "low < high",
        ),
        ({"vary": {"legitimacy": {"range": [0.5, 0.9]}}}, "vary.legitimacy.num", "grid levels"),
        ({"vary": {"legitimacy": {"values": []}}}, "vary.legitimacy.values", "non-empty"),
        ({"vary": {"legitimacy": {"values": [0.5, 0.5]}}}, "vary.legitimacy.values", "distinct"),
        (
            {"vary": {"legitimacy": {"values": [0.5], "range": [0, 1]}}},
            "vary.legitimacy",
            "exactly one",
        ),
        (
            {"vary": {"legitimacy": {"steps": [1]}}},
            "vary.legitimacy.steps",
            "values, range, num or scale",
        ),
        ({"vary": {"jail_draw": {"values": ["uniform", "random"]}}}, "jail_draw", "one of uniform"),
        (
            {"vary": {"jail_draw": {"range": [0, 1], "num": 2}}},
            "vary.jail_draw.range",
            "value list",
        ),
        (
            {"vary": {"max_jail_term": {"range": [10, 12], "num": 5}}},
            "vary.max_jail_term.num",
            "at most 3",
        ),
        ({"vary": {"vision": {"values": [2]}}}, "vary.vision", "not also in [fixed]"),
        ({"vary": {"nosuch": {"values": [1]}}}, "nosuch", "a known parameter"),
        ({"design": {"kind": "random"}}, "design.kind", "grid, lhs, sobol, morris"),
        ({"design": {"kind": "lhs"}}, "design.n", "sample size"),
        ({"design": {"kind": "grid", "n": 4}}, "design.n", "no n for a grid"),
        ({"design": {"kind": "sobol", "n": 12}}, "design.n", "power of 2"),
        ({"design": {"kind": "morris", "n": 4, "levels": 3}}, "design.levels", "even"),
        ({"design": {"kind": "lhs", "n": 4, "size": 2}}, "design.size", "kind, n"),
        (
            {"design": {"kind": "lhs", "n": 4}, "vary": {"k": {"range": [1, 3], "num": 3}}},
            "vary.k.num",
            "no num in a lhs design",
        ),
        ({"design": {"kind": "lhs", "n": 4}, "vary": {}}, "vary", "at least one"),
        ({"imports": ["no_such_module_xyz"]}, "imports", "importable"),
    ],
)
def test_bad_spec_is_refused_naming_field_and_allowed(epstein_sweep, over, field, allowed):
    with pytest.raises(ParameterError) as err:
        SweepSpec.from_dict(epstein_sweep(**over))
    assert err.value.field == field
    assert allowed in err.value.allowed


def test_bad_spec_leaves_no_folder_behind(epstein_sweep, tmp_path):
    out = tmp_path / "never"
    with pytest.raises(ParameterError):
        run_sweep(epstein_sweep(fixed={"width": -1}), out, workers=1, progress=False)
    assert not out.exists()


def test_unknown_kept_series_is_caught_by_the_probe_before_any_run(epstein_sweep, tmp_path):
    out = tmp_path / "never"
    with pytest.raises(ParameterError) as err:
        run_sweep(epstein_sweep(keep_series=["actives"]), out, workers=1, progress=False)
    assert err.value.field == "keep_series"
    assert "active" in err.value.allowed
    assert not out.exists()


def test_missing_and_malformed_spec_files(tmp_path):
    with pytest.raises(ParameterError) as err:
        load_spec(tmp_path / "absent.toml")
    assert err.value.field == "SPEC"
    bad = tmp_path / "bad.toml"
    bad.write_text("model = \n")
    with pytest.raises(ParameterError) as err:
        load_spec(bad)
    assert "valid TOML" in err.value.allowed


@pytest.mark.parametrize(
    ("option", "field"),
    [
        ({"workers": 0}, "--workers"),
        ({"executor": "cloud"}, "--executor"),
        ({"scheduler": "tcp://127.0.0.1:1"}, "--scheduler"),
        ({"batch_size": 0}, "--batch-size"),
    ],
)
def test_bad_execution_options_are_refused_before_anything_is_created(
    epstein_sweep, tmp_path, option, field
):
    out = tmp_path / "never"
    with pytest.raises(ParameterError) as err:
        run_sweep(epstein_sweep(), out, progress=False, **option)
    assert err.value.field == field
    assert not out.exists()
