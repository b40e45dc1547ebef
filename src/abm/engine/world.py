"""The civil-violence lattice: citizens and police as arrays, stepped by the compiled kernel.

This layer knows nothing of Belarus. A model drives it through a few inputs - each
citizen's grievance (the model computes G = H (1 - L) with whatever legitimacy and
hardship it tracks), the activation threshold, the arrest constant k and the number of
police on duty per region - and reads a few outputs: who is quiet, active or jailed, where.
"""

from __future__ import annotations

import math

import numpy as np

from abm.engine import kernel
from abm.engine.neighbourhood import vision_offsets
from abm.engine.rules import ARREST_RULES

QUIET, ACTIVE, JAILED = 0, 1, 2


class CivilViolenceWorld:
    """A torus of ``height`` x ``width`` cells holding citizens and police.

    ``cell_region`` labels every cell with a region (0 .. n_regions-1); police are
    assigned to a region and, when ``cops_locked``, patrol only its cells, so a model can
    set police presence region by region (the Belarus model puts more in the capital).
    """

    def __init__(
        self,
        *,
        width: int,
        height: int,
        n_citizens: int,
        cop_capacity: np.ndarray,
        rng: np.random.Generator,
        citizen_vision: float,
        cop_vision: float,
        vision_shape: str = "von_neumann",
        k: float = 2.3,
        arrest_rule: str = "literal",
        max_jail_term: float = 30,
        jail_draw: str = "uniform",
        movement: bool = True,
        cell_region: np.ndarray | None = None,
        cops_locked: bool = False,
    ):
        self.width, self.height = int(width), int(height)
        n_cells = self.width * self.height
        cop_capacity = np.asarray(cop_capacity, dtype=np.int64)
        n_cops = int(cop_capacity.sum())
        if n_citizens + n_cops > n_cells:
            raise ValueError(
                f"{n_citizens} citizens + {n_cops} police do not fit on {n_cells} cells"
            )
        for name, v in (("citizen_vision", citizen_vision), ("cop_vision", cop_vision)):
            if 2 * math.floor(v) >= min(self.width, self.height):
                raise ValueError(f"{name}={v} must be below half the grid side")
        self.rng = rng
        self.n_cit = int(n_citizens)
        self.k = float(k)
        self.rule = ARREST_RULES[arrest_rule]
        self.jail_max = -1 if math.isinf(max_jail_term) else int(max_jail_term)
        self.jail_fixed = jail_draw == "fixed"
        self.movement = bool(movement)
        self.cops_locked = bool(cops_locked)
        self.cit_offsets = vision_offsets(citizen_vision, vision_shape)
        self.cop_offsets = vision_offsets(cop_vision, vision_shape)

        if cell_region is None:
            cell_region = np.zeros(n_cells, dtype=np.int64)
        self.cell_region = np.ascontiguousarray(cell_region, dtype=np.int64).ravel()
        self.n_regions = int(self.cell_region.max()) + 1
        self.region_cells = [np.flatnonzero(self.cell_region == r) for r in range(self.n_regions)]

        n_agents = self.n_cit + n_cops
        self.grid = np.full(n_cells, -1, dtype=np.int64)
        self.pos = np.full(n_agents, -1, dtype=np.int64)
        self.order = np.empty(n_agents, dtype=np.int64)
        self.cop_region = np.repeat(np.arange(len(cop_capacity)), cop_capacity).astype(np.int64)

        # Epstein: hardship and risk aversion are fixed per citizen, each U(0, 1).
        self.hardship = rng.random(self.n_cit)
        self.risk_aversion = rng.random(self.n_cit)
        self.active = np.zeros(self.n_cit, dtype=np.int64)
        self.jail_left = np.full(self.n_cit, -1, dtype=np.int64)

        cells = rng.permutation(n_cells)[: self.n_cit]
        self.grid[cells] = np.arange(self.n_cit)
        self.pos[: self.n_cit] = cells
        self.arrests_last_step = 0
        self.released_last_step = 0

    # ----------------------------------------------------------------- police on duty
    def cops_on_duty(self) -> np.ndarray:
        """Police on the grid per region."""
        on = self.pos[self.n_cit :] >= 0
        return np.bincount(self.cop_region[on], minlength=self.n_regions)

    def set_cops_on_duty(self, counts: np.ndarray) -> None:
        """Put police on or take them off the grid so that each region has ``counts[r]``.

        Off-duty officers are chosen at random among those on duty (run 5's cops reduced);
        new officers take random empty cells of their region.
        """
        counts = np.asarray(counts, dtype=np.int64)
        current = self.cops_on_duty()
        for r in range(self.n_regions):
            members = np.flatnonzero(self.cop_region == r) + self.n_cit
            want = int(min(counts[r], members.size))
            have = int(current[r])
            if want < have:
                on = members[self.pos[members] >= 0]
                drop = self.rng.choice(on, size=have - want, replace=False)
                self.grid[self.pos[drop]] = -1
                self.pos[drop] = -1
            elif want > have:
                off = members[self.pos[members] < 0][: want - have]
                kernel.place_agents(off, self.pos, self.grid, self.rng, self.region_cells[r])

    # ----------------------------------------------------------------------- dynamics
    def step(self, grievance: np.ndarray, threshold: np.ndarray, k: float | None = None) -> int:
        """Release served terms, then activate every agent once; return the arrests made."""
        self.released_last_step = kernel.release_and_place(
            self.pos, self.grid, self.jail_left, self.active, self.n_cit, self.rng
        )
        self.arrests_last_step = kernel.step_random_sequential(
            self.pos,
            self.grid,
            self.n_cit,
            np.ascontiguousarray(grievance, dtype=np.float64),
            self.risk_aversion,
            np.ascontiguousarray(threshold, dtype=np.float64),
            self.active,
            self.jail_left,
            self.cop_region,
            self.cell_region,
            self.cit_offsets,
            self.cop_offsets,
            self.height,
            self.width,
            self.k if k is None else float(k),
            self.rule,
            self.jail_max,
            self.jail_fixed,
            self.movement,
            self.cops_locked,
            self.order,
            self.rng,
        )
        return self.arrests_last_step

    # ------------------------------------------------------------------------ outputs
    def citizen_state(self) -> np.ndarray:
        """QUIET, ACTIVE or JAILED per citizen."""
        state = self.active.copy()
        state[self.jail_left >= 0] = JAILED
        return state

    def counts(self) -> tuple[int, int, int]:
        """(quiet, active, jailed) over all citizens."""
        jailed = int(np.count_nonzero(self.jail_left >= 0))
        active = int(self.active.sum())
        return self.n_cit - active - jailed, active, jailed

    def counts_by(self, label: np.ndarray, n_labels: int) -> np.ndarray:
        """(n_labels, 3) counts of quiet/active/jailed per citizen label (e.g. orientation)."""
        out = np.zeros((n_labels, 3), dtype=np.int64)
        np.add.at(out, (label, self.citizen_state()), 1)
        return out

    def actives_by_region(self) -> np.ndarray:
        """Active citizens per region of the cell they stand on."""
        on = self.active == 1
        return np.bincount(self.cell_region[self.pos[: self.n_cit][on]], minlength=self.n_regions)

    def occupancy(self) -> np.ndarray:
        """(height, width) int map: -1 empty, 0 quiet, 1 active, 3 police (for plots)."""
        img = np.full(self.grid.shape, -1, dtype=np.int64)
        occ = self.grid >= 0
        who = self.grid[occ]
        img[occ] = np.where(who >= self.n_cit, 3, self.active[np.minimum(who, self.n_cit - 1)])
        return img.reshape(self.height, self.width)
