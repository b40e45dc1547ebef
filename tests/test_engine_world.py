"""The compiled world: rule A, C and M as the kernel runs them, jail, police, invariants."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from abm.engine.world import JAILED, CivilViolenceWorld


def make_world(width=5, height=5, n_cit=1, cops=0, seed=0, **kw) -> CivilViolenceWorld:
    kw.setdefault("citizen_vision", 1)
    kw.setdefault("cop_vision", 1)
    return CivilViolenceWorld(
        width=width,
        height=height,
        n_citizens=n_cit,
        cop_capacity=np.array([cops]),
        rng=np.random.default_rng(seed),
        **kw,
    )


def arrange(world: CivilViolenceWorld, cells: dict[int, tuple[int, int]]) -> None:
    """Put agent i on cell (row, col) for each entry; everyone else off the grid."""
    world.grid[:] = -1
    world.pos[:] = -1
    for agent, (y, x) in cells.items():
        c = y * world.width + x
        world.grid[c] = agent
        world.pos[agent] = c
    world.sync_cell_map()


def one_step(world, g, t):
    n = world.n_cit
    world.step(np.full(n, g), np.full(n, t))


# ------------------------------------------------------------------------------ rule A
P11 = 1 - math.exp(-2.3)  # one officer, the citizen herself as the only active


@pytest.mark.parametrize("rule", ["literal", "floor", "round"])
def test_citizen_sees_one_officer_and_counts_herself(rule):
    """With C = 1 and A = 1 the kernel uses P = 1 - e^-2.3: active iff G - R P > T.

    The officer cannot see (vision 0) so nobody is arrested and the decision is observed.
    """
    for threshold, expect in ((0.95 - P11 - 1e-6, 1), (0.95 - P11 + 1e-6, 0)):
        w = make_world(cops=1, movement=False, cop_movement=False, arrest_rule=rule, cop_vision=0)
        w.risk_aversion[:] = 1.0
        arrange(w, {0: (2, 2), 1: (2, 3)})
        one_step(w, 0.95, threshold)
        assert w.active[0] == expect


def test_other_actives_lower_the_estimate_and_the_own_cell_is_not_counted():
    """Two actives in vision (the other and herself): literal P = 1 - e^(-2.3 / 2)."""
    p2 = 1 - math.exp(-2.3 / 2)
    for threshold, expect in ((0.95 - p2 - 1e-6, 1), (0.95 - p2 + 1e-6, 0)):
        w = make_world(n_cit=2, cops=1, movement=False, cop_movement=False, cop_vision=0)
        w.risk_aversion[:] = [1.0, 0.0]  # citizen 1 is active whatever the risk
        arrange(w, {0: (2, 2), 1: (2, 1), 2: (2, 3)})
        w.active[1] = 1
        w.sync_cell_map()
        g = np.array([0.95, 0.95])
        t = np.array([threshold, 0.0])
        # Step twice: whatever the order, citizen 0 decides once with citizen 1 active.
        w.step(g, t)
        w.step(g, t)
        assert w.active[1] == 1
        assert w.active[0] == expect


def test_netlogo_counts_an_active_citizen_twice():
    """Already active with one officer in sight: A = 1 + 1 (own patch) = 2, floor(1/2) = 0."""
    for twice, expect in ((True, 1), (False, 0)):
        w = make_world(
            cops=1,
            movement=False,
            cop_movement=False,
            cop_vision=0,
            arrest_rule="floor",
            count_self_twice=twice,
        )
        w.risk_aversion[:] = 1.0
        arrange(w, {0: (2, 2), 1: (2, 3)})
        w.active[0] = 1
        w.sync_cell_map()
        one_step(w, 0.5, 0.1)
        assert w.active[0] == expect


# ------------------------------------------------------------------------------ rule C
def test_officer_arrests_an_active_in_vision_and_only_then():
    w = make_world(cops=1, movement=False, cop_movement=False, max_jail_term=5, jail_draw="fixed")
    w.risk_aversion[:] = 0.0
    arrange(w, {0: (0, 0), 1: (3, 3)})  # |dy| + |dx| = 4 > vision 1
    for _ in range(3):
        one_step(w, 1.0, 0.0)
        assert w.active[0] == 1 and w.jail_left[0] == -1
    arrange(w, {0: (3, 2), 1: (3, 3)})
    w.active[0] = 1
    w.sync_cell_map()
    one_step(w, 1.0, 0.0)
    assert w.jail_left[0] == 5 and w.active[0] == 0 and w.pos[0] == -1
    assert w.arrests_last_step == 1
    assert w.pos[1] == 3 * 5 + 3  # the paper's officer stays put
    w.check_consistency()


def test_netlogo_officer_steps_onto_the_arrest_cell():
    w = make_world(cops=1, movement=False, cop_movement=False, cop_moves_to_arrest=True)
    w.risk_aversion[:] = 0.0
    arrange(w, {0: (3, 2), 1: (3, 3)})
    w.active[0] = 1
    w.sync_cell_map()
    one_step(w, 1.0, 0.0)
    assert w.jail_left[0] >= 0
    assert w.pos[1] == 3 * 5 + 2 and w.grid[3 * 5 + 3] == -1
    w.check_consistency()


def test_mesa_jail_keeps_the_cell_and_blocks_it():
    w = make_world(
        n_cit=2,
        cops=1,
        cop_movement=False,
        jail_location="in_place",
        max_jail_term=1000,
        jail_draw="fixed",
    )
    w.risk_aversion[:] = [0.0, 1.0]
    arrange(w, {0: (3, 2), 1: (0, 0), 2: (3, 3)})
    g, t = np.array([1.0, 0.0]), np.array([0.0, 0.5])  # citizen 0 rebels, 1 never does
    for _ in range(200):
        w.step(g, t)
        if w.jail_left[0] >= 0:
            break
    assert w.jail_left[0] >= 0
    cell = w.pos[0]
    assert cell >= 0 and w.grid[cell] == 0
    for _ in range(30):  # citizen 1 wanders but never onto the jailed citizen's cell
        w.step(g, t)
        assert w.pos[0] == cell and w.pos[1] != cell
        w.check_consistency()


# ------------------------------------------------------------------------ jail and release
def test_a_term_of_j_misses_j_whole_steps_then_returns_quiet():
    w = make_world(n_cit=3, movement=True)
    arrange(w, {0: (0, 0), 1: (1, 1), 2: (2, 2)})
    w.jail_left[0] = 3  # as if arrested during step 0 with a term of 3
    w.grid[0] = -1
    w.pos[0] = -1
    w.sync_cell_map()
    left = []
    for _ in range(4):
        one_step(w, 0.0, 0.1)  # nobody has a grievance: no activity
        left.append(int(w.jail_left[0]))
        w.check_consistency()
    assert left == [2, 1, 0, -1]  # away during steps 1, 2, 3; back in step 4
    assert w.pos[0] >= 0 and w.citizen_state()[0] == 0


def test_release_takes_a_free_cell_never_an_occupied_one():
    w = make_world(width=3, height=3, n_cit=8, cops=1, cop_movement=False, movement=False)
    # citizens 1-7 on cells 1-7, the officer on cell 0, citizen 0 in jail and due out
    arrange(w, {i: divmod(i, 3) for i in range(1, 8)} | {8: (0, 0)})
    w.jail_left[0] = 0
    w.sync_cell_map()
    assert np.flatnonzero(w.grid < 0).tolist() == [8]
    one_step(w, 0.0, 0.1)
    assert w.pos[0] == 8 and w.jail_left[0] == -1  # the only free cell
    w.check_consistency()


def test_infinite_terms_never_end():
    w = make_world(n_cit=2, cops=1, max_jail_term=math.inf, cop_movement=False, movement=False)
    w.risk_aversion[:] = 0.0
    arrange(w, {0: (3, 2), 1: (0, 0), 2: (3, 3)})
    w.active[0] = 1
    w.sync_cell_map()
    g, t = np.array([1.0, 0.0]), np.array([0.0, 0.5])
    for _ in range(30):
        w.step(g, t)
    assert w.citizen_state()[0] == JAILED


# --------------------------------------------------------------------------- police
def test_police_are_put_on_and_taken_off_duty_per_region():
    region = np.tile(np.repeat([0, 1], 5), 10)  # columns 0-4 region 0, 5-9 region 1
    w = CivilViolenceWorld(
        width=10,
        height=10,
        n_citizens=40,
        cop_capacity=np.array([10, 6]),
        rng=np.random.default_rng(5),
        citizen_vision=2,
        cop_vision=2,
        cell_region=region,
        cops_locked=True,
    )
    for counts in ([10, 6], [3, 6], [3, 0], [7, 2], [0, 0], [10, 6]):
        w.set_cops_on_duty(np.array(counts))
        assert w.cops_on_duty().tolist() == counts
        w.check_consistency()
        for _ in range(5):
            w.step(np.full(40, 0.5), np.full(40, 0.1))
            w.check_consistency()
            on = np.flatnonzero(w.pos[w.n_cit :] >= 0)
            assert (region[w.pos[w.n_cit + on]] == w.cop_region[on]).all()
    w.set_cops_on_duty(np.array([99, 99]))  # capped at capacity
    assert w.cops_on_duty().tolist() == [10, 6]


def test_outputs_agree_with_the_state():
    region = np.tile(np.repeat([0, 1], 6), 12)
    w = CivilViolenceWorld(
        width=12,
        height=12,
        n_citizens=90,
        cop_capacity=np.array([8]),
        rng=np.random.default_rng(6),
        citizen_vision=3,
        cop_vision=3,
        cell_region=region,
        arrest_rule="floor",
    )
    w.set_cops_on_duty(np.array([8]))
    labels = np.arange(90) % 3
    for _ in range(10):
        w.step(w.hardship * 0.4, np.full(90, 0.1))
        state = w.citizen_state()
        q, a, j = w.counts()
        assert (q, a, j) == tuple(np.bincount(state, minlength=3))
        by = w.counts_by(labels, 3)
        for lab in range(3):
            assert by[lab].tolist() == np.bincount(state[labels == lab], minlength=3).tolist()
        act = np.flatnonzero(w.active == 1)
        want = np.bincount(region[w.pos[act]], minlength=2)
        assert w.actives_by_region().tolist() == want.tolist()
        occ = w.occupancy()
        assert (occ == 1).sum() == a and (occ == 3).sum() == 8
        assert (occ == 0).sum() == q


# ------------------------------------------------------------------------ invariants
VARIANTS = list(
    itertools.product(
        ["literal", "floor", "round"],
        ["von_neumann", "moore", "euclidean", "cross"],
    )
)


@pytest.mark.parametrize(("rule", "shape"), VARIANTS)
def test_invariants_hold_under_every_variant(rule, shape):
    """Citizens are conserved, no two agents share a cell, grid, positions and the kernel's
    padded map agree, the jailed are off the grid (or on their own cell) - every step, for
    every arrest rule and vision shape, with the other switches cycled."""
    i = VARIANTS.index((rule, shape))
    extra = dict(
        order=("move_then_act", "act_then_move")[i % 2],
        jail_location=("off_grid", "in_place")[(i // 2) % 2],
        jail_draw=("uniform", "netlogo", "fixed")[i % 3],
        count_self_twice=bool(i % 5 == 0),
        movement=i % 7 != 3,
    )
    if extra["jail_location"] == "off_grid":
        extra["cop_moves_to_arrest"] = i % 4 == 1
    w = CivilViolenceWorld(
        width=14,
        height=11,
        n_citizens=90,
        cop_capacity=np.array([14]),
        rng=np.random.default_rng(i),
        citizen_vision=3.6,
        cop_vision=2.5,
        vision_shape=shape,
        arrest_rule=rule,
        max_jail_term=6,
        **extra,
    )
    grievance = w.hardship * 0.5
    threshold = np.full(90, 0.1)
    for t in range(25):
        w.set_cops_on_duty(np.array([14 - abs(14 - t) % 15]))
        w.step(grievance, threshold)
        w.check_consistency()
        assert sum(w.counts()) == 90


def test_constructor_rejects_what_does_not_fit():
    with pytest.raises(ValueError, match="do not fit"):
        make_world(width=3, height=3, n_cit=9, cops=1)
    with pytest.raises(ValueError, match="citizen_vision"):
        make_world(width=10, height=10, citizen_vision=5)
    with pytest.raises(ValueError, match="order"):
        make_world(order="sometimes")
    with pytest.raises(ValueError, match="cop_moves_to_arrest"):
        make_world(jail_location="in_place", cop_moves_to_arrest=True)


def test_invariants_on_a_grid_big_enough_to_prefetch():
    """From kernel.PREFETCH_CELLS cells on the kernel prefetches ahead; results must not care."""
    from abm.engine.kernel import PREFETCH_CELLS

    side = 260
    assert side * side >= PREFETCH_CELLS
    w = CivilViolenceWorld(
        width=side,
        height=side,
        n_citizens=int(0.7 * side * side),
        cop_capacity=np.array([int(0.04 * side * side)]),
        rng=np.random.default_rng(8),
        citizen_vision=7,
        cop_vision=7,
        arrest_rule="floor",
        max_jail_term=3,
    )
    w.set_cops_on_duty(np.array([int(0.04 * side * side)]))
    g, t = w.hardship * 0.25, np.full(w.n_cit, 0.1)
    for _ in range(6):
        w.step(g, t)
        w.check_consistency()
    assert w.counts()[2] > 0  # arrests happened: the whole path ran


@pytest.mark.parametrize("locked", [False, True])
def test_crowded_torus_moves_through_the_exact_fallback(locked):
    """At 99 % occupancy most rejection draws miss, so moves go through the listing pass
    (and find no empty cell at all for many agents): still one agent per cell."""
    region = np.tile(np.repeat([0, 1], 6), 12) if locked else None
    w = CivilViolenceWorld(
        width=12,
        height=12,
        n_citizens=136,
        cop_capacity=np.array([3, 3]) if locked else np.array([6]),
        rng=np.random.default_rng(10),
        citizen_vision=2,
        cop_vision=2,
        cell_region=region,
        cops_locked=locked,
        arrest_rule="floor",
    )
    w.set_cops_on_duty(np.array([3, 3]) if locked else np.array([6]))
    for _ in range(40):
        w.step(w.hardship * 0.5, np.full(136, 0.1))
        w.check_consistency()
    if locked:
        on = np.flatnonzero(w.pos[w.n_cit :] >= 0)
        assert (region[w.pos[w.n_cit + on]] == w.cop_region[on]).all()


BOUNDS_SCRIPT = """
import numpy as np
from abm.engine.world import CivilViolenceWorld
CASES = [(False, "off_grid", "von_neumann"), (True, "off_grid", "euclidean"),
         (False, "in_place", "moore"), (True, "in_place", "cross")]
