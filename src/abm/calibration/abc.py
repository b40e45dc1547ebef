"""ABC-SMC with pyabc: a calibration spec in, a posterior folder out (issue 13).

``calibrate(spec, out)`` runs pyabc's ABC-SMC (Toni et al. 2009; Klinger et al. 2018) on the
spec's model and Target (``abm.calibration.problem``) and writes the folder::

    abc.db             pyabc's SQLite history: every generation's accepted particles
    spec.json          the spec as run (a resume must give the same spec)
    posterior.parquet  the last generation: one row per particle, weight, distance, seed
    manifest.json      model, scenario, period, estimated, epsilons, simulations, ...
    populations.csv    per generation t: epsilon, simulations, acceptance_rate, ess
    failures.jsonl     runs that raised (theta, seed, error): recorded, distance inf

Generations are run one at a time (``ABCSMC.run(max_nr_populations=1)`` in a loop, each
generation stored in abc.db when it completes), so a progress line per generation goes to
stderr and the stopping rules are checked between generations: ``generations`` reached,
epsilon at or below ``min_epsilon``, or ``max_simulations`` spent. The budget is also a
hard cap inside a generation (pyabc's ``max_eval``): a generation that cannot be filled
within what is left stops the run, and the posterior is the last complete generation.

**Resume.** A calibration killed at any point (SIGKILL included) keeps every generation
that completed: ``calibrate(spec, out, resume=True)`` reopens abc.db (``ABCSMC.load``),
recomputes epsilon and the proposal from the last stored generation and runs the remaining
ones; the particles of a generation cut short are lost (pyabc stores a generation whole).
Without ``resume`` a folder that already holds abc.db is refused, and a resume must give
the same spec except for ``[abc]`` generations, max_simulations and workers (a resume may
raise the budget).

**Reproducibility.** Each simulation is a pure function of (theta, seed), the seed itself a
pure function of theta and the spec's seed (``CalibrationSpec.seed_for``): a particle's run
and statistics can be redone bit for bit from posterior.parquet. pyabc's proposals use
numpy's global generator, which is seeded before every generation from (spec seed, t). With
``workers = 1`` (pyabc's SingleCoreSampler, in this process) the whole calibration is
reproducible bit for bit, and a resumed run equals an uninterrupted one. With more workers
(``MulticoreEvalParallelSampler``, forked processes) or on Dask (``DaskDistributedSampler``)
pyabc reseeds every worker from the operating system and keeps the first n accepted
particles in order of submission, so which particles are proposed and accepted differs
between runs: the posterior is the same in distribution, not in bits.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.calibration.problem import (
    FAILURES,
    PARAM_PREFIX,
    FiniteQuantileEpsilon,
    Simulator,
    TargetDistance,
    observed,
    prior,
    theta_of,
)
from abm.calibration.spec import CalibrationSpec, read_spec
from abm.errors import ParameterError

DB = "abc.db"
SPEC = "spec.json"
POPULATIONS = "populations.csv"
EXECUTORS = ("local", "dask")


def as_spec(spec: CalibrationSpec | Mapping[str, Any] | str | Path) -> CalibrationSpec:
    if isinstance(spec, CalibrationSpec):
        return spec
    if isinstance(spec, Mapping):
        return CalibrationSpec.from_dict(spec)
    return read_spec(spec)


def check_folder(out: Path, spec: CalibrationSpec, resume: bool) -> None:
    """Refuse a folder that holds another calibration (or none, on resume)."""
    db = out / DB
    if out.exists() and not out.is_dir():
        raise ParameterError("--out", str(out), "a folder (this is a file)")
    if resume:
        if not db.exists():
            raise ParameterError(
                "--resume", str(out), f"a calibration folder to resume (with {DB})"
            )
        stored = out / SPEC
        if stored.exists():
            old = _comparable(json.loads(stored.read_text(encoding="utf-8")))
            new = _comparable(json.loads(json.dumps(spec.to_dict())))
            if old != new:
                changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
                raise ParameterError(
                    "SPEC",
                    ", ".join(changed),
                    f"the spec {out} was started with ({stored}; only [abc] generations, "
                    "max_simulations and workers may change on resume); start a new folder",
                )
    elif db.exists():
        raise ParameterError(
            "--out", str(out), f"a new folder (it holds a calibration: {DB}; --resume continues it)"
        )


#: What a resume may change: the stopping rules and the parallelism, not the problem.
RESUMABLE = ("generations", "max_simulations", "workers")


def _comparable(d: dict) -> dict:
    d = dict(d)
    d["abc"] = {k: v for k, v in d.get("abc", {}).items() if k not in RESUMABLE}
    return d


def make_sampler(executor: str, workers: int, scheduler: Any = None):
    import pyabc

    if executor == "local":
        if workers == 1:
            return pyabc.SingleCoreSampler(check_max_eval=True)
        return pyabc.MulticoreEvalParallelSampler(n_procs=workers, check_max_eval=True)
    if executor == "dask":
        if scheduler is None:
            raise ParameterError(
                "--scheduler", None, "a Dask scheduler address for --executor dask"
            )
        from dask.distributed import Client

        client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        return pyabc.DaskDistributedSampler(dask_client=client)
    raise ParameterError("--executor", executor, "one of " + ", ".join(EXECUTORS))


def _is_client(obj: Any) -> bool:
    try:
        from dask.distributed import Client
    except ImportError:  # pragma: no cover - dask is a dependency
        return False
    return isinstance(obj, Client)


def _seed_numpy(seed: int, t: int) -> None:
    """Seed the global generators pyabc's proposals draw from, per (spec seed, t)."""
    np.random.seed([seed & 0xFFFFFFFF, seed >> 32, t])  # noqa: NPY002 - pyabc's global RNG
    random.seed(f"{seed}:{t}")


