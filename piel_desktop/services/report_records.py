"""Entering and changing reports to Council (Records → Reports…): their fields, the
meetings they cover, their introduction paragraphs and the mandate clauses each quotes.

Values travel as one plain dict (:data:`FIELDS` and ``paragraphs``):

- ``symbol`` ("C20/57-E"), ``agenda_item`` (one line each, at most 64 characters),
  ``session_year`` (int), ``date``, ``period_start``, ``period_end`` (``datetime.date``
  or ISO text; the period may not end before it starts), ``recipient`` ("council" or
  "plenipotentiary"), ``original_language`` (a UN language code, required);
- ``title``, ``summary``, ``action_requested``, ``references``: texts in the report's
  original language (str, or None for none);
- ``meetings``: the numbers of the meetings it covers (at least one);
- ``paragraphs``: the introduction's paragraphs in order (1.1, 1.2, …), each a dict
  ``text`` (required), ``quote_heading`` (str or None: "resolves"), ``lists_achievements``
  (bool), ``quotes`` (the ids of the clauses it quotes, in order) and ``id`` (the
  paragraph record's UUID, optional: a paragraph given with its id keeps its record
  and translations wherever it moves; one without takes the record at its position);
- ``achievements``: the achievements listed in section 1 (1.3 a)–d)) in order, each a
  dict ``label`` ("a", at most 16 characters, or None), ``title`` (required), ``text``
  (str or None) and ``id`` (optional, as for paragraphs).

:func:`values` gives a report's dict in the form :func:`add_report` and
:func:`edit_report` take it, so undo can write it back (services/history.py). Every
call is one transaction: a refused value raises InvalidValue (ValueRequired) naming
the field and leaves the archive exactly as it was. A report is named by its key (its
id as text, :class:`~piel_desktop.services.council_report.ReportSummary`) or symbol.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import delete, select, update

from piel_desktop.domain.errors import InvalidValue, RecordNotFound, ValueRequired
from piel_desktop.domain.model import TranslationStatus
from piel_desktop.services import mandate, registries, snapshots
from piel_desktop.services.council_report import covered_numbers, find_report
from piel_desktop.services.field_checks import Field, parse
from piel_desktop.services.records import write_version
from piel_desktop.services.registries import check_order
from piel_desktop.storage import Archive, models as m
from piel_desktop.storage.sync import stamped
from piel_desktop.storage.texts import load_texts, new_text

#: Longest text a report field takes (a summary of 30,000 characters is fine).
MOST_TEXT = 200_000

FIELDS: tuple[Field, ...] = (
    Field("symbol", "line", most=64), Field("session_year", "year"), Field("date", "date"),
    Field("agenda_item", "line", most=64), Field("period_start", "date"), Field("period_end", "date"),
    Field("recipient", "choice", required=True, choices=mandate.RECIPIENTS),
    Field("original_language", "language", required=True),
    Field("title", "text"), Field("summary", "text"), Field("action_requested", "text"),
    Field("references", "text"), Field("meetings", "meetings", required=True),
)
_TEXT_COLUMNS = {"title": "title_id", "summary": "summary_id",
                 "action_requested": "action_requested_id", "references": "references_id"}
_PARAGRAPH_KEYS = frozenset({"id", "text", "quote_heading", "lists_achievements", "quotes"})
_ACHIEVEMENT_KEYS = frozenset({"id", "label", "title", "text"})
_LISTS = ("paragraphs", "achievements")


def check(values: Mapping, *, partial: bool = False) -> dict:
    """``values`` checked and normalised (only the known fields). With ``partial`` the
    fields left out keep what they hold (an edit); else the required ones must be
    there. Raises InvalidValue (ValueRequired) naming the first wrong field."""
    unknown = set(values) - {f.name for f in FIELDS} - set(_LISTS)
    if unknown:
        raise InvalidValue(field=sorted(unknown)[0], value="")
    checked: dict = {}
    for f in FIELDS:
        if f.name not in values:
            if f.required and not partial:
                raise ValueRequired(field=f.name)
            continue
        value = parse(f, values[f.name])
        if f.required and value in (None, "", ()):
            raise ValueRequired(field=f.name)
        if isinstance(value, str) and len(value) > MOST_TEXT:
            raise InvalidValue(field=f.name, value=value[:40])
        checked[f.name] = value
    check_order("period_end", checked.get("period_start"), checked.get("period_end"))
    if "paragraphs" in values:
        checked["paragraphs"] = tuple(_paragraph(p) for p in values["paragraphs"] or ())
    if "achievements" in values:
        checked["achievements"] = tuple(_achievement(a) for a in values["achievements"] or ())
    for name in _LISTS:
        ids = [item["id"] for item in checked.get(name, ()) if item["id"] is not None]
        if len(set(ids)) != len(ids):
            raise InvalidValue(field=name, value=", ".join(map(str, ids))[:40])
    return checked


def _item_id(field: str, value) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidValue(field=field, value=str(value)[:40]) from None


def _achievement(a) -> dict:
    if not isinstance(a, Mapping) or set(a) - _ACHIEVEMENT_KEYS:
        raise InvalidValue(field="achievements", value=str(a)[:40])
    title = parse(Field("title", "text"), a.get("title"))
    if not title:
        raise ValueRequired(field="achievements")
    return {"id": _item_id("achievements", a.get("id")),
            "label": parse(Field("label", "line", most=16), a.get("label")),
            "title": title, "text": parse(Field("text", "text"), a.get("text"))}


def _paragraph(p) -> dict:
    if not isinstance(p, Mapping) or set(p) - _PARAGRAPH_KEYS:
        raise InvalidValue(field="paragraphs", value=str(p)[:40])
    text = parse(Field("text", "text"), p.get("text"))
    if not text:
        raise ValueRequired(field="paragraphs")
    heading = parse(Field("quote_heading", "line", most=200), p.get("quote_heading"))
    quotes = p.get("quotes") or ()
    try:
        quotes = tuple(q if isinstance(q, uuid.UUID) else uuid.UUID(str(q)) for q in quotes)
    except ValueError:
        raise InvalidValue(field="quotes", value=str(quotes)[:40]) from None
    if len(set(quotes)) != len(quotes):
        raise InvalidValue(field="quotes", value=", ".join(str(q) for q in quotes)[:40])
    return {"id": _item_id("paragraphs", p.get("id")), "text": text, "quote_heading": heading, "quotes": quotes,
            "lists_achievements": bool(p.get("lists_achievements"))}


def values(archive: Archive, report: str) -> dict:
    """The report's values (every field and its paragraphs). Raises RecordNotFound."""
    with archive.unit_of_work() as uow:
        s = uow.session
        r = find_report(s, report)
        paragraphs = _paragraph_rows(s, r.id)
        achievements = _achievement_rows(s, r.id)
        texts = load_texts(s, [*(getattr(r, c) for c in _TEXT_COLUMNS.values()),
                               *(t for p in paragraphs for t in (p.text_id, p.quote_heading_id)),
                               *(t for a in achievements for t in (a.title_id, a.text_id))])

        def body(text_id):
            text = texts.get(text_id)
            if text is None or not text.versions:
                return None
            return (text.original or text.versions[0]).text

        result = {f.name: getattr(r, f.name) for f in FIELDS if f.name not in _TEXT_COLUMNS
                  and f.name != "meetings"}
        result["original_language"] = r.original_language or "en"
        result.update({name: body(getattr(r, column)) for name, column in _TEXT_COLUMNS.items()})
        result["meetings"] = tuple(covered_numbers(s, r.id))
        result["achievements"] = tuple({"id": a.id, "label": a.label, "title": body(a.title_id),
                                        "text": body(a.text_id)} for a in achievements)
        result["paragraphs"] = tuple({
            "id": p.id, "text": body(p.text_id), "quote_heading": body(p.quote_heading_id),
            "lists_achievements": bool(p.lists_achievements), "quotes": _quotes(s, p.id)}
            for p in paragraphs)
        return result


