"""experiments/history.py end to end on a small setting: the replay and the prior predictive
as sweeps, every observation in the tables, a README that opens with its command, and a
rerun that resumes rather than repeats."""

from __future__ import annotations

import pandas as pd

from abm.belarus.history.patterns import observations


def test_history_experiment_writes_tables_figures_and_readme_and_resumes(experiment, tmp_path):
    hist = experiment("history")
    work, out = tmp_path / "work", tmp_path / "out"
    argv = ["--seeds", "2", "--draws", "3", "--steps", "120", "--n-citizens", "2000"]
    argv += ["--workers", "1", "--work", str(work), "--out", str(out)]
    assert hist.main(argv) == 0
    keys = {hist.key_of(o) for o in observations()}
    for name in ("replay", "prior"):
        t = pd.read_csv(out / f"patterns_{name}.csv")
        assert set(t["key"]) == keys  # every observation reported, simulated or not
        fit = t[(t["period"] == "fit") & (t["runs"] > 0)]
        assert len(fit) >= 20  # the fit period is inside 120 weeks
        assert (out / f"coverage_{name}.png").is_file()
    assert (out / "history_replay.png").is_file()
    readme = (out / "README.md").read_text()
    assert readme.splitlines()[3].startswith(".venv/bin/python experiments/history.py --seeds 2")
    assert "## Fit period" in readme
    runs = pd.read_parquet(work / "prior" / "runs")
    assert len(runs) == 3
    before = (out / "patterns_prior.csv").read_text()
    assert hist.main(argv) == 0  # resumes: nothing new to run, same tables
    assert len(pd.read_parquet(work / "prior" / "runs")) == 3
    assert (out / "patterns_prior.csv").read_text() == before
