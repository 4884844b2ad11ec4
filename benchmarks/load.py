"""Clarion under load: requests per second and latency of each public page type through the
production server, compared with nginx sending the same bytes, and behind nginx with purges.

    .venv/bin/python benchmarks/load.py --database-url postgres://postgres@127.0.0.1:5432/clarion_bench
    .venv/bin/python benchmarks/load.py --database-url sqlite:///var/load-small.sqlite3 \
        --articles 2000 --duration 3 --memory-requests 2000

What it does, in order:

1. installs wrk, nginx and nginx's cache-purge module with apt-get when they are missing;
2. seeds the database like the other runners (resumable), and builds the search index when
   it is empty;
3. starts `clarion serve` (granian, one worker per core, the task worker beside it) with the
   production settings and the full-page cache on, and for each page type runs wrk
   (-t2 -c16 --latency) "cold" (after `clear_caches`, every request a different address, so
   every request misses the page cache) and "warm" (one address, again and again);
4. measures the worker processes' memory over a run of many requests to one warm page;
5. starts nginx sending the warm article's exact bytes from a file ("static"), then nginx with
   docs/deploy/nginx.conf in front of Clarion ("behind nginx"), and times how long a publish
   takes to show on the home page through nginx (the purge, not the cache expiry);
6. restarts `clarion serve` with CLARION_PAGE_CACHE=false ("uncached", fragment caches still
   on), runs each page type again, then measures memory over many different articles;
7. prints a Markdown summary to paste into docs/benchmarks.md.

wrk and the server share the machine's cores, so the figures are for both together. Every
subprocess (server, granian workers, task worker, nginx) is stopped at the end, on errors and
on Ctrl+C. Files (logs, configurations, collected static files) go to var/load/."""

import argparse
import collections
import contextlib
import datetime
import http.client
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from common import ROOT, add_database_arguments, git_commit, setup_django

VAR = ROOT / "var" / "load"
PAGE_TYPES = ("home", "article", "topic", "archive", "search", "feed")
REDIS_URL = "redis://127.0.0.1:6379/5"
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
DEPLOY_CONFIG = ROOT / "docs" / "deploy" / "nginx.conf"
WRK_THREADS = 2
WRK_TIMEOUT = "30s"  # an uncached search queued behind 15 others takes seconds, not an error
COLD_ARTICLES = 2000  # different articles in a cold run
MEMORY_ARTICLES = 5000  # different articles in the uncached memory run
WARM_UP_REQUESTS = 10  # a few, so that each granian worker has the page
STARTUP_SECONDS = 300  # collectstatic, then granian importing Django
POLL_SECONDS = 0.02  # how often the publish test asks nginx for the home page
VISIBLE_WITHIN_SECONDS = 15  # give up on the publish test after this
FLAT_GROWTH_KB = 3 * 1024  # a worker growing less than this over the second half is "flat"

ROTATING_SCRIPT = """\
-- Written by benchmarks/load.py. Each thread sends the paths listed in a file in turn,
-- interleaved with the other threads (thread i sends paths i, i + threads, ...), so no
-- address repeats until the list is used up. With a limit, each thread stops after that
-- many responses and creates the file <marker>.<thread> (wrk's main thread still waits for
-- the duration: load.py interrupts it once every thread has stopped).
-- Arguments: paths file, threads, first position, responses per thread (0: no limit), marker.
local paths = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  step = tonumber(args[2])
  position = tonumber(args[3]) + id
  limit = tonumber(args[4])
  marker = args[5] .. "." .. id
  seen = 0
  if limit > 0 then
    response = function()
      seen = seen + 1
      if seen == limit then
        io.open(marker, "w"):close()
        wrk.thread:stop()
      end
    end
  end
end

function request()
  local path = paths[position % #paths + 1]
  position = position + step
  return wrk.format(nil, path)
end
"""


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors, timeouts and responses other than 2xx/3xx

    def cells(self):
        flag = f" ({self.errors:,} errors)" if self.errors else ""
        return [f"{format_rps(self.rps)}{flag}", format_ms(self.p50_ms), format_ms(self.p99_ms)]


@dataclass
class PageType:
    name: str
    url: str  # the one address of warm and uncached runs
    cold: list[str] = field(default_factory=list)  # different addresses for the cold run


@dataclass
class Ports:
    serve: int
    proxy: int  # nginx in front of Clarion
    static: int  # nginx sending a file


@dataclass
class Report:
    """Everything measured, for the summary at the end."""

    phases: dict = field(default_factory=dict)  # (page type, phase) -> WrkResult
    static: WrkResult | None = None
    proxied: WrkResult | None = None
    publish: list = field(default_factory=list)  # (what, seconds, how it arrived)
    memory: list = field(default_factory=list)  # (what, requests, [(pid, before, mid, after)])
    nginx_config: str = ""  # the deployment configuration tested behind nginx
    notes: list = field(default_factory=list)


STARTED = time.monotonic()


