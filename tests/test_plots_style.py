"""Committed figures must be reproducible byte for byte from the same data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from abm.plots import style  # noqa: E402


def test_the_same_figure_is_saved_as_the_same_bytes(tmp_path):
    paths = []
    for i in range(2):
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [0.1, 0.5, 0.2], label="active")
        ax.set_xlabel("week")
        ax.legend()
        paths.append(style.save(fig, str(tmp_path / f"fig{i}")))
    for a, b in zip(*paths, strict=True):
        with open(a, "rb") as fa, open(b, "rb") as fb:
            assert fa.read() == fb.read(), (a, b)
