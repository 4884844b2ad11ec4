"""Import throughput and peak memory: a generated WordPress export (50,000 posts by default;
see wxr_dataset.py) moved into a fresh database by `clarion import-wordpress`, then the same
file imported again.

    .venv/bin/python benchmarks/importing.py --posts 50000 \\
        --database-url sqlite:////work/main/var/bench-import.sqlite3
    .venv/bin/python benchmarks/importing.py --posts 50000 \\
        --database-url postgres://postgres@127.0.0.1:5432/clarion_bench_import

Every step runs as its own process, as a person would run it, and is measured from outside:
its wall time, and its peak resident memory (the kernel's maxrss for that process alone).

1. `baseline`: `clarion check`, the memory of a Clarion process that has loaded Django and
   Wagtail and done nothing else;
2. `read`: the streaming WXR reader alone over the whole file (the import's checking pass);
3. `import`: `clarion import-wordpress FILE --media-dir uploads/` into a freshly migrated,
   empty database (the migration is not timed), with its media folder emptied;
4. `again`: the same command on the same file (every record already there and unchanged);
5. `index` (with --index): `clarion update_index`, what a task worker otherwise does after.

With --read-only, only step 2, with no database: `--posts 135000 --read-only` reads a 1 GB
export.

The database and media folder are made anew for each run (`--keep` imports into what is
there). The export is generated first when it is not there yet (`var/bench-import/`)."""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, ensure_postgres_database, git_commit
from wxr_dataset import Dataset

DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'bench-import.sqlite3'}"
DATA = ROOT / "var" / "bench-import"
COUNT_RECORDS = """
import collections, json, sys
from clarion.importers.wxr import read_wxr
records = read_wxr(sys.argv[1])
kinds = collections.Counter(getattr(r, "post_type", type(r).__name__) for r in records)
print(json.dumps(kinds))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--keep", action="store_true", help="import into the database as it is")
    parser.add_argument("--index", action="store_true", help="time `clarion update_index` too")
    parser.add_argument(
        "--read-only", action="store_true", help="only read the file (no database): a 1 GB one"
    )
    args = parser.parse_args()

    export = Dataset(args.posts, DATA, seed=2026).write()
    if args.read_only:
        read = measure("read", [sys.executable, "-c", COUNT_RECORDS, str(export)], os.environ)
        size = export.stat().st_size / 1e6
        print(
            f"{export.name}: {size:,.0f} MB read in {read.seconds:,.1f} s "
            f"({size / read.seconds:,.0f} MB/s), peak memory {read.peak_mb:,.0f} MB "
            f"({read.private_mb:,.0f} MB private): {read.output}"
        )
        return
    media_root = DATA / f"media-{args.database_url.split(':', 1)[0]}"
    environment = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "clarion.settings.dev",
        "DEBUG": "false",
        "MEDIA_ROOT": str(media_root),
    }
    if not args.keep:
        fresh_database(args.database_url, media_root)
    clarion = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*clarion, "migrate", "--verbosity=0"], env=environment, check=True)

    started = datetime.datetime.now(datetime.UTC)
    load = os.getloadavg()[0]
    rows = [measure("baseline", [*clarion, "check"], environment)]
    read = measure("read", [sys.executable, "-c", COUNT_RECORDS, str(export)], environment)
    kinds = json.loads(read.output)
    rows.append(read)
    command = [*clarion, "import-wordpress", str(export), "--media-dir", str(DATA / "uploads")]
    first = measure("import", command, environment)
    rows.append(first)
    rows.append(measure("again", command, environment))
    if args.index:
        rows.append(measure("index", [*clarion, "update_index"], environment))

    records = sum(count for kind, count in kinds.items() if kind != "Channel")
    lines = [
        f"{started:%Y-%m-%d %H:%M} UTC, commit {git_commit()}, Python {platform.python_version()}",
        f"{export.name}: {export.stat().st_size / 1e6:,.0f} MB, {records:,} records {kinds}",
        f"database {args.database_url}; load average (1 min) {load:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end",
        "",
        "| step | seconds | records/s | posts/s | peak RSS (MB) | peak private (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        rates = ("", "")
        if row.name in ("read", "import", "again"):
            rates = (f"{records / row.seconds:,.0f}", f"{kinds['post'] / row.seconds:,.0f}")
        lines.append(
            f"| {row.name} | {row.seconds:,.1f} | {rates[0]} | {rates[1]} | {row.peak_mb:,.0f} "
            f"| {row.private_mb:,.0f} |"
        )
    lines += ["", "The first import's report:", "", first.output]
    summary = DATA / f"summary-{args.posts}-{args.database_url.split(':', 1)[0]}.md"
    summary.write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines) + f"\n\n(written to {summary})")


class Step:
    def __init__(self, name, seconds, peak_mb, private_mb, output):
        self.name, self.seconds, self.output = name, seconds, output
        self.peak_mb, self.private_mb = peak_mb, private_mb


def measure(name, command, environment):
    """Runs `command` (its progress shown as it goes); its time, peak memory and output.
    Peak memory is the kernel's maxrss, which counts the database file SQLite maps into
    memory (up to the 256 MB of its mmap_size) as well as the process's own; the process's
    own ("private": RssAnon) is sampled every 0.2 s."""
    print(f"== {name}: {' '.join(Path(part).name for part in command[:3])} …", flush=True)
    output_file = DATA / f"{name}.out"
    private = 0
    with output_file.open("w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=environment, stdout=output, cwd=ROOT)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            private = max(private, private_kb(process.pid))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{name} failed ({process.returncode}): see {output_file}")
    output = output_file.read_text().rstrip()
    return Step(name, seconds, usage.ru_maxrss / 1024, private / 1024, output)


def private_kb(pid):
    """The process's own resident memory (RssAnon), in KB; 0 once it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines()
                 if line.startswith("RssAnon:")), 0)  # fmt: skip


def fresh_database(url, media_root):
    """An empty database at `url` and an empty media folder for the import to fill."""
    shutil.rmtree(media_root, ignore_errors=True)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    else:
        ensure_postgres_database(url, fresh=True)


if __name__ == "__main__":
    main()
