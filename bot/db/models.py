"""The data model: users, ateliers, briefs, introductions, the delivery outbox, feedback,
quotes and orders with their transition log, and the files people send (a brief's pack, an
atelier's portfolio)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, utcnow
from bot.orders.lifecycle import OrderState


def _values_check(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in enum)})"


class Role(StrEnum):
    DESIGNER = "designer"
    ATELIER = "atelier"


class BriefState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    MATCHED = "matched"
    PAUSED = "paused"
    CLOSED = "closed"


class IntroState(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class DeliveryState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class FileKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


class FilePurpose(StrEnum):
    BRIEF = "brief"  # a brief's pack: tech pack, sketches, reference photos
    PORTFOLIO = "portfolio"  # photos of an atelier's work and workshop


class QuantityUnit(StrEnum):
    """What a quantity counts: pieces per style, per colourway of a style, per size of it."""

    STYLE = "style"
    COLOUR = "colour"
    SIZE = "size"


class AtelierSource(StrEnum):
    IMPORT = "import"
    BOT = "bot"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IS NULL OR " + _values_check("role", Role), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null once the person has asked us to delete their data.
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    contact: Mapped[str | None] = mapped_column(String(256))
    reachable: Mapped[bool] = mapped_column(default=True)
    digest_opt_in: Mapped[bool] = mapped_column(default=True)
    deleted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_seen_at: Mapped[datetime | None]
    # Weekly digest: the ISO week ("2026-W48") last planned, and the moment its content covered.
    digest_week: Mapped[str | None] = mapped_column(String(10))
    last_digest_at: Mapped[datetime | None]


class Atelier(Base):
    __tablename__ = "ateliers"
    __table_args__ = (
        CheckConstraint("moq >= 1", name="moq_positive"),
        CheckConstraint("max_batch >= moq", name="max_batch_ge_moq"),
        CheckConstraint("monthly_capacity >= 0", name="capacity_non_negative"),
        CheckConstraint("lead_time_weeks >= 1", name="lead_time_positive"),
        CheckConstraint("handwork_share BETWEEN 0 AND 100", name="handwork_share_percent"),
        CheckConstraint(_values_check("source", AtelierSource), name="source"),
        CheckConstraint(_values_check("moq_per", QuantityUnit), name="moq_per"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(100), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    specialties: Mapped[list[str]] = mapped_column(default=list)
    materials: Mapped[list[str]] = mapped_column(default=list)
    techniques: Mapped[list[str]] = mapped_column(default=list)
    moq: Mapped[int]
    # What the minimum counts: pieces per style, per colour or per size.
    moq_per: Mapped[str] = mapped_column(
        String(8), default=QuantityUnit.STYLE, server_default=QuantityUnit.STYLE.value
    )
    max_batch: Mapped[int]  # the most pieces of one style it takes on
    monthly_capacity: Mapped[int] = mapped_column(default=0)
    lead_time_weeks: Mapped[int]
    handwork_share: Mapped[int] = mapped_column(default=0)
    certifications: Mapped[list[str]] = mapped_column(default=list)
    languages: Mapped[list[str]] = mapped_column(default=list)
    contact: Mapped[str] = mapped_column(String(256), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Taxonomy ids the matcher understood from the free text, kept for queries and digests.
    category_ids: Mapped[list[str]] = mapped_column(default=list)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(16), default=AtelierSource.IMPORT)
    verified: Mapped[bool] = mapped_column(default=True)
    paused: Mapped[bool] = mapped_column(default=False)
    listed: Mapped[bool] = mapped_column(default=True)
    available_capacity: Mapped[int | None]
    capacity_confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])


class AtelierChange(Base):
    """The registry's change log, appended by database triggers (migration 0003) whenever an
    atelier or its feedback changes; match indexes catch up by reading past their last id."""

    __tablename__ = "atelier_changes"
    # AUTOINCREMENT on SQLite: ids are never reused, even after the newest rows are pruned.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    atelier_id: Mapped[int]
    changed_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())


class MatchIndexSnapshot(Base):
    """The match index as last built, in parts of 1 MiB (bot/registry/snapshots.py):
    a process that starts reads it instead of understanding every atelier again, when it was
    taken at a change-log id the log still covers and by the same matching code. Part 0 is
    the directory (the watermark and fingerprint of the snapshot in use and which parts hold
    it); parts it does not name are a store in progress or the left-overs of a stopped one."""

    __tablename__ = "match_index_snapshots"

    part: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    watermark: Mapped[int] = mapped_column(BigInteger)  # the change-log id it was taken at
    fingerprint: Mapped[str] = mapped_column(String(64))  # of the matching code and data
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Brief(Base):
    __tablename__ = "briefs"
    __table_args__ = (
        CheckConstraint(_values_check("state", BriefState), name="state"),
        CheckConstraint("quantity IS NULL OR quantity >= 1", name="quantity_positive"),
        CheckConstraint(_values_check("quantity_per", QuantityUnit), name="quantity_per"),
        CheckConstraint("colourways >= 1", name="colourways_positive"),
        CheckConstraint("sizes >= 1", name="sizes_positive"),
        Index("ix_briefs_state_confirmed_at", "state", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    designer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default=BriefState.DRAFT)
    language: Mapped[str] = mapped_column(String(8), default="en")
    product_text: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(64))
    materials: Mapped[list[str]] = mapped_column(default=list)
    # What the designer asked for, counted per `quantity_per` (style, colour or size): the
    # number, or the two ends of a range ("150-250"; `quantity_high` is None when exact).
    quantity: Mapped[int | None]
    quantity_high: Mapped[int | None]
    quantity_per: Mapped[str] = mapped_column(
        String(8), default=QuantityUnit.STYLE, server_default=QuantityUnit.STYLE.value
    )
    styles: Mapped[int | None]
    colourways: Mapped[int | None]  # per style; None when not asked (one)
    sizes: Mapped[int | None]  # per colourway; 1 is one size; None when not asked (one)
    size_range: Mapped[str | None] = mapped_column(String(64))  # as written: "XS-XL", "one size"
    deadline: Mapped[date | None] = mapped_column(Date)
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(100))
    min_handwork_share: Mapped[int | None]
    certifications: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    designer: Mapped[User | None] = relationship()


class IntroRequest(Base):
    __tablename__ = "intro_requests"
    __table_args__ = (
        UniqueConstraint("brief_id", "atelier_id", name="uq_intro_requests_brief_atelier"),
        CheckConstraint(_values_check("state", IntroState), name="state"),
        CheckConstraint("initiated_by IN ('designer', 'atelier')", name="initiated_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"), index=True)
    atelier_id: Mapped[int] = mapped_column(
        ForeignKey("ateliers.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default=IntroState.REQUESTED)
    initiated_by: Mapped[str] = mapped_column(String(16), default="designer")
    score: Mapped[float | None]
    decline_reason: Mapped[str | None] = mapped_column(String(32))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    brief: Mapped[Brief] = relationship()
    atelier: Mapped[Atelier] = relationship()


class Delivery(Base):
    """The outbox: one row per message that must reach someone at or after `due_at`."""

    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint(_values_check("state", DeliveryState), name="state"),
        Index("ix_deliveries_state_due_at", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Makes scheduling idempotent: the same fact never schedules the same message twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        UniqueConstraint("intro_id", "from_user_id", name="uq_feedback_intro_from_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intro_id: Mapped[int] = mapped_column(ForeignKey("intro_requests.id", ondelete="CASCADE"))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    atelier_id: Mapped[int] = mapped_column(
        ForeignKey("ateliers.id", ondelete="CASCADE"), index=True
    )
    stars: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationState(Base):
    """Where each user is in a conversation and their unsaved answers, so restarts resume."""

    __tablename__ = "conversation_states"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class QuoteState(StrEnum):
    OPEN = "open"  # sent, the designer has not decided
    SUPERSEDED = "superseded"  # a newer version replaced it (kept, for the record)
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the introduction or the brief ended before a decision


class Quote(Base):
    """An atelier's offer for one introduction; a re-quote adds the next version and marks the
    previous one superseded, so every version stays on record."""

    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("intro_id", "version", name="uq_quotes_intro_version"),
        CheckConstraint(_values_check("state", QuoteState), name="state"),
        CheckConstraint(_values_check("moq_per", QuantityUnit), name="moq_per"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("unit_price > 0 AND sample_price > 0", name="prices_positive"),
        CheckConstraint("sample_days >= 1 AND lead_time_weeks >= 1", name="times_positive"),
        CheckConstraint("quantity >= 1 AND moq >= 1", name="quantities_positive"),
        Index("ix_quotes_brief_state", "brief_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intro_id: Mapped[int] = mapped_column(
        ForeignKey("intro_requests.id", ondelete="CASCADE"), index=True
    )
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"))
    atelier_id: Mapped[int] = mapped_column(
        ForeignKey("ateliers.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(16), default=QuoteState.OPEN)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    sample_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    sample_days: Mapped[int]
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # Other quantities' unit prices: [{"quantity": 150, "unit_price": "38.00"}], at most two.
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    moq: Mapped[int]
    moq_per: Mapped[str] = mapped_column(String(8), default=QuantityUnit.STYLE)
    # [{"label": "labels and packing", "amount": "120.00"}]
    extra_costs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    lead_time_weeks: Mapped[int]
    valid_until: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    shortlisted: Mapped[bool] = mapped_column(default=False)
    decline_reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]


class Order(Base):
    """An accepted quote on its way to a delivered order; `state` follows bot/orders/lifecycle.py
    and every change is a row of `order_events`."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(_values_check("state", OrderState), name="state"),
        CheckConstraint("sample_round >= 1", name="sample_round_positive"),
        Index("ix_orders_brief_id", "brief_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), unique=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"))
    atelier_id: Mapped[int] = mapped_column(
        ForeignKey("ateliers.id", ondelete="CASCADE"), index=True
    )
    intro_id: Mapped[int] = mapped_column(ForeignKey("intro_requests.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(24), default=OrderState.SAMPLING)
    sample_round: Mapped[int] = mapped_column(default=1)
    # When the current sample was promised (the quote's turnaround from the order or the
    # last change request).
    sample_due: Mapped[date | None] = mapped_column(Date)
    # The cutting ticket: {"total": 80, "delivery": "2027-03-01",
    #  "lines": [{"colourway": "navy", "size": "M", "quantity": 20}, ...]}
    ticket: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    confirmed_by: Mapped[list[str]] = mapped_column(default=list)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    split: Mapped[bool] = mapped_column(default=False)
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OrderEvent(Base):
    """The transition log: who moved an order from which state to which, when, and why."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FileRef(Base):
    """A file someone sent, kept as Telegram's reference (never the bytes): a brief's pack (or the
    pack of an interview in progress: no brief yet, only its owner) or an atelier's portfolio (or
    the portfolio of a registration in progress: no atelier yet, only its owner).

    `file_id` is what Telegram sends again without an upload; an imported portfolio may hold an
    https URL there instead, which Telegram fetches itself. Position 0 of a portfolio is its cover.
    """

    __tablename__ = "file_refs"
    __table_args__ = (
        CheckConstraint(_values_check("kind", FileKind), name="kind"),
        CheckConstraint(_values_check("purpose", FilePurpose), name="purpose"),
        CheckConstraint(
            "(purpose = 'portfolio' AND brief_id IS NULL AND "
            "(atelier_id IS NOT NULL OR owner_id IS NOT NULL)) OR "
            "(purpose = 'brief' AND atelier_id IS NULL)",
            name="one_home",
        ),
        CheckConstraint("size IS NULL OR size >= 0", name="size_non_negative"),
        Index("ix_file_refs_owner_id_purpose", "owner_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    # Who sent it; with no brief yet, the pack of their interview in progress.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    brief_id: Mapped[int | None] = mapped_column(
        ForeignKey("briefs.id", ondelete="CASCADE"), index=True
    )
    atelier_id: Mapped[int | None] = mapped_column(
        ForeignKey("ateliers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(512))
    file_unique_id: Mapped[str | None] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(String(256))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None]
    caption: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
