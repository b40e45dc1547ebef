"""What every experiment over the posterior shares (issue 14): its sweep, its table of
outcome probabilities with intervals, its record of which parameters were estimated and
which kept their priors, and its README.

An experiment's runs draw the posterior's particles (``results/posterior/fit``: 8 parameters
estimated on August 2020 - September 2022, the other priored ones drawn from their priors
per particle), one seed per run, so an outcome's share over the runs at a setting is its
posterior predictive probability: parameter uncertainty and seed noise are both in it. Its
Wilson interval is the Monte Carlo error of that share (how many runs were spent), not a
second layer of uncertainty; how the spread splits between parameters and seeds is
``results/sensitivity``'s question.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
#: The committed posterior of the fit period (``abm calibrate experiments/calibration.toml``).
POSTERIOR = ROOT / "results" / "posterior" / "fit"
#: The Belarus model's outcomes, in its declared order (status quo is "none of these").
OUTCOMES = (
    "intervention",
    "mutiny",
    "mass_mutiny",
    "uprising",
    "substitution_attempt",
    "substitution",
    "ejection",
    "russian_intervention",
)
#: What each outcome means, for tables a reader meets without the ODD open.
MEANING = {
    "intervention": "Belarusian units fight inside Ukraine",
    "mutiny": "an army unit mutinies",
    "mass_mutiny": "mutinied units hold a quarter of the army's strength",
    "uprising": "more people protest than the loyal forces can contain",
    "substitution_attempt": "the Kremlin tries to replace Lukashenko",
    "substitution": "a substitution attempt succeeds",
    "ejection": "Lukashenko loses power (substitution or revolt)",
    "russian_intervention": "Russian forces intervene inside Belarus",
}


def posterior_spec(
    name: str,
    description: str,
    *,
    scenario: str,
    steps: int,
    draws: int,
    seed: int,
    vary: Mapping[str, Any] | None = None,
    fixed: Mapping[str, Any] | None = None,
    replicates: int = 1,
    keep_series: Sequence[str] = (),
    common_random_numbers: bool = False,
    posterior: Path = POSTERIOR,
    cross: bool = True,
):
    """A sweep of ``draws`` posterior draws crossed with the ``vary`` grid (values lists),
    ``replicates`` seeds each. The same draws meet every grid cell, so settings are
    compared at the same parameter values (docs/sweeps.md, posterior designs). With
    ``cross=False`` the draws are dealt out instead, ``draws`` per cell, every run with a
    draw of its own (what a search over the drawn parameters needs)."""
    from math import prod

    from abm.sweep import Design, SweepSpec, Vary

    return SweepSpec(
        model="belarus",
        name=name,
        description=description,
        scenario=scenario,
        steps=steps,
        replicates=replicates,
        seed=seed,
        fixed=dict(fixed or {}),
        vary={k: Vary(values=tuple(v)) for k, v in (vary or {}).items()},
        design=Design(
            kind="posterior",
            n=draws if cross else draws * prod(len(v) for v in (vary or {}).values()),
            posterior=str(posterior),
            cross=cross,
        ),
        keep_series=tuple(keep_series),
        common_random_numbers=common_random_numbers,
    )


@dataclass
class Sweeps:
    """The sweeps one experiment ran this session, with their wall times (for the README)."""

    runs: dict[str, int] = field(default_factory=dict)
    wall_s: dict[str, float] = field(default_factory=dict)

    def run(self, spec, folder: Path, workers: int) -> pd.DataFrame:
        """Run or resume ``spec`` into ``folder`` (a folder of other code is set aside) and
        return its runs table; a sweep that ends with failed or missing runs stops the
        experiment, since its shares would silently lose runs."""
        from abm.sweep import run_sweep_current
        from abm.sweep.read import SweepFolder

        summary = run_sweep_current(spec, folder, workers=workers)
        if summary.status != "complete":
            raise SystemExit(
                f"{spec.name}: the sweep in {folder} ended {summary.status!r} "
                f"({summary.failed_total} failed, {summary.pending} not run); rerun to resume"
            )
        runs = SweepFolder(folder).table("runs")
        self.runs[spec.name] = len(runs)
        self.wall_s[spec.name] = summary.wall_s
        return runs

    @property
    def total_runs(self) -> int:
        return sum(self.runs.values())

    @property
    def total_wall_s(self) -> float:
        return sum(self.wall_s.values())


def happened(runs: pd.DataFrame, outcomes: Sequence[str] = OUTCOMES) -> pd.DataFrame:
    """One boolean column per outcome: its ``week_<outcome>`` is set."""
    return pd.DataFrame({o: runs[f"week_{o}"].notna() for o in outcomes}, index=runs.index)


def outcome_summary(
    runs: pd.DataFrame,
    by: Sequence[str],
    outcomes: Sequence[str] = OUTCOMES,
    *,
    origin: str | int | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Each outcome's probability at each setting of ``by`` (columns of ``runs``), with its
    Wilson interval, and the weeks to it: median and quartiles over the runs where it
    happened, counted from ``origin`` (a column, e.g. the week Belarus was sent in, or a
    step; default step 0). A long table, one row per (setting, outcome), in the form
    ``abm.plots.outcomes`` draws (``thin``: fewer than 10 runs)."""
    from abm.analysis.probabilities import MIN_RUNS, wilson_interval

    hit = happened(runs, outcomes)
    start = 0 if origin is None else (runs[origin] if isinstance(origin, str) else origin)
    rows = []
    for key, group in runs.groupby(list(by), sort=True):
        idx = group.index
        for o in outcomes:
            h = hit.loc[idx, o]
            weeks = (runs.loc[idx, f"week_{o}"] - (start if np.isscalar(start) else start[idx]))[h]
            rows.append(
                {
                    **dict(zip(by, key, strict=True)),
                    "outcome": o,
                    "n": int(len(h)),
                    "k": int(h.sum()),
                    "weeks_median": float(weeks.median()) if len(weeks) else np.nan,
                    "weeks_q25": float(weeks.quantile(0.25)) if len(weeks) else np.nan,
                    "weeks_q75": float(weeks.quantile(0.75)) if len(weeks) else np.nan,
                }
            )
    table = pd.DataFrame(rows)
    table.insert(len(by) + 3, "p", table["k"] / table["n"])
    low, high = wilson_interval(table["k"].to_numpy(), table["n"].to_numpy(), confidence)
    table.insert(len(by) + 4, "low", low)
    table.insert(len(by) + 5, "high", high)
    table["thin"] = table["n"] < MIN_RUNS
    return table