def add_report(archive: Archive, new: Mapping, *, report_id: uuid.UUID | None = None) -> str:
    """Add a report; returns its key. ``report_id`` gives it a known id (a redo).
    Raises InvalidValue (ValueRequired) naming the field; nothing is written then."""
    checked = check(new)
    with archive.unit_of_work() as uow:
        s = uow.session
        body = s.scalars(select(m.Body).order_by(m.Body.created_at, m.Body.id).limit(1)).first()
        if body is None:
            raise RecordNotFound(kind="body", id="")
        record = m.Report(id=report_id or uuid.uuid4(), body_id=body.id,
                          recipient=checked["recipient"], original_language=checked["original_language"])
        s.add(record)
        _write(s, record, checked)
        uow.commit()
        return str(record.id)


def edit_report(archive: Archive, report: str, changes: Mapping) -> None:
    """Change the fields given in ``changes`` (``paragraphs`` replaces them all, in
    order; paragraphs are matched by position, so an edited text keeps its record and
    its translations). Raises RecordNotFound, InvalidValue (ValueRequired); nothing
    is written then."""
    checked = check(changes, partial=True)
    with archive.unit_of_work() as uow:
        s = uow.session
        record = find_report(s, report)
        _write(s, record, checked)
        uow.commit()


def delete_report(archive: Archive, report: str) -> snapshots.Snapshot:
    """Delete a report with its achievements, paragraphs and links, to the trash;
    returns what was removed (for snapshots.restore, the undo). Raises RecordNotFound."""
    with archive.unit_of_work() as uow:
        report_id = find_report(uow.session, report).id
    return registries.delete(archive, "report", report_id)


