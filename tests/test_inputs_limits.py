"""Bounds before work: every size a user can ask for has a documented limit, checked before
anything is built or written; a large sweep shows its estimate and needs --yes."""

from __future__ import annotations

import math

import pytest

from abm import limits
from abm.cli import main
from abm.errors import ParameterError
from abm.sweep import SweepSpec
from abm.sweep.estimate import Estimate, estimate
from abm.sweep.spec import design_size

LEG = {"legitimacy": {"range": [0.5, 0.9], "num": 4}}


@pytest.mark.parametrize(
    ("over", "field", "limit"),
    [
        ({"replicates": 1e12}, "replicates", "100,000"),
        ({"steps": 10**9}, "steps", "100,000"),
        ({"seed": 2**63}, "seed", "9,223,372,036,854,775,807"),
        ({"vary": {"legitimacy": {"range": [0, 1], "num": 1e9}}}, "vary.legitimacy.num", "10,000"),
        (
            {"vary": {"legitimacy": {"values": [i / 20_000 for i in range(10_001)]}}},
            "vary.legitimacy.values",
            "10,000",
        ),
        ({"design": {"kind": "lhs", "n": 10**7}, "vary": LEG}, "design.n", "1,000,000"),
        ({"design": {"kind": "lhs", "n": 4, "seed": -1}, "vary": LEG}, "design.seed", "[0, "),
        (
            {"design": {"kind": "morris", "n": 4, "levels": 10**6}, "vary": LEG},
            "design.levels",
            "10,000",
        ),
        (
            # 2**19 base samples x (2 x 2 + 2) rows: every field is fine, the product is not
            {
                "design": {"kind": "sobol", "n": 2**19},
                "vary": {"legitimacy": {"range": [0.5, 0.9]}, "k": {"range": [1, 3]}},
            },
            "design",
            "1,000,000 points",
        ),
        (
            {
                "vary": {
                    "legitimacy": {"range": [0.5, 0.9], "num": 1000},
                    "k": {"range": [1, 3], "num": 1000},
                    "vision": {"range": [1, 3], "num": 3},
                }
            },
            "design",
            "1,000,000 points",
        ),
        (
            {"vary": {"legitimacy": {"range": [0.5, 0.9], "num": 1000}}, "replicates": 10_000},
            "replicates",
            "5,000,000 runs",
        ),
    ],
)
def test_a_spec_beyond_a_limit_is_refused_naming_field_value_and_limit(
    run2_sweep, over, field, limit
):
    with pytest.raises(ParameterError) as err:
        SweepSpec.from_dict(run2_sweep(**over))
    assert err.value.field == field
    assert limit in err.value.allowed


R = {"legitimacy": {"range": [0.5, 0.9]}, "k": {"range": [1.0, 3.0]}, "vision": {"range": [1, 3]}}


@pytest.mark.parametrize(
    ("design", "vary", "points"),
    [
        ({"kind": "grid"}, {}, 1),
        (
            {"kind": "grid"},
            {"k": {"values": [1.0, 2.0, 3.0]}, "legitimacy": {"range": [0.5, 0.9], "num": 4}},
            12,
        ),
        ({"kind": "lhs", "n": 7}, {"k": R["k"]}, 7),
        ({"kind": "sobol", "n": 8}, {"k": R["k"], "legitimacy": R["legitimacy"]}, 8 * 6),
        (
            {"kind": "sobol", "n": 8, "second_order": False},
            {"k": R["k"], "legitimacy": R["legitimacy"]},
            8 * 4,
        ),
        ({"kind": "morris", "n": 5}, R, 5 * 4),
    ],
)
def test_design_size_is_known_from_the_spec_and_matches_the_built_design(
    run2_sweep, design, vary, points
):
    from abm.sweep.design import build_design

    s = SweepSpec.from_dict(run2_sweep(design=design, vary=vary))
    assert design_size(s.design, s.vary) == len(build_design(s)) == points


