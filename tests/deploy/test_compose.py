"""docker-compose.yml validates against the Compose Specification and has what production needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

REPO = Path(__file__).resolve().parents[2]
AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def validator() -> jsonschema.Draft7Validator:
    schema = json.loads((REPO / "deploy" / "compose-spec.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)  # the spec is draft-07


def test_compose_file_is_valid_against_the_compose_specification():
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(compose())]
    assert errors == []


def test_a_broken_compose_file_is_rejected_so_the_check_can_fail():
    broken = compose()
    broken["services"]["redis"]["helthcheck"] = broken["services"]["redis"].pop("healthcheck")
    broken["services"]["postgres"]["restart"] = 3
    assert len(list(validator().iter_errors(broken))) == 2


def test_celery_deployment_has_every_airflow_component_health_checked():
    services = compose()["services"]
    assert AIRFLOW_SERVICES | {"airflow-init", "postgres", "redis", "omnikop-webhooks"} <= set(services)
    for name in AIRFLOW_SERVICES | {"postgres", "redis", "omnikop-webhooks"}:
        assert "healthcheck" in services[name], name
    assert services["airflow-worker"]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert services["airflow-worker"]["deploy"]["replicas"] == "${AIRFLOW_WORKERS:-2}"
    sandboxes = {name for name, service in services.items() if "sandbox" in service.get("profiles", [])}
    assert sandboxes == {"sandbox-shopee", "sandbox-tokopedia", "sandbox-gojek", "sandbox-grab"}
    environment = services["airflow-scheduler"]["environment"]
    assert environment["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres/airflow")
    assert environment["OMNIKOP_DATABASE_URL"].endswith("@postgres/omnikop")  # separate databases


def test_every_dependency_exists_and_every_variable_is_documented():
    services = compose()["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", {}) or {}:
            assert dependency in services, f"{name} depends on unknown service {dependency}"
    text = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))  # $${X} is the container's own variable
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (REPO / ".env.example").read_text(encoding="utf-8"), re.M))
    assert used <= documented, f"undocumented in .env.example: {sorted(used - documented)}"
    assert not re.search(r"(PASSWORD|SECRET|KEY)\s*:\s*[\"']?[A-Za-z0-9]{6,}", text), (
        "a literal secret in the compose file"
    )


def test_image_copies_every_package_the_distribution_declares() -> None:
    import tomllib

    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"][
        "targets"
    ]["wheel"]["packages"]
    copied = set(re.findall(r"^COPY --chown=\S+ (\w+) \./\1$", (REPO / "Dockerfile").read_text(encoding="utf-8"), re.M))
    assert set(declared) <= copied, f"Dockerfile does not COPY {sorted(set(declared) - copied)}"
