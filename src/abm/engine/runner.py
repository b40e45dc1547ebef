"""The Epstein engine as a registered runner (for sweeps and tests over many seeds)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from abm.engine.bursts import outbursts
from abm.engine.params import EPSTEIN_PARAMS
from abm.engine.presets import preset
from abm.runner import RunResult, register


@register("epstein")
def run_epstein(params: Mapping[str, Any], seed: int, steps: int | None) -> RunResult:
    from abm.engine.model import EpsteinModel

    params = dict(params)
    base, preset_steps = {}, 200
    if "scenario" in params:  # a named preset supplies the base values
        base, preset_steps, _ = preset(str(params.pop("scenario")))
    p = EPSTEIN_PARAMS.resolve(base, params)
    steps = preset_steps if steps is None else steps
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
