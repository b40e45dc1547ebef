"""The dashboard binds only to loopback unless told otherwise (it has no authentication), and
its server never outlives `abm dashboard`, even after kill -9."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil
import pytest

from abm.cli import main
from abm.dashboard import server


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host, loopback):
    assert server.is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10"])
def test_a_non_loopback_host_needs_allow_remote(monkeypatch, capsys, host):
    started = []
    monkeypatch.setattr(server, "start", lambda *a, **k: started.append(a))
    assert main(["dashboard", "--host", host, "--port", "8765"]) == 2
    err = capsys.readouterr().err
    assert f"'--host': got '{host}'" in err
    assert "--allow-remote" in err and "no authentication" in err
    assert not started


def test_allow_remote_warns_that_there_is_no_authentication(monkeypatch, capsys):
    # stop just after the host check: the port is reported as taken
    monkeypatch.setattr(server, "port_is_free", lambda host, port: False)
    assert main(["dashboard", "--host", "0.0.0.0", "--port", "8765", "--allow-remote"]) == 2
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0: the dashboard has no authentication" in err


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_server_dies_with_abm_dashboard_after_kill_9():
    port = server.free_port()
    url = server.url_for("127.0.0.1", port)
    cmd = [sys.executable, "-m", "abm.cli", "dashboard", "--port", str(port)]
    parent = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:  # wait for "abm dashboard (...) at URL"
            line = parent.stdout.readline()
            if not line or line.startswith("abm dashboard"):
                break
        assert answers(url), "the dashboard did not start"
        children = psutil.Process(parent.pid).children(recursive=True)
        assert children, "no server process found"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, f"orphaned server processes: {[p.pid for p in alive]}"
        assert not answers(url)
    finally:
        for p in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
        if parent.poll() is None:
            parent.kill()