def _write(s, record: m.Report, checked: dict) -> None:
    for name in ("symbol", "session_year", "date", "agenda_item", "recipient", "original_language",
                 "period_start", "period_end"):
        if name in checked:
            setattr(record, name, checked[name])
    check_order("period_end", record.period_start, record.period_end)  # against what is stored
    lang = record.original_language or "en"
    for name, column in _TEXT_COLUMNS.items():
        if name in checked:
            setattr(record, column, _put_text(s, getattr(record, column), checked[name], lang))
    s.flush()
    if "meetings" in checked:
        _set_meetings(s, record.id, checked["meetings"])
    if "paragraphs" in checked:
        _set_paragraphs(s, record.id, checked["paragraphs"], lang)
    if "achievements" in checked:
        _set_achievements(s, record.id, checked["achievements"], lang)


def _put_text(s, text_id: uuid.UUID | None, body: str | None, lang: str) -> uuid.UUID | None:
    """The text to store for a field: None for none, a new text in ``lang``, or the
    existing one with its original version changed."""
    if body is None:
        return None  # the old text stays, unowned
    if text_id is None:
        return new_text(s, {lang: body}, original=lang)
    text = s.get(m.Text, text_id)
    original = next((v for v in text.versions if v.status is TranslationStatus.ORIGINAL), None)
    write_version(s, text_id, original.lang if original else lang, body)
    return text_id


def _set_meetings(s, report_id: uuid.UUID, numbers: tuple[int, ...]) -> None:
    found = dict(s.execute(select(m.Meeting.number, m.Meeting.id).where(m.Meeting.number.in_(numbers))).all())
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise InvalidValue(field="meetings", value=", ".join(map(str, unknown)))
    link = m.report_meeting
    have = set(s.scalars(select(link.c.meeting_id).where(link.c.report_id == report_id)).all())
    wanted = {found[n] for n in numbers}
    with stamped(s):
        if have - wanted:
            s.execute(delete(link).where(link.c.report_id == report_id,
                                         link.c.meeting_id.in_(have - wanted)))
        for meeting_id in sorted(wanted - have):
            s.execute(link.insert().values(report_id=report_id, meeting_id=meeting_id))


def _paragraph_rows(s, report_id: uuid.UUID) -> list[m.ReportParagraph]:
    return list(s.scalars(select(m.ReportParagraph).where(m.ReportParagraph.report_id == report_id)
                          .order_by(m.ReportParagraph.position, m.ReportParagraph.id)).all())


def _achievement_rows(s, report_id: uuid.UUID) -> list[m.Achievement]:
    return list(s.scalars(select(m.Achievement).where(m.Achievement.report_id == report_id)
                          .order_by(m.Achievement.position, m.Achievement.id)).all())


def _matched(rows: list, items: tuple[dict, ...]) -> list:
    """The stored row each of ``items`` writes to (None: a new one): the row of its
    ``id`` if it names one, else the unclaimed row at its position."""
    by_id = {row.id: row for row in rows}
    claimed = {item["id"] for item in items if item["id"] in by_id}
    free = [row for row in rows if row.id not in claimed]
    result = []
    for position, item in enumerate(items):
        if item["id"] in by_id:
            result.append(by_id[item["id"]])
        else:
            row = rows[position] if position < len(rows) and rows[position] in free else None
            if row is not None:
                free.remove(row)
            result.append(row)
    return result


