"""Does the estimation work, and how well does its posterior predict? (issue 13, parts 4 and 6)

Stages (each resumable: rerun the same command after an interruption and only what is
missing is done; each writes its tables and figures under ``--out`` and its runs under
``--work``):

- ``recovery``: K synthetic data sets (``--datasets``, default 5) from the model itself, at
  parameter vectors drawn from the calibration's (narrowed) prior whose runs satisfy the
  hard facts; each is what an observer would have reported of that run
  (``Target.synthetic``), and is calibrated with the spec at a reduced budget
  (``--recovery-population``, ``--recovery-generations``, ``--n-citizens``). Coverage of the
  true values by the 50 % / 90 % credible intervals, contraction, z-scores:
  ``recovery.csv``, ``recovery_summary.csv``, ``recovery.png``, ``contraction.png``.
- ``posterior``: the estimated parameters with 90 % credible intervals (``estimates.csv``),
  prior vs posterior marginals (``marginals.png``) and pairs (``pairs.png``).
- ``predictive``: ``--draws`` posterior draws and as many prior draws (the baseline), one
  seed each, run over the WHOLE history (``history`` scenario); the fit period's posterior
  predictive check beside the prior predictive (``predictive_fit.csv``, ``.png``). The
  held-out statistics are computed but not shown.
- ``sensitivity``: the posterior reweighted under other reasonable priors (``flip_scale``,
  ``half_width``, ``centred``; ``abm.calibration.recovery``): shifts of means and
  intervals, ESS (``sensitivity.csv``, ``.png``).
- ``score`` (only when named, after the freeze): held-out coverage and CRPS/Brier against
  the prior predictive (``scores.csv``, ``scores.png``, ``predictive_holdout.png``) and
  ``holdout.md`` recording that it was scored once, the commit and ``--frozen-tag``. A
  second scoring is refused unless ``--rescore`` (which the record then says).

``validation.md`` summarises whatever the stages have written, opening with the commands.

    .venv/bin/python experiments/calibration_validate.py   # all but score; ~1-2 h on 2 cores
    .venv/bin/python experiments/calibration_validate.py --stages recovery --datasets 2 \\
        --recovery-population 20 --recovery-generations 2 --n-citizens 1000   # smoke: ~5 min
    .venv/bin/python experiments/calibration_validate.py --stages score --frozen-tag fit-2022
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("recovery", "posterior", "predictive", "sensitivity", "score")
DEFAULT_STAGES = ("recovery", "posterior", "predictive", "sensitivity")
CHECKS = ("prior", "posterior")
LOG = "validation.json"


# ------------------------------------------------------------------------------ helpers
def spec_dict(spec_or_path: Any) -> dict[str, Any]:
    """A calibration spec as its canonical dict (a path, a dict or a CalibrationSpec)."""
    from abm.calibration.spec import CalibrationSpec, read_spec

    if isinstance(spec_or_path, CalibrationSpec):
        return spec_or_path.to_dict()
    if isinstance(spec_or_path, Mapping):
        return CalibrationSpec.from_dict(spec_or_path).to_dict()
    return read_spec(spec_or_path).to_dict()


def small_spec(
    d: Mapping[str, Any],
    k: int,
    population: int,
    generations: int,
    max_simulations: int,
    n_citizens: int,
    workers: int,
) -> dict[str, Any]:
    """The spec of recovery data set ``k``: the same estimation at a reduced budget."""
    out = json.loads(json.dumps(d))
    out["name"] = f"{d['name']}_recovery_{k}"
    out["seed"] = int(d.get("seed", 0)) + 1000 + k
    out["fixed"] = {**d.get("fixed", {}), "n_citizens": n_citizens}
    out["abc"] = {
        **d.get("abc", {}),
        "population": population,
        "generations": generations,
        "max_simulations": max_simulations,
        "workers": workers,
    }
    return out


def units_of(model: str) -> dict[str, str]:
    from abm import catalog

    return {p.name: p.unit for p in catalog.get(model).params if p.unit not in ("", "-")}


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def dirty() -> bool:
    """Does the checkout hold uncommitted changes to tracked files?"""
    try:
        r = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return False
    return bool(r.stdout.strip())


def log_stage(out: Path, stage: str, record: Mapping[str, Any]) -> None:
    """Append the stage's record (command, wall time, numbers) to ``validation.json``."""
    path = out / LOG
    data = json.loads(path.read_text()) if path.exists() else {}
    data[stage] = dict(record)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")


