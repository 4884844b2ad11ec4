"""clarion serve: the site under a production server.

Granian (a Rust HTTP server) runs `clarion.wsgi:application`, one worker process per core;
page-cache hits are answered before Django, static files come from WhiteNoise with
compressed copies and hashed, far-future names (collected here first), and the task worker
runs beside it. Measured against gunicorn and uvicorn in docs/benchmarks.md."""

import os
import signal
import subprocess
import sys
from contextlib import nullcontext, suppress

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from clarion.core.worker import task_worker

# How often the task worker looks for new tasks (a publish's proxy purge waits on it).
TASK_POLL_SECONDS = 0.1
# How long a stopping server may take to finish the requests in hand before it is killed.
STOP_SECONDS = 10


def bind_address(value):
    """'HOST:PORT' (IPv6 as '[::1]:8000') → (host, port)."""
    host, sep, port = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--bind takes HOST:PORT, such as 127.0.0.1:8000 (not {value!r}).")
    return host, int(port)


class Command(BaseCommand):
    help = "Serve the site with the production server, workers sized to the cores."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT to listen on")
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: cores)"
        )
        parser.add_argument("--threads", type=int, default=1, help="threads per process")
        parser.add_argument(
            "--no-task-worker", action="store_true", help="run `clarion db_worker` elsewhere"
        )
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="static files are collected already"
        )

    def handle(self, *args, **options):
        host, port = bind_address(options["bind"])
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        if settings.STATIC_ROOT and not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        command = [
            sys.executable, "-m", "granian",
            "--interface", "wsgi",
            "--host", host,
            "--port", str(port),
            "--workers", str(options["workers"]),
            "--blocking-threads", str(options["threads"]),
            "--no-ws",
            "--respawn-failed-workers",
            "--workers-kill-timeout", str(STOP_SECONDS),
            "--log-level", "warning",
            "clarion.wsgi:application",
        ]  # fmt: skip
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        self.stdout.write(
            f"Serving on http://{options['bind']}/ with {options['workers']} workers "
            f"({settings.SETTINGS_MODULE}); Ctrl+C stops."
        )
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        worker = nullcontext() if options["no_task_worker"] else task_worker(TASK_POLL_SECONDS)
        with worker:
            # Its own process group: a signal to ours (Ctrl+C, a service manager's SIGTERM)
            # reaches granian only through us, never its workers directly, which granian
            # would take for crashed workers and start again while shutting down.
            server = subprocess.Popen(command, env=environment, start_new_session=True)
            try:
                server.wait()
            except KeyboardInterrupt:
                pass
            finally:
                server.terminate()
                with suppress(subprocess.TimeoutExpired):
                    server.wait(timeout=STOP_SECONDS + 5)
                # Whatever of granian's group is left (a stuck main process, or workers it
                # left behind) must not keep the port.
                with suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if server.returncode not in (0, -signal.SIGTERM):
            raise CommandError(f"the server stopped with exit code {server.returncode}")
