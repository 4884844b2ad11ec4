"""clarion import-ghost FILE.json [--media-dir DIR]: moves a Ghost site in from its JSON
export (Settings → Advanced → Import/Export) and a copy of its content/images folder."""

from clarion.importers.sources import GhostExport

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Import posts, pages, authors, tags and pictures from a Ghost export (Ghost 4–6)."
    export_class = GhostExport
    file_help = "The Ghost export (JSON) file: Settings → Advanced → Import/Export"
