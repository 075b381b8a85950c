"""Settings from environment variables (prefix RENUBU_) and an optional `.env` file."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RENUBU_", env_file=".env", extra="ignore")

    # Fail closed: production unless `./dev up` or the tests say dev (core/production.py lists what it refuses).
    env: Literal["dev", "production"] = "production"
    data_dir: Path = ROOT / "data"
    database_url: str = ""  # empty: SQLite file under data_dir

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    # How long Temporal keeps closed workflows (set by bootstrap, core/retention.py; 0: leave the namespace's).
    temporal_retention_days: int = Field(30, ge=0, le=3650)
    temporal_ui_url: str = "http://127.0.0.1:8233"
    # Temporal behind the door: mTLS (client cert and key, and the server's CA) or a Temporal Cloud API key.
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_tls_ca: Path | None = None
    temporal_api_key: SecretStr | None = None
    # Payloads encrypted with AES-GCM when set: "key-id:base64-key,..." (32-byte keys); the first encrypts,
    # all decrypt, so a key is rotated by putting a new one first and dropping the old once nothing uses it.
    payload_keys: SecretStr | None = None
    task_queue: str = "renubu"
    # Workflows kept in the worker's memory (~0.2 MB each); beyond it a waking workflow is replayed first.
    worker_max_cached_workflows: int = 5000
    # Prometheus endpoints (port 0: none). `./dev up` gives worker n the port + n - 1.
    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = 9401
    api_metrics_host: str = "127.0.0.1"
    api_metrics_port: int = 9400
    otlp_endpoint: str = ""  # an OTLP/HTTP collector (e.g. http://127.0.0.1:4318): traces; empty: none

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    session_secret: SecretStr = SecretStr("dev-session-secret-change-me")
    secure_cookies: bool = False
    # Request bodies larger than these get 413 before the rest is read (webhooks are small and unauthenticated
    # until their signature is checked, so they get the tighter limit).
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    webhook_max_body_bytes: int = Field(64 * 1024, ge=1024)

    salesforce_base_url: str = "http://127.0.0.1:8100/salesforce"
    salesforce_api_version: str = "v60.0"
    salesforce_client_id: str = "renubu-local"
    salesforce_client_secret: SecretStr = SecretStr("renubu-local-secret")

    active_base_url: str = "http://127.0.0.1:8100/active"
    active_api_key: SecretStr = SecretStr("active-local-key")
    active_webhook_secret: SecretStr = SecretStr("active-webhook-secret")
    active_signature_tolerance_s: int = 300

    clubos_base_url: str = "http://127.0.0.1:8100/clubos"
    clubos_api_key: SecretStr = SecretStr("clubos-local-key")
    clubos_club_id: str = "club-riverside"
    clubos_webhook_secret: SecretStr = SecretStr("clubos-webhook-secret")
    inbox_poll_interval_s: float = 10.0  # how often the inbox sync polls ClubOS (1 to 3600)

    # Manager notifications besides the dashboard: email when smtp_host is set, Slack when a webhook is.
    smtp_host: str = "127.0.0.1"  # the sandbox's SMTP sink by default
    smtp_port: int = 8125
    smtp_from: str = "Renubu <renubu@renubu.demo>"
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    slack_webhook_url: str = ""

    club_name: str = "Anytime Fitness Riverside"
    club_timezone: str = "America/New_York"
    approval_ttl_hours: float = 24.0
    collections_email: str = "referrals@collections-partner.demo"
    reminder_window_days: int = 3  # proactive messages: never twice to the same person within this window
    # Agent policy (rules.policy.Limits): model-written text to more recipients than this in a run needs approval;
    # per club day, across runs: door changes and recipients per agent, messages per member from all agents.
    agent_model_text_limit: int = Field(10, ge=0)
    agent_door_changes_per_day: int = Field(10, ge=0)
    agent_recipients_per_day: int = Field(100, ge=0)
    agent_messages_per_member_per_day: int = Field(2, ge=1)
    csm_capacity: int = Field(30, ge=1)  # open renewals a CSM can carry; the manager home's load chart marks it

    # Nurture journeys: at most `nurture_cap` messages per lead per window, across channels and journeys,
    # and none in the lead's quiet hours (local time).
    nurture_cap: int = 3
    nurture_cap_window_s: int = 24 * 3600
    quiet_hours_start: int = 21
    quiet_hours_end: int = 8
    # A journey held by the kill switch waits for the signal that lifting it sends; in case that signal is lost
    # (the API stopped between lifting and signalling) it also asks again after recheck_s, doubling up to max_s.
    kill_switch_recheck_s: float = 60.0
    kill_switch_recheck_max_s: float = 3600.0
    booking_url: str = "https://book.riverside-fitness.demo/tour"
    nurture_time_scale: float = 1.0  # <1 shortens journey waits (a demo: 1/1440 makes a day a minute)
    intake_webhook_secret: SecretStr = SecretStr("intake-webhook-secret")

    http_timeout_s: float = 10.0
    # Managers get one notification per outage once work has waited this long for an outside system.
    downstream_alert_after_s: float = 600.0

    # The LLM: without a key the offline analyser runs and everything says so.
    anthropic_api_key: SecretStr | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    anthropic_base_url: str | None = Field(default=None, validation_alias="ANTHROPIC_BASE_URL")
    llm_model: str = "claude-sonnet-4-6"
    llm_timeout_s: float = 60.0
    llm_max_tokens: int = 2048

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'renubu.db'}"

    @property
    def agent_run_timeout(self) -> timedelta:
        """An agent run ends (timed out) after its approvals' lifetime plus an hour of work, however it is stuck;
        so a stuck run cannot hold its schedule's slot (overlap SKIP) for ever."""
        return timedelta(seconds=self.approval_ttl_s) + timedelta(hours=1)

    @property
    def approval_ttl_s(self) -> int:
        """approval_ttl_hours in whole seconds, as workflow inputs carry it (workflows cannot read settings)."""
        return max(1, round(self.approval_ttl_hours * 3600))

    @property
    def llm_enabled(self) -> bool:
        return self.anthropic_api_key is not None and bool(self.anthropic_api_key.get_secret_value())


@lru_cache
def get_settings() -> Settings:
    return Settings()
