"""Profile parsing and validation (SPEC §1): YAML 1.2, strictness, one clear problem per mistake."""

from __future__ import annotations

from datetime import date

import pytest

from aidesk.rules.profile import ProfileError, parse_profile
from aidesk.rules.vocab import ANNEX_III_POINTS


def problems(text: str, fmt: str = "yaml") -> list[str]:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, fmt, "p.yaml")  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_yaml_1_2_reads_no_as_norway_and_3e25_as_a_number() -> None:
    p = parse_profile(
        "name: x\nkind: gpai_model\norganisation: {country: NO}\ngpai_model: {training_compute_flop: 3e25}"
    )
    assert p.organisation.country == "NO"
    assert p.gpai_model.training_compute_flop == 3e25


def test_dates_are_read_from_yaml_and_json() -> None:
    assert parse_profile("name: x\nplaced_on_market: 2026-09-01").placed_on_market == date(2026, 9, 1)
    assert parse_profile('{"name": "x", "placed_on_market": "2026-09-01"}').placed_on_market == date(
        2026, 9, 1
    )


def test_an_impossible_date_names_the_key() -> None:
    [msg] = problems("name: x\nplaced_on_market: 2026-02-30")
    assert msg.startswith("placed_on_market:") and "not a calendar date" in msg


def test_a_date_with_a_time_or_a_number_is_refused() -> None:
    assert "YYYY-MM-DD" in problems("name: x\nplaced_on_market: 2026-02-03T10:00:00")[0]
    assert "YYYY-MM-DD" in problems('{"name": "x", "placed_on_market": 20260203}', "json")[0]


def test_an_unknown_key_names_the_allowed_keys() -> None:
    [msg] = problems("name: x\norganisation: {sise: small}")
    assert msg.startswith("organisation.sise: unknown key") and "name, country, size" in msg


def test_an_unknown_enum_value_lists_the_allowed_values() -> None:
    [msg] = problems("name: x\nroles: [provider, ceo]")
    assert msg.startswith("roles[1]:") and "authorised_representative" in msg


def test_an_annex_iii_point_that_does_not_exist_is_refused_with_the_list() -> None:
    [msg] = problems('name: x\nannex_iii: ["4(z)"]')
    assert msg.startswith("annex_iii[0]:") and "4(a)" in msg
    assert 'did you mean "4(a)"' in problems("name: x\nannex_iii: [4a]")[0]


@pytest.mark.parametrize("point", ANNEX_III_POINTS)
def test_every_annex_iii_point_is_accepted(point: str) -> None:
    assert parse_profile(f'name: x\nannex_iii: ["{point}"]').annex_iii == [point]


def test_country_codes_are_iso_3166() -> None:
    assert "use GR" in problems("name: x\norganisation: {country: EL}")[0]
    assert "did you mean FR" in problems("name: x\norganisation: {country: fr}")[0]
    assert "not an ISO 3166-1" in problems("name: x\norganisation: {country: XX}")[0]


def test_booleans_are_true_or_false_not_yes() -> None:
    assert "true or false" in problems("name: x\ntransparency: {deep_fake: yes}")[0]


def test_training_compute_must_be_a_number() -> None:
    assert (
        "without quotes"
        in problems('name: x\nkind: gpai_model\ngpai_model: {training_compute_flop: "3e25"}')[0]
    )


def test_name_is_required() -> None:
    assert problems("kind: ai_system")[0].startswith("name: required")


def test_every_problem_is_reported_at_once() -> None:
    msgs = problems("name: x\nfoo: 1\nroles: [boss]\nplaced_on_market: 2026-13-01")
    assert len(msgs) == 3


def test_annex_iii_on_a_gpai_model_is_a_contradiction_naming_both_keys() -> None:
    [msg] = problems('name: x\nkind: gpai_model\nannex_iii: ["4(a)"]')
    assert msg.startswith("annex_iii:") and "kind: gpai_model" in msg


def test_gpai_model_data_on_a_plain_ai_system_is_a_contradiction() -> None:
    [msg] = problems("name: x\nkind: ai_system\ngpai_model: {training_compute_flop: 1.0e+20}")
    assert msg.startswith("gpai_model:") and "kind: ai_system" in msg


def test_a_design_change_before_placing_on_the_market_is_a_contradiction() -> None:
    [msg] = problems("name: x\nplaced_on_market: 2026-09-01\nsignificant_change_after: 2026-01-01")
    assert "significant_change_after" in msg and "placed_on_market" in msg


def test_the_error_is_one_line_naming_the_file() -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile("name: x\nroles: [boss]", "yaml", "inventory/cv.yaml")
    line = info.value.one_line()
    assert "\n" not in line and line.startswith("inventory/cv.yaml: roles[0]:")


def test_syntax_errors_are_profile_errors() -> None:
    assert "not valid YAML" in problems("name: [")[0]
    assert "not valid JSON" in problems('{"name": ', "json")[0]
    assert "mapping" in problems("- a")[0]
    assert "duplicate" in problems("name: a\nname: b")[0].lower()


def test_repeated_list_items_are_merged() -> None:
    assert parse_profile("name: x\nroles: [provider, provider]").roles == ["provider"]


def test_missing_optional_keys_are_not_given() -> None:
    p = parse_profile("name: x\ntransparency: {deep_fake: false}")
    assert p.transparency.given("deep_fake") and not p.transparency.given("interacts_with_natural_persons")
    assert "annex_iii" not in p.model_fields_set


def test_an_astronomically_large_training_compute_is_a_profile_error_not_a_crash() -> None:
    import pytest

    from aidesk.rules import parse_profile
    from aidesk.rules.profile import ProfileError

    text = (
        "name: x\nkind: gpai_model\nroles: [provider]\ngpai_model: {training_compute_flop: 1"
        + "0" * 400
        + "}\n"
    )
    with pytest.raises(ProfileError, match=r"gpai_model\.training_compute_flop"):
        parse_profile(text, "yaml")
