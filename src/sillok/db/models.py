"""The data model of DESIGN.md (HURIDOCS Events Standard Formats, adapted) as SQLAlchemy models.

Terms are referred to by their stable code (validated by the archive services, not by foreign
keys, because a code belongs to a vocabulary and codes outlive renumbering). Every other link is a
real foreign key. Records are never deleted: they are retracted with a reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from sillok.db.types import UTCDateTime, utcnow
from sillok.security.at_rest import SealedField, install_hooks

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LEVELS = ("public", "internal", "restricted")
PRECISIONS = ("day", "month", "quarter", "year")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


def _level_check() -> CheckConstraint:
    return CheckConstraint("level IN ('public', 'internal', 'restricted')", name="level")


class RecordMixin:
    """Columns every coded record has: confidentiality, timestamps and retraction."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(12), default="internal", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    retracted_at: Mapped[datetime | None] = mapped_column(default=None)
    retracted_by: Mapped[str | None] = mapped_column(String(120), default=None)
    retraction_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # Optimistic locking: every UPDATE of the row says ``WHERE version = :loaded`` and counts
    # it up, so two editors who loaded the same version cannot both write (archive/editing.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class DateRangeMixin:
    """A date with its precision: ``date_start``..``date_end`` inclusive, maybe an estimate."""

    date_start: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    date_end: Mapped[date | None] = mapped_column(Date, default=None)
    date_precision: Mapped[str | None] = mapped_column(String(8), default=None)
    date_estimate: Mapped[bool] = mapped_column(Boolean, default=False)


class Term(RecordMixin, Base):
    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("vocabulary", "code"), _level_check())

    vocabulary: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(80))
    parent_code: Mapped[str | None] = mapped_column(String(80), default=None)
    label_en: Mapped[str] = mapped_column(String(200))
    label_ko: Mapped[str] = mapped_column(String(200))
    synonyms_en: Mapped[list[Any]] = mapped_column(default=list)
    synonyms_ko: Mapped[list[Any]] = mapped_column(default=list)
    description_en: Mapped[str | None] = mapped_column(Text, default=None)
    description_ko: Mapped[str | None] = mapped_column(Text, default=None)
    source_note: Mapped[str | None] = mapped_column(Text, default=None)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Place(RecordMixin, Base):
    __tablename__ = "places"
    __table_args__ = (_level_check(),)

    code: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), default=None)
    iso_code: Mapped[str | None] = mapped_column(String(12), default=None)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str] = mapped_column(String(200))
    facility_type: Mapped[str | None] = mapped_column(String(80), default=None)
    agency: Mapped[str | None] = mapped_column(String(80), default=None)
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    # When a facility opened and closed, as its public source dates them (fuzzy date text,
    # archive/dates.py), only where the source says so.
    opened: Mapped[str | None] = mapped_column(String(40), default=None)
    closed: Mapped[str | None] = mapped_column(String(40), default=None)
    source_note: Mapped[str | None] = mapped_column(Text, default=None)

    parent: Mapped[Place | None] = relationship(remote_side="Place.id")
    names: Mapped[list[PlaceName]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="PlaceName.position"
    )


class PlaceName(Base):
    __tablename__ = "place_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    system: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)

    place: Mapped[Place] = relationship(back_populates="names")


