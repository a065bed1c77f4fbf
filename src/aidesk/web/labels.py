"""Human labels of the profile and assessment vocabularies (SPEC §1-2), marked for translation.

Keys are the schema's values; labels are English source strings, translated at display time with the
page's catalogue (`| t` in templates, `i18n.gettext` in code).
"""

from __future__ import annotations

from typing import Final

from aidesk.web.i18n import N_

RISK_CLASSES: Final = {
    "out_of_scope": N_("Out of scope"),
    "prohibited": N_("Prohibited practice"),
    "high_risk": N_("High-risk"),
    "transparency": N_("Transparency obligations"),
    "minimal": N_("Minimal risk"),
    "gpai_model": N_("General-purpose AI model"),
    "gpai_model_systemic": N_("General-purpose AI model with systemic risk"),
}
RISK_CLASS_EXPLAINED: Final = {
    "out_of_scope": N_("The AI Act does not apply to this system as described (Art. 2)."),
    "prohibited": N_(
        "The system falls under a practice that Art. 5 prohibits: it may not be placed on the market, put into service or used in the EU."
    ),
    "high_risk": N_(
        "The system is high-risk: the requirements of Chapter III apply, with conformity assessment before it is placed on the market."
    ),
    "transparency": N_("The system owes the transparency duties of Art. 50 and nothing heavier."),
    "minimal": N_(
        "No specific obligation of the AI Act applies beyond AI literacy (Art. 4); voluntary codes of conduct are encouraged (Art. 95)."
    ),
    "gpai_model": N_(
        "A general-purpose AI model: the obligations of Chapter V, Section 2 apply to its provider."
    ),
    "gpai_model_systemic": N_(
        "A general-purpose AI model with systemic risk: the obligations of Art. 53 and Art. 55 apply to its provider."
    ),
}

