"""Where batches run: local worker processes (default) or a Dask distributed cluster.

Both are used through the ``concurrent.futures.Executor`` interface, so the driver is the
same for both. Local workers are started with the ``spawn`` method: a fresh interpreter
per worker is slower to start than ``fork`` but safe with numba's compiled code and with
threads the driver may hold (Dask's event loop, tqdm's monitor). A local pool that breaks
(a worker process died) is replaced; the driver decides what to rerun.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from abm import limits
from abm.errors import ParameterError
from abm.sweep.worker import init_process_worker

#: How long to wait for a Dask scheduler's first worker, and how long a sweep waits with
#: no worker at all before it stops (seconds).
WORKER_WAIT_S = 60.0


def default_workers() -> int:
    """One worker per CPU this process may use."""
    return limits.cpus()


class LocalProcesses:
    """A ``ProcessPoolExecutor`` of ``workers`` spawned processes, restartable."""

    name = "local"

    def __init__(self, workers: int):
        self.slots = workers
        self.generation = 0
        self.executor: Executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        """A new pool whose processes are all started now with SIGINT ignored, which a
        spawned interpreter inherits: a Ctrl-C to the terminal's process group while a
        worker is still importing then cannot give it a KeyboardInterrupt traceback."""
        pool = ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=mp.get_context("spawn"),
            initializer=init_process_worker,
        )
        spawn_all = getattr(pool, "_adjust_process_count", None)  # private; lazily otherwise
        if spawn_all is not None and threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                for _ in range(self.slots):  # one process per call
                    spawn_all()
            finally:
                signal.signal(signal.SIGINT, previous)
        return pool

    def is_broken(self, exc: BaseException) -> bool:
        """The pool is unusable and must be restarted."""
        return isinstance(exc, BrokenProcessPool)

    def worker_died(self, exc: BaseException) -> bool:
        return isinstance(exc, BrokenProcessPool)

    def restart(self, kill: bool = False) -> None:
        """Replace a broken pool (its futures have all failed already), or with ``kill`` a
        pool whose worker is stuck in a run past its timeout (its futures then fail)."""
        if kill:
            self.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._start()
        self.generation += 1

    def kill(self) -> None:
        """Kill the worker processes now; what they were running is simply not done.
        Python >= 3.14 has kill_workers(); before, the processes are only reachable
        through the private _processes map."""
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

    def workers_alive(self) -> bool:
        return True  # a dead local worker breaks the pool, which the driver restarts

    def close(self, abandon: bool = False) -> None:
        if abandon:  # a second Ctrl-C: do not wait for running batches
            self.kill()
        else:
            self.executor.shutdown(wait=True)

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
        self._checked, self._alive = 0.0, True
        self._wait_for_workers()
        threads = sum(
            w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()
        )
        self.slots = max(1, threads)
        self.generation = 0
        self.executor: Executor = self.client.get_executor(pure=False)

    def _wait_for_workers(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except (TimeoutError, OSError):
            self.close()
            raise ParameterError(
                "--scheduler",
                self.address,
                f"a scheduler with at least one worker (none joined within {WORKER_WAIT_S:g} s; "
                "start one with: dask worker ADDRESS --nthreads 1)",
            ) from None

    def workers_alive(self) -> bool:
        """Whether the scheduler still has a worker (it keeps queued tasks when the last
        one goes, so without this check the driver would wait for ever)."""
        now = time.monotonic()
        if now - self._checked < 5.0:  # a round trip to the scheduler: not every wait
            return self._alive
        self._checked = now
        try:
            self._alive = bool(self.client.nthreads())  # asks the scheduler, not a cache
        except Exception:  # noqa: BLE001 - a client that lost its scheduler
            self._alive = False
        return self._alive

    def is_broken(self, exc: BaseException) -> bool:
        return False  # Dask replaces a lost worker itself; only that task's future fails

    def worker_died(self, exc: BaseException) -> bool:
        # every worker that ran the task died (distributed.scheduler.allowed-failures)
        return type(exc).__name__ == "KilledWorker"

    def restart(self, kill: bool = False) -> None:
        """Nothing to replace: Dask replaces lost workers itself. A run stuck past its
        timeout keeps its worker thread busy until it returns (threads cannot be killed).
        The generation still moves on, so that tasks cancelled now count as failed tasks."""
        self.generation += 1

    def close(self, abandon: bool = False) -> None:
        executor = getattr(self, "executor", None)
        if executor is not None:
            executor.shutdown(wait=not abandon)
        if self._own_client:
            self.client.close(timeout=10)
        if self._cluster is not None:
            self._cluster.close(timeout=10)

    def describe(self) -> dict[str, Any]:
        return {"executor": "dask", "scheduler": self.address, "workers": self.slots}


def check_executor_args(kind: str, workers: int | None, scheduler: Any) -> None:
    """Refuse bad executor options before anything is created."""
    if kind not in ("local", "dask"):
        raise ParameterError("--executor", kind, "local or dask")
    limits.check_workers("--workers", workers, on_this_machine=not scheduler)
    if scheduler is not None and kind != "dask":
        raise ParameterError("--scheduler", scheduler, "only with --executor dask")


def make_executor(kind: str, workers: int | None, scheduler: Any = None):
    """The executor handle for ``--executor``."""
    check_executor_args(kind, workers, scheduler)
    n = default_workers() if workers is None else workers
    if kind == "local":
        return LocalProcesses(n)
    return DaskCluster(n, scheduler)
