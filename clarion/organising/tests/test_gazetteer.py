"""The gazetteer: loading GeoNames postal-code files (plain, zipped, with bad lines, or not
that format at all) through the function, the command and the `clarion` console command,
and turning a reader's postcode or town into places."""

import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clarion import cli
from clarion.core.models import ContentVersion
from clarion.organising.gazetteer import (
    BATCH_SIZE,
    KEEP_BAD_LINES,
    GazetteerError,
    find_places,
    load_gazetteer,
)
from clarion.organising.models import Place

pytestmark = pytest.mark.django_db


def line(country, postal_code, name, admin="England", latitude="53.48", longitude="-2.29"):
    """A line as GeoNames writes it: 12 columns, the last (accuracy) here empty."""
    columns = [country, postal_code, name, admin, "ENG", "", "", "", ""]
    return "\t".join([*columns, str(latitude), str(longitude), ""])


GB_LINES = [
    line("GB", "M5", "Salford", latitude="53.4833", longitude="-2.2931"),
    line("GB", "M1", "Manchester", latitude="53.4808", longitude="-2.2426"),
    line("KZ", "100000", "Караганда", "Карагандинская область", "49.8047", "73.1094"),
]


def write(tmp_path, lines, name="GB.txt"):
    path = tmp_path / name
    path.write_text("".join(f"{text}\n" for text in lines), encoding="utf-8")
    return path


def write_zip(tmp_path, lines, name="GB.zip", member="GB.txt"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "GeoNames postal codes\tfor GB\n" * 5)
        if member:
            archive.writestr(member, "".join(f"{text}\n" for text in lines))
    return path


def places():
    return set(
        Place.objects.values_list(
            "country_code", "postal_code", "name", "admin_name", "latitude", "longitude"
        )
    )


def content_version_number():
    return ContentVersion.objects.values_list("number", flat=True).first()


# -- Loading --------------------------------------------------------------------------------


def test_loading_creates_places_with_coordinates_and_match_keys(tmp_path):
    version = content_version_number()
    report = load_gazetteer(write(tmp_path, GB_LINES), log=lambda message: None)

    assert places() == {
        ("GB", "M5", "Salford", "England", 53.4833, -2.2931),
        ("GB", "M1", "Manchester", "England", 53.4808, -2.2426),
        ("KZ", "100000", "Караганда", "Карагандинская область", 49.8047, 73.1094),
    }
    karaganda = Place.objects.get(country_code="KZ")
    assert (karaganda.postal_code_key, karaganda.name_key) == ("100000", "караганда")
    assert (report.lines_read, report.places_written, report.places_new) == (3, 3, 3)
    assert (report.lines_skipped, report.bad_lines) == (0, [])
    assert report.elapsed > 0
    assert "3 lines read, 3 places written (3 new), 0 bad lines skipped" in report.summary()
    assert content_version_number() != version  # the locator's answers changed


def test_loading_again_creates_nothing_twice_and_updates_what_changed(tmp_path):
    load_gazetteer(write(tmp_path, GB_LINES), log=lambda message: None)
    salford = Place.objects.get(name="Salford")

    again = load_gazetteer(write(tmp_path, GB_LINES), log=lambda message: None)
    assert Place.objects.count() == 3
    assert (again.places_written, again.places_new) == (3, 0)

    moved = [line("GB", "M5", "Salford", "England (moved)", "53.5", "-2.3"), *GB_LINES[1:]]
    load_gazetteer(write(tmp_path, moved), log=lambda message: None)
    salford_now = Place.objects.get(name="Salford")
    assert salford_now.pk == salford.pk
    assert (salford_now.latitude, salford_now.longitude) == (53.5, -2.3)
    assert salford_now.admin_name == "England (moved)"
    assert Place.objects.count() == 3


def test_a_large_file_loads_in_batches_and_a_repeated_place_is_written_once(tmp_path):
    lines = [line("GB", f"AB{n}", f"Town {n}") for n in range(BATCH_SIZE * 2 + 500)]
    lines.append(line("GB", "AB7", "Town 7", latitude="57.1"))  # later in the file: it wins
    lines.append(line("GB", "AB9", "Town 9", latitude="57.2"))  # the same batch: it wins
    lines.insert(10, line("GB", "AB9", "Town 9", latitude="57.0"))

    report = load_gazetteer(write(tmp_path, lines), log=lambda message: None)

    assert Place.objects.count() == BATCH_SIZE * 2 + 500
    assert report.places_new == BATCH_SIZE * 2 + 500
    assert Place.objects.get(postal_code="AB7").latitude == 57.1
    assert Place.objects.get(postal_code="AB9").latitude == 57.2