def paired_difference(
    runs: pd.DataFrame,
    lever: str,
    on: Any,
    off: Any,
    outcomes: Sequence[str] = OUTCOMES,
    *,
    by: Sequence[str] = (),
    boot: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """P(outcome | lever = on) - P(outcome | lever = off) at the same posterior draws, with
    a bootstrap interval that resamples draws (``point_id // cells``, the posterior
    design's draw index is read from ``draw``) so the pairing is kept: what the lever is
    worth, net of which particles happened to be drawn. ``values`` (one column per
    quantity, indexed as ``runs``) compares the mean of any per-run quantity instead of an
    outcome's share; its columns then take the place of ``outcomes``."""
    rng = np.random.default_rng(seed)
    alpha = (1.0 - confidence) / 2.0
    hit = happened(runs, outcomes) if values is None else values
    outcomes = list(hit.columns)
    rows = []
    groups = runs.groupby(list(by), sort=True) if by else [((), runs)]
    for key, sub in groups:
        a = hit.loc[sub.index[sub[lever] == on]].groupby(sub["draw"]).mean()
        b = hit.loc[sub.index[sub[lever] == off]].groupby(sub["draw"]).mean()
        common = a.index.intersection(b.index)
        d = (a.loc[common] - b.loc[common]).to_numpy()
        picks = rng.integers(0, len(d), size=(boot, len(d)))
        means = d[picks].mean(axis=1)
        for j, o in enumerate(outcomes):
            rows.append(
                {
                    **dict(zip(by, key, strict=True)),
                    "outcome": o,
                    "draws": len(d),
                    "p_on": float(a.loc[common, o].mean()),
                    "p_off": float(b.loc[common, o].mean()),
                    "diff": float(d[:, j].mean()),
                    "low": float(np.quantile(means[:, j], alpha)),
                    "high": float(np.quantile(means[:, j], 1.0 - alpha)),
                }
            )
    return pd.DataFrame(rows)


def with_draw(runs: pd.DataFrame, cells: int) -> pd.DataFrame:
    """``runs`` with a ``draw`` column: a posterior design's point ``i * cells + g`` is
    draw ``i`` at grid cell ``g`` (docs/sweeps.md)."""
    out = runs.copy()
    out["draw"] = out["point_id"] // cells
    return out


def fmt_p(p: float, low: float, high: float) -> str:
    """``0.23 [0.18, 0.29]``: a share and its interval, as every README writes it."""
    return f"{p:.2f} [{low:.2f}, {high:.2f}]"


def estimated_and_kept(posterior: Path = POSTERIOR) -> tuple[list[str], list[str]]:
    """The posterior's estimated parameters and those that kept their priors (drawn from
    the prior per particle: the fit period does not inform them)."""
    manifest = json.loads((posterior / "manifest.json").read_text())
    estimated = list(manifest["estimated"])
    kept = [p for p in manifest["params"] if p not in estimated]
    return estimated, kept


def prior_kept_text(posterior: Path = POSTERIOR, set_here: Sequence[str] = ()) -> str:
    """The caveat every experiment's README carries: what was estimated, what kept its
    prior, what the experiment itself set."""
    estimated, kept = estimated_and_kept(posterior)
    kept_not_set = [p for p in kept if p not in set_here]
    rel = posterior.relative_to(ROOT) if posterior.is_relative_to(ROOT) else posterior
    lines = [
        f"- Posterior: `{rel}` (ABC-SMC on August 2020 - September 2022; "
        "`results/posterior/README.md`).",
        f"- Estimated ({len(estimated)}): " + ", ".join(f"`{p}`" for p in estimated) + ".",
        f"- Kept their priors ({len(kept_not_set)}: drawn from the prior with each particle, "
        "because the fit period does not inform them): "
        + ", ".join(f"`{p}`" for p in kept_not_set)
        + ".",
        "- Every other parameter is at its documented default (docs/ODD.md, parameter "
        "table) or set by the scenario or by this experiment"
        + (": " + ", ".join(f"`{p}`" for p in set_here) if set_here else "")
        + ".",
    ]
    return "\n".join(lines)


def write_readme(
    out: Path,
    *,
    title: str,
    command: str,
    finding: str,
    caveats: str,
    sweeps: Sweeps,
    full: str,
    files: Sequence[str],
) -> Path:
    """``out/README.md``: the command first, then the finding, caveats (with which
    parameters kept their priors), size and wall time, how to run the full size, files."""
    text = f"""# {title}

```bash
{command}
```

## Finding

{finding.strip()}

## Caveats

{caveats.strip()}

## Size and wall time

{sweeps.total_runs:,} runs in {len(sweeps.runs)} sweep(s), {sweeps.total_wall_s / 60:.1f} min of
sweep wall time in the session that made these files (2 workers; a resumed sweep counts only
its last session) on {platform.machine()} with Python {sys.version.split()[0]}.
Full size: {full.strip()}

## Files

""" + "\n".join(f"- `{f}`" for f in files)
    path = out / "README.md"
    path.write_text(text.rstrip() + "\n")
    return path


def parser(name: str, doc: str):
    """The options every experiment takes (the contract in issue 14's experiments)."""
    import argparse

    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "results" / name, help="results folder")
    ap.add_argument(
        "--work",
        type=Path,
        default=ROOT / "out" / "experiments" / name,
        help="raw sweep folders (resumable: rerun the same command to continue)",
    )
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="a smoke size (seconds), for tests")
    size.add_argument("--full", action="store_true", help="the documented full size")
    return ap


def command(name: str, argv: Sequence[str] | None) -> str:
    """The command line that made a results folder, for its README's first line."""
    args = " ".join(argv if argv is not None else sys.argv[1:])
    return f".venv/bin/python experiments/{name}.py {args}".rstrip()


def write_table(table: pd.DataFrame, path: Path) -> Path:
    """A summary table with fixed float formatting, so a rerun with the same seeds gives
    the same bytes."""
    table.to_csv(path, index=False, float_format="%.6g")
    return path
