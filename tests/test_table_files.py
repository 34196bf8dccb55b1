"""Tables as offices really have them: Excel's CSV in the code page of a Spanish or
French Windows, Excel's "Unicode text" (UTF-16, tabs), labels typed without accents,
an over-long cell. Files are written by the tests in those encodings."""

from __future__ import annotations

import pytest

from piel_desktop.domain.errors import NotALabel, TableCellTooLong, TableUnreadable
from piel_desktop.messages import describe
from piel_desktop.services import records
from piel_desktop.services.archive import fingerprint
from piel_desktop.services.table_import import apply_import, plan_import

SPANISH = ("Reuniones;Texto (español);Tipo;Estado;Destinatario\r\n"
           "14;La reunión recomendó crear un registro en línea;Recomendación;Acordado;Secretaría\r\n"
           "\"10, 11\";Señalar el año próximo: ¿niñas y niños?;Decisión;En curso;\r\n")
FRENCH = ("Réunions;Texte (français);Type;Statut\r\n"
          "14;Créer un registre en ligne pour les études de cas;Décision;Proposé\r\n")
UNICODE_TEXT = ("Reuniones\tTexto (árabe)\tTexto (chino)\tTipo\r\n"
                "14\tإنشاء سجل على الإنترنت\t建立一个在线登记册\tSolicitud\r\n")


def _last_outcome(archive, number: int):
    meeting = next(m for m in records.list_meetings(archive) if m.number == number)
    return records.meeting_outcomes(archive, [meeting.id])[-1]


@pytest.mark.parametrize("content, codec, shown", [
    (SPANISH, "cp1252", "Windows-1252"), (FRENCH, "cp1252", "Windows-1252"),
    (UNICODE_TEXT, "utf-16", "UTF-16"), (SPANISH, "utf-8-sig", "UTF-8"),
])
def test_excel_csv_in_office_encodings_is_read_and_said(demo, tmp_path, content, codec, shown):
    path = tmp_path / "excel.csv"
    path.write_bytes(content.encode(codec))
    assert codec != "utf-16" or path.read_bytes().startswith(b"\xff\xfe")  # with its byte-order mark
    plan = plan_import(demo, path, "outcomes")
    assert plan.encoding == shown and not plan.invalid and plan.valid_count == content.count("\r\n") - 1
    assert apply_import(demo, plan) == plan.valid_count
    first_row = content.split("\r\n")[1].split("\t" if codec == "utf-16" else ";")
    added = _last_outcome(demo, 14)
    assert added.text.original.text == first_row[1]
    if content is SPANISH:
        assert (added.kind.value, added.status.value, added.addressee) == ("recommendation", "agreed", "secretariat")
        assert _last_outcome(demo, 10).text.get("es").text == "Señalar el año próximo: ¿niñas y niños?"
    if content is UNICODE_TEXT:
        assert added.text.get("zh").text == "建立一个在线登记册" and added.kind.value == "request"


def test_the_dry_run_says_how_the_file_was_read(demo_path, tmp_path, capsys):
    from piel_desktop.cli import main
    path = tmp_path / "excel.csv"
    path.write_bytes(SPANISH.encode("cp1252"))
    assert main(["--archive", str(demo_path), "import-table", "outcomes", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Read as Windows-1252 text." in out and "2 rows can be added" in out


def test_a_file_in_no_encoding_we_can_tell_says_how_to_save_it(demo, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"meeting,text_es\r\n14," + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 20 + b"\r\n")
    before = fingerprint(demo)
    with pytest.raises(TableUnreadable) as refused:
        plan_import(demo, path, "outcomes")
    assert "CSV UTF-8 (Comma delimited)" in describe(refused.value)
    assert fingerprint(demo) == before


def test_labels_typed_without_accents_match_and_a_near_miss_names_the_label(demo, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("Reuniones,Texto (espanol),Tipo,Estado,Idioma original\n"
                    "14,Sin acentos,recomendacion,ACORDADO,espanol\n"
                    "14,Casi,Recomendasion,propuesto,\n"
                    "14,Otra,decision,acordad,\n"
                    "14,Idioma raro,Decision,,espanyol\n", encoding="utf-8")
    plan = plan_import(demo, path, "outcomes")
    assert [row.line for row in plan.valid] == [2]
    assert (plan.valid[0].values["kind"], plan.valid[0].values["status"], plan.valid[0].values["original"]) == (
        "recommendation", "agreed", "es")
    problems = [row.problems[0] for row in plan.invalid]
    assert all(isinstance(p, NotALabel) for p in problems)
    assert [p.params["suggestion"] for p in problems] == ["Recomendación", "Acordado", "español"]
    assert describe(problems[0]) == "Kind cannot be “Recomendasion”; did you mean “Recomendación”?"


def test_a_cell_too_long_names_the_row_and_the_limit(demo, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("meeting,text_es\n14,Corto\n14," + "x" * 10_000_000 + "\n", encoding="utf-8")
    with pytest.raises(TableCellTooLong) as refused:
        plan_import(demo, path, "outcomes")
    assert describe(refused.value) == (f"Row 3 of {path} has a cell longer than 131,072 characters, the most "
                                       "a cell may hold; shorten that cell. Nothing was added.")
