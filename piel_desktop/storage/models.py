"""The archive schema as SQLAlchemy 2 typed models.

Every record has a UUID, created/updated timestamps (aware UTC) and the replica
(office) that last changed it; the unit of work fills the last two. Date-only facts are
``Date`` columns. Text that people read lives in :class:`TextVersion` rows, one per
language, hanging off a :class:`Text` anchor that the owning record points to; at most
one version of a text is the original (a partial unique index says so).

Changing anything here needs a migration in ``storage/migrations/versions``; a test
compares the two.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, Column, Date, Enum, ForeignKey, Index, Integer, LargeBinary, MetaData,
    String, Table, Text as SAText, TypeDecorator, UniqueConstraint, Uuid, literal_column,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from piel_desktop.domain.model import (
    LANGUAGES, OutcomeKind, OutcomeStatus, TranslationStatus,
)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes stored as ISO 8601 text ("2026-11-29T17:49:09.123456+00:00").

    Refuses naive datetimes instead of guessing their zone; returns aware UTC values.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC one is required")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect) -> dt.datetime | None:
        return None if value is None else dt.datetime.fromisoformat(value).astimezone(dt.UTC)


#: A 64-bit integer: hybrid logical clocks (domain/sync.py, milliseconds << 16) and
#: byte counts. SQLite's INTEGER is 64-bit already; PostgreSQL's integer is not.
HLC = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _enum(cls):
    # Stored as the enum's value text, without a CHECK constraint, so that adding a
    # member later needs no table rebuild; SQLAlchemy still refuses unknown values.
    return Enum(cls, native_enum=False, create_constraint=False, length=32,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Ids are 32 hex digits on every database, as SQLite stores them: a PostgreSQL archive
#: keeps them as CHAR(32) too, so that raw SQL, record keys and fingerprints read alike.
ID = Uuid(native_uuid=False)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {uuid.UUID: ID}


class Replica(Base):
    """An office's copy of the archive. Exactly one row is this file's own replica."""

    __tablename__ = "replica"
    id: Mapped[uuid.UUID] = mapped_column(ID, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), default="")
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Highest clock value (hlc) of this replica's writes that this archive has seen.
    covered: Mapped[int | None] = mapped_column(HLC)
    #: Ed25519 public key (raw, base64), learned on the first package from the office.
    public_key: Mapped[str | None] = mapped_column(String(64))
    #: This archive's own signing key (raw, base64); only on the local replica.
    private_key: Mapped[str | None] = mapped_column(String(64))
    #: Version vector (JSON) of what that office is known to have seen, from its
    #: packages and receipts: an export to it leaves out what it already has.
    peer_seen: Mapped[str | None] = mapped_column(SAText)


class Record:
    """Columns every archive record has."""

    id: Mapped[uuid.UUID] = mapped_column(ID, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    changed_by: Mapped[uuid.UUID] = mapped_column(ID, ForeignKey("replica.id"))
    #: Field stamps for sync (JSON); filled by the archive's triggers, see storage/sync.py.
    sync_clock: Mapped[str | None] = mapped_column(SAText)


class Text(Record, Base):
    """Anchor of a multilingual text field; its versions hold the words."""

    __tablename__ = "text"
    versions: Mapped[list[TextVersion]] = relationship(
        back_populates="text", cascade="all, delete-orphan", order_by="TextVersion.lang")


class TextVersion(Record, Base):
    __tablename__ = "text_version"
    __table_args__ = (
        UniqueConstraint("text_id", "lang"),
        CheckConstraint("lang IN (%s)" % ", ".join(f"'{c}'" for c in LANGUAGES), name="lang"),
        Index("ix_text_version_one_original", "text_id", unique=True,
              sqlite_where=sql_text("status = 'original'"), postgresql_where=sql_text("status = 'original'")),
    )
    text_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("text.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(SAText)
    status: Mapped[TranslationStatus] = mapped_column(_enum(TranslationStatus))
    #: Bumped on every edit of ``body``.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: For a translation: the original's revision it was made from. A lower value than
    #: the original's current revision means the translation is stale.
    source_revision: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[Text] = relationship(back_populates="versions")


def _text_fk(nullable: bool = False):
    return mapped_column(ForeignKey("text.id"), nullable=nullable)


class Body(Record, Base):
    """A body such as the working group; name and acronym per language."""

    __tablename__ = "body"
    name_id: Mapped[uuid.UUID] = _text_fk()
    acronym_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)


class Instrument(Record, Base):
    """A resolution or decision governing a body, e.g. Plenipotentiary Resolution 179."""

    __tablename__ = "instrument"
    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("body.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(32))  # "resolution", "decision"
    issuer: Mapped[str] = mapped_column(String(64))  # "plenipotentiary", "council"
    number: Mapped[str] = mapped_column(String(32))
    adopted_year: Mapped[int | None] = mapped_column(Integer)
    revised_year: Mapped[int | None] = mapped_column(Integer)
    citation_id: Mapped[uuid.UUID] = _text_fk()


class Clause(Record, Base):
    """A numbered clause of an instrument ("resolves 1", "1.1"); sub-clauses by parent."""

    __tablename__ = "clause"
    instrument_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("instrument.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("clause.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(32))  # "resolves", "instructs", ...
    number: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text_id: Mapped[uuid.UUID] = _text_fk()


class Meeting(Record, Base):
    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("body_id", "number"),)
    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("body.id"))
    number: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    venue_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)
    chair: Mapped[str | None] = mapped_column(String(200))
    format: Mapped[str | None] = mapped_column(String(32))  # "in_person", "virtual", "hybrid"
    # Start time as entered, "HH:MM" wall time on start_date in the IANA zone time_zone
    # (schema 8); the UTC instant is derived (domain/meeting_time.py).
    start_time: Mapped[str | None] = mapped_column(String(5))
    time_zone: Mapped[str | None] = mapped_column(String(64))


meeting_outcome = Table(
    "meeting_outcome", Base.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("outcome_id", ForeignKey("outcome.id", ondelete="CASCADE"), primary_key=True,
           index=True),
    Column("sync_clock", SAText),
)

outcome_organisation = Table(
    "outcome_organisation", Base.metadata,
    Column("outcome_id", ForeignKey("outcome.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True,
           index=True),  # the tracker's organisation filter (schema 6)
    Column("sync_clock", SAText),
)


class Outcome(Record, Base):
    """What meetings agreed, decided, requested or recommended.

    Top-level outcomes link to one or more meetings; sub-items hang off ``parent_id``
    and inherit their meetings. ``position`` orders siblings.
    """

    __tablename__ = "outcome"
    __table_args__ = (
        Index("ix_outcome_text_id", "text_id"),
        # Addressed to an organisation, case aside: the tracker's organisation filter (schema 6).
        Index("ix_outcome_addressee", literal_column("addressee").collate("NOCASE")),
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str | None] = mapped_column(String(16))  # "1", "a" as printed
    kind: Mapped[OutcomeKind] = mapped_column(_enum(OutcomeKind))
    status: Mapped[OutcomeStatus] = mapped_column(_enum(OutcomeStatus))
    addressee: Mapped[str | None] = mapped_column(String(64))
    #: When the outcome should be implemented, if the meeting said (schema 5).
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    text_id: Mapped[uuid.UUID] = _text_fk()
    meetings: Mapped[list[Meeting]] = relationship(secondary=meeting_outcome)
    organisations: Mapped[list[Organisation]] = relationship(secondary=outcome_organisation)


class Organisation(Record, Base):
    __tablename__ = "organisation"
    name_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)
    acronym_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)
    former_name: Mapped[str | None] = mapped_column(String(200))


class Report(Record, Base):
    """A report of a body to Council or the Plenipotentiary Conference."""

    __tablename__ = "report"
    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("body.id"))
    symbol: Mapped[str | None] = mapped_column(String(64))
    date: Mapped[dt.date | None] = mapped_column(Date)
    recipient: Mapped[str] = mapped_column(String(32))  # "council", "plenipotentiary"
    session_year: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    summary_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)
    action_requested_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)
    #: The document's title and its references, multilingual texts (schema 9).
    title_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)
    references_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)
    #: The Council agenda item as printed ("ADM 1", "PL 2"), and the language the
    #: document was written in (a UN language code), schema 9.
    agenda_item: Mapped[str | None] = mapped_column(String(64))
    original_language: Mapped[str | None] = mapped_column(String(8))


#: The meetings a report covers (its section 2), schema 9.
report_meeting = Table(
    "report_meeting", Base.metadata,
    Column("report_id", ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True,
           index=True),
    Column("sync_clock", SAText),
)


class ReportParagraph(Record, Base):
    """A numbered paragraph of a report's introduction (1.<position>), schema 9.

    ``quote_heading_id`` is the heading of the mandate clauses it quotes ("resuelve"),
    ``lists_achievements`` whether the report's achievements are listed under it."""

    __tablename__ = "report_paragraph"
    report_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text_id: Mapped[uuid.UUID] = _text_fk()
    quote_heading_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)
    lists_achievements: Mapped[bool] = mapped_column(Boolean, default=False)


