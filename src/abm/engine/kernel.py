"""The compiled hot path: one asynchronous (random-sequential) step of Epstein's model.

Every draw comes from the model's ``numpy.random.Generator``, passed into numba, which
advances the very same bit-generator state; a run is therefore a pure function of
(parameters, seed), and Python code before or after the kernel shares one random stream.

State layout (flat numpy arrays, cell index = row * width + col on the torus):

- ``grid[cell]``: agent index occupying the cell, or -1. Citizens are agents
  0 .. n_cit-1, police n_cit .. n_agents-1.
- ``pos[agent]``: cell index, or -1 when the agent is off the grid (a citizen jailed off
  the grid, an officer off duty).
- ``jail_left[citizen]``: -1 when free, else further whole steps to serve
  (``INF_JAIL`` = for ever).
- ``active[citizen]``: 1 when openly rebelling.
- ``gtr[4 citizen + 0..3]``: grievance G, risk aversion R, threshold T (and a pad), packed
  so that rule A's inputs for a citizen picked at random share one cache line.
- ``kind[padded cell]``: what stands on each cell (EMPTY, QUIET, ACTIVE, COP, JAILED) in a
  copy of the torus padded by a ``halo`` of wrapped cells on every side. Every look
  around an agent reads only this byte array at ``base + precomputed step``: no modulo,
  no bounds branch, and a cache-friendly 1 byte per cell. Every write goes through
  ``set_kind``, which also updates the cell's halo copies.

``opts`` (int64 array) carries the variant switches, indexed by the ``OPT_*`` constants.
The arrays and the torus geometry travel together as one ``Lattice`` tuple, so the kernel's
entry points share one argument list.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from abm.engine.prefetch import prefetch
from abm.engine.rules import (
    INF_JAIL,
    arrest_probability,
    goes_active,
    jail_term,
    randint,
    sanction_probability,
)

EMPTY, K_QUIET, K_ACTIVE, K_COP, K_JAILED = 0, 1, 2, 3, 4


class Lattice(NamedTuple):
    """The state and geometry a step reads and writes (see the layout above), in the order
    ``step_random_sequential`` unpacks them; ``cit_*``/``cop_*`` are the vision offsets
    (padded linear index, row, column) of citizens and police, ``region_p`` the cell's
    region on the padded torus, ``arrest_cell`` the torus cell each citizen was last
    arrested on (-1 before any arrest; a model reads where a protest was broken up)."""

    pos: np.ndarray
    grid: np.ndarray
    kind: np.ndarray
    n_cit: int
    gtr: np.ndarray
    active: np.ndarray
    jail_left: np.ndarray
    cop_region: np.ndarray
    cell_region: np.ndarray
    region_p: np.ndarray
    cit_lin: np.ndarray
    cit_dy: np.ndarray
    cit_dx: np.ndarray
    cop_lin: np.ndarray
    cop_dy: np.ndarray
    cop_dx: np.ndarray
    height: int
    width: int
    halo: int
    arrest_cell: np.ndarray


(
    OPT_RULE,
    OPT_JAIL_MAX,
    OPT_JAIL_DRAW,
    OPT_MOVEMENT,
    OPT_COP_MOVEMENT,
    OPT_COPS_LOCKED,
    OPT_ACT_FIRST,
    OPT_COP_TO_ARREST,
    OPT_JAIL_IN_PLACE,
    OPT_SELF_TWICE,
) = range(10)
N_OPTS = 10


@numba.njit(cache=True, inline="always")
def _wrap(v, n):
    if v < 0:
        return v + n
    if v >= n:
        return v - n
    return v


@numba.njit(cache=True, inline="always")
def set_kind_yx(kind, y, x, value, height, width, halo):
    """Write ``value`` for torus cell (y, x) into the padded array and its halo copies.

    With halo < side / 2 (guaranteed by the world's validation) a cell has at most one
    extra row copy and one extra column copy, hence at most four writes.
    """
    pw = width + 2 * halo
    y1 = y + halo
    x1 = x + halo
    y2 = -1
    if y < halo:
        y2 = y + height + halo
    elif y >= height - halo:
        y2 = y - height + halo
    x2 = -1
    if x < halo:
        x2 = x + width + halo
    elif x >= width - halo:
        x2 = x - width + halo
    kind[y1 * pw + x1] = value
    if y2 >= 0:
        kind[y2 * pw + x1] = value
        if x2 >= 0:
            kind[y2 * pw + x2] = value
    if x2 >= 0:
        kind[y1 * pw + x2] = value


@numba.njit(cache=True)
def set_kind(kind, cell, value, height, width, halo):
    """``set_kind_yx`` for a flat cell index (one division; used off the hot path)."""
    y = cell // width
    set_kind_yx(kind, y, cell - y * width, value, height, width, halo)


@numba.njit(cache=True, inline="always")
def _base(y, x, width, halo):
    return (y + halo) * (width + 2 * halo) + x + halo


#: Prefetching pays from this many cells on (below, the whole state fits in L1/L2).
PREFETCH_CELLS = 1 << 16
#: How many agents ahead in the random order to prefetch positions, then the rest.
PF_POS, PF_AHEAD = 8, 4

#: Rejection-sampling tries before a move falls back to listing the empty cells.
MOVE_TRIES = 32


@numba.njit(cache=True, inline="always")
def _pick_empty(kind, base, lin, rng, region_p, region, buf):
    """Rule M's choice: a uniformly random empty cell in vision, as an offset index.

    Rejection sampling (draw a cell of the vision uniformly until an empty one comes up: a
    few draws at Epstein's densities) is exactly uniform over the empty cells; after
    ``MOVE_TRIES`` misses one pass lists the empty cells in the scratch ``buf`` and picks
    among them, which is also uniform, and finds out when there is none (-1).
    ``region >= 0`` admits only cells of that region (police posted to a region).
    """
    n = lin.shape[0]
    if n == 0:
        return -1
    for _ in range(MOVE_TRIES):
        t = randint(rng, n)
        c = base + lin[t]
        if kind[c] == EMPTY and (region < 0 or region_p[c] == region):
            return t
    n_empty = 0
    if region < 0:  # region_p is a 1-cell placeholder then: never index it
        for t in range(n):
            buf[n_empty] = t
            n_empty += kind[base + lin[t]] == EMPTY
    else:
        for t in range(n):
            c = base + lin[t]
            buf[n_empty] = t
            n_empty += (kind[c] == EMPTY) & (region_p[c] == region)
    if n_empty == 0:
        return -1
    return buf[randint(rng, n_empty)]


@numba.njit(cache=True, inline="always")
def _relocate(agent, y, x, ny, nx, own_kind, pos, grid, kind, height, width, halo):
    """Move ``agent`` from torus cell (y, x) to the empty cell (ny, nx)."""
    here = y * width + x
    new = ny * width + nx
    grid[here] = -1
    grid[new] = agent
    pos[agent] = new
    set_kind_yx(kind, y, x, EMPTY, height, width, halo)
    set_kind_yx(kind, ny, nx, own_kind, height, width, halo)


@numba.njit(cache=True, inline="always")
def _look(kind, base, lin):
    """(police, active citizens) in the vision around padded cell ``base``, own cell excluded."""
    cops = 0
    actives = 0
    for j in range(lin.shape[0]):
        v = kind[base + lin[j]]
        cops += v == K_COP
        actives += v == K_ACTIVE
    return cops, actives


@numba.njit(cache=True, inline="always")
def _pick_active(kind, base, lin, rng, buf):
    """Rule C's choice: a uniformly random active citizen in vision, as an offset index.

    One branch-free pass lists the active cells in the scratch ``buf``; -1 when none.
    """
    n_act = 0
    for j in range(lin.shape[0]):
        buf[n_act] = j
        n_act += kind[base + lin[j]] == K_ACTIVE
    if n_act == 0:
        return -1
    return buf[randint(rng, n_act)]


@numba.njit(cache=True, inline="always")
def _arrest(
    cop,
    y,
    x,
    sy,
    sx,
    pos,
    grid,
    kind,
    active,
    jail_left,
    height,
    width,
    halo,
    rng,
    opts,
    cell_region,
    region,
    arrest_cell,
):
    """Rule C's act: jail the citizen on torus cell (sy, sx), seen by ``cop`` from (y, x).

    The term is drawn by ``rules.jail_term``. Off the grid (paper, NetLogo) the arrestee's
    cell empties and, with ``OPT_COP_TO_ARREST`` (NetLogo), the officer steps onto it if
    it lies in the officer's region; in place (Mesa's example) the cell stays taken.
    """
    cell = sy * width + sx
    suspect = grid[cell]
    arrest_cell[suspect] = cell
    jail_left[suspect] = jail_term(rng, opts[OPT_JAIL_MAX], opts[OPT_JAIL_DRAW])
    active[suspect] = 0
    if opts[OPT_JAIL_IN_PLACE]:
        set_kind_yx(kind, sy, sx, K_JAILED, height, width, halo)
        return
    grid[cell] = -1
    pos[suspect] = -1
    set_kind_yx(kind, sy, sx, EMPTY, height, width, halo)
    if opts[OPT_COP_TO_ARREST] and (region < 0 or cell_region[cell] == region):
        _relocate(cop, y, x, sy, sx, K_COP, pos, grid, kind, height, width, halo)


@numba.njit(cache=True)
def shuffle_order(order, rng):
    """Fill ``order`` with a uniformly random permutation (Fisher-Yates, model's generator)."""
    n = order.shape[0]
    for i in range(n):
        order[i] = i
    for i in range(n - 1, 0, -1):
        j = randint(rng, i + 1)
        tmp = order[i]
        order[i] = order[j]
        order[j] = tmp


@numba.njit(cache=True)
def step_random_sequential(lat, k, opts, order, rng, extra_risk=0.0):
    """Activate every agent once in a fresh random order; return the number of arrests.

    ``extra_risk`` is a risk of sanction every citizen faces on top of the local arrest
    estimate (``rules.sanction_probability``; 0 = Epstein's rule exactly).

    Epstein (2002): "An agent or cop is selected at random and, under rule M, moves to a
    random site within his vision, where he acts in accord with rule C (if a cop) or A
    (if an agent)". With ``OPT_ACT_FIRST`` an agent acts first and then moves (Mesa's
    example). Citizens arrested earlier in the same step do not act; jailed citizens and
    off-duty officers are skipped.
    """
    (
        pos,
        grid,
        kind,
        n_cit,
        gtr,
        active,
        jail_left,
        cop_region,
        cell_region,
        region_p,
        cit_lin,
        cit_dy,
        cit_dx,
        cop_lin,
        cop_dy,
        cop_dx,
        height,
        width,
        halo,
        arrest_cell,
    ) = lat
    shuffle_order(order, rng)
    rule = opts[OPT_RULE]
    movement = opts[OPT_MOVEMENT] != 0
    cop_movement = opts[OPT_COP_MOVEMENT] != 0
    act_first = opts[OPT_ACT_FIRST] != 0
    locked = opts[OPT_COPS_LOCKED] != 0
    self_twice = opts[OPT_SELF_TWICE] != 0
    buf = np.empty(max(cit_lin.shape[0], cop_lin.shape[0]) + 1, dtype=np.int64)
    arrests = 0
    n_order = order.shape[0]
    pw = width + 2 * halo
    # On big grids fetch ahead: agent idx + PF_POS's position, agent idx + PF_AHEAD's
    # neighbourhood rows and rule-A inputs (docs/performance.md). Small grids sit in L1.
    pf = height * width >= PREFETCH_CELLS
    reach = 2 * halo if (movement or cop_movement) else halo
    for idx in range(n_order):
        if pf:
            if idx + PF_POS < n_order:
                prefetch(pos, order[idx + PF_POS])
            if idx + PF_AHEAD < n_order:
                b = order[idx + PF_AHEAD]
                hb = pos[b]
                if hb >= 0:
                    if b < n_cit:
                        prefetch(gtr, 4 * b)
                        prefetch(jail_left, b)
                        prefetch(active, b)
                    by = hb // width
                    # rows within 2 r: the look after a move of up to r rows
                    row = _base(by, hb - by * width, width, halo) - reach * pw
                    for _ in range(2 * reach + 1):
                        prefetch(kind, row - reach)
                        prefetch(kind, row + reach)
                        row += pw
                    if movement or cop_movement:  # the grid rows a move writes to
                        cell = hb - halo * width
                        for _ in range(2 * halo + 1):
                            prefetch(grid, cell - halo)
                            prefetch(grid, cell + halo)
                            cell += width
                    else:
                        prefetch(grid, hb)
        a = order[idx]
        here = pos[a]
        if here < 0:
            continue
        y = here // width
        x = here - y * width
        if a < n_cit:
            if jail_left[a] >= 0:  # jailed in place (Mesa's example)
                continue
            for phase in range(2):  # rule M then rule A, or A then M (act_first)
                if (phase == 0) == act_first:
                    if movement:
                        j = _pick_empty(
                            kind, _base(y, x, width, halo), cit_lin, rng, region_p, -1, buf
                        )
                        if j >= 0:
                            ny = _wrap(y + cit_dy[j], height)
                            nx = _wrap(x + cit_dx[j], width)
                            own = K_ACTIVE if active[a] == 1 else K_QUIET
                            _relocate(a, y, x, ny, nx, own, pos, grid, kind, height, width, halo)
                            y = ny
                            x = nx
                else:  # rule A: active iff G - R P > T
                    cops, actives = _look(kind, _base(y, x, width, halo), cit_lin)
                    # A counts the citizen herself (Epstein: "A is always at least 1");
                    # NetLogo's vision holds her own patch, so when already active she is
                    # counted a second time.
                    actives += 1
                    if self_twice and active[a] == 1:
                        actives += 1
                    p = sanction_probability(arrest_probability(cops, actives, k, rule), extra_risk)
                    g = 4 * a
                    now = 1 if goes_active(gtr[g], gtr[g + 1], p, gtr[g + 2]) else 0
                    if now != active[a]:
                        active[a] = now
                        set_kind_yx(kind, y, x, K_ACTIVE if now else K_QUIET, height, width, halo)
        else:
            region = cop_region[a - n_cit] if locked else -1
            for phase in range(2):  # rule M then rule C, or C then M (act_first)
                if (phase == 0) == act_first:
                    if cop_movement:
                        j = _pick_empty(
                            kind, _base(y, x, width, halo), cop_lin, rng, region_p, region, buf
                        )
                        if j >= 0:
                            ny = _wrap(y + cop_dy[j], height)
                            nx = _wrap(x + cop_dx[j], width)
                            _relocate(a, y, x, ny, nx, K_COP, pos, grid, kind, height, width, halo)
                            y = ny
                            x = nx
                else:  # rule C: arrest one random active citizen in vision
                    j = _pick_active(kind, _base(y, x, width, halo), cop_lin, rng, buf)
                    if j >= 0:
                        sy = _wrap(y + cop_dy[j], height)
                        sx = _wrap(x + cop_dx[j], width)
                        _arrest(
                            a,
                            y,
                            x,
                            sy,
                            sx,
                            pos,
                            grid,
                            kind,
                            active,
                            jail_left,
                            height,
                            width,
                            halo,
                            rng,
                            opts,
                            cell_region,
                            region,
                            arrest_cell,
                        )
                        arrests += 1
                        if pos[a] != y * width + x:  # NetLogo's officer took the cell
                            y = sy
                            x = sx
    return arrests


@numba.njit(cache=True)
def random_empty_cell(grid, rng, cells):
    """A uniformly random empty cell among ``cells``, or -1 when all are taken.

    Rejection sampling is fast while cells are free; after 64 misses the empty cells are
    enumerated, so the draw stays exactly uniform and never fails while one is free.
    """
    n = cells.shape[0]
    if n == 0:
        return -1
    for _ in range(64):
        c = cells[randint(rng, n)]
        if grid[c] < 0:
            return c
    n_empty = 0
    for i in range(n):
        n_empty += grid[cells[i]] < 0
    if n_empty == 0:
        return -1
    pick = randint(rng, n_empty)
    for i in range(n):
        if grid[cells[i]] < 0:
            if pick == 0:
                return cells[i]
            pick -= 1
    return -1


@numba.njit(cache=True)
def release_and_place(
    pos, grid, kind, jail_left, active, n_cit, in_place, height, width, halo, all_cells, rng
):
    """Start-of-step jail bookkeeping, in citizen-index order (deterministic).

    A citizen with no term left walks free: off the grid, she takes a uniformly random
    empty cell of the whole torus (Epstein does not say where the released reappear; "agents
    leave jail exactly as aggrieved as when they entered"); jailed in place (Mesa's example)
    she is simply free again where she stands. Everyone else serves one more step. If the
    torus is full she waits a step. Returns the number released.
    """
    released = 0
    for i in range(n_cit):
        t = jail_left[i]
        if t < 0 or t >= INF_JAIL:
            continue
        if t > 0:
            jail_left[i] = t - 1
            continue
        if in_place:
            set_kind(kind, pos[i], K_QUIET, height, width, halo)
        else:
            cell = random_empty_cell(grid, rng, all_cells)
            if cell < 0:
                continue
            grid[cell] = i
            pos[i] = cell
            set_kind(kind, cell, K_QUIET, height, width, halo)
        jail_left[i] = -1
        active[i] = 0
        released += 1
    return released


@numba.njit(cache=True)
def place_agents(agents, pos, grid, kind, own_kind, cells, height, width, halo, rng):
    """Put off-grid ``agents`` on uniformly random empty cells among ``cells``.

    Returns how many found a cell (fewer only when ``cells`` run out of room).
    """
    placed = 0
    for a in agents:
        c = random_empty_cell(grid, rng, cells)
        if c < 0:
            break
        grid[c] = a
        pos[a] = c
        set_kind(kind, c, own_kind, height, width, halo)
        placed += 1
    return placed


@numba.njit(cache=True)
def remove_agents(agents, pos, grid, kind, height, width, halo):
    """Take ``agents`` off the grid (police going off duty)."""
    for a in agents:
        c = pos[a]
        if c >= 0:
            grid[c] = -1
            pos[a] = -1
            set_kind(kind, c, EMPTY, height, width, halo)


def padded_kind(kind2d: np.ndarray, halo: int) -> np.ndarray:
    """The (height, width) kind map padded by ``halo`` wrapped cells, flattened."""
    return np.ascontiguousarray(np.pad(kind2d, halo, mode="wrap")).ravel()


@numba.njit(cache=True)
def step(lat, k, opts, order, all_cells, rng, extra_risk=0.0):
    """One whole step: jail releases, then the random-sequential sweep (``extra_risk``: see
    ``step_random_sequential``).

    A single entry point because passing a numpy Generator into numba costs microseconds
    per call, a visible share of a small world's step. Returns (released, arrests).
    (The sweep stays a function of its own: merged into this one, numba compiled it about
    a third slower on large grids.)
    """
    released = release_and_place(
        lat.pos,
        lat.grid,
        lat.kind,
        lat.jail_left,
        lat.active,
        lat.n_cit,
        opts[OPT_JAIL_IN_PLACE] != 0,
        lat.height,
        lat.width,
        lat.halo,
        all_cells,
        rng,
    )
    arrests = step_random_sequential(lat, k, opts, order, rng, extra_risk)
    return released, arrests
