"""Load the demo archive: the seed report's facts from ``resources/demo/*.toml``.

The data file's format is described in ``resources/demo/README.md``. Every record gets
a UUID derived from its key (``uuid5(DEMO_NAMESPACE, key)``), so demo archives made on
different machines hold the same records. The whole file is read and checked before
anything is written, and it is written in one transaction.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from piel_desktop.domain.errors import ArchiveNotEmpty, DemoDataInvalid, PielError
from piel_desktop.domain.model import (
    LANGUAGES, OutcomeKind, OutcomeStatus, parse_enum,
)
from piel_desktop.paths import resources_dir
from piel_desktop.storage import Archive, models as m, queries
from piel_desktop.storage.sync import stamped
from piel_desktop.storage.texts import new_text

DEMO_NAMESPACE = uuid.UUID("6f0b7a52-3c1e-5d2a-9a57-1c2b0e8d4f10")
FORMAT_VERSION = 1


def demo_data_path() -> Path:
    return resources_dir() / "demo" / "cwg-cop-report-2018.toml"


def record_id(key: str) -> uuid.UUID:
    """The UUID of the demo record with this key."""
    return uuid.uuid5(DEMO_NAMESPACE, key)


class _Node:
    """A table of the data file, with its path for error messages."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise DemoDataInvalid(where=where, problem="expected a table")
        self.data, self.where = data, where

    def get(self, key: str, kind: type | tuple[type, ...], *, required: bool = True):
        value = self.data.get(key)
        if value is None:
            if required:
                raise DemoDataInvalid(where=f"{self.where}.{key}", problem="missing")
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise DemoDataInvalid(where=f"{self.where}.{key}",
                                  problem=f"expected {getattr(kind, '__name__', kind)}")
        return value

    def children(self, key: str) -> list[_Node]:
        return [_Node(item, f"{self.where}.{key}[{i}]")
                for i, item in enumerate(self.get(key, list, required=False) or [])]


