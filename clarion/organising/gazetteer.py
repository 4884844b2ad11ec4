"""The gazetteer: GeoNames postal-code files loaded into `Place`, and a reader's postcode or
town turned into places (`find_places`) for the nearest-branch locator.

The files come from https://download.geonames.org/export/zip/ — one country (GB.zip) or all
of them (allCountries.zip, about 1.5 million lines). They are read a line at a time, never
whole, and written in batches, each its own transaction, as upserts on (country, postal
code, name): loading the same file again creates nothing twice, updates what changed, and an
interrupted load is finished by running it again. A file that is not in this format at all
is refused before anything is written."""

import codecs
import io
import math
import os
import time
import zipfile
import zlib
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q, Subquery
from django.db.models.functions import Length
from tqdm import tqdm

from clarion.core.content_version import content_changed

from .models import Place, place_key, postcode_key

# Country, postal code, place name, admin name1, code1, name2, code2, name3, code3, latitude,
# longitude, accuracy (which may be empty).
COLUMNS = 12
BATCH_SIZE = 2000
CHECK_LINES = 50  # a file none of whose first lines parse is not a GeoNames postal-code file
KEEP_BAD_LINES = 20
MATCHES_CONSIDERED = 5000  # rows a search groups into distinct places, at most
LAST_CHARACTER = chr(0x10FFFF)
POSTAL_CODE_MAX = Place._meta.get_field("postal_code").max_length
NAME_MAX = Place._meta.get_field("name").max_length
ADMIN_NAME_MAX = Place._meta.get_field("admin_name").max_length
UPDATE_FIELDS = ["admin_name", "latitude", "longitude", "postal_code_key", "name_key"]
FORMAT_HELP = (
    "A GeoNames postal-code file (https://download.geonames.org/export/zip/) has 12 "
    "tab-separated columns: country code, postal code, place name, three admin names and "
    "codes, latitude, longitude and accuracy."
)


class GazetteerError(Exception):
    """The file cannot be loaded at all (missing, not this format, damaged): nothing, or
    nothing more, was written."""


class BadLine(NamedTuple):
    line: int
    reason: str


@dataclass
class LoadReport:
    source: str
    country: str | None = None
    lines_read: int = 0
    places_written: int = 0  # created or updated
    places_new: int = 0
    lines_skipped: int = 0  # bad lines
    lines_blank: int = 0
    lines_other_country: int = 0
    bad_lines: list[BadLine] = field(default_factory=list)  # the first KEEP_BAD_LINES
    elapsed: float = 0.0

    def skip(self, number, reason):
        self.lines_skipped += 1
        if len(self.bad_lines) < KEEP_BAD_LINES:
            self.bad_lines.append(BadLine(number, reason))

    @property
    def lines_per_second(self):
        return self.lines_read / self.elapsed if self.elapsed else 0.0

    def summary(self):
        parts = [
            f"{counted(self.lines_read, 'line')} read",
            f"{counted(self.places_written, 'place')} written ({self.places_new:,} new)",
            f"{counted(self.lines_skipped, 'bad line')} skipped",
        ]
        if self.country:
            other = counted(self.lines_other_country, "line")
            parts.append(f"{other} for other countries passed over")
        lines = [
            f"{self.source}: {', '.join(parts)}, in {self.elapsed:.1f} s "
            f"({self.lines_per_second:,.0f} lines/s)."
        ]
        if self.country and not self.places_written and not self.lines_skipped:
            lines.append(f"No lines for country {self.country} in the file.")
        if self.bad_lines:
            lines.append("Skipped:")
            lines.extend(f"  line {bad.line}: {bad.reason}" for bad in self.bad_lines)
            if self.lines_skipped > len(self.bad_lines):
                lines.append(f"  … and {self.lines_skipped - len(self.bad_lines):,} more")
        return "\n".join(lines)


# -- Loading --------------------------------------------------------------------------------


def load_gazetteer(source, *, progress=False, log=print, country=None):
    """Load a GeoNames postal-code file (.txt, or the .zip it is published in) into `Place`;
    only `country`'s lines (a two-letter code) when given. Raises GazetteerError, having
    written nothing, for a file that is missing or not in this format."""
    started = time.perf_counter()
    if country is not None:
        country = country.strip().upper()
        if len(country) != 2 or not (country.isascii() and country.isalpha()):
            raise GazetteerError(f"The country is a two-letter code such as GB, not {country!r}.")
    with ExitStack() as stack:
        stream, size, label = open_source(source, stack)
        report = LoadReport(source=label, country=country)
        try:
            first = list(islice(stream, CHECK_LINES))
        except READ_ERRORS as problem:
            raise GazetteerError(f"{label} cannot be read: {problem}") from None
        check_format(first, label)
        log(f"Loading {label} ({megabytes(size)})" + (f", country {country}" if country else ""))
        bar = stack.enter_context(
            tqdm(
                total=size,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc="Gazetteer",
                disable=not progress,
                mininterval=1,
            )
        )
        places_before = Place.objects.count()
        try:
            write_places(chain(first, stream), report, country, bar)
        except READ_ERRORS as problem:
            raise GazetteerError(
                f"{label} could not be read after line {report.lines_read:,} ({problem}); the "
                f"{report.places_written:,} places written before that are kept, and running "
                "the load again finishes it."
            ) from None
        finally:
            if report.places_written:
                content_changed()  # the locator's answers change
        report.places_new = max(0, Place.objects.count() - places_before)
        if report.places_new > BATCH_SIZE and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # searches are planned for the new size now
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Place._meta.db_table)}")
    report.elapsed = time.perf_counter() - started
    return report


