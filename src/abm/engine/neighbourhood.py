"""Vision shapes as lists of cell offsets.

Epstein (2002) defines vision as "the number of lattice positions (north, south, east and
west of the agent's position) that the agent is able to inspect" but gives fractional
values (run 1: 1.7); implementations disagree on the shape it spans, so the shape is a
parameter:

- ``von_neumann``: the diamond |dx| + |dy| <= floor(v), as in Mesa's bundled example
  (``OrthogonalVonNeumannGrid.get_neighborhood(radius)``).
- ``moore``: the square max(|dx|, |dy|) <= floor(v), Mesa's ``OrthogonalMooreGrid``.
- ``euclidean``: the disc dx^2 + dy^2 <= v^2, NetLogo Rebellion's ``in-radius vision``;
  the only shape where a fractional vision such as run 1's 1.7 matters.
- ``cross``: the four principal directions up to floor(v) cells, the Sugarscape
  convention (Epstein & Axtell 1996) that the paper's wording suggests.

The agent's own cell is never included.
"""

from __future__ import annotations

import math

import numpy as np

SHAPES = ("von_neumann", "moore", "euclidean", "cross")


def vision_radius(vision: float) -> int:
    """Largest |dy| or |dx| any shape reaches for a vision ``vision``."""
    return math.floor(vision)


def vision_offsets(vision: float, shape: str) -> np.ndarray:
    """Return an (n, 2) int array of (dy, dx) offsets seen from a cell, own cell excluded.

    Offsets are in row-major order so that the enumeration order inside the kernel is
    fixed; the order matters for reproducibility because a random pick indexes into it.
    """
    if shape not in SHAPES:
        raise ValueError(f"unknown vision shape {shape!r}; allowed: {', '.join(SHAPES)}")
    r = vision_radius(vision)
    rows = []
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            if dy == 0 and dx == 0:
                continue
            if shape == "von_neumann":
                keep = abs(dx) + abs(dy) <= r
            elif shape == "moore":
                keep = True
            elif shape == "euclidean":
                keep = dx * dx + dy * dy <= vision * vision + 1e-12
            else:
                keep = dx == 0 or dy == 0
            if keep:
                rows.append((dy, dx))
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


def linear_offsets(offsets: np.ndarray, padded_width: int) -> np.ndarray:
    """Offsets as index steps in a row-major padded array ``padded_width`` cells wide.

    The kernel keeps a copy of the grid with a halo of wrapped cells around it, so a
    neighbour of an interior cell is one addition away: no modulo, no branch.
    """
    return (offsets[:, 0] * padded_width + offsets[:, 1]).astype(np.int64)
