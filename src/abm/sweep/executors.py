"""Where batches run: local worker processes (default) or a Dask distributed cluster.

Both are used through the ``concurrent.futures.Executor`` interface, so the driver is the
same for both. Local workers are started with the ``spawn`` method: a fresh interpreter
per worker is slower to start than ``fork`` but safe with numba's compiled code and with
threads the driver may hold (Dask's event loop, tqdm's monitor). A local pool that breaks
(a worker process died) is replaced; the driver decides what to rerun.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from abm.errors import ParameterError
from abm.sweep.worker import init_process_worker


def default_workers() -> int:
    """CPUs this process may use (respects affinity masks and container CPU sets)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class LocalProcesses:
    """A ``ProcessPoolExecutor`` of ``workers`` spawned processes, restartable."""

    name = "local"

    def __init__(self, workers: int):
        self.slots = workers
        self.generation = 0
        self.executor: Executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=mp.get_context("spawn"),
            initializer=init_process_worker,
        )

    def is_broken(self, exc: BaseException) -> bool:
        """The pool is unusable and must be restarted."""
        return isinstance(exc, BrokenProcessPool)

    def worker_died(self, exc: BaseException) -> bool:
        return isinstance(exc, BrokenProcessPool)

    def restart(self) -> None:
        """Replace a broken pool (its futures have all failed already)."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._start()
        self.generation += 1

    def close(self, abandon: bool = False) -> None:
        if not abandon:
            self.executor.shutdown(wait=True)
            return
        # a second Ctrl-C: do not wait for running batches; kill the workers (their runs
        # are simply not done). Python >= 3.14 has kill_workers(); before, the processes
        # are only reachable through the private _processes map.
        kill = getattr(self.executor, "kill_workers", None)
        if kill is not None:
            kill()
            return
        procs = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.join(timeout=10)

    def describe(self) -> dict[str, Any]:
        return {"executor": "local", "workers": self.slots}


class DaskCluster:
    """A Dask distributed cluster: an existing scheduler (``tcp://HOST:PORT`` or a
    ``distributed.Client``), or a ``LocalCluster`` of ``workers`` single-threaded
    processes when no scheduler is given."""

    name = "dask"

    def __init__(self, workers: int, scheduler: Any = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise ParameterError(
                "--executor", "dask", f"dask[distributed] installed ({exc})"
            ) from None
        self._own_client = not isinstance(scheduler, Client)
        self._cluster = None
        if isinstance(scheduler, Client):
            self.client = scheduler
        elif scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")
            except OSError as exc:
                raise ParameterError(
                    "--scheduler", scheduler, f"a reachable scheduler ({exc})"
                ) from None
        else:
            self._cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self.client = Client(self._cluster)
        self.address = self.client.scheduler.address
        threads = sum(
            w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()
        )
        self.slots = max(1, threads)
        self.generation = 0
        self.executor: Executor = self.client.get_executor(pure=False)

    def is_broken(self, exc: BaseException) -> bool:
        return False  # Dask replaces a lost worker itself; only that task's future fails

    def worker_died(self, exc: BaseException) -> bool:
        # every worker that ran the task died (distributed.scheduler.allowed-failures)
        return type(exc).__name__ == "KilledWorker"

    def restart(self) -> None:  # pragma: no cover - never broken as a whole
        pass

    def close(self, abandon: bool = False) -> None:
        self.executor.shutdown(wait=not abandon)
        if self._own_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def describe(self) -> dict[str, Any]:
        return {"executor": "dask", "scheduler": self.address, "workers": self.slots}


def check_executor_args(kind: str, workers: int | None, scheduler: Any) -> None:
    """Refuse bad executor options before anything is created."""
    if kind not in ("local", "dask"):
        raise ParameterError("--executor", kind, "local or dask")
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ParameterError("--workers", workers, "an integer >= 1")
    if scheduler is not None and kind != "dask":
        raise ParameterError("--scheduler", scheduler, "only with --executor dask")


def make_executor(kind: str, workers: int | None, scheduler: Any = None):
    """The executor handle for ``--executor``."""
    check_executor_args(kind, workers, scheduler)
    n = default_workers() if workers is None else workers
    if kind == "local":
        return LocalProcesses(n)
    return DaskCluster(n, scheduler)
