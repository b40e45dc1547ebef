"""Protest counted in people: detention by binomial thinning, prosecution after the fact,
fatigue, security quits, the combined sanction risk and the uprising as failed containment."""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm.belarus.actors.citizens import fatigue_step
from abm.belarus.mechanisms.detention import broken_up_people, detain
from abm.belarus.mechanisms.prosecution import Prosecution, perceived_risk
from abm.belarus.model import BelarusModel
from abm.belarus.outcomes import uprising_threshold
from abm.belarus.params import epstein_equivalent
from abm.engine.rules import sanction_probability
from abm.engine.world import CivilViolenceWorld

SMALL = {"n_citizens": 1_500}


# ------------------------------------------------------------------------- detention
def test_detention_thins_the_broken_up_people_binomially():
    rng = np.random.default_rng(0)
    people, q = 20_000, 0.03
    draws = np.array([detain(people, q, 10**9, rng) for _ in range(2_000)])
    assert draws.mean() == pytest.approx(people * q, rel=0.01)
    assert draws.var() == pytest.approx(people * q * (1 - q), rel=0.1)


def test_detention_is_capped_by_capacity_and_draws_nothing_without_people():
    rng = np.random.default_rng(1)
    assert detain(1_000_000, 0.5, 7_000, rng) == 7_000
    state = rng.bit_generator.state
    assert detain(0, 0.5, 7_000, rng) == 0
    assert rng.bit_generator.state == state  # no draw: the actor stream is not advanced
    assert broken_up_people(3, 925.5) == 2_776


def _weekly_per_thousand(n: int, seeds: range) -> tuple[np.ndarray, np.ndarray]:
    """Mean weekly detentions per 1,000 inhabitants and mean turnout, one value per seed, in
    the Epstein-reduced citizens (whose agent dynamics are intensive) at ``n`` agents."""
    det, turnout = [], []
    for seed in seeds:
        m = BelarusModel(
            epstein_equivalent(
                n_citizens=n, legitimacy_pw=0.75, legitimacy_pr=0.75, capital_share=0.0
            ),
            rng=seed,
            faces=False,
        )
        m.run_for(30)
        s = m.series().iloc[6:]
        det.append(s["detentions"].mean() / m.population * 1_000)
        turnout.append(s["turnout"].mean())
    return np.array(det), np.array(turnout)


def test_detentions_and_turnout_in_people_agree_across_scales():
    """2,500, 10,000 and 40,000 agents (3,700 to 231 people each): the same distribution of
    detentions and turnout in people. Counting in agents would differ by 4x per step."""
    results = {
        n: _weekly_per_thousand(n, range(k)) for n, k in ((2_500, 8), (10_000, 8), (40_000, 4))
    }
    for series in (0, 1):
        means = {n: r[series].mean() for n, r in results.items()}
        ses = {n: r[series].std(ddof=1) / math.sqrt(r[series].size) for n, r in results.items()}
        assert min(means.values()) > 0
        for a, b in ((2_500, 10_000), (10_000, 40_000), (2_500, 40_000)):
            gap = abs(means[a] - means[b])
            assert gap <= 4 * math.hypot(ses[a], ses[b]), (series, a, b, means, ses)
            assert gap <= 0.1 * means[b], (series, a, b, means)


# ----------------------------------------------------------------------- prosecution
def test_prisoner_stock_follows_the_expected_recursion_of_charges_and_releases():
    """Known answer of the aggregate mechanism alone: E[pool'] = pool (1 - h)(1 - f),
    E[charged] = h pool, E[S'] = S (1 - r) + E[charged], averaged over seeds."""
    h, f, r, weeks = 0.01, 0.05, 0.03, 80
    inflow = [20_000] * 10 + [0] * (weeks - 10)
    runs = []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        books = Prosecution(500)
        runs.append([(books.week(x, h, f, r, rng), books.prisoners)[1] for x in inflow])
    sim = np.mean(runs, axis=0)
    pool, stock, want = 0.0, 500.0, []
    for x in inflow:
        pool += x
        charged = h * pool
        pool = (pool - charged) * (1 - f)
        stock = stock * (1 - r) + charged
        want.append(stock)
    np.testing.assert_allclose(sim, want, rtol=0.01)
    assert want[9] > 500 * 5  # the stock grew by prosecution...
    assert want[-1] < max(want)  # ...and decays by release once the pool runs dry