#: The mandate clauses a paragraph quotes, in ``position`` order, schema 9. A clause
#: deleted takes its quotes along (tombstones), and a restore brings them back.
report_quote = Table(
    "report_quote", Base.metadata,
    Column("paragraph_id", ForeignKey("report_paragraph.id", ondelete="CASCADE"), primary_key=True),
    Column("clause_id", ForeignKey("clause.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("position", Integer, nullable=False, default=0),
    Column("sync_clock", SAText),
)


class Achievement(Record, Base):
    """One of a report's listed achievements, e.g. "a) Participación multipartita"."""

    __tablename__ = "achievement"
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    label: Mapped[str | None] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_id: Mapped[uuid.UUID] = _text_fk()
    text_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)


class Consultation(Record, Base):
    """An online consultation, typically of young people, and what it found."""

    __tablename__ = "consultation"
    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("body.id"))
    topic_id: Mapped[uuid.UUID] = _text_fk()
    audience: Mapped[str | None] = mapped_column(String(32))  # "youth"
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    languages: Mapped[str | None] = mapped_column(String(64))  # "ar,en,es"
    results_id: Mapped[uuid.UUID | None] = _text_fk(nullable=True)
    #: The outcome that records the decision to hold it.
    outcome_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outcome.id", ondelete="SET NULL"))
    #: Partner organisations as written, one per line.
    partners: Mapped[str | None] = mapped_column(SAText)


