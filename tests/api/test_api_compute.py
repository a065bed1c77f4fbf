"""The compute planner over HTTP (issue 10): `GET /api/v1/compute/plan` and `/compute/accelerators`.
Stateless, so one database (SQLite) is enough."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import ApiClient, assert_problem, make_client

from aidesk.directory.compute import PLAN_SCHEMA, accelerators, plan
from aidesk.inventory.db import Database

PLAN = "/api/v1/compute/plan"


@pytest.fixture
def api(sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiClient]:
    with make_client(sqlite_db, tmp_path, monkeypatch) as c:
        yield c


def test_plan_of_a_7b_model_states_its_approximation_thresholds_and_routes(api: ApiClient) -> None:
    response = api.get(PLAN, params={"params": "7e9", "tokens": "2e12"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["schema"] == PLAN_SCHEMA
    assert body["training_compute_flop"] == pytest.approx(6 * 7e9 * 2e12)
    # The approximation and its source.
    assert body["approximation"]["formula"] == "C ≈ 6·N·D"
    assert "Guidelines C(2025) 5045 para 132" in body["approximation"]["citations"]
    assert "Kaplan" in body["approximation"]["source"]
    # Defaults: H100 at 40 %; hours from C = N·L·H·U.
    assert body["accelerator"]["id"] == "h100" and body["utilisation"] == 0.4
    assert body["accelerator_hours"] == pytest.approx(8.4e22 / (989e12 * 0.4) / 3600)
    assert body["accelerator"]["sources"]
    # Both thresholds, cited, neither crossed; the AI Act one links into the law view.
    by_id = {t["id"]: t for t in body["thresholds"]}
    assert by_id["gpai_indicative"]["citation"] == "Guidelines C(2025) 5045 para 17"
    assert by_id["systemic_risk_presumption"]["citation"] == "Art. 51(2)"
    assert by_id["systemic_risk_presumption"]["href"] == "/law/article/51#art-51-2"
    assert not any(t["above"] for t in body["thresholds"])
    # Below GPAI scale: the EDIHs, and AI Factories; every route names its directory entry.
    ids = [r["id"] for r in body["routes"]]
    assert "edih-network" in ids and "gigafactory-investai" not in ids
    for route in body["routes"]:
        assert route["href"] == f"/api/v1/directory/{route['id']}"
        assert api.get(route["href"]).status_code == 200
    assert body["profile_snippet"] == {
        "kind": "gpai_model",
        "gpai_model": {"training_compute_flop": body["training_compute_flop"]},
    }
    # The same plan as the CLI's (one service).
    assert body["position"] == plan(7e9, 2e12).position


def test_plan_above_10_25_is_presumed_systemic_and_points_to_gigafactories(api: ApiClient) -> None:
    body = api.get(
        PLAN, params={"params": "1e12", "tokens": "3e13", "accelerator": "MI250X", "utilisation": "0.35"}
    ).json()
    assert body["training_compute_flop"] == pytest.approx(1.8e26)
    assert body["accelerator"]["id"] == "mi250x" and body["utilisation"] == 0.35
    assert all(t["above"] for t in body["thresholds"])
    assert "Art. 51(2)" in body["position"]
    ids = [r["id"] for r in body["routes"]]
    assert "gigafactory-investai" in ids and "edih-network" not in ids


def test_exactly_at_a_threshold_is_not_above_it(api: ApiClient) -> None:
    """Both thresholds read "greater than"."""
    body = api.get(PLAN, params={"params": "1e12", "tokens": repr(1e25 / 6e12)}).json()
    assert body["training_compute_flop"] == 1e25
    by_id = {t["id"]: t for t in body["thresholds"]}
    assert by_id["gpai_indicative"]["above"] is True
    assert by_id["systemic_risk_presumption"]["above"] is False


def test_a_country_puts_its_ai_factories_first(api: ApiClient) -> None:
    body = api.get(PLAN, params={"params": "7e9", "tokens": "2e12", "country": "FI"}).json()
    factories = [r for r in body["routes"] if r["kind"] in ("ai_factory", "antenna")]
    assert factories and "FI" in factories[0]["countries"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"params": "-7e9", "tokens": "2e12"}, "query.params"),
        ({"params": "0", "tokens": "2e12"}, "query.params"),
        ({"params": "0.5", "tokens": "2e12"}, "query.params"),
        ({"params": "nan", "tokens": "2e12"}, "query.params"),
        ({"params": "NaN", "tokens": "2e12"}, "query.params"),
        ({"params": "inf", "tokens": "2e12"}, "query.params"),
        ({"params": "1e16", "tokens": "2e12"}, "query.params"),
        ({"params": "1e400", "tokens": "2e12"}, "query.params"),
        ({"params": "seven", "tokens": "2e12"}, "query.params"),
        ({"tokens": "2e12"}, "query.params"),
        ({"params": "7e9", "tokens": "-1"}, "query.tokens"),
        ({"params": "7e9", "tokens": "1e18"}, "query.tokens"),
        ({"params": "7e9", "tokens": "-inf"}, "query.tokens"),
        ({"params": "7e9", "tokens": "2e12", "utilisation": "0"}, "query.utilisation"),
        ({"params": "7e9", "tokens": "2e12", "utilisation": "40"}, "query.utilisation"),
        ({"params": "7e9", "tokens": "2e12", "utilisation": "1e-300"}, "query.utilisation"),
        ({"params": "7e9", "tokens": "2e12", "utilisation": "nan"}, "query.utilisation"),
        ({"params": "7e9", "tokens": "2e12", "accelerator": "tpu-v5"}, "query.accelerator"),
        ({"params": "7e9", "tokens": "2e12", "country": "ZZ"}, "query.country"),
        ({"params": "7e9", "tokens": "2e12", "sector": "nowhere"}, "query.sector"),
    ],
)
def test_bad_numbers_and_names_are_422_problems_naming_the_parameter(
    api: ApiClient, params: dict[str, str], field: str
) -> None:
    problem = assert_problem(api.get(PLAN, params=params), 422)
    assert field in [e["field"] for e in problem["errors"]], problem


def test_every_bad_number_is_reported_at_once(api: ApiClient) -> None:
    problem = assert_problem(api.get(PLAN, params={"params": "-1", "tokens": "0", "utilisation": "2"}), 422)
    assert {e["field"] for e in problem["errors"]} == {"query.params", "query.tokens", "query.utilisation"}


def test_accelerators_list_their_sourced_peaks(api: ApiClient) -> None:
    response = api.get("/api/v1/compute/accelerators")
    assert response.status_code == 200
    listed = response.json()
    assert [a["id"] for a in listed] == sorted(accelerators())
    for acc in listed:
        assert acc["peak_flop_per_s"] > 1e14 and acc["sources"] and acc["precision"]
    # Every listed accelerator is accepted by the planner.
    for acc in listed:
        assert (
            api.get(PLAN, params={"params": "1e9", "tokens": "1e11", "accelerator": acc["id"]}).status_code
            == 200
        )


def test_the_operations_are_documented(api: ApiClient) -> None:
    spec = api.get("/openapi.json").json()
    op = spec["paths"]["/api/v1/compute/plan"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"params", "tokens", "accelerator", "utilisation"}
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("ComputePlanOut")
    assert "application/problem+json" in op["responses"]["422"]["content"]
    assert "/api/v1/compute/accelerators" in spec["paths"]
