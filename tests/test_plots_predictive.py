"""Predictive figures: bands beside observations (floors included), coverage rows."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd

from abm.plots.predictive import Band, Panel, Point, band_panels, coverage_chart


def test_band_panels_write_png_and_svg_with_floors_and_ranges(tmp_path):
    x = [date(2020, 8, 9) + timedelta(weeks=k) for k in range(30)]
    m = np.linspace(1e5, 1e3, 30)
    panel = Panel(
        "protesters",
        "people per week",
        [Band("prior predictive", x, m / 3, m, m * 3)],
        [Point(x[1], 150_000, 100_000, 200_000), Point(x[20], 25_000, 25_000, math.inf)],
        log=True,
    )
    paths = band_panels(
        [panel, Panel("empty", "people", [Band("b", x, m, m, m)])], str(tmp_path / "f")
    )
    assert [p.rsplit(".", 1)[1] for p in paths] == ["png", "svg"]
    img = mpimg.imread(paths[0])
    assert img.shape[0] > 300 and img.std() > 0  # drawn, not blank


def test_coverage_chart_leaves_zero_valued_facts_to_a_table(tmp_path):
    summary = pd.DataFrame(
        {
            "key": ["a", "b", "no_mutiny"],
            "period": ["fit", "holdout", "fit"],
            "observed": [100.0, 50.0, 0.0],
            "observed_low": [90.0, 50.0, 0.0],
            "observed_high": [110.0, math.inf, 0.0],
            "runs": [10, 10, 10],
            "median": [80.0, 60.0, 0.0],
            "band_low": [20.0, 10.0, 0.0],
            "band_high": [300.0, 90.0, 0.0],
        }
    )
    paths = coverage_chart(summary, {"a": "crowd", "b": "detained"}, str(tmp_path / "c"))
    svg = Path(paths[1]).read_text()
    assert "crowd" in svg and "detained" in svg and "no_mutiny" not in svg
