"""Design points and seeds: grid order, SALib's row order kept, integer and categorical
factors decoded, and seeds that depend only on (root seed, point, replicate)."""

from __future__ import annotations

import numpy as np
import pytest
from SALib.sample import morris, sobol

from abm.sweep import SweepSpec, build_design, run_id, run_seed

FIXED = {"width": 12, "height": 12, "vision": 3, "cop_vision": 3}


def spec(vary, design=None, **over):
    d = {"model": "epstein", "steps": 5, "fixed": FIXED, "vary": vary, "seed": 5}
    if design:
        d["design"] = design
    d.update(over)
    return SweepSpec.from_dict(d)


def test_grid_is_the_product_with_the_first_parameter_slowest():
    s = spec(
        {
            "legitimacy": {"values": [0.6, 0.8]},
            "max_jail_term": {"range": [0, 30], "num": 3},
            "movement": {"values": [True, False]},
        }
    )
    d = build_design(s)
    assert len(d) == 2 * 3 * 2
    assert d.points[0] == {"legitimacy": 0.6, "max_jail_term": 0, "movement": True}
    assert d.points[1] == {"legitimacy": 0.6, "max_jail_term": 0, "movement": False}
    assert d.points[2] == {"legitimacy": 0.6, "max_jail_term": 15, "movement": True}
    assert d.points[-1] == {"legitimacy": 0.8, "max_jail_term": 30, "movement": False}
    assert all(isinstance(p["max_jail_term"], int) for p in d.points)


def test_a_grid_without_varied_parameters_is_one_point_of_replicates():
    d = build_design(spec({}, replicates=7))
    assert d.points == [{}]


def test_sobol_keeps_salib_row_order_and_values():
    s = spec(
        {"legitimacy": {"range": [0.5, 0.9]}, "k": {"range": [1.0, 4.0]}},
        {"kind": "sobol", "n": 8, "second_order": False, "seed": 42},
    )
    d = build_design(s)
    expected = sobol.sample(d.problem, 8, calc_second_order=False, seed=42)
    assert len(d) == 8 * (2 + 2)
    np.testing.assert_array_equal(d.x, expected)
    got = np.array([[p["legitimacy"], p["k"]] for p in d.points])
    np.testing.assert_array_equal(got, expected)
    assert d.problem["names"] == ["legitimacy", "k"]
    assert d.problem["bounds"] == [[0.5, 0.9], [1.0, 4.0]]


def test_morris_keeps_salib_trajectories():
    s = spec(
        {"legitimacy": {"range": [0.5, 0.9]}, "k": {"range": [1.0, 4.0]}},
        {"kind": "morris", "n": 5, "levels": 4, "seed": 9},
    )
    d = build_design(s)
    np.testing.assert_array_equal(d.x, morris.sample(d.problem, 5, num_levels=4, seed=9))
    assert len(d) == 5 * (2 + 1)


def test_lhs_puts_one_point_in_each_stratum_and_decodes_integers_and_categories():
    n = 10
    s = spec(
        {
            "legitimacy": {"range": [0.0, 1.0]},
            "max_jail_term": {"range": [0, 9]},
            "jail_draw": {"values": ["uniform", "fixed"]},
        },
        {"kind": "lhs", "n": n},
    )
    d = build_design(s)
    assert len(d) == n
    strata = np.floor(np.array([p["legitimacy"] for p in d.points]) * n)
    assert sorted(strata) == list(range(n))  # Latin: each tenth of the range once
    jt = [p["max_jail_term"] for p in d.points]
    assert all(isinstance(v, int) and 0 <= v <= 9 for v in jt)
    np.testing.assert_array_equal(jt, np.clip(np.round(d.x[:, 1]), 0, 9).astype(int))
    draws = [p["jail_draw"] for p in d.points]
    assert set(draws) == {"uniform", "fixed"}  # stratified: both halves of [0, 2) are hit
    assert all(
        draw == ("uniform" if x < 1 else "fixed") for draw, x in zip(draws, d.x[:, 2], strict=True)
    )


def test_same_spec_same_design_and_the_design_seed_matters():
    v = {"legitimacy": {"range": [0.5, 0.9]}}
    a = build_design(spec(v, {"kind": "lhs", "n": 6, "seed": 1}))
    b = build_design(spec(v, {"kind": "lhs", "n": 6, "seed": 1}))
    c = build_design(spec(v, {"kind": "lhs", "n": 6, "seed": 2}))
    np.testing.assert_array_equal(a.x, b.x)
    assert not np.array_equal(a.x, c.x)


def test_run_ids_are_stable_and_sort_in_plan_order():
    assert run_id(12, 3) == "p000012-r0003"
    ids = [run_id(p, r) for p in range(3) for r in range(12)]
    assert ids == sorted(ids)


def test_seeds_depend_only_on_root_point_and_replicate():
    seeds = {(p, r): run_seed(7, p, r) for p in range(20) for r in range(5)}
    assert len(set(seeds.values())) == len(seeds)  # all distinct
    assert seeds[(3, 2)] == run_seed(7, 3, 2)  # stable, in any order
    assert run_seed(8, 3, 2) != seeds[(3, 2)]
    assert all(0 <= s < 2**64 for s in seeds.values())
    # the derivation is numpy's SeedSequence with spawn_key (point, replicate)
    ref = np.random.SeedSequence(7, spawn_key=(3, 2)).generate_state(1, np.uint64)[0]
    assert seeds[(3, 2)] == int(ref)


def test_common_random_numbers_share_seeds_across_points_only():
    assert run_seed(7, 0, 1, common=True) == run_seed(7, 5, 1, common=True)
    assert run_seed(7, 0, 1, common=True) != run_seed(7, 0, 2, common=True)


@pytest.mark.parametrize("kind", ["lhs", "sobol", "morris"])
def test_sampled_designs_stay_inside_the_declared_bounds(kind):
    d = build_design(
        spec({"legitimacy": {"range": [0.55, 0.6]}}, {"kind": kind, "n": 8, "seed": 3})
    )
    vals = np.array([p["legitimacy"] for p in d.points])
    assert vals.min() >= 0.55 and vals.max() <= 0.6