def test_without_a_hazard_nobody_is_charged_and_the_stock_only_drains():
    rng = np.random.default_rng(3)
    books = Prosecution(1_000)
    charged = [books.week(50_000, 0.0, 0.01, 0.05, rng) for _ in range(30)]
    assert sum(charged) == 0
    assert books.prisoners < 1_000 * 0.95**30 * 1.3


def test_perceived_prosecution_risk_is_zero_when_switched_off_and_positive_when_on():
    off = BelarusModel({**SMALL, "ext_prosecution": False}, rng=0, faces=False)
    on = BelarusModel(SMALL, rng=0, faces=False)
    assert off.books.risk(1.0) == 0.0
    p = on.p
    h, f = p["prosecution_hazard"], p["evidence_fade"]
    assert on.books.risk(0.0) == pytest.approx(h / (h + f * (1 - h)))
    assert perceived_risk(0.0, 0.01) == 0.0


@pytest.mark.parametrize(("h", "f"), [(0.01, 0.01), (3.3e-3, 0.002), (0.2, 0.05)])
def test_perceived_risk_is_the_share_the_process_eventually_charges(h, f):
    """One cohort of exposures run through the very process citizens reason about: the
    share ever charged matches P_pros (binomial noise on 10^6 exposures)."""
    books = Prosecution(0)
    rng = np.random.default_rng(3)
    n = 1_000_000
    charged = books.week(n, h, f, 0.0, rng)
    while books.exposed:
        charged += books.week(0, h, f, 0.0, rng)
    assert charged / n == pytest.approx(perceived_risk(h, f), abs=4e-3)


# ------------------------------------------------------------- combined sanction risk
def test_sanction_probability_is_exactly_the_street_estimate_without_extra_risk():
    for p in (0.1, 0.3, 0.7, 1 - math.exp(-2.3 * 3 / 7)):
        assert sanction_probability(p, 0.0) == p  # bit for bit
    # ...which the naive formula is not, so the exact branch matters:
    assert any(1 - (1 - p) * 1.0 != p for p in (0.1, 0.3, 0.7, 1e-17))
    assert sanction_probability(0.3, 0.2) == pytest.approx(1 - 0.7 * 0.8)


def _world(seed: int) -> CivilViolenceWorld:
    w = CivilViolenceWorld(
        width=30,
        height=30,
        n_citizens=600,
        cop_capacity=np.array([40]),
        rng=np.random.default_rng(seed),
        citizen_vision=3,
        cop_vision=3,
    )
    w.set_cops_on_duty(np.array([40]))
    return w


def test_the_kernel_is_unchanged_at_zero_extra_risk_and_deterred_by_more():
    g, t = np.full(600, 0.45), np.full(600, 0.1)
    plain, zero, risky = _world(4), _world(4), _world(4)
    actives = {"plain": [], "zero": [], "risky": []}
    for _ in range(15):
        plain.step(g, t)
        zero.step(g, t, extra_risk=0.0)
        risky.step(g, t, extra_risk=0.6)
        for name, w in (("plain", plain), ("zero", zero), ("risky", risky)):
            actives[name].append(int(w.active.sum()))
    np.testing.assert_array_equal(plain.active, zero.active)
    np.testing.assert_array_equal(plain.pos, zero.pos)
    assert actives["plain"] == actives["zero"]
    assert min(actives["plain"]) > 0
    assert sum(actives["risky"]) < 0.7 * sum(actives["plain"])
    with pytest.raises(ValueError, match="extra_risk"):
        plain.step(g, t, extra_risk=1.5)


