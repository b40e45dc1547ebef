"""Starting and stopping the dashboard's web server (``solara run``) as a child process.

One place for the command line, the environment and the readiness check, shared by
``abm dashboard``, the browser test and the render benchmark, so all three run the
dashboard exactly as a user does.

The server runs in its own session (so Ctrl+C reaches only its parent, which stops it in
order), and on Linux it is also tied to its parent's life: if the parent dies without
stopping it (``kill -9``, an out-of-memory kill) the kernel kills the server too, instead of
leaving an orphan serving the model on its port.
"""

from __future__ import annotations

import ctypes
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

#: The module ``solara run`` serves; it defines ``page``.
APP_MODULE = "abm.dashboard.app"

#: Debian's Chromium (``make browser`` installs it) and the flags the browser test and the
#: benchmark launch it with: headless as root, and no background connections, which a
#: closed network refuses (each costs time and log noise).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


#: ``prctl`` option asking the kernel to signal this process when its parent exits.
PR_SET_PDEATHSIG = 1


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost may resolve anywhere
        return False


def solara_command(host: str, port: int) -> list[str]:
    """``solara run`` in production mode (no file watcher, no hot reload, no browser opened)."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
    ]


def server_env(model: str | None = None) -> dict[str, str]:
    """The current environment plus the model to show (``ABM_DASHBOARD_MODEL``), with
    Solara's usage telemetry switched off: a local research tool has no business phoning
    home, and on a closed network the attempt only costs time."""
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    if model is not None:
        env["ABM_DASHBOARD_MODEL"] = model
    return env


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free right now (the usual small race with other programs)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_is_free(host: str, port: int) -> bool:
    """Whether ``host:port`` can be bound now (checked before starting, for a clear error)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def url_for(host: str, port: int) -> str:
    return f"http://{host}:{port}/"


def start(host: str, port: int, model: str | None = None, **popen_kwargs) -> subprocess.Popen:
    """Launch the server in its own process group (so ``stop`` also ends its children),
    set to die with the thread that starts it (see the module docstring)."""
    return subprocess.Popen(
        solara_command(host, port),
        env=server_env(model),
        start_new_session=True,
        preexec_fn=_die_with_parent(),
        **popen_kwargs,
    )


def _die_with_parent():
    """A ``preexec_fn`` that makes the kernel SIGKILL the child when its parent exits
    (Linux ``prctl(PR_SET_PDEATHSIG)``); None elsewhere. libc is loaded here, before the
    fork, so the child only makes two system calls. A parent that died between fork and
    prctl is caught by comparing the parent's pid."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def tie_to_parent() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)

    return tie_to_parent


def wait_until_serving(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers 200; raise if the server exits or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dashboard server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = exc
        time.sleep(0.25)
    raise TimeoutError(f"dashboard did not answer at {url} within {timeout:g} s ({last})")


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Terminate the server's process group; kill it if it does not exit in ``timeout``."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)
    except ProcessLookupError:
        pass