@pytest.mark.parametrize("workers", ["0", "-3", "10000", str(limits.max_workers() + 1)])
def test_sweep_workers_beyond_the_limit_are_refused_before_anything_is_written(
    tmp_path, capsys, workers
):
    path = tmp_path / "spec.toml"
    path.write_text('model = "epstein"\nscenario = "run2"\nsteps = 2\n')
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", workers]) == 2
    err = capsys.readouterr().err
    assert "'--workers'" in err and workers in err and f"[1, {limits.max_workers()}]" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "field", "limit"),
    [
        (["run", "--steps", "1000000000"], "--steps", "100,000"),
        (["epstein", "--steps", "100001"], "--steps", "100,000"),
        (["epstein", "--steps", "-1"], "--steps", "[0, "),
        (
            ["epstein", "--set", "width=20000", "--set", "height=20000"],
            "width x height",
            "25,000,000",
        ),
        (["run", "--set", "n_citizens=20000000"], "n_citizens", "1.2e+07"),
    ],
)
def test_cli_sizes_beyond_a_limit_are_refused_before_the_model_runs(
    tmp_path, capsys, argv, field, limit
):
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"parameter '{field}'" in err and limit in err
    assert not out.exists()


# ------------------------------------------------------------------- estimate and --yes
BIG = """model = "epstein"
scenario = "run2"
steps = 2
replicates = 1000
[fixed]
width = 12
height = 12
vision = 2
cop_vision = 2
[vary.legitimacy]
range = [0.5, 0.9]
num = 101
"""


def test_a_sweep_above_the_run_threshold_shows_its_estimate_and_needs_yes(tmp_path, capsys):
    path = tmp_path / "big.toml"
    path.write_text(BIG)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert "101 points x 1,000 replicates = 101,000 runs" in captured.out
    assert "memory about" in captured.out and "s a run" in captured.out
    assert "'sweep size'" in captured.err and "101,000 runs > 100,000" in captured.err
    assert "--yes" in captured.err
    assert not out.exists()


def test_yes_starts_a_sweep_above_the_threshold(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(limits, "CONFIRM_RUNS", 4)
    path = tmp_path / "six.toml"
    path.write_text(BIG.replace("replicates = 1000", "replicates = 2").replace("101", "3"))
    out = tmp_path / "out"
    argv = ["sweep", str(path), "--out", str(out), "--workers", "1", "--no-progress"]
    assert main(argv) == 2
    assert "6 runs > 4" in capsys.readouterr().err and not out.exists()
    assert main([*argv, "--yes"]) == 0
    assert "6 done" in capsys.readouterr().out


def test_a_small_sweep_prints_no_estimate_and_needs_no_yes(run2_sweep):
    s = SweepSpec.from_dict(run2_sweep(vary=LEG, replicates=2))
    est = estimate(s, workers=2)
    assert est.runs == 8 and est.reasons() == [] and not est.is_large()
    assert est.run_s is not None and est.run_s > 0
    assert est.memory_bytes > 2 * 250 * 2**20  # the workers' interpreters at least


@pytest.mark.parametrize(
    ("est", "reason"),
    [
        (Estimate(10, 10, 2, 5 * 2**30, 1.0), "memory"),
        (Estimate(10, 100_000, 1, 2**20, 1.0), "h >"),
        (Estimate(10, 200_000, 1, 2**20, None, "no run could be timed"), "200,000 runs"),
    ],
)
def test_each_threshold_alone_asks_for_yes(est, reason):
    assert any(reason in r for r in est.reasons())
    assert est.is_large()
    assert "estimate:" in est.text()


def test_a_point_that_cannot_run_leaves_the_time_unknown_but_the_counts_exact(run2_sweep):
    # the upper end of cop_density makes citizens + police exceed the grid at that point
    s = SweepSpec.from_dict(run2_sweep(vary={"cop_density": {"range": [0.01, 0.9], "num": 3}}))
    est = estimate(s, workers=1)
    assert est.runs == 3 and est.run_s is None and est.wall_s is None
    assert "cop_density" in est.note and "time unknown" in est.text()


def test_limits_accept_integral_floats_and_refuse_bools_and_nan():
    assert limits.check_replicates("replicates", 1e3) == 1000
    for bad in (True, math.nan, math.inf, 2.5, "3"):
        with pytest.raises(ParameterError):
            limits.check_replicates("replicates", bad)
