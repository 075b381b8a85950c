from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class WebhookEvent(Base):
    """Inbound webhook event ids, so a redelivered event is recognised."""

    __tablename__ = "webhook_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Customer(Base):
    """Latest known snapshot of a customer (from Active + Salesforce)."""

    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    salesforce_id: Mapped[str | None] = mapped_column(String(40))
    arr: Mapped[float] = mapped_column(default=0.0)
    renewal_date: Mapped[date | None] = mapped_column(Date)
    account_plan: Mapped[str | None] = mapped_column(String(20))
    owner_email: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CustomerIntelligence(Base):
    """One analysis per signal; history is kept, the newest row is current."""

    __tablename__ = "customer_intelligence"
    __table_args__ = (Index("ix_customer_intelligence_customer_created", "customer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    risk_score: Mapped[int]
    health_score: Mapped[int]
    sentiment: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    trends: Mapped[dict[str, Any]]
    insights: Mapped[list[Any]]
    recommendations: Mapped[list[Any]]
    source: Mapped[str] = mapped_column(String(120))  # human label: which model, or the offline analyser
    from_model: Mapped[bool]  # False: the offline analyser produced it
    source_note: Mapped[str | None] = mapped_column(Text)
    input_tokens: Mapped[int] = mapped_column(default=0)
    output_tokens: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float] = mapped_column(default=0.0)
    context: Mapped[dict[str, Any]]  # the enriched data the analysis saw
    signal: Mapped[dict[str, Any]]  # the Active payload
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FailedSignal(Base):
    """A risk signal whose processing failed for good (bad data, e.g. a Salesforce record that does not parse), kept
    with its payload so a manager can retry it once the data is fixed. Resolved when a retry goes through."""

    __tablename__ = "failed_signals"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)  # the original event's id
    customer_id: Mapped[str] = mapped_column(String(100))
    signal: Mapped[dict[str, Any]]
    reason: Mapped[str] = mapped_column(String(500))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    retries: Mapped[int] = mapped_column(default=0)
    retried_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