# ---------------------------------------------------------------------------- one run
_TARGETS: dict[tuple, Any] = {}


def _target(model: str, period: str, hard, exclude):
    from abm import catalog

    key = (
        model,
        period,
        None if hard is None else tuple(hard),
        None if exclude is None else tuple(exclude),
    )
    if key not in _TARGETS:
        options: dict[str, Any] = {"period": period}
        if hard is not None:
            options["hard"] = tuple(hard)
        if exclude is not None:
            options["exclude"] = tuple(exclude)
        _TARGETS[key] = catalog.get(model).targets(**options)
    return _TARGETS[key]


def run_values(
    model: str, params: Mapping[str, Any], seed: int, period: str, hard=None, exclude=None
) -> dict[str, float]:
    """One run of ``model`` long enough for ``period``'s target, read as its summary
    statistics (the Target's ``summarise`` dict)."""
    from abm.runner import run

    t = _target(model, period, hard, exclude)
    r = run(model, dict(params), int(seed), steps=t.steps)
    return t.summarise(r.series, r.events)


def _job(job: dict[str, Any]) -> dict[str, Any]:
    try:
        values = run_values(
            job["model"],
            job["params"],
            job["seed"],
            job["period"],
            job.get("hard"),
            job.get("exclude"),
        )
        return {**job, "values": values, "error": None}
    except Exception as exc:  # noqa: BLE001 - a raising run is recorded, not fatal
        return {**job, "values": {}, "error": f"{type(exc).__name__}: {exc}"}


def run_jobs(jobs: Sequence[dict[str, Any]], path: Path, workers: int) -> list[dict]:
    """Run ``jobs`` (dicts with ``draw``, ``model``, ``params``, ``seed``, ``period``) in
    ``workers`` processes, appending each finished one to the JSON-lines file ``path``;
    jobs already in the file are not rerun (resume)."""
    done = read_jsonl(path)
    have = {r["draw"] for r in done}
    todo = [j for j in jobs if j["draw"] not in have]
    path.parent.mkdir(parents=True, exist_ok=True)
    if todo:
        with open(path, "a") as fh:
            if workers <= 1:
                for j in todo:
                    fh.write(json.dumps(_job(j)) + "\n")
                    fh.flush()
            else:
                with ProcessPoolExecutor(workers) as ex:
                    for f in as_completed([ex.submit(_job, j) for j in todo]):
                        fh.write(json.dumps(f.result()) + "\n")
                        fh.flush()
    rows = read_jsonl(path)
    wanted = {j["draw"] for j in jobs}
    return sorted((r for r in rows if r["draw"] in wanted), key=lambda r: r["draw"])


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut by a kill: rerun that job
            continue
    return out


# --------------------------------------------------------------------- parameter sets
def posterior_params(spec, draw: Mapping[str, Any]) -> dict[str, Any]:
    """What the runner gets for one posterior draw (estimated and nuisance values kept
    jointly): the spec's scenario and fixed values, then the draw (a schedule parameter's
    draw replaces its largest level, as in the calibration: ``CalibrationSpec.run_params``)."""
    return spec.run_params(draw)


def prior_thetas(priors: Sequence, n: int, rng: np.random.Generator) -> list[dict[str, float]]:
    """``n`` draws of the estimated parameters from their (uniform) priors."""
    u = rng.random((n, len(priors)))
    # clipped: 10 ** log10(high) may round a hair above high, which a run refuses
    return [
        {p.name: float(np.clip(p.from_unit(u[i, j]), p.low, p.high)) for j, p in enumerate(priors)}
        for i in range(n)
    ]


