"""The compiled hot path: one asynchronous (random-sequential) step of Epstein's model.

Every draw comes from the model's ``numpy.random.Generator``, passed into numba, which
advances the very same bit-generator state; a run is therefore a pure function of
(parameters, seed), and Python code before or after the kernel shares one random stream.

State layout (all flat numpy arrays, cell index = row * width + col):
- ``grid[cell]``: agent index occupying the cell, or -1. Citizens are agents
  0 .. n_cit-1, cops n_cit .. n_agents-1.
- ``pos[agent]``: cell index, or -1 when the agent is off the grid (jailed citizen,
  off-duty cop).
- ``jail_left[citizen]``: -1 when free, else further steps to serve (INF_JAIL = forever).
- ``active[citizen]``: 1 when openly rebelling.
"""

from __future__ import annotations

import numba
import numpy as np

from abm.engine.rules import arrest_probability, goes_active

INF_JAIL = np.int64(2**62)


@numba.njit(cache=True, inline="always")
def _cell_at(cell, dy, dx, height, width):
    y = cell // width + dy
    x = cell % width + dx
    if y < 0:
        y += height
    elif y >= height:
        y -= height
    if x < 0:
        x += width
    elif x >= width:
        x -= width
    return y * width + x


@numba.njit(cache=True)
def _move(agent, pos, grid, offsets, height, width, rng, cell_region, region):
    """Rule M: move to a uniformly random empty cell in vision (region < 0: anywhere)."""
    here = pos[agent]
    n_empty = 0
    for j in range(offsets.shape[0]):
        c = _cell_at(here, offsets[j, 0], offsets[j, 1], height, width)
        if grid[c] < 0 and (region < 0 or cell_region[c] == region):
            n_empty += 1
    if n_empty == 0:
        return
    pick = rng.integers(0, n_empty)
    for j in range(offsets.shape[0]):
        c = _cell_at(here, offsets[j, 0], offsets[j, 1], height, width)
        if grid[c] < 0 and (region < 0 or cell_region[c] == region):
            if pick == 0:
                grid[here] = -1
                grid[c] = agent
                pos[agent] = c
                return
            pick -= 1


@numba.njit(cache=True)
def release_and_place(pos, grid, jail_left, active, n_cit, rng):
    """Start-of-step jail bookkeeping, in citizen-index order (deterministic).

    A citizen with no term left returns to a uniformly random empty cell of the whole grid
    (Epstein does not say where the released reappear); everyone else serves one more step.
    Returns the number released.
    """
    n_cells = grid.shape[0]
    released = 0
    for i in range(n_cit):
        t = jail_left[i]
        if t < 0 or t == INF_JAIL:
            continue
        if t > 0:
            jail_left[i] = t - 1
            continue
        cell = -1
        for _ in range(10_000):
            c = rng.integers(0, n_cells)
            if grid[c] < 0:
                cell = c
                break
        if cell < 0:  # grid nearly full: stay jailed one more step rather than overlap
            continue
        grid[cell] = i
        pos[i] = cell
        jail_left[i] = -1
        active[i] = 0
        released += 1
    return released


@numba.njit(cache=True)
def step_random_sequential(
    pos,
    grid,
    n_cit,
    grievance,
    risk_aversion,
    threshold,
    active,
    jail_left,
    cop_region,
    cell_region,
    cit_offsets,
    cop_offsets,
    height,
    width,
    k,
    rule,
    jail_max,
    jail_fixed,
    movement,
    cops_locked,
    order,
    rng,
):
    """Activate every agent once in a fresh random order; return the number of arrests.

    Per agent, as in NetLogo Rebellion: move (rule M), then act - a citizen applies rule A
    with its current neighbourhood, a cop applies rule C (arrest one random active in
    vision and step onto the arrestee's cell). Agents arrested earlier in the same step do
    not act.
    """
    n_agents = pos.shape[0]
    for i in range(n_agents):  # Fisher-Yates with the model's generator
        order[i] = i
    for i in range(n_agents - 1, 0, -1):
        j = rng.integers(0, i + 1)
        tmp = order[i]
        order[i] = order[j]
        order[j] = tmp

    arrests = 0
    for idx in range(n_agents):
        a = order[idx]
        if pos[a] < 0:
            continue
        if a < n_cit:
            if movement:
                _move(a, pos, grid, cit_offsets, height, width, rng, cell_region, -1)
            here = pos[a]
            cops = 0
            actives = 1  # the citizen counts herself as active when estimating
            for j in range(cit_offsets.shape[0]):
                other = grid[_cell_at(here, cit_offsets[j, 0], cit_offsets[j, 1], height, width)]
                if other >= n_cit:
                    cops += 1
                elif other >= 0 and active[other] == 1:
                    actives += 1
            p = arrest_probability(cops, actives, k, rule)
            active[a] = 1 if goes_active(grievance[a], risk_aversion[a], p, threshold[a]) else 0
        else:
            region = cop_region[a - n_cit] if cops_locked else -1
            if movement:
                _move(a, pos, grid, cop_offsets, height, width, rng, cell_region, region)
            here = pos[a]
            n_act = 0
            for j in range(cop_offsets.shape[0]):
                other = grid[_cell_at(here, cop_offsets[j, 0], cop_offsets[j, 1], height, width)]
                if 0 <= other < n_cit and active[other] == 1:
                    n_act += 1
            if n_act == 0:
                continue
            pick = rng.integers(0, n_act)
            for j in range(cop_offsets.shape[0]):
                c = _cell_at(here, cop_offsets[j, 0], cop_offsets[j, 1], height, width)
                other = grid[c]
                if 0 <= other < n_cit and active[other] == 1:
                    if pick == 0:
                        if jail_max < 0:
                            term = INF_JAIL
                        elif jail_fixed:
                            term = np.int64(jail_max)
                        else:
                            term = rng.integers(0, jail_max + 1)
                        jail_left[other] = term
                        active[other] = 0
                        pos[other] = -1
                        grid[c] = -1
                        if region < 0 or cell_region[c] == region:
                            grid[here] = -1
                            grid[c] = a
                            pos[a] = c
                        arrests += 1
                        break
                    pick -= 1
    return arrests


@numba.njit(cache=True)
def place_agents(agents, pos, grid, rng, cells):
    """Put off-grid ``agents`` on uniformly random empty cells drawn from ``cells``."""
    placed = 0
    n = cells.shape[0]
    for a in agents:
        for _ in range(100_000):
            c = cells[rng.integers(0, n)]
            if grid[c] < 0:
                grid[c] = a
                pos[a] = c
                placed += 1
                break
    return placed
