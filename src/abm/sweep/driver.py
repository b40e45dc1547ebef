"""The sweep driver: plan the runs, feed batches to an executor, write each finished batch.

Memory stays flat however many runs: batches are cut from the pending list only when a slot
frees up, at most ``2 x workers`` batches are in flight, and each finished batch goes
straight to a Parquet part and is dropped.

Failure isolation works in three levels. A run that raises is caught in the worker and
recorded with its traceback. A batch whose *task* fails (its worker process died, Dask lost
the worker, its result could not be pickled) is rerun one run per task; a run whose task
fails again (or that was in flight when the pool broke again) is rerun alone, with nothing
else in flight, so that if its task fails once more it is certainly the culprit: it is
recorded as a failure and the pool is restarted for the rest.
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
import traceback
import warnings
from collections import deque
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from abm.errors import ParameterError
from abm.params import ParamSet
from abm.sweep.design import DesignTable, build_design, param_types
from abm.sweep.errors import ExecutorLost, StoreError, SweepInterrupted
from abm.sweep.executors import WORKER_WAIT_S, check_executor_args, make_executor
from abm.sweep.models import declared_outcomes, model_info
from abm.sweep.progress import SweepSummary, progress_bar
from abm.sweep.seeds import run_id, run_seed
from abm.sweep.signals import StopFlag
from abm.sweep.spec import SweepSpec, load_spec
from abm.sweep.store import SweepStore, now, set_aside_if_stale
from abm.sweep.version import code_version
from abm.sweep.worker import BatchOutput, RunTask, run_batch, warm_worker

#: Aim for batches of about this many seconds of model time: long enough that per-task
#: costs vanish, short enough that a kill loses little and the tail stays balanced.
TARGET_BATCH_S = 2.0
MAX_BATCH = 100
#: A run may take this long before it is recorded as failed (``--run-timeout``; 0: none).
DEFAULT_RUN_TIMEOUT_S = 3600.0
#: How long past a run's timeout the driver waits for the worker's own alarm to fire.
OVERDUE_GRACE_S = 30.0


def plan(spec: SweepSpec, design: DesignTable, p: int, r: int) -> RunTask:
    """The run (point p, replicate r): identity, derived seed and model parameters."""
    return RunTask(
        run_id(p, r),
        p,
        r,
        run_seed(spec.seed, p, r, spec.common_random_numbers, crn_stream(spec, design, p)),
        spec.run_params(design.points[p]),
        dict(design.points[p]),
    )


def crn_stream(spec: SweepSpec, design: DesignTable, p: int) -> int | None:
    """The draw a point of a crossed posterior design belongs to (point ``i * G + g`` is
    draw ``i``), so common random numbers pair the grid's settings within a draw rather
    than giving every draw one seed; None for every other design."""
    if spec.design.kind != "posterior" or not spec.design.cross:
        return None
    return p // max(1, len(design) // spec.design.n)


def as_spec(spec: SweepSpec | Mapping[str, Any] | str | Path) -> SweepSpec:
    if isinstance(spec, SweepSpec):
        return spec.validated()
    if isinstance(spec, Mapping):
        return SweepSpec.from_dict(spec)
    return load_spec(spec)


class BatchSizer:
    """Batch size from the mean run time seen so far (or a fixed size)."""

    def __init__(self, fixed: int | None, slots: int):
        if fixed is not None and (
            isinstance(fixed, bool) or not isinstance(fixed, int) or fixed < 1
        ):
            raise ParameterError("--batch-size", fixed, "an integer >= 1")
        self.fixed = fixed
        self.slots = slots
        self.total_s = 0.0
        self.runs = 0

    def observe(self, elapsed: Mapping[str, float]) -> None:
        self.total_s += sum(elapsed.values())
        self.runs += len(elapsed)

    def size(self, remaining: int) -> int:
        if self.fixed is not None:
            return self.fixed
        if self.runs == 0:
            size = 2
        else:
            mean = max(self.total_s / self.runs, 1e-6)
            size = max(1, min(MAX_BATCH, round(TARGET_BATCH_S / mean)))
        return max(1, min(size, math.ceil(remaining / (2 * self.slots))))


@dataclass
class Flight:
    tasks: list[RunTask]
    level: int
    generation: int
    submitted: float


def probe(spec: SweepSpec, design: DesignTable) -> None:
    """A zero-step run at the first point, in the driver, before anything is written: it
    catches what only the model can check (its scenario names, kept series columns)."""
    from abm.runner import run
    from abm.sweep.worker import kept_series

    task = plan(spec, design, 0, 0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = run(spec.model, task.params, task.seed, 0)
    except ParameterError:
        raise
    except Exception as exc:  # the model may not support 0 steps; runs will tell
        print(f"abm sweep: note: probe run failed ({exc!r}); continuing", file=sys.stderr)
        return
    try:
        kept_series(result.series, spec.keep_series)
    except KeyError:
        produced = [c for c in result.series.columns if c != "step"]
        bad = [k for k in spec.keep_series if k not in produced]
        raise ParameterError(
            "keep_series", bad, '"all" or columns the model produces: ' + ", ".join(produced)
        ) from None


def warm_up(handle, spec: SweepSpec, design: DesignTable) -> None:
    """One short run per worker, not waited for: spawning the workers and loading the
    model's compiled kernels overlaps with the driver's own checks."""
    task = plan(spec, design, 0, 0)
    for _ in range(handle.slots):
        handle.executor.submit(warm_worker, spec.model, tuple(spec.imports), task.params, task.seed)


def manifest_units(spec: SweepSpec, params: ParamSet) -> dict:
    """Units of the varied and fixed parameters, for the manifest, so that analysis labels
    axes without importing the model. ``series`` is kept empty: no catalogue entry declares
    units for its series yet."""
    names = [*spec.vary, *spec.fixed]
    return {"params": {n: params[n].unit for n in names if n in params}, "series": {}}


@dataclass(frozen=True)
class SweepOptions:
    """How a sweep runs (run_sweep's keyword arguments), as opposed to what it runs (the
    spec): checked once, before any work, by ``checked()``."""

    workers: int | None = None
    executor: str = "local"
    scheduler: Any = None
    batch_size: int | None = None
    retry_failed: bool = False
    progress: bool = True
    check_with_probe: bool = True
    run_timeout: float | None = DEFAULT_RUN_TIMEOUT_S
    allow_code_change: bool = False

    def checked(self) -> SweepOptions:
        """A copy with the run timeout normalised; ParameterError naming a bad option."""
        check_executor_args(self.executor, self.workers, self.scheduler)
        return replace(self, run_timeout=check_run_timeout(self.run_timeout))


def run_sweep_current(
    spec: SweepSpec,
    out: str | Path,
    *,
    workers: int | None = None,
    progress: bool = True,
    allow_code_change: bool = False,
) -> SweepSummary:
    """Run or resume ``spec`` into ``out`` so that its results come from the code running
    now, as a script writing committed results (``make results``) needs: a folder made by
    other code (another commit) is set aside first (renamed, nothing deleted) and the sweep
    starts afresh; ``allow_code_change`` continues it instead (the store records the
    change), for a commit that changed no model code."""
    if not allow_code_change:
        aside = set_aside_if_stale(out, code_version(model_info(spec.model).params))
        if aside is not None:
            print(f"{out} was made by other code: set aside as {aside}", flush=True)
    return run_sweep(
        spec, out, workers=workers, progress=progress, allow_code_change=allow_code_change
    )


def run_sweep(
    spec: SweepSpec | Mapping[str, Any] | str | Path,
    out: str | Path,
    *,
    workers: int | None = None,
    executor: str = "local",
    scheduler: Any = None,
    batch_size: int | None = None,
    retry_failed: bool = False,
    progress: bool = True,
    handle_signals: bool = True,
    check_with_probe: bool = True,
    run_timeout: float | None = DEFAULT_RUN_TIMEOUT_S,
    allow_code_change: bool = False,
) -> SweepSummary:
    """Run (or resume) a sweep into ``out``; returns the session's summary (its wall time
    counts from this call: checks, worker start-up and all).

    ``spec`` is a SweepSpec, its dict form or a TOML path. Runs already in ``out`` are
    skipped; ``retry_failed`` reruns the recorded failures too. A run taking longer than
    ``run_timeout`` seconds (None or 0: no limit) is recorded as failed. Everything is
    validated before the first run; ParameterError names the bad field, StoreError names a
    folder that cannot be continued (damaged beyond repair, other code, a full disk);
    SweepInterrupted means a signal came before any run was scheduled.
    """
    t0 = time.perf_counter()
    stop = StopFlag()
    if handle_signals:
        stop.install()  # from the start: an early Ctrl-C stops cleanly, not with a traceback
    options = SweepOptions(
        workers=workers,
        executor=executor,
        scheduler=scheduler,
        batch_size=batch_size,
        retry_failed=retry_failed,
        progress=progress,
        check_with_probe=check_with_probe,
        run_timeout=run_timeout,
        allow_code_change=allow_code_change,
    )
    try:
        return _run(spec, Path(out), options, stop, t0)
    finally:
        stop.restore()


def _run(
    spec: SweepSpec | Mapping[str, Any] | str | Path,
    out: Path,
    options: SweepOptions,
    stop: StopFlag,
    t0: float,
) -> SweepSummary:
    """The sweep after its signal handlers are in place."""
    spec = as_spec(spec)
    design = build_design(spec)
    options = options.checked()
    sizer = BatchSizer(options.batch_size, 1)
    planned = len(design) * spec.replicates
    SweepStore.precheck(out, spec.to_dict())  # a bad --out before any model runs
    params = model_info(spec.model).params  # the driver's one look at the catalogue
    _stop_if_requested(stop, "before anything started")
    handle = make_executor(options.executor, options.workers, options.scheduler)
    try:
        warm_up(handle, spec, design)  # workers start while the driver validates
        if options.check_with_probe:
            probe(spec, design)
        _stop_if_requested(stop, "while starting the workers")
        store = SweepStore.open(
            out,
            spec.to_dict(),
            design,
            param_types(spec),
            planned,
            options.retry_failed,
            code=code_version(params),
            units=manifest_units(spec, params),
            allow_code_change=options.allow_code_change,
        )
    except BaseException:
        handle.close(abandon=True)
        raise
    try:
        return _session(spec, design, store, handle, sizer, stop, t0, out, planned, options)
    finally:
        store.close()


def _stop_if_requested(stop: StopFlag, when: str) -> None:
    if stop.requested:
        raise SweepInterrupted(f"{stop.signal_name} {when}: no run was started, nothing written")


def check_run_timeout(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ParameterError("--run-timeout", value, "seconds >= 0 (0: no limit)")
    if value == math.inf:
        return None
    return float(value) or None


def _session(
    spec: SweepSpec,
    design: DesignTable,
    store: SweepStore,
    handle: Any,
    sizer: BatchSizer,
    stop: StopFlag,
    t0: float,
    out: Path,
    planned: int,
    options: SweepOptions,
) -> SweepSummary:
    finished = store.finished_ids()
    keys = deque(
        (p, r)
        for p in range(len(design))
        for r in range(spec.replicates)
        if run_id(p, r) not in finished
    )
    skipped = planned - len(keys)
    sizer.slots = handle.slots
    session: dict[str, Any] = {
        "started": now(),
        **handle.describe(),
        "batch_size": options.batch_size or "auto",
        "run_timeout_s": options.run_timeout,
        "skipped": skipped,
        "status": "running",
    }
    if store.moved:
        session["quarantined"] = len(store.moved)
    if options.allow_code_change:
        session["allow_code_change"] = True
    store.manifest.setdefault("started", session["started"])
    store.manifest["sessions"].append(session)
    store.manifest["status"] = "running"
    store.manifest["outcomes"] = declared_outcomes(spec.model)
    store.write_manifest()
    loop = _Loop(spec, design, store, handle, sizer, stop, options.run_timeout)
    status, error = "error", None
    try:
        with progress_bar(len(keys), spec.name, options.progress) as bar:
            loop.bar = bar
            loop.run(keys)
        status = None
    except OSError as exc:  # a full disk, a lost mount: say what is kept
        error = exc
    finally:
        with contextlib.suppress(Exception):  # a cluster already gone: the store matters
            handle.close(abandon=stop.abandon or status == "error")
        wall = time.perf_counter() - t0
        counts = store.counts()
        if status is None:
            status = final_status(counts)
        session.update(
            ended=now(),
            done=loop.done,
            failed=loop.failed,
            lost=loop.lost,
            wall_s=round(wall, 3),
            status=status,
            signal=stop.signal_name,
        )
        store.manifest.update(status=status, ended=session["ended"])
        manifest_error = _try_write_manifest(store)
    summary = SweepSummary(
        Path(out),
        planned,
        loop.done,
        loop.failed,
        skipped,
        counts["pending"],
        wall,
        status,
        failed_total=counts["failed"],
        lost=loop.lost,
        signal=stop.signal_name,
    )
    if error is not None:
        raise StoreError(_write_failed_text(error, summary, manifest_error)) from error
    return summary


def final_status(counts: Mapping[str, int]) -> str:
    """complete: every planned run finished; failed_runs: every run has a result but some
    failed; interrupted: some runs have none yet."""
    if counts["pending"] > 0:
        return "interrupted"
    return "failed_runs" if counts["failed"] else "complete"


def _try_write_manifest(store: SweepStore) -> OSError | None:
    try:
        store.write_manifest()
    except OSError as exc:
        return exc
    return None


def _write_failed_text(exc: OSError, summary: SweepSummary, manifest_error) -> str:
    what = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    kept = (
        f"kept: {summary.planned - summary.pending} of {summary.planned} runs are stored whole "
        f"in {summary.out} ({summary.done} from this session); the batch being written was "
        "discarded, no temporary file is left"
    )
    manifest = (
        f"the manifest could not be updated either ({manifest_error.strerror}); the next "
        "resume marks this session as killed"
        if manifest_error is not None
        else "the manifest records this session as status error"
    )
    return (
        f"writing the sweep failed: {what}{where}\n{kept}; {manifest}\n"
        f"to continue once the cause is fixed (e.g. space freed): "
        f"abm sweep --resume --out {summary.out}"
    )


class _Loop:
    """The scheduling loop of one session (see the module docstring for the levels)."""

    def __init__(self, spec, design, store: SweepStore, handle, sizer, stop, run_timeout=None):
        self.spec, self.design, self.store = spec, design, store
        self.handle, self.sizer, self.stop = handle, sizer, stop
        self.run_timeout = run_timeout
        self.lost = 0  # runs in flight when a signal stopped their workers: not done
        self._no_workers_since: float | None = None
        self.singles: deque[RunTask] = deque()  # level 1: one run per task
        self.alone: deque[RunTask] = deque()  # level 2: one run, nothing else in flight
        self.flights: dict[Future, Flight] = {}
        self.cap = 2 * handle.slots
        self.done = 0
        self.failed = 0
        self.bar = None

    def run(self, keys: deque) -> None:
        while True:
            if not self.stop.requested:
                self._fill(keys)
            if not self.flights:
                break
            finished, _ = wait(list(self.flights), timeout=0.5, return_when=FIRST_COMPLETED)
            if self.stop.abandon:
                self.lost += sum(len(f.tasks) for f in self.flights.values())
                break
            for fut in finished:
                self._collect(fut)
            if not finished:
                self._check_overdue()
                self._check_workers()

    def _check_workers(self) -> None:
        """Stop with a message when the cluster has had no worker for WORKER_WAIT_S."""
        if self.handle.workers_alive():
            self._no_workers_since = None
            return
        since = self._no_workers_since = self._no_workers_since or time.monotonic()
        if time.monotonic() - since > WORKER_WAIT_S:
            raise ExecutorLost(
                f"no worker left for {WORKER_WAIT_S:g} s ({len(self.flights)} tasks waiting); "
                "finished runs are saved; start workers and rerun to resume"
            )

    def _check_overdue(self) -> None:
        """A backstop to the workers' own per-run alarm (which cannot interrupt a long call
        into compiled code, nor run on Dask's worker threads): a run alone past its timeout
        is recorded as timed out and its worker replaced; a batch far past its budget is
        broken up like a batch whose worker died."""
        if self.run_timeout is None:
            return
        t = time.monotonic()
        for fut, flight in list(self.flights.items()):
            age = t - flight.submitted
            if flight.level == 2 and age > self.run_timeout + OVERDUE_GRACE_S:
                self.flights.pop(fut)
                fut.cancel()
                (task,) = flight.tasks
                error = (
                    f"RunTimeout: no result after {age:.0f} s (--run-timeout "
                    f"{self.run_timeout:g} s); its worker was replaced"
                )
                self._write(flight.tasks, BatchOutput(failures={task.run_id: (error, "")}))
                self.handle.restart(kill=True)
                return
            budget = self.run_timeout * 2 * (len(flight.tasks) + 1) + OVERDUE_GRACE_S
            if flight.level < 2 and age > budget:
                fut.cancel()  # a queued Dask task; a running one fails when its worker goes
                self.handle.restart(kill=True)
                return

    def _fill(self, keys: deque) -> None:
        while len(self.flights) < self.cap:
            if any(f.level == 2 for f in self.flights.values()):
                return
            if self.alone:
                if self.flights:
                    return
                self._submit([self.alone.popleft()], 2)
            elif self.singles:
                self._submit([self.singles.popleft()], 1)
            elif keys:
                n = min(self.sizer.size(len(keys)), len(keys))
                batch = [keys.popleft() for _ in range(n)]
                self._submit([plan(self.spec, self.design, p, r) for p, r in batch], 0)
            else:
                return

    def _submit(self, tasks: list[RunTask], level: int) -> None:
        spec = self.spec
        args = (spec.model, spec.steps, spec.keep_series, tuple(spec.imports), tasks)
        args += (self.run_timeout,)
        try:
            fut = self.handle.executor.submit(run_batch, *args)
        except RuntimeError as exc:  # BrokenProcessPool: the pool broke since last check
            if not self.handle.is_broken(exc):
                raise
            self.handle.restart()
            fut = self.handle.executor.submit(run_batch, *args)
        self.flights[fut] = Flight(tasks, level, self.handle.generation, time.monotonic())

    def _collect(self, fut: Future) -> None:
        flight = self.flights.pop(fut)
        try:
            out: BatchOutput = fut.result()
        except CancelledError:
            if flight.generation != self.handle.generation:
                self._task_failed(flight, BrokenProcessPool("its worker was replaced"))
                return
            # not the runs' fault (a Dask client lost its scheduler, an executor shut
            # down under us): record nothing for them and stop; a rerun resumes
            raise ExecutorLost(
                f"the executor cancelled a task of {len(flight.tasks)} runs (lost its "
                "scheduler or workers?); finished runs are saved, rerun to resume"
            ) from None
        except Exception as exc:
            self._task_failed(flight, exc)
            return
        self.sizer.observe(out.elapsed)
        self._write(flight.tasks, out)

    def _task_failed(self, flight: Flight, exc: BaseException) -> None:
        if self.stop.requested:
            # stopping: the worker most likely went with the signal (sent to the whole
            # process group); its runs are not the culprits and simply not done
            self.lost += len(flight.tasks)
            return
        if self.handle.is_broken(exc) and flight.generation == self.handle.generation:
            self.handle.restart()
        if flight.level == 0:
            self.singles.extend(flight.tasks)
        elif flight.level == 1:
            self.alone.extend(flight.tasks)
        else:
            (task,) = flight.tasks
            died = self.handle.worker_died(exc)
            what = "its worker process died" if died else "its task failed"
            error = f"{what}: {type(exc).__name__}: {exc}"
            tb = "".join(traceback.format_exception(exc))
            self._write(flight.tasks, BatchOutput(failures={task.run_id: (error, tb)}))

    def _write(self, tasks: list[RunTask], out: BatchOutput) -> None:
        tables = self.store.write_runs(tasks, out)
        n_ok = 0 if tables.runs is None else tables.runs.num_rows
        n_bad = 0 if tables.failures is None else tables.failures.num_rows
        self.done += n_ok
        self.failed += n_bad
        if self.bar is not None:
            self.bar.update(n_ok + n_bad)
            if self.failed:
                self.bar.set_postfix(failed=self.failed, refresh=False)
