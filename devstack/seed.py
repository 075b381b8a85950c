"""Demo data for the local stack: users (CSMs synced from the sandbox's
Salesforce), then one customer-update signal per account through the real,
signed webhook. Event ids are fixed, so running it twice adds nothing."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import UTC, datetime

import httpx

from api.signatures import sign
from clients.active import ActiveClient, ActiveCustomer
from clients.salesforce import SalesforceClient
from core.settings import Settings
from db import users
from db.engine import Database

DEMO_PASSWORD = users.DEMO_PASSWORD
MANAGER = ("maria.lopez@renubu.demo", "Maria Lopez")
OPERATOR = ("omar.haddad@renubu.demo", "Omar Haddad")
DEMO_EVENT_PREFIX = "demo-v1"
log = logging.getLogger("renubu.seed")


class SeedingRefused(RuntimeError):
    pass


def refuse_in_production(settings: Settings) -> None:
    """Demo users share one published password and demo signals are made up: never in production."""
    if settings.env == "production":
        raise SeedingRefused("demo seeding refused: RENUBU_ENV=production")


async def seed_users(settings: Settings, db: Database) -> list[str]:
    refuse_in_production(settings)
    async with SalesforceClient.from_settings(settings) as salesforce:
        csms = await salesforce.list_csms()
    async with db.transaction() as session:
        await users.ensure_user(session, email=MANAGER[0], name=MANAGER[1], role="manager", password=DEMO_PASSWORD)
        await users.ensure_user(session, email=OPERATOR[0], name=OPERATOR[1], role="operator", password=DEMO_PASSWORD)
        for csm in csms:
            await users.ensure_user(
                session,
                email=csm.email,
                name=csm.name,
                role="csm",
                password=DEMO_PASSWORD,
                experience=csm.experience,
            )
    return [c.email for c in csms]


def signed_request(settings: Settings, payload: dict[str, object]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    ts = int(time.time())
    return body, {
        "content-type": "application/json",
        "x-active-event-id": str(payload["event_id"]),
        "x-active-timestamp": str(ts),
        "x-active-signature": sign(settings.active.webhook_secret.get_secret_value(), ts, body),
    }


async def seed_signals(settings: Settings, api_url: str, concurrency: int = 16) -> dict[str, int]:
    """One signal per Active customer, posted to the Active webhook of the API at `api_url`;
    returns counts of accepted / duplicate / failed."""
    refuse_in_production(settings)
    async with ActiveClient.from_settings(settings) as active:
        customers = await active.list_customers()
    counts = {"accepted": 0, "duplicate": 0, "failed": 0}
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=30) as http:

        async def post(customer: ActiveCustomer) -> None:
            payload = {
                "event_id": f"{DEMO_EVENT_PREFIX}-{customer.id}",
                "type": "customer.risk_signal",
                "occurred_at": datetime.now(UTC).isoformat(),
                "customer": {"id": customer.id, "name": customer.name},
                "signals": {"risk_score": customer.risk_score, "usage_change_pct": customer.usage_change_pct},
            }
            body, headers = signed_request(settings, payload)
            async with gate:
                response = await http.post(f"{api_url}/webhooks/active/customer-update", content=body, headers=headers)
            if response.status_code == 202:
                counts["accepted"] += 1
            elif response.status_code == 200:
                counts["duplicate"] += 1
            else:
                counts["failed"] += 1
                log.warning("demo signal for %s failed: %s %s", customer.id, response.status_code, response.text)

        await asyncio.gather(*(post(c) for c in customers))
    return counts
