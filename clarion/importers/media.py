"""Pictures for an import, from a folder copied off the old site (its `wp-content/uploads`,
or Ghost's `content/images`): nothing is fetched from the network at import time.

An address on the old site is matched to a file by the end of its path — the longest end
that names a file in the folder — so `https://old.example/wp-content/uploads/2021/05/a.jpg`
finds `2021/05/a.jpg` whichever level of the old site's folders was copied. WordPress's
resized copies (`a-300x200.jpg`) and Ghost's (`/size/w600/…`) fall back to the original.
Each file becomes one Wagtail image, however many posts use it, and a re-run finds it
again. A file that is missing or not a picture is listed, never fatal."""

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.images import get_image_model

RESIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")  # WordPress: photo-300x200.jpg
GHOST_SIZE = re.compile(r"/size/w\d+(?:h\d+)?/")  # Ghost: /content/images/size/w600/…


def candidate_paths(url):
    """Relative paths in the folder that could hold the file at `url`, most specific first."""
    path = unquote(urlsplit(url.replace("__GHOST_URL__", "")).path)
    originals = [path, GHOST_SIZE.sub("/", path), RESIZED.sub("", path)]
    seen = []
    for original in originals:
        parts = [part for part in PurePosixPath(original).parts if part not in ("/", "..", ".")]
        for start in range(len(parts)):
            candidate = "/".join(parts[start:])
            if candidate and candidate not in seen:
                seen.append(candidate)
    return seen


class MediaFolder:
    """Finds an old site's pictures in a local folder and makes Wagtail images of them.
    `remember(relative_path)` and `recall(relative_path)` (the importer's record of what it
    made) keep one image per file across runs."""

    def __init__(self, folder, recall, remember):
        self.folder = Path(folder).resolve() if folder else None
        self.recall, self.remember = recall, remember
        self.missing = {}  # address → why
        self.made = {}  # relative path → image id, this run

    def find(self, url):
        """The relative path of the file for `url` in the folder, or None."""
        if self.folder is None:
            return None
        for candidate in candidate_paths(url):
            path = (self.folder / candidate).resolve()
            if path.is_relative_to(self.folder) and path.is_file():
                return path.relative_to(self.folder).as_posix()
        return None

    def image_id(self, url, title=""):
        """A Wagtail image id for the picture at `url`, or None (and `url` is listed)."""
        relative = self.find(url) if url else None
        if relative is None:
            self.missing.setdefault(
                url, "not in the media folder" if self.folder else "no media folder given"
            )
            return None
        if relative in self.made:
            return self.made[relative]
        image_id = self.recall(relative)
        if image_id is None:
            image_id = self.create(relative, title)
        if image_id is not None:
            self.made[relative] = image_id
        return image_id

    def create(self, relative, title):
        path = self.folder / relative
        try:
            with PillowImage.open(path) as picture:
                picture.verify()
        except (OSError, SyntaxError, ValueError) as error:
            self.missing[relative] = f"not a picture Clarion can read ({error.__class__.__name__})"
            return None
        Image = get_image_model()
        with path.open("rb") as handle:
            image = Image(title=(title or path.stem)[:255])
            image.file = ImageFile(handle, name=path.name)
            image.save()
        self.remember(relative, image.pk)
        return image.pk
