"""The sandbox's settings, from environment variables (prefix RENUBU_) and an optional `.env` file.

The sandbox stands in for systems Renubu talks to, so some values are the two sides of one
agreement: the credentials Renubu presents and the sandbox accepts, the secrets the sandbox signs
with and Renubu verifies. Those are read from the same variable names Renubu reads (e.g.
RENUBU_ACTIVE_WEBHOOK_SECRET), so one environment configures both; the sandbox imports nothing of
Renubu's to do it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RENUBU_", env_file=".env", extra="ignore")

    # The sandbox's own.
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = 8100  # the SMTP sink listens on this + 25
    sandbox_admin_token: SecretStr = SecretStr("sandbox-admin")  # X-Sandbox-Admin for /_sandbox/...
    sandbox_seed: int = 42
    sandbox_accounts: int = 240  # seeded Salesforce accounts (benchmarks raise it)
    sandbox_rate_limit_per_s: float = 200.0  # per API credential; 429 + Retry-After past it
    active_emit_interval_s: float = 0.0  # >0: Active sends a customer update this often
    clubos_inbound_interval_s: float = 0.0  # >0: a simulated member writes in this often
    # Where it posts: Active's customer updates, ClubOS's message push, the Mail tab's tracking
    # events, the Leads tab's website form (all Renubu's API in development).
    active_webhook_url: str = "http://127.0.0.1:8000/webhooks/active/customer-update"
    clubos_webhook_url: str = "http://127.0.0.1:8000/webhooks/clubos/messages"
    engagement_webhook_url: str = "http://127.0.0.1:8000/webhooks/events"
    lead_intake_url: str = "http://127.0.0.1:8000/webhooks/lead"

    # Shared with Renubu, under the same names.
    data_dir: Path | None = None  # the sandbox keeps its state in <data_dir>/sandbox.db; unset: in memory only
    salesforce_api_version: str = "v60.0"
    salesforce_client_id: str = "renubu-local"
    salesforce_client_secret: SecretStr = SecretStr("renubu-local-secret")
    active_api_key: SecretStr = SecretStr("active-local-key")
    active_webhook_secret: SecretStr = SecretStr("active-webhook-secret")
    clubos_base_url: str = "http://127.0.0.1:8100/clubos"  # the base of the payment links it hands out
    clubos_api_key: SecretStr = SecretStr("clubos-local-key")
    clubos_club_id: str = "club-riverside"
    clubos_webhook_secret: SecretStr = SecretStr("clubos-webhook-secret")
    intake_webhook_secret: SecretStr = SecretStr("intake-webhook-secret")
    http_timeout_s: float = 10.0
    log_level: str = "INFO"

    @property
    def state_file(self) -> Path | None:
        return None if self.data_dir is None else self.data_dir / "sandbox.db"


@lru_cache
def get_settings() -> SandboxSettings:
    return SandboxSettings()
