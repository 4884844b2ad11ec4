"""The `clarion` console command: the project's manage.py, installed on PATH."""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clarion.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv or sys.argv)
    except ImproperlyConfigured as problem:
        # A setting read from the environment is wrong: say which, without a traceback.
        sys.stderr.write(f"clarion: configuration problem: {problem}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
