"""The follow-up tracker: filters against a generated archive, sorting, a lazy model."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from PySide6.QtCore import Qt

from piel_desktop.domain.model import OutcomeKind, OutcomeStatus
from piel_desktop.services import records, tracker
from piel_desktop.services.archive import create_archive
from piel_desktop.services.tracker import TrackerFilter
from piel_desktop.settings import Settings
from piel_desktop.ui.main_window import MainWindow
from piel_desktop.ui.tracker import PAGE, TrackerDialog, TrackerModel

pytestmark = pytest.mark.both_backends

ADDRESSEES = (None, "secretariat", "member_states", "itu")
#: Words an outcome's text is about (the topic filter finds them, accents aside).
TOPICS = ("helpline", "registry", "ciberacoso", "children's privacy")
DUE_DATES = (None, None, dt.date(2016, 6, 30), dt.date(2019, 12, 31), dt.date(2024, 3, 1))
#: Organisations of the generated archive by acronym; "itu" is also an addressee code.
ORGANISATIONS = ("ITU", "UNICEF", "ECPAT")


def _add_organisations(archive) -> dict[str, object]:
    import uuid

    from piel_desktop.storage import models as m
    from piel_desktop.storage.texts import new_text
    made = {}
    with archive.unit_of_work() as uow:
        for acronym in ORGANISATIONS:
            made[acronym] = uuid.uuid4()
            uow.session.add(m.Organisation(id=made[acronym], acronym_id=new_text(uow.session, {"en": acronym},
                                                                                    original="en")))
        uow.commit()
    return made


def _link(archive, links: list[tuple]) -> None:
    from piel_desktop.storage import models as m
    with archive.unit_of_work() as uow:
        s = uow.session
        outcomes = {o: s.get(m.Outcome, o) for o, _g in links}  # held, so no row is let go mid-way
        for outcome_id, organisation_id in links:
            outcomes[outcome_id].organisations.append(s.get(m.Organisation, organisation_id))
        uow.commit()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """An archive of 8 meetings and 450 outcomes with random status, kind, addressee,
    due date, topic and organisations mentioned (links); returns (path, expected rows
    as dicts, organisation ids by acronym)."""
    path = tmp_path_factory.mktemp("tracker") / "generated.piel"
    rng = random.Random(5)
    archive = create_archive(path)
    meetings = {n: records.add_meeting(archive, number=n, start_date=dt.date(2014 + n // 2, 1 + n, 10))
                for n in range(1, 9)}
    organisations = _add_organisations(archive)
    expected, links = [], []
    for i in range(450):
        number = rng.choice(list(meetings))
        row = dict(meeting=number, date=dt.date(2014 + number // 2, 1 + number, 10),
                   status=rng.choice(list(OutcomeStatus)), kind=rng.choice(list(OutcomeKind)),
                   addressee=rng.choice(ADDRESSEES), text=f"Outcome {i:03d}", topic=rng.choice(TOPICS),
                   due_date=rng.choice(DUE_DATES), mentions=set(rng.sample(ORGANISATIONS, rng.choice((0, 0, 1, 2)))))
        row["id"] = records.add_outcome(archive, text=f"{row['text']} on {row['topic']}", lang="en",
                                        meeting_ids=[meetings[number]], status=row["status"],
                                        kind=row["kind"], addressee=row["addressee"], due_date=row["due_date"])
        links += [(row["id"], organisations[acronym]) for acronym in row["mentions"]]
        expected.append(row)
    _link(archive, links)
    archive.close()
    return path, expected, organisations


@pytest.fixture
def archive(generated):
    from piel_desktop.services.archive import open_archive
    with open_archive(generated[0]) as opened:
        yield opened


FILTERS = [
    (TrackerFilter(), lambda r: True),
    (TrackerFilter(meeting=3), lambda r: r["meeting"] == 3),
    (TrackerFilter(statuses=("agreed",)), lambda r: r["status"] == "agreed"),
    (TrackerFilter(statuses=("implemented", "withdrawn")), lambda r: r["status"] in ("implemented", "withdrawn")),
    (TrackerFilter(kinds=("decision",)), lambda r: r["kind"] == "decision"),
    (TrackerFilter(addressee="secretariat"), lambda r: r["addressee"] == "secretariat"),
    (TrackerFilter(since=dt.date(2016, 1, 1), until=dt.date(2017, 12, 31)),
     lambda r: dt.date(2016, 1, 1) <= r["date"] <= dt.date(2017, 12, 31)),
    (TrackerFilter(meeting=5, statuses=("proposed", "agreed"), addressee="itu"),
     lambda r: r["meeting"] == 5 and r["status"] in ("proposed", "agreed") and r["addressee"] == "itu"),
    (TrackerFilter(kinds=("recommendation",), since=dt.date(2018, 1, 1)),
     lambda r: r["kind"] == "recommendation" and r["date"] >= dt.date(2018, 1, 1)),
]


@pytest.mark.parametrize("flt, keep", FILTERS)
def test_filters_give_exactly_the_matching_outcomes(generated, archive, flt, keep):
    _path, expected, _organisations = generated
    wanted = {r["id"] for r in expected if keep(r)}
    rows = tracker.fetch(archive, flt, lang="en", limit=1000)
    assert {row.id for row in rows} == wanted
    assert tracker.count(archive, flt) == len(wanted)


TODAY = dt.date(2020, 1, 1)


def _overdue(r) -> bool:
    return r["due_date"] is not None and r["due_date"] < TODAY and r["status"] not in (
        "implemented", "superseded", "withdrawn")


def _about_itu(r) -> bool:
    return "ITU" in r["mentions"] or r["addressee"] == "itu"


# (filter given the organisation ids by acronym, which outcomes it keeps)
NEW_FILTERS = [
    (lambda o: TrackerFilter(overdue=True, today=TODAY), _overdue),
    (lambda o: TrackerFilter(topic="helpline"), lambda r: r["topic"] == "helpline"),
    (lambda o: TrackerFilter(topic="CIBERACÓSO"), lambda r: r["topic"] == "ciberacoso"),  # case, accents
    (lambda o: TrackerFilter(topic='"children\'s privacy"'), lambda r: r["topic"] == "children's privacy"),
    (lambda o: TrackerFilter(topic="regis*"), lambda r: r["topic"] == "registry"),
    (lambda o: TrackerFilter(topic="helpline registry"), lambda r: False),  # words are ANDed
    (lambda o: TrackerFilter(topic="!!!"), lambda r: False),  # no words: nothing
    (lambda o: TrackerFilter(topic="Outcome 007"), lambda r: r["text"] == "Outcome 007"),
    (lambda o: TrackerFilter(organisation=o["UNICEF"]), lambda r: "UNICEF" in r["mentions"]),
    (lambda o: TrackerFilter(organisation=o["ITU"]), _about_itu),  # mentioned, or the addressee
    (lambda o: TrackerFilter(organisation=o["ECPAT"], statuses=("agreed", "proposed")),
     lambda r: "ECPAT" in r["mentions"] and r["status"] in ("agreed", "proposed")),
    (lambda o: TrackerFilter(topic="registry", overdue=True, today=TODAY, meeting=4),
     lambda r: r["topic"] == "registry" and _overdue(r) and r["meeting"] == 4),
    (lambda o: TrackerFilter(topic="helpline", organisation=o["ITU"], since=dt.date(2016, 1, 1)),
     lambda r: r["topic"] == "helpline" and _about_itu(r) and r["date"] >= dt.date(2016, 1, 1)),
    (lambda o: TrackerFilter(organisation=o["UNICEF"], overdue=True, today=TODAY, kinds=("decision", "request")),
     lambda r: "UNICEF" in r["mentions"] and _overdue(r) and r["kind"] in ("decision", "request")),
    (lambda o: TrackerFilter(organisation=o["ITU"], meeting=5, addressee="itu"),
     lambda r: r["meeting"] == 5 and r["addressee"] == "itu"),
    (lambda o: TrackerFilter(organisation=o["ECPAT"], since=dt.date(2016, 1, 1), until=dt.date(2017, 12, 31)),
     lambda r: "ECPAT" in r["mentions"] and dt.date(2016, 1, 1) <= r["date"] <= dt.date(2017, 12, 31)),
]


@pytest.mark.parametrize("make, keep", NEW_FILTERS)
def test_topic_organisation_and_overdue_filters(generated, archive, make, keep):
    _path, expected, organisations = generated
    flt = make(organisations)
    wanted = {r["id"] for r in expected if keep(r)}
    assert tracker.count(archive, flt) == len(wanted)
    for descending in (False, True):  # read in pages that follow each other, as the view does
        rows, after = [], None
        while page := tracker.fetch(archive, flt, lang="en", descending=descending, limit=40, after=after):
            rows += page
            after = page[-1]
        assert [r.id for r in rows if r.id in wanted] == [r.id for r in rows] and {r.id for r in rows} == wanted
    by_due = tracker.fetch(archive, flt, lang="en", sort="due_date", limit=1000)
    assert {r.id for r in by_due} == wanted
    counted = tracker.status_counts(archive, flt)
    assert sum(n for statuses in counted.values() for n in statuses.values()) == len(wanted)


ORGANISATION_FILTERS = [make for make, _keep in NEW_FILTERS if make({a: a for a in ORGANISATIONS}).organisation]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("make", ORGANISATION_FILTERS)
def test_organisation_filter_reads_the_same_rows_as_the_walk_through_meetings(
        generated, archive, monkeypatch, make, descending):
    """With an organisation, the tracker reads the matching outcomes and their meetings
    instead of walking every meeting: the same rows, pages and counts as the walk."""
    _path, _expected, organisations = generated
    flt = make(organisations)
    with archive.unit_of_work() as uow:
        con = uow.raw
        index = archive.search_index
        clauses, params = tracker._where(flt, index)
        walked = tracker._walk_meetings(con, index, flt, descending, 0, 1000, None)
        assert tracker._in_meeting_order(con, index, flt, descending, 0, 1000, None) == walked
        condition = " AND ".join([*clauses, tracker._FIRST_MEETING])
        general = con.execute(f"SELECT count(*) {tracker._FROM} WHERE {condition}", params).fetchone()[0]
        assert con.execute(*tracker.count_sql(flt, index)).fetchone()[0] == general == len(walked) > 0
        by_status = con.execute(f"SELECT m.number, o.status, count(*) {tracker._FROM} WHERE {condition} "
                                f"GROUP BY m.number, o.status", params).fetchall()
    assert {(n, s): c for n, s, c in by_status} == {
        (n, s): c for n, counted in tracker.status_counts(archive, flt).items() for s, c in counted.items()}
    by_offset = [row for start in range(0, 500, 7)
                 for row in tracker.fetch(archive, flt, lang="en", descending=descending, offset=start, limit=7)]
    following, after = [], None
    while page := tracker.fetch(archive, flt, lang="en", descending=descending, limit=7, after=after):
        following += page
        after = page[-1]
    sorts = ("meeting", "due_date", "text", "addressee", "status")
    fast = [tracker.fetch(archive, flt, lang="en", sort=key, descending=descending, limit=1000) for key in sorts]
    monkeypatch.setattr(tracker, "_from", lambda flt: tracker._FROM)  # the general path everywhere
    monkeypatch.setattr(tracker, "_in_meeting_order", tracker._walk_meetings)
    monkeypatch.setattr(tracker, "WINDOW", 3)
    assert [r.id for r in by_offset] == [r.id for r in following] == [r.id for r in fast[0]]
    assert fast == [tracker.fetch(archive, flt, lang="en", sort=key, descending=descending, limit=1000)
                    for key in sorts]


def test_organisation_filter_reads_through_its_indexes(generated, archive):
    _path, _expected, organisations = generated
    flt = TrackerFilter(organisation=organisations["ITU"])
    page, params = tracker.query_sql(flt, archive.search_index)
    with archive.unit_of_work() as uow:
        for sql in (page, tracker.count_sql(flt, archive.search_index)[0]):
            plan = " / ".join(r[3] for r in uow.raw.execute(
                f"EXPLAIN QUERY PLAN {sql}", {**params, "lang": "en", "limit": 10, "offset": 0}))
            assert "USING INDEX ix_outcome_organisation_organisation_id (organisation_id=?)" in plan, plan
            assert "USING INDEX ix_outcome_addressee (addressee=?)" in plan, plan
            assert "SCAN m" not in plan and "SCAN o " not in plan, plan


def test_rows_carry_their_due_date(generated, archive):
    _path, expected, _organisations = generated
    due = {r["id"]: r["due_date"] for r in expected}
    assert all(row.due_date == due[row.id] for row in tracker.fetch(archive, TrackerFilter(), lang="en", limit=1000))


def test_model_stays_lazy_with_the_new_filters(generated, archive):
    _path, expected, organisations = generated
    model = TrackerModel(archive)
    model.reload(TrackerFilter(topic="helpline registry*"))
    assert model.total == 0 and model.rowCount() == 0
    model.reload(TrackerFilter(organisation=organisations["ITU"]))
    wanted = sum(_about_itu(r) for r in expected)
    assert model.total == wanted > PAGE and model.rowCount() == PAGE and model.fetches == 2
    model.fetchMore()
    assert model.rowCount() == wanted and model.fetches == 3


@pytest.mark.parametrize("key", sorted(tracker.SORT_KEYS))
def test_sorting_by_each_column(archive, key):
    for descending in (False, True):
        rows = tracker.fetch(archive, TrackerFilter(), lang="en", sort=key, descending=descending, limit=1000)
        values = [{"meeting": r.meeting, "date": r.date, "text": r.text.lower(), "kind": r.kind,
                   "status": r.status, "addressee": r.addressee or "",
                   "due_date": r.due_date or dt.date.min}[key] for r in rows]
        assert values == sorted(values, reverse=descending)


def test_pages_join_up_without_gaps_or_repeats(archive):
    pages = [tracker.fetch(archive, TrackerFilter(), lang="en", sort="status", offset=o, limit=100)
             for o in range(0, 500, 100)]
    ids = [row.id for page in pages for row in page]
    assert len(ids) == len(set(ids)) == 450


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("flt", [TrackerFilter(), TrackerFilter(statuses=("agreed", "proposed"))])
def test_meeting_order_read_window_by_window_is_the_same(archive, monkeypatch, descending, flt):
    whole = tracker.fetch(archive, flt, lang="en", descending=descending, limit=1000)
    monkeypatch.setattr(tracker, "WINDOW", 3)  # 8 meetings: three windows
    by_offset = [row for start in range(0, 500, 70)
                 for row in tracker.fetch(archive, flt, lang="en", descending=descending,
                                          offset=start, limit=70)]
    following, after = [], None
    while True:
        page = tracker.fetch(archive, flt, lang="en", descending=descending, limit=70, after=after)
        if not page:
            break
        following += page
        after = page[-1]
    assert [r.id for r in by_offset] == [r.id for r in following] == [r.id for r in whole]
    numbers = [r.meeting for r in whole]
    assert numbers == sorted(numbers, reverse=descending)


def test_bad_filter_values_are_refused(archive):
    from piel_desktop.domain.errors import InvalidValue
    for flt, sort in ((TrackerFilter(statuses=("done",)), "meeting"), (TrackerFilter(), "colour")):
        with pytest.raises(InvalidValue):
            tracker.fetch(archive, flt, lang="en", sort=sort)


def test_model_fetches_lazily(archive):
    model = TrackerModel(archive)
    model.reload()
    assert model.total == 450 and model.rowCount() == PAGE and model.fetches == 1
    assert model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 450 and not model.canFetchMore() and model.fetches == 3


def test_tracker_dialog_filters_sorts_and_shows_an_outcome(qtbot, generated, tmp_path, monkeypatch):
    path, expected, _organisations = generated
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    assert window.open_archive(path)
    dialog = TrackerDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.model.fetches <= 2  # the first screen, not all 450 rows
    qtbot.waitUntil(lambda: dialog.addressee.count() == 4)  # listed after the first paint
    dialog.status.setCurrentIndex(dialog.status.findData("implemented"))
    implemented = [r for r in expected if r["status"] == "implemented"]
    assert dialog.model.total == len(implemented)
    assert dialog.count.text() == f"{len(implemented)} outcomes"
    assert {dialog.model.index(i, 4).data() for i in range(dialog.model.rowCount())} == {"Implemented"}
    dialog.view.sortByColumn(2, Qt.DescendingOrder)
    texts = [dialog.model.index(i, 2).data() for i in range(dialog.model.rowCount())]
    assert texts == sorted(texts, reverse=True)
    first = dialog.model.rows[0]
    dialog._show(dialog.model.index(0, 0))
    assert window.current_meeting().number == first.meeting
    assert window.current_outcome().id == first.id
    from PySide6.QtWidgets import QFileDialog
    from pypdf import PdfReader
    out = tmp_path / "implemented.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    dialog.print_button.click()  # the brief of the rows shown: implemented ones only
    qtbot.waitUntil(lambda: out.exists() and not window.runner.busy(), timeout=20000)
    assert f"Implemented ({len(implemented)})" in PdfReader(out).pages[0].extract_text()
    assert "Brief saved to" in dialog.count.text()
    window.runner.wait()
    listed = tmp_path / "implemented.csv"  # the list shown, in its order, as a table
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(listed), ""))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: listed.exists() and not window.runner.busy(), timeout=20000)
    from piel_desktop.services.tables import read_csv
    table = read_csv(listed)
    assert len(table.rows) == len(implemented) and {row[5] for row in table.rows} == {"Implemented"}
    assert [row[2] for row in table.rows] == sorted((row[2] for row in table.rows), reverse=True)
    window.close_archive()


def test_follow_up_brief_lists_every_outcome_under_its_status(generated, archive, tmp_path):
    import re
    import unicodedata

    import pypdfium2 as pdfium
    from pypdf import PdfReader

    from conftest import render_page
    from piel_desktop.i18n import translation
    from piel_desktop.reports.tracker_brief import make_tracker_brief
    _path, expected, _organisations = generated
    out = tmp_path / "followup.pdf"
    result = make_tracker_brief(archive, lang="en", out=out)
    assert result.outcomes == result.listed == 450
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Follow-up of outcomes" in text and "450 outcomes" in text
    for status, name in (("agreed", "Agreed"), ("withdrawn", "Withdrawn"), ("in_progress", "In progress")):
        n = sum(r["status"] == status for r in expected)
        assert f"{name} ({n})" in text
    assert set(re.findall(r"Outcome \d{3}", text)) == {r["text"] for r in expected}
    document = pdfium.PdfDocument(str(out))
    try:  # the chart: a bar per meeting and status, drawn as paths on the first page
        paths = [o for o in document[0].get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_PATH]
        assert len(paths) > 8 * 3
    finally:
        document.close()
    render_page(out, 0, tmp_path / "followup.png", scale=0.5)
    arabic = tmp_path / "followup-ar.pdf"
    make_tracker_brief(archive, lang="ar", out=arabic, flt=TrackerFilter(statuses=("implemented",)))
    text = unicodedata.normalize("NFKC", PdfReader(arabic).pages[0].extract_text())
    name = unicodedata.normalize("NFKC", translation("ar").gettext("Implemented"))
    n = sum(r["status"] == "implemented" for r in expected)
    assert f"({n}) {name}" in text  # the heading, read right to left


def test_follow_up_brief_says_when_it_lists_only_the_first(archive, tmp_path):
    from pypdf import PdfReader

    from piel_desktop.reports.tracker_brief import make_tracker_brief
    result = make_tracker_brief(archive, lang="en", out=tmp_path / "f.pdf", most=100)
    assert result.listed == 100 and result.outcomes == 450
    assert "Only the first 100 of 450 outcomes are listed." in PdfReader(tmp_path / "f.pdf").pages[0].extract_text()


def test_follow_up_brief_from_the_command_line(generated, tmp_path):
    from piel_desktop.cli import main
    out = tmp_path / "agreed.pdf"
    assert main(["--archive", str(generated[0]), "followup", "--lang", "ES", "--status", "agreed",
                 "--out", str(out)]) == 0
    assert out.stat().st_size > 5000


def test_archive_at_schema_5_gains_the_tracker_indexes(demo_path):
    """A file of schema 0005 opens with the organisation filter's indexes made, and the
    filter gives the same outcomes as before."""
    import sqlite3
    import uuid

    from schema_helpers import undo_schema_6
    from piel_desktop.services.archive import open_archive
    from piel_desktop.storage import schema
    with open_archive(demo_path) as archive:
        with archive.unit_of_work() as uow:
            flt = TrackerFilter(organisation=uuid.UUID(
                uow.raw.execute("SELECT id FROM organisation ORDER BY rowid").fetchone()[0]))
        rows = tracker.fetch(archive, flt, lang="en")
    assert rows
    assert rows
    con = sqlite3.connect(demo_path)
    with con:
        undo_schema_6(con)
        con.execute("UPDATE alembic_version SET version_num = '0005'")
    con.close()
    with open_archive(demo_path) as archive:
        assert archive.schema_version == schema.schema_head() >= 6
        with archive.unit_of_work() as uow:
            indexes = {name for (name,) in uow.raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"ix_outcome_organisation_organisation_id", "ix_outcome_addressee"} <= indexes
        assert tracker.fetch(archive, flt, lang="en") == rows


@pytest.mark.parametrize("sort", ["meeting", "status"])
def test_the_tracker_table_has_every_row_of_the_filter_in_order(archive, sort, monkeypatch):
    """The export reads page after page; the generated archive has 450 outcomes, so
    pages of 100 are forced here to join several."""
    from piel_desktop.services import tables
    monkeypatch.setattr(tables, "PAGE", 100)
    flt = TrackerFilter(statuses=("agreed", "proposed", "implemented"))
    every = tracker.fetch(archive, flt, lang="en", sort=sort, limit=10_000)
    table = tables.tracker_table(archive, flt, lang="en", sort=sort)
    assert [(row[0], row[2]) for row in table.rows] == [(r.meeting, r.text) for r in every]
    assert len(table.headers) == len(table.rows[0]) == 8
