"""The background-task worker, run beside a server process by `demo` and `serve`."""

import subprocess
import sys
from contextlib import contextmanager


@contextmanager
def task_worker(interval=None):
    """Runs `clarion db_worker` for as long as the block runs."""
    command = [sys.executable, "-m", "clarion.cli", "db_worker", "--no-reload"]
    if interval is not None:
        command += ["--interval", str(interval)]
    worker = subprocess.Popen(command)
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