def test_a_geonames_zip_is_read_through_its_data_file(tmp_path):
    report = load_gazetteer(write_zip(tmp_path, GB_LINES), log=lambda message: None)

    assert report.places_new == 3
    assert report.source.endswith("GB.zip (GB.txt)")
    assert Place.objects.filter(name="Караганда").exists()


def test_only_the_country_asked_for_is_loaded(tmp_path):
    report = load_gazetteer(write(tmp_path, GB_LINES), log=lambda message: None, country="kz")

    assert places() == {("KZ", "100000", "Караганда", "Карагандинская область", 49.8047, 73.1094)}
    assert (report.places_written, report.lines_other_country) == (1, 2)

    with pytest.raises(GazetteerError, match="two-letter code"):
        load_gazetteer(write(tmp_path, GB_LINES), log=lambda message: None, country="GBR")


def test_windows_line_endings_and_a_byte_order_mark_are_read(tmp_path):
    path = tmp_path / "GB.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(GB_LINES).encode() + b"\r\n")

    load_gazetteer(path, log=lambda message: None)

    assert {name for _, _, name, *_ in places()} == {"Salford", "Manchester", "Караганда"}


def test_bad_lines_are_skipped_and_reported_by_line_number_while_good_ones_load(tmp_path):
    lines = [
        GB_LINES[0],
        "GB\tM2\tManchester\t53.48\t-2.24",  # 2: five columns
        line("GB", "M3", "Salford", latitude="north"),  # 3
        line("GB", "M4", "Manchester", longitude="200"),  # 4
        line("GB", "", ""),  # 5: neither postal code nor name
        "",  # 6: blank, passed over quietly
        line("GB", "X" * 21, "Somewhere"),  # 7: too long for the column
        line("GBR", "M6", "Salford"),  # 8
        line("GB", "M7", "Salford", latitude="nan"),  # 9
        GB_LINES[1],
    ]

    report = load_gazetteer(write(tmp_path, lines), log=lambda message: None)

    assert {name for _, _, name, *_ in places()} == {"Salford", "Manchester"}
    assert Place.objects.count() == 2
    assert [bad.line for bad in report.bad_lines] == [2, 3, 4, 5, 7, 8, 9]
    reasons = dict(report.bad_lines)
    assert reasons[2].startswith("has 5 columns, not 12")
    assert reasons[3] == "latitude 'north' is not a number"
    assert reasons[4] == "longitude 200 is out of range (-180 to 180)"
    assert reasons[5] == "has neither a postal code nor a place name"
    assert "longer than 20 characters" in reasons[7]
    assert reasons[8] == "country code 'GBR' is not two letters"
    assert reasons[9] == "latitude 'nan' is not a number"
    assert (report.lines_read, report.places_written, report.lines_skipped) == (10, 2, 7)
    assert "line 4: longitude 200 is out of range" in report.summary()


def test_every_bad_line_is_counted_and_the_first_ones_kept(tmp_path):
    lines = [GB_LINES[0], *(["not\ta\tplace"] * (KEEP_BAD_LINES + 5)), GB_LINES[1]]

    report = load_gazetteer(write(tmp_path, lines), log=lambda message: None)

    assert report.lines_skipped == KEEP_BAD_LINES + 5
    assert [bad.line for bad in report.bad_lines] == list(range(2, KEEP_BAD_LINES + 2))
    assert report.summary().endswith("… and 5 more")
    assert Place.objects.count() == 2


def html(tmp_path):
    path = tmp_path / "GB.txt"
    path.write_text("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n")
    return path, "line 1 has 1 column, not 12: '<!DOCTYPE html>'"


def csv(tmp_path):
    path = tmp_path / "places.csv"
    rows = ["country,postcode,name,lat,lon", *(f"GB,M{n},Salford,53.48,-2.29" for n in range(60))]
    path.write_text("\n".join(rows))
    return path, "line 1 has 1 column, not 12: 'country,postcode,name,lat,lon'"