def say(message):
    """Progress, with the time since the start, so a slow step shows as one."""
    print(f"[{time.monotonic() - STARTED:7.1f}s] {message}", flush=True)


# Tools ----------------------------------------------------------------------------------------


def ensure_tools(need_nginx):
    """wrk (and nginx with the cache-purge module, for the nginx phases) from Debian's packages,
    installed only when missing: the benchmark needs the same nginx the deployment uses."""
    missing = [] if shutil.which("wrk") else ["wrk"]
    if need_nginx:
        if not nginx_binary():
            missing.append("nginx-light")
        if not PURGE_MODULE.exists():
            missing.append("libnginx-mod-http-cache-purge")
    if not missing:
        return
    apt = shutil.which("apt-get")
    if apt is None:
        raise SystemExit(
            f"Missing {', '.join(missing)} and there is no apt-get here: install wrk and "
            "nginx with the ngx_cache_purge module by hand, or run with --skip-nginx."
        )
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    command = [*prefix, apt, "install", "-y", *missing]
    say(f"installing {', '.join(missing)}: {shlex.join(command)}")
    if subprocess.run(command, check=False).returncode != 0:
        say("apt-get install failed; updating the package lists and trying once more")
        subprocess.run([*prefix, apt, "update"], check=False)
        if subprocess.run(command, check=False).returncode != 0:
            raise SystemExit(f"Could not install {', '.join(missing)}: see apt-get's output.")


def nginx_binary():
    """nginx is in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def check_ports_free(ports):
    """Fail at the start, with the port named, rather than after minutes of measuring."""
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError as error:
                raise SystemExit(
                    f"Port {port} on 127.0.0.1 is busy ({error.strerror}): stop what listens "
                    "there or pick other ports with --port (nginx uses the next two)."
                ) from None


# Processes ------------------------------------------------------------------------------------


class Process:
    """A subprocess in its own process group, so that stopping it stops everything it started
    (granian's workers, the task worker, nginx's workers), and Ctrl+C reaches only us."""

    def __init__(self, name, command, env=None, log=None):
        self.name = name
        self.log = log
        output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        self.popen = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        if log:
            output.close()

    @property
    def pid(self):
        return self.popen.pid

    def running(self):
        return self.popen.poll() is None

    def stop(self, grace=20):
        """SIGTERM to the group; SIGKILL whatever is left after `grace` seconds."""
        group = self.popen.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and group_alive(group, self.popen):
            time.sleep(0.1)
        if group_alive(group, self.popen):
            say(f"{self.name} did not stop within {grace} s: killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        self.popen.wait()

    def log_tail(self, lines=30):
        if not self.log or not Path(self.log).exists():
            return ""
        return "\n".join(Path(self.log).read_text(errors="replace").splitlines()[-lines:])


def group_alive(group, popen):
    popen.poll()  # reap the leader, or the group looks alive as a zombie
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for_http(process, port, host=None, timeout=STARTUP_SECONDS):
    """Until the port answers HTTP; a clear error (with the log) if the process died first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.running():
            raise SystemExit(
                f"{process.name} exited with code {process.popen.returncode} before answering "
                f"on port {port}. Last lines of {process.log}:\n{process.log_tail()}"
            )
        try:
            fetch(port, "/", host=host, timeout=5)
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    raise SystemExit(f"{process.name} did not answer on port {port} within {timeout} s.")


def fetch(port, path, host=None, timeout=60):
    """(status, headers, body) of one plain GET, as wrk asks (no compression)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}"})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


# The Clarion server ---------------------------------------------------------------------------


def server_environment(args, ports, hosts, page_cache):
    """Production settings from the environment, as a deployment sets them."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="clarion.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=",".join(hosts),
        SECURE_SSL_REDIRECT="false",
        DEBUG="false",
        DATABASE_URL=args.database_url,
        STATIC_ROOT=str(VAR / "static"),
        CLARION_PAGE_CACHE="true" if page_cache else "false",
    )
    for name, value in (
        ("CLARION_PURGE_URL", None if args.skip_nginx else f"http://127.0.0.1:{ports.proxy}"),
        ("REDIS_URL", REDIS_URL if args.redis else None),
    ):
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


@contextlib.contextmanager
def clarion_server(args, ports, hosts, page_cache):
    """`clarion serve` for the duration of the block, stopped however the block ends."""
    if args.redis:
        flush_redis()
    clarion = Path(sys.executable).with_name("clarion")
    if not clarion.exists():
        raise SystemExit(f"{clarion} is missing: install the project (pip install -e .).")
    label = "page cache on" if page_cache else "page cache off"
    log = VAR / f"serve-{'cached' if page_cache else 'uncached'}.log"
    log.unlink(missing_ok=True)
    say(f"starting clarion serve on 127.0.0.1:{ports.serve} ({label}); log: {relative(log)}")
    server = Process(
        f"clarion serve ({label})",
        [str(clarion), "serve", "--bind", f"127.0.0.1:{ports.serve}"],
        env=server_environment(args, ports, hosts, page_cache),
        log=log,
    )
    try:
        wait_for_http(server, ports.serve)
        say(f"server answering; granian workers: {granian_workers(server.pid)}")
        yield server
    finally:
        say("stopping clarion serve")
        server.stop()


