"""experiments/levers.py (issue 14, item 4): the NATO excuse and the warning, off and on at
several wear rates, paired at the same posterior draws and run seeds; run end to end at its
smoke size into tmp_path."""

from __future__ import annotations

import pandas as pd

from abm.sweep.read import SweepFolder


def test_each_lever_is_off_once_then_on_at_every_wear_rate(experiment):
    lv = experiment("levers")
    for lever in lv.LEVERS:
        cells = lv.cells(lever)
        assert [on for _, on, _ in cells] == [False] + [True] * len(lever.rates)
        assert [w for _, on, w in cells if on] == list(lever.rates)
        assert len({label for label, _, _ in cells}) == len(cells)
        assert 0.0 in lever.rates  # the lever without wear is always a column


def test_levers_writes_both_folders_paired_at_the_same_draws_and_seeds(experiment, tmp_path):
    lv = experiment("levers")
    out, work = tmp_path / "out", tmp_path / "work"
    argv = ["--quick", "--workers", "1", "--out", str(out), "--work", str(work)]
    assert lv.main(argv) == 0
    draws = lv.SIZES["quick"][0]
    for lever in lv.LEVERS:
        folder = out / lever.name
        readme = (folder / "README.md").read_text().splitlines()
        assert readme[3].startswith(".venv/bin/python experiments/levers.py --quick")
        text = "\n".join(readme)
        assert "Kept their priors (" in text and "## Size and wall time" in text
        assert f"`{lever.wear}`" in text

        # every cell's draw i: the same particle and the same run seed
        labels = [label for label, _, _ in lv.cells(lever)]
        runs = {c: SweepFolder(work / lever.name / c).table("runs") for c in labels}
        first = runs[labels[0]].set_index("point_id")
        assert len(first) == draws
        for c in labels[1:]:
            other = runs[c].set_index("point_id")
            assert (other["seed"] == first["seed"]).all()
            assert (other["param_threshold"] == first["param_threshold"]).all()
        assert first["seed"].nunique() == draws  # but independent seeds across draws

        summary = pd.read_csv(folder / "summary.csv")
        assert ((summary["low"] <= summary["p"]) & (summary["p"] <= summary["high"])).all()
        assert summary["p"].between(0, 1).all() and (summary["n"] == draws).all()
        off = summary[~summary["on"]]
        assert len(off) == len(lv.pc.OUTCOMES)  # one off cell: off does not wear
        assert set(summary.loc[summary["on"], "wear"]) == set(lever.rates)

        effects = pd.read_csv(folder / "effects.csv")
        d = effects[effects["comparison"] == "on_minus_off"]
        assert set(d["wear"]) == set(lever.rates) and (d["draws"] == draws).all()
        assert ((d["diff"] - (d["p_on"] - d["p_off"])).abs() < 1e-9).all()
        assert ((d["low"] <= d["diff"] + 1e-12) & (d["diff"] <= d["high"] + 1e-12)).all()
        w = effects[effects["comparison"] == "wear_minus_no_wear"]
        assert set(w["wear"]) == {r for r in lever.rates if r > 0}

        usage = pd.read_csv(folder / "usage.csv").set_index("cell")
        assert usage.loc["off", "weeks_used_mean"] == 0  # a switched-off lever is never pulled
        assert usage["share_runs_used"].between(0, 1).all()
        assert list((folder / "figures").glob("probability_by_wear.png"))
        assert list((folder / "figures").glob("effect_by_wear.png"))

    usage = pd.read_csv(out / "warning" / "usage.csv").set_index("cell")
    # no wear, or no warning: Moscow's credence stays at 1
    assert usage.loc[["off", "on_wear_0"], "credibility_min_mean"].eq(1.0).all()

    before = (out / "nato_excuse" / "summary.csv").read_bytes()
    assert lv.main(argv) == 0  # resumes the complete sweeps: the same tables, byte for byte
    assert (out / "nato_excuse" / "summary.csv").read_bytes() == before


def test_with_a_lever_off_its_wear_rate_changes_nothing(experiment):
    """Why each lever has a single off cell: switched off, it is never pulled, so its wear
    never acts (same seed, every series identical)."""
    from abm.runner import run

    lv = experiment("levers")
    for lever in lv.LEVERS:
        a, b = (
            run("belarus", {"n_citizens": 1500, lever.switch: False, lever.wear: w}, 5, 15)
            for w in (0.0, max(lever.rates))
        )
        assert (a.series[lever.used] == 0).all()
        assert a.series.equals(b.series) and a.events == b.events
