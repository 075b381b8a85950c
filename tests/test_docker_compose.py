"""No Docker engine runs here, so check the production wiring by reading the file."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts.search_attributes import ALL

COMPOSE = yaml.safe_load(Path("docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def test_production_shape_services_exist() -> None:
    assert {"postgres", "temporal", "temporal-db", "temporal-ui", "api", "worker"} <= set(SERVICES)


def test_temporal_runs_on_postgres() -> None:
    env = SERVICES["temporal"]["environment"]
    assert env["DB"].startswith("postgres") and env["POSTGRES_SEEDS"] in SERVICES


def test_worker_scales() -> None:
    worker = SERVICES["worker"]
    assert worker["deploy"]["replicas"] >= 2
    assert "ports" not in worker and "container_name" not in worker  # replicas must not clash


@pytest.mark.parametrize("name", ["api", "worker", "migrate"])
def test_app_env_points_at_defined_services(name: str) -> None:
    env = SERVICES[name]["environment"]
    db_host = re.search(r"@([\w-]+):\d+/", env["RENUBU_DATABASE_URL"])
    assert db_host and db_host.group(1) in SERVICES
    assert env["RENUBU_TEMPORAL_ADDRESS"].split(":")[0] in SERVICES
    assert env["RENUBU_DATABASE_URL"].startswith("postgresql+asyncpg://")


def test_every_depends_on_and_address_is_a_service() -> None:
    for name, service in SERVICES.items():
        deps = service.get("depends_on", {})
        for dep in deps if isinstance(deps, list) else deps.keys():
            assert dep in SERVICES, f"{name} depends on undefined {dep}"
        for key, value in (service.get("environment") or {}).items():
            if key.endswith(("ADDRESS", "SEEDS")) and isinstance(value, str):
                assert value.split(":")[0] in SERVICES, f"{name}.{key} -> {value}"


def test_ports_are_published_once() -> None:
    published = [p.split(":")[0] for s in SERVICES.values() for p in s.get("ports", [])]
    assert len(published) == len(set(published))
    assert "8000" in published and "3000" in published
    # No login of their own: Temporal's frontend and UI and Prometheus stay on the internal network.
    assert not {"7233", "8080", "9090"} & set(published)


def test_search_attributes_registered_match_the_code() -> None:
    command = " ".join(SERVICES["temporal-setup"]["command"])
    for key in ALL:
        assert f"--name {key.name}" in command


def test_prometheus_scrapes_the_api_and_every_worker_on_their_metrics_ports() -> None:
    env = SERVICES["api"]["environment"]
    assert env["RENUBU_API_METRICS_HOST"] == env["RENUBU_WORKER_METRICS_HOST"] == "0.0.0.0"
    mounts = dict(v.split(":")[:2] for v in SERVICES["prometheus"]["volumes"] if v.startswith("./"))
    config = yaml.safe_load(Path(next(iter(mounts))).read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["renubu-api"]["static_configs"][0]["targets"] == [f"api:{env['RENUBU_API_METRICS_PORT']}"]
    workers = jobs["renubu-worker"]["dns_sd_configs"][0]  # every replica, however many
    assert workers["names"] == ["worker"] and workers["port"] == int(env["RENUBU_WORKER_METRICS_PORT"])
    assert "ports" not in SERVICES["worker"]  # metrics stay inside the compose network


def test_the_api_processes_share_their_metrics() -> None:
    api = SERVICES["api"]
    assert "--workers" in api["command"]  # several processes: one serves everyone's counts
    assert api["environment"]["PROMETHEUS_MULTIPROC_DIR"] in api["tmpfs"]


def test_grafana_is_provisioned_with_the_dashboard_over_that_prometheus() -> None:
    grafana = SERVICES["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana["volumes"] if v.startswith("./"))
    for source in mounts:
        assert Path(source).is_dir(), source
    datasource = yaml.safe_load(Path("deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
    url = datasource["datasources"][0]["url"]
    assert url.split("//")[1].split(":")[0] in SERVICES
    provider = yaml.safe_load(Path("deploy/grafana/provisioning/dashboards/renubu.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == mounts["./deploy/grafana/dashboards"]
    assert grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")


@pytest.mark.parametrize("name", ["api", "worker", "migrate"])
def test_app_processes_run_in_production_mode(name: str) -> None:
    assert SERVICES[name]["environment"]["RENUBU_ENV"] == "production"
    assert SERVICES[name]["environment"]["RENUBU_SECURE_COOKIES"] == "true"
    assert "${RENUBU_SESSION_SECRET:?" in Path("docker-compose.yml").read_text()


def test_the_image_defaults_to_production() -> None:
    assert re.search(r"^ENV .*\bRENUBU_ENV=production\b", Path("Dockerfile").read_text(), re.M)