def calibrate(
    spec: CalibrationSpec | Mapping[str, Any] | str | Path,
    out_dir: str | Path,
    resume: bool = False,
    executor: str = "local",
    scheduler: Any = None,
    target: Any = None,
    progress: bool = True,
    workers: int | None = None,
) -> Path:
    """Run (or, with ``resume``, continue) the calibration ``spec`` into ``out_dir`` and
    write the posterior folder (module docstring). ``target`` overrides the catalogue's
    (a synthetic data set for parameter recovery); ``workers`` overrides ``[abc] workers``.
    Returns the folder."""
    import pyabc

    spec = as_spec(spec)
    out = Path(out_dir)
    if executor not in EXECUTORS:
        raise ParameterError("--executor", executor, "one of " + ", ".join(EXECUTORS))
    n_workers = spec.abc.workers if workers is None else workers
    if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
        raise ParameterError("--workers", n_workers, "an integer >= 1")
    check_folder(out, spec, resume)
    target = spec.target() if target is None else target
    settings = spec.abc
    t_start = time.perf_counter()

    out.mkdir(parents=True, exist_ok=True)
    (out / FAILURES).touch()  # present, empty while no run has raised
    (out / SPEC).write_text(json.dumps(spec.to_dict(), indent=2) + "\n", encoding="utf-8")
    db_url = "sqlite:///" + str((out / DB).resolve())
    _quiet_pyabc()
    if executor == "local" and n_workers > 1:
        warm_up(spec)
    sampler = make_sampler(executor, n_workers, scheduler)
    sampler.show_progress = False
    try:
        abc = pyabc.ABCSMC(
            Simulator(spec, target, out.resolve()),
            prior(spec),
            TargetDistance(target, settings.p),
            population_size=settings.population,
            sampler=sampler,
            eps=FiniteQuantileEpsilon(alpha=settings.quantile),
        )
        history = abc.load(db_url, 1) if resume else abc.new(db_url, observed(target))
        say = (
            (lambda msg: print(msg, file=sys.stderr, flush=True))
            if progress
            else (lambda msg: None)
        )
        if resume:
            say(f"calibrate {spec.name}: resuming {out} after generation {history.max_t}")
        stopped = ""
        discarded = 0
        while True:
            t = history.max_t + 1
            spent = int(history.total_nr_simulations)
            if t >= settings.generations:
                stopped = f"{settings.generations} generations"
                break
            if t > 0:
                last_eps = float(history.get_all_populations().set_index("t").loc[t - 1, "epsilon"])
                if last_eps <= settings.min_epsilon:
                    stopped = f"epsilon {last_eps:.4g} <= min_epsilon {settings.min_epsilon:g}"
                    break
            left = settings.max_simulations - spent
            if left <= 0:
                stopped = f"max_simulations {settings.max_simulations} spent"
                break
            _seed_numpy(spec.seed, t)
            abc._initial_population = None  # pyabc caches it per object: read generation t-1
            g0 = time.perf_counter()
            abc.run(
                max_nr_populations=1,
                min_acceptance_rate=min(1.0, settings.population / left),
                minimum_epsilon=0.0,
            )
            if history.max_t < t:  # the generation could not be filled within the budget
                # pyabc stores no part of it: count its runs here, or the record undercounts
                discarded += int(getattr(abc.sampler, "nr_evaluations_", 0) or 0)
                stopped = (
                    f"max_simulations {settings.max_simulations}: generation {t} not filled "
                    f"({discarded} runs discarded)"
                )
                break
            row = _population_rows(history)[-1]
            say(
                f"calibrate {spec.name}: generation {t} epsilon {row['epsilon']:.4g} "
                f"accepted {settings.population}/{row['simulations']} "
                f"(rate {row['acceptance_rate']:.3f}, ESS {row['ess']:.0f}) "
                f"in {time.perf_counter() - g0:.1f} s; {history.total_nr_simulations} runs so far"
            )
    finally:
        if executor == "dask" and not _is_client(scheduler):
            sampler.client.close()  # the client this call opened
    if history.max_t < 0:
        raise ParameterError(
            "abc.max_simulations",
            settings.max_simulations,
            "a budget that fills generation 0 (no particle with a finite distance so far; "
            f"see {out / FAILURES})",
        )
    say(f"calibrate {spec.name}: stopped ({stopped}); writing {out}")
    write_outputs(
        spec, out, history, target, time.perf_counter() - t_start, executor, n_workers, discarded
    )
    return out


