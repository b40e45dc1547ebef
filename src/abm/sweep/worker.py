"""What runs inside a worker (a local process or a Dask worker): one batch of runs.

A batch is many runs in one task, so the per-task cost (pickling, scheduling, a Parquet
part per batch) is spread over the runs. Each run goes through ``abm.runner.run``; a run
that raises is caught here and returned as a failure with its traceback, so one bad run
never loses the batch. Only the results travel back to the driver, which does all writing.
"""

from __future__ import annotations

import importlib
import os
import signal
import threading
import time
import traceback
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa


@dataclass(frozen=True, slots=True)
class RunTask:
    """One run to do: its identity, its seed and the parameters handed to the model;
    ``point`` the design point's values as designed (what the ``param_`` columns record:
    a posterior draw of a dated event is handed to the model as its scaled schedule but
    recorded as the number drawn)."""

    run_id: str
    point_id: int
    replicate: int
    seed: int
    params: dict[str, Any]
    point: dict[str, Any] | None = None


@dataclass
class BatchOutput:
    """The results of a batch: per finished run its summary, timing and kept series (an
    Arrow table with ``step`` first); per failed run the error and traceback."""

    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    elapsed: dict[str, float] = field(default_factory=dict)
    series: dict[str, pa.Table] = field(default_factory=dict)
    failures: dict[str, tuple[str, str]] = field(default_factory=dict)


class RunTimeout(BaseException):
    """A run went past the per-run timeout. A BaseException, so that a model's own
    ``except Exception`` cannot swallow it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise RunTimeout in the run after ``seconds`` (None or 0: no limit).

    A SIGALRM timer, so it works only in a process's main thread (local workers); on Dask
    worker threads the driver's own deadline applies instead. The alarm interrupts Python
    code, between two steps of a model, not a single long call into compiled code.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum, _frame):
        raise RunTimeout(f"the run exceeded the per-run timeout of {seconds:g} s (--run-timeout)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_batch(
    model: str,
    steps: int | None,
    keep_series: Sequence[str] | str,
    imports: Sequence[str],
    tasks: Sequence[RunTask],
    run_timeout: float | None = None,
) -> BatchOutput:
    """Run each task with ``abm.runner.run``; never raises for a failing or timed-out run."""
    from abm.runner import run

    for name in imports:
        importlib.import_module(name)  # models registered outside abm
    out = BatchOutput()
    for task in tasks:
        try:
            with time_limit(run_timeout):
                result = run(model, task.params, task.seed, steps)
            out.series[task.run_id] = kept_series(result.series, keep_series)
            out.summaries[task.run_id] = {k: plain(v) for k, v in result.summary.items()}
            out.elapsed[task.run_id] = float(result.elapsed_s)
        except (Exception, RunTimeout) as exc:  # isolate the failure; the batch goes on
            out.series.pop(task.run_id, None)
            out.failures[task.run_id] = (
                f"{type(exc).__name__}: {exc}",
                traceback.format_exc(),
            )
    return out


def warm_worker(model: str, imports: Sequence[str], params: dict[str, Any], seed: int) -> None:
    """Import the model and run one step, so that the first real batch does not pay for
    loading compiled kernels; any error is left for the real runs to report."""
    try:
        from abm.runner import run

        for name in imports:
            importlib.import_module(name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run(model, params, seed, 1)
    except Exception:
        pass


def kept_series(series, keep: Sequence[str] | str) -> pa.Table:
    """The kept columns of a run's per-step series, ``step`` first (KeyError names a
    missing column and lists the columns the model produces).

    Numeric columns go through numpy (``pa.Table.from_pandas`` costs about a millisecond
    per run, as much as a small model run); others through pandas' Arrow conversion.
    """
    if not keep:
        return pa.table({})
    names = list(series.columns)
    cols = [c for c in names if c != "step"] if keep == "all" else list(keep)
    missing = [c for c in cols if c not in names]
    if missing:
        raise KeyError(f"series column(s) {missing} not produced; the model's series: {names}")
    arrays = {
        "step": _arrow(series["step"])
        if "step" in names
        else pa.array(np.arange(len(series), dtype=np.int64))
    }
    for c in cols:
        arrays[c] = _arrow(series[c])
    return pa.table(arrays)


def _arrow(column) -> pa.Array:
    if column.dtype.kind in "biuf":
        return pa.array(column.to_numpy())
    return pa.array(column, from_pandas=True)


def plain(value: Any) -> Any:
    """numpy scalars as Python scalars, so the driver sees one set of value kinds."""
    return value.item() if isinstance(value, np.generic) else value


def init_process_worker() -> None:
    """Initializer of local worker processes.

    Ctrl-C is the driver's business (it stops cleanly and lets running batches finish), so
    workers ignore SIGINT. They keep SIGTERM: the pool itself stops broken workers with it;
    a SIGTERM to the whole process group ends them, and the driver reports their runs as
    not done. A watchdog exits the worker when the driver has died (e.g.
    SIGKILL), which ProcessPoolExecutor workers would otherwise outlive, blocked forever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="abm-sweep-orphan-watch", daemon=True).start()