class _Loader:
    def __init__(self, session: Session, root: _Node) -> None:
        self.s = session
        self.lang = root.get("language", str)
        if self.lang not in LANGUAGES:
            raise DemoDataInvalid(where="language", problem=f"unknown language {self.lang!r}")
        defaults = _Node(root.get("outcome_defaults", dict, required=False) or {}, "outcome_defaults")
        self.default_kind = defaults.get("kind", str, required=False) or OutcomeKind.RECOMMENDATION
        self.default_status = defaults.get("status", str, required=False) or OutcomeStatus.AGREED
        self.organisations: dict[str, m.Organisation] = {}
        self.outcomes: dict[str, uuid.UUID] = {}
        self.clause_keys: set[str] = set()
        #: Rows of link tables (table, values), written once the records are stamped.
        self.links: list[tuple] = []

    def text(self, node: _Node, key: str, owner: str, *, required: bool = True) -> uuid.UUID | None:
        """A text field: a string in the file's language, or a table lang -> string."""
        value = node.get(key, (str, dict), required=required)
        if value is None:
            return None
        versions = {self.lang: value} if isinstance(value, str) else value
        if self.lang not in versions or not all(isinstance(v, str) for v in versions.values()):
            raise DemoDataInvalid(where=f"{node.where}.{key}",
                                  problem=f"needs a {self.lang!r} text and strings only")
        try:
            return new_text(self.s, versions, original=self.lang, text_id=record_id(f"{owner}#{key}"))
        except PielError as e:
            raise DemoDataInvalid(where=f"{node.where}.{key}", problem=str(e.params)) from e

    def enum(self, node: _Node, key: str, cls, default=None):
        value = node.get(key, str, required=default is None) or default
        try:
            return parse_enum(cls, value, key)
        except PielError:
            raise DemoDataInvalid(where=f"{node.where}.{key}", problem=f"unknown value {value!r}") from None

    def stamp(self, root: _Node) -> tuple[uuid.UUID, dt.datetime]:
        """Credit every new record to the demo's own replica, at the file's time; return
        that replica and time, which also make the demo's changeset."""
        at = root.get("recorded_at", dt.datetime)
        if at.tzinfo is None:
            raise DemoDataInvalid(where="recorded_at", problem="needs a time zone (e.g. Z)")
        replica_id = record_id("replica/demo")
        self.s.execute(m.Replica.__table__.insert().values(
            id=replica_id, name=root.get("recorded_by", str), is_local=False, created_at=at))
        for obj in self.s.new:
            if isinstance(obj, m.Record):
                obj.created_at = obj.updated_at = at
                obj.changed_by = replica_id
        return replica_id, at

    def load_body(self, root: _Node) -> m.Body:
        body_node = _Node(root.get("body", dict), "body")
        key = body_node.get("key", str)
        body = m.Body(id=record_id(key), name_id=self.text(body_node, "name", key),
                      acronym_id=self.text(body_node, "acronym", key, required=False))
        self.s.add(body)
        return body

    def load(self, root: _Node) -> None:
        body = self.load_body(root)
        for position, node in enumerate(root.children("instruments"), 1):
            self.instrument(node, body.id, position)
        for node in root.children("organisations"):
            key = node.get("key", str)
            name_id = self.text(node, "name", key, required=False)
            acronym_id = self.text(node, "acronym", key, required=False)
            if name_id is None and acronym_id is None:
                raise DemoDataInvalid(where=node.where, problem="needs a name or an acronym")
            self.organisations[key] = m.Organisation(
                id=record_id(key), name_id=name_id, acronym_id=acronym_id,
                former_name=node.get("former_name", str, required=False))
            self.s.add(self.organisations[key])
        meetings = {}
        for node in root.children("meetings"):
            number = node.get("number", int)
            start, end = node.get("start_date", dt.date), node.get("end_date", dt.date, required=False)
            if isinstance(start, dt.datetime) or isinstance(end, dt.datetime) or (end and end < start):
                raise DemoDataInvalid(where=node.where, problem="dates must be plain dates, end after start")
            meetings[number] = m.Meeting(id=record_id(f"meeting/{number}"), body_id=body.id,
                                         number=number, start_date=start, end_date=end)
            self.s.add(meetings[number])
        for node in root.children("outcome_groups"):
            section = node.get("section", str)
            numbers = node.get("meetings", list)
            if not numbers or any(n not in meetings for n in numbers):
                raise DemoDataInvalid(where=f"{node.where}.meetings", problem="names an unknown meeting")
            linked = [meetings[n] for n in numbers]
            for position, item in enumerate(node.children("outcomes"), 1):
                self.outcome(item, f"{section}/{position}", position, None, linked)
        for node in root.children("consultations"):
            self.consultation(node, body.id)
        if "report" in root.data:
            self.report(_Node(root.data["report"], "report"), body.id, meetings)

    def instrument(self, node: _Node, body_id: uuid.UUID, position: int) -> None:
        key = node.get("key", str)
        self.s.add(m.Instrument(
            id=record_id(key), body_id=body_id, position=position, kind=node.get("kind", str),
            issuer=node.get("issuer", str), number=node.get("number", str),
            adopted_year=node.get("adopted_year", int, required=False),
            revised_year=node.get("revised_year", int, required=False),
            citation_id=self.text(node, "citation", key)))
        self.clauses(node, record_id(key), key, None, None)

    def clauses(self, node: _Node, instrument_id, owner: str, parent_id, section: str | None) -> None:
        for position, child in enumerate(node.children("clauses"), 1):
            number = child.get("number", str)
            key = f"{owner}/clause/{number}"
            self.clause_keys.add(key)
            child_section = child.get("section", str, required=section is None) or section
            self.s.add(m.Clause(id=record_id(key), instrument_id=instrument_id, parent_id=parent_id,
                                section=child_section, number=number, position=position,
                                text_id=self.text(child, "text", key)))
            self.clauses(child, instrument_id, owner, record_id(key), child_section)

    def outcome(self, node: _Node, ref: str, position: int, parent_id, meetings) -> None:
        key = f"outcome/{ref}"
        orgs = node.get("organisations", list, required=False) or []
        unknown = [o for o in orgs if o not in self.organisations]
        if unknown:
            raise DemoDataInvalid(where=f"{node.where}.organisations", problem=f"unknown {unknown}")
        outcome = m.Outcome(
            id=record_id(key), parent_id=parent_id, position=position,
            label=node.get("label", str, required=False),
            kind=self.enum(node, "kind", OutcomeKind, self.default_kind),
            status=self.enum(node, "status", OutcomeStatus, self.default_status),
            addressee=node.get("addressee", str, required=False),
            text_id=self.text(node, "text", key), meetings=meetings,
            organisations=[self.organisations[o] for o in orgs])
        self.s.add(outcome)
        self.outcomes[ref] = outcome.id
        for sub_position, item in enumerate(node.children("items"), 1):
            label = item.get("label", str, required=False) or str(sub_position)
            self.outcome(item, f"{ref}/{label}", sub_position, outcome.id, [])

    def consultation(self, node: _Node, body_id: uuid.UUID) -> None:
        key = node.get("key", str)
        ref = node.get("outcome", str, required=False)
        if ref is not None and ref not in self.outcomes:
            raise DemoDataInvalid(where=f"{node.where}.outcome", problem=f"no outcome {ref!r}")
        self.s.add(m.Consultation(
            id=record_id(key), body_id=body_id, topic_id=self.text(node, "topic", key),
            audience=node.get("audience", str, required=False),
            results_id=self.text(node, "results", key, required=False),
            outcome_id=self.outcomes.get(ref)))

    def report(self, node: _Node, body_id: uuid.UUID, meetings: dict[int, m.Meeting]) -> None:
        key = node.get("key", str)
        numbers = node.get("meetings", list, required=False) or []
        if any(n not in meetings for n in numbers):
            raise DemoDataInvalid(where=f"{node.where}.meetings", problem="names an unknown meeting")
        language = node.get("original_language", str, required=False) or self.lang
        if language not in LANGUAGES:
            raise DemoDataInvalid(where=f"{node.where}.original_language", problem=f"unknown {language!r}")
        self.s.add(m.Report(
            id=record_id(key), body_id=body_id, symbol=node.get("symbol", str, required=False),
            date=node.get("date", dt.date, required=False), recipient=node.get("recipient", str),
            session_year=node.get("session_year", int, required=False),
            agenda_item=node.get("agenda_item", str, required=False), original_language=language,
            title_id=self.text(node, "title", key, required=False),
            references_id=self.text(node, "references", key, required=False),
            summary_id=self.text(node, "summary", key, required=False),
            action_requested_id=self.text(node, "action_requested", key, required=False)))
        self.links.extend((m.report_meeting, {"report_id": record_id(key), "meeting_id": meetings[n].id})
                          for n in numbers)
        for position, item in enumerate(node.children("paragraphs"), 1):
            self.paragraph(item, key, position)
        for position, item in enumerate(node.children("achievements"), 1):
            item_key = f"{key}/achievement/{item.get('label', str, required=False) or position}"
            self.s.add(m.Achievement(
                id=record_id(item_key), report_id=record_id(key), position=position,
                label=item.get("label", str, required=False),
                title_id=self.text(item, "title", item_key),
                text_id=self.text(item, "text", item_key, required=False)))


    def paragraph(self, node: _Node, report_key: str, position: int) -> None:
        """One paragraph of the report's introduction; its ``quotes`` are clause keys."""
        key = f"{report_key}/paragraph/{position}"
        quotes = node.get("quotes", list, required=False) or []
        if any(not isinstance(q, str) or q.partition("/clause/")[2] == "" for q in quotes):
            raise DemoDataInvalid(where=f"{node.where}.quotes", problem="expected clause keys")
        self.s.add(m.ReportParagraph(
            id=record_id(key), report_id=record_id(report_key), position=position,
            text_id=self.text(node, "text", key),
            quote_heading_id=self.text(node, "quote_heading", key, required=False),
            lists_achievements=node.get("lists_achievements", bool, required=False) or False))
        for quote_position, clause_key in enumerate(quotes, 1):
            if clause_key not in self.clause_keys:
                raise DemoDataInvalid(where=f"{node.where}.quotes", problem=f"no clause {clause_key!r}")
            self.links.append((m.report_quote, {"paragraph_id": record_id(key),
                                                "clause_id": record_id(clause_key), "position": quote_position}))


