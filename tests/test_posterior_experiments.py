"""The experiments over the posterior (issue 14): the shared tables against known answers,
and each script end to end at its smoke size: files, a README that opens with its command,
and a rerun with the same seeds that reproduces the summary byte for byte."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def fake_runs(p_on: float, p_off: float, draws: int = 400, seed: int = 0) -> pd.DataFrame:
    """A posterior design with a two-level lever: draw i, cell g at point i * 2 + g."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(draws):
        for g, lever in enumerate((False, True)):
            p = p_on if lever else p_off
            week = 10.0 + g if rng.random() < p else np.nan
            row = {"point_id": i * 2 + g, "lever": lever}
            for o in ("intervention", "mutiny"):
                row[f"week_{o}"] = week if o == "mutiny" else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def test_outcome_summary_counts_shares_intervals_and_weeks(experiment):
    pc = experiment("posterior_common")
    runs = fake_runs(0.6, 0.2)
    t = pc.outcome_summary(runs, ["lever"], ("intervention", "mutiny"))
    m = t[t["outcome"] == "mutiny"].set_index("lever")
    assert m.loc[True, "n"] == 400 and m.loc[True, "p"] == m.loc[True, "k"] / 400
    assert abs(m.loc[True, "p"] - 0.6) < 0.08 and abs(m.loc[False, "p"] - 0.2) < 0.08
    assert (m["low"] < m["p"]).all() and (m["p"] < m["high"]).all()
    assert m.loc[True, "weeks_median"] == 11.0 and m.loc[False, "weeks_median"] == 10.0
    never = t[t["outcome"] == "intervention"]
    assert (never["k"] == 0).all() and never["weeks_median"].isna().all()
    assert (never["high"] > 0).all()  # k = 0 still has an upper bound


def test_paired_difference_recovers_the_lever_effect_with_an_interval(experiment):
    pc = experiment("posterior_common")
    runs = pc.with_draw(fake_runs(0.6, 0.2), cells=2)
    d = pc.paired_difference(runs, "lever", True, False, ("intervention", "mutiny"))
    m = d.set_index("outcome").loc["mutiny"]
    assert m["draws"] == 400
    assert m["low"] <= m["diff"] <= m["high"] and m["low"] > 0.25 and m["high"] < 0.55
    none = d.set_index("outcome").loc["intervention"]
    assert none["diff"] == none["low"] == none["high"] == 0.0


def test_forced_intervention_counts_outcomes_from_the_entry_only(experiment):
    fi = experiment("forced_intervention")
    runs = pd.DataFrame(
        {f"week_{o}": [5.0, 120.0] if o == "ejection" else [np.nan, np.nan] for o in fi.pc.OUTCOMES}
    )
    runs["week_mutiny"] = [50.0, 130.0]
    t = fi.after_entry(runs, 113)
    assert t["week_mutiny"].isna().iloc[0] and t["week_mutiny"].iloc[1] == 130.0
    assert list(t["ejected_before"]) == [True, False]
    assert t["week_ejection"].iloc[1] == 120.0


def test_scenario_discovery_states_boxes_as_conditions(experiment):
    sd = experiment("scenario_discovery")
    box = pd.DataFrame(
        {
            "param": ["war_trajectory", "ruler_hazard_bias", "threshold"],
            "low": [0.7, -14.0, 0.05],
            "high": [1.0, -10.0, 0.2],
            "range_low": [0.4, -14.0, 0.0],
            "range_high": [1.0, -6.0, 0.3],
            "values": ["", "", ""],
        }
    )
    assert sd.condition(box) == (
        "war_trajectory >= 0.7 and ruler_hazard_bias <= -10 and 0.05 <= threshold <= 0.2"
    )
    assert sd.condition(box.iloc[:0]) == "(no restriction: the whole space)"


def test_substitution_backing_is_the_first_attempts_last_round(experiment):
    sm = experiment("substitution_map")
    series = pd.DataFrame(
        {
            "run_id": ["a"] * 6 + ["b"] * 2,
            "step": [1, 2, 3, 4, 5, 6, 1, 2],
            "coup_round": [0, 1, 2, 0, 1, 0, 0, 0],
            "coup_moscow_share": [0.0, 0.4, 0.7, 0.0, 0.9, 0.0, 0.0, 0.0],
        }
    )
    b = sm.backing(series)
    assert b.to_dict() == {"a": 0.7}  # not the second attempt's 0.9; b had none


@pytest.mark.parametrize("name", ["pressure", "substitution_map"])
def test_a_map_experiment_writes_its_folder_and_reruns_identically(name, experiment, tmp_path):
    exp = experiment(name)
    out, work = tmp_path / "out", tmp_path / "work"
    argv = ["--quick", "--workers", "1", "--out", str(out), "--work", str(work)]
    assert exp.main(argv) == 0
    readme = (out / "README.md").read_text().splitlines()
    assert readme[3].startswith(f".venv/bin/python experiments/{name}.py --quick")
    text = "\n".join(readme)
    assert "Kept their priors (" in text and "## Size and wall time" in text
    summary = pd.read_csv(out / "summary.csv")
    assert ((summary["low"] <= summary["p"]) & (summary["p"] <= summary["high"])).all()
    assert list((out / "figures").glob("heatmap_substitution*.png"))
    again = tmp_path / "again"
    argv2 = ["--quick", "--workers", "1", "--out", str(again), "--work", str(tmp_path / "w2")]
    assert exp.main(argv2) == 0  # fresh runs, same seeds
    assert (again / "summary.csv").read_bytes() == (out / "summary.csv").read_bytes()