def binary(tmp_path):
    path = tmp_path / "GB.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)) * 40)  # an image
    return path, "line 1 is not UTF-8 text"


def empty(tmp_path):
    path = tmp_path / "GB.txt"
    path.write_bytes(b"")
    return path, "is empty"


def missing(tmp_path):
    return tmp_path / "nowhere" / "GB.zip", "no such file"


def zip_without_data(tmp_path):
    return write_zip(tmp_path, [], member=None), "holds no GeoNames data file"


def not_a_zip(tmp_path):
    path = tmp_path / "GB.zip"
    path.write_text("\n".join(GB_LINES))
    return path, "is not a zip archive"


def damaged_zip(tmp_path):
    lines = [line("GB", f"AB{n}", f"Town {n}", latitude=50 + n / 1000) for n in range(6000)]
    damaged = bytearray(write_zip(tmp_path, lines).read_bytes())
    middle = len(damaged) * 2 // 3
    damaged[middle : middle + 64] = b"\xff" * 64  # caught by the checksum, if not before
    path = tmp_path / "damaged.zip"
    path.write_bytes(damaged)
    return path, "is damaged ("


NOT_GEONAMES = [html, csv, binary, empty, missing, zip_without_data, not_a_zip, damaged_zip]


@pytest.mark.parametrize("make", NOT_GEONAMES, ids=lambda make: make.__name__)
def test_a_file_not_in_the_format_stops_at_once_and_changes_nothing(tmp_path, make):
    load_gazetteer(write(tmp_path, GB_LINES, name="first.txt"), log=lambda message: None)
    before, version = places(), content_version_number()
    path, problem = make(tmp_path)

    with pytest.raises(GazetteerError) as raised:
        load_gazetteer(path, log=lambda message: None)

    assert str(path) in str(raised.value)
    assert problem in str(raised.value)
    assert places() == before
    assert content_version_number() == version


# -- The commands ---------------------------------------------------------------------------


def test_the_command_loads_and_prints_the_report(tmp_path, capsys):
    lines = [*GB_LINES, "GB\tbroken"]
    call_command("load_gazetteer", str(write(tmp_path, lines)), "--no-progress")

    out = capsys.readouterr().out
    assert "4 lines read, 3 places written (3 new), 1 bad line skipped" in out
    assert "line 4: has 2 columns, not 12" in out
    assert Place.objects.count() == 3


def test_the_command_loads_one_country(tmp_path, capsys):
    call_command("load_gazetteer", str(write(tmp_path, GB_LINES)), "--country", "GB")

    assert Place.objects.filter(country_code="GB").count() == 2
    assert not Place.objects.filter(country_code="KZ").exists()
    assert "1 line for other countries passed over" in capsys.readouterr().out


def test_the_command_refuses_a_file_not_in_the_format_with_a_clear_message(tmp_path):
    path, problem = html(tmp_path)

    message = f"{path} is not a GeoNames postal-code file: {problem}"
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("load_gazetteer", str(path), "--no-progress")


# `clarion` runs the command as a console would, and Django then closes the database
# connections (run_from_argv): on PostgreSQL that ends the test's transaction, so what the
# command wrote is checked in what it printed (test_the_command_… above check the rows).


def test_clarion_load_gazetteer_with_a_hyphen(tmp_path, capsys):
    cli.main(["clarion", "load-gazetteer", str(write(tmp_path, GB_LINES))])

    out = capsys.readouterr().out
    assert "3 lines read, 3 places written (3 new), 0 bad lines skipped" in out


def test_clarion_load_gazetteer_reports_a_bad_file_without_a_traceback(tmp_path, capsys):
    path, problem = csv(tmp_path)

    with pytest.raises(SystemExit) as exited:
        cli.main(["clarion", "load-gazetteer", str(path), "--no-progress"])

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"CommandError: {path} is not a GeoNames postal-code file: {problem}")
    assert "Traceback" not in err


# -- Finding --------------------------------------------------------------------------------


