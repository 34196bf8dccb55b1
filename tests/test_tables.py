"""Lists of records as CSV and XLSX: our own files read back give the same values;
nothing a spreadsheet would run as a formula; six scripts intact."""

from __future__ import annotations

import datetime as dt

import pytest

from piel_desktop.services import records
from piel_desktop.services.tables import read_csv, table, write_table

pytestmark = pytest.mark.both_backends

TRICKY = {
    "es": "=1+2",
    "en": "@SUM(A1:A9) and more",
    "fr": "+33 1 23 45 67 89 « réunion »",
    "ru": "-5 заседаний; ёлка",
    "ar": "\tمجلس الاتحاد (GTC-PIeL) ١٢٣",
    "zh": "'理事会保护上网儿童工作组",
}


@pytest.fixture
def tricky(demo):
    meeting = records.list_meetings(demo)[-1]
    outcome = records.add_outcome(demo, text=TRICKY["es"], lang="es", meeting_ids=[meeting.id], label="12")
    for lang, text in TRICKY.items():
        if lang != "es":
            records.set_outcome_text(demo, outcome, lang, text)
    return demo


def _plain(rows):
    return [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row) for row in rows]


@pytest.mark.parametrize("kind", ["meetings", "outcomes"])
def test_our_csv_reads_back_the_same(tricky, tmp_path, kind):
    data = table(tricky, kind)
    path = write_table(data, tmp_path / f"{kind}.csv")
    back = read_csv(path)
    assert back.headers == data.headers
    assert back.rows == _plain(data.rows)


def test_csv_is_safe_for_spreadsheets_and_keeps_numbers(tricky, tmp_path):
    path = write_table(table(tricky, "outcomes"), tmp_path / "outcomes.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    for value in TRICKY.values():
        assert f"'{value}" in text  # each starts with a character a spreadsheet would act on
    assert ",'12," in text  # a label of digits stays text
    meetings = write_table(table(tricky, "meetings"), tmp_path / "meetings.csv").read_bytes().decode("utf-8-sig")
    assert "\r\n9,2015-01-23," in meetings  # meeting numbers are numbers


def test_xlsx_has_the_values_and_no_formulas(tricky, tmp_path):
    from openpyxl import load_workbook
    data = table(tricky, "outcomes")
    sheet = load_workbook(write_table(data, tmp_path / "outcomes.xlsx")).active
    values = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert values[0] == data.headers and values[1:] == data.rows
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    meetings = load_workbook(write_table(table(tricky, "meetings"), tmp_path / "m.xlsx", "xlsx")).active
    assert meetings["A2"].value == 9 and meetings["B2"].value.date() == dt.date(2015, 1, 23)


def test_bad_formats_and_places(tricky, tmp_path):
    from piel_desktop.domain.errors import InvalidValue, OutputNotWritable
    data = table(tricky, "meetings")
    with pytest.raises(InvalidValue):
        write_table(data, tmp_path / "meetings.ods")
    with pytest.raises(OutputNotWritable):
        write_table(data, tmp_path / "missing" / "meetings.csv")
    with pytest.raises(OutputNotWritable):
        write_table(data, tmp_path, "csv")
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("demo.piel")]


@pytest.mark.parametrize("kind, rows, heading, cell", [
    ("organisations", 8, "Acronym", "UNICEF"),
    ("consultations", 5, "Topic", None),
])
def test_registries_as_tables_round_trip(demo, tmp_path, kind, rows, heading, cell):
    data = table(demo, kind)
    assert len(data.rows) == rows and heading in data.headers
    if cell:
        assert any(cell in row for row in data.rows)
    back = read_csv(write_table(data, tmp_path / f"{kind}.csv"))
    as_text = [tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row) for row in data.rows]
    assert back.headers == data.headers and back.rows == as_text


@pytest.fixture
def registries_in_six_scripts(demo, tmp_path):
    """An effort, a practice and a document per script, each text starting with a
    character a spreadsheet would act on."""
    from piel_desktop.services import registries
    countries = {"es": "ES", "en": "GB", "fr": "FR", "ru": "RU", "ar": "EG", "zh": "CN"}
    attached = tmp_path / "annex.pdf"
    attached.write_bytes(b"%PDF-1.4 annex")
    for n, (lang, text) in enumerate(TRICKY.items()):
        registries.create(demo, "effort", {"country": countries[lang], "year": 2010 + n, "title": text,
                                           "description": f"{text}\n{text}", "contact": "-" + lang})
        doc = registries.create(demo, "document", {"symbol": f"C18/35-{'ACEFRS'[n]}", "title": text,
                                                   "file": attached, "public": n % 2 == 0})
        registries.create(demo, "practice", {"title": text, "country": countries[lang], "summary": "=" + text,
                                             "documents": [doc]})
    return demo


@pytest.mark.parametrize("kind", ["efforts", "practices", "documents"])
def test_registries_in_six_scripts_round_trip(registries_in_six_scripts, tmp_path, kind):
    from openpyxl import load_workbook
    data = table(registries_in_six_scripts, kind)
    assert len(data.rows) == 6
    texts = {v for row in data.rows for v in row if isinstance(v, str)}
    assert {" ".join(t.split()) for t in TRICKY.values()} <= texts  # titles are one line
    back = read_csv(write_table(data, tmp_path / f"{kind}.csv"))
    assert back.headers == data.headers and back.rows == _plain(data.rows)
    import csv
    with (tmp_path / f"{kind}.csv").open(encoding="utf-8-sig", newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]  # never a formula
    sheet = load_workbook(write_table(data, tmp_path / f"{kind}.xlsx")).active
    values = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert values[0] == data.headers and values[1:] == data.rows
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_registry_tables_keep_numbers_as_numbers(registries_in_six_scripts, tmp_path):
    efforts = table(registries_in_six_scripts, "efforts")
    assert sorted(row[2] for row in efforts.rows) == list(range(2010, 2016))
    documents = table(registries_in_six_scripts, "documents")
    assert {row[6] for row in documents.rows} == {14}  # size in bytes
    assert [row[1] for row in documents.rows] == ["C18/35"] * 6  # one document, six languages
