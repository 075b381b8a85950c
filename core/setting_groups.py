"""The groups of Renubu's settings (core/settings.py reads them from the environment)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr


@dataclass(frozen=True)
class Var:
    """The environment variable of a field whose name is not its group's prefix + the field's name."""

    name: str


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt override fails instead of being ignored
    prefix: ClassVar[str] = "RENUBU_"


class DatabaseSettings(Group):
    prefix = "RENUBU_DATABASE_"
    url: str = ""  # empty: SQLite file under data_dir (Settings.resolved_database_url)


class TemporalSettings(Group):
    prefix = "RENUBU_TEMPORAL_"
    address: str = "127.0.0.1:7233"
    namespace: str = "default"
    # How long Temporal keeps closed workflows (set by bootstrap, core/retention.py; 0: leave the namespace's).
    retention_days: int = Field(30, ge=0, le=3650)
    ui_url: str = "http://127.0.0.1:8233"
    # Temporal behind the door: mTLS (client cert and key, and the server's CA) or a Temporal Cloud API key.
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_ca: Path | None = None
    api_key: SecretStr | None = None
    # Payloads encrypted with AES-GCM when set: "key-id:base64-key,..." (32-byte keys); the first encrypts,
    # all decrypt, so a key is rotated by putting a new one first and dropping the old once nothing uses it.
    payload_keys: Annotated[SecretStr | None, Var("RENUBU_PAYLOAD_KEYS")] = None
    task_queue: Annotated[str, Var("RENUBU_TASK_QUEUE")] = "renubu"
    # Workflows kept in the worker's memory (~0.2 MB each); beyond it a waking workflow is replayed first.
    max_cached_workflows: Annotated[int, Var("RENUBU_WORKER_MAX_CACHED_WORKFLOWS")] = 2000


class ObservabilitySettings(Group):
    # Prometheus endpoints (port 0: none). `./dev up` gives worker n the port + n - 1.
    api_metrics_host: str = "127.0.0.1"
    api_metrics_port: int = 9400
    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = 9401
    otlp_endpoint: str = ""  # an OTLP/HTTP collector (e.g. http://127.0.0.1:4318): traces; empty: none


class ApiSettings(Group):
    host: Annotated[str, Var("RENUBU_API_HOST")] = "127.0.0.1"
    port: Annotated[int, Var("RENUBU_API_PORT")] = 8000
    public_url: str = "http://127.0.0.1:8000"
    session_secret: SecretStr = SecretStr("dev-session-secret-change-me")
    secure_cookies: bool = False
    # Request bodies larger than these get 413 before the rest is read (webhooks are small and unauthenticated
    # until their signature is checked, so they get the tighter limit).
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    webhook_max_body_bytes: int = Field(64 * 1024, ge=1024)


class SalesforceSettings(Group):
    prefix = "RENUBU_SALESFORCE_"
    base_url: str = "http://127.0.0.1:8100/salesforce"
    api_version: str = "v60.0"
    client_id: str = "renubu-local"
    client_secret: SecretStr = SecretStr("renubu-local-secret")


class ActiveSettings(Group):
    prefix = "RENUBU_ACTIVE_"
    base_url: str = "http://127.0.0.1:8100/active"
    api_key: SecretStr = SecretStr("active-local-key")
    webhook_secret: SecretStr = SecretStr("active-webhook-secret")
    signature_tolerance_s: int = 300


class ClubOSSettings(Group):
    prefix = "RENUBU_CLUBOS_"
    base_url: str = "http://127.0.0.1:8100/clubos"
    api_key: SecretStr = SecretStr("clubos-local-key")
    club_id: str = "club-riverside"
    webhook_secret: SecretStr = SecretStr("clubos-webhook-secret")
    # How often the inbox sync polls ClubOS (1 to 3600).
    inbox_poll_interval_s: Annotated[float, Var("RENUBU_INBOX_POLL_INTERVAL_S")] = 10.0


class DownstreamSettings(Group):
    """Calls to the outside systems (Salesforce, Active, ClubOS)."""

    http_timeout_s: float = 10.0
    # Managers get one notification per outage once work has waited this long for an outside system.
    alert_after_s: Annotated[float, Var("RENUBU_DOWNSTREAM_ALERT_AFTER_S")] = 600.0


class NotifySettings(Group):
    # Manager notifications besides the dashboard: email when smtp_host is set, Slack when a webhook is.
    smtp_host: str = "127.0.0.1"  # the sandbox's SMTP sink by default
    smtp_port: int = 8125
    smtp_from: str = "Renubu <renubu@renubu.demo>"
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    slack_webhook_url: str = ""


class LLMSettings(Group):
    """The LLM: without a key the offline analyser runs and everything says so."""

    prefix = "RENUBU_LLM_"
    anthropic_api_key: Annotated[SecretStr | None, Var("ANTHROPIC_API_KEY")] = None
    anthropic_base_url: Annotated[str | None, Var("ANTHROPIC_BASE_URL")] = None
    model: str = "claude-sonnet-4-6"
    timeout_s: float = 60.0
    max_tokens: int = 2048

    @property
    def enabled(self) -> bool:
        return self.anthropic_api_key is not None and bool(self.anthropic_api_key.get_secret_value())


class ClubSettings(Group):
    prefix = "RENUBU_CLUB_"
    name: str = "Anytime Fitness Riverside"
    timezone: str = "America/New_York"
    approval_ttl_hours: Annotated[float, Var("RENUBU_APPROVAL_TTL_HOURS")] = 24.0
    # Open renewals a CSM can carry; the manager home's load chart marks it.
    csm_capacity: Annotated[int, Var("RENUBU_CSM_CAPACITY"), Field(ge=1)] = 30

    @property
    def approval_ttl_s(self) -> int:
        """approval_ttl_hours in whole seconds, as workflow inputs carry it (workflows cannot read settings)."""
        return max(1, round(self.approval_ttl_hours * 3600))


class AgentLimits(Group):
    """Agent policy (rules.policy.Limits): model-written text to more recipients than model_text_limit in a run
    needs approval; per club day, across runs: door changes and recipients per agent, messages per member from all
    agents."""

    prefix = "RENUBU_AGENT_"
    model_text_limit: int = Field(10, ge=0)
    door_changes_per_day: int = Field(10, ge=0)
    recipients_per_day: int = Field(100, ge=0)
    messages_per_member_per_day: int = Field(2, ge=1)
    # Proactive messages: never twice to the same person within this window.
    reminder_window_days: Annotated[int, Var("RENUBU_REMINDER_WINDOW_DAYS")] = 3
    collections_email: Annotated[str, Var("RENUBU_COLLECTIONS_EMAIL")] = "referrals@collections-partner.demo"


class JourneySettings(Group):
    # Nurture journeys: at most `cap` messages per lead per window, across channels and journeys, and none in the
    # lead's quiet hours (local time).
    cap: Annotated[int, Var("RENUBU_NURTURE_CAP")] = 3
    cap_window_s: Annotated[int, Var("RENUBU_NURTURE_CAP_WINDOW_S")] = 24 * 3600
    quiet_hours_start: int = 21
    quiet_hours_end: int = 8
    # A journey held by the kill switch waits for the signal that lifting it sends; in case that signal is lost
    # (the API stopped between lifting and signalling) it also asks again after recheck_s, doubling up to max_s.
    kill_switch_recheck_s: float = 60.0
    kill_switch_recheck_max_s: float = 3600.0
    booking_url: str = "https://book.riverside-fitness.demo/tour"
    # <1 shortens journey waits (a demo: 1/1440 makes a day a minute).
    time_scale: Annotated[float, Var("RENUBU_NURTURE_TIME_SCALE")] = 1.0
    intake_webhook_secret: SecretStr = SecretStr("intake-webhook-secret")