def flush_redis():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError as error:
        raise SystemExit(f"--redis: cannot reach {REDIS_URL} ({error}).") from None
    say(f"flushed {REDIS_URL}")


def clear_page_caches():
    """What `clarion clear_caches` does: empties this process's caches (Redis, with --redis)
    and makes a new content version, so every server process uses new keys within
    CLARION_FRESHNESS_SECONDS."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("clear_caches", stdout=open(os.devnull, "w"))  # noqa: SIM115
    time.sleep(settings.CLARION_FRESHNESS_SECONDS + 0.5)


# Memory of the granian workers ----------------------------------------------------------------


def children_of(pid):
    """Child process ids, from /proc (no psutil)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            children.append(int(entry.name))
    return sorted(children)


def granian_workers(serve_pid):
    """The worker processes: children of the granian process that `clarion serve` starts."""
    for child in children_of(serve_pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"granian" in command:
            return children_of(child)
    return []


def rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


# wrk ------------------------------------------------------------------------------------------


def run_wrk(args, url, duration=None, host=None, paths=None, start=0, limit=0):
    """One wrk run. With `paths`, the rotating Lua script sends those paths in turn; with
    `limit`, it stops after about that many responses (wrk itself only knows durations)."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{args.connections}"]
    command += [f"-d{duration or args.duration}s", "--latency", "--timeout", WRK_TIMEOUT]
    if host:
        command += ["-H", f"Host: {host}"]
    markers = []
    script_args = []
    if paths is not None:
        script = VAR / "rotate.lua"
        script.write_text(ROTATING_SCRIPT)
        paths_file = VAR / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        per_thread = -(-limit // WRK_THREADS) if limit else 0
        marker = VAR / "wrk-stopped"
        markers = [Path(f"{marker}.{n}") for n in range(WRK_THREADS)] if limit else []
        for path in markers:
            path.unlink(missing_ok=True)
        command += ["-s", str(script)]
        script_args = ["--", str(paths_file), str(WRK_THREADS), str(start), str(per_thread)]
        script_args.append(str(marker))
    command += [url, *script_args]
    stdout, stderr = wrk_output(command, markers)
    if "Requests/sec" not in stdout:
        raise SystemExit(f"wrk failed: {shlex.join(command)}\n{stdout}{stderr}")
    return parse_wrk(stdout)


def wrk_output(command, markers):
    """wrk's report; when every thread has left its marker file, SIGINT makes wrk report at
    once instead of sleeping out its duration."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while markers and process.poll() is None:
            if all(path.exists() for path in markers):
                process.send_signal(signal.SIGINT)
                break
            time.sleep(0.05)
        return process.communicate()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output):
    """Requests/s, the 50% and 99% latencies, the request count and every kind of error
    from wrk's --latency report."""

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
        return float(match[1]) * UNITS_MS[match[2]]

    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = sum(int(n) for n in re.findall(r"\d+", socket_errors[1])) if socket_errors else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx[1]) if non_2xx else 0
    return WrkResult(
        requests=int(done[1]),
        seconds=float(done[2]) * UNITS_MS[done[3]] / 1000,
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        p50_ms=latency(50),
        p99_ms=latency(99),
        errors=errors,
    )


def format_rps(rps):
    return f"{rps:,.0f}" if rps >= 100 else f"{rps:.1f}"


def format_ms(ms):
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    return f"{ms:.1f} ms" if ms >= 1 else f"{ms:.2f} ms"


def describe(result):
    text = "  ".join(
        [
            f"{format_rps(result.rps)} req/s",
            f"p50 {format_ms(result.p50_ms)}",
            f"p99 {format_ms(result.p99_ms)}",
            f"{result.requests:,} requests",
        ]
    )
    return text + (f"  ERRORS: {result.errors:,}" if result.errors else "")


# What to request ------------------------------------------------------------------------------


def sample_pages(cold_count):
    """One address per page type for the warm and uncached runs, and `cold_count` different
    addresses per type for the cold run: distinct articles, topics, months and searches first,
    then the same addresses with a distinct ?v= query (a different page-cache key) for the
    page types that have few addresses (one, for home and the feed)."""
    from clarion.newsroom.archive import archive_months

    articles = spread_articles(COLD_ARTICLES)
    topics = busy_topics(COLD_ARTICLES)
    months = [f"/archive/{m:%Y/%m}/" for m in archive_months()]
    words = title_words()
    if not (articles and topics and months and words):
        raise SystemExit("The database has no live articles, topics or months to request.")
    newest = page_path(newest_article())
    pages = [
        PageType("home", "/", ["/"]),
        PageType("article", newest, articles),
        PageType("topic", topics[0], topics),
        PageType("archive", months[1] if len(months) > 1 else months[0], months),
        PageType(
            "search", f"/search/?q={quote(words[0])}", [f"/search/?q={quote(w)}" for w in words]
        ),
        PageType("feed", "/feeds/atom/", ["/feeds/atom/"]),
    ]
    for page in pages:
        page.cold = distinct_addresses(page.cold, cold_count)
    return pages


