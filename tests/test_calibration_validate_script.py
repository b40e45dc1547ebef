"""experiments/calibration_validate.py end to end on a faked posterior folder (posterior,
sensitivity, predictive and score stages), and its pure helpers."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def script():
    spec = importlib.util.spec_from_file_location(
        "calibration_validate", ROOT / "experiments" / "calibration_validate.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SPEC = {
    "name": "toy_fit",
    "model": "belarus",
    "scenario": "history",
    "period": "fit",
    "estimate": ["legitimacy_shock", "threshold"],
    "bounds": {"legitimacy_shock": [0.15, 0.35]},
    "nuisance": "default",
    "fixed": {"n_citizens": 400},
    "seed": 7,
    "abc": {"population": 10, "generations": 1, "max_simulations": 100, "workers": 1},
}


def fake_posterior(folder: Path, n: int = 12) -> Path:
    """A posterior folder per the contract (posterior.parquet + manifest.json)."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    w = rng.uniform(0.5, 1.5, n)
    pd.DataFrame(
        {
            "legitimacy_shock": rng.uniform(0.2, 0.3, n),
            "threshold": 10 ** rng.uniform(-1.3, -0.8, n),
            "weight": w / w.sum(),
            "distance": rng.uniform(0, 1, n),
            "seed": rng.integers(1, 2**40, n),
        }
    ).to_parquet(folder / "posterior.parquet")
    manifest = {
        "model": "belarus",
        "scenario": "history",
        "period": "fit",
        "steps": 113,
        "estimated": SPEC["estimate"],
        "params": SPEC["estimate"],
        "nuisance": "default",
        "fixed": SPEC["fixed"],
        "bounds": SPEC["bounds"],
        "generations": 1,
        "epsilons": [3.0],
        "simulations": 40,
        "accepted": n,
        "wall_s": 1.0,
        "git_commit": "fake",
        "spec": SPEC,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_score_tables_from_true_values():
    pytest.importorskip("abm.calibration.spec")
    from abm import catalog

    m = script()
    t = catalog.get("belarus").targets(period="all")
    good = {s.key: (s.observation.value if s.binary else s.observation.low * 1.2) for s in t.stats}
    for s in t.stats:  # Viasna reports 0.75-0.85 of the truth: aim the truth at the report
        if s.observation.error_kind == "viasna_undercount" and not s.binary:
            good[s.key] = s.observation.low / 0.8 if s.observation.low > 0 else 1.0
    bad = {
        k: (v if any(k == s.key and s.binary for s in t.stats) else 50 * v + 50)
        for k, v in good.items()
    }
    long = pd.concat(
        [
            m.score_table(pd.DataFrame([good] * 20), t, "posterior"),
            m.score_table(pd.DataFrame([bad] * 20), t, "prior"),
        ]
    )
    sk = m.skill_table(long)
    assert len(sk) == len(t.stats)
    assert sk["covered_posterior"].mean() > 0.9
    crps = sk[sk["score_kind"].str.startswith("crps")]
    assert (crps["skill"] > 0.5).all()
    agg = m.aggregate(sk)
    assert agg["crps"]["skill"] > 0.5 and agg["covered_posterior"] >= agg["covered_prior"]


def test_stages_on_a_faked_posterior(tmp_path):
    pytest.importorskip("abm.posterior")
    pytest.importorskip("abm.calibration.spec")
    m = script()
    post = fake_posterior(tmp_path / "post")
    out, work = tmp_path / "results", tmp_path / "work"
    common = ["--posterior", str(post), "--out", str(out), "--work", str(work), "--workers", "1"]
    assert m.main(["--stages", "posterior,sensitivity,predictive", "--draws", "2", *common]) == 0
    est = pd.read_csv(out / "estimates.csv")
    assert list(est["parameter"]) == SPEC["estimate"]
    assert (est["lo90"] <= est["median"]).all() and (est["median"] <= est["hi90"]).all()
    sens = pd.read_csv(out / "sensitivity.csv")
    assert set(sens["prior"]) == {"base", "flip_scale", "half_width", "centred"}
    fit = pd.read_csv(out / "predictive_fit.csv")
    assert set(fit["period"]) == {"fit"} and set(fit["check"]) == {"prior", "posterior"}
    for name in ("marginals", "pairs", "sensitivity", "predictive_fit"):
        assert (out / f"{name}.png").exists()
    runs = (work / "predictive" / "posterior.jsonl").read_text().splitlines()
    assert len(runs) == 2 and all(json.loads(r)["error"] is None for r in runs)
    # the held-out period: scored once, then refused without --rescore
    assert m.main(["--stages", "score", "--draws", "2", *common]) == 0
    scores = pd.read_csv(out / "scores.csv")
    assert set(scores["period"]) == {"holdout"} and "skill" in scores
    md = (out / "holdout.md").read_text()
    assert "scored once" in md and "none given" in md
    with pytest.raises(SystemExit, match="already scored once"):
        m.main(["--stages", "score", "--draws", "2", *common])
    # the predictive runs were reused, not rerun
    assert len((work / "predictive" / "posterior.jsonl").read_text().splitlines()) == 2
    report = (out / "validation.md").read_text()
    assert report.startswith("# Estimation - validation\n\n```bash\n.venv/bin/python")
    assert "Held-out scores" in report and "Estimated parameters" in report
    assert math.isfinite(json.loads((out / "validation.json").read_text())["score"]["wall_s"])


def test_recovery_stage_with_a_stand_in_calibration(tmp_path, monkeypatch):
    """The recovery orchestration: truths satisfying the hard facts, synthetic targets,
    one calibration per data set (here a stand-in writing a posterior folder around the
    truth), the tables and figures; a rerun reuses the truths and the posteriors."""
    pytest.importorskip("abm.calibration.abc")
    import abm.calibration.abc as abc

    m = script()
    spec_path = tmp_path / "spec.toml"
    spec_path.write_text(
        'name = "toy_fit"\nmodel = "belarus"\nscenario = "history"\nperiod = "fit"\n'
        'estimate = ["legitimacy_shock", "threshold"]\nnuisance = "default"\nseed = 7\n'
        "[abc]\npopulation = 10\ngenerations = 1\nmax_simulations = 100\nworkers = 1\n"
    )
    calls = []

    def stand_in(spec, out_dir, resume=False, target=None, progress=True, workers=None, **_):
        calls.append(target)
        assert target is not None and target.period == "fit"
        assert all(s.observation.source.startswith("synthetic") for s in target.stats)
        k = int(spec["name"].rsplit("_", 1)[1])
        truth = json.loads((Path(out_dir).parent / f"truth_{k}.json").read_text())["theta"]
        rng = np.random.default_rng(k)
        n = 50
        out = Path(out_dir)
        out.mkdir(parents=True)
        pd.DataFrame(
            {
                "legitimacy_shock": np.clip(
                    truth["legitimacy_shock"] + rng.normal(0, 0.02, n), 0.1, 0.4
                ),
                "threshold": np.clip(truth["threshold"] * 10 ** rng.normal(0, 0.1, n), 0.03, 0.3),
                "weight": np.full(n, 1 / n),
            }
        ).to_parquet(out / "posterior.parquet")
        (out / "manifest.json").write_text(
            json.dumps(
                {
                    "model": "belarus",
                    "params": ["legitimacy_shock", "threshold"],
                    "simulations": 30,
                    "wall_s": 2.0,
                    "generations": 1,
                    "epsilons": [1.0],
                    "spec": spec,
                }
            )
        )
        return out

    monkeypatch.setattr(abc, "calibrate", stand_in)
    out, work = tmp_path / "results", tmp_path / "work"
    argv = [
        "--stages",
        "recovery",
        "--spec",
        str(spec_path),
        "--datasets",
        "2",
        "--n-citizens",
        "300",
        "--out",
        str(out),
        "--work",
        str(work),
        "--workers",
        "1",
    ]
    assert m.main(argv) == 0
    table = pd.read_csv(out / "recovery.csv")
    assert len(table) == 4 and set(table["dataset"]) == {0, 1}
    assert (table[table["parameter"] == "threshold"]["units"] == "log10").all()
    assert table["contraction"].between(0.5, 1.0).all()
    runs = pd.read_csv(out / "recovery_runs.csv")
    assert (runs["truth_tries"] >= 1).all() and (runs["simulations"] == 30).all()
    for name in ("recovery", "contraction"):
        assert (out / f"{name}.png").exists()
    assert "Parameter recovery (2 synthetic data sets)" in (out / "validation.md").read_text()
    assert len(calls) == 2
    assert m.main(argv) == 0 and len(calls) == 2  # done data sets are not recalibrated
