"""Entering and changing reports to Council (issue 16 part 6): fields, covered
meetings, paragraphs and quoted clauses; bad input names the field and writes nothing;
undo and redo through the window's history; nothing knows the 2018 report specially."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from piel_desktop.domain.errors import InvalidValue, RecordNotFound, ValueRequired
from piel_desktop.services import records, report_records, trash
from piel_desktop.services.archive import check_archive
from piel_desktop.services.council_report import list_reports, report_content
from piel_desktop.services.demo import record_id
from piel_desktop.services.history import History
from piel_desktop.storage import models

pytestmark = pytest.mark.both_backends


def _clause(number: str):
    return record_id(f"instrument/council-1306/clause/{number}")


def _new_meetings(archive):
    for number, day in ((15, dt.date(2019, 9, 23)), (16, dt.date(2020, 1, 20))):
        records.add_meeting(archive, number=number, start_date=day)


NEW = {
    "symbol": "C20/57-E", "session_year": 2020, "date": dt.date(2020, 3, 2),
    "recipient": "council", "original_language": "en", "agenda_item": "ADM 7",
    "title": "Report of the Council Working Group on Child Online Protection",
    "summary": "This report summarises the activities of the group since Council 2019.",
    "action_requested": "Council is invited to note the report.",
    "meetings": (15, 16),
    "paragraphs": (
        {"text": "Resolution 1306 instructs the group to report annually. It", "quote_heading": "resolves",
         "quotes": (_clause("1"), _clause("1.2"))},
        {"text": "Since Council 2019 the main achievements of the group are:", "lists_achievements": True},
    ),
}


def test_a_new_report_for_two_meetings_reads_back_whole(demo):
    _new_meetings(demo)
    key = report_records.add_report(demo, NEW)
    content = report_content(demo, report="c20/57-e")
    assert content.key == key and content.symbol == "C20/57-E" and content.original_language == "en"
    assert content.action_requested.original.text == "Council is invited to note the report."
    assert content.action_requested.original.lang == "en"
    assert [(q.number, q.depth) for q in content.introduction[0].quoted] == [("1", 0), ("1.2", 1)]
    assert content.introduction[0].quote_heading.original.text == "resolves"
    assert content.introduction[1].achievements == ()  # the new report has none (yet)
    assert content.brief.groups == ()  # meetings 15 and 16 have no outcomes
    got = report_records.values(demo, key)
    assert got.pop("achievements") == ()
    ids = [p.pop("id") for p in got["paragraphs"]]
    assert len(set(ids)) == 2 and all(isinstance(i, uuid.UUID) for i in ids)
    assert got == {**NEW, "references": None, "period_start": None, "period_end": None, "paragraphs": tuple(
        {"quote_heading": None, "lists_achievements": False, "quotes": (), **p} for p in NEW["paragraphs"])}
    # The latest report by date is the new one; the 2018 report (undated) still there.
    assert report_content(demo).key == key
    assert [r.symbol for r in list_reports(demo)] == ["C20/57-E", None]


@pytest.mark.parametrize("change, field", [
    ({"meetings": ()}, "meetings"),
    ({"meetings": (9, 99)}, "meetings"),
    ({"symbol": "C" * 500}, "symbol"),
    ({"recipient": "assembly"}, "recipient"),
    ({"original_language": "de"}, "original_language"),
    ({"paragraphs": ({"text": "   "},)}, "paragraphs"),
    ({"paragraphs": ({"text": "x", "quotes": ("not an id",)},)}, "quotes"),
    ({"paragraphs": ({"text": "x", "quotes": (record_id("no such clause"),)},)}, "quotes"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_names_the_field_and_writes_nothing(demo, change, field):
    before = check_archive(demo).fingerprint
    with pytest.raises(InvalidValue) as caught:
        report_records.add_report(demo, {**NEW, "meetings": (9,), **change})
    assert caught.value.params["field"] == field
    key = str(record_id("report/council-2018"))
    with pytest.raises(InvalidValue) as caught:
        report_records.edit_report(demo, key, change)
    assert caught.value.params["field"] == field
    assert check_archive(demo).fingerprint == before


def test_a_long_summary_is_taken_and_markup_kept_literally(demo):
    summary = ("Word { DDE \"c:\\\\x\" } <w:p>&amp; " * 1000)[:30_000].strip()
    key = str(record_id("report/council-2018"))
    report_records.edit_report(demo, key, {"summary": summary})
    assert report_content(demo).summary.original.text == summary
    with pytest.raises(ValueRequired):
        report_records.add_report(demo, {k: v for k, v in NEW.items() if k != "recipient"})
    with pytest.raises(RecordNotFound):
        report_records.edit_report(demo, "C99/1-E", {"symbol": "x"})


def test_editing_paragraphs_keeps_their_records_and_translations(demo):
    key = str(record_id("report/council-2018"))
    before = report_records.values(demo, key)
    paragraphs = list(before["paragraphs"])
    paragraphs[1] = {**paragraphs[1], "quotes": (_clause("2"), _clause("1"))}
    paragraphs.append({"text": "Un párrafo nuevo.", "quote_heading": None, "lists_achievements": False,
                       "quotes": ()})
    report_records.edit_report(demo, key, {"paragraphs": paragraphs, "meetings": (9, 10, 11)})
    content = report_content(demo)
    assert [q.number for q in content.introduction[1].quoted] == ["2", "1"]
    assert len(content.introduction) == 5
    assert [[mt.number for mt in g.meetings] for g in content.brief.groups] == [[9], [10, 11]]
    assert report_records.values(demo, key)["paragraphs"][0] == before["paragraphs"][0]
    report_records.edit_report(demo, key, {"paragraphs": before["paragraphs"], "meetings": before["meetings"]})
    assert report_records.values(demo, key) == before


def test_undo_and_redo_of_adding_editing_and_deleting(demo):
    _new_meetings(demo)
    history = History(demo)
    start = report_content(demo, report=str(record_id("report/council-2018")))
    key = history.add_report(NEW)
    assert history.undo_label == "add report"
    assert history.edit_report(key, {"symbol": "C20/57(Rev.1)-E"})
    assert not history.edit_report(key, {"symbol": "C20/57(Rev.1)-E"})  # nothing changed
    history.undo()
    assert report_content(demo, report=key).symbol == "C20/57-E"
    history.undo()
    with pytest.raises(RecordNotFound):
        report_content(demo, report=key)
    history.redo()
    made = report_content(demo, report=key)
    assert made.symbol == "C20/57-E" and len(made.introduction) == 2
    history.delete_report(key)
    assert [i.kind for i in trash.list_trash(demo)][0] == "report"
    history.undo()
    back = report_content(demo, report=key)
    assert back.introduction == made.introduction and back.brief.groups == ()
    old = str(record_id("report/council-2018"))
    history.delete_report(old)
    history.undo()
    assert report_content(demo, report=old).introduction == start.introduction


def test_achievements_are_entered_edited_and_reordered_with_undo(demo):
    _new_meetings(demo)
    history = History(demo)
    key = history.add_report({**NEW, "achievements": (
        {"label": "a", "title": "Multi-stakeholder participation", "text": "Open to all stakeholders."},
        {"label": "b", "title": "Youth consultation"})})
    listed = report_content(demo, report=key).introduction[1].achievements
    assert [(a.label, a.title.get("en").text, a.text.get("en") and a.text.get("en").text) for a in listed] == [
        ("a", "Multi-stakeholder participation", "Open to all stakeholders."), ("b", "Youth consultation", None)]
    before = report_records.values(demo, key)["achievements"]
    swapped = ({**before[1], "label": "a"}, {**before[0], "label": "b"})
    assert history.edit_report(key, {"achievements": swapped})
    after = report_records.values(demo, key)["achievements"]
    assert [(a["id"], a["label"], a["title"]) for a in after] == [
        (before[1]["id"], "a", "Youth consultation"), (before[0]["id"], "b", "Multi-stakeholder participation")]
    history.undo()
    assert report_records.values(demo, key)["achievements"] == before
    with pytest.raises(ValueRequired) as caught:
        history.edit_report(key, {"achievements": ({"label": "c", "title": "  "},)})
    assert caught.value.params["field"] == "achievements"
    assert report_records.values(demo, key)["achievements"] == before


def test_moving_a_paragraph_keeps_its_record_and_translations(demo):
    key = str(record_id("report/council-2018"))
    history = History(demo)
    with demo.unit_of_work() as uow:
        second = uow.session.get(models.ReportParagraph, record_id("report/council-2018/paragraph/2"))
        records.write_version(uow.session, second.text_id, "en", "The WG-COP works in line with Resolution 1306.")
        uow.commit()
    before = report_content(demo, report=key).introduction
    paragraphs = list(report_records.values(demo, key)["paragraphs"])
    paragraphs[0], paragraphs[1] = paragraphs[1], paragraphs[0]
    assert history.edit_report(key, {"paragraphs": paragraphs})
    moved = report_content(demo, report=key).introduction
    assert moved[0] == before[1] and moved[1] == before[0]  # every language moves along
    assert moved[0].text.versions == before[1].text.versions and len(before[1].text.versions) > 1
    history.undo()
    assert report_content(demo, report=key).introduction == before
