"""Fail closed: production refuses development settings and demo users, naming each one to fix."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from api.app import create_app
from bootstrap import bootstrap
from core.production import UnsafeSettings, problems, refuse_unsafe
from core.settings import Settings, nested
from db import users
from db.engine import Database
from db.migrate import upgrade
from devstack.seed import SeedingRefused, seed_signals, seed_users


def _key() -> SecretStr:
    return SecretStr(secrets.token_urlsafe(32))


def safe(**overrides: Any) -> Settings:
    """Production settings with nothing to refuse; overrides by path: safe(**{"api.secure_cookies": False})."""
    values: dict[str, Any] = {
        "env": "production",
        "api.session_secret": _key(),
        "api.secure_cookies": True,
        "salesforce.base_url": "https://acme.my.salesforce.com",
        "salesforce.client_secret": SecretStr("vendor-secret"),  # vendors' credentials: any length
        "active.base_url": "https://api.active.example.com",
        "active.api_key": SecretStr("vendor-key"),
        "active.webhook_secret": _key(),
        "clubos.base_url": "https://api.clubos.example.com",
        "clubos.api_key": SecretStr("vendor-key-2"),
        "clubos.webhook_secret": _key(),
        "journeys.intake_webhook_secret": _key(),
        "notify.smtp_host": "smtp.example.com",
        "notify.smtp_port": 587,
        **overrides,
    }
    return Settings(_env_file=None, **nested(values))


def _env_without_renubu() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("RENUBU_")}


def test_production_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RENUBU_ENV", raising=False)  # conftest sets dev through the environment
    assert Settings(_env_file=None).env == "production"


def test_safe_production_settings_pass() -> None:
    assert problems(safe()) == []


def test_every_development_default_is_named() -> None:
    found = "\n".join(problems(Settings(_env_file=None, env="production")))
    for variable in (
        "RENUBU_SESSION_SECRET is the public default",
        "RENUBU_ACTIVE_WEBHOOK_SECRET is the public default",
        "RENUBU_CLUBOS_WEBHOOK_SECRET is the public default",
        "RENUBU_INTAKE_WEBHOOK_SECRET is the public default",
        "RENUBU_SALESFORCE_CLIENT_SECRET is the public default",
        "RENUBU_ACTIVE_API_KEY is the public default",
        "RENUBU_CLUBOS_API_KEY is the public default",
        "RENUBU_SECURE_COOKIES is false",
        "RENUBU_SALESFORCE_BASE_URL points at the local sandbox",
        "RENUBU_ACTIVE_BASE_URL points at the local sandbox",
        "RENUBU_CLUBOS_BASE_URL points at the local sandbox",
        "RENUBU_SMTP_HOST/RENUBU_SMTP_PORT point at the sandbox's mail sink",
    ):
        assert variable in found


@pytest.mark.parametrize(
    ("path", "var"),
    [
        ("api.session_secret", "RENUBU_SESSION_SECRET"),
        ("active.webhook_secret", "RENUBU_ACTIVE_WEBHOOK_SECRET"),
        ("journeys.intake_webhook_secret", "RENUBU_INTAKE_WEBHOOK_SECRET"),
    ],
)
def test_a_short_signing_secret_is_refused(path: str, var: str) -> None:
    assert problems(safe(**{path: SecretStr("x" * 31)})) == [f"{var} is shorter than 32 bytes"]


def test_a_sandbox_url_under_another_name_is_refused() -> None:
    found = problems(safe(**{"active.base_url": "http://localhost:8100/active"}))
    assert found == ["RENUBU_ACTIVE_BASE_URL points at the local sandbox (http://localhost:8100/active)"]


def test_demo_users_are_named() -> None:
    found = problems(safe(), ["maria.lopez@renubu.demo"])
    assert found == ["demo users exist (maria.lopez@renubu.demo): disable them or use a fresh database"]


def test_development_refuses_nothing() -> None:
    refuse_unsafe(Settings(_env_file=None, env="dev"), ["maria.lopez@renubu.demo"])


def test_the_api_refuses_to_start_on_defaults() -> None:
    with pytest.raises(UnsafeSettings) as refused:
        create_app(Settings(_env_file=None, env="production"))
    assert "RENUBU_SESSION_SECRET is the public default value" in str(refused.value)


async def test_the_api_refuses_to_start_with_demo_users(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'renubu.db'}"
    await upgrade(url)
    db = Database(url)
    try:
        async with db.transaction() as session:
            await users.ensure_user(
                session, email="omar.haddad@renubu.demo", name="Omar", role="operator", password="x"
            )
        app = create_app(safe(**{"database.url": url}), db=db)
        with pytest.raises(UnsafeSettings, match=r"demo users exist \(omar.haddad@renubu.demo\)"):
            async with app.router.lifespan_context(app):
                pass
        async with db.transaction() as session:
            user = await users.by_email(session, "omar.haddad@renubu.demo")
            assert user is not None
            user.active = False  # a disabled demo user is harmless
        async with app.router.lifespan_context(app):
            pass
    finally:
        await db.dispose()


async def test_bootstrap_refuses_before_migrating(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'renubu.db'}"
    with pytest.raises(UnsafeSettings, match="RENUBU_SECURE_COOKIES"):
        await bootstrap(safe(**{"database.url": url, "api.secure_cookies": False}))
    assert not (tmp_path / "renubu.db").exists()


async def test_demo_seeding_refuses_in_production(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'renubu.db'}")
    try:
        with pytest.raises(SeedingRefused):
            await seed_users(safe(), db)
        with pytest.raises(SeedingRefused):
            await seed_signals(safe(), "http://127.0.0.1:9")
    finally:
        await db.dispose()


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "worker.py"],
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--port", "0"],
        [sys.executable, "-m", "bootstrap"],
    ],
    ids=["worker", "bare-uvicorn", "bootstrap"],
)
def test_processes_started_without_settings_refuse_and_say_why(command: list[str], tmp_path: Path) -> None:
    """No RENUBU_ENV at all: production; every process exits before connecting to anything."""
    env = {**_env_without_renubu(), "RENUBU_DATA_DIR": str(tmp_path)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "refusing to start in production" in done.stderr
    assert "RENUBU_SESSION_SECRET is the public default value" in done.stderr
    assert not (tmp_path / "renubu.db").exists()
