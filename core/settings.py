"""Settings from environment variables and an optional `.env` file, grouped by concern.

Each setting keeps the variable it has always had (RENUBU_NURTURE_CAP is `journeys.cap`): a group reads
RENUBU_<its prefix><field> unless the field names its variable with `Var`. `VARIABLES` lists them all.
Overrides go group by group and win over the environment, which still gives the rest: `Settings(journeys={"cap": 2})`
(or `journeys=JourneySettings(cap=2)`), `settings.updated(temporal={"task_queue": "q"})`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from core.setting_groups import (
    ActiveSettings,
    AgentLimits,
    ApiSettings,
    ClubOSSettings,
    ClubSettings,
    DatabaseSettings,
    DownstreamSettings,
    Group,
    JourneySettings,
    LLMSettings,
    NotifySettings,
    ObservabilitySettings,
    SalesforceSettings,
    TemporalSettings,
    Var,
)

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="forbid")

    # Fail closed: production unless `./dev up` or the tests say dev (core/production.py lists what it refuses).
    env: Literal["dev", "production"] = "production"
    data_dir: Path = ROOT / "data"
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    temporal: TemporalSettings = Field(default_factory=TemporalSettings)
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    salesforce: SalesforceSettings = Field(default_factory=SalesforceSettings)
    active: ActiveSettings = Field(default_factory=ActiveSettings)
    clubos: ClubOSSettings = Field(default_factory=ClubOSSettings)
    downstream: DownstreamSettings = Field(default_factory=DownstreamSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    club: ClubSettings = Field(default_factory=ClubSettings)
    agents: AgentLimits = Field(default_factory=AgentLimits)
    journeys: JourneySettings = Field(default_factory=JourneySettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Keyword arguments, then the environment, then .env (honouring `_env_file=None`), each variable by name.
        given = cast(InitSettingsSource, init_settings).init_kwargs
        env, dotenv = (cast(EnvSettingsSource, source).env_vars for source in (env_settings, dotenv_settings))
        return _Given(settings_cls, given), _Variables(settings_cls, env), _Variables(settings_cls, dotenv)

    def updated(self, **changes: Any) -> Settings:
        """A validated copy with `changes` merged in group by group: updated(temporal={"task_queue": "q"})."""
        return type(self).model_validate(merged(self.model_dump(), changes))

    @property
    def resolved_database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite+aiosqlite:///{self.data_dir / 'renubu.db'}"

    @property
    def agent_run_timeout(self) -> timedelta:
        """An agent run ends (timed out) after its approvals' lifetime plus an hour of work, however it is stuck;
        so a stuck run cannot hold its schedule's slot (overlap SKIP) for ever."""
        return timedelta(seconds=self.club.approval_ttl_s) + timedelta(hours=1)


class _Source(PydanticBaseSettingsSource):
    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ gives every value at once


class _Given(_Source):
    """Keyword arguments; a group given as a model overrides only the fields it was given."""

    def __init__(self, settings_cls: type[BaseSettings], given: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self.given = given

    def __call__(self) -> dict[str, Any]:
        return merged({}, self.given)


class _Variables(_Source):
    """The settings found among `found` (variable names lower-cased, as pydantic-settings reads them)."""

    def __init__(self, settings_cls: type[BaseSettings], found: Mapping[str, str | None]) -> None:
        super().__init__(settings_cls)
        self.found = found

    def __call__(self) -> dict[str, Any]:
        lowered = {name.lower(): path for name, path in VARIABLES.items()}
        return nested({path: self.found[name] for name, path in lowered.items() if name in self.found})


def merged(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `changes` over it, key by key; a group model contributes the fields it was given."""
    out = dict(base)
    for key, value in changes.items():
        old = out.get(key)
        if isinstance(value, Group):
            value = value.model_dump(exclude_unset=True)
        out[key] = merged(old, value) if isinstance(old, Mapping) and isinstance(value, Mapping) else value
    return out


def nested(values: Mapping[str, Any]) -> dict[str, Any]:
    """{"journeys.cap": 2, "env": "dev"} -> {"journeys": {"cap": 2}, "env": "dev"}: overrides by path."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        *groups, name = path.split(".")
        inner = out
        for group in groups:
            inner = inner.setdefault(group, {})
        inner[name] = value
    return out


def lookup(settings: Settings, path: str) -> Any:
    """The value at "group.field" (or a top-level field)."""
    value: Any = settings
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _variables() -> dict[str, str]:
    found = {"RENUBU_ENV": "env", "RENUBU_DATA_DIR": "data_dir"}
    for group, field in Settings.model_fields.items():
        cls = field.annotation
        if isinstance(cls, type) and issubclass(cls, Group):
            for name, info in cls.model_fields.items():
                var = next((m.name for m in info.metadata if isinstance(m, Var)), f"{cls.prefix}{name.upper()}")
                found[var] = f"{group}.{name}"
    return found


# Every setting's variable -> its path, e.g. RENUBU_NURTURE_CAP -> journeys.cap.
VARIABLES: dict[str, str] = _variables()
PATHS: dict[str, str] = {path: name for name, path in VARIABLES.items()}


def variable(path: str) -> str:
    """The environment variable of the setting at `path`: variable("journeys.cap") == "RENUBU_NURTURE_CAP"."""
    return PATHS[path]


@lru_cache
def get_settings() -> Settings:
    return Settings()