KINDS: Final = {
    "ai_system": N_("AI system"),
    "gpai_system": N_("AI system built on a general-purpose AI model"),
    "gpai_model": N_("General-purpose AI model"),
}
ROLES: Final = {
    "provider": N_("Provider"),
    "deployer": N_("Deployer"),
    "importer": N_("Importer"),
    "distributor": N_("Distributor"),
    "authorised_representative": N_("Authorised representative"),
    "product_manufacturer": N_("Product manufacturer"),
}
SIZES: Final = {
    "micro": N_("Micro enterprise"),
    "small": N_("Small enterprise"),
    "medium": N_("Medium-sized enterprise"),
    "small_midcap": N_("Small mid-cap enterprise"),
    "large": N_("Large enterprise"),
}
EXCLUSIONS: Final = {
    "military_defence_national_security": (
        N_("Military, defence or national security purposes only"),
        "Art. 2(3)",
    ),
    "third_country_public_authority_cooperation": (
        N_("Public authority of a third country in international law-enforcement or judicial cooperation"),
        "Art. 2(4)",
    ),
    "scientific_research_only": (
        N_("Developed and put into service for scientific research only"),
        "Art. 2(6)",
    ),
    "pre_market_research_testing": (
        N_("Research, testing or development before being placed on the market"),
        "Art. 2(8)",
    ),
    "personal_non_professional": (
        N_("Used by a natural person for a purely personal, non-professional activity"),
        "Art. 2(10)",
    ),
    "free_open_source": (N_("Released under a free and open-source licence"), "Art. 2(12)"),
}
PRACTICES: Final = {
    "harmful_manipulation": (N_("Harmful manipulation or deception"), "Art. 5(1)(a)"),
    "exploitation_of_vulnerabilities": (
        N_("Exploitation of vulnerabilities (age, disability, social or economic situation)"),
        "Art. 5(1)(b)",
    ),
    "non_consensual_intimate_imagery": (
        N_("Non-consensual intimate imagery of an identifiable person"),
        "Art. 5(1)(ba)",
    ),
    "csam_generation": (N_("Generation of child sexual abuse material"), "Art. 5(1)(bb)"),
    "social_scoring": (N_("Social scoring"), "Art. 5(1)(c)"),
    "criminal_risk_profiling": (N_("Predicting criminal offences solely from profiling"), "Art. 5(1)(d)"),
    "untargeted_facial_scraping": (
        N_("Facial recognition databases from untargeted scraping"),
        "Art. 5(1)(e)",
    ),
    "emotion_recognition_workplace_education": (
        N_("Emotion recognition at the workplace or in education"),
        "Art. 5(1)(f)",
    ),
    "biometric_categorisation_sensitive": (
        N_("Biometric categorisation inferring sensitive characteristics"),
        "Art. 5(1)(g)",
    ),
    "realtime_remote_biometric_identification_law_enforcement": (
        N_("Real-time remote biometric identification in public spaces for law enforcement"),
        "Art. 5(1)(h)",
    ),
}
PRACTICE_EXCEPTIONS: Final = {
    "medical_or_safety_reasons": (N_("Medical or safety reasons"), "Art. 5(1)(f)"),
    "lawful_labelling_of_biometric_datasets": (
        N_("Lawful labelling or filtering of biometric datasets"),
        "Art. 5(1)(g)",
    ),
    "supports_human_assessment_on_objective_facts": (
        N_("Supports a human assessment based on objective and verifiable facts"),
        "Art. 5(1)(d)",
    ),
    "targeted_victim_search": (N_("Targeted search for victims or missing persons"), "Art. 5(1)(h)(i)"),
    "imminent_threat_prevention": (
        N_("Prevention of an imminent threat to life or of a terrorist attack"),
        "Art. 5(1)(h)(ii)",
    ),
    "serious_crime_suspect": (
        N_("Locating or identifying a suspect of a serious criminal offence"),
        "Art. 5(1)(h)(iii)",
    ),
}
ANNEX_I_ACTS: Final = {
    "machinery": N_("Machinery"),
    "toys": N_("Toys"),
    "recreational_craft": N_("Recreational craft and personal watercraft"),
    "lifts": N_("Lifts"),
    "explosive_atmospheres": N_("Equipment for potentially explosive atmospheres"),
    "radio_equipment": N_("Radio equipment"),
    "pressure_equipment": N_("Pressure equipment"),
    "cableway_installations": N_("Cableway installations"),
    "personal_protective_equipment": N_("Personal protective equipment"),
    "gas_appliances": N_("Appliances burning gaseous fuels"),
    "medical_devices": N_("Medical devices"),
    "in_vitro_diagnostic": N_("In vitro diagnostic medical devices"),
    "civil_aviation_security": N_("Civil aviation security"),
    "two_three_wheel_vehicles": N_("Two- or three-wheel vehicles and quadricycles"),
    "agricultural_forestry_vehicles": N_("Agricultural and forestry vehicles"),
    "marine_equipment": N_("Marine equipment"),
    "rail_interoperability": N_("Interoperability of the rail system"),
    "motor_vehicles": N_("Motor vehicles and their trailers"),
    "vehicle_general_safety": N_("General safety of motor vehicles"),
    "civil_aviation": N_("Civil aviation"),
}
ARTICLE_6_3: Final = {
    "narrow_procedural_task": (N_("Performs only a narrow procedural task"), "Art. 6(3)(a)"),
    "improves_prior_human_activity": (
        N_("Only improves the result of a previously completed human activity"),
        "Art. 6(3)(b)",
    ),
    "detects_patterns_without_replacing_human_assessment": (
        N_("Only detects decision-making patterns, without replacing or influencing the human assessment"),
        "Art. 6(3)(c)",
    ),
    "preparatory_task": (N_("Only performs a preparatory task to an assessment"), "Art. 6(3)(d)"),
    "profiling_of_natural_persons": (
        N_("Performs profiling of natural persons (never derogated)"),
        "Art. 6(3)",
    ),
}
TRANSPARENCY: Final = {
    "interacts_with_natural_persons": (N_("Interacts directly with natural persons"), "Art. 50(1)"),
    "generates_synthetic_content": (N_("Generates synthetic audio, image, video or text"), "Art. 50(2)"),
    "emotion_recognition": (N_("Is an emotion recognition system"), "Art. 50(3)"),
    "biometric_categorisation": (N_("Is a biometric categorisation system"), "Art. 50(3)"),
    "deep_fake": (N_("Generates or manipulates deep fakes"), "Art. 50(4)"),
    "public_interest_text": (
        N_("Generates or manipulates text published to inform the public"),
        "Art. 50(4)",
    ),
    "human_editorial_review": (N_("That text undergoes human review or editorial control"), "Art. 50(4)"),
}
GPAI: Final = {
    "open_source": (N_("Free and open-source licence, weights public"), "Art. 53(2)"),
    "designated_systemic_risk": (N_("Designated by the Commission as having systemic risk"), "Art. 51(1)(b)"),
}
DEPLOYER: Final = {
    "public_authority": (N_("Body governed by public law"), "Art. 27(1)"),
    "provides_public_services": (N_("Private entity providing public services"), "Art. 27(1)"),
    "workplace_use": (N_("Deployed at the workplace"), "Art. 26(7)"),
}
LOCATION: Final = {
    "established_in_eu": N_("Is the organisation established or located in the EU?"),
    "placed_on_eu_market": N_("Is the system placed on the market or put into service in the EU?"),
    "output_used_in_eu": N_("Is the output of the system used in the EU?"),
}
ANNEX_I_FLAGS: Final = {
    "safety_component": N_("Is the AI system a safety component of the product, or the product itself?"),
    "third_party_conformity_assessment": N_(
        "Does that act require a third-party conformity assessment because of health and safety risks?"
    ),
}