class Blob(Base):
    """Original bytes, content-addressed; the file lives at blobs/ab/cd/<sha256>."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Source(RecordMixin, Base):
    __tablename__ = "sources"
    __table_args__ = (_level_check(),)

    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    origin: Mapped[str | None] = mapped_column(Text, default=None)
    reliability: Mapped[str | None] = mapped_column(String(40), default=None)
    published_start: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    published_end: Mapped[date | None] = mapped_column(Date, default=None)
    published_precision: Mapped[str | None] = mapped_column(String(8), default=None)
    published_estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_start: Mapped[date | None] = mapped_column(Date, default=None)
    recorded_end: Mapped[date | None] = mapped_column(Date, default=None)
    recorded_precision: Mapped[str | None] = mapped_column(String(8), default=None)
    recorded_estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    original_filename: Mapped[str | None] = mapped_column(Text, default=None)
    media_type: Mapped[str | None] = mapped_column(String(120), default=None)
    blob_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("blobs.sha256"), default=None, index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), default=None)
    # Who the information comes from and who recorded or published it, and the source this one
    # restates: what makes two sources independent (archive/corroboration.py).
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), default=None,
                                                   index=True)
    witness_key: Mapped[str | None] = mapped_column(String(80), default=None)
    publisher: Mapped[str | None] = mapped_column(String(200), default=None)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), default=None,
                                                    index=True)
    # Character offsets at which each page starts, so evidence can cite a page.
    pages: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ingested_by: Mapped[str | None] = mapped_column(String(120), default=None)


event_places = Table(
    "event_places",
    Base.metadata,
    Column("event_id", ForeignKey("events.id"), primary_key=True),
    Column("place_id", ForeignKey("places.id"), primary_key=True, index=True),
)


class Event(RecordMixin, DateRangeMixin, Base):
    __tablename__ = "events"
    __table_args__ = (_level_check(),)

    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")

    places: Mapped[list[Place]] = relationship(secondary=event_places, order_by="Place.id")
    acts: Mapped[list[Act]] = relationship(back_populates="event", order_by="Act.id")


class Person(RecordMixin, Base):
    __tablename__ = "persons"
    # updated_at indexed: every public search and page asks for the latest change of a person
    # (archive/redact.py, whether the masker of protected names is current); without the
    # index that was a pass over all persons each time.
    __table_args__ = (_level_check(), Index("ix_persons_updated_at", "updated_at"))

    kind: Mapped[str] = mapped_column(String(40), default="individual")
    sex: Mapped[str | None] = mapped_column(String(20), default=None)
    birth_year: Mapped[int | None] = mapped_column(Integer, default=None)
    birth_year_estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    origin_place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), default=None)
    roles: Mapped[list[Any]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    # Set when an editor merged this record into another one (linkage/merge.py): the record
    # stays whole, and statistics count it with the one it is merged into.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", name="fk_persons_merged_into"), default=None, index=True)

    names: Mapped[list[PersonName]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonName.position"
    )
    protected: Mapped[PersonProtected | None] = relationship(
        back_populates="person", cascade="all, delete-orphan", uselist=False
    )
    origin_place: Mapped[Place | None] = relationship()


class PersonName(Base):
    __tablename__ = "person_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    system: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)

    person: Mapped[Person] = relationship(back_populates="names")


class PersonProtected(Base):
    """The part of a person that identifies them; always restricted, whatever the person's level."""

    __tablename__ = "person_protected"

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    # Stored values: an AES-GCM envelope when the archive encrypts protected details at rest,
    # else plaintext (birth_date as YYYY-MM-DD text, so both fit one column type). Code reads
    # and writes the plaintext fields below; security/at_rest.py seals and opens.
    sealed_real_name: Mapped[str | None] = mapped_column("real_name", Text, default=None)
    sealed_birth_date: Mapped[str | None] = mapped_column("birth_date", Text, default=None)
    sealed_home_village: Mapped[str | None] = mapped_column("home_village", Text, default=None)
    sealed_family: Mapped[str | None] = mapped_column("family", Text, default=None)
    sealed_contacts: Mapped[str | None] = mapped_column("contacts", Text, default=None)
    sealed_notes: Mapped[str | None] = mapped_column("notes", Text, default=None)

    real_name = SealedField[str]("real_name")
    birth_date = SealedField[date]("birth_date", is_date=True)
    home_village = SealedField[str]("home_village")
    family = SealedField[str]("family")
    contacts = SealedField[str]("contacts")
    notes = SealedField[str]("notes")

    person: Mapped[Person] = relationship(back_populates="protected")


install_hooks(PersonProtected)


class AtRestKey(Base):
    """A key that encrypts (``current``) or encrypted (``retired``) protected details. Only its
    id and a check value are here; the key itself is in the key file, outside the database."""

    __tablename__ = "at_rest_keys"
    __table_args__ = (CheckConstraint("status IN ('current', 'retired')", name="status"),)

    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))
    check_value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)


