"""The Epstein engine as a registered runner (for sweeps and tests over many seeds)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from abm.engine.params import EPSTEIN_PARAMS
from abm.engine.presets import preset
from abm.runner import RunResult, register

#: A step counts as a burst when this share of citizens is active (Epstein's outbursts).
BURST_SHARE = 0.1


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
    share = series["active"] / n
    burst_steps = series["step"][share >= BURST_SHARE]
    summary = {
        "peak_active_share": float(share.max()),
        "mean_active_share": float(share.mean()),
        "final_jailed_share": float(series["jailed"].iloc[-1] / n),
        "first_burst_step": int(burst_steps.iloc[0]) if len(burst_steps) else None,
    }
    return RunResult("epstein", {k: str(v) for k, v in p.items()}, seed, steps, summary, series)
