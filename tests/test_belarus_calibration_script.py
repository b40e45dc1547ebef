"""experiments/calibration.py runs end to end on a tiny setting and writes its files."""

from __future__ import annotations

import pandas as pd
import pytest


def test_wilson_interval_brackets_the_estimate(experiment):
    cal = experiment("calibration")
    lo, hi = cal.wilson(80, 100)
    assert lo < 0.8 < hi and lo > 0.70 and hi < 0.88
    assert cal.wilson(0, 50)[0] == pytest.approx(0.0, abs=1e-12)


def test_calibration_writes_summary_runs_figure_and_readme(experiment, tmp_path):
    cal = experiment("calibration")
    out = tmp_path / "cal"
    argv = ["--seeds", "2", "--steps", "20", "--set", "n_citizens=800", "--out", str(out)]
    assert cal.main(argv) == 0
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 4 and set(runs["scenario"]) == {"baseline", "forced_intervention"}
    assert (runs.loc[runs.scenario == "forced_intervention", "intervention"] == 12).all()
    summary = pd.read_csv(out / "summary.csv")
    assert {"scenario", "measure", "count", "n", "p", "ci_low", "ci_high"} <= set(summary.columns)
    assert summary["p"].between(0, 1).all()
    assert (out / "calibration.png").exists() and (out / "calibration.svg").exists()
    text = (out / "README.md").read_text()
    assert "experiments/calibration.py --seeds 2" in text
