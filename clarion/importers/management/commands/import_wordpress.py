"""clarion import-wordpress FILE.xml [--media-dir DIR]: moves a WordPress site in from its
export (Tools → Export → All content) and a copy of its wp-content/uploads folder."""

from clarion.importers.sources import WordPressExport

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Import posts, pages, authors, categories, tags and pictures from a WordPress export."
    export_class = WordPressExport
    file_help = "The WordPress export (WXR) file: Tools → Export → All content"
