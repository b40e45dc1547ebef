"""experiments/audit.py (issue 12's audit): end to end at a tiny size, its intervals on
known counts, the switch-off table's inert flag on constructed runs, and its reading of the
series before and after issue 12 adds ``decider``, ``coup_round``, ``coup_moscow_share`` and
``absorbed``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from abm.belarus.outcomes import OUTCOMES
from abm.errors import ParameterError

TINY = ["--n-citizens", "200", "--seeds", "2", "--curve-seeds", "1", "--points", "2"]
TINY += ["--scale-seeds", "0", "--steps", "12", "--workers", "1"]


@pytest.fixture(scope="module")
def audit(experiment):
    return experiment("audit")


@pytest.fixture(scope="module")
def tables(experiment):
    return experiment("audit_tables")


def test_audit_runs_end_to_end_writes_every_table_and_sets_before_beside_now(
    audit, tables, tmp_path
):
    work, out = tmp_path / "work", tmp_path / "out"
    argv = [*TINY, "--work", str(work), "--out", str(out)]
    assert audit.main([*argv, "--as-before"]) == 0
    for folder in (out, out / "before"):
        for name in audit.TABLES:
            assert (folder / f"{name}.csv").is_file(), name
    curves = pd.read_csv(out / "curves.csv")
    assert len(curves) == 4 * 2 * len(tables.CURVE_OUTCOMES)  # 4 variables, 2 points each
    assert ((curves["ci_low"] <= curves["p"]) & (curves["p"] <= curves["ci_high"])).all()
    switch = pd.read_csv(out / "switch_off.csv")
    assert set(switch["switch_off"]) == {tables.ALL_ON, *audit.SWITCHES}
    assert (switch.groupby("switch_off").size() == len(OUTCOMES)).all()
    levels = pd.read_csv(out / "levels.csv")
    sums = levels.groupby(["scenario", "weeks"])["share"].sum()
    assert np.allclose(sums[sums.notna()], 1.0)
    for fig in ("curves", "levels", "coups", "switch_off"):
        assert (out / f"{fig}.png").is_file()
    lines = (out / "README.md").read_text().splitlines()
    assert lines[2] == "```bash" and lines[3].startswith(".venv/bin/python experiments/audit.py")
    runs = len(pd.read_parquet(work / "forced" / "runs"))
    assert audit.main(argv) == 0  # resumes: same code, nothing new to run
    assert len(pd.read_parquet(work / "forced" / "runs")) == runs
    readme = (out / "README.md").read_text()
    assert "Before and now are the same code" in readme
    before = pd.read_csv(out / "before" / "forced.csv")
    assert before.equals(pd.read_csv(out / "forced.csv"))


def test_wilson_and_newcombe_intervals_on_known_counts(tables):
    lo, hi = tables.wilson(5, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.2366, 0.7634)
    assert tables.wilson(0, 10)[0] == 0.0 and round(tables.wilson(0, 10)[1], 4) == 0.2775
    assert tables.wilson(10, 10)[1] == 1.0
    # Newcombe (1998), Stat Med 17: 56/70 - 48/80, method 10: 0.0524 to 0.3339
    d, lo, hi = tables.newcombe(56, 70, 48, 80)
    assert (round(d, 4), round(lo, 4), round(hi, 4)) == (0.2, 0.0524, 0.3339)
    assert math.isnan(tables.proportion(0, 0)["p"])


def switch_runs(arms: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Runs whose only outcome is an intervention at week 10 in ``k`` of ``n`` per arm."""
    rows = []
    for off, (k, n) in arms.items():
        for i in range(n):
            row = {"param_audit_switch_off": off}
            row |= {f"week_{o}": None for o in ("intervention", "mutiny", "mass_mutiny")}
            row |= {f"week_{o}": None for o in ("uprising", "substitution_attempt")}
            row |= {f"week_{o}": None for o in ("substitution", "ejection", "russian_intervention")}
            row["week_intervention"] = 10 if i < k else None
            rows.append(row)
    return pd.DataFrame(rows)


def test_switch_off_table_flags_an_inert_switch_and_only_it(tables):
    t = tables.switch_table(
        switch_runs(
            {
                "none": (100, 200),
                "mech_warning": (101, 200),  # one run apart: inert
                "mech_union_doctrine": (0, 200),  # -50 points: not inert
            }
        ),
        "constructed",
    )
    inert = t.groupby("switch_off")["inert"].first()
    assert bool(inert["mech_warning"]) and not bool(inert["mech_union_doctrine"])
    assert not bool(inert["none"])  # all-on is the reference, never "inert"
    row = t[(t["switch_off"] == "mech_union_doctrine") & (t["outcome"] == "intervention")].iloc[0]
    assert row["diff"] == -0.5 and row["diff_high"] < 0
    # under 5 points but well measured (the interval excludes 0): not inert
    big = tables.switch_table(
        switch_runs({"none": (10_000, 20_000), "mech_warning": (9_200, 20_000)}), "x"
    )
    assert not bool(big.loc[big["switch_off"] == "mech_warning", "inert"].iloc[0])