def test_forced_intervention_and_discovery_run_at_smoke_size(experiment, tmp_path):
    fi = experiment("forced_intervention")
    out = tmp_path / "fi"
    argv = ["--quick", "--workers", "2", "--out", str(out), "--work", str(tmp_path / "w")]
    assert fi.main(argv) == 0
    by_entry = pd.read_csv(out / "by_entry.csv")
    assert set(by_entry["entry"]) <= set(fi.ENTRIES) and len(by_entry) > 0
    assert (by_entry["weeks_median"].dropna() >= 0).all()  # counted from the entry
    curve = pd.read_csv(out / "curve.csv")  # the tuned weight's response curve
    assert sorted(set(curve[fi.CURVE_PARAM])) == sorted(fi.CURVE_VALUES)
    assert "Response to the tuned weight" in (out / "README.md").read_text()
    switches = pd.read_csv(out / "switches.csv")  # the reaction's channels switched off
    assert list(dict.fromkeys(switches["channels"])) == list(fi.SWITCHES)
    sd = experiment("scenario_discovery")
    out = tmp_path / "sd"
    argv = ["--quick", "--workers", "2", "--out", str(out), "--work", str(tmp_path / "w2")]
    assert sd.main(argv) == 0
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["outcome"]) == list(sd.TARGETS)
    assert (out / "README.md").read_text().startswith("# Scenario discovery")


def test_scenario_tree_counts_from_the_branch_week_and_resumes_without_rerunning(
    experiment, tmp_path
):
    st = experiment("scenario_tree")
    out, work = tmp_path / "out", tmp_path / "work"
    argv = ["--quick", "--workers", "2", "--out", str(out), "--work", str(work)]
    assert st.main(argv) == 0
    rows = pd.read_csv(out / "branches.csv")
    assert len(rows) == 2 * len(st.TREES)  # two seeds per tree at the smoke size
    # a branch may differ from its trunk only from its branch week on
    assert ((rows["diverged_at"].isna()) | (rows["diverged_at"] >= rows["at"])).all()
    long = st.long_form(rows)
    for o in ("mutiny", "uprising", "substitution"):
        assert (long[f"week_{o}"].dropna() >= long.loc[long[f"week_{o}"].notna(), "at"]).all()
    shares = pd.read_csv(out / "summary.csv")
    assert set(shares["arm"]) == {"trunk", "branch"}
    assert ((shares["low"] <= shares["p"]) & (shares["p"] <= shares["high"])).all()
    stored = sorted(work.glob("*.json"))
    stamps = [p.stat().st_mtime_ns for p in stored]
    summary = (out / "summary.csv").read_bytes()
    assert st.main(argv) == 0  # resumed: nothing is rerun, nothing changes
    assert [p.stat().st_mtime_ns for p in stored] == stamps
    assert (out / "summary.csv").read_bytes() == summary


def test_a_fake_branch_effect_is_the_paired_difference(experiment):
    st = experiment("scenario_tree")
    rows = []
    for seed in range(200):
        row = {"tree": "oct_2022", "seed": seed, "particle": seed % 7, "at": 100}
        for arm in ("trunk", "branch"):
            for o in st.pc.OUTCOMES:
                row[f"{arm}_week_{o}"] = None
        row["trunk_week_mutiny"] = 50  # before the branch week: shared past, not counted
        row["branch_week_mutiny"] = 120 if seed % 2 else 50
        rows.append(row)
    long = st.long_form(pd.DataFrame(rows))
    eff = st.pc.paired_difference(long, "arm", "branch", "trunk", by=["tree"])
    m = eff[eff["outcome"] == "mutiny"].iloc[0]
    assert m["p_off"] == 0.0 and m["p_on"] == 0.5 and m["low"] < 0.5 < m["high"]


def test_doctrine_raises_the_demand_with_the_counteroffensive_and_only_when_on(
    experiment, tmp_path
):
    doc = experiment("doctrine")
    out = tmp_path / "out"
    argv = ["--quick", "--workers", "2", "--out", str(out), "--work", str(tmp_path / "w")]
    assert doc.main(argv) == 0
    levels = pd.read_csv(out / "levels.csv")
    demand = levels[levels["level"] == "demanded_support"].sort_values("counter")
    # off: the counter-offensive is read only by the doctrine, so every intensity is the same
    assert demand["off"].nunique() == 1
    assert demand.iloc[0]["diff"] == 0.0  # no counter-offensive, nothing to invoke
    assert demand["diff"].is_monotonic_increasing and demand.iloc[-1]["diff"] > 0.5
    effects = pd.read_csv(out / "effects.csv")
    assert set(effects["counter"]) == set(doc.COUNTEROFFENSIVE)
    assert ((effects["low"] <= effects["diff"]) & (effects["diff"] <= effects["high"])).all()