# ---------------------------------------------------------------------------- scoring
def observable_draws(o, values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What ``o``'s observer would report of each true value: uniform over the error
    model's observable range (Viasna: x U(0.75, 0.85); otherwise the truth). NaN stays."""
    from abm.belarus.history.patterns import observable

    out = np.full(values.shape, np.nan)
    u = rng.random(values.size)
    for i, x in enumerate(values):
        if np.isnan(x):
            continue
        lo, hi = observable(o, float(x))
        out[i] = lo + u[i] * (hi - lo) if math.isfinite(hi - lo) else lo
    return out


def score_table(values: pd.DataFrame, target, check: str, seed: int = 0) -> pd.DataFrame:
    """One row per statistic of ``target``: the predictive (``values``: one row per draw, one
    column per key, true values) against the observation, every score of
    ``abm.calibration.scoring.score_one``."""
    from abm.belarus.history.patterns import comparison_kind
    from abm.calibration.scoring import FLOOR_COUNT, FLOOR_SHARE, kind_of, score_one

    rows = []
    for j, s in enumerate(target.stats):
        o = s.observation
        x = values[s.key].to_numpy(float) if s.key in values else np.full(len(values), np.nan)
        obs_x = observable_draws(o, x, np.random.default_rng([seed, j]))
        kind = kind_of(comparison_kind(o), s.binary, o.high)
        floor = FLOOR_SHARE if "share" in o.unit else FLOOR_COUNT
        sc = score_one(obs_x, kind, o.value, o.low, o.high, floor)
        med = float(np.nanmedian(obs_x)) if np.any(~np.isnan(obs_x)) else math.nan
        rows.append(
            {
                "check": check,
                "key": s.key,
                "label": s.key,
                "period": o.period,
                "unit": o.unit,
                "kind": kind,
                "observed": o.value,
                "observed_low": o.low,
                "observed_high": o.high,
                "draws": len(x),
                "median": med,
                **sc,
            }
        )
    return pd.DataFrame(rows)


def skill_table(long: pd.DataFrame) -> pd.DataFrame:
    """One row per statistic: each check's interval, coverage and score, and the posterior's
    skill against the prior predictive."""
    from abm.calibration.scoring import skill

    post = long[long["check"] == "posterior"].set_index("key")
    prior = long[long["check"] == "prior"].set_index("key")
    rows = []
    for key in post.index:
        p, b = post.loc[key], prior.loc[key]
        rows.append(
            {
                "key": key,
                "label": p["label"],
                "period": p["period"],
                "kind": p["kind"],
                "observed": p["observed"],
                "observed_low": p["observed_low"],
                "observed_high": p["observed_high"],
                "score_kind": p["score_kind"],
                "pi_low_posterior": p["pi_low"],
                "pi_high_posterior": p["pi_high"],
                "covered_posterior": bool(p["covered"]),
                "pi_low_prior": b["pi_low"],
                "pi_high_prior": b["pi_high"],
                "covered_prior": bool(b["covered"]),
                "defined_posterior": p["defined"],
                "score_posterior": p["score"],
                "score_prior": b["score"],
                "skill": skill(p["score"], b["score"])
                if np.isfinite(p["score"]) and np.isfinite(b["score"])
                else math.nan,
            }
        )
    return pd.DataFrame(rows)


def aggregate(sk: pd.DataFrame) -> dict[str, Any]:
    """Coverage counts and the mean scores' skill, per score kind."""
    from abm.calibration.scoring import skill

    out: dict[str, Any] = {
        "statistics": len(sk),
        "covered_posterior": int(sk["covered_posterior"].sum()),
        "covered_prior": int(sk["covered_prior"].sum()),
    }
    for kind, g in sk.groupby(sk["score_kind"].str.split(" ").str[0]):
        g = g[np.isfinite(g["score_posterior"]) & np.isfinite(g["score_prior"])]
        if g.empty:
            continue
        mp, mb = float(g["score_posterior"].mean()), float(g["score_prior"].mean())
        out[kind] = {"n": len(g), "posterior": mp, "prior": mb, "skill": skill(mp, mb)}
    return out


# ----------------------------------------------------------------------------- stages
def stage_recovery(args, out: Path, work: Path) -> dict[str, Any]:
    from abm.calibration.abc import calibrate
    from abm.calibration.recovery import recovery_summary, recovery_table
    from abm.calibration.spec import CalibrationSpec
    from abm.plots import posterior as figs
    from abm.posterior import load_posterior

    base = spec_dict(args.spec)
    folder = work / "recovery"
    folder.mkdir(parents=True, exist_ok=True)
    budget = args.recovery_max_simulations or 50 * args.recovery_population * (
        args.recovery_generations
    )
    truths, posts, runs = [], {}, []
    for k in range(args.datasets):
        d = small_spec(
            base,
            k,
            args.recovery_population,
            args.recovery_generations,
            budget,
            args.n_citizens,
            args.workers,
        )
        spec = CalibrationSpec.from_dict(d)
        priors = spec.priors()
        target = spec.target()
        truth_path = folder / f"truth_{k}.json"
        if truth_path.exists():
            truth = json.loads(truth_path.read_text())
        else:
            truth = draw_truth(spec, priors, target, k, args.seed, args.max_tries)
            truth_path.write_text(json.dumps(truth, indent=2) + "\n")
        if truth.get("values") is None:
            print(f"recovery {k}: no truth satisfying the hard facts in {truth['tries']} tries")
            continue
        synthetic = target.synthetic(truth["values"], np.random.default_rng([args.seed, k, 1]))
        pd.DataFrame(synthetic.rows()).to_csv(folder / f"synthetic_{k}.csv", index=False)
        ds = folder / f"dataset_{k}"
        t0 = time.perf_counter()
        if not (ds / "posterior.parquet").exists():
            resume = (ds / "abc.db").exists()
            print(
                f"recovery {k}: calibrating into {ds}" + (" (resume)" if resume else ""), flush=True
            )
            try:
                calibrate(
                    d, ds, resume=resume, target=synthetic, progress=True, workers=args.workers
                )
            except Exception as exc:  # noqa: BLE001 - one failed data set is reported
                print(f"recovery {k}: calibration failed: {type(exc).__name__}: {exc}")
                runs.append({"dataset": k, "error": f"{type(exc).__name__}: {exc}"})
                continue
        post = load_posterior(ds)
        posts[k] = (post.params, post.weights)
        truths.append({"dataset": k, **truth["theta"]})
        m = post.manifest
        runs.append(
            {
                "dataset": k,
                "truth_seed": truth["seed"],
                "truth_tries": truth["tries"],
                "synthetic_statistics": len(synthetic.stats),
                "generations": m.get("generations"),
                "final_epsilon": (m.get("epsilons") or [math.nan])[-1],
                "simulations": m.get("simulations"),
                "wall_s": m.get("wall_s", time.perf_counter() - t0),
                "ess": post.ess if hasattr(post, "ess") else math.nan,
                "error": "",
            }
        )
    pd.DataFrame(runs).to_csv(out / "recovery_runs.csv", index=False)
    if not truths:
        return {"datasets": 0}
    priors = CalibrationSpec.from_dict(base).priors()
    table = recovery_table(pd.DataFrame(truths), posts, priors)
    summary = recovery_summary(table)
    table.to_csv(out / "recovery.csv", index=False)
    summary.to_csv(out / "recovery_summary.csv", index=False)
    figs.recovery(table, str(out / "recovery"), units_of(base["model"]))
    figs.contraction(table, str(out / "contraction"))
    return {
        "datasets": len(truths),
        "budget": {
            "population": args.recovery_population,
            "generations": args.recovery_generations,
            "max_simulations": budget,
            "n_citizens": args.n_citizens,
        },
        "coverage50": float(table["in50"].mean()),
        "coverage90": float(table["in90"].mean()),
        "contraction_mean": float(table["contraction"].mean()),
        "simulations": int(sum(r.get("simulations") or 0 for r in runs)),
        "calibration_wall_s": float(sum(r.get("wall_s") or 0 for r in runs)),
    }


def draw_truth(spec, priors, target, k: int, seed: int, max_tries: int) -> dict[str, Any]:
    """A synthetic truth for data set ``k``: parameter vectors from the (narrowed) prior, one
    seed each, until a run satisfies the target's hard facts (``max_tries`` at most)."""
    rng = np.random.default_rng([seed, k])
    for tries in range(1, max_tries + 1):
        theta = prior_thetas(priors, 1, rng)[0]
        # an integer parameter runs (and so is recovered) at its rounded value
        theta = {
            p.name: float(round(theta[p.name])) if p.integer else theta[p.name] for p in priors
        }
        run_seed = int(rng.integers(1, 2**62))
        params = spec.params_for(theta, run_seed)
        from abm.runner import run

        r = run(spec.model, params, run_seed, steps=target.steps)
        values = target.summarise(r.series, r.events)
        d = target.discrepancies(values)
        if all(math.isfinite(di) for s, di in zip(target.stats, d, strict=True) if s.hard):
            return {
                "theta": theta,
                "seed": run_seed,
                "tries": tries,
                "values": values,
                "params": {n: v for n, v in params.items() if n != "scenario"},
            }
    return {"theta": None, "seed": None, "tries": max_tries, "values": None}


def load_fit(args):
    from abm.calibration.spec import CalibrationSpec
    from abm.posterior import load_posterior

    post = load_posterior(args.posterior)
    spec = (
        CalibrationSpec.from_dict(post.manifest["spec"])
        if "spec" in post.manifest
        else (CalibrationSpec.from_dict(spec_dict(args.spec)))
    )
    return post, spec


def stage_posterior(args, out: Path, work: Path) -> dict[str, Any]:
    from abm.calibration.recovery import prior_variance, to_prior_units, weighted_summary
    from abm.plots import posterior as figs

    post, spec = load_fit(args)
    priors = spec.priors()
    full = {p.name: p for p in spec.entry().priors()}
    units = units_of(spec.model)
    rows = []
    for p in priors:
        x = post.params[p.name].to_numpy(float)
        s = weighted_summary(x, post.weights)
        z = weighted_summary(to_prior_units(x, p), post.weights)
        rows.append(
            {
                "parameter": p.name,
                "unit": units.get(p.name, ""),
                "prior_scale": p.scale,
                "prior_low": full[p.name].low,
                "prior_high": full[p.name].high,
                "bounds_low": p.low,
                "bounds_high": p.high,
                "mean": s["mean"],
                "median": s["median"],
                "lo90": s["lo90"],
                "hi90": s["hi90"],
                "contraction_vs_bounds": 1 - z["sd"] ** 2 / prior_variance(p),
                "contraction_vs_prior": 1 - z["sd"] ** 2 / prior_variance(full[p.name]),
            }
        )
    table = pd.DataFrame(rows)
    table.to_csv(out / "estimates.csv", index=False)
    m = post.manifest
    title = (
        f"{spec.name}: {len(post.params)} particles, ESS {post.ess:.0f}, "
        f"{m.get('simulations', '?')} runs"
    )
    figs.marginals(post.params, post.weights, priors, str(out / "marginals"), units, title=title)
    figs.pairs(post.params, post.weights, priors, str(out / "pairs"), units, title=title)
    return {
        "estimates": rows,
        "particles": len(post.params),
        "ess": post.ess,
        "simulations": m.get("simulations"),
        "wall_s": m.get("wall_s"),
    }


def stage_sensitivity(args, out: Path, work: Path) -> dict[str, Any]:
    from abm.calibration.recovery import sensitivity_table
    from abm.plots import posterior as figs

    post, spec = load_fit(args)
    table = sensitivity_table(post.params, post.weights, spec.priors())
    table.to_csv(out / "sensitivity.csv", index=False)
    figs.sensitivity(table, str(out / "sensitivity"), units_of(spec.model))
    alt = table[table["prior"] != "base"]
    return {
        "max_abs_shift_sd": float(alt["shift_sd"].abs().max()),
        "ess": table.drop_duplicates("prior").set_index("prior")["ess"].to_dict(),
    }


def predictive_runs(args, work: Path) -> dict[str, pd.DataFrame]:
    """The posterior and prior predictive runs over the whole history (resumable), as one
    table of true values per check (one row per draw, one column per statistic)."""
    from abm.calibration.spec import CalibrationSpec

    post, spec = load_fit(args)
    hard, exclude = spec.hard, spec.exclude
    rng = np.random.default_rng([args.seed, 77])
    seeds = rng.integers(1, 2**62, size=(2, args.draws))
    jobs: dict[str, list[dict]] = {"posterior": [], "prior": []}
    for i, draw in enumerate(post.sample(args.draws, args.seed)):
        jobs["posterior"].append(
            {
                "draw": i,
                "model": spec.model,
                "params": posterior_params(spec, draw),
                "seed": int(seeds[0, i]),
                "period": "all",
                "hard": hard,
                "exclude": exclude,
            }
        )
    base = spec.to_dict()
    if args.baseline_prior == "full":
        base["bounds"] = {}
    bspec = CalibrationSpec.from_dict(base)
    for i, theta in enumerate(prior_thetas(bspec.priors(), args.draws, rng)):
        s = int(seeds[1, i])
        jobs["prior"].append(
            {
                "draw": i,
                "model": spec.model,
                "params": bspec.params_for(theta, s),
                "seed": s,
                "period": "all",
                "hard": hard,
                "exclude": exclude,
            }
        )
    out = {}
    for check in CHECKS:
        rows = run_jobs(jobs[check], work / "predictive" / f"{check}.jsonl", args.workers)
        failed = sum(1 for r in rows if r["error"])
        if failed:
            print(f"predictive {check}: {failed} runs raised (their values are NaN)")
        out[check] = pd.DataFrame([{"draw": r["draw"], **r["values"]} for r in rows])
    return out


def predictive_long(args, work: Path, period: str) -> pd.DataFrame:
    post, spec = load_fit(args)
    target = _target(spec.model, "all", spec.hard, spec.exclude)
    values = predictive_runs(args, work)
    long = pd.concat(
        [score_table(values[c], target, c, seed=args.seed) for c in CHECKS], ignore_index=True
    )
    return long[long["period"] == period].reset_index(drop=True)


def stage_predictive(args, out: Path, work: Path) -> dict[str, Any]:
    from abm.plots import posterior as figs

    long = predictive_long(args, work, "fit")
    long.to_csv(out / "predictive_fit.csv", index=False)
    sk = skill_table(long)
    sk.to_csv(out / "predictive_fit_scores.csv", index=False)
    figs.predictive(
        long,
        str(out / "predictive_fit"),
        title=f"fit period (in sample): {args.draws} draws each, 90 % intervals",
    )
    return {"draws": args.draws, "baseline_prior": args.baseline_prior, **aggregate(sk)}


HOLDOUT_MD = """# Held-out scores: scored once{after}

- scored: {when} UTC, commit `{commit}`, freeze tag: {tag}
- posterior: `{posterior}` (git commit of the calibration: `{post_commit}`)
- {draws} posterior draws and {draws} prior draws (baseline: {baseline} prior), one seed
  each, over the whole history; scored on the {n} held-out statistics (October 2022 on).
{rescored}
| | posterior | prior predictive |
|---|---|---|
| held-out statistics covered by the 90 % interval | {cov_post}/{n} | {cov_prior}/{n} |
{score_rows}

Per statistic: `scores.csv`; figures `scores.png`, `predictive_holdout.png`.
Misses (posterior 90 % interval does not meet the observation): {misses}.
"""


def stage_score(args, out: Path, work: Path) -> dict[str, Any]:
    from abm.plots import posterior as figs

    record = out / "holdout.md"
    if record.exists() and not args.rescore:
        raise SystemExit(
            f"{record} exists: the held-out period was already scored once. Rescoring after "
            "seeing the result is what the freeze forbids; --rescore does it anyway and says so"
        )
    tag = args.frozen_tag
    if tag:
        ok = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{tag}^{{commit}}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if ok.returncode != 0:
            raise SystemExit(f"--frozen-tag {tag}: no such tag or commit in {ROOT}")
    long = predictive_long(args, work, "holdout")
    long.to_csv(out / "predictive_holdout.csv", index=False)
    sk = skill_table(long)
    sk.to_csv(out / "scores.csv", index=False)
    agg = aggregate(sk)
    figs.scores(sk, str(out / "scores"), title="held-out period (October 2022 - 2025)")
    figs.predictive(
        long,
        str(out / "predictive_holdout"),
        title=f"held out: {args.draws} draws each, 90 % intervals",
    )
    post, _ = load_fit(args)
    score_rows = "\n".join(
        f"| mean {k.upper()} ({v['n']} statistics); skill {v['skill']:+.2f} | "
        f"{v['posterior']:.3f} | {v['prior']:.3f} |"
        for k, v in agg.items()
        if isinstance(v, dict)
    )
    misses = ", ".join(sk.loc[~sk["covered_posterior"], "key"]) or "none"
    record.write_text(
        HOLDOUT_MD.format(
            after=", after the freeze" if tag else " (no freeze tag given)",
            when=time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
            commit=git_commit() + (" (with uncommitted changes)" if dirty() else ""),
            tag=f"`{tag}`" if tag else "**none given** (not a frozen score)",
            posterior=args.posterior,
            post_commit=post.manifest.get("git_commit"),
            draws=args.draws,
            baseline=args.baseline_prior,
            n=len(sk),
            rescored="\n**Rescored** (--rescore): an earlier scoring was replaced.\n"
            if args.rescore and record.exists()
            else "",
            cov_post=agg["covered_posterior"],
            cov_prior=agg["covered_prior"],
            score_rows=score_rows,
            misses=misses,
        )
    )
    return {"frozen_tag": tag, **agg, "misses": misses}


# ----------------------------------------------------------------------------- report
def report(out: Path) -> None:
    """``validation.md`` from the stages' record and tables."""
    data = json.loads((out / LOG).read_text()) if (out / LOG).exists() else {}
    lines = ["# Estimation - validation", "", "```bash"]
    lines += [v["command"] for v in data.values() if "command" in v]
    lines += ["```", ""]
    if "recovery" in data and data["recovery"].get("datasets"):
        r = data["recovery"]
        b = r["budget"]
        lines += [
            f"## Parameter recovery ({r['datasets']} synthetic data sets)",
            "",
            f"Each calibrated with population {b['population']}, {b['generations']} "
            f"generations (at most {b['max_simulations']} runs), {b['n_citizens']} agents: "
            f"{r['simulations']} runs in {r['calibration_wall_s']:.0f} s; stage wall time "
            f"{r['wall_s']:.0f} s. Over all (data set, parameter) pairs the 50 % intervals held "
            f"the truth in {r['coverage50']:.0%}, the 90 % in {r['coverage90']:.0%}; mean "
            f"contraction {r['contraction_mean']:.2f}.",
            "",
        ]
        runs = pd.read_csv(out / "recovery_runs.csv")
        if "ess" in runs:
            ess = ", ".join(f"{e:.1f}" for e in runs["ess"].dropna())
            lines += [
                f"Posterior ESS per data set: {ess}. A posterior carried by a handful of "
                "particles has degenerate intervals: its contraction is high and its coverage "
                "low by construction, so read coverage only where the ESS is in the tens.",
                "",
            ]
        s = pd.read_csv(out / "recovery_summary.csv")
        lines += [
            "| parameter | data sets | 50 % covered | 90 % covered | contraction (min - max) "
            "| z mean | z rms |",
            "|---|---|---|---|---|---|---|",
        ]
        for _, x in s.iterrows():
            lines.append(
                f"| {x['parameter']} | {x['datasets']} | {x['coverage50']:.0%} | "
                f"{x['coverage90']:.0%} | {x['contraction']:.2f} ({x['contraction_min']:.2f} - "
                f"{x['contraction_max']:.2f}) | {x['z_mean']:+.2f} | {x['z_rms']:.2f} |"
            )
        lines += [
            "",
            "Figures: `recovery.png`, `contraction.png`; per data set `recovery.csv`,"
            " runs and budget `recovery_runs.csv`.",
            "",
        ]
    if "posterior" in data:
        p = data["posterior"]
        lines += [
            f"## Estimated parameters ({p['particles']} particles, ESS {p['ess']:.0f})",
            "",
            "| parameter | unit | prior | median | 90 % credible interval | contraction vs prior |",
            "|---|---|---|---|---|---|",
        ]
        for e in p["estimates"]:
            lines.append(
                f"| {e['parameter']} | {e['unit']} | {e['prior_low']:.3g} - {e['prior_high']:.3g}"
                f" ({e['prior_scale']}) | {e['median']:.3g} | {e['lo90']:.3g} - {e['hi90']:.3g}"
                f" | {e['contraction_vs_prior']:.2f} |"
            )
        lines += ["", "Figures: `marginals.png`, `pairs.png`; table `estimates.csv`.", ""]
    if "predictive" in data:
        q = data["predictive"]
        lines += [
            f"## Posterior predictive check, fit period (in sample; {q['draws']} draws)",
            "",
            f"90 % intervals covering the observation: posterior "
            f"{q['covered_posterior']}/{q['statistics']}, prior predictive "
            f"{q['covered_prior']}/{q['statistics']}.",
        ]
        for k in ("crps", "brier"):
            if k in q:
                lines.append(
                    f"Mean {k.upper()} over {q[k]['n']} statistics: posterior "
                    f"{q[k]['posterior']:.3f}, prior {q[k]['prior']:.3f} (skill "
                    f"{q[k]['skill']:+.2f})."
                )
        lines += [
            "",
            "Figure `predictive_fit.png`; tables `predictive_fit.csv`, "
            "`predictive_fit_scores.csv`.",
            "",
        ]
    if "sensitivity" in data:
        s = data["sensitivity"]
        ess = ", ".join(f"{k} {v:.0f}" for k, v in s["ess"].items())
        lines += [
            "## Prior sensitivity (importance reweighting)",
            "",
            f"Largest shift of a posterior mean under another prior: "
            f"{s['max_abs_shift_sd']:.2f} posterior sd. ESS: {ess}. "
            "Table `sensitivity.csv`, figure `sensitivity.png`.",
            "",
        ]
    if "score" in data:
        s = data["score"]
        lines += [
            "## Held-out scores",
            "",
            f"See `holdout.md` (scored once; freeze tag "
            f"{s.get('frozen_tag') or 'none given'}). Covered: posterior "
            f"{s['covered_posterior']}/{s['statistics']}, prior "
            f"{s['covered_prior']}/{s['statistics']}.",
        ]
        for k in ("crps", "brier"):
            if k in s:
                lines.append(
                    f"Mean {k.upper()}: posterior {s[k]['posterior']:.3f}, prior "
                    f"{s[k]['prior']:.3f} (skill {s[k]['skill']:+.2f})."
                )
        lines += [f"Misses: {s['misses']}.", ""]
    (out / "validation.md").write_text("\n".join(lines) + "\n")


# ------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", default=str(ROOT / "experiments" / "calibration.toml"))
    ap.add_argument(
        "--posterior",
        default=None,
        help="the calibration's posterior folder (default out/calibration/NAME)",
    )
    ap.add_argument(
        "--stages",
        default=",".join(DEFAULT_STAGES),
        help=f"comma-separated, of {', '.join(STAGES)} (score only when named)",
    )
    ap.add_argument("--out", default=None, help="results (default results/posterior)")
    ap.add_argument("--work", default=None, help="runs (default out/calibration/validate)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--datasets", type=int, default=5, help="recovery data sets (default 5)")
    ap.add_argument("--recovery-population", type=int, default=60)
    ap.add_argument("--recovery-generations", type=int, default=3)
    ap.add_argument(
        "--recovery-max-simulations",
        type=int,
        default=None,
        help="per data set (default 50 x population x generations)",
    )
    ap.add_argument("--n-citizens", type=int, default=2000, help="agents in recovery runs")
    ap.add_argument(
        "--max-tries",
        type=int,
        default=50,
        help="prior draws per synthetic truth before giving up on the hard facts",
    )
    ap.add_argument("--draws", type=int, default=200, help="predictive draws per check")
    ap.add_argument(
        "--baseline-prior",
        choices=("full", "narrowed"),
        default="full",
        help="prior predictive baseline: the sources' priors or the narrowed box",
    )
    ap.add_argument("--frozen-tag", default=None, help="the freeze tag (score stage)")
    ap.add_argument("--rescore", action="store_true", help="score the held-out period again")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = ap.parse_args(argv)
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    bad = [s for s in stages if s not in STAGES]
    if bad:
        ap.error(f"unknown stage(s) {', '.join(bad)}: choose from {', '.join(STAGES)}")
    root = Path(os.path.relpath(ROOT))
    out = Path(args.out) if args.out else root / "results" / "posterior"
    work = Path(args.work) if args.work else root / "out" / "calibration" / "validate"
    if args.posterior is None and any(s != "recovery" for s in stages):
        args.posterior = str(root / "out" / "calibration" / spec_dict(args.spec)["name"])
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    command = ".venv/bin/python experiments/calibration_validate.py " + " ".join(argv)
    for stage in stages:
        t0 = time.perf_counter()
        print(f"== {stage}", flush=True)
        record = globals()[f"stage_{stage}"](args, out, work)
        record = {"command": command.strip(), "wall_s": time.perf_counter() - t0, **record}
        log_stage(out, stage, record)
        print(json.dumps({k: v for k, v in record.items() if k != "estimates"}, default=str))
    report(out)
    print(f"results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
