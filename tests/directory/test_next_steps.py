"""Next steps after an assessment (`aidesk next-steps`): the rules for each assessment class and role, the
gaps reported where the directory data has nothing, French output, the JSON shape and the CLI contract."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aidesk.cli import app
from aidesk.directory.next_steps import (
    GAP_KEYS,
    NEXT_STEPS_SCHEMA,
    Facts,
    NextSteps,
    RulesError,
    When,
    derive_sectors,
    load_rules,
    next_steps,
    parse_rules,
)
from aidesk.directory.schema import Entry, Kind, Sector
from aidesk.directory.service import Directory, DirectoryError, load
from aidesk.law.citations import format_citation, parse
from aidesk.law.corpus import load_corpus
from aidesk.rules import assess, parse_profile
from aidesk.rules.profile import Profile, parse_text, profile_from_data
from aidesk.rules.regimes import load_catalogue

AS_OF = date(2026, 11, 25)
DEVSET = Path(__file__).resolve().parents[2].parent / "shared" / "devsets" / "profiles.yaml"
runner = CliRunner()


def profile(text: str) -> Profile:
    return parse_profile(text, "yaml")


def steps_for(
    text: str, *, sector: str | None = None, lang: str = "en", directory: Directory | None = None
) -> NextSteps:
    p = profile(text)
    return next_steps(p, assess(p, as_of=AS_OF), sector=sector, lang=lang, directory=directory)


def ids(result: NextSteps) -> list[str]:
    return [s.id for s in result.steps]


def entry_ids(result: NextSteps, step_id: str) -> list[str]:
    step = result.step(step_id)
    assert step is not None, f"no step {step_id} in {ids(result)}"
    return [e.id for e in step.entries]


def gaps_of(result: NextSteps, step_id: str) -> list[str]:
    step = result.step(step_id)
    assert step is not None, f"no step {step_id} in {ids(result)}"
    return list(step.gaps)


HIGH_RISK_SME_FR = """
name: Triage assistant for radiology
organisation: {country: FR, size: small}
roles: [provider]
annex_i: {legislation: medical_devices, safety_component: true, third_party_conformity_assessment: true}
"""

CV_SCREENING = """
name: CV screening assistant
organisation: {{country: {country}, size: {size}}}
roles: [provider]
annex_iii: ["4(a)"]
"""

PUBLIC_DEPLOYER = """
name: Benefits eligibility scoring
organisation: {{country: {country}, size: large}}
roles: [deployer]
annex_iii: ["5(a)"]
deployer: {{public_authority: true}}
"""

GPAI_PROVIDER = """
name: Open foundation model
kind: gpai_model
organisation: {country: DE, size: medium}
roles: [provider]
"""

CHATBOT = """
name: Customer service chatbot
organisation: {{country: {country}, size: {size}}}
roles: [provider]
transparency: {{interacts_with_natural_persons: true, generates_synthetic_content: {synthetic}}}
"""

MINIMAL = """
name: Spam filter
organisation: {{country: IT, size: {size}}}
roles: [provider]
"""

PROHIBITED = """
name: Workplace emotion monitor
organisation: {country: NL, size: large}
roles: [provider]
prohibited_practices: [emotion_recognition_workplace_education]
"""

OUT_OF_SCOPE = """
name: Defence targeting aid
organisation: {country: FR, size: large}
roles: [provider]
exclusions: [military_defence_national_security]
"""


# --------------------------------------------------------------------------- the rules file
def test_the_rules_file_is_valid_and_defines_every_gap_message() -> None:
    book = load_rules()
    assert len(book.rules) >= 15
    assert set(book.gaps) >= GAP_KEYS


def test_every_rule_citation_is_canonical_and_resolves_in_the_2026_text() -> None:
    corpus = load_corpus()
    assert corpus.version == "2026"
    book = load_rules()
    for rule in book.rules:
        for citation in rule.citations:
            assert format_citation(parse(citation)) == citation, rule.id
            assert corpus.text(citation).strip(), f"{rule.id}: {citation} has no text"
        for ground in rule.when.grounds or []:
            corpus.resolve(ground)


def test_every_rule_citation_resolves_in_the_french_text_too() -> None:
    corpus = load_corpus(lang="fr")
    for citation in sorted(load_rules().citations()):
        corpus.resolve(citation)


def test_conditions_all_hold_and_not_negates() -> None:
    facts = Facts(
        risk_class="high_risk",
        in_scope=True,
        kind="ai_system",
        roles=frozenset({"deployer"}),
        size="unknown",
        gpai_model=False,
        systemic_risk=False,
        public_body=True,
        obligations=frozenset({"fundamental_rights_impact_assessment"}),
        grounds=("Annex III 5(b)",),
        transparency=False,
    )
    assert When().holds(facts)
    assert When.model_validate({"risk_class": ["high_risk"], "public_body": True, "size": ["unknown"]}).holds(
        facts
    )
    assert When.model_validate({"grounds": ["Annex III 5"]}).holds(facts)  # a point of Annex III 5
    assert not When.model_validate({"grounds": ["Annex III 5(a)"]}).holds(facts)
    assert not When.model_validate({"roles": ["provider"], "public_body": True}).holds(facts)
    assert not When.model_validate({"not": {"obligations": ["fundamental_rights_impact_assessment"]}}).holds(
        facts
    )
    assert When.model_validate({"not": {"risk_class": ["high_risk"], "roles": ["provider"]}}).holds(facts)


def test_every_obligation_a_rule_reads_exists_in_the_catalogue() -> None:
    known = {entry.id for entry in load_catalogue()}

    def obligations(when: Any) -> set[str]:
        if when is None:
            return set()
        return set(when.obligations or []) | obligations(when.not_)

    for rule in load_rules().rules:
        assert obligations(rule.when) <= known, rule.id


def test_every_entry_a_rule_names_is_in_the_packaged_directory() -> None:
    directory = load()
    for rule in load_rules().rules:
        for entry_id in rule.ids:
            assert directory.get(entry_id) is not None, f"{rule.id}: {entry_id}"


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"when": {"risk_clas": ["high_risk"]}}, "risk_clas"),
        ({"when": {"risk_class": ["very_high"]}}, "risk_class"),
        ({"citations": ["Article 57(1)"]}, "not canonical"),
        ({"ask": "entries", "ids": []}, "needs `ids`"),
        ({"ask": "oracle"}, "ask"),
    ],
)
def test_a_bad_rule_fails_loudly(patch: dict[str, Any], message: str) -> None:
    from ruamel.yaml import YAML

    from aidesk.directory import next_steps as module

    path = Path(module.__file__).parent / "data" / "next_steps.yaml"
    raw = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    raw["rules"][0] = {**raw["rules"][0], **patch}
    with pytest.raises(RulesError, match=message):
        parse_rules(raw)


def test_duplicate_rule_ids_fail_loudly() -> None:
    from ruamel.yaml import YAML

    from aidesk.directory import next_steps as module

    path = Path(module.__file__).parent / "data" / "next_steps.yaml"
    raw = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    raw["rules"].append(raw["rules"][0])
    with pytest.raises(RulesError, match="duplicate"):
        parse_rules(raw)


# --------------------------------------------------------------------------- high-risk providers
def test_a_high_risk_sme_provider_in_france_gets_authority_sandbox_edihs_and_the_tef_of_its_sector(
    data_dir: Path,
) -> None:
    result = steps_for(HIGH_RISK_SME_FR)
    assert result.risk_class == "high_risk"
    assert [(s.sector, s.basis) for s in result.sectors] == [
        (Sector.healthcare, "annex_i.legislation: medical_devices")
    ]
    assert ids(result)[:6] == [
        "market_surveillance_authority",
        "sandbox_sme_priority",
        "edih_testing",
        "sector_tef",
        "sector_data_spaces",
        "ai_literacy",
    ]
    assert ids(result)[-1] == "service_desk"
    # the French market-surveillance authorities (Art. 70, 74)
    assert entry_ids(result, "market_surveillance_authority") == ["auth-fr"]
    msa = result.step("market_surveillance_authority")
    assert msa is not None and "Art. 74(1)" in msa.citations and "Art. 70(2)" in msa.citations
    # the national sandbox with SME priority (Art. 57, Art. 62(1)(a)): none recorded for FR -> a gap
    sandbox = result.step("sandbox_sme_priority")
    assert sandbox is not None
    assert {"Art. 57(1)", "Art. 62(1)(a)"} <= set(sandbox.citations)
    assert sandbox.entries == ()
    assert sandbox.gaps == ("No AI regulatory sandbox is recorded for FR in the directory data.",)
    # EDIHs in FR offering testing: the network entry, then legacy FR hubs, labelled as seed data
    edihs = result.step("edih_testing")
    assert edihs is not None
    assert edihs.entries[0].id == "edih-network"
    assert all(e.legacy and "FR" in e.countries for e in edihs.entries[1:])
    assert edihs.more > 0 and edihs.command == "aidesk directory search --kind edih --country FR"
    assert "legacy 2022 hub(s) in FR" in edihs.gaps[0] and "services unknown" in edihs.gaps[0]
    # the TEF and data space of the sector derived from Annex I (medical devices -> healthcare)
    assert entry_ids(result, "sector_tef") == ["tef-health"]
    assert entry_ids(result, "sector_data_spaces") == ["ds-health"]
    assert not [s for s in ids(result) if s.startswith("gpai") or s.startswith("fundamental")]


def test_a_large_high_risk_provider_gets_the_sandbox_without_sme_priority(data_dir: Path) -> None:
    result = steps_for(CV_SCREENING.format(country="ES", size="large"))
    assert "sandbox" in ids(result) and "sandbox_sme_priority" not in ids(result)
    assert entry_ids(result, "sandbox") == ["sb-es"]
    step = result.step("sandbox")
    assert step is not None and "Art. 62(1)(a)" not in step.citations
    assert "sme_edih_support" not in ids(result)


def test_a_high_risk_provider_whose_sector_cannot_be_derived_is_asked_for_sector(data_dir: Path) -> None:
    result = steps_for(CV_SCREENING.format(country="FR", size="small"))  # employment cuts across sectors
    assert result.sectors == ()
    tef = result.step("sector_tef")
    assert tef is not None and tef.entries == () and tef.needs == ("--sector",)
    assert "give --sector" in tef.gaps[0]


def test_the_sector_option_overrides_the_derived_sector(data_dir: Path) -> None:
    result = steps_for(CV_SCREENING.format(country="FR", size="small"), sector="manufacturing")
    assert [(s.sector, s.basis) for s in result.sectors] == [(Sector.manufacturing, "--sector")]
    assert entry_ids(result, "sector_tef") == ["tef-ai-matters"]


def test_a_sector_without_a_tef_is_a_gap_not_a_guess(data_dir: Path) -> None:
    result = steps_for(CV_SCREENING.format(country="FR", size="small"), sector="finance")
    assert entry_ids(result, "sector_tef") == []
    assert gaps_of(result, "sector_tef") == [
        "No sectoral Testing and Experimentation Facility for Finance (possible future sector) is recorded."
    ]
    assert entry_ids(result, "sector_data_spaces") == ["ds-finance"]


def test_a_bad_sector_is_bad_input(data_dir: Path) -> None:
    with pytest.raises(DirectoryError, match="--sector 'banking'"):
        steps_for(CV_SCREENING.format(country="FR", size="small"), sector="banking")


@pytest.mark.parametrize(
    ("yaml_part", "expected"),
    [
        ("annex_i: {legislation: in_vitro_diagnostic}", [Sector.healthcare]),
        ("annex_i: {legislation: motor_vehicles}", [Sector.mobility]),
        ("annex_i: {legislation: toys}", []),
        ('annex_iii: ["5(b)"]', [Sector.finance]),
        ('annex_iii: ["5(a)", "5(c)"]', [Sector.public_sector, Sector.finance]),
        ('annex_iii: ["1(a)", "2", "4(b)"]', []),
    ],
)
def test_sectors_are_derived_only_where_the_mapping_is_sound(yaml_part: str, expected: list[Sector]) -> None:
    p = profile(f"name: x\nroles: [provider]\n{yaml_part}\n")
    assert [s.sector for s in derive_sectors(p)] == expected


# --------------------------------------------------------------------------- deployers
def test_a_public_deployer_gets_fria_guidance_and_its_authority(data_dir: Path) -> None:
    result = steps_for(PUBLIC_DEPLOYER.format(country="FR"))
    fria = result.step("fundamental_rights_impact_assessment")
    assert fria is not None
    assert [e.id for e in fria.entries] == ["auth-fr", "eu-ai-office"]
    assert {"Art. 27(1)", "Art. 27(3)", "Art. 27(5)"} <= set(fria.citations)
    # a deployer does not test or build: no sandbox, EDIH testing, TEF
    assert not {"sandbox", "sandbox_sme_priority", "edih_testing", "sector_tef"} & set(ids(result))
    assert "ai_literacy" in ids(result)


def test_a_private_deployer_of_cv_screening_owes_no_fria_step(data_dir: Path) -> None:
    text = CV_SCREENING.format(country="FR", size="large").replace("[provider]", "[deployer]")
    result = steps_for(text)
    assert "fundamental_rights_impact_assessment" not in ids(result)
    assert "market_surveillance_authority" in ids(result)


def test_a_country_without_authority_data_is_reported_as_a_gap(data_dir: Path) -> None:
    result = steps_for(PUBLIC_DEPLOYER.format(country="BE"))
    for step_id in ("market_surveillance_authority", "fundamental_rights_impact_assessment"):
        assert gaps_of(result, step_id) == [
            "No national AI Act authority is known for BE in the directory data."
        ]
    assert entry_ids(result, "fundamental_rights_impact_assessment") == ["eu-ai-office"]
    assert ("market_surveillance_authority", result.gaps[0][1]) == result.gaps[0]


def test_a_country_with_only_fundamental_rights_body_counts_says_so(data_dir: Path) -> None:
    result = steps_for(PUBLIC_DEPLOYER.format(country="BG"))
    assert gaps_of(result, "market_surveillance_authority") == [
        "No national AI Act authority is known for BG in the directory data "
        "(only the number of Art. 77 fundamental-rights bodies is known: 9)."
    ]


def test_no_country_in_the_profile_asks_for_it(data_dir: Path) -> None:
    result = steps_for("name: x\nroles: [provider]\nannex_iii: ['4(a)']\n")
    step = result.step("market_surveillance_authority")
    assert step is not None and step.entries == () and step.needs == ("organisation.country",)
    assert "organisation.country" in step.gaps[0]


def test_a_provider_outside_the_eu_is_pointed_to_the_member_state_of_the_market(data_dir: Path) -> None:
    result = steps_for(CV_SCREENING.format(country="US", size="large"))
    gaps = gaps_of(result, "market_surveillance_authority")
    assert gaps and gaps[0].startswith("US is not an EU or EEA State")
    assert "--kind authority" in gaps[0]


# --------------------------------------------------------------------------- general-purpose AI
def test_a_gpai_provider_gets_the_ai_office_the_code_of_practice_and_compute_routes(data_dir: Path) -> None:
    result = steps_for(GPAI_PROVIDER)
    assert result.risk_class == "gpai_model"
    assert ids(result)[:3] == ["gpai_ai_office", "gpai_code_of_practice", "gpai_compute_access"]
    office = result.step("gpai_ai_office")
    assert office is not None and [e.id for e in office.entries] == ["eu-ai-office"]
    assert "Art. 64(1)" in office.citations and "Art. 88(1)" in office.citations
    code = result.step("gpai_code_of_practice")
    assert code is not None and "Art. 56(1)" in code.citations
    # the directory has no entry for the Code itself: said, and the AI Office shown
    assert code.gaps and "General-Purpose AI Code of Practice" in code.gaps[0]
    assert [e.id for e in code.entries] == ["eu-ai-office"]
    compute = result.step("gpai_compute_access")
    assert compute is not None
    assert compute.entries[0].id == "prog-eurohpc-ai-data-access"
    assert compute.needs == ("gpai_model.training_compute_flop",)
    kinds = {e.kind for e in compute.entries[1:]}
    assert kinds <= {Kind.ai_factory, Kind.antenna} and Kind.ai_factory in kinds
    # German AI Factories (or antennas) first
    assert "DE" in compute.entries[1].countries
    # Art. 4 binds providers of AI systems, not of models; no EDIH step for a model
    assert "ai_literacy" not in ids(result) and "sme_edih_support" not in ids(result)


def test_a_gpai_model_above_the_presumption_gets_systemic_rules_and_frontier_routes(data_dir: Path) -> None:
    result = steps_for(GPAI_PROVIDER + "gpai_model: {training_compute_flop: 3.0e+25}\n")
    assert result.risk_class == "gpai_model_systemic"
    assert "gpai_systemic_ai_office" in ids(result) and "gpai_ai_office" not in ids(result)
    assert "gpai_code_of_practice_systemic" in ids(result) and "gpai_code_of_practice" not in ids(result)
    step = result.step("gpai_systemic_ai_office")
    assert step is not None and "Art. 52(1)" in step.citations
    routes = entry_ids(result, "gpai_compute_access")
    assert "gigafactory-investai" in routes and "prog-large-ai-grand-challenge" not in routes
    compute = result.step("gpai_compute_access")
    assert compute is not None and compute.needs == ()


def test_a_mid_size_model_is_matched_to_the_grand_challenge(data_dir: Path) -> None:
    result = steps_for(GPAI_PROVIDER + "gpai_model: {training_compute_flop: 5.0e+23}\n")
    routes = entry_ids(result, "gpai_compute_access")
    assert "prog-large-ai-grand-challenge" in routes and "gigafactory-investai" not in routes


def test_a_code_of_practice_entry_added_to_the_data_is_found(data_dir: Path) -> None:
    code = Entry(
        id="prog-gpai-code-of-practice",
        kind=Kind.programme,
        name="General-Purpose AI Code of Practice",
        sources=["https://example.org/code"],
        confidence="high",
    )
    base = load()
    directory = Directory([*base.entries, code], base.coverage)
    result = steps_for(GPAI_PROVIDER, directory=directory)
    step = result.step("gpai_code_of_practice")
    assert step is not None and step.gaps == ()
    assert [e.id for e in step.entries] == ["prog-gpai-code-of-practice", "eu-ai-office"]


def test_a_missing_entry_is_a_gap(data_dir: Path) -> None:
    base = load()
    directory = Directory([e for e in base.entries if e.id != "eu-ai-office"], base.coverage)
    result = steps_for(GPAI_PROVIDER, directory=directory)
    assert gaps_of(result, "gpai_ai_office") == ["The directory has no entry eu-ai-office."]


def test_a_system_built_on_a_gpai_model_may_be_supervised_by_the_ai_office(data_dir: Path) -> None:
    text = "name: Assistant\nkind: gpai_system\norganisation: {country: DE, size: large}\nroles: [provider]\n"
    result = steps_for(text)
    step = result.step("gpai_system_ai_office")
    assert step is not None and step.citations == ("Art. 75(1)(a)",)
    # except the systems of Art. 75(1)(a)(ii): Annex III point 2 stays national
    result = steps_for(text + "annex_iii: ['2']\n")
    assert "gpai_system_ai_office" not in ids(result)


# --------------------------------------------------------------------------- other classes
def test_a_transparency_only_system_gets_its_authority_codes_and_no_high_risk_help(data_dir: Path) -> None:
    result = steps_for(CHATBOT.format(country="DE", size="large", synthetic="true"))
    assert result.risk_class == "transparency"
    assert ids(result) == [
        "transparency_authority",
        "transparency_code_of_practice",
        "voluntary_codes_of_conduct",
        "ai_literacy",
        "service_desk",
    ]
    assert entry_ids(result, "transparency_authority") == ["auth-de"]
    step = result.step("transparency_code_of_practice")
    assert step is not None and step.citations == ("Art. 50(7)",)


def test_a_chatbot_without_synthetic_content_owes_no_marking_code_step(data_dir: Path) -> None:
    result = steps_for(CHATBOT.format(country="DE", size="large", synthetic="false"))
    assert "transparency_code_of_practice" not in ids(result)


def test_an_sme_with_a_transparency_system_keeps_its_sandbox_priority_and_edihs(data_dir: Path) -> None:
    result = steps_for(CHATBOT.format(country="DK", size="micro", synthetic="false"))
    assert entry_ids(result, "sandbox_sme_priority") == ["sb-dk"]
    assert "sme_edih_support" in ids(result)
    assert "edih_testing" not in ids(result)


def test_a_minimal_risk_system_gets_codes_of_conduct_literacy_and_the_service_desk(data_dir: Path) -> None:
    result = steps_for(MINIMAL.format(size="large"))
    assert result.risk_class == "minimal"
    assert ids(result) == ["voluntary_codes_of_conduct", "ai_literacy", "service_desk"]
    step = result.step("voluntary_codes_of_conduct")
    assert step is not None and step.citations == ("Art. 95(1)",)
    result = steps_for(MINIMAL.format(size="small"))
    assert "sme_edih_support" in ids(result) and "sandbox_sme_priority" in ids(result)


def test_a_prohibited_practice_is_sent_to_the_authority_and_nothing_that_helps_build_it(
    data_dir: Path,
) -> None:
    result = steps_for(PROHIBITED)
    assert result.risk_class == "prohibited"
    assert ids(result) == ["prohibited_practice_authority", "service_desk"]
    step = result.step("prohibited_practice_authority")
    assert step is not None and [e.id for e in step.entries] == ["auth-nl"]
    assert {"Art. 5(1)", "Art. 99(3)"} <= set(step.citations)


def test_an_out_of_scope_system_only_gets_the_scope_check(data_dir: Path) -> None:
    result = steps_for(OUT_OF_SCOPE)
    assert result.risk_class == "out_of_scope"
    assert ids(result) == ["service_desk_scope"]
    step = result.step("service_desk_scope")
    assert step is not None and [e.id for e in step.entries] == ["eu-ai-act-service-desk"]


def test_every_step_of_every_devset_profile_is_cited(data_dir: Path) -> None:
    if not DEVSET.exists():
        pytest.skip("shared devsets not present")
    corpus = load_corpus()
    cases = parse_text(DEVSET.read_text(encoding="utf-8"), "yaml")
    assert isinstance(cases, list)
    directory = load()
    for case in cases:
        p = profile_from_data(case["profile"])
        result = next_steps(p, assess(p, as_of=AS_OF), directory=directory)
        assert result.steps, case["id"]
        for step in result.steps:
            assert step.citations and all(corpus.text(c) for c in step.citations), (case["id"], step.id)
            assert step.entries or step.gaps, (case["id"], step.id)
        json.dumps(result.to_json_dict())


# --------------------------------------------------------------------------- French, JSON, CLI
def test_french_output_translates_titles_reasons_gaps_and_sectors(data_dir: Path) -> None:
    result = steps_for(HIGH_RISK_SME_FR, lang="fr")
    step = result.step("sandbox_sme_priority")
    assert step is not None
    assert step.title.startswith("Bac à sable réglementaire")
    assert "accès prioritaire" in step.reason
    assert step.gaps == (
        "Aucun bac à sable réglementaire de l'IA n'est enregistré pour FR dans les données de l'annuaire.",
    )
    doc = result.to_json_dict()
    assert doc["lang"] == "fr"
    assert doc["sectors"][0]["label"] == "Santé (y compris pharmaceutique)"
    assert doc["steps"][0]["entries"][0]["kind_label"] == "Autorités nationales de l'AI Act"
    # citations stay canonical in every language
    assert "Art. 62(1)(a)" in step.citations


def test_json_shape(data_dir: Path) -> None:
    doc = steps_for(HIGH_RISK_SME_FR).to_json_dict()
    assert list(doc) == [
        "schema", "profile", "regime", "regime_version", "as_of", "lang", "risk_class",
        "organisation", "sectors", "steps", "gaps",
    ]  # fmt: skip
    assert doc["schema"] == NEXT_STEPS_SCHEMA
    assert doc["regime"] == "ai-act-2026" and doc["as_of"] == "2026-11-25"
    assert doc["organisation"] == {"country": "FR", "size": "small", "roles": ["provider"]}
    assert doc["sectors"] == [
        {
            "sector": "healthcare",
            "label": "Healthcare (incl. pharmaceuticals)",
            "from": "annex_i.legislation: medical_devices",
        }
    ]
    step = doc["steps"][0]
    assert list(step) == ["id", "title", "reason", "citations", "entries", "more", "gaps", "needs", "command"]
    entry = step["entries"][0]
    wanted = {"id", "kind", "name", "countries", "url", "sources", "confidence", "unverified", "legacy"}
    assert set(entry) >= wanted
    assert entry["sources"]
    legacy = next(e for s in doc["steps"] for e in s["entries"] if e["legacy"])
    assert "LEGACY 2022" in legacy["seed_data_note"]
    assert {"step": "sandbox_sme_priority", "gap": doc["steps"][1]["gaps"][0]} in doc["gaps"]
    json.dumps(doc)


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, text: str, name: str = "profile.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_json(tmp_path: Path, data_dir: Path) -> None:
    code, out, _ = run("next-steps", write(tmp_path, HIGH_RISK_SME_FR), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == NEXT_STEPS_SCHEMA and doc["risk_class"] == "high_risk"
    assert doc["steps"][0]["id"] == "market_surveillance_authority"


def test_cli_text_in_french_with_a_sector(tmp_path: Path, data_dir: Path) -> None:
    path = write(tmp_path, CV_SCREENING.format(country="FR", size="small"))
    code, out, _ = run("next-steps", path, "--lang", "fr", "--sector", "healthcare")
    assert code == 0
    assert "Prochaines étapes pour CV screening assistant" in out
    assert "Bac à sable réglementaire national" in out
    assert "Lacune" in out and "TEF-Health" in out
    assert "Art. 62(1)(a)" in out


def test_cli_reads_stdin(data_dir: Path) -> None:
    code, out, _ = run("next-steps", "-", "--json", input=MINIMAL.format(size="large"))
    assert code == 0 and json.loads(out)["risk_class"] == "minimal"


@pytest.mark.parametrize(
    ("text", "args", "needle"),
    [
        ("name: x\nroles: [boss]\n", (), "roles[0]"),
        ("name: x\norganisation: {country: XX}\n", (), "organisation.country"),
        ("roles: [provider]\n", (), "name"),
        (MINIMAL.format(size="large"), ("--sector", "banking"), "--sector 'banking'"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, data_dir: Path, text: str, args: tuple[str, ...], needle: str
) -> None:
    code, out, err = run("next-steps", write(tmp_path, text), *args)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in err


def test_cli_missing_file_is_exit_2(tmp_path: Path, data_dir: Path) -> None:
    code, _, err = run("next-steps", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err


def test_cli_bad_lang_is_exit_2(tmp_path: Path, data_dir: Path) -> None:
    code, _, _ = run("next-steps", write(tmp_path, MINIMAL.format(size="large")), "--lang", "de")
    assert code == 2
