"""The posterior as an input (issue 13, part 5): the folder format round-trips; draws and
samples are pure functions of the seed and honour the weights; reweighting and summaries;
errors name the problem; ``abm run --posterior`` and a sweep of ``kind = "posterior"``
end to end (the sweep stores the drawn values and resumes)."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from abm.cli import main
from abm.errors import ParameterError
from abm.posterior import (
    STREAM,
    Posterior,
    load_posterior,
    write_posterior,
)
from abm.sweep import SweepSpec, build_design, run_sweep
from abm.sweep.design import param_types
from abm.sweep.driver import plan

#: An Epstein posterior: a schedule parameter drawn as a number, an int_or_inf one.
EPSTEIN = pd.DataFrame(
    {
        "legitimacy": [0.6, 0.7, 0.8, 0.9],
        "threshold": [0.05, 0.1, 0.15, 0.2],
        "max_jail_term": [10.0, 20.0, 30.0, 40.0],  # stored as floats, drawn as ints
        "distance": [0.1, 0.2, 0.3, 0.4],
        "seed": [11, 12, 13, 14],
    }
)
WEIGHTS = [0.5, 0.3, 0.2, 0.0]
SMALL_EPSTEIN = {"width": 12, "height": 12, "vision": 3, "cop_vision": 3}


def manifest(model: str = "epstein", params=("legitimacy", "threshold", "max_jail_term")):
    return {
        "model": model,
        "scenario": None,
        "params": list(params),
        "estimated": list(params),
        "git_commit": "abc1234",
        "epsilons": [float("inf"), 1.5, np.float64(0.7)],
        "simulations": np.int64(400),
    }


@pytest.fixture
def epstein_posterior(tmp_path):
    return write_posterior(tmp_path / "post", EPSTEIN, [5, 3, 2, 0], manifest())


# ------------------------------------------------------------------------------ the format
def test_write_then_load_round_trips_particles_weights_and_manifest(epstein_posterior):
    post = load_posterior(epstein_posterior)
    assert list(post.params.columns) == ["legitimacy", "threshold", "max_jail_term"]
    pd.testing.assert_frame_equal(post.params, EPSTEIN[post.names])
    assert np.allclose(post.weights, WEIGHTS) and post.weights.sum() == pytest.approx(1.0)
    assert list(post.frame["seed"]) == [11, 12, 13, 14]  # extra columns are kept
    stored = json.loads((epstein_posterior / "manifest.json").read_text())
    assert stored["epsilons"] == ["inf", 1.5, 0.7] and stored["simulations"] == 400
    assert post.model == "epstein" and post.manifest["git_commit"] == "abc1234"
    assert not list(epstein_posterior.glob("*.tmp"))  # written under temporary names
    assert post.describe()["git_commit"] == "abc1234"


@pytest.mark.parametrize(
    "particles,weights,meta,expected",
    [
        (EPSTEIN, [1, 2], manifest(), "one weight per particle (4)"),
        (EPSTEIN, [1, -1, 1, 1], manifest(), "finite weights >= 0"),
        (EPSTEIN, [1, np.nan, 1, 1], manifest(), "finite weights >= 0"),
        (EPSTEIN, [0, 0, 0, 0], manifest(), "at least one positive weight"),
        (EPSTEIN.assign(weight=1.0), WEIGHTS, manifest(), "no 'weight' column"),
        (EPSTEIN, WEIGHTS, {"params": ["k"]}, "keys model, params"),
        (EPSTEIN, WEIGHTS, manifest(params=["k"]), "names of particle columns"),
        (EPSTEIN.iloc[:0], [], manifest(), "at least one particle"),
    ],
)
def test_write_refuses_bad_input_naming_it(tmp_path, particles, weights, meta, expected):
    with pytest.raises(ParameterError) as err:
        write_posterior(tmp_path / "p", particles, weights, meta)
    assert expected in err.value.allowed
    assert not (tmp_path / "p" / "posterior.parquet").exists()


def _broken(folder, what):
    if what == "no manifest":
        (folder / "manifest.json").unlink()
    elif what == "no particles":
        (folder / "posterior.parquet").unlink()
    elif what == "no model key":
        m = json.loads((folder / "manifest.json").read_text())
        del m["model"]
        (folder / "manifest.json").write_text(json.dumps(m))
    elif what == "column missing":
        pd.read_parquet(folder / "posterior.parquet").drop(columns="threshold").to_parquet(
            folder / "posterior.parquet"
        )
    elif what == "unknown parameter":
        f = pd.read_parquet(folder / "posterior.parquet").rename(columns={"threshold": "thresh"})
        f.to_parquet(folder / "posterior.parquet")
        m = json.loads((folder / "manifest.json").read_text())
        m["params"] = ["legitimacy", "thresh", "max_jail_term"]
        (folder / "manifest.json").write_text(json.dumps(m))
    elif what == "out of range":
        f = pd.read_parquet(folder / "posterior.parquet")
        f.loc[2, "threshold"] = 7.0
        f.to_parquet(folder / "posterior.parquet")
    elif what == "not an integer":
        pass  # max_jail_term 10.0 etc. are integral; a fraction is rounded, not refused


@pytest.mark.parametrize(
    "what,expected",
    [
        ("no manifest", "missing: manifest.json"),
        ("no particles", "missing: posterior.parquet"),
        ("no model key", "key 'model' (missing)"),
        ("column missing", "a column 'threshold' (missing"),
        ("unknown parameter", "'thresh' is not one"),
        ("out of range", "particle 2 has 7.0"),
    ],
)
def test_load_names_the_folder_and_what_is_wrong(epstein_posterior, what, expected):
    _broken(epstein_posterior, what)
    with pytest.raises(ParameterError) as err:
        load_posterior(epstein_posterior, "--posterior")
    assert err.value.field == "--posterior"
    assert str(epstein_posterior) in str(err.value) and expected in str(err.value)


def test_load_refuses_a_missing_folder(tmp_path):
    with pytest.raises(ParameterError, match="no such folder") as err:
        load_posterior(tmp_path / "nothing")
    assert str(tmp_path / "nothing") in str(err.value)


# ------------------------------------------------------------------------------ drawing
def test_draw_is_a_pure_function_of_the_seed_with_python_types(epstein_posterior):
    a, b = load_posterior(epstein_posterior), load_posterior(epstein_posterior)
    draws = [a.draw(s) for s in range(50)]
    assert draws == [b.draw(s) for s in range(50)]
    assert len({tuple(d.values()) for d in draws}) == 3  # the zero-weight particle never
    for d in draws:
        assert type(d["max_jail_term"]) is int and type(d["legitimacy"]) is float
    # its own stream: not what the run's default_rng(seed) would pick first
    assert STREAM != 0 and a.draw_index(0) == a.draw_index(0)


def test_draw_frequencies_follow_the_weights_and_weight_zero_is_never_drawn(epstein_posterior):
    post = load_posterior(epstein_posterior)
    n = 4000
    counts = Counter(post.draw_index(s) for s in range(n))
    assert counts[3] == 0
    for i, w in enumerate(WEIGHTS[:3]):
        sd = np.sqrt(n * w * (1 - w))
        assert abs(counts[i] - n * w) < 4 * sd, (i, counts)


def test_sample_is_systematic_deterministic_and_shuffled(epstein_posterior):
    post = load_posterior(epstein_posterior)
    idx = post.sample_indices(1000, seed=7)
    assert np.array_equal(idx, post.sample_indices(1000, seed=7))
    assert not np.array_equal(idx, post.sample_indices(1000, seed=8))
    counts = np.bincount(idx, minlength=4)
    assert np.all(np.abs(counts - 1000 * np.array(WEIGHTS)) <= 1)  # floor or ceil of n w
    assert counts[3] == 0
    assert not np.all(np.diff(idx) >= 0)  # shuffled, so a prefix is a fair sub-sample
    sample = post.sample(5, seed=7)
    assert sample == post.sample(5, seed=7) and all(len(s) == 3 for s in sample)
    with pytest.raises(ParameterError):
        post.sample(0, seed=1)


def test_reweight_multiplies_by_the_ratio_and_reports_the_ess(epstein_posterior):
    post = load_posterior(epstein_posterior)
    assert post.ess == pytest.approx(1 / (0.25 + 0.09 + 0.04))
    same = post.reweight(np.zeros(4))
    assert np.allclose(same.weights, post.weights)
    # a new prior twice as dense at particle 2, and excluding particle 0
    new = post.reweight([-np.inf, 0.0, np.log(2.0), 1000.0])
    assert np.allclose(new.weights, np.array([0, 0.3, 0.4, 0]) / 0.7)
    assert new.ess == pytest.approx(1 / np.sum(new.weights**2))
    assert all(new.draw_index(s) in (1, 2) for s in range(200))
    assert np.allclose(post.weights, WEIGHTS)  # the original is unchanged
    for bad in ([0.0, 1.0], [np.nan] * 4, [-np.inf, 0, 0, np.inf], [-np.inf, -np.inf, -np.inf, 0]):
        with pytest.raises(ParameterError):
            post.reweight(bad)


def test_summary_and_quantiles_are_weighted(epstein_posterior):
    post = load_posterior(epstein_posterior)
    table = post.summary()
    assert list(table.columns) == ["mean", "sd", "q05", "q50", "q95"]
    assert table.loc["legitimacy", "mean"] == pytest.approx(0.5 * 0.6 + 0.3 * 0.7 + 0.2 * 0.8)
    mean = table.loc["threshold", "mean"]
    var = sum(w * (x - mean) ** 2 for w, x in zip(WEIGHTS, EPSTEIN.threshold, strict=True))
    assert table.loc["threshold", "sd"] == pytest.approx(np.sqrt(var))
    # the weighted CDF of legitimacy: 0.5 at 0.6, 0.8 at 0.7, 1.0 at 0.8 (0.9 has weight 0)
    q = post.quantiles([0.05, 0.5, 0.6, 0.95, 1.0])
    assert list(q["legitimacy"]) == [0.6, 0.6, 0.7, 0.8, 0.8]
    assert table.loc["legitimacy", "q95"] == 0.8


# ------------------------------------------------------------------------------ abm run
BELARUS = pd.DataFrame(
    {
        "legitimacy_shock": [0.2, 0.3],
        "threshold": [0.1, 0.2],
        "ukraine_strength": [70000.0, 90000.0],
    }
)


@pytest.fixture
def belarus_posterior(tmp_path):
    meta = manifest("belarus", BELARUS.columns)
    meta["scenario"], meta["fixed"] = "history", {"n_citizens": 10000}
    return write_posterior(tmp_path / "bel", BELARUS, [0.0, 1.0], meta)


def test_abm_run_with_a_posterior_records_the_draw(belarus_posterior, tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["run", "--posterior", str(belarus_posterior), "--seed", "3", "--steps", "3"]
    argv += ["--set", "n_citizens=400", "--set", "threshold=0.05", "--out", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert f"posterior {belarus_posterior} (git_commit abc1234" in text
    assert "particle 1" in text and "overridden by --set: threshold" in text
    assert "fitted with n_citizens=10000 (this run: 400)" in text
    summary = json.loads((out / "summary.json").read_text())
    post = summary["posterior"]
    assert post["path"] == str(belarus_posterior) and post["git_commit"] == "abc1234"
    assert post["particle"] == 1 and post["drawn"]["legitimacy_shock"] == 0.3
    # fitted as dated events of the history; the default scenario does not date them
    assert summary["params"]["legitimacy_shock"] == 0.0
    assert post["dated_only"] == ["legitimacy_shock", "ukraine_strength"]
    assert "not used (fitted as a dated event" in text
    assert summary["params"]["threshold"] == 0.05  # --set wins over the draw
    assert post["overridden"] == ["threshold"]


def test_a_dated_event_in_the_fitted_scenario_is_scaled_not_replaced(belarus_posterior, tmp_path):
    """In the scenario it was fitted on, the drawn shock scales the election-week event,
    as in the calibration: a constant would shock the regime from week 0."""
    out = tmp_path / "run"
    argv = ["run", "--scenario", "history", "--posterior", str(belarus_posterior)]
    argv += ["--steps", "2", "--set", "n_citizens=400", "--seed", "3", "--out", str(out)]
    assert main(argv) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["params"]["legitimacy_shock"] == "piecewise:0.0@0.0,0.3@1.0"
    assert summary["posterior"]["applied"]["legitimacy_shock"] == "piecewise:0.0@0.0,0.3@1.0"


def test_the_scenario_keeps_what_it_sets(belarus_posterior, tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["run", "--scenario", "ukrainian_breakthrough", "--posterior", str(belarus_posterior)]
    argv += ["--steps", "2", "--set", "n_citizens=400", "--out", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    # ukraine_strength was a dated event of the history too: the scenario's trajectory is
    # scaled so that its largest level is the draw
    assert str(summary["params"]["ukraine_strength"]).startswith("linear:")
    assert summary["posterior"]["applied"]["ukraine_strength"].startswith("linear:")
    assert summary["params"]["legitimacy_shock"] == 0.0 and "legitimacy_shock" in text


def test_abm_run_refuses_a_posterior_of_another_model(epstein_posterior, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--posterior", str(epstein_posterior), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--posterior" in err and "of the belarus model" in err and "'epstein'" in err
    assert not out.exists()
    assert main(["run", "--posterior", str(tmp_path / "none"), "--out", str(out)]) == 2
    assert "no such folder" in capsys.readouterr().err


# ------------------------------------------------------------------------------ sweeps
def posterior_spec(folder, **fields):
    spec = {
        "model": "epstein",
        "name": "post",
        "steps": 4,
        "replicates": 2,
        "seed": 5,
        "fixed": dict(SMALL_EPSTEIN),
        "design": {"kind": "posterior", "posterior": str(folder), "n": 6},
    }
    spec.update(fields)
    return spec


def test_a_posterior_design_is_reproducible_and_typed(epstein_posterior):
    spec = SweepSpec.from_dict(posterior_spec(epstein_posterior))
    a, b = build_design(spec), build_design(SweepSpec.from_dict(posterior_spec(epstein_posterior)))
    assert a.points == b.points and len(a) == 6
    assert a.names == ("legitimacy", "threshold", "max_jail_term")
    assert all(type(p["max_jail_term"]) is int for p in a.points)
    assert {p["legitimacy"] for p in a.points} <= {0.6, 0.7, 0.8}  # never the 0-weight one
    types = param_types(spec)
    assert str(types["max_jail_term"]) == "int64" and str(types["legitimacy"]) == "double"
    assert spec.to_dict()["design"] == {
        "kind": "posterior",
        "posterior": str(epstein_posterior),
        "n": 6,
        "seed": 5,
    }
    # [fixed] wins over the draw, and [vary] is crossed with the draws as a grid
    crossed = SweepSpec.from_dict(
        posterior_spec(
            epstein_posterior,
            fixed={**SMALL_EPSTEIN, "threshold": 0.1},
            vary={"k": {"values": [1.0, 2.0]}},
        )
    )
    design = build_design(crossed)
    assert design.names == ("legitimacy", "max_jail_term", "k") and len(design) == 12
    assert [p["k"] for p in design.points[:4]] == [1.0, 2.0, 1.0, 2.0]
    assert design.points[0]["legitimacy"] == design.points[1]["legitimacy"]


def test_a_dealt_posterior_design_gives_every_run_its_own_draw(epstein_posterior):
    vary = {"k": {"values": [1.0, 2.0, 3.0]}}
    crossed = build_design(SweepSpec.from_dict(posterior_spec(epstein_posterior, vary=vary)))
    fields = posterior_spec(epstein_posterior, vary=vary)
    fields["design"] = {**fields["design"], "cross": False}
    spec = SweepSpec.from_dict(fields)
    dealt = build_design(spec)
    assert len(crossed) == 18 and len(dealt) == 6  # n points, not n x the grid
    assert [p["k"] for p in dealt.points] == [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]
    # point i is draw i: the draws are those of the crossed design, one per point
    draws = [crossed.points[3 * i]["legitimacy"] for i in range(6)]
    assert [p["legitimacy"] for p in dealt.points] == draws
    assert spec.to_dict()["design"]["cross"] is False
    assert "cross" not in SweepSpec.from_dict(posterior_spec(epstein_posterior)).to_dict()["design"]
    fields["design"]["n"] = 7
    with pytest.raises(ParameterError) as err:
        SweepSpec.from_dict(fields)
    assert err.value.field == "design.n" and "multiple of the grid's 3" in err.value.allowed
    fields["design"] = {"kind": "lhs", "n": 4, "cross": False}
    with pytest.raises(ParameterError, match='cross only with kind = "posterior"'):
        SweepSpec.from_dict(fields)


def test_common_random_numbers_in_a_crossed_posterior_design_pair_within_a_draw(
    epstein_posterior,
):
    from abm.sweep.driver import plan

    fields = posterior_spec(epstein_posterior, vary={"k": {"values": [1.0, 2.0, 3.0]}})
    fields["common_random_numbers"] = True
    spec = SweepSpec.from_dict(fields)
    design = build_design(spec)
    seeds = {(p, r): plan(spec, design, p, r).seed for p in range(len(design)) for r in (0, 1)}
    for draw in range(6):  # the grid's three settings of one draw share each replicate's seed
        assert len({seeds[(3 * draw + g, 0)] for g in range(3)}) == 1
    assert len({seeds[(3 * draw, 0)] for draw in range(6)}) == 6  # draws differ
    assert seeds[(0, 0)] != seeds[(0, 1)]
    fields["common_random_numbers"] = False
    plain = SweepSpec.from_dict(fields)
    assert len({plan(plain, design, p, 0).seed for p in range(len(design))}) == len(design)


@pytest.mark.parametrize(
    "change,field,expected",
    [
        ({"n": 0}, "design.n", "[1,"),
        ({"n": None}, "design.n", "number of posterior draws"),
        ({"posterior": "/no/such/folder"}, "design.posterior", "no such folder"),
        ({"posterior": 3}, "design.posterior", "path of a posterior folder"),
    ],
)
def test_a_posterior_design_is_validated_before_work(epstein_posterior, change, field, expected):
    spec = posterior_spec(epstein_posterior)
    spec["design"] = {**spec["design"], **change}
    with pytest.raises(ParameterError) as err:
        SweepSpec.from_dict(spec)
    assert err.value.field == field and expected in err.value.allowed


def test_a_posterior_design_refuses_another_model_and_a_posterior_elsewhere(
    belarus_posterior, epstein_posterior
):
    with pytest.raises(ParameterError, match="of the sweep's model 'epstein'"):
        SweepSpec.from_dict(posterior_spec(belarus_posterior))
    spec = posterior_spec(epstein_posterior)
    spec["design"] = {"kind": "lhs", "n": 4, "posterior": str(epstein_posterior)}
    with pytest.raises(ParameterError, match='kind = "posterior"'):
        SweepSpec.from_dict(spec)
    every = {**SMALL_EPSTEIN, "legitimacy": 0.8, "threshold": 0.1, "max_jail_term": 30}
    with pytest.raises(ParameterError, match="leave open"):
        SweepSpec.from_dict(posterior_spec(epstein_posterior, fixed=every))


def test_a_posterior_sweep_stores_the_draws_and_resumes(epstein_posterior, tmp_path):
    out = tmp_path / "sweep"
    spec = posterior_spec(epstein_posterior)
    first = run_sweep(spec, out, workers=1, progress=False, batch_size=3)
    assert (first.done, first.failed) == (12, 0)
    runs = pd.read_parquet(out / "runs").sort_values("run_id").reset_index(drop=True)
    design = build_design(SweepSpec.from_dict(spec))
    for _, row in runs.iterrows():
        point = design.points[row.point_id]
        assert row.param_legitimacy == point["legitimacy"]
        assert row.param_max_jail_term == point["max_jail_term"]
    stored = pd.read_parquet(out / "design.parquet")
    assert list(stored.param_threshold) == [p["threshold"] for p in design.points]
    parts = sorted((out / "runs").glob("*.parquet"))
    lost = sum(len(pd.read_parquet(p)) for p in parts[1:])
    for p in parts[1:]:  # as if the driver had died after its first batch
        p.unlink()
    again = run_sweep(spec, out, workers=1, progress=False)
    assert (again.done, again.skipped) == (lost, 12 - lost)
    rerun = pd.read_parquet(out / "runs").sort_values("run_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(rerun.drop(columns="elapsed_s"), runs.drop(columns="elapsed_s"))


def test_a_posterior_sweep_of_the_fitted_scenario_records_the_draw_and_runs_the_schedule(
    belarus_posterior, tmp_path
):
    """The history dates the election-week shock: the model gets the scaled schedule, the
    runs table the number drawn (a float column cannot hold the schedule's text)."""
    spec = {
        "model": "belarus",
        "name": "post_history",
        "scenario": "history",
        "steps": 2,
        "replicates": 1,
        "seed": 5,
        "fixed": {"n_citizens": 400},
        "design": {"kind": "posterior", "posterior": str(belarus_posterior), "n": 2},
    }
    out = tmp_path / "sweep"
    summary = run_sweep(spec, out, workers=1, progress=False)
    assert (summary.done, summary.failed) == (2, 0)
    runs = pd.read_parquet(out / "runs")
    assert set(runs["param_legitimacy_shock"]) == {0.3}  # weight 1 on the second particle
    task = plan(SweepSpec.from_dict(spec), build_design(SweepSpec.from_dict(spec)), 0, 0)
    assert task.params["legitimacy_shock"] == "piecewise:0.0@0.0,0.3@1.0"


def test_a_posterior_sweep_without_vary_is_reported_over_its_draws(epstein_posterior, tmp_path):
    """`abm report` reads the drawn parameters from the stored design (the spec varies
    nothing): each spans the values the posterior put in the sweep."""
    from abm.analysis.load import load

    out = tmp_path / "sweep"
    spec = posterior_spec(epstein_posterior)
    assert not spec.get("vary")
    run_sweep(spec, out, workers=1, progress=False)
    results = load(out)
    drawn = pd.read_parquet(out / "design.parquet")
    assert set(results.design.names) == {
        c.removeprefix("param_") for c in drawn.columns if c.startswith("param_")
    }
    legit = results.design.param("legitimacy")
    assert (legit.low, legit.high) == (drawn.param_legitimacy.min(), drawn.param_legitimacy.max())
    report = tmp_path / "report"
    assert main(["report", str(out), "--out", str(report)]) == 0
    assert (report / "report.md").is_file()


def test_cli_sweep_from_toml_resumes_and_refuses_a_changed_posterior(
    epstein_posterior, tmp_path, capsys
):
    spec = tmp_path / "post.toml"
    spec.write_text(
        'name = "cli"\nmodel = "epstein"\nsteps = 3\nseed = 1\n'
        "[fixed]\nwidth = 12\nheight = 12\nvision = 3\ncop_vision = 3\n"
        f'[design]\nkind = "posterior"\nposterior = "{epstein_posterior}"\nn = 2\n'
    )
    out = tmp_path / "out"
    args = ["--out", str(out), "--workers", "1", "--no-progress"]
    assert main(["sweep", str(spec), *args]) == 0
    assert "2 done, 0 failed, 0 skipped" in capsys.readouterr().out
    assert main(["sweep", "--resume", *args]) == 0
    assert "0 done, 0 failed, 2 skipped" in capsys.readouterr().out
    write_posterior(epstein_posterior, EPSTEIN, [0, 0, 0, 1], manifest())  # recalibrated
    assert main(["sweep", "--resume", *args]) == 2
    assert "stored design" in capsys.readouterr().err


def test_posterior_is_constructible_for_tools(epstein_posterior):
    post = load_posterior(epstein_posterior)
    clone = Posterior(post.frame, post.weights, post.manifest)  # checked on first use
    assert clone.draw(3) == post.draw(3) and type(clone.draw(3)["max_jail_term"]) is int
