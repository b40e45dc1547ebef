"""Vision shapes and the padded torus map the kernel reads them from."""

from __future__ import annotations

import numpy as np
import pytest

from abm.engine import kernel
from abm.engine.neighbourhood import SHAPES, linear_offsets, vision_offsets


@pytest.mark.parametrize(
    ("vision", "shape", "cells"),
    [
        (1, "von_neumann", 4),
        (7, "von_neumann", 112),  # 2 r (r + 1): Mesa's example sees 112 cells
        (7.9, "von_neumann", 112),  # whole cells only
        (1.7, "von_neumann", 4),
        (1, "moore", 8),
        (7, "moore", 224),  # (2 r + 1)^2 - 1
        (1.7, "euclidean", 8),  # run 1's 1.7 reaches the diagonal (sqrt 2) but not 2
        (1.4, "euclidean", 4),
        (7, "euclidean", 148),  # Gauss circle N(7) = 149 lattice points, minus the own cell
        (7, "cross", 28),  # 4 r: Sugarscape's north, south, east, west
        (0.5, "moore", 0),
    ],
)
def test_vision_cell_counts(vision, shape, cells):
    off = vision_offsets(vision, shape)
    assert off.shape == (cells, 2)
    assert not ((off[:, 0] == 0) & (off[:, 1] == 0)).any()  # own cell excluded
    assert len({tuple(o) for o in off}) == cells


def test_shapes_nest():
    v = 5
    sets = {s: {tuple(o) for o in vision_offsets(v, s)} for s in SHAPES}
    assert sets["cross"] <= sets["von_neumann"] <= sets["euclidean"] <= sets["moore"]


def test_unknown_shape_names_the_choices():
    with pytest.raises(ValueError, match="von_neumann"):
        vision_offsets(3, "hexagonal")


@pytest.mark.parametrize("shape", SHAPES)
def test_padded_map_reads_the_torus(shape):
    """Reading base + linear offset in the halo-padded map equals a modulo walk on the torus,
    for every cell, including the corners where the halo wraps twice."""
    rng = np.random.default_rng(3)
    height, width, vision = 9, 13, 4.3
    torus = rng.integers(0, 5, size=(height, width)).astype(np.uint8)
    off = vision_offsets(vision, shape)
    halo = int(vision)
    padded = kernel.padded_kind(torus, halo)
    lin = linear_offsets(off, width + 2 * halo)
    for y in range(height):
        for x in range(width):
            base = (y + halo) * (width + 2 * halo) + x + halo
            got = padded[base + lin]
            want = torus[(y + off[:, 0]) % height, (x + off[:, 1]) % width]
            assert np.array_equal(got, want), (y, x)


def test_set_kind_keeps_every_halo_copy_in_step():
    rng = np.random.default_rng(4)
    height, width, halo = 10, 12, 4
    torus = np.zeros((height, width), dtype=np.uint8)
    padded = kernel.padded_kind(torus, halo)
    for _ in range(300):
        y, x = int(rng.integers(height)), int(rng.integers(width))
        v = int(rng.integers(5))
        torus[y, x] = v
        kernel.set_kind(padded, y * width + x, v, height, width, halo)
        assert np.array_equal(padded, kernel.padded_kind(torus, halo))