def warm_up(spec: CalibrationSpec) -> None:
    """One step of one run in this process before the multicore sampler forks its workers
    (afresh every generation): the model's modules and compiled kernels are then inherited
    instead of loaded by every worker of every generation. Its failure is not ours to
    report (the real runs record theirs)."""
    from abm import runner

    theta = {p.name: float(p.from_unit(0.5)) for p in spec.priors()}
    seed = spec.seed_for(theta)
    with contextlib.suppress(Exception):  # a warm-up only
        runner.run(spec.model, spec.params_for(theta, seed), seed, steps=1)


def _quiet_pyabc() -> None:
    import logging

    for name in ("ABC", "Sampler", "Epsilon", "History", "Distance", "Acceptor", "Transition"):
        logging.getLogger(name).setLevel(logging.WARNING)
        logging.getLogger(f"ABC.{name}").setLevel(logging.WARNING)


# -- outputs --------------------------------------------------------------------------------


def _population_rows(history) -> list[dict[str, Any]]:
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0].sort_values("t")
    rows = []
    for _, r in pops.iterrows():
        t = int(r.t)
        _, w = history.get_distribution(m=0, t=t)
        w = np.asarray(w, dtype=float)
        w = w / w.sum()
        sims = int(r.samples)
        eps = float(r.epsilon)
        rows.append(
            {
                "t": t,
                "epsilon": eps if eps < 1e300 else math.inf,
                "simulations": sims,
                "acceptance_rate": len(w) / sims if sims else math.nan,
                "ess": float(1.0 / np.sum(w**2)),
                "wall_s": float(r.wall_time) if r.wall_time is not None else math.nan,
            }
        )
    return rows


def last_generation(spec: CalibrationSpec, history) -> tuple[pd.DataFrame, np.ndarray]:
    """The last stored generation as one row per particle, in parameter units: the
    estimated parameters, the nuisance draws, ``distance`` and ``seed``; and the weights."""
    pop = history.get_population()
    rows, weights = [], []
    for particle in pop.particles:
        theta = theta_of(spec, particle.parameter)
        row: dict[str, Any] = dict(theta)
        stats = particle.sum_stat
        nuisance = {
            k[len(PARAM_PREFIX) :]: v for k, v in stats.items() if k.startswith(PARAM_PREFIX)
        }
        priors = {p.name: p for p in spec.nuisance_priors()}
        for name, v in nuisance.items():
            row[name] = int(round(v)) if name in priors and priors[name].integer else float(v)
        row["distance"] = float(particle.distance)
        row["seed"] = spec.seed_for(theta)
        rows.append(row)
        weights.append(float(particle.weight))
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    return pd.DataFrame(rows), w


def write_outputs(
    spec,
    out: Path,
    history,
    target,
    wall_s: float,
    executor: str,
    workers: int,
    discarded: int = 0,
) -> None:
    import pyabc

    pops = _population_rows(history)
    pd.DataFrame(pops).to_csv(out / POPULATIONS, index=False)
    particles, weights = last_generation(spec, history)
    params = [c for c in particles.columns if c not in ("distance", "seed")]
    manifest = {
        "model": spec.model,
        "scenario": spec.scenario,
        "period": spec.period,
        "steps": int(target.steps),
        "estimated": list(spec.estimate),
        "params": params,
        "nuisance": spec.nuisance,
        "fixed": dict(spec.fixed),
        "bounds": {k: list(v) for k, v in spec.bounds.items()},
        "generations": len(pops),
        "epsilons": [p["epsilon"] if math.isfinite(p["epsilon"]) else None for p in pops],
        "simulations": int(history.total_nr_simulations),
        # runs of a last generation the budget cut short (pyabc keeps none of them); wall_s
        # includes their time, so runs per second = (simulations + this) / wall_s
        "simulations_discarded": int(discarded),
        "accepted": int(len(particles)),
        "wall_s": round(wall_s, 3),
        "git_commit": _git_commit(),
        "pyabc_version": pyabc.__version__,
        "spec": spec.to_dict(),
        "statistics": _jsonable(target.rows()) if hasattr(target, "rows") else [],
        "executor": executor,
        "workers": workers,
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    from abm.posterior import write_posterior

    write_posterior(out, particles, weights, manifest)


def _jsonable(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        o = {}
        for k, v in r.items():
            if isinstance(v, float) and not math.isfinite(v):
                o[k] = None if math.isnan(v) else ("inf" if v > 0 else "-inf")
            elif isinstance(v, np.generic):
                o[k] = v.item()
            else:
                o[k] = v
        out.append(o)
    return out


def _git_commit() -> str | None:
    try:
        r = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout.strip() or None