for i, (locked, place, shape) in enumerate(CASES):
    region = np.tile(np.repeat([0, 1], 7), 14) if locked else None
    w = CivilViolenceWorld(width=14, height=14, n_citizens=185,
        cop_capacity=np.array([4, 4]) if locked else np.array([8]),
        rng=np.random.default_rng(i), citizen_vision=3, cop_vision=2, vision_shape=shape,
        cell_region=region, cops_locked=locked, jail_location=place, arrest_rule="floor",
        max_jail_term=4, cop_moves_to_arrest=place == "off_grid", count_self_twice=locked)
    w.set_cops_on_duty(np.array([4, 4]) if locked else np.array([8]))
    for t in range(30):
        w.step(w.hardship * 0.6, np.full(185, 0.1))
        w.check_consistency()
print("ok")
"""


@pytest.mark.slow
def test_kernel_never_indexes_out_of_bounds(tmp_path):
    """numba does not check bounds by default, so an out-of-range read would go unnoticed.
    Recompile the kernel with NUMBA_BOUNDSCHECK=1 (in a private cache) and drive every
    variant through crowded grids, where moves take the exact fallback paths."""
    import os
    import subprocess
    import sys

    env = os.environ | {"NUMBA_BOUNDSCHECK": "1", "NUMBA_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", BOUNDS_SCRIPT], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
