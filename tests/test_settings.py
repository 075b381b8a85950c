"""Settings are grouped by concern, but every environment variable keeps its name: each one, set alone, lands in
exactly its group's field; overrides win over the environment; production still names the variables to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from core.production import problems
from core.settings import VARIABLES, JourneySettings, Settings, lookup

# Every setting: its variable (as it has always been named), where it lands, a value to set, what it reads as.
TABLE = [
    ("RENUBU_ENV", "env", "dev", "dev"),
    ("RENUBU_DATA_DIR", "data_dir", "/tmp/renubu-data", Path("/tmp/renubu-data")),
    ("RENUBU_DATABASE_URL", "database.url", "set-by-env", "set-by-env"),
    ("RENUBU_TEMPORAL_ADDRESS", "temporal.address", "set-by-env", "set-by-env"),
    ("RENUBU_TEMPORAL_NAMESPACE", "temporal.namespace", "set-by-env", "set-by-env"),
    ("RENUBU_TEMPORAL_RETENTION_DAYS", "temporal.retention_days", "7", 7),
    ("RENUBU_TEMPORAL_UI_URL", "temporal.ui_url", "set-by-env", "set-by-env"),
    ("RENUBU_TEMPORAL_TLS_CERT", "temporal.tls_cert", "/etc/renubu/x.pem", Path("/etc/renubu/x.pem")),
    ("RENUBU_TEMPORAL_TLS_KEY", "temporal.tls_key", "/etc/renubu/x.pem", Path("/etc/renubu/x.pem")),
    ("RENUBU_TEMPORAL_TLS_CA", "temporal.tls_ca", "/etc/renubu/x.pem", Path("/etc/renubu/x.pem")),
    ("RENUBU_TEMPORAL_API_KEY", "temporal.api_key", "set-by-env", "set-by-env"),
    ("RENUBU_PAYLOAD_KEYS", "temporal.payload_keys", "set-by-env", "set-by-env"),
    ("RENUBU_TASK_QUEUE", "temporal.task_queue", "set-by-env", "set-by-env"),
    ("RENUBU_WORKER_MAX_CACHED_WORKFLOWS", "temporal.max_cached_workflows", "7", 7),
    ("RENUBU_API_METRICS_HOST", "observability.api_metrics_host", "set-by-env", "set-by-env"),
    ("RENUBU_API_METRICS_PORT", "observability.api_metrics_port", "7", 7),
    ("RENUBU_WORKER_METRICS_HOST", "observability.worker_metrics_host", "set-by-env", "set-by-env"),
    ("RENUBU_WORKER_METRICS_PORT", "observability.worker_metrics_port", "7", 7),
    ("RENUBU_OTLP_ENDPOINT", "observability.otlp_endpoint", "set-by-env", "set-by-env"),
    ("RENUBU_API_HOST", "api.host", "set-by-env", "set-by-env"),
    ("RENUBU_API_PORT", "api.port", "7", 7),
    ("RENUBU_PUBLIC_URL", "api.public_url", "set-by-env", "set-by-env"),
    ("RENUBU_SESSION_SECRET", "api.session_secret", "set-by-env", "set-by-env"),
    ("RENUBU_SECURE_COOKIES", "api.secure_cookies", "true", True),
    ("RENUBU_MAX_BODY_BYTES", "api.max_body_bytes", "4096", 4096),
    ("RENUBU_WEBHOOK_MAX_BODY_BYTES", "api.webhook_max_body_bytes", "4096", 4096),
    ("RENUBU_SALESFORCE_BASE_URL", "salesforce.base_url", "set-by-env", "set-by-env"),
    ("RENUBU_SALESFORCE_API_VERSION", "salesforce.api_version", "set-by-env", "set-by-env"),
    ("RENUBU_SALESFORCE_CLIENT_ID", "salesforce.client_id", "set-by-env", "set-by-env"),
    ("RENUBU_SALESFORCE_CLIENT_SECRET", "salesforce.client_secret", "set-by-env", "set-by-env"),
    ("RENUBU_ACTIVE_BASE_URL", "active.base_url", "set-by-env", "set-by-env"),
    ("RENUBU_ACTIVE_API_KEY", "active.api_key", "set-by-env", "set-by-env"),
    ("RENUBU_ACTIVE_WEBHOOK_SECRET", "active.webhook_secret", "set-by-env", "set-by-env"),
    ("RENUBU_ACTIVE_SIGNATURE_TOLERANCE_S", "active.signature_tolerance_s", "7", 7),
    ("RENUBU_CLUBOS_BASE_URL", "clubos.base_url", "set-by-env", "set-by-env"),
    ("RENUBU_CLUBOS_API_KEY", "clubos.api_key", "set-by-env", "set-by-env"),
    ("RENUBU_CLUBOS_CLUB_ID", "clubos.club_id", "set-by-env", "set-by-env"),
    ("RENUBU_CLUBOS_WEBHOOK_SECRET", "clubos.webhook_secret", "set-by-env", "set-by-env"),
    ("RENUBU_INBOX_POLL_INTERVAL_S", "clubos.inbox_poll_interval_s", "2.5", 2.5),
    ("RENUBU_HTTP_TIMEOUT_S", "downstream.http_timeout_s", "2.5", 2.5),
    ("RENUBU_DOWNSTREAM_ALERT_AFTER_S", "downstream.alert_after_s", "2.5", 2.5),
    ("RENUBU_SMTP_HOST", "notify.smtp_host", "set-by-env", "set-by-env"),
    ("RENUBU_SMTP_PORT", "notify.smtp_port", "7", 7),
    ("RENUBU_SMTP_FROM", "notify.smtp_from", "set-by-env", "set-by-env"),
    ("RENUBU_SMTP_USERNAME", "notify.smtp_username", "set-by-env", "set-by-env"),
    ("RENUBU_SMTP_PASSWORD", "notify.smtp_password", "set-by-env", "set-by-env"),
    ("RENUBU_SMTP_STARTTLS", "notify.smtp_starttls", "true", True),
    ("RENUBU_SLACK_WEBHOOK_URL", "notify.slack_webhook_url", "set-by-env", "set-by-env"),
    ("ANTHROPIC_API_KEY", "llm.anthropic_api_key", "set-by-env", "set-by-env"),
    ("ANTHROPIC_BASE_URL", "llm.anthropic_base_url", "set-by-env", "set-by-env"),
    ("RENUBU_LLM_MODEL", "llm.model", "set-by-env", "set-by-env"),
    ("RENUBU_LLM_TIMEOUT_S", "llm.timeout_s", "2.5", 2.5),
    ("RENUBU_LLM_MAX_TOKENS", "llm.max_tokens", "7", 7),
    ("RENUBU_CLUB_NAME", "club.name", "set-by-env", "set-by-env"),
    ("RENUBU_CLUB_TIMEZONE", "club.timezone", "set-by-env", "set-by-env"),
    ("RENUBU_APPROVAL_TTL_HOURS", "club.approval_ttl_hours", "2.5", 2.5),
    ("RENUBU_CSM_CAPACITY", "club.csm_capacity", "7", 7),
    ("RENUBU_AGENT_MODEL_TEXT_LIMIT", "agents.model_text_limit", "7", 7),
    ("RENUBU_AGENT_DOOR_CHANGES_PER_DAY", "agents.door_changes_per_day", "7", 7),
    ("RENUBU_AGENT_RECIPIENTS_PER_DAY", "agents.recipients_per_day", "7", 7),
    ("RENUBU_AGENT_MESSAGES_PER_MEMBER_PER_DAY", "agents.messages_per_member_per_day", "7", 7),
    ("RENUBU_REMINDER_WINDOW_DAYS", "agents.reminder_window_days", "7", 7),
    ("RENUBU_COLLECTIONS_EMAIL", "agents.collections_email", "set-by-env", "set-by-env"),
    ("RENUBU_NURTURE_CAP", "journeys.cap", "7", 7),
    ("RENUBU_NURTURE_CAP_WINDOW_S", "journeys.cap_window_s", "7", 7),
    ("RENUBU_QUIET_HOURS_START", "journeys.quiet_hours_start", "7", 7),
    ("RENUBU_QUIET_HOURS_END", "journeys.quiet_hours_end", "7", 7),
    ("RENUBU_KILL_SWITCH_RECHECK_S", "journeys.kill_switch_recheck_s", "2.5", 2.5),
    ("RENUBU_KILL_SWITCH_RECHECK_MAX_S", "journeys.kill_switch_recheck_max_s", "2.5", 2.5),
    ("RENUBU_BOOKING_URL", "journeys.booking_url", "set-by-env", "set-by-env"),
    ("RENUBU_NURTURE_TIME_SCALE", "journeys.time_scale", "2.5", 2.5),
    ("RENUBU_INTAKE_WEBHOOK_SECRET", "journeys.intake_webhook_secret", "set-by-env", "set-by-env"),
]


def _plain(value: Any) -> Any:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def _flat(settings: Settings) -> dict[str, Any]:
    return {path: _plain(lookup(settings, path)) for path in VARIABLES.values()}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer's .env


def test_the_table_lists_every_setting() -> None:
    assert sorted(var for var, *_ in TABLE) == sorted(VARIABLES)


@pytest.mark.parametrize(("var", "path", "raw", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_each_variable_sets_its_setting_and_nothing_else(
    monkeypatch: pytest.MonkeyPatch, var: str, path: str, raw: str, expected: Any
) -> None:
    defaults = _flat(Settings())
    monkeypatch.setenv(var, raw)
    found = _flat(Settings())
    assert found[path] == expected
    assert {p: v for p, v in found.items() if v != defaults[p]} == {path: expected}


def test_variable_names_are_case_insensitive_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("renubu_nurture_cap", "9")
    assert Settings().journeys.cap == 9


def test_a_dotenv_file_is_read_below_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "RENUBU_NURTURE_CAP=5\nRENUBU_CLUB_TIMEZONE=Europe/Paris\nANTHROPIC_API_KEY=sk-env\n"
    )
    monkeypatch.setenv("RENUBU_CLUB_TIMEZONE", "Asia/Tokyo")
    settings = Settings()
    assert (settings.journeys.cap, settings.club.timezone, settings.llm.enabled) == (5, "Asia/Tokyo", True)
    assert Settings(_env_file=None).journeys.cap == 3  # tests pin their settings this way


def test_overrides_win_over_the_environment_which_gives_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENUBU_NURTURE_CAP", "5")
    monkeypatch.setenv("RENUBU_NURTURE_TIME_SCALE", "0.5")
    for settings in (
        Settings(journeys={"cap": 2}),
        Settings(journeys=JourneySettings(cap=2)),
        Settings().updated(journeys={"cap": 2}),
        Settings().updated(journeys=JourneySettings(cap=2)),
    ):
        assert (settings.journeys.cap, settings.journeys.time_scale) == (2, 0.5)


def test_updated_is_a_validated_copy() -> None:
    settings = Settings(_env_file=None)
    copy = settings.updated(temporal={"task_queue": "other"})
    assert (settings.temporal.task_queue, copy.temporal.task_queue) == ("renubu", "other")
    with pytest.raises(ValidationError):
        settings.updated(club={"csm_capacity": 0})


@pytest.mark.parametrize(
    "overrides", [{"nurture_cap": 2}, {"journeys": {"nurture_cap": 2}}, {"task_queue": "q"}], ids=str
)
def test_old_flat_names_and_misspellings_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Settings(_env_file=None, **overrides)


def test_production_refusal_names_the_variables() -> None:
    found = problems(Settings(_env_file=None, env="production"))
    assert found == [
        "RENUBU_SESSION_SECRET is the public default value",
        "RENUBU_ACTIVE_WEBHOOK_SECRET is the public default value",
        "RENUBU_CLUBOS_WEBHOOK_SECRET is the public default value",
        "RENUBU_INTAKE_WEBHOOK_SECRET is the public default value",
        "RENUBU_SALESFORCE_CLIENT_SECRET is the public default value",
        "RENUBU_ACTIVE_API_KEY is the public default value",
        "RENUBU_CLUBOS_API_KEY is the public default value",
        "RENUBU_SECURE_COOKIES is false: session cookies would travel without the Secure flag",
        "RENUBU_SALESFORCE_BASE_URL points at the local sandbox (http://127.0.0.1:8100/salesforce)",
        "RENUBU_ACTIVE_BASE_URL points at the local sandbox (http://127.0.0.1:8100/active)",
        "RENUBU_CLUBOS_BASE_URL points at the local sandbox (http://127.0.0.1:8100/clubos)",
        "RENUBU_SMTP_HOST/RENUBU_SMTP_PORT point at the sandbox's mail sink",
    ]


def test_the_readme_documents_every_setting_under_its_variable() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| `")]
    for var, path in VARIABLES.items():
        assert any(f"`{path}`" in row and f"`{var}`" in row for row in rows), f"{var} ({path}) not in the README"