def series_of(run_id: str, levels, in_power, **extra) -> pd.DataFrame:
    n = len(levels)
    return pd.DataFrame(
        {
            "run_id": run_id,
            "step": range(n),
            "support_level": levels,
            "in_power": in_power,
            "active_share": np.linspace(0.6, 0.0, n),
            **extra,
        }
    )


def test_deciders_are_derived_from_level_and_power_without_a_decider_series(tables):
    luk = series_of("a", [3, 3, 5, 5], [1, 1, 1, 1])
    loyal = series_of("b", [3, 3, 5, 5], [1, 0, 0, 0])
    none = series_of("c", [3, 4, 4, 4], [1, 1, 1, 1])
    summary = {"week_substitution": 1, "week_russian_intervention": None}
    assert tables.decider_of(luk, {"week_substitution": None}, -1) == "Lukashenko"
    assert tables.decider_of(loyal, summary, -1) == "Moscow's loyalist"
    assert tables.decider_of(luk, {"week_substitution": None}, 2) == "forced"
    assert tables.decider_of(none, {}, -1) is None
    # ...and read from the series where the model records it
    named = luk.assign(decider=["", "", "lukashenko_choice", "lukashenko_choice"])
    assert tables.decider_of(named, {"week_substitution": None}, 2) == "lukashenko_choice"


def test_coups_and_collapses_are_read_from_either_series_set(tables):
    runs = pd.DataFrame(
        {
            "coup_attempts": ["3:0.25;6:1", ""],
            "substitution_attempts": [2, 0],
            "week_substitution": [6, None],
            "week_russian_intervention": [None, None],
            "week_ejection": [6, None],
            "week_loyalist_ejection": [6, None],
            "ejection_cause": ["substitution", ""],
        },
        index=pd.Index(["a", "b"], name="run_id"),
    )
    levels, power = [3] * 10, [1] * 6 + [0] * 4
    before = pd.concat([series_of("a", levels, power), series_of("b", levels, [1] * 10)])
    a = tables.coup_attempts(runs, before)  # before issue 12: the event log's backing
    assert list(a["week"]) == [3, 6] and list(a["backing"]) == [0.25, 1.0]
    assert list(a["rounds"]) == [1, 1]
    rounds = [0, 0, 0, 1, 2, 3, 1, 0, 0, 0]
    share = [0, 0, 0, 0.3, 0.45, 0.4, 0.8, 0, 0, 0]
    absorbed = [0] * 6 + [1] * 4
    after = pd.concat(
        [
            series_of(
                "a", levels, power, coup_round=rounds, coup_moscow_share=share, absorbed=absorbed
            ),
            series_of(
                "b",
                levels,
                [1] * 10,
                coup_round=[0] * 10,
                coup_moscow_share=[0.0] * 10,
                absorbed=[0] * 10,
            ),
        ]
    )
    b = tables.coup_attempts(runs, after)  # after: attempts and backing over their rounds
    assert list(b["week"]) == [3, 6] and list(b["rounds"]) == [3, 1]
    assert list(b["backing"]) == [0.4, 0.8] and b["backing_by_round"].iloc[0] == "0.3;0.45;0.4"
    s = tables.coup_summary("x", runs, b)
    assert s["attempts"] == 2 and s["successes"] == 1 and s["success_share"] == 0.5
    c_before = tables.collapse_table(runs, before, "x")
    c_after = tables.collapse_table(runs, after, "x")
    assert len(c_before) == 1 and bool(c_before["loyalist_fell_same_week"].iloc[0])
    assert math.isnan(c_before["absorbed"].iloc[0]) and c_after["absorbed"].iloc[0] == 1
    assert tables.collapse_summary(c_after)["absorbed"] == 1
    assert not tables.collapse_summary(c_before)["absorbed_recorded"]


def test_the_sweeps_keep_the_issue_12_series_once_the_model_has_them(audit, monkeypatch):
    import abm.belarus.model as model

    config = audit.read_config()
    sizes = audit.Sizes(n_citizens=200, seeds=1, curve_seeds=1, points=2, scale_seeds=0)
    kept = audit.specs(sizes, config)["forced"].keep_series
    assert [s for s in audit.OPTIONAL if s in kept] == [
        s for s in audit.OPTIONAL if s in model.SERIES
    ]
    monkeypatch.setattr(model, "SERIES", (*model.SERIES, "coup_round", "absorbed"))
    kept = audit.specs(sizes, config)["forced"].keep_series
    assert "coup_round" in kept and "absorbed" in kept


def test_a_curve_without_a_source_or_outside_its_parameter_is_refused(audit, tmp_path):
    good = (audit.CONFIG).read_text()
    bad = tmp_path / "a.toml"
    bad.write_text(good.replace('basis = "assumption"', 'basis = "vibes"', 1))
    with pytest.raises(ParameterError, match="basis"):
        audit.read_config(bad)
    bad.write_text(good.replace("high = 0.95", "high = 1.5", 1))
    with pytest.raises(ParameterError, match="morale_initial"):
        audit.read_config(bad)
    bad.write_text(good + "\n[curves.no_such_input]\nlow = 0\nhigh = 1\n")
    with pytest.raises(ParameterError, match="no_such_input"):
        audit.read_config(bad)
