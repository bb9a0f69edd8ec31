"""Start the app on a free loopback port for browser tests, wait for /_stcore/health, stop it after."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data_dir: Path, log_path: Path, timeout: float = 90) -> subprocess.Popen:
    """The app on a free loopback port with ``SYNTHLAB_DATA_DIR=data_dir``, once /_stcore/health
    answers; its output goes to ``log_path``. The process carries its ``url``."""
    port = free_port()
    log = open(log_path, "wb")  # noqa: SIM115 - closed by stop_app
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "SYNTHLAB_DATA_DIR": str(data_dir)}, stdout=log, stderr=subprocess.STDOUT,
    )
    proc.url = f"http://127.0.0.1:{port}"
    proc.log = log
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{proc.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            stop_app(proc)
            raise RuntimeError("the app did not start: " + log_path.read_text()[-2000:])
        time.sleep(0.5)


def stop_app(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate the app (kill it if it does not stop) and close its log."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
    proc.log.close()


@contextlib.contextmanager
def running_app(data_dir: Path, timeout: float = 90) -> Iterator[str]:
    proc = start_app(data_dir, data_dir / "server.log", timeout)
    try:
        yield proc.url
    finally:
        stop_app(proc)