# ---------------------------------------------------------------------------- fatigue
def test_fatigue_builds_while_protesting_and_recovers_while_quiet():
    f = fatigue_step(np.array([0.0, 0.5]), np.array([True, False]), 0.1, 0.2)
    np.testing.assert_allclose(f, [0.1, 0.4])


def test_fatigue_fades_a_protest_without_any_arrest():
    """No police at all, constant legitimacy: without fatigue the protest holds; with it,
    it fades."""
    base = epstein_equivalent(
        n_citizens=1_500, police_density=0.0, legitimacy_pw=0.75, legitimacy_pr=0.75
    )
    runs = {}
    for on in (False, True):
        m = BelarusModel({**base, "ext_fatigue": on}, rng=2, faces=False)
        m.run_for(40)
        runs[on] = m.series()
    assert runs[True]["arrests"].sum() == runs[False]["arrests"].sum() == 0
    tired, fresh = runs[True]["protesters"], runs[False]["protesters"]
    assert fresh.iloc[5:].min() > 0.8 * fresh.iloc[5:].max()  # no fading without fatigue
    assert tired.iloc[-5:].mean() < 0.6 * tired.max()
    assert tired.iloc[-5:].mean() < 0.6 * fresh.iloc[-5:].mean()


# --------------------------------------------------------------------- security quits
def test_security_quits_rise_with_protest_load_and_never_make_a_unit_defect():
    m = BelarusModel(SMALL, rng=0, faces=False)
    rng = np.random.default_rng(0)
    before = m.security.capacity().sum()
    assert m.security.quit_under_protest(0, 100_000, rng) == 0
    low = m.security.quit_under_protest(50_000, 100_000, rng)
    high = m.security.quit_under_protest(500_000, 100_000, rng)
    assert 0 < low < high
    assert m.security.capacity().sum() == pytest.approx(before - low - high)
    assert not any(u.defected for u in m.security)


# ---------------------------------------------------------------------- the uprising
def test_the_uprising_is_failed_containment_not_a_participation_share():
    m = BelarusModel({**SMALL, "containment_ratio": 20.0}, rng=0, faces=False)
    loyal = m.loyal_coercive_people()
    assert m.uprising_threshold == pytest.approx(20.0 * loyal / m.population)
    assert uprising_threshold({"containment_ratio": 20.0}, loyal, m.population) > 0.05
    m.turnout = 0.05  # above Chenoweth's 3.5 %, below what 20 x the loyal forces contain
    m._detect(1)
    assert "uprising" not in [e for _, e, _ in m.events]
    m = BelarusModel({**SMALL, "containment_ratio": 0.5}, rng=0, faces=False)
    m.turnout = 0.01  # far below 3.5 %, above 0.5 x the loyal forces
    m.books.protesters = int(0.01 * m.population)
    m._detect(1)
    causes = [c for _, e, c in m.events if e == "uprising"]
    assert len(causes) == 1
    assert f"~{m.protesters:,} people protest" in causes[0]
    assert f"{m.loyal_coercive_people():,.0f} loyal coercive people" in causes[0]


def test_week_in_people_adds_up():
    m = BelarusModel({"legitimacy_pw": 0.6}, rng=1, faces=False)
    m.run_for(20)
    s = m.series()
    assert (s["detentions"] == s["street_detentions"] + s["prosecutions"]).all()
    assert (s["protesters_capital"] <= s["protesters"]).all()
    np.testing.assert_allclose(s["turnout"], s["protesters"] / m.population)
    assert (s["street_detentions"] <= m.p["detention_capacity"]).all()
    ppa = m.people_per_agent
    assert (s["protesters"] - (s["active"] + s["arrests"]) * ppa).abs().max() <= 0.5
    assert s["protesters"].max() > 0 and s["street_detentions"].sum() > 0
