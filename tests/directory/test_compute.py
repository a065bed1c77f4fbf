"""The compute planner: 6·N·D arithmetic, accelerator-hours, thresholds, routes, profile writing."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from aidesk.directory import load
from aidesk.directory.compute import (
    ComputeError,
    above,
    accelerator_hours,
    accelerators,
    compute_data,
    plan,
    training_flop,
    write_profile,
)


def test_training_compute_is_six_n_d() -> None:
    assert training_flop(7e9, 2e12) == pytest.approx(8.4e22)
    # the guidelines' Model A: 3.8e9 parameters, 3.3e12 tokens ≈ 7.5e22 FLOP (para 137)
    assert training_flop(3.8e9, 3.3e12) == pytest.approx(7.5e22, rel=0.01)


def test_accelerator_hours_solve_c_equals_nlhu() -> None:
    # the guidelines' Model H: 370,000 H100 hours at 989 TFLOP/s and 50% ≈ 6.5e23 FLOP (para 144)
    assert accelerator_hours(6.5e23, 989e12, 0.5) == pytest.approx(370_000, rel=0.02)
    assert accelerator_hours(8.4e22, 989e12, 0.4) == pytest.approx(8.4e22 / (989e12 * 0.4) / 3600)


def test_exactly_1e25_is_not_above_the_art_51_2_threshold() -> None:
    assert above(1e25, 1e25) is False
    assert above(1.0000001e25, 1e25) is True
    assert above(1e23, 1e23) is False


def test_thresholds_are_sourced_data() -> None:
    by_id = {t["id"]: t for t in compute_data()["thresholds"]}
    assert by_id["systemic_risk_presumption"]["flop"] == 1e25
    assert by_id["systemic_risk_presumption"]["citation"] == "Art. 51(2)"
    assert by_id["gpai_indicative"]["flop"] == 1e23
    assert by_id["gpai_indicative"]["citation"] == "Guidelines C(2025) 5045 para 17"
    assert compute_data()["approximation"]["citations"] == ["Guidelines C(2025) 5045 para 132"]
    assert all(a["sources"] and a["peak_flop_per_s"] > 0 for a in accelerators().values())


def test_a_7b_model_on_2t_tokens() -> None:
    result = plan(7e9, 2e12, accelerator="h100", utilisation=0.4, directory=load())
    assert result.training_compute_flop == pytest.approx(8.4e22)
    assert result.accelerator_hours == pytest.approx(58_982, rel=1e-3)
    assert [t.above for t in result.thresholds] == [False, False]
    route_ids = {r.id for r in result.routes}
    assert {"edih-network", "aif-fr-ai2f", "prog-eurohpc-ai-data-access"} <= route_ids
    assert "gigafactory-investai" not in route_ids


def test_a_frontier_model_is_presumed_systemic_and_points_to_gigafactories() -> None:
    result = plan(1e12, 2e13, directory=load())
    assert result.training_compute_flop == pytest.approx(1.2e26)
    assert all(t.above for t in result.thresholds)
    assert "Art. 51(2)" in result.position
    route_ids = {r.id for r in result.routes}
    assert "gigafactory-investai" in route_ids and "edih-network" not in route_ids


def test_between_the_two_thresholds() -> None:
    result = plan(7e10, 1.5e13)  # 6.3e24
    assert [t.above for t in result.thresholds] == [True, False]
    assert "10^23" in result.position and "Art. 51(2)" in result.position


def test_country_puts_its_antenna_and_factories_first() -> None:
    result = plan(7e9, 2e12, directory=load(), country="MT")
    factory_routes = [r.id for r in result.routes if r.kind in ("antenna", "ai_factory")]
    assert factory_routes[:2] == ["aifa-mt", "aif-gr-pharos"]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"params": 0, "tokens": 1e12}, "--params"),
        ({"params": 1e9, "tokens": -5}, "--tokens"),
        ({"params": 1e9, "tokens": 1e12, "utilisation": 1.5}, "--utilisation"),
        ({"params": 1e9, "tokens": 1e12, "accelerator": "tpu-v9"}, "--accelerator"),
    ],
)
def test_bad_planner_input(kwargs: dict, needle: str) -> None:
    with pytest.raises(ComputeError, match=needle):
        plan(**kwargs)


PROFILE = """\
# CV screening assistant (comment kept)
schema: aidesk/profile/v1
name: Example model   # inline comment kept
kind: gpai_model
organisation:
  name: Acme SAS
  country: NO           # Norway, a string in YAML 1.2
gpai_model:
  training_compute_flop: null
  open_source: false
"""


def test_write_profile_sets_only_the_compute_figure(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    write_profile(path, 8.4e22)
    text = path.read_text(encoding="utf-8")
    assert "# CV screening assistant (comment kept)" in text and "# inline comment kept" in text
    doc = YAML(typ="safe").load(text)
    assert doc["gpai_model"]["training_compute_flop"] == pytest.approx(8.4e22)
    assert doc["organisation"]["country"] == "NO"
    assert doc["gpai_model"]["open_source"] is False
    assert text.replace("8.4e+22", "null").splitlines()[:7] == PROFILE.splitlines()[:7]


def test_write_profile_adds_the_gpai_block_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: X\nkind: gpai_model\n", encoding="utf-8")
    write_profile(path, 1.2e26)
    assert YAML(typ="safe").load(path.read_text())["gpai_model"] == {"training_compute_flop": 1.2e26}


@pytest.mark.parametrize(
    ("text", "needle"), [(None, "no such profile"), ("- a\n- b\n", "mapping"), ("a: [", "YAML")]
)
def test_write_profile_bad_input(tmp_path: Path, text: str | None, needle: str) -> None:
    path = tmp_path / "p.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ComputeError, match=needle):
        write_profile(path, 1e24)
    if text is not None:
        assert path.read_text(encoding="utf-8") == text
