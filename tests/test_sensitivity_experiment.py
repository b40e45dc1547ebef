"""experiments/sensitivity.py: its Morris selection against a known answer, and the whole
script at its smoke size into tmp: files, columns, ranges, a README that opens with its
command."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def test_top_parameters_weigh_each_output_by_its_own_largest_effect(experiment):
    sens = experiment("sensitivity")
    morris = pd.DataFrame(
        {
            "output": ["common"] * 3 + ["rare"] * 3 + ["never"] * 3,
            "param": ["a", "b", "c"] * 3,
            # b dominates the common outcome; c the rare one, with a small absolute mu*
            "mu_star": [0.2, 2.0, 0.1, 0.01, 0.0, 0.05, 0.0, 0.0, 0.0],
        }
    )
    rank = sens.top_parameters(morris, 2)
    assert list(rank["param"]) == ["b", "c", "a"]
    assert list(rank["selected"]) == [True, True, False]
    assert rank.set_index("param").loc["c", "where"] == "rare"
    assert rank.set_index("param").loc["a", "mu_star_rel"] == pytest.approx(
        0.2
    )  # 0.01 / 0.05 < 0.2 / 2


def test_sensitivity_writes_its_tables_figures_and_readme(experiment, tmp_path):
    sens = experiment("sensitivity")
    out, work = tmp_path / "out", tmp_path / "work"
    argv = ["--quick", "--workers", "1", "--out", str(out), "--work", str(work)]
    assert sens.main(argv) == 0
    readme = (out / "README.md").read_text()
    assert readme.splitlines()[3].startswith(".venv/bin/python experiments/sensitivity.py --quick")
    assert "Kept their priors (" in readme and "correlated" in readme

    size = sens.SIZES["quick"]
    morris = pd.read_csv(out / "morris.csv")
    n_params = len(sens.priors_screened(size))
    assert len(morris) == n_params * len(sens.OUTPUTS)
    assert "legitimacy_shock" not in set(morris["param"])
    assert (morris["mu_star"] >= 0).all() and (morris["mu_star_conf"] >= 0).all()
    rel = morris["mu_star_rel"].dropna()
    assert ((rel >= 0) & (rel <= 1)).all()
    top = sorted(morris.loc[morris["selected"], "param"].unique())
    assert len(top) == size.top_k

    sobol = pd.read_csv(out / "sobol.csv")
    assert sorted(sobol["param"].unique()) == top  # Sobol over the Morris top k only
    assert set(sobol["output"]) == set(sens.OUTPUTS)
    assert {"S1", "S1_conf", "ST", "ST_conf", "noise_share"} <= set(sobol.columns)

    gd = pd.read_csv(out / "given_data.csv")
    assert set(gd["method"]) == {"delta", "pawn"}
    pawn = gd[gd["method"] == "pawn"]["median"].dropna()
    assert len(pawn) and ((pawn >= 0) & (pawn <= 1)).all()
    assert "(dummy)" in set(gd["param"])
    delta = gd[gd["method"] == "delta"]
    assert delta.loc[delta["output"] != sens.CONTINUOUS, "delta"].isna().all()

    split = pd.read_csv(out / "variance_split.csv").set_index("output")
    assert list(split.index) == list(sens.OUTPUTS)
    assert (split["runs"] == size.draws * size.seeds).all()
    ok = split["param_share"].notna()
    s = split[ok]
    assert ((s["param_share"] >= 0) & (s["param_share"] <= 1)).all()
    assert ((s["low"] <= s["param_share"] + 1e-12) & (s["param_share"] <= s["high"] + 1e-12)).all()
    assert np.allclose(s["param_share"] + s["seed_share"], 1.0)
    for stem in ("morris_mu_star", "sobol_indices", "variance_split", "pawn_posterior"):
        assert (out / "figures" / f"{stem}.png").stat().st_size > 0
