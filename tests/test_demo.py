"""The demo archive holds the seed report's facts, exactly, and nothing more."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from piel_desktop.domain.errors import ArchiveNotEmpty, DemoDataInvalid
from piel_desktop.domain.model import OutcomeKind, TranslationStatus
from piel_desktop.paths import resources_dir
from piel_desktop.services import records
from piel_desktop.services.archive import check_archive, create_archive
from piel_desktop.services.demo import load_demo, read_demo_data
from piel_desktop.storage import create_archive as create_empty_archive, models as m, queries

pytestmark = pytest.mark.both_backends

SEED = resources_dir() / "demo" / "seed-report-es.txt"

SECTION_2_4 = [
    "enviar por correo electrónico a la Secretaría sus comentarios sobre el nuevo logotipo del GTC-PIeL",
    "crear un registro en línea de los esfuerzos de los países",
    "dar indicaciones e ideas sobre cómo obtener más respuestas de los jóvenes",
    "implicar a los diferentes interesados en las reuniones, ya que se trata de la única plataforma "
    "de intercambio de información y lecciones aprendidas",
    "una propuesta en la que se pide a la UIT que incorpore un enlace en su sitio web para presentar "
    "estudios o prácticas idóneas a los cuales los interesados puedan remitirse en caso de necesidad",
]


def _seed_text() -> str:
    return re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))


def _outcomes_of(archive, number):
    meeting = next(mt for mt in records.list_meetings(archive) if mt.number == number)
    return records.meeting_outcomes(archive, [meeting.id])


def test_meetings_and_dates(demo):
    meetings = records.list_meetings(demo)
    assert [(mt.number, mt.start_date) for mt in meetings] == [
        (9, dt.date(2015, 1, 23)), (10, dt.date(2015, 9, 30)), (11, dt.date(2016, 2, 16)),
        (12, dt.date(2016, 10, 10)), (13, dt.date(2017, 2, 2)), (14, dt.date(2018, 1, 23))]
    assert all(mt.venue.versions == () and mt.chair is None and mt.end_date is None for mt in meetings)


def test_counts(demo):
    counts = check_archive(demo).counts
    assert counts["meeting"] == 6
    # 7 + (3 + 3 sub-items) + (4 + 2 sub-items) + 5
    assert counts["outcome"] == 24
    assert counts["instrument"] == 2
    assert counts["clause"] == 7
    assert counts["achievement"] == 4
    assert counts["body"] == 1
    top_level = {n: len(_outcomes_of(demo, n)) for n in range(9, 15)}
    assert top_level == {9: 7, 10: 3, 11: 3, 12: 4, 13: 4, 14: 5}


def test_section_2_4_outcomes(demo):
    outcomes = _outcomes_of(demo, 14)
    assert [o.text.original.text for o in outcomes] == SECTION_2_4
    assert all(o.text.original.lang == "es" and o.meeting_numbers == (14,) for o in outcomes)
    assert outcomes[4].kind is OutcomeKind.PROPOSAL and outcomes[4].addressee == "itu"


def test_consultation_outcome_of_2_2_has_three_sub_items(demo):
    first = _outcomes_of(demo, 10)[0]
    assert first.text.original.text.startswith("debates sobre los resultados de las tres consultas en línea")
    assert [c.label for c in first.children] == ["1", "2", "3"]
    assert first.children[0].text.original.text.startswith("5Rights: el Grupo acogió con agrado")
    assert '"ciberacoso en los medios sociales"' in first.children[1].text.original.text
    assert first.children[2].addressee == "secretariat"
    assert first.children[2].kind is OutcomeKind.REQUEST


def test_joint_reporting_is_kept(demo):
    for pair in ((10, 11), (12, 13)):
        first, second = (_outcomes_of(demo, n) for n in pair)
        assert [o.id for o in first] == [o.id for o in second]
        assert all(o.meeting_numbers == pair for o in first)
    third = _outcomes_of(demo, 12)[2]
    assert [c.label for c in third.children] == ["a", "b"]


def test_every_text_is_copied_from_the_seed(demo):
    """Nothing invented: every stored Spanish text occurs verbatim in the report."""
    seed = _seed_text()
    with demo.unit_of_work() as uow:
        versions = uow.session.scalars(select(m.TextVersion)).all()
    spanish = [v for v in versions if v.lang == "es"]
    assert len(spanish) == len(versions) - 1  # the one other: English acronym CWG-COP
    for version in spanish:
        assert version.status is TranslationStatus.ORIGINAL
        assert re.sub(r"\s+", " ", version.body) in seed, version.body
    (english,) = [v for v in versions if v.lang == "en"]
    assert (english.body, english.status) == ("CWG-COP", TranslationStatus.OFFICIAL)


def test_mandate(demo):
    with demo.unit_of_work() as uow:
        s = uow.session
        instruments = {i.number: i for i in s.scalars(select(m.Instrument))}
        texts = queries.load_texts(s, [i.citation_id for i in instruments.values()])
        clauses = s.scalars(select(m.Clause).order_by(m.Clause.position)).all()
        body = queries.body(s)
    assert set(instruments) == {"179", "1306"}
    assert texts[instruments["179"].citation_id].original.text.startswith("Resolución 179 (Rev. Busán, 2014)")
    assert (instruments["1306"].adopted_year, instruments["1306"].revised_year) == (2009, 2015)
    by_number = {c.number: c for c in clauses}
    assert set(by_number) == {"1", "1.1", "1.2", "2", "3", "4", "5"}
    assert by_number["1.1"].parent_id == by_number["1"].id
    assert by_number["1.2"].parent_id == by_number["1"].id
    assert all(c.section == "resolves" for c in clauses)
    assert all(c.instrument_id == instruments["1306"].id for c in clauses)
    assert body.acronym.get("es").text == "GTC-PIeL"
    assert body.acronym.get("en").text == "CWG-COP"
    assert body.name.original.text == "Grupo de Trabajo del Consejo sobre la Protección de la Infancia en Línea"


def test_report_achievements_consultations_organisations(demo):
    with demo.unit_of_work() as uow:
        s = uow.session
        (report,) = s.scalars(select(m.Report)).all()
        achievements = s.scalars(select(m.Achievement).order_by(m.Achievement.position)).all()
        consultations = s.scalars(select(m.Consultation)).all()
        organisations = s.scalars(select(m.Organisation)).all()
        texts = queries.load_texts(s, [a.title_id for a in achievements]
                                   + [c.topic_id for c in consultations]
                                   + [o.name_id for o in organisations] + [o.acronym_id for o in organisations])
    assert (report.symbol, report.date, report.recipient, report.session_year) == (None, None, "council", 2018)
    assert [a.label for a in achievements] == ["a", "b", "c", "d"]
    assert texts[achievements[0].title_id].original.text == "Participación multipartita"
    youth = {texts[c.topic_id].original.text for c in consultations if c.audience == "youth"}
    assert youth == {"ciberacoso en los medios sociales", "los conocimientos digitales y el empoderamiento"}
    names = {(texts.get(o.acronym_id) or texts.get(o.name_id)).original.text for o in organisations}
    assert names == {"UIT", "Naciones Unidas", "JCA-PIeL", "ECPAT", "5Rights", "UNICEF",
                     "Unión Europea", "Consejo de Europa"}


def test_demo_archives_are_identical_everywhere(demo, tmp_path):
    with create_archive(tmp_path / "elsewhere.piel", demo=True, office="Another office") as other:
        assert other.replica_id != demo.replica_id
        assert [mt.id for mt in records.list_meetings(other)] == [mt.id for mt in records.list_meetings(demo)]
        assert [o.id for o in _outcomes_of(other, 9)] == [o.id for o in _outcomes_of(demo, 9)]
        assert check_archive(other).fingerprint == check_archive(demo).fingerprint


def test_demo_is_only_loaded_into_an_empty_archive(demo):
    before = check_archive(demo).fingerprint
    with pytest.raises(ArchiveNotEmpty):
        load_demo(demo)
    assert check_archive(demo).fingerprint == before


def test_broken_demo_data_leaves_nothing_behind(tmp_path, monkeypatch):
    broken = tmp_path / "broken.toml"
    text = (resources_dir() / "demo" / "cwg-cop-report-2018.toml").read_text(encoding="utf-8")
    broken.write_text(text.replace("meetings = [14]", "meetings = [15]"), encoding="utf-8")
    monkeypatch.setattr("piel_desktop.services.demo.demo_data_path", lambda: broken)
    with pytest.raises(DemoDataInvalid) as caught:
        create_archive(tmp_path / "demo.piel", demo=True)
    assert caught.value.params["where"].endswith(".meetings")
    assert not list(tmp_path.glob("demo.piel*"))


@pytest.mark.parametrize("change, where", [
    (("format = 1", "format = 2"), "format"),
    (("start_date = 2015-01-23", "start_date = \"23 January\""), "demo.meetings[0].start_date"),
    (('kind = "request"', 'kind = "wish"'), "kind"),
    (("[body]", "[bodyx]"), "body"),
])
def test_demo_data_errors_name_the_place(tmp_path, change, where):
    path = tmp_path / "demo.toml"
    text = (resources_dir() / "demo" / "cwg-cop-report-2018.toml").read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(DemoDataInvalid) as caught:
        with create_empty_archive(tmp_path / "a.piel") as archive:
            load_demo(archive, path)
    assert where in caught.value.params["where"]


def test_data_file_reads(demo):
    data = read_demo_data()
    assert data["language"] == "es" and len(data["meetings"]) == 6


def test_duplicate_keys_in_demo_data(tmp_path):
    path = tmp_path / "demo.toml"
    text = (resources_dir() / "demo" / "cwg-cop-report-2018.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('key = "consultation/youth-topics"', 'key = "consultation/5rights"'), encoding="utf-8")
    with create_empty_archive(tmp_path / "a.piel") as archive:
        with pytest.raises(DemoDataInvalid) as caught:
            load_demo(archive, path)
        assert "UNIQUE" in caught.value.params["problem"]
        assert check_archive(archive).counts["meeting"] == 0


def test_a_new_archive_knows_its_working_group(tmp_path, demo):
    with create_archive(tmp_path / "new.piel") as archive:
        counts = check_archive(archive).counts
        assert counts["body"] == 1 and counts["meeting"] == 0 and counts["outcome"] == 0
        with archive.unit_of_work() as uow:
            body = queries.body(uow.session)
        with demo.unit_of_work() as uow:
            assert body == queries.body(uow.session)  # the same record as the demo's