def distinct_addresses(base, count):
    """`count` addresses, each a different page-cache key: `base`, then `base` with ?v=1, …"""
    addresses = list(base[:count])
    round_ = 1
    while len(addresses) < count:
        for path in base[: count - len(addresses)]:
            addresses.append(f"{path}{'&' if '?' in path else '?'}v={round_}")
        round_ += 1
    return addresses


def page_path(page):
    """The site-relative address of a page (Wagtail gives a full URL with several sites)."""
    parts = urlsplit(page.get_url())
    return urlunsplit(("", "", parts.path, parts.query, ""))


def newest_article():
    from clarion.newsroom.models import Article

    return Article.objects.readable().newest().defer_streamfields().first()


def spread_articles(count):
    """Addresses of `count` live articles spread evenly over the whole archive."""
    from clarion.newsroom.models import Article

    ids = list(Article.objects.readable().order_by("pk").values_list("pk", flat=True))
    chosen = ids[:: max(1, len(ids) // count)][:count]
    chosen_articles = Article.objects.filter(pk__in=chosen).defer_streamfields().order_by("pk")
    return [page_path(article) for article in chosen_articles]


def busy_topics(count):
    """Topic pages, those with the most articles first."""
    from django.db.models import Count

    from clarion.newsroom.models import Topic

    topics = (
        Topic.objects.annotate(articles=Count("article_links"))
        .filter(articles__gt=0)
        .order_by("-articles", "pk")[:count]
    )
    return [topic.get_absolute_url() for topic in topics]


def title_words(sample=3000, count=COLD_ARTICLES):
    """Words of five letters or more in recent headlines, the most common first: the first
    is the warm search (a common word, so a big result to rank), the rest the cold ones."""
    from clarion.newsroom.models import Article

    titles = Article.objects.readable().newest().values_list("title", flat=True)[:sample]
    counts = collections.Counter(
        word for title in titles for word in re.findall(r"[^\W\d_]{5,}", title.lower())
    )
    return [word for word, _ in counts.most_common(count)]


def check_pages(pages, port):
    """Every warm address and a few cold ones answer 200, before minutes are spent on them."""
    for page in pages:
        for path in [page.url, *page.cold[:2], page.cold[-1]]:
            status, _, _ = fetch(port, path)
            if status != 200:
                raise SystemExit(f"{page.name}: GET {path} answered {status}, not 200.")


# Phases ---------------------------------------------------------------------------------------


def cold_and_warm(args, pages, port, report):
    """With the page cache on: per page type, a cold run after clearing the caches, then the
    same type warm."""
    base = f"http://127.0.0.1:{port}/"
    for page in pages:
        clear_page_caches()
        say(f"{page.name} cold: {len(page.cold):,} different addresses, {args.duration} s")
        result = run_wrk(args, base, paths=page.cold)
        if result.requests > len(page.cold):
            report.notes.append(
                f"{page.name} cold: {result.requests:,} requests over {len(page.cold):,} "
                "addresses, so some were page-cache hits"
            )
        report.phases[page.name, "cold"] = result
        say(f"{page.name} cold: {describe(result)}")
        warm_up(port, page.url)
        say(f"{page.name} warm: {page.url}, {args.duration} s")
        result = run_wrk(args, base.rstrip("/") + page.url)
        report.phases[page.name, "warm"] = result
        say(f"{page.name} warm: {describe(result)}")


def uncached(args, pages, port, report):
    """With the page cache off (fragments still cached): each page type, one address."""
    for page in pages:
        warm_up(port, page.url)
        say(f"{page.name} uncached: {page.url}, {args.duration} s")
        result = run_wrk(args, f"http://127.0.0.1:{port}{page.url}")
        report.phases[page.name, "uncached"] = result
        say(f"{page.name} uncached: {describe(result)}")


def warm_up(port, path, host=None):
    for _ in range(WARM_UP_REQUESTS):
        fetch(port, path, host=host)


def memory_run(args, server, port, what, paths, report):
    """RSS of each granian worker before, half-way through and after `--memory-requests`
    requests over `paths` (two wrk runs of half each, the second carrying on through the
    list). Growth in the second half, once caches have filled, is what would be a leak."""
    workers = granian_workers(server.pid)
    half = args.memory_requests // 2
    say(f"memory, {what}: {args.memory_requests:,} requests over {len(paths):,} address(es)")
    samples = {pid: [rss_kb(pid)] for pid in workers}
    base = f"http://127.0.0.1:{port}/"
    total = 0
    for start in (0, half):
        result = run_wrk(args, base, duration=3600, paths=paths, start=start, limit=half)
        total += result.requests
        for pid in workers:
            samples[pid].append(rss_kb(pid))
        say(f"memory, {what}: {describe(result)}")
    if granian_workers(server.pid) != workers:
        report.notes.append(f"memory, {what}: granian workers were replaced during the run")
    rows = [(pid, *values) for pid, values in samples.items()]
    report.memory.append((what, total, rows))
    for row in rows:
        say(f"  worker {row[0]}: {memory_cells(row)}")


def memory_cells(row):
    """'before → half-way → after MiB', from a (pid, before, mid, after) row in KiB."""
    values = row[1:]
    if None in values:
        return "gone (the worker exited)"
    return " → ".join(f"{v / 1024:.1f}" for v in values) + " MiB"


def memory_verdict(rows):
    growth = [row[3] - row[2] for row in rows if None not in row[1:]]
    if not growth:
        return "unknown"
    if max(growth) < FLAT_GROWTH_KB:
        return "flat"
    return f"grows: up to +{max(growth) / 1024:.1f} MiB per worker in the second half"


# nginx ----------------------------------------------------------------------------------------


def nginx_config(name, body, load_purge=False):
    """A standalone nginx configuration around `body` (server blocks and http-level lines):
    foreground, its own pid file, error log and temporary directories under var/load/."""
    workdir = VAR / f"nginx-{name}"
    workdir.mkdir(parents=True, exist_ok=True)
    lines = [f"# Written by benchmarks/load.py ({name})."]
    if os.geteuid() == 0:
        lines.append(f"user {nginx_user()};")
    lines += [
        "worker_processes auto;",
        "daemon off;",
        f"pid {workdir / 'nginx.pid'};",
        f"error_log {workdir / 'error.log'} warn;",
    ]
    if load_purge:
        lines.append(f"load_module {PURGE_MODULE};")
    lines += ["events { worker_connections 1024; }", "http {"]
    lines += [
        "    include /etc/nginx/mime.types;",
        "    default_type application/octet-stream;",
        "    access_log off;",
        "    sendfile on;",
    ]
    lines += [f"    {kind}_temp_path {workdir / kind};" for kind in nginx_temp_paths()]
    lines += [body, "}"]
    path = workdir / "nginx.conf"
    path.write_text("\n".join(lines) + "\n")
    return path


def nginx_user():
    """Workers as root would read and write anything: use the web server's account."""
    import grp
    import pwd

    for name in ("www-data", "nginx", "nobody"):
        with contextlib.suppress(KeyError):
            account = pwd.getpwnam(name)
            return f"{name} {grp.getgrgid(account.pw_gid).gr_name}"
    return "root root"


def nginx_temp_paths():
    """The temporary-file directives this nginx build knows (nginx-light lacks some)."""
    built = subprocess.run([nginx_binary(), "-V"], capture_output=True, text=True).stderr
    kinds = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    return [k for k in kinds if f"--without-http_{k}_module" not in built]


@contextlib.contextmanager
def nginx(name, config, port, host=None):
    """nginx with `config`, checked first with `nginx -t`, stopped however the block ends."""
    workdir = config.parent
    prefix = ["-p", str(workdir), "-e", str(workdir / "error.log"), "-c", str(config)]
    (workdir / "error.log").unlink(missing_ok=True)
    check = subprocess.run([nginx_binary(), "-t", *prefix], capture_output=True, text=True)
    if check.returncode != 0:
        raise SystemExit(f"nginx rejects {relative(config)}:\n{check.stderr}")
    say(f"starting nginx ({name}) on 127.0.0.1:{port}; configuration: {relative(config)}")
    process = Process(f"nginx ({name})", [nginx_binary(), *prefix], log=workdir / "output.log")
    try:
        wait_for_http(process, port, host=host, timeout=30)
        yield process
    finally:
        say(f"stopping nginx ({name})")
        process.stop()


def static_phase(args, article, ports, report):
    """nginx sending the warm article's exact bytes from a file: the ceiling for this machine."""
    status, _, body = fetch(ports.serve, article)
    if status != 200:
        raise SystemExit(f"GET {article} answered {status}")
    site = VAR / "static-site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "article.html").write_bytes(body)
    body_config = (
        f"    server {{\n        listen 127.0.0.1:{ports.static};\n"
        f"        location / {{ root {site}; try_files /article.html =404; }}\n    }}"
    )
    config = nginx_config("static", body_config)
    with nginx("static", config, ports.static):
        warm_up(ports.static, article)
        say(f"static: nginx sending the article's {len(body):,} bytes, {args.duration} s")
        report.static = run_wrk(args, f"http://127.0.0.1:{ports.static}{article}")
        say(f"static: {describe(report.static)}")


def proxy_config(source, ports, hosts, static_root, media_root):
    """docs/deploy/nginx.conf (or `source`) made to run here: local ports, paths under
    var/load/ and the server names this test uses. Fails if the file no longer has what is
    replaced."""
    text = source.read_text()
    cache = VAR / "nginx-proxy" / "cache"
    shutil.rmtree(cache, ignore_errors=True)  # pages left by an earlier run would be stale
    replacements = [
        (r"listen 80;", f"listen 127.0.0.1:{ports.proxy};"),
        (r"listen \[::\]:80;\n", ""),
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{ports.serve};"),
        (r"/srv/clarion/var/static/", f"{static_root}/"),
        (r"/srv/clarion/var/media/", f"{media_root}/"),
        (r"/var/cache/nginx/clarion", str(cache)),
        (r"server_name [^;]+;", f"server_name {' '.join(hosts)};"),
    ]
    for pattern, replacement in replacements:
        text, found = re.subn(pattern, replacement.replace("\\", "\\\\"), text)
        if not found:
            raise SystemExit(f"{relative(source)} has no {pattern!r} to replace.")
    return nginx_config("proxy", text, load_purge=True)


def proxy_phase(args, article, ports, hosts, site_host, report):
    """Clarion behind nginx as docs/deploy/nginx.conf sets it up: the article from nginx's
    cache, then how soon a publish shows on the home page through it."""
    from django.conf import settings

    static_root, media_root = VAR / "static", Path(settings.MEDIA_ROOT)
    config = proxy_config(args.nginx_config, ports, hosts, static_root, media_root)
    report.nginx_config = relative(args.nginx_config)
    with nginx("behind nginx", config, ports.proxy, host=site_host):
        warm_up(ports.proxy, article, host=site_host)
        _, headers, _ = fetch(ports.proxy, article, host=site_host)
        say(f"behind nginx: {article} (X-Cache: {headers.get('X-Cache')}), {args.duration} s")
        report.proxied = run_wrk(args, f"http://127.0.0.1:{ports.proxy}{article}", host=site_host)
        say(f"behind nginx: {describe(report.proxied)}")
        try:
            publish_latency(ports.proxy, site_host, report)
        finally:
            report_nginx_crashes(config.parent / "error.log", report)


def report_nginx_crashes(error_log, report):
    """nginx logs a worker that died (a crashing module) as 'exited on signal N'."""
    crashes = [
        line
        for line in error_log.read_text(errors="replace").splitlines()
        if "exited on signal" in line
    ]
    if crashes:
        report.notes.append(
            f"{len(crashes)} nginx worker crash(es) in {relative(error_log)}, "
            f"e.g. `{crashes[0].split('] ', 1)[-1]}`: PURGE requests crash this nginx build's "
            "cache-purge module with the configuration used"
        )
        say(f"nginx workers crashed {len(crashes)} time(s): {crashes[0]}")


def publish_latency(port, host, report):
    """Publish a new revision of the newest article with a unique headline; poll the home page
    through nginx every 20 ms until it shows. Then publish the old headline back and time
    that too. The home page is in nginx's cache for 60 s, so seeing the change within a few
    seconds, on a MISS, means the purge did it. The old headline is put back however this
    ends."""
    from clarion.newsroom.models import Article

    warm_up(port, "/", host=host)
    _, headers, _ = fetch(port, "/", host=host)
    if headers.get("X-Cache") != "HIT":
        report.notes.append(
            f"home was not a HIT in nginx before publishing: {headers.get('X-Cache')}"
        )
    article = Article.objects.get(pk=newest_article().pk)
    original = article.title
    marker = f"Load test {secrets.token_hex(4)}"
    changed = True
    try:
        what = "publish a new headline"
        say(f"publish latency: {what}, polling / through nginx every {POLL_SECONDS * 1000:.0f} ms")
        seconds, cache_status = publish_and_poll(
            article, f"{marker} {original}"[:255], marker, True, port, host
        )
        report.publish.append((what, seconds, cache_status))
        say(f"publish latency: {what}: {format_visibility(seconds, cache_status)}")
        if seconds is None:
            return  # then putting the old headline back shows nothing either
        what = "publish the old headline back"
        seconds, cache_status = publish_and_poll(article, original, marker, False, port, host)
        changed = False
        report.publish.append((what, seconds, cache_status))
        say(f"publish latency: {what}: {format_visibility(seconds, cache_status)}")
    finally:
        if changed:
            say("publishing the old headline back")
            publish_title(article, original)


def publish_title(article, title):
    article.title = title
    article.draft_title = title
    article.save_revision().publish()


def publish_and_poll(article, title, marker, expect_marker, port, host):
    """Seconds from the start of the publish until the home page through nginx shows the
    change (None if it did not within VISIBLE_WITHIN_SECONDS), and nginx's X-Cache then."""
    started = time.monotonic()
    publish_title(article, title)
    deadline = started + VISIBLE_WITHIN_SECONDS
    needle = marker.encode()
    while time.monotonic() < deadline:
        try:
            _, headers, body = fetch(port, "/", host=host)
        except (OSError, http.client.HTTPException):
            body = None  # e.g. the nginx worker died under this request
        if body is not None and (needle in body) == expect_marker:
            return time.monotonic() - started, headers.get("X-Cache")
        time.sleep(POLL_SECONDS)
    return None, None


def format_visibility(seconds, cache_status):
    if seconds is None:
        return f"NOT visible within {VISIBLE_WITHIN_SECONDS} s"
    how = "via the purge" if cache_status == "MISS" else f"X-Cache {cache_status}: not a purge"
    return f"visible after {seconds:.2f} s ({how})"


# The summary ----------------------------------------------------------------------------------


def print_summary(args, pages, report, facts):
    """Markdown for docs/benchmarks.md: what ran where, then the tables."""
    print("\n" + "=" * 100 + "\n")
    print(f"### Load: {facts['database']}, {facts['articles']:,} articles ({facts['date']})\n")
    print("```sh")
    print(facts["command"])
    print("```\n")
    print(f"Commit {facts['commit']}. Machine: {facts['machine']}. {facts['software']}.")
    print(
        f"`clarion serve` (granian, {facts['workers']} workers, {facts['caches']} caches) with "
        f"production settings; wrk -t{WRK_THREADS} -c{args.connections} -d{args.duration}s "
        "--latency on the same machine, so the load generator and the server share the "
        "cores. Responses are plain (wrk asks for no compression).\n"
    )
    print(
        "- **cold**: page cache on, emptied (`clarion clear_caches`) before each page type; "
        "every request is a different address, so every one is a page-cache miss (articles, "
        "topics, months and searches are different pages; home and the feed get a distinct "
        "`?v=` query). Fragments shared between pages warm up during the run.\n"
        "- **warm**: page cache on, one address again and again after a few warm-up requests.\n"
        "- **uncached**: the server restarted with `CLARION_PAGE_CACHE=false` (fragment caches "
        "on), one address again and again.\n"
    )
    phases = ("cold", "warm", "uncached")
    header = ["page", "address"] + [f"{p} {c}" for p in phases for c in ("req/s", "p50", "p99")]
    print("| " + " | ".join(header) + " |")
    print("| --- | --- |" + " ---: |" * (len(header) - 2))
    for page in pages:
        cells = [page.name, f"`{page.url}`"]
        for phase in phases:
            result = report.phases.get((page.name, phase))
            cells += result.cells() if result else ["–", "–", "–"]
        print("| " + " | ".join(cells) + " |")
    print_nginx_summary(report)
    print_memory_summary(report)
    for note in report.notes:
        print(f"- Note: {note}")
    print(f"\nThe whole run took {(time.monotonic() - STARTED) / 60:.1f} minutes.")


def print_nginx_summary(report):
    warm = report.phases.get(("article", "warm"))
    if report.static is None:
        return
    print("\n| article page | req/s | p50 | p99 | ratio to static |")
    print("| --- | ---: | ---: | ---: | ---: |")
    rows = [("nginx sending the same bytes from a file (static)", report.static)]
    if warm:
        rows.append(("Clarion, page cache warm", warm))
    if report.proxied:
        rows.append((f"behind nginx ({report.nginx_config}, cache HIT)", report.proxied))
    for label, result in rows:
        ratio = result.rps / report.static.rps
        print(f"| {label} | " + " | ".join(result.cells()) + f" | {ratio:.2f} |")
    print()
    if warm:
        ratio = warm.rps / report.static.rps
        verdict = "met" if ratio >= 0.25 else "NOT met"
        print(f"- warm article / static: {ratio:.2f} (target ≥ 0.25: {verdict})")
    if report.proxied:
        ratio = report.proxied.rps / report.static.rps
        verdict = "met" if ratio >= 0.8 else "NOT met"
        print(f"- behind nginx / static: {ratio:.2f} (target ≥ 0.8: {verdict})")
    for what, seconds, cache_status in report.publish:
        met = seconds is not None and seconds < 1 and cache_status == "MISS"
        print(
            f"- {what}, to the home page through nginx: "
            f"{format_visibility(seconds, cache_status)} "
            f"(target < 1 s: {'met' if met else 'NOT met'})"
        )


def print_memory_summary(report):
    if not report.memory:
        return
    print("\n| memory (RSS per granian worker) | requests | before → half-way → after | verdict |")
    print("| --- | ---: | --- | --- |")
    for what, total, rows in report.memory:
        cells = "<br>".join(memory_cells(row) for row in rows)
        print(f"| {what} | {total:,} | {cells} | {memory_verdict(rows)} |")
    print()


def collect_facts(args, workers):
    """Where and what was measured, for the summary."""
    from django.db import connection

    from clarion.newsroom.models import Article

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    return {
        "command": command_line(),
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": git_commit(),
        "machine": f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.1f} GiB RAM",
        "software": software_versions(),
        "database": f"{database} ({connection.settings_dict['NAME']})",
        "articles": Article.objects.count(),
        "workers": workers,
        "caches": "Redis" if args.redis else "local-memory",
    }


def command_line():
    """The command as typed, with any database password hidden."""
    argv = [re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", arg) for arg in sys.argv]
    return shlex.join([relative(Path(sys.executable)), *argv])


def software_versions():
    from importlib.metadata import version

    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0]
    parts = [
        f"Python {platform.python_version()}",
        f"Django {version('django')}",
        f"Wagtail {version('wagtail')}",
        f"granian {version('granian')}",
        wrk.strip().replace("debian/", ""),
    ]
    if nginx_binary():
        nginx_version = subprocess.run([nginx_binary(), "-v"], capture_output=True, text=True)
        parts.append(nginx_version.stderr.strip().split(": ")[-1].replace("/", " "))
    return ", ".join(parts)


def relative(path):
    with contextlib.suppress(ValueError):
        return str(Path(path).relative_to(ROOT))
    return str(path)


# Running it all -------------------------------------------------------------------------------


def parse_arguments():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_database_arguments(parser)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument(
        "--port", type=int, default=8765, help="clarion serve's port; nginx uses the next two"
    )
    parser.add_argument("--skip-nginx", action="store_true", help="no static or nginx phases")
    parser.add_argument(
        "--nginx-config",
        type=Path,
        default=DEPLOY_CONFIG,
        help="the deployment's nginx configuration to test (default: docs/deploy/nginx.conf)",
    )
    parser.add_argument(
        "--only",
        type=lambda value: [v.strip() for v in value.split(",") if v.strip()],
        default=list(PAGE_TYPES),
        help=f"page types, comma-separated (default: {','.join(PAGE_TYPES)})",
    )
    parser.add_argument(
        "--redis", action="store_true", help=f"caches in Redis ({REDIS_URL}, flushed first)"
    )
    parser.add_argument(
        "--memory-requests",
        type=int,
        default=20_000,
        help="requests in each memory run (0: no memory runs)",
    )
    args = parser.parse_args()
    unknown = set(args.only) - set(PAGE_TYPES)
    if unknown:
        parser.error(f"--only: unknown page types {', '.join(sorted(unknown))}")
    if not args.skip_nginx and not args.nginx_config.is_file():
        parser.error(f"--nginx-config: no file {args.nginx_config}")
    if args.connections < WRK_THREADS:
        parser.error(f"--connections must be at least {WRK_THREADS}")
    return args


def prepare_django(args, ports):
    """Seed and index the database, with this process set up like the servers (same
    database, caches and purge address), so that its publishes purge nginx."""
    if not args.skip_nginx:
        os.environ["CLARION_PURGE_URL"] = f"http://127.0.0.1:{ports.proxy}"
    if args.redis:
        os.environ["REDIS_URL"] = REDIS_URL
    setup_django(args)
    from django.core.management import call_command
    from wagtail.search.models import IndexEntry

    if not IndexEntry.objects.exists():
        say("the search index is empty: running `clarion update_index` (minutes at 100,000)")
        call_command("update_index")


def site_host():
    """The host name of the default Wagtail site: purges name it, so requests through nginx
    must too, or they would be cached under another key and never purged."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return site.hostname if site else "localhost"


def main():
    args = parse_arguments()
    sys.stdout.reconfigure(line_buffering=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    VAR.mkdir(parents=True, exist_ok=True)
    ports = Ports(args.port, args.port + 1, args.port + 2)
    ensure_tools(need_nginx=not args.skip_nginx)
    check_ports_free([ports.serve] if args.skip_nginx else [ports.serve, ports.proxy, ports.static])
    prepare_django(args, ports)
    host = site_host()
    hosts = list(dict.fromkeys(["127.0.0.1", "localhost", host]))
    say("choosing addresses")
    all_pages = sample_pages(cold_count=max(2000, args.duration * 300))
    pages = [page for page in all_pages if page.name in args.only]
    article = next(page for page in all_pages if page.name == "article")
    report = Report()
    try:
        measure(args, ports, hosts, host, pages, article, report)
    except KeyboardInterrupt:
        say("interrupted: subprocesses stopped; the summary holds what was measured")
    facts = collect_facts(args, os.cpu_count())
    print_summary(args, pages, report, facts)


def measure(args, ports, hosts, host, pages, article, report):
    with clarion_server(args, ports, hosts, page_cache=True) as server:
        check_pages(pages, ports.serve)
        cold_and_warm(args, pages, ports.serve, report)
        if args.memory_requests:
            warm_up(ports.serve, article.url)
            memory_run(
                args, server, ports.serve, "warm article, page cache on", [article.url], report
            )
        if not args.skip_nginx:
            static_phase(args, article.url, ports, report)
            proxy_phase(args, article.url, ports, hosts, host, report)
    with clarion_server(args, ports, hosts, page_cache=False) as server:
        uncached(args, pages, ports.serve, report)
        if args.memory_requests:
            memory_articles = spread_articles(MEMORY_ARTICLES)
            what = f"{len(memory_articles):,} different articles, page cache off"
            memory_run(args, server, ports.serve, what, memory_articles, report)


if __name__ == "__main__":
    main()
