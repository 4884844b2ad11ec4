"""The `clarion` console command: the project's manage.py, installed on PATH."""

import os
import sys


def main(argv=None):
    argv = list(argv or sys.argv)
    # Command names may be spelt with hyphens: `clarion load-gazetteer` runs load_gazetteer
    # (a module name cannot hold one), and `clarion help load-gazetteer` describes it.
    at = 2 if argv[1:2] == ["help"] else 1
    if len(argv) > at and not argv[at].startswith("-"):
        argv[at] = argv[at].replace("-", "_")
    # `clarion serve` is the production server; everything else defaults to development.
    settings = "production" if argv[1:2] == ["serve"] else "dev"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"clarion.settings.{settings}")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as problem:
        # A setting read from the environment is wrong: say which, without a traceback.
        sys.stderr.write(f"clarion: configuration problem: {problem}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
