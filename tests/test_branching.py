"""Scenario trees (abm.branching, `abm branch`): a branch replays its trunk's seed and
equals it at every step before the branch point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.branching import branch_params, branch_run, branch_schedule
from abm.cli import main
from abm.errors import ParameterError
from abm.schedule import Schedule

TRUNKS = [
    "0.5",
    "step:0.2,0.8,6",
    "linear:0.0,1.0,3,9",
    "piecewise:0.0@0.0,0.25@1.0,0.1@7.0",
]


@settings(max_examples=60, deadline=None)
@given(
    trunk=st.sampled_from(TRUNKS),
    at=st.integers(1, 15),
    value=st.floats(-5, 5, allow_nan=False),
)
def test_a_branched_schedule_is_the_trunk_before_the_branch_and_the_value_after(trunk, at, value):
    branched = Schedule.parse(branch_schedule(trunk, value, at))
    original = Schedule.parse(trunk)
    assert all(branched.at(t) == original.at(t) for t in range(at))
    assert all(branched.at(t) == pytest.approx(value) for t in range(at, at + 20))


def test_the_branch_equals_its_trunk_before_the_branch_point_and_then_differs():
    """The history scenario (its inputs are dated schedules), changed from step 60 on."""
    params = {"scenario": "history", "n_citizens": 1000}
    b = branch_run("belarus", params, {"war_trajectory": 1.0, "sanctions": 0.0}, 60, 2, 80)
    trunk, branch = b.trunk.series, b.branch.series
    assert trunk.iloc[:60].equals(branch.iloc[:60])
    assert b.diverged_at is not None and b.diverged_at >= 60
    assert not trunk.iloc[60:].equals(branch.iloc[60:])  # the inputs do reach the model


def test_only_inputs_that_change_during_a_run_can_be_branched():
    with pytest.raises(ParameterError, match="a schedule"):
        branch_params("belarus", {"threshold": 0.1}, {"threshold": 0.2}, 5)
    with pytest.raises(ParameterError, match="step >= 1"):
        branch_params("belarus", {"war_trajectory": 0.5}, {"war_trajectory": 1.0}, 0)
    with pytest.raises(ParameterError, match="a number"):
        branch_params("belarus", {"war_trajectory": 0.5}, {"war_trajectory": "fast"}, 3)


def test_abm_branch_writes_the_tree_over_seeds(tmp_path, capsys):
    out = tmp_path / "tree"
    argv = ["branch", "--at", "8", "--set", "war_trajectory=1.0", "--seeds", "3"]
    argv += ["--steps", "20", "--param", "n_citizens=500", "--out", str(out)]
    assert main(argv) == 0
    rows = (out / "branches.csv").read_text().splitlines()
    assert rows[0] == "seed,trunk,branch,diverged_at" and len(rows) == 4
    summary = json.loads((out / "summary.json").read_text())
    assert summary["identical_before_at"] is True and summary["at"] == 8
    assert sum(summary["trunk"].values()) == pytest.approx(1.0)
    assert "trunk" in capsys.readouterr().out
    bad = tmp_path / "bad"
    assert main(["branch", "--at", "8", "--set", "threshold=0.2", "--out", str(bad)]) == 2
    assert not bad.exists()


def test_abm_branch_over_the_posterior_draws_each_seed_as_abm_run_does(tmp_path, capsys):
    """A tree over the posterior: seed s's trunk is `abm run --posterior` with seed s."""
    post = str(Path(__file__).resolve().parents[1] / "results" / "posterior" / "fit")
    out = tmp_path / "tree"
    argv = ["branch", "--scenario", "baseline", "--at", "6", "--set", "war_trajectory=1.0"]
    argv += ["--seeds", "2", "--seed", "7", "--steps", "10", "--param", "n_citizens=500"]
    assert main([*argv, "--posterior", post, "--out", str(out)]) == 0
    rows = (out / "branches.csv").read_text().splitlines()
    assert rows[0] == "seed,trunk,branch,diverged_at,particle"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["identical_before_at"] and summary["posterior"]["particles"] == 120
    for line in rows[1:]:
        seed, trunk, _, _, particle = line.split(",")
        run_out = tmp_path / f"run{seed}"
        run = ["run", "--scenario", "baseline", "--seed", seed, "--steps", "10"]
        run += ["--set", "n_citizens=500", "--posterior", post, "--out", str(run_out)]
        assert main(run) == 0
        single = json.loads((run_out / "summary.json").read_text())
        assert single["posterior"]["particle"] == int(particle)
        assert single["final_class"] == trunk
    capsys.readouterr()
    bad = main([*argv, "--posterior", str(tmp_path / "none"), "--out", str(tmp_path / "x")])
    assert bad == 2 and "--posterior" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