class RedactionMark(Base):
    """A passage of a source (character offsets) that readers without restricted clearance see
    as "[redacted]" everywhere, and that public search does not index."""

    __tablename__ = "redaction_marks"
    __table_args__ = (
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="offsets"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OcrReading(Base):
    """One reading of one page of a source (migration 0025): by OCR, with how it was read
    and every word's confidence, or a correction typed by staff. Readings are only added, so
    the OCR output stays in history after a page is read again or corrected; a page's text is
    its latest reading (while the source's text still holds it: ingest/ocr_store.py)."""

    __tablename__ = "ocr_readings"
    __table_args__ = (
        CheckConstraint("kind IN ('ocr', 'correction')", name="kind"),
        CheckConstraint("page >= 1", name="page"),
        Index("ix_ocr_readings_source_page", "source_id", "page"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    page: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    engine: Mapped[str | None] = mapped_column(String(120), default=None)
    psm: Mapped[int | None] = mapped_column(Integer, default=None)
    preprocess: Mapped[list[Any]] = mapped_column(default=list)
    # The mean of the words' confidences (0-100); none for a correction.
    mean_confidence: Mapped[float | None] = mapped_column(Float, default=None)
    # [start, end, confidence] of each word, offsets in ``text``.
    words: Mapped[list[Any]] = mapped_column(default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NameSpanReview(Base):
    """An editor's decision on a place where the name matcher found a protected person's name
    in a source (archive/span_review.py). A span is hidden until rejected; a rejected one (the
    words are not that person) is shown. The decision is kept for the words around the name
    (``context_key``), not for offsets, so it holds wherever the same words are shown and
    lapses, failing closed, when they change."""

    __tablename__ = "name_span_reviews"
    __table_args__ = (
        CheckConstraint("decision IN ('accepted', 'rejected')", name="decision"),
        UniqueConstraint("source_id", "person_id", "part", "context_key",
                         name="uq_name_span_reviews_span"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    part: Mapped[str] = mapped_column(String(12))
    field: Mapped[str] = mapped_column(String(16))
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    context_key: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class Act(RecordMixin, DateRangeMixin, Base):
    __tablename__ = "acts"
    __table_args__ = (_level_check(),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    act_type: Mapped[str] = mapped_column(String(80), index=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), default=None, index=True)
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), default=None)
    victim_status: Mapped[str | None] = mapped_column(String(40), default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    # Set when an editor merged this act into another coding of the same act (linkage/
    # act_merge.py): both keep their evidence, and the act counts once.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("acts.id", name="fk_acts_merged_into"), default=None, index=True)

    event: Mapped[Event] = relationship(back_populates="acts")
    victim: Mapped[Person] = relationship(foreign_keys=[victim_id])
    place: Mapped[Place | None] = relationship(foreign_keys=[place_id])
    facility: Mapped[Place | None] = relationship(foreign_keys=[facility_id])


class Involvement(RecordMixin, Base):
    __tablename__ = "involvements"
    __table_args__ = (_level_check(),)

    act_id: Mapped[int] = mapped_column(ForeignKey("acts.id"), index=True)
    perpetrator_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    agency: Mapped[str | None] = mapped_column(String(80), default=None)
    degree: Mapped[str | None] = mapped_column(String(40), default=None)
    description: Mapped[str] = mapped_column(Text, default="")

    act: Mapped[Act] = relationship()
    perpetrator: Mapped[Person] = relationship()


class Relation(RecordMixin, Base):
    """Two persons and how they are related: "person A is the <kind> of person B" (parent,
    child, sibling, spouse, witness_of, other; vocabulary relation_kind). Its level is its
    own; a reader sees it only if they may see it and both persons (policy.may_see_relation).
    """

    __tablename__ = "relations"
    __table_args__ = (_level_check(),
                      CheckConstraint("person_a_id <> person_b_id", name="two_persons"))

    person_a_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    person_b_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")

    person_a: Mapped[Person] = relationship(foreign_keys=[person_a_id])
    person_b: Mapped[Person] = relationship(foreign_keys=[person_b_id])


class Evidence(RecordMixin, Base):
    """A record tied to a passage of a source: character offsets plus the quoted text."""

    __tablename__ = "evidence"
    __table_args__ = (
        _level_check(),
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="offsets"),
        Index("ix_evidence_record", "record_type", "record_id"),
    )

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer, default=None)
    connection: Mapped[str | None] = mapped_column(String(40), default=None)
    reliability: Mapped[str | None] = mapped_column(String(40), default=None)

    source: Mapped[Source] = relationship()


class Series(RecordMixin, Base):
    __tablename__ = "series"
    __table_args__ = (_level_check(),)

    code: Mapped[str] = mapped_column(String(80), unique=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_ko: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40), default="persons")
    description: Mapped[str] = mapped_column(Text, default="")
    source_note: Mapped[str | None] = mapped_column(Text, default=None)

    observations: Mapped[list[Observation]] = relationship(
        back_populates="series",
        cascade="all, delete-orphan",
        order_by="(Observation.period_start, Observation.breakdown)",
    )


class Observation(Base):
    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("series_id", "period", "breakdown"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # "" for the total, otherwise e.g. "sex=female".
    breakdown: Mapped[str] = mapped_column(String(120), default="")
    value: Mapped[float] = mapped_column(Float)
    source_note: Mapped[str | None] = mapped_column(Text, default=None)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    derived: Mapped[bool] = mapped_column(Boolean, default=False)

    series: Mapped[Series] = relationship(back_populates="observations")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('viewer', 'editor', 'analyst', 'admin')", name="role"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    password_hash: Mapped[str | None] = mapped_column(Text, default=None)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Lockout: consecutive failed sign-ins, reset by a success; at the limit the account is
    # refused until ``locked_until`` whatever the password (accounts/sessions.py).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    # TOTP (RFC 6238): the base32 secret, asked for as a second step once enabled.
    totp_secret: Mapped[str | None] = mapped_column(Text, default=None)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The time step of the last code accepted: a code is good once, not for its whole window.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, default=None)


class AuthSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a
    copy of the database does not hand out live sessions."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    idle_expires_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    # The synchronizer token of the session's forms and htmx requests.
    csrf_secret: Mapped[str] = mapped_column(String(64))
    # Password accepted, TOTP code still to give: such a session is not signed in.
    totp_pending: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiToken(Base):
    """A bearer token for scripts. Only its SHA-256 is stored; its scope caps its user's role."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("scope IN ('read', 'write', 'admin')", name="scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    scope: Mapped[str] = mapped_column(String(8), default="read")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)


class AuditEntry(Base):
    """One change, in the same transaction as the change; hash-chained to the entry before."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20))
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int | None] = mapped_column(Integer, default=None)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    entry_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # HMAC of entry_hash with the audit key kept outside the database (archive/audit_anchor.py);
    # None on entries written before 0010.
    signature: Mapped[str | None] = mapped_column(String(64), default=None)
    # HMAC of the record's state after the change (archive/audit_state.py); None on reads,
    # on types not covered and on entries written before 0010.
    state: Mapped[str | None] = mapped_column(String(64), default=None)


class Job(Base):
    """Long work (ingest batches, re-indexing, exports) with progress others can watch."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    total: Mapped[int | None] = mapped_column(Integer, default=None)
    done: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # Durable jobs (ingest/ocr_jobs.py): how often a worker claimed the job, until when the
    # claim holds (a killed worker's claim runs out and another takes the job) and whose it is.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(120), default=None)
    # The source a job works on (a page read again), for the source's page to list its jobs.
    source_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)


class SearchEntry(Base):
    """One searchable record: the analyser's terms of its title and body, with the record's
    level copied so that permissions are applied inside the search query itself.

    SQLite indexes it with an FTS5 table kept in step by triggers; PostgreSQL with a generated
    tsvector column and a GIN index (migration 0003)."""

    __tablename__ = "search_index"
    __table_args__ = (UniqueConstraint("record_type", "record_id", "audience"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(12), index=True)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    kind: Mapped[str | None] = mapped_column(String(80), default=None)
    date_start: Mapped[date | None] = mapped_column(Date, default=None)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Who reads this entry (migrations 0010 and 0012; search/index.py AUDIENCES): 'all', or
    # the readers of one copy of the record's text — the cleared ('full'), analysts
    # ('analyst'), everybody else ('public'), or two of them ('fa', 'ap').
    audience: Mapped[str] = mapped_column(String(8), default="all", server_default="all")


class SearchChange(Base):
    """One transaction that wrote search entries (migration 0024): an index kept outside the
    database compares the highest it applied with the highest here when it opens."""

    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SourceLink(Base):
    """A relation between two sources found at ingest, e.g. a near duplicate, kept for review.

    Near duplicates are never dropped: they are stored and linked here with their similarity,
    and a person decides (status ``open`` → ``confirmed`` or ``dismissed``)."""

    __tablename__ = "source_links"
    __table_args__ = (
        UniqueConstraint("source_id", "other_id", "relation"),
        CheckConstraint("status IN ('open', 'confirmed', 'dismissed')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    relation: Mapped[str] = mapped_column(String(30))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SourceBand(Base):
    """One locality-sensitive-hashing band of a source's MinHash signature: sources sharing a
    (band, bucket) are candidate near duplicates, found with an index lookup, not a scan."""

    __tablename__ = "source_bands"
    __table_args__ = (Index("ix_source_bands_bucket", "band", "bucket"),)

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger)


class SourceSignature(Base):
    """A source's MinHash signature: candidates from shared bands are first compared by their
    signatures (cheap), and only likely near duplicates by their full texts."""

    __tablename__ = "source_signatures"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class Suggestion(Base):
    """Something the extractors propose to code from a passage of a source, with its offsets."""

    __tablename__ = "suggestions"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'accepted', 'dismissed')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    confidence: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="open")
    record_type: Mapped[str | None] = mapped_column(String(20), default=None)
    record_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The decision (migration 0022): who made it and when, a dismissal's reason, whether the
    # accept created its record or linked an existing one, and the evidence link it made.
    decided_by: Mapped[str | None] = mapped_column(String(120), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_record: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default=false())
    evidence_id: Mapped[int | None] = mapped_column(Integer, default=None, unique=True)


class ConsentEntry(Base):
    """One decision of a witness about one use of their testimony (docs/evidence.md, Consent).

    Append-only (migration 0017 refuses UPDATE and DELETE; archive/ledgers.py refuses them
    in the session): a withdrawal is a new entry, so the history of what was agreed, when and
    before whom is never lost. An entry is about a source (``subject_type`` 'source') or about
    everything a witness gave (a person); the latest entry that applies to a source decides."""

    __tablename__ = "consent_entries"
    __table_args__ = (
        CheckConstraint("subject_type IN ('source', 'person')", name="subject_type"),
        CheckConstraint("scope IN ('publication', 'name', 'partners', 'statistics')",
                        name="scope"),
        CheckConstraint("decision IN ('given', 'refused', 'withdrawn')", name="decision"),
        Index("ix_consent_entries_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(8))
    subject_id: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(12))
    decision: Mapped[str] = mapped_column(String(10))
    # For 'partners': the organisations named (e.g. "UN OHCHR Seoul"), else empty.
    partners: Mapped[list[Any]] = mapped_column(default=list)
    # When the witness agreed or withdrew (their words may predate the entry), and how.
    decided_on: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustodyEntry(Base):
    """One step of a source's chain of custody: who received it, how, from whom, when, and
    the hash of what was received. Append-only like consent entries, and each entry is in
    the audit hash chain (its state digest is checked by ``sillok audit verify``)."""

    __tablename__ = "custody_entries"
    __table_args__ = (
        CheckConstraint("action IN ('received', 'transferred', 'copied', 'returned', "
                        "'destroyed', 'other')", name="action"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    action: Mapped[str] = mapped_column(String(12))
    # in_person, email, messenger, post, download, upload, cli, api, other
    method: Mapped[str] = mapped_column(String(12))
    from_party: Mapped[str] = mapped_column(Text, default="")
    to_party: Mapped[str] = mapped_column(Text, default="")
    # When it happened, as the person recording it says (defaults to the recording time).
    happened_at: Mapped[datetime] = mapped_column(default=utcnow)
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


# The workspace's own tables, on the same metadata (re-exported: ``models.Assignment``).
# The analysts' tables (linkage decisions, published estimates), likewise.
from sillok.db.analysis_models import LinkageDecision, PublishedEstimate  # noqa: E402
from sillok.db.workspace_models import Assignment, SavedSearch, WithheldCitation  # noqa: E402

__all__ = ["Assignment", "LinkageDecision", "PublishedEstimate", "SavedSearch",
           "WithheldCitation"]
