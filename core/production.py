"""Fail closed: in production (RENUBU_ENV=production, the default outside `./dev up` and tests) the API,
the worker and bootstrap refuse to start on settings that are only safe on a developer's machine.

Each problem names the environment variable to fix, so an operator reading the crash knows what to set.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import SecretStr

from core.settings import Settings, lookup, variable

MIN_SECRET_BYTES = 32
SANDBOX_PORTS = {8100, 8125}  # the sandbox's HTTP port and its SMTP sink
LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "sandbox"}  # noqa: S104 - compared, never bound

# Secrets we sign with: they must be long and random. Vendors' credentials (API keys, the Salesforce
# client secret) have whatever length the vendor gives, so only their public defaults are refused.
SIGNING_SECRETS = (
    "api.session_secret",
    "active.webhook_secret",
    "clubos.webhook_secret",
    "journeys.intake_webhook_secret",
)
VENDOR_SECRETS = ("salesforce.client_secret", "active.api_key", "clubos.api_key")
SANDBOX_URLS = ("salesforce.base_url", "active.base_url", "clubos.base_url")


class UnsafeSettings(RuntimeError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "refusing to start in production (RENUBU_ENV=production):\n  - "
            + "\n  - ".join(problems)
            + "\nFix these settings, or set RENUBU_ENV=dev on a developer's machine."
        )
        self.problems = problems


def _plain(value: object) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value or "")


def _default(path: str) -> object:
    return lookup(Settings.model_construct(), path)  # the defaults, without reading the environment


def _is_sandbox(url: str) -> bool:
    parts = urlsplit(url if "//" in url else f"//{url}")
    return (parts.hostname or "") in LOOPBACK and parts.port in SANDBOX_PORTS


def problems(settings: Settings, demo_users: list[str] | None = None) -> list[str]:
    """Everything that makes `settings` unsafe in production, one line per setting."""
    found: list[str] = []
    for path in SIGNING_SECRETS + VENDOR_SECRETS:
        value = _plain(lookup(settings, path))
        if value == _plain(_default(path)):
            found.append(f"{variable(path)} is the public default value")
        elif path in SIGNING_SECRETS and len(value.encode()) < MIN_SECRET_BYTES:
            found.append(f"{variable(path)} is shorter than {MIN_SECRET_BYTES} bytes")
    if not settings.api.secure_cookies:
        found.append(f"{variable('api.secure_cookies')} is false: session cookies would travel without the Secure flag")
    for path in SANDBOX_URLS:
        url = lookup(settings, path)
        if url == _default(path) or _is_sandbox(url):
            found.append(f"{variable(path)} points at the local sandbox ({url})")
    notify = settings.notify
    if notify.smtp_host and _is_sandbox(f"{notify.smtp_host}:{notify.smtp_port}"):
        found.append(f"{variable('notify.smtp_host')}/{variable('notify.smtp_port')} point at the sandbox's mail sink")
    if demo_users:
        shown = ", ".join(demo_users[:5]) + (" …" if len(demo_users) > 5 else "")
        found.append(f"demo users exist ({shown}): disable them or use a fresh database")
    return found


def refuse_unsafe(settings: Settings, demo_users: list[str] | None = None) -> None:
    """Raise UnsafeSettings in production when anything is unsafe; nothing in development."""
    if settings.env != "production":
        return
    found = problems(settings, demo_users)
    if found:
        raise UnsafeSettings(found)
