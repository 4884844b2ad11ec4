"""Pictures for an import, from a folder copied off the old site (its `wp-content/uploads`,
or Ghost's `content/images`): nothing is fetched from the network at import time.

An address on the old site is matched to a file by the end of its path — the longest end
that names a file in the folder — so `https://old.example/wp-content/uploads/2021/05/a.jpg`
finds `2021/05/a.jpg` whichever level of the old site's folders was copied. WordPress's
resized copies (`a-300x200.jpg`) and Ghost's (`/size/w600/…`) lead to the original when the
folder has it, else to the copy. Each file becomes one Wagtail image, however many posts
use it, and a re-run finds it again. A file that is missing or not a picture is listed,
never fatal; so is an address no file could have (too long, a NUL in it).

The importer imports each record in a transaction of its own: `begin()` before it, `undo()`
when it failed, so that an image rolled back with its record is not handed to the next one
(and its file does not stay behind)."""

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PillowImage
from wagtail.images import get_image_model

RESIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")  # WordPress: photo-300x200.jpg
GHOST_SIZE = re.compile(r"/size/w\d+(?:h\d+)?/")  # Ghost: /content/images/size/w600/…


def candidate_paths(url):
    """Relative paths in the folder that could hold the file at `url`, most specific first:
    the longest ends first, and of two as long, the full-size picture's before its copy's."""
    try:
        path = unquote(urlsplit(url.replace("__GHOST_URL__", "")).path)
    except ValueError:  # not an address at all ("http://[oops/…")
        return []
    unsized = GHOST_SIZE.sub("/", path)
    found = []
    for rank, original in enumerate([RESIZED.sub("", unsized), unsized, path]):
        parts = [part for part in PurePosixPath(original).parts if part not in ("/", "..", ".")]
        found += [
            (start - len(parts), rank, "/".join(parts[start:])) for start in range(len(parts))
        ]
    return list(dict.fromkeys(candidate for *_order, candidate in sorted(found)))


class MediaFolder:
    """Finds an old site's pictures in a local folder and makes Wagtail images of them.
    `known(relative_paths)` ({path: image id, or None if deleted here since}) and
    `remember(relative_path, image_id)` — the importer's record of what it made — keep one
    image per file across runs; a run without the folder still finds the pictures an
    earlier run made."""

    def __init__(self, folder, known, remember):
        self.folder = Path(folder).resolve() if folder else None
        self.known, self.remember = known, remember
        self.missing = {}  # address → why
        self.made = {}  # relative path → image id, this run
        self.made_now = {}  # relative path → the image, for the record being imported
        self.missing_now = []  # addresses the record being imported lacks
        self.checked = {}  # relative path → why it is no picture Clarion can keep, or ""

    def begin(self):
        self.made_now, self.missing_now = {}, []

    def undo(self):
        """The record's transaction was rolled back, and its new images with it."""
        for relative, image in self.made_now.items():
            self.made.pop(relative, None)
            image.file.storage.delete(image.file.name)
        self.made_now = {}

    def any_found(self, urls):
        """Whether a picture a record lacked last time is in the folder now."""
        return any((found := self.find(url)) and self.can_read(found) for url in urls or ())

    def find(self, url):
        """The relative path of the file for `url` in the folder, or None."""
        if self.folder is None:
            return None
        for candidate in candidate_paths(url):
            try:
                path = (self.folder / candidate).resolve()
                if path.is_relative_to(self.folder) and path.is_file():
                    return path.relative_to(self.folder).as_posix()
            except (OSError, ValueError):  # a name too long, a NUL: no such file
                continue
        return None

    def image_id(self, url, title=""):
        """A Wagtail image id for the picture at `url`, or None (and `url` is listed)."""
        relative = self.find(url) if url else None
        candidates = [relative] if relative else []
        if url and self.folder is None:  # made by an earlier run, perhaps
            candidates = candidate_paths(url)
        if made := next((self.made[c] for c in candidates if c in self.made), None):
            return made
        known = self.known(candidates) if candidates else {}
        if found := next((c for c in candidates if c in known), None):
            if known[found] is None:
                self.missing[url] = "its image was deleted here since it was imported"
                return None
            self.made[found] = known[found]
            return known[found]
        image_id = self.create(relative, title) if relative else None
        if image_id is None:
            self.missing.setdefault(url, self.checked.get(relative) or self.why_missing())
            self.missing_now.append(url)  # tried again by a run that finds it
        else:
            self.made[relative] = image_id
        return image_id

    def why_missing(self):
        return "not in the media folder" if self.folder else "no media folder given"

    def can_read(self, relative):
        """Whether Pillow can read the whole file (a copy cut short is no picture)."""
        if relative not in self.checked:
            try:
                with PillowImage.open(self.folder / relative) as picture:
                    picture.load()
                self.checked[relative] = ""
            except Exception as error:  # not a picture, cut short, a decompression bomb…
                self.checked[relative] = f"not a picture Clarion can read ({type(error).__name__})"
        return not self.checked[relative]

    def create(self, relative, title):
        if not self.can_read(relative):
            return None
        path = self.folder / relative
        try:
            with transaction.atomic(), path.open("rb") as handle:
                image = get_image_model()(title=(title or path.stem)[:255])
                image.file = ImageFile(handle, name=path.name)
                image.save()
        except Exception as error:  # Wagtail refused it: listed, never fatal
            self.checked[relative] = f"not a picture Clarion can keep ({type(error).__name__})"
            return None
        self.made_now[relative] = image
        self.remember(relative, image.pk)
        return image.pk
