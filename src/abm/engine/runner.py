"""The Epstein engine's run function and scenarios (its catalogue entry's ``run`` and
``scenarios``), for sweeps and tests over many seeds."""

from __future__ import annotations

from abm.contract import RunResult, RunSetup, Scenario
from abm.engine.bursts import outbursts
from abm.engine.model import EpsteinModel
from abm.engine.presets import preset, preset_names


def scenario_table() -> dict[str, Scenario]:
    """The named presets (``presets/epstein.toml``) as scenarios."""
    out = {}
    for name in preset_names():
        overrides, steps, description = preset(name)
        out[name] = Scenario(name, description, steps, overrides)
    return out


def run(setup: RunSetup, seed: int) -> RunResult:
    """One run of resolved, validated parameters, summarised by its outbursts."""
    p, steps = setup.params, setup.steps
    model = EpsteinModel(p, rng=seed, faces=False)
    model.run_for(steps)
    series = model.series()
    n = model.world.n_cit
    share = series["active"] / max(n, 1)
    # Outbursts as in abm.engine.bursts (Epstein's 50-of-1120 line, after calm); row 0 is
    # the initial state, so episode index i is step i + 1.
    bursts = outbursts(series["active"].to_numpy()[1:], n)
    summary = {
        "peak_active_share": float(share.max()),
        "mean_active_share": float(share.mean()),
        "final_jailed_share": float(series["jailed"].iloc[-1] / max(n, 1)),
        "n_outbursts": bursts.count,
        "first_burst_step": bursts.episodes[0][0] + 1 if bursts.count else None,
    }
    return RunResult("epstein", {k: str(v) for k, v in p.items()}, seed, steps, summary, series)
