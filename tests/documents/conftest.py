"""Profiles for the documents tests: one per representative actor, written here so that the tests do not
depend on the example files (which others edit)."""

from __future__ import annotations

import pytest

from aidesk.rules import parse_profile
from aidesk.rules.profile import Profile

HIGH_RISK_PROVIDER = """
name: CV screening assistant
description: Reads CVs, scores and ranks applicants, and chats with candidates.
kind: ai_system
organisation: {name: Acme Recrutement SAS, country: FR, size: small}
roles: [provider]
location: {established_in_eu: true, placed_on_eu_market: true, output_used_in_eu: true}
placed_on_market: 2028-01-15
annex_iii: ["4(a)"]
article_6_3: {profiling_of_natural_persons: true}
transparency: {interacts_with_natural_persons: true}
"""

PUBLIC_DEPLOYER = """
name: Housing allowance eligibility checker
description: Used by social services to decide who qualifies for housing allowance.
kind: ai_system
organisation: {name: Gemeente Waterland, country: NL}
roles: [deployer]
location: {established_in_eu: true, placed_on_eu_market: true, output_used_in_eu: true}
placed_on_market: 2028-03-01
annex_iii: ["5(a)"]
article_6_3: {profiling_of_natural_persons: true}
deployer: {public_authority: true, workplace_use: true}
"""

GPAI_PROVIDER = """
name: Aurora-XL
description: Frontier multimodal foundation model offered via API.
kind: gpai_model
organisation: {name: Aurora AI AG, country: DE, size: large}
roles: [provider]
location: {established_in_eu: true, placed_on_eu_market: true, output_used_in_eu: true}
placed_on_market: 2026-10-01
gpai_model: {training_compute_flop: 3.0e+25}
"""

CHATBOT = """
name: Helpdesk copilot
description: Customer-support chat assistant built on a licensed large language model.
kind: gpai_system
organisation: {name: ServiDesk SAS, country: FR, size: medium}
roles: [provider, deployer]
location: {established_in_eu: true, placed_on_eu_market: true, output_used_in_eu: true}
placed_on_market: 2026-09-15
transparency: {interacts_with_natural_persons: true, generates_synthetic_content: true}
"""

DEROGATED_PROVIDER = """
name: Ticket router
description: Routes incoming job applications to the right team; no assessment of candidates.
kind: ai_system
organisation: {name: Routing GmbH, country: DE, size: large}
roles: [provider]
location: {established_in_eu: true, placed_on_eu_market: true, output_used_in_eu: true}
annex_iii: ["4(a)"]
article_6_3: {narrow_procedural_task: true, profiling_of_natural_persons: false}
"""

PROHIBITED = """
name: Mood monitor
kind: ai_system
organisation: {name: Office Corp, country: BE}
roles: [deployer]
location: {established_in_eu: true, placed_on_eu_market: true, output_used_in_eu: true}
prohibited_practices: [emotion_recognition_workplace_education]
"""

DEEP_FAKE_DEPLOYER = """
name: Campaign video studio
kind: ai_system
organisation: {name: Pixel Agency, country: FR, size: micro}
roles: [deployer]
location: {established_in_eu: true, placed_on_eu_market: true, output_used_in_eu: true}
transparency: {deep_fake: true, emotion_recognition: true}
"""

# Hostile strings: HTML/JS, LaTeX and spreadsheet-formula injection, in every user-supplied field.
HOSTILE = r"""
name: "<script>alert(1)</script> \\input{/etc/passwd}"
description: "=cmd|' /C calc'!A0 <img src=x onerror=alert(2)> [link](javascript:alert(3)) **bold**"
kind: ai_system
organisation: {name: "=HYPERLINK(\"http://evil\") <b>Evil</b> \\input{secret}", country: FR, size: small}
roles: [provider, deployer]
location: {established_in_eu: true, placed_on_eu_market: true, output_used_in_eu: true}
placed_on_market: 2028-01-15
annex_iii: ["5(b)"]
article_6_3: {profiling_of_natural_persons: true}
transparency: {interacts_with_natural_persons: true}
"""


def profile_of(text: str) -> Profile:
    return parse_profile(text, "yaml", "test")


@pytest.fixture(scope="session")
def provider() -> Profile:
    return profile_of(HIGH_RISK_PROVIDER)


@pytest.fixture(scope="session")
def public_deployer() -> Profile:
    return profile_of(PUBLIC_DEPLOYER)


@pytest.fixture(scope="session")
def gpai_provider() -> Profile:
    return profile_of(GPAI_PROVIDER)


@pytest.fixture(scope="session")
def chatbot() -> Profile:
    return profile_of(CHATBOT)


@pytest.fixture(scope="session")
def hostile() -> Profile:
    return profile_of(HOSTILE)


@pytest.fixture(scope="session")
def derogated_provider() -> Profile:
    return profile_of(DEROGATED_PROVIDER)


@pytest.fixture(scope="session")
def prohibited() -> Profile:
    return profile_of(PROHIBITED)


@pytest.fixture(scope="session")
def deep_fake_deployer() -> Profile:
    return profile_of(DEEP_FAKE_DEPLOYER)


@pytest.fixture(scope="session")
def profile_texts() -> dict[str, str]:
    return {"provider": HIGH_RISK_PROVIDER, "public_deployer": PUBLIC_DEPLOYER, "hostile": HOSTILE}
