"""The civil-violence lattice: citizens and police as arrays, stepped by the compiled kernel.

This layer knows nothing of Belarus. A model drives it through a few inputs - each
citizen's grievance (the model computes G = H (1 - L) with whatever legitimacy and
hardship it tracks), the activation threshold, the arrest constant k and the number of
police on duty per region - and reads a few outputs: who is quiet, active or jailed, where.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from abm.engine import kernel
from abm.engine.neighbourhood import linear_offsets, vision_offsets, vision_radius
from abm.engine.rules import ARREST_RULES, INF_JAIL, JAIL_DRAWS

QUIET, ACTIVE, JAILED = 0, 1, 2

#: Values of ``occupancy()``: empty cell, quiet, active, jailed in place, police.
OCC_EMPTY, OCC_QUIET, OCC_ACTIVE, OCC_JAILED, OCC_POLICE = -1, 0, 1, 2, 3

ORDERS = ("move_then_act", "act_then_move")
JAIL_LOCATIONS = ("off_grid", "in_place")


#: The world's rule options that a model's parameter set may carry under the same names.
RULE_OPTIONS = (
    "vision_shape",
    "k",
    "arrest_rule",
    "max_jail_term",
    "jail_draw",
    "movement",
    "cop_movement",
    "order",
    "cop_moves_to_arrest",
    "jail_location",
    "count_self_twice",
)


def rule_options(params: Mapping[str, Any]) -> dict[str, Any]:
    """The rule options present in ``params`` (a model's resolved parameters), so every model
    passes its engine variants the same way and an option it does not declare keeps the
    engine's default."""
    return {name: params[name] for name in RULE_OPTIONS if name in params}


class CivilViolenceWorld:
    """A torus of ``height`` x ``width`` cells holding citizens and police.

    ``cell_region`` labels every cell with a region (0 .. n_regions-1); police are
    assigned to a region (``cop_capacity[r]`` officers) and, when ``cops_locked``, patrol
    only its cells, so a model can set police presence region by region.

    Variants (each documented in docs/engine.md with its source): ``arrest_rule``
    literal/floor/round; ``vision_shape``; ``jail_draw`` uniform/netlogo/fixed;
    ``max_jail_term`` (``inf`` = for ever); ``movement`` (citizens move; Epstein's run 1
    has none) and ``cop_movement``; ``order`` move_then_act (Epstein) or act_then_move
    (Mesa's example); ``cop_moves_to_arrest`` (NetLogo); ``jail_location`` off_grid or
    in_place (Mesa's example keeps the jailed on their cell); ``count_self_twice``
    (NetLogo counts an already-active citizen twice in A).
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
        cop_movement: bool = True,
        order: str = "move_then_act",
        cop_moves_to_arrest: bool = False,
        jail_location: str = "off_grid",
        count_self_twice: bool = False,
    ):
        self.width, self.height = int(width), int(height)
        n_cells = self.width * self.height
        cop_capacity = np.asarray(cop_capacity, dtype=np.int64).ravel()
        n_cops = int(cop_capacity.sum())
        if n_citizens < 0 or (cop_capacity < 0).any():
            raise ValueError("agent counts must be >= 0")
        if n_citizens + n_cops > n_cells:
            raise ValueError(
                f"{n_citizens} citizens + {n_cops} police do not fit on {n_cells} cells"
            )
        for name, v in (("citizen_vision", citizen_vision), ("cop_vision", cop_vision)):
            if v < 0 or 2 * vision_radius(v) >= min(self.width, self.height):
                raise ValueError(f"{name}={v} must be >= 0 and below half the grid side")
        for name, value, allowed in (
            ("arrest_rule", arrest_rule, tuple(ARREST_RULES)),
            ("jail_draw", jail_draw, tuple(JAIL_DRAWS)),
            ("order", order, ORDERS),
            ("jail_location", jail_location, JAIL_LOCATIONS),
        ):
            if value not in allowed:
                raise ValueError(f"{name}={value!r}; allowed: {', '.join(allowed)}")
        if jail_location == "in_place" and cop_moves_to_arrest:
            raise ValueError("cop_moves_to_arrest needs jail_location='off_grid'")
        self.rng = rng
        self.n_cit = int(n_citizens)
        self.k = float(k)
        self.rule = ARREST_RULES[arrest_rule]
        self.jail_max = -1 if math.isinf(max_jail_term) else int(max_jail_term)
        self.jail_in_place = jail_location == "in_place"
        self.movement = bool(movement)
        self.cops_locked = bool(cops_locked)
        self.cit_offsets = vision_offsets(citizen_vision, vision_shape)
        self.cop_offsets = vision_offsets(cop_vision, vision_shape)
        self.opts = np.zeros(kernel.N_OPTS, dtype=np.int64)
        self.opts[kernel.OPT_RULE] = self.rule
        self.opts[kernel.OPT_JAIL_MAX] = self.jail_max
        self.opts[kernel.OPT_JAIL_DRAW] = JAIL_DRAWS[jail_draw]
        self.opts[kernel.OPT_MOVEMENT] = self.movement
        self.opts[kernel.OPT_COP_MOVEMENT] = bool(cop_movement)
        self.opts[kernel.OPT_COPS_LOCKED] = self.cops_locked
        self.opts[kernel.OPT_ACT_FIRST] = order == "act_then_move"
        self.opts[kernel.OPT_COP_TO_ARREST] = bool(cop_moves_to_arrest)
        self.opts[kernel.OPT_JAIL_IN_PLACE] = self.jail_in_place
        self.opts[kernel.OPT_SELF_TWICE] = bool(count_self_twice)

        # The padded copy of the grid needs a halo as wide as the longest look.
        self.halo = max(vision_radius(citizen_vision), vision_radius(cop_vision))
        pw = self.width + 2 * self.halo
        self._cit_lin = linear_offsets(self.cit_offsets, pw)
        self._cop_lin = linear_offsets(self.cop_offsets, pw)
        self._cit_dy = np.ascontiguousarray(self.cit_offsets[:, 0])
        self._cit_dx = np.ascontiguousarray(self.cit_offsets[:, 1])
        self._cop_dy = np.ascontiguousarray(self.cop_offsets[:, 0])
        self._cop_dx = np.ascontiguousarray(self.cop_offsets[:, 1])

        if cell_region is None:
            cell_region = np.zeros(n_cells, dtype=np.int64)
        self.cell_region = np.ascontiguousarray(cell_region, dtype=np.int64).ravel()
        if self.cell_region.shape[0] != n_cells or self.cell_region.min() < 0:
            raise ValueError(f"cell_region must hold {n_cells} labels >= 0")
        self.n_regions = max(int(self.cell_region.max()) + 1, len(cop_capacity))
        self._all_cells = np.arange(n_cells, dtype=np.int32)
        if self.n_regions == 1:
            self.region_cells = [self._all_cells]
        else:
            self.region_cells = [
                np.flatnonzero(self.cell_region == r).astype(np.int32)
                for r in range(self.n_regions)
            ]
        # The kernel reads regions from a padded copy only when police are locked to them.
        self._region_p = (
            kernel.padded_kind(
                self.cell_region.astype(np.int32).reshape(self.height, self.width), self.halo
            )
            if self.cops_locked
            else np.zeros(1, dtype=np.int32)
        )

        # Compact dtypes: on a million citizens the arrays the kernel reads at random
        # positions must stay small for the caches (docs/performance.md).
        n_agents = self.n_cit + n_cops
        self.grid = np.full(n_cells, -1, dtype=np.int32)
        self.pos = np.full(n_agents, -1, dtype=np.int32)
        self.order = np.empty(n_agents, dtype=np.int32)
        self.cop_region = np.repeat(np.arange(len(cop_capacity)), cop_capacity).astype(np.int64)

        # Epstein: hardship and risk aversion are fixed per citizen, each U(0, 1).
        # Rule A's inputs G, R, T live side by side in ``_gtr`` (one cache line per
        # citizen); ``risk_aversion`` is a view of its column, so writes to it count.
        self.hardship = rng.random(self.n_cit)
        self._gtr = np.zeros((self.n_cit, 4), dtype=np.float64)
        self._gtr[:, 1] = rng.random(self.n_cit)
        self.risk_aversion = self._gtr[:, 1]
        self.active = np.zeros(self.n_cit, dtype=np.int8)
        self.jail_left = np.full(self.n_cit, -1, dtype=np.int32)
        # where each citizen was last arrested (-1: never), for models that count by region
        self.arrest_cell = np.full(self.n_cit, -1, dtype=np.int32)

        cells = rng.permutation(n_cells)[: self.n_cit]
        self.grid[cells] = np.arange(self.n_cit)
        self.pos[: self.n_cit] = cells
        self.sync_cell_map()
        self.arrests_last_step = 0
        self.released_last_step = 0

    # ----------------------------------------------------------------- police on duty
    def cops_on_duty(self) -> np.ndarray:
        """Police on the grid per region."""
        on = self.pos[self.n_cit :] >= 0
        return np.bincount(self.cop_region[on], minlength=self.n_regions)

    def set_cops_on_duty(self, counts: np.ndarray) -> None:
        """Put police on or take them off the grid so that each region has ``counts[r]``.

        Counts above a region's capacity are capped at it. Officers going off duty are
        drawn at random among those on duty (run 5's police walked down); officers coming
        on duty take uniformly random empty cells of their region.
        """
        counts = np.asarray(counts, dtype=np.int64).ravel()
        current = self.cops_on_duty()
        for r in range(min(self.n_regions, counts.shape[0])):
            want, have = int(counts[r]), int(current[r])
            if want == have:
                continue
            members = np.flatnonzero(self.cop_region == r) + self.n_cit
            want = min(want, members.size)
            if want < have:
                on = members[self.pos[members] >= 0]
                drop = self.rng.choice(on, size=have - want, replace=False)
                kernel.remove_agents(drop, self.pos, self.grid, self.kind, *self._dims())
            elif want > have:
                off = members[self.pos[members] < 0][: want - have]
                kernel.place_agents(
                    off,
                    self.pos,
                    self.grid,
                    self.kind,
                    kernel.K_COP,
                    self.region_cells[r],
                    *self._dims(),
                    self.rng,
                )

    def _dims(self) -> tuple[int, int, int]:
        return self.height, self.width, self.halo

    # ----------------------------------------------------------------------- dynamics
    def step(
        self,
        grievance: np.ndarray,
        threshold: np.ndarray,
        k: float | None = None,
        extra_risk: float = 0.0,
    ) -> int:
        """Release served terms, then activate every agent once; return the arrests made.

        ``grievance`` and ``threshold`` hold one value per citizen; ``extra_risk`` in [0, 1]
        is a sanction risk every citizen adds to her local arrest estimate,
        P = 1 - (1 - P_arrest)(1 - extra_risk) (a model's prosecution after the fact); at 0
        the rule is Epstein's, bit for bit.
        """
        if not 0.0 <= extra_risk <= 1.0:
            raise ValueError(f"extra_risk={extra_risk} must lie in [0, 1]")
        self._gtr[:, 0] = grievance
        self._gtr[:, 2] = threshold
        self.released_last_step, self.arrests_last_step = kernel.step(
            kernel.Lattice(
                self.pos,
                self.grid,
                self.kind,
                self.n_cit,
                self._gtr.reshape(-1),
                self.active,
                self.jail_left,
                self.cop_region,
                self.cell_region,
                self._region_p,
                self._cit_lin,
                self._cit_dy,
                self._cit_dx,
                self._cop_lin,
                self._cop_dy,
                self._cop_dx,
                self.height,
                self.width,
                self.halo,
                self.arrest_cell,
            ),
            self.k if k is None else float(k),
            self.opts,
            self.order,
            self._all_cells,
            self.rng,
            float(extra_risk),
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
        """(height, width) int map of ``OCC_*`` codes: -1 empty, 0 quiet, 1 active,
        2 jailed in place, 3 police (for plots)."""
        img = np.full(self.grid.shape, OCC_EMPTY, dtype=np.int64)
        occ = self.grid >= 0
        who = self.grid[occ]
        cit = np.minimum(who, max(self.n_cit - 1, 0))
        state = (
            np.where(self.jail_left[cit] >= 0, OCC_JAILED, self.active[cit]) if self.n_cit else 0
        )
        img[occ] = np.where(who >= self.n_cit, OCC_POLICE, state)
        return img.reshape(self.height, self.width)

    def _cell_codes(self) -> np.ndarray:
        """What stands on each torus cell, as the kernel's EMPTY/QUIET/ACTIVE/COP/JAILED."""
        occ = self.occupancy().ravel()
        return np.select(
            [occ == OCC_QUIET, occ == OCC_ACTIVE, occ == OCC_JAILED, occ == OCC_POLICE],
            [kernel.K_QUIET, kernel.K_ACTIVE, kernel.K_JAILED, kernel.K_COP],
            kernel.EMPTY,
        ).astype(np.uint8)

    def sync_cell_map(self) -> None:
        """Rebuild the kernel's padded cell map from ``grid``, ``active`` and ``jail_left``.

        The kernel keeps the map up to date itself; call this only after editing those
        arrays by hand (a custom initial arrangement, a test).
        """
        self.kind = kernel.padded_kind(
            self._cell_codes().reshape(self.height, self.width), self.halo
        )

    def check_consistency(self) -> None:
        """Raise AssertionError unless grid, positions, states and the padded map agree.

        Cheap enough for tests after every step; a model never needs to call it.
        """
        n_agents = self.pos.shape[0]
        on = np.flatnonzero(self.pos >= 0)
        assert np.unique(self.pos[on]).size == on.size, "two agents share a cell"
        assert (self.grid[self.pos[on]] == on).all(), "grid and pos disagree"
        assert np.count_nonzero(self.grid >= 0) == on.size, "grid holds agents off the board"
        cit = np.arange(self.n_cit)
        jailed = self.jail_left >= 0
        assert not (self.active[jailed] == 1).any(), "a jailed citizen is active"
        if self.jail_in_place:
            assert (self.pos[cit] >= 0).all(), "a citizen left the grid"
        else:
            assert (self.pos[cit][jailed] < 0).all(), "a jailed citizen is on the grid"
            assert (self.pos[cit][~jailed] >= 0).all(), "a free citizen is off the grid"
        assert (self.jail_left[jailed] <= max(self.jail_max, 0)).all() or self.jail_max < 0
        assert (self.jail_left[jailed & (self.jail_left > INF_JAIL // 2)] == INF_JAIL).all()
        padded = kernel.padded_kind(self._cell_codes().reshape(self.height, self.width), self.halo)
        assert np.array_equal(padded, self.kind), "padded kind map out of date"
        assert n_agents == self.n_cit + self.cop_region.shape[0]
