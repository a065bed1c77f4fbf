"""The closed vocabularies of the profile schema `aidesk/profile/v1` (SPEC §1), kept as data.

Everything a profile may say is listed here once: roles, sizes, exclusions, Art. 5 practices and
their exceptions, Annex I acts, Annex III points, ISO country codes. The regimes
(`regimes/*.yaml`) map these keys to the provisions that give them legal effect; a test checks that
every key has its entry in every regime, so that the two can never drift apart.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    ai_system = "ai_system"
    gpai_model = "gpai_model"
    gpai_system = "gpai_system"


class Size(StrEnum):
    micro = "micro"
    small = "small"
    medium = "medium"
    small_midcap = "small_midcap"
    large = "large"


class Role(StrEnum):
    provider = "provider"
    deployer = "deployer"
    importer = "importer"
    distributor = "distributor"
    authorised_representative = "authorised_representative"
    product_manufacturer = "product_manufacturer"


class Exclusion(StrEnum):
    military_defence_national_security = "military_defence_national_security"
    third_country_public_authority_cooperation = "third_country_public_authority_cooperation"
    scientific_research_only = "scientific_research_only"
    pre_market_research_testing = "pre_market_research_testing"
    personal_non_professional = "personal_non_professional"
    free_open_source = "free_open_source"


class Practice(StrEnum):
    harmful_manipulation = "harmful_manipulation"
    exploitation_of_vulnerabilities = "exploitation_of_vulnerabilities"
    non_consensual_intimate_imagery = "non_consensual_intimate_imagery"
    csam_generation = "csam_generation"
    social_scoring = "social_scoring"
    criminal_risk_profiling = "criminal_risk_profiling"
    untargeted_facial_scraping = "untargeted_facial_scraping"
    emotion_recognition_workplace_education = "emotion_recognition_workplace_education"
    biometric_categorisation_sensitive = "biometric_categorisation_sensitive"
    realtime_remote_biometric_identification_law_enforcement = (
        "realtime_remote_biometric_identification_law_enforcement"
    )


class PracticeException(StrEnum):
    medical_or_safety_reasons = "medical_or_safety_reasons"
    lawful_labelling_of_biometric_datasets = "lawful_labelling_of_biometric_datasets"
    supports_human_assessment_on_objective_facts = "supports_human_assessment_on_objective_facts"
    targeted_victim_search = "targeted_victim_search"
    imminent_threat_prevention = "imminent_threat_prevention"
    serious_crime_suspect = "serious_crime_suspect"


class AnnexIAct(StrEnum):
    machinery = "machinery"
    toys = "toys"
    recreational_craft = "recreational_craft"
    lifts = "lifts"
    explosive_atmospheres = "explosive_atmospheres"
    radio_equipment = "radio_equipment"
    pressure_equipment = "pressure_equipment"
    cableway_installations = "cableway_installations"
    personal_protective_equipment = "personal_protective_equipment"
    gas_appliances = "gas_appliances"
    medical_devices = "medical_devices"
    in_vitro_diagnostic = "in_vitro_diagnostic"
    civil_aviation_security = "civil_aviation_security"
    two_three_wheel_vehicles = "two_three_wheel_vehicles"
    agricultural_forestry_vehicles = "agricultural_forestry_vehicles"
    marine_equipment = "marine_equipment"
    rail_interoperability = "rail_interoperability"
    motor_vehicles = "motor_vehicles"
    vehicle_general_safety = "vehicle_general_safety"
    civil_aviation = "civil_aviation"


# Annex III points (Art. 6(2)), as written in a profile and in a ground ("Annex III 4(a)").
# Annex III is not amended by Reg. (EU) 2026/1744, so one list serves both regimes.
ANNEX_III_POINTS: tuple[str, ...] = (
    "1(a)", "1(b)", "1(c)",
    "2",
    "3(a)", "3(b)", "3(c)", "3(d)",
    "4(a)", "4(b)",
    "5(a)", "5(b)", "5(c)", "5(d)",
    "6(a)", "6(b)", "6(c)", "6(d)", "6(e)",
    "7(a)", "7(b)", "7(c)", "7(d)",
    "8(a)", "8(b)",
)  # fmt: skip

# Art. 6(3), second subparagraph: the four conditions of the derogation, and the profiling override.
ARTICLE_6_3_CONDITIONS: tuple[str, ...] = (
    "narrow_procedural_task",
    "improves_prior_human_activity",
    "detects_patterns_without_replacing_human_assessment",
    "preparatory_task",
)

SME_SIZES: frozenset[str] = frozenset({Size.micro, Size.small, Size.medium})

# ISO 3166-1 alpha-2, officially assigned codes.
ISO_COUNTRIES: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905
)

# Codes people write that are not ISO 3166-1 alpha-2, with the code to use instead.
COUNTRY_ALIASES: dict[str, str] = {"EL": "GR", "UK": "GB"}

EU_MEMBER_STATES: frozenset[str] = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()  # noqa: SIM905
)
EEA_EFTA_STATES: frozenset[str] = frozenset({"IS", "LI", "NO"})