# A zip member that is truncated or corrupt fails while it is read, not when it is opened.
READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)


def open_source(source, stack):
    """(binary line stream, size in bytes, label for messages) of a .txt file or of the one
    data file in a GeoNames .zip (which also holds readme.txt)."""
    path = Path(source)
    name = os.fspath(source)
    if not path.exists():
        raise GazetteerError(f"{name}: no such file.")
    if path.is_dir():
        raise GazetteerError(f"{name} is a directory, not a GeoNames postal-code file.")
    try:
        if zipfile.is_zipfile(path):
            archive = stack.enter_context(zipfile.ZipFile(path))
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and info.filename.lower().endswith((".txt", ".csv"))  # GB_full.csv.zip
                and Path(info.filename).name.lower() != "readme.txt"
            ]
            if len(members) != 1:
                listed = ", ".join(info.filename for info in archive.infolist()) or "nothing"
                which = "no" if not members else "more than one"
                raise GazetteerError(
                    f"{name} holds {which} GeoNames data file (a .txt other than readme.txt): "
                    f"it has {listed}."
                )
            member = members[0]
            check_archive(archive, member, name)
            stream = stack.enter_context(archive.open(member))
            return (
                io.BufferedReader(stream, 1 << 16),  # reads its lines 3 times faster
                member.file_size,
                f"{name} ({member.filename})",
            )
        if path.suffix.lower() == ".zip":
            raise GazetteerError(f"{name} is not a zip archive, or is damaged.")
        stream = stack.enter_context(path.open("rb"))
        return stream, path.stat().st_size, name
    except (OSError, zipfile.BadZipFile) as problem:
        raise GazetteerError(f"{name} cannot be read: {problem}") from None


def check_archive(archive, member, name):
    """Read the zipped file through once before loading it (a second or so for all of
    GeoNames): damaged compressed data can come out as plausible lines, and is only known to
    be damaged at its end, by its checksum."""
    try:
        with archive.open(member) as data:
            while data.read(1 << 20):
                pass
    except READ_ERRORS as problem:
        raise GazetteerError(
            f"{name} is damaged ({problem}): download it again. Nothing was loaded."
        ) from None


def check_format(first_lines, label):
    """Refuse a file none of whose first lines is a GeoNames postal-code line, naming the
    first line that is not."""
    problem = None
    for number, raw in enumerate(first_lines, 1):
        row = parse_line(raw, number)
        if isinstance(row, tuple):
            return
        if row is not None and problem is None:
            problem = BadLine(number, row)
    if not first_lines:
        raise GazetteerError(f"{label} is empty. {FORMAT_HELP}")
    if problem is None:
        raise GazetteerError(
            f"{label} has only blank lines in its first {len(first_lines)}. {FORMAT_HELP}"
        )
    raise GazetteerError(
        f"{label} is not a GeoNames postal-code file: line {problem.line} {problem.reason}. "
        + FORMAT_HELP
    )


def write_places(lines, report, country, bar):
    batch = {}  # (country, postal code, name) → Place: a key repeated in a batch, last wins
    unreported = 0
    for number, raw in enumerate(lines, 1):
        report.lines_read = number
        unreported += len(raw)
        row = parse_line(raw, number)
        if row is None:
            report.lines_blank += 1
        elif isinstance(row, str):
            report.skip(number, row)
        elif country and row[0] != country:
            report.lines_other_country += 1
        else:
            code, postal_code, name, admin_name, latitude, longitude = row
            batch[code, postal_code, name] = Place(
                country_code=code,
                postal_code=postal_code,
                name=name,
                admin_name=admin_name,
                latitude=latitude,
                longitude=longitude,
                postal_code_key=postcode_key(postal_code),
                name_key=place_key(name)[:NAME_MAX],  # casefold can lengthen ('ß' → 'ss')
            )
            if len(batch) >= BATCH_SIZE:
                write_batch(batch, report)
        if number % BATCH_SIZE == 0:
            bar.update(unreported)
            unreported = 0
    write_batch(batch, report)
    bar.update(unreported)


def write_batch(batch, report):
    if not batch:
        return
    with transaction.atomic():
        Place.objects.bulk_create(
            batch.values(),
            update_conflicts=True,
            unique_fields=["country_code", "postal_code", "name"],
            update_fields=UPDATE_FIELDS,
        )
    report.places_written += len(batch)
    batch.clear()


