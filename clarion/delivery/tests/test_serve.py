"""`clarion serve` runs the site under the production server, with static files that can be
cached for good."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import CommandError, call_command

from clarion.core.tests.network import free_port


def test_a_bad_bind_address_gets_a_clear_message():
    for value in ("8000", "localhost:http", "127.0.0.1:99999", ":8000"):
        with pytest.raises(CommandError, match="HOST:PORT"):
            call_command("serve", bind=value)


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
        return response.status, response.headers, response.read()


def wait_for(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"clarion serve exited with {process.returncode}")
        try:
            return fetch(url)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture
def served_site(tmp_path):
    """A fresh site (its own SQLite database) under `clarion serve`, production settings."""
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clarion.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "CLARION_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "serve-test-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    clarion = [sys.executable, "-m", "clarion.cli"]
    subprocess.run([*clarion, "migrate", "-v0"], env=environment, check=True)
    server = subprocess.Popen(
        [*clarion, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=environment,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_serve_answers_pages_and_long_lived_compressed_static_files(served_site):
    root, server = served_site
    status, headers, body = wait_for(f"{root}/", server)
    assert status == 200 and b"<html" in body
    assert "public" in headers["Cache-Control"] and headers["ETag"]
    assert fetch(f"{root}/")[2] == body  # the second answer: the same page

    stylesheet = re.search(rb'href="(/static/clarion/site\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "static files are not served under hashed names"
    status, headers, css = fetch(root + stylesheet.group(1).decode(), **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] in ("gzip", "br")
    assert "immutable" in headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1)) >= 365 * 86400