def _set_achievements(s, report_id: uuid.UUID, achievements: tuple[dict, ...], lang: str) -> None:
    rows = _achievement_rows(s, report_id)
    matched = _matched(rows, achievements)
    for position, (a, row) in enumerate(zip(achievements, matched), 1):
        if row is None:
            row = m.Achievement(report_id=report_id, title_id=_put_text(s, None, a["title"], lang))
            s.add(row)
        else:
            _put_text(s, row.title_id, a["title"], lang)
        row.position, row.label = position, a["label"]
        row.text_id = _put_text(s, row.text_id, a["text"], lang)
    for row in rows:
        if row not in matched:
            s.delete(row)
    s.flush()


def _quotes(s, paragraph_id: uuid.UUID) -> tuple[uuid.UUID, ...]:
    q = m.report_quote
    return tuple(s.scalars(select(q.c.clause_id).where(q.c.paragraph_id == paragraph_id)
                           .order_by(q.c.position)).all())


def _set_paragraphs(s, report_id: uuid.UUID, paragraphs: tuple[dict, ...], lang: str) -> None:
    for p in paragraphs:
        for clause_id in p["quotes"]:
            if s.get(m.Clause, clause_id) is None:
                raise InvalidValue(field="quotes", value=str(clause_id))
    rows = _paragraph_rows(s, report_id)
    matched = _matched(rows, paragraphs)
    for position, (p, row) in enumerate(zip(paragraphs, matched), 1):
        if row is None:
            row = m.ReportParagraph(report_id=report_id, position=position,
                                    text_id=_put_text(s, None, p["text"], lang))
            s.add(row)
        else:
            row.position = position
            _put_text(s, row.text_id, p["text"], lang)
        row.quote_heading_id = _put_text(s, row.quote_heading_id, p["quote_heading"], lang)
        row.lists_achievements = p["lists_achievements"]
        s.flush()
        _set_quotes(s, row.id, p["quotes"])
    for row in rows:
        if row not in matched:
            s.delete(row)
    s.flush()


def _set_quotes(s, paragraph_id: uuid.UUID, quotes: tuple[uuid.UUID, ...]) -> None:
    q = m.report_quote
    have = dict(s.execute(select(q.c.clause_id, q.c.position).where(q.c.paragraph_id == paragraph_id)).all())
    with stamped(s):
        gone = set(have) - set(quotes)
        if gone:
            s.execute(delete(q).where(q.c.paragraph_id == paragraph_id, q.c.clause_id.in_(gone)))
        for position, clause_id in enumerate(quotes, 1):
            if clause_id not in have:
                s.execute(q.insert().values(paragraph_id=paragraph_id, clause_id=clause_id, position=position))
            elif have[clause_id] != position:
                s.execute(update(q).where(q.c.paragraph_id == paragraph_id, q.c.clause_id == clause_id)
                          .values(position=position))


def clause_choices(archive: Archive) -> list[dict]:
    """Every mandate clause a paragraph may quote, instrument by instrument in the
    mandate's order, each clause after its parent: dicts ``id``, ``instrument``
    (kind, number, issuer), ``section``, ``number``, ``depth`` (0 a top clause) and
    ``text`` (its original words)."""
    with archive.unit_of_work() as uow:
        s = uow.session
        instruments = s.scalars(select(m.Instrument).order_by(m.Instrument.position, m.Instrument.id)).all()
        clauses = s.scalars(select(m.Clause).order_by(m.Clause.position, m.Clause.id)).all()
        texts = load_texts(s, (c.text_id for c in clauses))
    children: dict = {}
    for c in clauses:
        children.setdefault((c.instrument_id, c.parent_id), []).append(c)
    result: list[dict] = []

    def walk(instrument, parent_id, depth: int) -> None:
        for c in children.get((instrument.id, parent_id), ()):
            text = texts.get(c.text_id)
            words = (text.original or text.versions[0]).text if text and text.versions else ""
            result.append({"id": c.id, "instrument": (instrument.kind, instrument.number, instrument.issuer),
                           "section": c.section, "number": c.number, "depth": depth, "text": words})
            if depth < 20:
                walk(instrument, c.id, depth + 1)

    for instrument in instruments:
        walk(instrument, None, 0)
    return result
