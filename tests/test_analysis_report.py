"""`abm report` and `abm plot` on synthetic sweeps: every section and figure is written,
nothing half-written is left behind, and a refusal is reported rather than hidden."""

import re

import pytest

from abm.analysis.load import load
from abm.analysis.report import _sensitivity, write_report
from abm.cli import main

BOUNDS = {"a": (0.0, 1.0), "b": (0.0, 1.0)}


@pytest.fixture(scope="module")
def sobol_folder(known_results):
    return known_results("sobol", 32, bounds=BOUNDS, seed=3, replicates=3, steps=30)  # 128 points


def test_report_has_every_section_and_its_figures_exist(sobol_folder, tmp_path):
    out = tmp_path / "out"
    path = write_report(sobol_folder, out)
    text = path.read_text()
    for heading in (
        "## Varied parameters",
        "## Runs",
        "## Outcomes",
        "## Figures",
        "## Global sensitivity",
        "## Scenario discovery (PRIM)",
        "### Feature scores",
        "## How these numbers were made",
    ):
        assert heading in text
    assert "planned: **384**, finished: **384**, failed: **0**" in text
    assert "| `a` | [0, 1] | share |" in text  # the unit the sweep recorded in its manifest
    assert re.search(r"\| uprising \| a \| 0\.\d+ \|", text)  # a Sobol row for a
    images = re.findall(r"!\[[^\]]*\]\((figures/[^)]+)\.png\)", text)
    assert {
        "figures/probability_by_a",
        "figures/heatmap_uprising_a_b",
        "figures/envelopes",
        "figures/time_to_event",
        "figures/event_timelines",
        "figures/sobol",
        "figures/prim_uprising",
        "figures/feature_scores",
    } <= set(images)
    for stem in images:
        assert (out / f"{stem}.png").stat().st_size > 1000
        assert (out / f"{stem}.svg").read_text().lstrip().startswith("<?xml")
    leftovers = [p.name for p in out.rglob(".*")]
    assert leftovers == []  # no staging folder or temporary report left behind


def test_report_states_a_refusal_instead_of_hiding_it(known_results, tmp_path):
    folder = known_results(
        "sobol", 8, bounds=BOUNDS, replicates=2, failed=[(5, 0)], keep_series=False
    )
    text = write_report(folder).read_text()
    assert "**Not computed:** output 'uprising': 1 of 32 design points" in text
    assert "point_id 5" in text
    assert "| `RuntimeError: injected` | 1 |" in text
    section = "\n".join(_sensitivity(load(folder), tmp_path / "f", tmp_path, "replicates"))
    assert "**Not computed:**" not in section
    assert "1 points averaged over fewer replicates" in section


def test_report_on_a_grid_says_why_there_are_no_indices(known_results):
    folder = known_results("grid", 3, bounds=BOUNDS, replicates=20, keep_series=False)
    text = write_report(folder).read_text()
    assert "No indices: this sweep's design is `grid`" in text
    assert "heatmap_uprising_a_b.png" in text


def test_cli_plot_and_report(known_results, tmp_path, capsys):
    half = {"uprising": lambda x: 0.5}
    folder = known_results(
        "grid", 2, bounds=BOUNDS, probabilities=half, replicates=10, keep_series=False
    )
    assert main(["plot", str(folder), "--out", str(tmp_path / "figs")]) == 0
    assert (tmp_path / "figs" / "time_to_event.svg").exists()
    assert "wrote" in capsys.readouterr().out
    assert main(["report", str(folder), "--out", str(tmp_path / "rep"), "--impute", "mean"]) == 0
    text = (tmp_path / "rep" / "report.md").read_text()
    assert "impute='mean'" not in text  # a grid has no sensitivity section to impute for
    assert "No significant restriction" in text  # P = 0.5 everywhere: PRIM finds no box


def test_cli_refuses_a_folder_that_is_not_a_sweep(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a results folder (no manifest.json)" in capsys.readouterr().err
    assert main(["plot", str(tmp_path), "--confidence", "1.5"]) == 2
    assert "'--confidence'" in capsys.readouterr().err


def test_a_real_sweep_of_the_toy_model_gives_the_known_answers(tmp_path):
    """End to end through `abm sweep`'s machinery: the toy model's uprising depends on a only."""
    from abm.analysis.discovery import prim_boxes
    from abm.analysis.load import load
    from abm.analysis.sensitivity import sobol
    from abm.sweep import run_sweep

    spec = {
        "name": "toy",
        "model": "toy_outcomes",
        "imports": ["abm.known_answers"],
        "steps": 30,
        "replicates": 3,
        "seed": 5,
        "keep_series": "all",
        "vary": {k: {"range": [0.0, 1.0]} for k in ("a", "b", "c")},
        "design": {"kind": "sobol", "n": 32, "second_order": False},
    }
    run_sweep(spec, tmp_path / "s", workers=1, progress=False, handle_signals=False)
    res = load(tmp_path / "s")
    assert len(res.runs) == 480 and res.horizon == 30
    st = sobol(res, ["uprising"], num_resamples=200).set_index("param")["ST"]
    assert st.idxmax() == "a"
    box = prim_boxes(res, ["uprising"])[0]["uprising"]
    assert box.box["param"].tolist() == ["a"]
    text = write_report(res).read_text()
    assert "| `a` | [0, 1] | share |" in text
    assert "| status | complete |" in text


def test_a_nan_summary_does_not_hide_the_outcome_indices(known_results, tmp_path):
    folder = known_results(
        "sobol", 8, bounds=BOUNDS, replicates=2, nan_score=[(3, 1)], keep_series=False
    )
    section = "\n".join(_sensitivity(load(folder), tmp_path / "f", tmp_path, "refuse"))
    assert re.search(r"\| uprising \| a \| -?\d", section)  # outcome indices computed
    assert "- `score`: not computed: output 'score'" in section
    assert "runs at point_id 3 returned NaN" in section


def test_units_come_from_the_manifest_the_sweep_wrote(known_results):
    """A results folder describes the code that made it: a unit the model has since
    changed (here: the manifest says 'widgets', the toy model today 'share') is read from
    the folder, in the report and on the figures' axes."""
    import json

    from abm.analysis.figures import param_label

    folder = known_results("grid", 2, bounds=BOUNDS, replicates=2, keep_series=False)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["units"]["params"] == {"a": "share", "b": "share"}
    manifest["units"]["params"]["a"] = "widgets"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert param_label(load(folder), "a") == "a [widgets]"
    assert "| `a` | [0, 1], 2 levels | widgets |" in write_report(folder).read_text()