def read_demo_data(path: Path | None = None) -> dict:
    """Parse the demo data file. Raises DemoDataInvalid naming what is wrong."""
    path = path or demo_data_path()
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        raise DemoDataInvalid(where=str(path), problem=e.strerror or str(e)) from e
    except tomllib.TOMLDecodeError as e:
        raise DemoDataInvalid(where=str(path), problem=str(e)) from e
    if data.get("format") != FORMAT_VERSION:
        raise DemoDataInvalid(where="format", problem=f"expected {FORMAT_VERSION}")
    return data


def load_demo(archive: Archive, path: Path | None = None, *, body_only: bool = False) -> None:
    """Fill an empty archive with the demo data, in one transaction.

    With ``body_only``, only the working group itself (names and acronyms): what a new
    archive starts from, the same record in every archive. Raises ArchiveNotEmpty if the
    archive holds records already, DemoDataInvalid if the data file is malformed; in
    both cases nothing is written.
    """
    data = read_demo_data(path)
    with archive.unit_of_work() as uow:
        if not queries.is_empty(uow.session):
            raise ArchiveNotEmpty(path=str(archive.path))
        root = _Node(data, "demo")
        loader = _Loader(uow.session, root)
        with uow.session.no_autoflush:  # all records first, then their shared stamp
            loader.load_body(root) if body_only else loader.load(root)
            replica_id, at = loader.stamp(root)
            # The same changeset in every archive, so offices starting from the demo
            # (or from the same working-group record) share it and never conflict.
            # The working group alone is an earlier changeset than the whole demo, so an
            # archive made with only it never claims to have seen the rest.
            uow.stamp_as(replica_id, (int(at.timestamp() * 1000) << 16) - body_only)
        try:
            with stamped(uow.session):
                for table, values in loader.links:
                    uow.session.execute(table.insert().values(**values))
            uow.commit()
        except IntegrityError as e:  # a key or meeting number used twice, say
            raise DemoDataInvalid(where="demo", problem=str(e.orig)) from e