class CountryEffort(Record, Base):
    """An entry of the registry of countries' efforts for child online protection."""

    __tablename__ = "country_effort"
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2, "KE"
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(SAText)
    links: Mapped[str | None] = mapped_column(SAText)  # web addresses, one per line
    contact: Mapped[str | None] = mapped_column(String(300))


class Blob(Base):
    """The bytes of an attached file, stored once per content.

    Content-addressed and immutable, so it needs no clock: packages carry the blobs
    their documents name (services/sync.py), and two offices holding the same hash hold
    the same bytes. Not a content table; a document's ``blob_sha256`` is.
    """

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)  # lowercase hex
    size: Mapped[int] = mapped_column(HLC)  # bytes (64-bit, as a clock)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Document(Record, Base):
    """A document (an ITU symbol such as "C18/35-E", a title, a language, a file).

    ``symbol`` is kept as typed; its parts come from domain/symbols.py when read.
    """

    __tablename__ = "document"
    symbol: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(8))
    #: Final documents are public (the mandate: without password); others restricted.
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    file_name: Mapped[str | None] = mapped_column(String(255))
    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blob.sha256"), index=True)


practice_document = Table(
    "practice_document", Base.metadata,
    Column("practice_id", ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    Column("document_id", ForeignKey("document.id", ondelete="CASCADE"), primary_key=True,
           index=True),
    Column("sync_clock", SAText),
)


class Practice(Record, Base):
    """A case study or good practice, of a country or an organisation."""

    __tablename__ = "practice"
    title: Mapped[str] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"))
    summary: Mapped[str | None] = mapped_column(SAText)
    documents: Mapped[list[Document]] = relationship(secondary=practice_document)


follow_up_document = Table(
    "follow_up_document", Base.metadata,
    Column("note_id", ForeignKey("follow_up_note.id", ondelete="CASCADE"), primary_key=True),
    Column("document_id", ForeignKey("document.id", ondelete="CASCADE"), primary_key=True,
           index=True),
    Column("sync_clock", SAText),
)


class FollowUpNote(Record, Base):
    """A dated note of what became of an outcome, with its evidence (linked documents).

    ``status`` is the status the outcome moved to with this note, if it moved.
    """

    __tablename__ = "follow_up_note"
    outcome_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(SAText)
    status: Mapped[OutcomeStatus | None] = mapped_column(_enum(OutcomeStatus))
    documents: Mapped[list[Document]] = relationship(secondary=follow_up_document)


class Conflict(Base):
    """A concurrent write that lost the merge of a field, kept for a person to review.

    Its id derives from what it records, so every office that meets the same conflict
    makes the same row. It stays after resolution; whether it is open is derived from
    the clocks (see domain/sync.py: is_open_conflict).
    """

    __tablename__ = "conflict"
    id: Mapped[uuid.UUID] = mapped_column(ID, primary_key=True)
    tbl: Mapped[str] = mapped_column(String(32))
    row_key: Mapped[str] = mapped_column(SAText)  # JSON array of the primary key values
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(SAText)  # JSON of the losing value
    stamp: Mapped[str] = mapped_column(String(49))  # the losing write
    sync_clock: Mapped[str | None] = mapped_column(SAText)
    __table_args__ = (Index("ix_conflict_row", "tbl", "row_key"),)


class Tombstone(Base):
    """A record that is not in its table: deleted (``deleted`` = 1, its clock's
    ``_deleted`` stamp says who and when), or hidden because a record it belongs to is
    deleted (0). ``data`` keeps its last values (JSON) so a restore or a concurrent edit
    loses nothing."""

    __tablename__ = "tombstone"
    tbl: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_key: Mapped[str] = mapped_column(SAText, primary_key=True)
    data: Mapped[str] = mapped_column(SAText)
    sync_clock: Mapped[str] = mapped_column(SAText)
    deleted: Mapped[bool] = mapped_column(Boolean, default=True)


class Changeset(Base):
    """One transaction's writes, by stamp, with its context (version vector, JSON)
    and, on an HQ archive, the account that made it."""

    __tablename__ = "changeset"
    stamp: Mapped[str] = mapped_column(String(49), primary_key=True)
    context: Mapped[str] = mapped_column(SAText)
    #: The database login that wrote it (PostgreSQL's ``session_user``, at most 63
    #: bytes); None on a file, which has one user. Travels in packages.
    account: Mapped[str | None] = mapped_column(String(63))


class SyncState(Base):
    """One row of replica-local state read by the change-tracking triggers."""

    __tablename__ = "sync_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The stamp of the transaction being written; NULL outside of one.
    stamp: Mapped[str | None] = mapped_column(String(49))
    #: 1 while an import writes merged rows with their own clocks.
    applying: Mapped[int] = mapped_column(Integer, default=0)


class ImportRecord(Base):
    """A package applied to this archive (replica-local bookkeeping)."""

    __tablename__ = "import_log"
    package_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    producer: Mapped[uuid.UUID] = mapped_column(ID)
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    backup: Mapped[str | None] = mapped_column(SAText)
    #: The newest local changeset after the import; a later one means edits since.
    last_stamp: Mapped[str | None] = mapped_column(String(49))
    #: The receipt written for the sender (removed if the import is undone).
    receipt: Mapped[str | None] = mapped_column(SAText)


#: Tables whose rows are archive content (shared by every office), in an order where
#: every table comes after the tables it refers to.
CONTENT_TABLES: tuple[str, ...] = (
    "text", "text_version", "body", "instrument", "clause", "meeting", "outcome",
    "meeting_outcome", "organisation", "outcome_organisation", "report", "achievement",
    "report_meeting", "report_paragraph", "report_quote",
    "consultation", "country_effort", "document", "practice", "practice_document",
    "follow_up_note", "follow_up_document",
)

#: Content tables that travel in packages, tracked by triggers.
SYNCED_TABLES: tuple[str, ...] = CONTENT_TABLES + ("conflict",)

#: Record kinds counted by the integrity check, by table name.
COUNTED_TABLES: tuple[str, ...] = (
    "body", "instrument", "clause", "meeting", "outcome", "report", "achievement",
    "report_paragraph", "consultation", "organisation", "text_version", "country_effort", "practice", "document",
    "follow_up_note",
)
