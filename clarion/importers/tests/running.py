"""Running an import command as a person would, on an export written for the test."""

import io

from django.core.management import call_command
from PIL import Image as PillowImage


def write(tmp_path, text, name):
    """The export `text` as a file, as a person would hand it over."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_import(command, tmp_path, text, media_dir=None, name="export"):
    """Runs `command` (import_wordpress, import_ghost) on `text`; the report it printed,
    progress bar included."""
    path = write(tmp_path, text, name)
    out, err = io.StringIO(), io.StringIO()
    options = {"media_dir": str(media_dir)} if media_dir else {}
    call_command(command, str(path), stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def picture(folder, relative, colour="firebrick", size=(40, 30)):
    """A real JPEG at folder/relative, as the old site's media folder holds it."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    PillowImage.new("RGB", size, colour).save(path)
    return path
