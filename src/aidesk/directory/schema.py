"""One schema for every entry of the European AI ecosystem directory.

Country codes are ISO 3166-1 alpha-2. EU usage writes Greece `EL` and the United Kingdom
`UK`; aidesk stores the ISO codes (`GR`, `GB`) and maps `EL`→`GR` and `UK`→`GB` on import
(:func:`normalise_country`). The one exception to ISO is `XK` (Kosovo), a user-assigned code
that EU institutions use; it appears in the legacy 2022 hub list.

Sectors use the vocabulary of the Commission's Apply AI Strategy (8 Oct 2025): its 11 sectoral
flagships plus the three sectors it names as possible future ones (finance, tourism, e-commerce).
The French labels are aidesk's translation.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

SCHEMA_ID = "aidesk/directory/v1"


class Kind(StrEnum):
    ai_factory = "ai_factory"
    antenna = "antenna"
    gigafactory_initiative = "gigafactory_initiative"
    edih = "edih"
    tef = "tef"
    data_space = "data_space"
    data_lab = "data_lab"
    sandbox = "sandbox"
    authority = "authority"
    eu_body = "eu_body"
    programme = "programme"


KIND_LABELS: dict[Kind, tuple[str, str]] = {
    Kind.ai_factory: ("AI Factory", "Usine d'IA (AI Factory)"),
    Kind.antenna: ("AI Factory Antenna", "Antenne d'usine d'IA"),
    Kind.gigafactory_initiative: ("AI Gigafactory initiative", "Initiative gigausines d'IA"),
    Kind.edih: ("European Digital Innovation Hub", "Pôle européen d'innovation numérique (EDIH)"),
    Kind.tef: ("Testing and Experimentation Facility", "Installation d'essai et d'expérimentation (TEF)"),
    Kind.data_space: ("Common European data space", "Espace européen commun des données"),
    Kind.data_lab: ("Data Lab", "Laboratoire de données (Data Lab)"),
    Kind.sandbox: ("AI regulatory sandbox", "Bac à sable réglementaire de l'IA"),
    Kind.authority: ("National AI Act authorities", "Autorités nationales de l'AI Act"),
    Kind.eu_body: ("EU body", "Organe de l'UE"),
    Kind.programme: ("Programme, call or access route", "Programme, appel ou voie d'accès"),
}


class Sector(StrEnum):
    """Apply AI Strategy sectors (11 flagships + 3 possible future sectors)."""

    healthcare = "healthcare"
    robotics = "robotics"
    manufacturing = "manufacturing"
    defence_security_space = "defence_security_space"
    mobility = "mobility"
    electronic_communications = "electronic_communications"
    energy = "energy"
    climate_environment = "climate_environment"
    agrifood = "agrifood"
    culture_media = "culture_media"
    public_sector = "public_sector"
    finance = "finance"
    tourism = "tourism"
    ecommerce = "ecommerce"


# id -> (English label as in the Apply AI Strategy, French label (aidesk's translation), flagship?)
SECTOR_LABELS: dict[Sector, tuple[str, str, bool]] = {
    Sector.healthcare: ("Healthcare (incl. pharmaceuticals)", "Santé (y compris pharmaceutique)", True),
    Sector.robotics: ("Robotics", "Robotique", True),
    Sector.manufacturing: (
        "Manufacturing, engineering and construction",
        "Industrie manufacturière, ingénierie et construction",
        True,
    ),
    Sector.defence_security_space: ("Defence, security and space", "Défense, sécurité et espace", True),
    Sector.mobility: ("Mobility, transport and automotive", "Mobilité, transports et automobile", True),
    Sector.electronic_communications: ("Electronic communications", "Communications électroniques", True),
    Sector.energy: ("Energy", "Énergie", True),
    Sector.climate_environment: ("Climate and environment", "Climat et environnement", True),
    Sector.agrifood: ("Agri-food", "Agroalimentaire et agriculture", True),
    Sector.culture_media: (
        "Cultural and creative sectors, and media",
        "Secteurs culturels et créatifs, et médias",
        True,
    ),
    Sector.public_sector: ("Public sector", "Secteur public et administration", True),
    Sector.finance: ("Finance (possible future sector)", "Finance (secteur futur possible)", False),
    Sector.tourism: ("Tourism (possible future sector)", "Tourisme (secteur futur possible)", False),
    Sector.ecommerce: (
        "E-commerce (possible future sector)",
        "Commerce électronique (secteur futur possible)",
        False,
    ),
}
SECTOR_SOURCE = (
    "Apply AI Strategy, 8 Oct 2025 (sectoral flagships), as summarised in "
    "https://www.insideprivacy.com/artificial-intelligence/european-commission-publishes-apply-ai-strategy-"
    "to-accelerate-sectoral-ai-adoption-across-the-eu/"
)

#: EU-usage codes that are not ISO 3166-1 alpha-2, and their ISO equivalent.
COUNTRY_ALIASES: dict[str, str] = {"EL": "GR", "UK": "GB"}
#: Codes accepted although not assigned by ISO 3166-1 (user-assigned code used by EU institutions).
EXTRA_COUNTRY_CODES: dict[str, tuple[str, str]] = {"XK": ("Kosovo", "Kosovo")}

EU_MEMBER_STATES: frozenset[str] = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
     "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
)  # fmt: skip


@cache
def _iso_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


def normalise_country(value: str) -> str:
    """Upper-case a code and map EU usage (`EL`, `UK`) to ISO (`GR`, `GB`)."""
    code = value.strip().upper()
    return COUNTRY_ALIASES.get(code, code)


def is_valid_country(code: str) -> bool:
    return code in _iso_codes() or code in EXTRA_COUNTRY_CODES


def _check_country(value: str) -> str:
    if not is_valid_country(value):
        raise ValueError(
            f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. FR, DE, GR; EL and UK are mapped)"
        )
    return value


def _normalise_country_input(value: object) -> object:
    return normalise_country(value) if isinstance(value, str) else value


CountryCode = Annotated[str, BeforeValidator(_normalise_country_input), AfterValidator(_check_country)]

_ID_RE = r"^[a-z0-9][a-z0-9-]{1,80}$"
_URL_RE = re.compile(r"^https?://\S+$")


def _check_url(value: str | None) -> str | None:
    if value is not None and not _URL_RE.match(value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _non_blank(values: list[str]) -> list[str]:
    cleaned = [v.strip() for v in values]
    if any(not v for v in cleaned):
        raise ValueError("contains an empty string")
    return cleaned


Confidence = Literal["high", "medium", "low"]
Origin = Literal["packaged", "user"]

#: Fields that may carry an "unverified" marking.
MARKABLE_FIELDS: frozenset[str] = frozenset(
    {"name", "countries", "partner_countries", "city", "host", "sectors", "topics", "services", "access",
     "status", "url", "summary", "related", "as_of"}
)  # fmt: skip


class Entry(BaseModel):
    """One organisation, facility, programme or body of the European AI ecosystem."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(pattern=_ID_RE, description="stable identifier, lower-case, e.g. `aif-fr-ai2f`")
    kind: Kind
    name: str = Field(min_length=1)
    countries: list[CountryCode] = Field(
        default_factory=list, description="where it is (ISO alpha-2, primary first); empty = EU-wide"
    )
    partner_countries: list[CountryCode] = Field(
        default_factory=list, description="other participating states"
    )
    city: str | None = None
    host: str | None = Field(default=None, description="hosting entity, coordinator or lead body")
    sectors: list[Sector] = Field(default_factory=list, description="Apply AI Strategy sectors")
    topics: list[str] = Field(default_factory=list, description="focus areas as worded by the sources")
    services: list[str] = Field(default_factory=list)
    access: list[str] = Field(default_factory=list, description="how to apply: calls, access modes")
    status: str | None = None
    url: Annotated[str | None, AfterValidator(_check_url)] = None
    summary: str | None = None
    related: list[str] = Field(default_factory=list, description="ids of related entries")
    sources: Annotated[list[str], AfterValidator(_non_blank)] = Field(min_length=1)
    as_of: date | None = Field(
        default=None, description="latest date stated in the record's facts or sources"
    )
    confidence: Confidence
    confidence_note: str | None = None
    unverified: dict[str, str] = Field(
        default_factory=dict, description="field name -> what in it is not verified by a source"
    )
    notes: list[str] = Field(default_factory=list, description="known gaps, e.g. 'sectors: not found'")
    legacy: bool = Field(default=False, description="legacy 2022 seed data, not the current network")
    origin: Origin = "packaged"

    @model_validator(mode="after")
    def _check_marks(self) -> Entry:
        unknown = sorted(set(self.unverified) - MARKABLE_FIELDS)
        if unknown:
            raise ValueError(
                f"unverified names unknown field(s) {unknown}; allowed: {', '.join(sorted(MARKABLE_FIELDS))}"
            )
        if len(set(self.countries)) != len(self.countries):
            raise ValueError("countries contains a duplicate code")
        return self

    def is_unverified(self, field: str) -> bool:
        return field in self.unverified


LEGACY_LABEL = "LEGACY 2022 seed data (pre-EDIH JRC hub list; current status unknown)"