def parse_line(raw, number):
    """A line of the file (bytes, with its line ending) → (country code, postal code, name,
    admin name, latitude, longitude); None for a blank line; or why it cannot be loaded."""
    raw = raw.rstrip(b"\r\n")
    if number == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if not raw.strip():
        return None
    try:
        line = raw.decode()
    except UnicodeDecodeError:
        return f"is not UTF-8 text: {shorten(raw)}"
    columns = line.split("\t")
    # The last column (accuracy) is often empty, and an editor may have trimmed its tab.
    if len(columns) not in (COLUMNS, COLUMNS - 1):
        count = len(columns)
        return f"has {count} column{'' if count == 1 else 's'}, not {COLUMNS}: {shorten(line)}"
    if "\x00" in line:
        return "contains a NUL character"
    code, postal_code, name, admin_name = (column.strip() for column in columns[:4])
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        return f"country code {code!r} is not two letters"
    if not postal_code and not name:
        return "has neither a postal code nor a place name"
    if len(postal_code) > POSTAL_CODE_MAX:
        return f"postal code {shorten(postal_code)} is longer than {POSTAL_CODE_MAX} characters"
    if len(name) > NAME_MAX:
        return f"place name {shorten(name)} is longer than {NAME_MAX} characters"
    latitude = coordinate(columns[9], "latitude", 90)
    if isinstance(latitude, str):
        return latitude
    longitude = coordinate(columns[10], "longitude", 180)
    if isinstance(longitude, str):
        return longitude
    return code.upper(), postal_code, name, admin_name[:ADMIN_NAME_MAX], latitude, longitude


def coordinate(text, what, limit):
    try:
        value = float(text)
    except ValueError:
        return f"{what} {shorten(text.strip())} is not a number"
    if not math.isfinite(value):
        return f"{what} {text.strip()!r} is not a number"
    if not -limit <= value <= limit:
        return f"{what} {value:g} is out of range (-{limit} to {limit})"
    return value


def counted(number, noun):
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def megabytes(size):
    return f"{size / 1e6:,.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def shorten(text, length=60):
    text = repr(text)
    return text if len(text) <= length else text[: length - 1] + "…"


# -- Finding ----------------------------------------------------------------------------------


def looks_like_postcode(key):
    """Postcodes have a digit; town names do not ('Salford' is never shortened to 'SA')."""
    return any(char.isdigit() for char in key)


def find_places(query, limit=10):
    """The places a reader's text names, best first, at most `limit`, one per name and
    region: its postal code exactly; else, for a postcode (it has a digit), its outward code
    (the part before a space: 'M5 4WT' → M5) or the longest start of it that is a postal code
    ('M54WT' → M5); else towns of that name, in any case; else towns whose name starts so."""
    key = postcode_key(query)
    if not key:
        return []
    places = distinct_places(Place.objects.filter(postal_code_key=key), limit)
    if not places and looks_like_postcode(key):
        words = query.split()
        if len(words) > 1:
            outward = postcode_key(words[0])
            places = distinct_places(Place.objects.filter(postal_code_key=outward), limit)
        if not places and len(key) > 2:
            prefixes = [key[:end] for end in range(min(len(key) - 1, POSTAL_CODE_MAX), 1, -1)]
            longest = (
                Place.objects.filter(postal_code_key__in=prefixes)
                .order_by(Length("postal_code_key").desc())
                .values("postal_code_key")[:1]
            )
            places = distinct_places(Place.objects.filter(postal_code_key=Subquery(longest)), limit)
    if places:
        return places
    name = place_key(query)
    places = distinct_places(Place.objects.filter(name_key=name), limit)
    if places:
        return places
    return distinct_places(Place.objects.filter(name_starts(name)), limit)


def name_starts(prefix):
    """Names (their keys) starting with `prefix`, found through the index on both databases:
    SQLite's LIKE is case-insensitive, so cannot use it, but compares text byte by byte, so a
    range does; PostgreSQL's LIKE uses its pattern index, and its collation orders text in
    ways a range cannot follow."""
    if connection.vendor == "sqlite":
        return Q(name_key__gte=prefix, name_key__lt=prefix + LAST_CHARACTER)
    return Q(name_key__startswith=prefix)


def distinct_places(matching, limit):
    """Of the places `matching` (a queryset), the first of each name and region, by name,
    in one query: a GeoNames file can list a town under each of its hundreds of postcodes.
    Only the first MATCHES_CONSIDERED rows found are grouped, so that a query matching a
    large part of the gazetteer ('s', or a city listed under all its postcodes) costs
    milliseconds, not seconds; it may then show fewer of the towns starting so."""
    found = matching.order_by().values("id", "country_code", "name_key", "admin_name")
    sql, params = found[:MATCHES_CONSIDERED].query.sql_with_params()
    table = connection.ops.quote_name(Place._meta.db_table)
    return list(
        Place.objects.raw(
            f"SELECT * FROM {table} WHERE id IN (SELECT MIN(found.id) FROM ({sql}) found "
            "GROUP BY found.country_code, found.name_key, found.admin_name) "
            "ORDER BY name, admin_name, country_code, id LIMIT %s",
            [*params, limit],
        )
    )