@pytest.fixture
def gazetteer(tmp_path):
    lines = [
        line("GB", "M5", "Salford", latitude="53.4833"),
        line("GB", "M5 4WT", "Salford", latitude="53.4840"),
        line("GB", "M1", "Manchester"),
        line("GB", "M14", "Manchester", latitude="53.4478"),
        line("GB", "SW1A 1AA", "Westminster", latitude="51.501"),
        line("GB", "SA", "Swansea area", "Wales"),  # letters only: never a town's start
        line("GB", "NP20", "Newport", "Wales", "51.58", "-2.99"),
        line("GB", "NP19", "Newport", "Wales", "51.59", "-2.97"),
        line("GB", "PO30", "Newport", "England", "50.70", "-1.29"),
        line("US", "02840", "Newport", "Rhode Island", "41.49", "-71.31"),
        line("GB", "TF10", "Newport (Shropshire)", "England", "52.77", "-2.38"),
        line("KZ", "100000", "Караганда", "Карагандинская область", "49.80", "73.10"),
        line("KZ", "100012", "Караганда", "Карагандинская область", "49.81", "73.11"),
    ]
    load_gazetteer(write(tmp_path, lines), log=lambda message: None)


def found(query, **options):
    return [(place.postal_code, place.name) for place in find_places(query, **options)]


@pytest.mark.usefixtures("gazetteer")
class TestFindPlaces:
    def test_an_exact_postal_code_in_one_query(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            assert found("SW1A 1AA") == [("SW1A 1AA", "Westminster")]
        assert found("M5 4WT") == [("M5 4WT", "Salford")]

    def test_a_postcode_typed_in_lower_case_and_spaced_anyhow(self):
        assert found("sw1a1aa") == [("SW1A 1AA", "Westminster")]
        assert found("  sw1a   1aa ") == [("SW1A 1AA", "Westminster")]
        assert found("m54wt") == [("M5 4WT", "Salford")]

    def test_an_unknown_full_postcode_falls_back_to_its_outward_code(self):
        assert found("M14 9ZZ") == [("M14", "Manchester")]
        assert found("m5 9zz") == [("M5", "Salford")]

    def test_without_a_space_the_longest_known_start_is_used(self, django_assert_num_queries):
        with django_assert_num_queries(2):  # the postal code, then the longest start
            assert found("M149ZZ") == [("M14", "Manchester")]  # not M1
        assert found("M59ZZ") == [("M5", "Salford")]
        assert found("Q99") == []

    def test_a_town_by_name_in_any_case(self, django_assert_num_queries):
        with django_assert_num_queries(2):  # no digit: the postal code, then the name
            assert found("salford") == [("M5", "Salford")]
        assert found("  MANCHESTER ") == [("M1", "Manchester")]
        assert found("Westminster") == [("SW1A 1AA", "Westminster")]

    def test_a_name_is_not_shortened_into_a_postal_code(self):
        assert found("Sandwich") == []  # not the postal code 'SA'

    def test_a_cyrillic_town_name(self):
        assert found("Караганда") == [("100000", "Караганда")]
        assert found("караганда") == [("100000", "Караганда")]
        assert found("карага") == [("100000", "Караганда")]

    def test_an_ambiguous_name_gives_one_place_per_region(self):
        newports = find_places("newport")
        assert sorted((p.name, p.admin_name, p.country_code) for p in newports) == [
            ("Newport", "England", "GB"),
            ("Newport", "Rhode Island", "US"),
            ("Newport", "Wales", "GB"),
        ]

    def test_the_start_of_a_name_gives_the_towns_starting_so_by_name(self):
        assert [name for _, name in found("Manch")] == ["Manchester"]
        assert [name for _, name in found("newp", limit=10)] == [
            "Newport",
            "Newport",
            "Newport",
            "Newport (Shropshire)",
        ]
        assert len(found("newp", limit=2)) == 2

    def test_nothing_known_or_nothing_typed(self):
        assert found("Atlantis") == []
        assert found("") == []
        assert found("   ") == []
        assert found("%") == []  # not a wildcard
        assert found("_alford") == []


def test_a_town_under_many_postcodes_is_one_place_and_leaves_room_for_others(tmp_path):
    lines = [line("GB", f"M{n} 1AA", "Manchester") for n in range(1, 40)]
    lines += [line("GB", "SK1", "Manchester Airport"), line("GB", "M90", "Manchestertown")]
    load_gazetteer(write(tmp_path, lines), log=lambda message: None)

    assert [name for _, name in found("Manchester")] == ["Manchester"]
    assert [name for _, name in found("manch", limit=3)] == [
        "Manchester",
        "Manchester Airport",
        "Manchestertown",
    ]
