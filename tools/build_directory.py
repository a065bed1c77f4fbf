"""Build the packaged directory data from the research files in `shared/data/ecosystem/`.

    .venv/bin/python tools/build_directory.py [--src ../shared/data/ecosystem] [--check] [--full]

Writes ONE validated file, `src/aidesk/directory/data/directory.json`, copies the sources note to
`src/aidesk/directory/data/SOURCES.md`, and embeds every entry for the dense search:
`src/aidesk/directory/data/vectors.npz` (multilingual-e5-small via `aidesk.desk.dense`, "passage: "
prefix, float16, keyed by a hash of the model and the passage text `search.dense_text(entry)`, plus
the model id). Unchanged passages keep their vector; `--full` re-embeds all (a few minutes on 2 cores).
`--check` fails if directory.json differs from a fresh build or if the vectors do not match its
entries exactly (it reads the model id from the file, so it needs no model).
The product never reads `shared/` at run time.

What the build decides (and says so in the output's `build_notes`):
- country codes are ISO 3166-1 alpha-2: `EL`→`GR`, `UK`→`GB`; country names of the legacy
  hub list are mapped to codes; Kosovo is `XK` (user-assigned code used by EU institutions);
- focus areas as worded by the sources are kept in `topics`; `sectors` maps them onto the
  Apply AI Strategy vocabulary with the keyword table below;
- items marked UNVERIFIED in REPORT.md are marked per field in `unverified`; the AI Factory
  access tiers "Playground / Fast Lane / Large Scale" have no source at all and are NOT shipped
  (REPORT.md §4: "must be checked on eurohpc-ju.europa.eu before it ships");
- the legacy 2022 JRC hub list is shipped as seed data with `legacy: true`;
- `as_of` is the latest date stated in a record's facts or source notes (None when none is).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from aidesk.directory.schema import (  # noqa: E402
    EU_MEMBER_STATES,
    SCHEMA_ID,
    Entry,
    Sector,
    normalise_country,
)
from aidesk.directory.search import VECTORS_FILE, dense_text, read_store  # noqa: E402

DEFAULT_SRC = ROOT.parent / "shared" / "data" / "ecosystem"
OUT_DIR = ROOT / "src" / "aidesk" / "directory" / "data"

# --------------------------------------------------------------------------- sectors
# keyword (regex, matched on lower-cased topic) -> Apply AI sector
SECTOR_KEYWORDS: list[tuple[str, Sector]] = [
    (r"health|medic|pharma|life science|biotech|genomic|one health|hospital", Sector.healthcare),
    (r"robot|autonomous systems", Sector.robotics),
    (r"manufactur|industr|engineering|construction|materials science", Sector.manufacturing),
    (r"\bdefen[cs]e\b|\bsecurity\b|\bspace\b|aerospace|aeronaut|aviation", Sector.defence_security_space),
    (r"mobility|transport|automotive|logistic|vehicle", Sector.mobility),
    (r"telecom|electronic communications|connectivity|information and communication", Sector.electronic_communications),
    (r"energy|utilities|clean tech|\bpower\b", Sector.energy),
    (r"climate|environment|earth|weather|meteorolog|sustainab|green", Sector.climate_environment),
    (r"agri|food|farming|fisher", Sector.agrifood),
    (r"\bcultur|creative|media|heritage|gaming|language", Sector.culture_media),
    (r"public|government|administration", Sector.public_sector),
    (r"financ|banking|insurance", Sector.finance),
    (r"touris|hospitality", Sector.tourism),
    (r"e-commerce|ecommerce|retail|wholesale", Sector.ecommerce),
]  # fmt: skip


def map_sectors(topics: Iterable[str]) -> list[Sector]:
    found: list[Sector] = []
    for topic in topics:
        # "European Health Data Space" is not the space sector
        low = re.sub(r"data space", " ", topic.lower())
        for pattern, sector in SECTOR_KEYWORDS:
            if re.search(pattern, low) and sector not in found:
                found.append(sector)
    order = list(Sector)
    return sorted(found, key=order.index)


# --------------------------------------------------------------------------- dates
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}  # fmt: skip
_ISO_DATE = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_TEXT_DATE = re.compile(r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (20\d\d)\b")


def latest_date(*values: Any) -> date | None:
    text = json.dumps(values, ensure_ascii=False)
    found: list[date] = []
    for y, m, d in _ISO_DATE.findall(text):
        with contextlib.suppress(ValueError):  # impossible dates in the text are ignored
            found.append(date(int(y), int(m), int(d)))
    for d, mon, y in _TEXT_DATE.findall(text):
        with contextlib.suppress(ValueError):
            found.append(date(int(y), _MONTHS[mon.lower()], int(d)))
    return max(found) if found else None


# --------------------------------------------------------------------------- helpers
def confidence(raw: str | None) -> tuple[str, str | None]:
    """'high (name); medium (sectors)' -> ('high', full text). Mixed levels keep the first stated."""
    text = (raw or "").strip()
    m = re.match(r"(high|medium|low)\b", text, re.I)
    level = m.group(1).lower() if m else "low"
    note = text if text and text.lower() != level else None
    return level, note


def not_found(value: str | None) -> bool:
    return value is None or "NOT FOUND" in value or not value.strip()


def dedupe(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load(src: Path, name: str) -> Any:
    return json.loads((src / name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- builders
AIF_ACCESS = [
    "EuroHPC JU access calls for AI and data-intensive applications (see prog-eurohpc-ai-data-access)",
    "AI-optimised EuroHPC supercomputers are used primarily for the development, testing, evaluation and "
    "validation of large-scale general-purpose AI models and emerging AI applications "
    "(Reg. (EU) 2021/1173 Art. 16(1a), as amended)",
]
AIF_ACCESS_SOURCES = [
    "https://europapact.frl/subsidieprogrammas/eurohpc-ju",
    "https://fantasticsearch.net/law/eu/en?article=1&id=EG4mZpsB1anJoctMNR4q",
]
AIF_RELATED_ACCESS = ["prog-eurohpc-ai-data-access", "prog-large-ai-grand-challenge"]

FACTORY_KEYS = {
    "JAIF": "aif-de-jaif",
    "JUPITER": "aif-de-jaif",
    "LUMI": "aif-fi-lumi",
    "Pharos": "aif-gr-pharos",
    "BSC": "aif-es-bsc",
    "MIMER": "aif-se-mimer",
    "IT4LIA": "aif-it-it4lia",
    "HammerHAI": "aif-de-hammerhai",
}


def build_factories(src: Path, notes: list[str]) -> list[dict[str, Any]]:
    data = load(src, "ai_factories.json")
    out = []
    for r in data["records"]:
        level, cnote = confidence(r.get("confidence"))
        entry_notes = []
        if r.get("sector_focus_note"):
            entry_notes.append(f"sectors: {r['sector_focus_note']}")
        summary = [f"Selected {r['selection_date']} (wave {r['wave']}, call {r['call']})."]
        if r.get("partner_institutions"):
            summary.append("Partners: " + ", ".join(r["partner_institutions"]) + ".")
        if r.get("budget_notes"):
            summary.append(f"Budget (indicative; sources mix totals and shares): {r['budget_notes']}.")
        if r.get("status_notes"):
            summary.append(f"Status: {r['status_notes']}.")
        services = [f"AI-optimised supercomputing: {r['supercomputer']}", r["infrastructure_type"]]
        sources = dedupe([*r["source"], *r.get("selection_source", []), *AIF_ACCESS_SOURCES])
        if r["id"] == "aif-at-aiat":
            services.append("Python SDK for the AI Factory Compute API (ai-factory-sdk on PyPI)")
            sources.append("https://pypi.org/user/software_platform_ai_at/")
        out.append(
            {
                "id": r["id"],
                "kind": "ai_factory",
                "name": r["name"],
                "countries": [r["host_country"]],
                "partner_countries": r.get("partner_countries", []),
                "city": r.get("city"),
                "host": r.get("hosting_entity"),
                "topics": r.get("sector_focus", []),
                "sectors": map_sectors(r.get("sector_focus", [])),
                "services": services,
                "access": AIF_ACCESS,
                "status": f"selected {r['selection_date']}"
                + (f"; {r['status_notes']}" if r.get("status_notes") else ""),
                "summary": " ".join(summary),
                "related": list(AIF_RELATED_ACCESS),
                "sources": sources,
                "as_of": latest_date(r),
                "confidence": level,
                "confidence_note": cnote,
                "notes": entry_notes,
            }
        )
    notes.append(f"ai_factories.json: {len(out)} AI Factories")
    return out


def build_antennas(src: Path, notes: list[str], factories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    data = load(src, "antennas.json")
    by_id = {f["id"]: f for f in factories}
    out = []
    for r in data["records"]:
        code = normalise_country(r["country"])
        level, cnote = confidence(r.get("confidence"))
        entry_notes: list[str] = []
        unverified: dict[str, str] = {}
        lead = r.get("lead")
        host: str | None = lead
        if lead and "UNVERIFIED" in lead:
            host = "CSCS (Swiss National Supercomputing Centre)"
            unverified["host"] = "CSCS as lead is from memory, not confirmed in a source (REPORT.md §11)"
        elif not_found(lead):
            host = None
            entry_notes.append("host: lead body NOT FOUND in sources consulted")
        linked_text = " ".join(r.get("linked_ai_factories", []))
        related = dedupe(fid for key, fid in FACTORY_KEYS.items() if key in linked_text)
        if "inferred" in linked_text:
            unverified["related"] = "link to the AI Factories inferred from country names only"
        if not related:
            entry_notes.append(f"related: linked AI Factory {r.get('linked_note', 'NOT FOUND')}")
        if "NOT FOUND" in r["name"]:
            entry_notes.append("name: official name NOT FOUND in sources consulted")
        if not r.get("sector_focus"):
            entry_notes.append("sectors: NOT FOUND in sources consulted")
        summary = [f"Selected {r['selection_date']} under {r['call']} ({r['gb_decision']})."]
        if r.get("partners"):
            summary.append("Partners: " + ", ".join(r["partners"]) + ".")
        if r.get("budget"):
            summary.append(f"Budget: {r['budget']}.")
        for fid in related:
            by_id[fid].setdefault("_antennas", []).append(f"aifa-{code.lower()}")
        out.append(
            {
                "id": f"aifa-{code.lower()}",
                "kind": "antenna",
                "name": r["name"],
                "countries": [code],
                "city": r.get("location"),
                "host": host,
                "topics": r.get("sector_focus", []),
                "sectors": map_sectors(r.get("sector_focus", [])),
                "services": ["Local entry point to the services of the linked AI Factories (see related)"],
                "access": ["Through the antenna and its linked AI Factories (see related)"],
                "status": f"selected {r['selection_date']}",
                "summary": " ".join(summary),
                "related": related,
                "sources": dedupe([*r["source"], *data["_meta"]["source"]]),
                "as_of": latest_date(r),
                "confidence": level,
                "confidence_note": cnote,
                "unverified": unverified,
                "notes": entry_notes,
            }
        )
    for f in factories:
        f["related"] = dedupe([*f["related"], *f.pop("_antennas", [])])
    notes.append(f"antennas.json: {len(out)} antennas (UK -> GB)")
    return out


def build_gigafactories(src: Path, notes: list[str]) -> list[dict[str, Any]]:
    data = load(src, "ai_gigafactories.json")
    recs = data["records"]
    facts = [f"{r['item']}: {r['fact']} [{r['confidence']}]" for r in recs]
    notes.append("ai_gigafactories.json: 7 facts -> 1 gigafactory_initiative entry")
    return [
        {
            "id": "gigafactory-investai",
            "kind": "gigafactory_initiative",
            "name": "InvestAI — AI Gigafactories",
            "countries": [],
            "host": "European Commission and EuroHPC Joint Undertaking (pillar under Council Regulation (EU) 2026/150)",
            "topics": ["frontier AI models", "very large-scale AI training"],
            "services": [
                "Planned AI Gigafactories of about 100,000 state-of-the-art AI chips each "
                "(about four times an AI Factory)",
                "EUR 20bn InvestAI fund for 4-5 gigafactories (InvestAI aims to mobilise ~EUR 200bn)",
            ],
            "access": [
                "Formal call planned end-2025 / Q1 2026; selection results NOT FOUND",
                "Call for expressions of interest (9 Apr - 20 Jun 2025) closed: 76 expressions of interest, "
                "16 Member States, 60 sites",
            ],
            "status": "planned (legal basis in force 20 Jan 2026; no gigafactory selected in the data)",
            "summary": " ".join(facts),
            "related": ["prog-ai-continent-action-plan"],
            "sources": dedupe(s for r in recs for s in r["source"]),
            "as_of": latest_date(recs),
            "confidence": "medium",
            "confidence_note": "high for counts and the regulation; medium for chip counts and the EIB memorandum",
            "notes": ["applicants and selection results NOT FOUND"],
        }
    ]


def build_calls(src: Path, notes: list[str]) -> list[dict[str, Any]]:
    data = load(src, "aif_calls_and_access.json")
    recs = {r["id"]: r for r in data["records"]}
    gb41 = recs["EuroHPC GB Decision 41/2024"]

    def entry(rid: str, eid: str, name: str, status: str, access: list[str], **extra: Any) -> dict[str, Any]:
        r = recs[rid]
        level, cnote = confidence(r.get("confidence"))
        summary = (
            r["title"]
            + (f". {r['dates']}" if r.get("dates") else "")
            + (f". {r['notes']}" if r.get("notes") else "")
        )
        base = {
            "id": eid,
            "kind": "programme",
            "name": name,
            "countries": [],
            "host": "EuroHPC Joint Undertaking",
            "services": [],
            "access": access,
            "status": status,
            "summary": summary,
            "sources": list(r["source"]),
            "as_of": latest_date(r),
            "confidence": level,
            "confidence_note": cnote,
        }
        base.update(extra)
        return base

    out = [
        entry(
            "EUROHPC-2024-CEI-AI-01",
            "prog-eurohpc-2024-cei-ai-01",
            "AI Factories hosting call EUROHPC-2024-CEI-AI-01 (existing hosting entities)",
            "closed (continuously open to 31 Dec 2025)",
            ["For hosting entities, not for users of compute"],
            topics=["AI Factory hosting"],
            summary=recs["EUROHPC-2024-CEI-AI-01"]["title"]
            + ". "
            + recs["EUROHPC-2024-CEI-AI-01"]["dates"]
            + f". {gb41['id']}: {gb41['title']}.",
            sources=dedupe([*recs["EUROHPC-2024-CEI-AI-01"]["source"], *gb41["source"]]),
        ),
        entry(
            "EUROHPC-2024-CEI-AI-02",
            "prog-eurohpc-2024-cei-ai-02",
            "AI Factories hosting call EUROHPC-2024-CEI-AI-02 (new or upgraded AI-optimised supercomputer)",
            "closed (continuously open to 31 Dec 2025)",
            ["For hosting entities, not for users of compute"],
            topics=["AI Factory hosting"],
            summary=recs["EUROHPC-2024-CEI-AI-02"]["title"]
            + ". Launched 10 Sep 2024; continuously open to 31 Dec 2025; first cut-off 4 Nov 2024, then every 3 months.",
        ),
        entry(
            "HORIZON-JU-EUROHPC-2025-AIFA-01",
            "prog-aifa-antenna-call-2025",
            "AI Factory Antennas call HORIZON-JU-EUROHPC-2025-AIFA-01",
            "closed (13 antennas selected, GB Decision 46/2025)",
            ["For antenna consortia, not for users of compute"],
        ),
        entry(
            "HORIZON-JU-EUROHPC-2026-COAIF-03",
            "prog-coaif-2026",
            "Cooperation of AI Factories and Antennas (COAIF) call HORIZON-JU-EUROHPC-2026-COAIF-03",
            "2026 call",
            ["For AI Factory and Antenna consortia"],
            services=["Network of AIF Data Labs in 7-8 strategic domains", "Outreach to start-ups and SMEs"],
            related=["dl-aif-data-labs"],
        ),
        entry(
            "DIGITAL-EUROHPC-JU-2023-AISC-03",
            "prog-ai-support-centre",
            "AI Support Centre (AISC) for HPC-powered AI applications (DIGITAL-EUROHPC-JU-2023-AISC-03)",
            "call published 28 Nov 2023",
            ["Support to users of HPC-powered AI applications"],
            services=["Support for HPC-powered AI applications"],
        ),
        entry(
            "EuroHPC AI and Data-Intensive Applications Access call",
            "prog-eurohpc-ai-data-access",
            "EuroHPC AI and Data-Intensive Applications access call",
            "access mode (recurring call; current cut-offs not in the data)",
            ["Apply to the EuroHPC JU access call for AI and data-intensive applications"],
            topics=["foundation models", "generative AI", "AI/ML training"],
            services=["Compute time on EuroHPC supercomputers for AI/ML and data-intensive applications"],
        ),
        entry(
            "Large AI Grand Challenge",
            "prog-large-ai-grand-challenge",
            "Large AI Grand Challenge (European Commission + EuroHPC)",
            "competition launched 16 Nov 2023",
            [
                "Competition for start-ups: GPU hours on LEONARDO or LUMI + EUR 1m prize shared; up to 4 start-ups"
            ],
            topics=["large AI models", "start-ups"],
            services=["GPU hours on LEONARDO or LUMI", "Prize money (EUR 1m shared)"],
            host="European Commission and EuroHPC Joint Undertaking (with AI-BOOST)",
        ),
    ]
    skipped = [r["id"] for r in data["records"] if r["confidence"].startswith("UNVERIFIED")]
    notes.append(
        f"aif_calls_and_access.json: {len(out)} programme entries; NOT shipped (no source, UNVERIFIED): {skipped}; "
        "Reg 2021/1173 Art 16(1a) folded into AI Factory access; ai-factory-sdk folded into aif-at-aiat services"
    )
    return out


EDIH_SERVICES = [
    "Test before invest (AI testing and experimentation)",
    "Skills and training",
    "Support to find investments (access to finance)",
    "Innovation ecosystem and networking",
]

LEGACY_COUNTRIES = {
    "Czech Republic": "CZ",
    "Kosovo": "XK",
    "Turkey": "TR",
    "United Kingdom": "GB",
    "North Macedonia": "MK",
    "Bosnia and Herzegovina": "BA",
    "Moldova": "MD",
}


def country_code(name: str) -> str:
    if name in LEGACY_COUNTRIES:
        return LEGACY_COUNTRIES[name]
    import pycountry

    return str(pycountry.countries.lookup(name).alpha_2)


def build_edih(src: Path, notes: list[str]) -> list[dict[str, Any]]:
    data = load(src, "edih.json")
    recs = {r["item"]: r for r in data["records"]}
    summary = " ".join(
        f"{r['item'].capitalize()}: {r['fact']} [{r['confidence']}]."
        for r in data["records"]
        if r["item"] not in ("services", "legacy machine-readable DIH data")
    )
    network: dict[str, Any] = {
        "id": "edih-network",
        "kind": "edih",
        "name": "European Digital Innovation Hubs (EDIH) network — Experience Centres for AI",
        "countries": [],
        "host": "European Commission (DG CNECT), Digital Europe Programme, with Member States",
        "topics": ["manufacturing", "health care", "public sector"],
        "sectors": ["manufacturing", "healthcare", "public_sector"],
        "services": EDIH_SERVICES,
        "access": [
            "Find a hub near you in the Commission's catalogue of EDIHs, Seals of Excellence and DIHs",
            "Calls: DIGITAL-2025-EDIH-AC-08-CONSOLIDATION-STEP (reinforced AI focus); second EDIH call from Nov 2025",
        ],
        "status": "operational; refocused as Experience Centres for AI (Apply AI Strategy, Oct 2025)",
        "url": "https://european-digital-innovation-hubs.ec.europa.eu",
        "summary": summary,
        "related": ["prog-apply-ai-strategy"],
        "sources": dedupe(s for r in data["records"] for s in r["source"]),
        "as_of": latest_date(data["records"]),
        "confidence": "high",
        "confidence_note": "high for services, funding model, calls and AI Experience Centres; medium for "
        "network size (single secondary source) and the CADA proposal (third-party FAQ)",
        "notes": [
            "No machine-readable export of the current EC EDIH catalogue was found: individual EDIHs are "
            "not listed; the legacy 2022 DIH list (legacy: true) is seed data only"
        ],
    }
    assert "services" in recs
    legacy = load(src, "dih_legacy_jrc_2022.json")
    meta = legacy["_meta"]
    out: list[dict[str, Any]] = [network]
    dropped_topics = 0
    for r in legacy["records"]:
        topics = []
        for s in r.get("sectors") or []:
            if ":" in s and len(s) > 60:  # funding-programme descriptions mis-filed as sectors in the source
                dropped_topics += 1
                continue
            topics.append(s)
        url = (r.get("website") or "").strip() or None
        entry_notes = []
        if url and not re.match(r"^https?://\S+$", url):
            if re.match(r"^[\w.-]+\.[a-z]{2,}(/\S*)?$", url, re.I):
                url = "http://" + url
            else:
                entry_notes.append(f"url: unusable value in source ({url!r})")
                url = None
        out.append(
            {
                "id": f"dih-legacy-{r['jrc_hub_id']}",
                "kind": "edih",
                "name": r["name"].strip(),
                "countries": [country_code(r["country"])],
                "city": (r.get("city") or "").strip() or None,
                "topics": topics,
                "sectors": map_sectors(topics),
                "services": [],
                "status": "legacy Digital Innovation Hub (2021/22); current status unknown",
                "url": url,
                "sources": [meta["source"]],
                "as_of": "2022-02-08",
                "confidence": "low",
                "confidence_note": meta["reliability"],
                "notes": entry_notes,
                "legacy": True,
            }
        )
    notes.append(
        f"edih.json: 1 network entry; dih_legacy_jrc_2022.json: {len(out) - 1} legacy hubs (legacy: true; "
        f"country names -> ISO codes, Kosovo -> XK; {dropped_topics} funding-programme strings mis-filed as "
        "sectors dropped)"
    )
    return out


TEF_SHAPE: dict[str, dict[str, Any]] = {
    "agrifoodTEF": {"id": "tef-agrifood", "countries": ["IT", "DE", "FR", "BE", "PL", "SE", "AT"], "city": "Trento"},
    "TEF-Health": {"id": "tef-health", "countries": ["DE", "FR", "SE", "BE", "PT", "SK", "IT"],
                   "partner_countries": ["FI", "CZ"], "city": "Berlin"},
    "AI-MATTERS": {"id": "tef-ai-matters", "countries": ["DE", "IT"],
                   "notes": ["countries: 8 EU countries take part; only the German and Italian nodes are named"]},
    "CitCom.ai": {"id": "tef-citcom", "countries": ["DK"],
                  "notes": ["countries: 33 partners in 11 countries; only the coordinator's country is named"]},
    "CoordinaTEF": {"id": "tef-coordinatef", "countries": [], "url": "https://coordinatef.eu"},
    "Edge AI TEF": {"id": "tef-edge-ai", "countries": []},
}  # fmt: skip


def build_tefs(src: Path, notes: list[str]) -> list[dict[str, Any]]:
    data = load(src, "tefs.json")
    prog = data["_meta"]
    out = []
    for r in data["records"]:
        key = next(k for k in TEF_SHAPE if r["name"].startswith(k))
        shape = TEF_SHAPE[key]
        level, cnote = confidence(r.get("confidence"))
        entry_notes = list(shape.get("notes", []))
        unverified: dict[str, str] = {}
        host = r.get("coordinator")
        if not_found(host):
            host = None
            entry_notes.append("host: coordinator NOT FOUND in sources consulted")
        name = r["name"]
        if key == "CoordinaTEF":
            unverified["name"] = "name inferred from the website domain coordinatef.eu"
        if key == "Edge AI TEF":
            entry_notes.append("name: project name NOT FOUND; only the work-programme topic is known")
        parts = [f"Sector: {r['sector']}."]
        for field in ("structure", "budget", "period", "call", "notes"):
            if r.get(field):
                parts.append(f"{field.capitalize()}: {r[field]}.")
        parts.append(f"Programme: {prog['programme_facts']}")
        access = ["Contact the TEF node for the sector (services fully open since Jan 2024)"]
        if r.get("incentives"):
            access.append(f"Incentives: {r['incentives']}")
        out.append(
            {
                "id": shape["id"],
                "kind": "tef",
                "name": name,
                "countries": shape["countries"],
                "partner_countries": shape.get("partner_countries", []),
                "city": shape.get("city"),
                "host": host,
                "topics": [r["sector"]],
                "sectors": map_sectors([r["sector"]]),
                "services": [
                    f"Testing and experimentation of AI solutions in real-world conditions ({r['sector']})",
                    "May support AI Act regulatory sandboxes",
                ]
                if key not in ("CoordinaTEF", "Edge AI TEF")
                else [r["sector"]],
                "access": access,
                "url": shape.get("url"),
                "summary": " ".join(parts),
                "sources": dedupe([*r["source"], *prog["source"]]),
                "as_of": latest_date(r),
                "confidence": level,
                "confidence_note": cnote,
                "unverified": unverified,
                "notes": entry_notes,
            }
        )
    notes.append(f"tefs.json: {len(out)} TEF entries (node countries read from the 'structure' text)")
    return out


def build_data_spaces(src: Path, notes: list[str]) -> list[dict[str, Any]]:
    data = load(src, "data_spaces.json")
    out = []
    for r in data["records"]:
        if r.get("data_labs"):
            continue
        topic = r["data_space"]
        out.append(
            {
                "id": f"ds-{slug(topic.split('(')[0])}",
                "kind": "data_space",
                "name": f"Common European data space: {topic}",
                "countries": [],
                "topics": [topic],
                "sectors": map_sectors([topic]),
                "services": [f"Sectoral data sharing ({topic})"],
                "summary": data["_meta"]["count_note"],
                "sources": dedupe([*r["source"], *data["_meta"]["source"]]),
                "as_of": None,
                "confidence": confidence(r["confidence"])[0],
                "notes": ["deployment projects: NOT COLLECTED"],
            }
        )
    labs = [r for r in data["records"] if r.get("data_labs")]
    out.append(
        {
            "id": "dl-data-union",
            "kind": "data_lab",
            "name": "Data Labs (Data Union Strategy flagship)",
            "countries": [],
            "host": "European Commission",
            "topics": ["data for AI", "data spaces"],
            "services": [
                "High-quality sectoral data and data services for companies (incl. SMEs) and researchers"
            ],
            "status": "announced (Data Union Strategy, late Nov 2025)",
            "summary": labs[0]["fact"],
            "related": ["dl-aif-data-labs"],
            "sources": labs[0]["source"],
            "as_of": latest_date(labs[0]),
            "confidence": confidence(labs[0]["confidence"])[0],
            "notes": ["individual data-lab names and domains NOT FOUND"],
        }
    )
    out.append(
        {
            "id": "dl-aif-data-labs",
            "kind": "data_lab",
            "name": "AI Factory Data Labs (EuroHPC COAIF network)",
            "countries": [],
            "host": "EuroHPC AI Factories",
            "topics": ["data for AI", "AI Factories"],
            "services": [
                "Network of AIF Data Labs in 7-8 strategic domains with a common data access framework"
            ],
            "status": "initially developed within AI Factories; network foreseen by the 2026 COAIF call",
            "summary": labs[1]["fact"],
            "related": ["prog-coaif-2026"],
            "sources": labs[1]["source"],
            "as_of": latest_date(labs[1]),
            "confidence": confidence(labs[1]["confidence"])[0],
            "confidence_note": labs[1]["confidence"],
            "notes": ["individual data-lab names and domains NOT FOUND"],
        }
    )
    notes.append(f"data_spaces.json: {len(out) - 2} data spaces + 2 data labs")
    return out


EU_BODY_IDS = {
    "European AI Office": ("eu-ai-office", None),
    "European Artificial Intelligence Board (AI Board)": ("eu-ai-board", None),
    "Scientific Panel of independent experts": ("eu-scientific-panel", None),
    "Advisory Forum": ("eu-advisory-forum", None),
    "AI Act Service Desk & Single Information Platform": ("eu-ai-act-service-desk", None),
    "European Data Protection Supervisor (EDPS)": ("eu-edps", None),
}


def country_name(code: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    return str(getattr(c, "common_name", None) or c.name) if c else code


def build_governance(src: Path, notes: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    data = load(src, "ai_act_governance.json")
    out: list[dict[str, Any]] = []
    for r in data["eu_bodies"]:
        eid, _ = EU_BODY_IDS[r["body"]]
        level, cnote = confidence(r.get("confidence"))
        unverified: dict[str, str] = {}
        parts = []
        for field in ("legal_basis", "placement", "structure", "composition", "role", "launch", "languages",
                      "maintainer", "notes"):  # fmt: skip
            if r.get(field):
                parts.append(f"{field.replace('_', ' ').capitalize()}: {r[field]}.")
        summary = " ".join(parts)
        if "UNVERIFIED" in summary:
            unverified["summary"] = (
                "CEN, CENELEC and ETSI as permanent members: from memory, not confirmed in a source (REPORT.md §11)"
            )
        services = list(r.get("features", []))
        if r.get("role"):
            services.insert(0, r["role"])
        out.append(
            {
                "id": eid,
                "kind": "eu_body",
                "name": r["body"],
                "countries": [],
                "host": "European Commission (DG CNECT)"
                if eid in ("eu-ai-office", "eu-ai-act-service-desk")
                else None,
                "topics": ["AI Act governance"],
                "services": services,
                "access": ["Service Desk question form (answers from experts working with the AI Office)"]
                if eid == "eu-ai-act-service-desk"
                else [],
                "url": r.get("url"),
                "summary": summary,
                "sources": r["source"],
                "as_of": latest_date(r),
                "confidence": level,
                "confidence_note": cnote,
                "unverified": unverified,
            }
        )
    with_data: list[str] = []
    count_only: dict[str, int] = {}
    sandboxes: list[dict[str, Any]] = []
    sb_meta = data["sandboxes"]
    for r in data["national_authorities"]:
        code = normalise_country(r["country"])
        if "market_surveillance" not in r:
            count_only[code] = r["fundamental_rights_bodies"]
            continue
        with_data.append(code)
        level, cnote = confidence(r.get("confidence"))
        services = [f"Market surveillance: {r['market_surveillance']}"]
        for field, label in (("notifying", "Notifying authority"), ("spoc", "Single point of contact (Art. 70(2))"),
                             ("fundamental_rights", "Fundamental-rights bodies (Art. 77)"), ("other", "Other")):  # fmt: skip
            if r.get(field):
                services.append(f"{label}: {r[field]}")
        if r.get("fundamental_rights_bodies"):
            services.append(
                f"Fundamental-rights bodies (Art. 77): {r['fundamental_rights_bodies']} designated"
            )
        host = r.get("spoc") or r["market_surveillance"]
        out.append(
            {
                "id": f"auth-{code.lower()}",
                "kind": "authority",
                "name": f"AI Act national authorities — {country_name(code)}",
                "countries": [code],
                "host": host,
                "topics": ["AI Act enforcement", "market surveillance"],
                "services": services,
                "status": r["status"],
                "summary": f"Sandbox: {r['sandbox']}." if r.get("sandbox") else None,
                "related": [f"sb-{code.lower()}"] if r.get("sandbox") else [],
                "sources": r["source"],
                "as_of": latest_date(r),
                "confidence": level,
                "confidence_note": cnote,
            }
        )
        if r.get("sandbox"):
            status = (
                "operational" if ("operational" in r["sandbox"] or "selected" in r["sandbox"]) else "planned"
            )
            sb_host = {
                "ES": "AESIA",
                "PL": "KRiBSI (planned)",
                "NL": "Rijksinspectie Digitale Infrastructuur (RDI)",
            }
            sandboxes.append(
                {
                    "id": f"sb-{code.lower()}",
                    "kind": "sandbox",
                    "name": f"AI regulatory sandbox — {country_name(code)}",
                    "countries": [code],
                    "host": sb_host.get(code),
                    "topics": ["AI Act regulatory sandbox"],
                    "services": [
                        "Controlled environment to develop, train, validate and test innovative AI systems under "
                        "regulatory supervision (AI Act Art. 57)"
                    ],
                    "access": ["SMEs free of charge (Art. 57 rule as recorded in the data)"],
                    "status": f"{status}: {r['sandbox']}",
                    "summary": sb_meta["rule"],
                    "related": [f"auth-{code.lower()}"],
                    "sources": dedupe([*r["source"], *sb_meta["source"]]),
                    "as_of": latest_date(r, sb_meta["status"]),
                    "confidence": "medium",
                    "confidence_note": sb_meta["confidence"],
                }
            )
    # NL sandbox is only in the EU-level status text ("NL RDI to run sandboxes")
    if "sb-nl" not in {s["id"] for s in sandboxes}:
        sandboxes.append(
            {
                "id": "sb-nl",
                "kind": "sandbox",
                "name": f"AI regulatory sandbox — {country_name('NL')}",
                "countries": ["NL"],
                "host": "Rijksinspectie Digitale Infrastructuur (RDI)",
                "topics": ["AI Act regulatory sandbox"],
                "services": ["Regulatory sandbox under AI Act Art. 57 (RDI helps run sandboxes)"],
                "access": ["SMEs free of charge (Art. 57 rule as recorded in the data)"],
                "status": "planned (draft implementing act in consultation 2026)",
                "summary": sb_meta["rule"],
                "related": ["auth-nl"],
                "sources": dedupe(
                    [
                        *sb_meta["source"],
                        "https://www.stibbe.com/publications-and-insights/dutch-proposal-for-ai-supervision-hybrid-cooperation-between-market",
                    ]
                ),
                "as_of": None,
                "confidence": "medium",
                "confidence_note": sb_meta["confidence"],
            }
        )
    out.extend(sandboxes)
    no_data = sorted(EU_MEMBER_STATES - set(with_data))
    coverage = {
        "authority": {
            "countries_with_data": sorted(with_data),
            "countries_without_data": no_data,
            "fundamental_rights_body_counts_only": count_only,
            "note": data["_meta"]["national_coverage"],
            "sources": data["_meta"]["sources"],
        },
        "sandbox": {
            "countries_with_data": sorted(s["countries"][0] for s in sandboxes),
            "rule": sb_meta["rule"],
            "status": sb_meta["status"],
            "sources": sb_meta["source"],
        },
        "edih": {
            "note": "No machine-readable export of the current EC EDIH catalogue was found; individual EDIHs are "
            "not listed. The legacy 2022 DIH list is seed data only (legacy: true).",
        },
    }
    notes.append(
        f"ai_act_governance.json: {len(data['eu_bodies'])} EU bodies, {len(with_data)} national authority "
        f"entries, {len(sandboxes)} sandboxes; no authority data for {no_data}"
    )
    return out, coverage


def build_programmes(src: Path, notes: list[str]) -> list[dict[str, Any]]:
    data = load(src, "apply_ai_and_skills.json")
    apply_ai = data["apply_ai_strategy"]
    plan = data["ai_continent_action_plan"]
    academy = data["ai_skills_academy"]
    aiod = load(src, "aiod_catalogue.json")
    out = [
        {
            "id": "prog-apply-ai-strategy",
            "kind": "programme",
            "name": "Apply AI Strategy",
            "countries": [],
            "host": "European Commission",
            "topics": apply_ai["sectoral_flagships_11"],
            "sectors": [
                s.value for s in Sector if s not in (Sector.finance, Sector.tourism, Sector.ecommerce)
            ],
            "services": apply_ai["selected_actions"],
            "status": f"adopted {apply_ai['adopted']}",
            "summary": f"Budget: {apply_ai['budget']}. Pillars: {'; '.join(apply_ai['pillars'])}. "
            f"Possible future sectors: {', '.join(apply_ai['possible_future_sectors'])}. {apply_ai['press_variant']}.",
            "related": ["edih-network", "eu-ai-act-service-desk"],
            "sources": apply_ai["source"],
            "as_of": apply_ai["adopted"],
            "confidence": confidence(apply_ai["confidence"])[0],
        },
        {
            "id": "prog-ai-continent-action-plan",
            "kind": "programme",
            "name": "AI Continent Action Plan",
            "countries": [],
            "host": "European Commission",
            "topics": ["compute", "data", "adoption", "skills", "simplification"],
            "services": [plan["notes"]],
            "status": f"adopted {plan['adopted']}",
            "related": ["gigafactory-investai", "prog-apply-ai-strategy", "prog-ai-skills-academy"],
            "sources": plan["source"],
            "as_of": plan["adopted"],
            "confidence": confidence(plan["confidence"])[0],
        },
        {
            "id": "prog-ai-skills-academy",
            "kind": "programme",
            "name": "AI Skills Academy",
            "countries": [],
            "host": "European Commission (Digital Europe Programme)",
            "topics": ["AI skills", "generative AI", "training"],
            "services": [
                "Skills for responsible AI / GenAI and their application in key sectors",
                academy["call_2"],
            ],
            "access": [academy["call_1"], f"Landing page: {academy['landing_page']}"],
            "status": "call closed 2 Sep 2025; selected consortium NOT FOUND",
            "summary": f"Cooperation: {academy['cooperation']}.",
            "sources": academy["source"],
            "as_of": latest_date(academy),
            "confidence": confidence(academy["confidence"])[0],
            "confidence_note": academy["confidence"],
            "notes": ["selected consortium and launch status NOT FOUND"],
        },
        {
            "id": "prog-aiod",
            "kind": "programme",
            "name": "AI-on-Demand platform (AIoD)",
            "countries": [],
            "host": "AI-on-Demand consortium (Horizon Europe GA 101070000, AI4EUROPE)",
            "topics": ["AI assets catalogue", "datasets", "models", "open source"],
            "services": [
                "Metadata catalogue of AI assets (datasets, ML models, experiments, publications, services, "
                "educational resources, organisations)",
                f"Python SDK: {aiod['service']['sdk']}",
                *aiod["service"]["related_services"],
            ],
            "access": ["Public REST API (moved from api.aiod.eu to aiodp.eu, Apr 2026)"],
            "url": "https://aiodp.eu",
            "summary": aiod["service"]["outage_note"],
            "sources": dedupe([*aiod["_meta"]["source"], *aiod["service"]["source"]]),
            "as_of": latest_date(aiod["service"]),
            "confidence": "high",
            "confidence_note": "high for what the code and docs show; the live schema may differ",
        },
    ]
    notes.append(f"apply_ai_and_skills.json + aiod_catalogue.json: {len(out)} programme entries")
    return out


# --------------------------------------------------------------------------- main
def build(src: Path) -> dict[str, Any]:
    notes = [
        "Country codes: ISO 3166-1 alpha-2 (EL->GR, UK->GB mapped on import; XK = Kosovo, user-assigned).",
        "Sectors: Apply AI Strategy vocabulary; mapped from the sources' wording (kept in `topics`) by keyword.",
    ]
    factories = build_factories(src, notes)
    antennas = build_antennas(src, notes, factories)
    governance, coverage = build_governance(src, notes)
    raw = [
        *factories,
        *antennas,
        *build_gigafactories(src, notes),
        *build_calls(src, notes),
        *build_tefs(src, notes),
        *build_data_spaces(src, notes),
        *governance,
        *build_programmes(src, notes),
        *build_edih(src, notes),
    ]
    entries = [Entry.model_validate(r) for r in raw]
    ids = [e.id for e in entries]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SystemExit(f"duplicate ids: {dupes}")
    known = set(ids)
    for e in entries:
        missing = [r for r in e.related if r not in known]
        if missing:
            raise SystemExit(f"{e.id}: related ids not in the directory: {missing}")
    return {
        "schema": SCHEMA_ID,
        "source": "shared/data/ecosystem (research session, 2026); see SOURCES.md",
        "build_notes": notes,
        "coverage": coverage,
        "entries": [e.model_dump(mode="json", exclude={"origin"}, exclude_defaults=True) for e in entries],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC)
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument(
        "--check",
        action="store_true",
        help="fail if the packaged file differs from a fresh build or its vectors are stale",
    )
    ap.add_argument("--full", action="store_true", help="re-embed every entry, not only changed ones")
    args = ap.parse_args(argv)
    doc = build(args.src)
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    target = args.out / "directory.json"
    entries = [Entry.model_validate(r) for r in doc["entries"]]
    if args.check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print(f"{target} is out of date: run tools/build_directory.py", file=sys.stderr)
            return 1
        problem = stale_vectors(args.out / VECTORS_FILE, entries)
        if problem:
            print(f"{args.out / VECTORS_FILE}: {problem}: run tools/build_directory.py", file=sys.stderr)
            return 1
        print(f"{target} is up to date ({len(doc['entries'])} entries, vectors current)")
        return 0
    from aidesk.desk.dense import DenseUnavailable, load_embedder

    try:
        embedder = load_embedder()  # before writing anything: no half-updated data
    except DenseUnavailable as exc:
        print(f"cannot embed the entries ({exc}); nothing written", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    write_sources(args.src, args.out)
    write_vectors(args.out / VECTORS_FILE, entries, embedder, full=args.full)
    counts: dict[str, int] = {}
    for e in doc["entries"]:
        k = e["kind"] + (" (legacy)" if e.get("legacy") else "")
        counts[k] = counts.get(k, 0) + 1
    print(f"wrote {target}: {len(doc['entries'])} entries")
    for k, n in sorted(counts.items()):
        print(f"  {k}: {n}")
    return 0


# --------------------------------------------------------------------------- vectors
def stale_vectors(path: Path, entries: list[Entry]) -> str | None:
    """Why the shipped vectors do not fit `entries` (one vector per passage, nothing else), or None."""
    from aidesk.desk.dense import key_of

    store, model = read_store(path)
    if not store or model is None:
        return "missing, unreadable or without a model id"
    wanted = {key_of(model, dense_text(e)) for e in entries}
    missing = len(wanted - store.keys())
    extra = len(store.keys() - wanted)
    if missing or extra:
        return f"out of date ({missing} entries without a vector, {extra} vectors of no entry)"
    return None


def write_vectors(path: Path, entries: list[Entry], embedder: Any, *, full: bool = False) -> None:
    """Embed the passages of `entries` the file lacks and write it (float16, in entry order)."""
    import time

    import numpy as np

    from aidesk.desk.dense import key_of, passage_text

    texts = {key_of(embedder.model_id, dense_text(e)): dense_text(e) for e in entries}
    old, model = ({}, None) if full else read_store(path)
    store = {k: v for k, v in old.items() if k in texts} if model == embedder.model_id else {}
    todo = [k for k in texts if k not in store]
    print(f"vectors: {len(texts)} passages, {len(store)} unchanged, embedding {len(todo)}", flush=True)
    todo.sort(key=lambda k: len(texts[k]))  # similar lengths in a batch waste less padding
    start, batch = time.perf_counter(), 32
    for i in range(0, len(todo), batch):
        keys = todo[i : i + batch]
        vectors = embedder.passages([passage_text(texts[k]) for k in keys], batch=batch)
        for k, vec in zip(keys, vectors, strict=True):
            store[k] = vec.astype(np.float16)
        print(f"  {min(i + batch, len(todo))}/{len(todo)}  {time.perf_counter() - start:.0f} s", flush=True)
    keys = list(texts)
    # The desk's layout (`dense.write_store`: keys, vectors) plus the model id, which `--check` needs.
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        np.savez_compressed(
            fh,
            keys=np.asarray(keys, dtype=np.uint64),
            vectors=np.stack([store[k] for k in keys]).astype(np.float16),
            model=np.asarray(embedder.model_id),
        )
    tmp.replace(path)
    print(f"wrote {path}: {len(keys)} vectors, {path.stat().st_size:,} bytes")


SOURCES_HEADER = """# Sources of the directory data (`directory.json`)

Built by `tools/build_directory.py` from the research files of `shared/data/ecosystem/`
(aidesk's research session, 2026). Every entry carries its own `sources` (page addresses or
`github:owner/repo path @commit`), a `confidence`, an `as_of` date where one was stated, and an
`unverified` map of the fields whose content no source confirmed. The data are compiled from
public web pages (mostly secondary: press, national and consortium pages, law-firm notes,
mirrors of European Commission and EuroHPC JU press releases); facts remain those of the
cited sources. Check them against the official pages before relying on them:
eurohpc-ju.europa.eu, digital-strategy.ec.europa.eu, european-digital-innovation-hubs.ec.europa.eu,
ai-act-service-desk.ec.europa.eu (National Resources).

What the build decided:
- Country codes are ISO 3166-1 alpha-2: Greece is `GR` (EU usage `EL` is mapped on import),
  the United Kingdom is `GB` (`UK` is mapped); Kosovo is `XK`, a user-assigned code.
- `sectors` use the Apply AI Strategy's sectoral flagships (8 Oct 2025) plus its possible future
  sectors (finance, tourism, e-commerce); the sources' own wording is kept in `topics`.
- Entries with `legacy: true` come from a 2022 dump of the JRC S3 Platform's former Digital
  Innovation Hubs tool (github:Engineering-Research-and-Development/fi-jrc-sync_adapter
  mapper/data.json @ 9512a9031c26, contact fields removed). They predate the EDIH network and
  are **seed data only**: every interface labels them so.
- Not shipped: the AI Factory access tiers "Playground / Fast Lane / Large Scale", which no
  source confirmed (REPORT.md §4, §11).
- Unverified details shipped with a per-field marking: CSCS as lead of the Swiss antenna (HEARTS),
  CEN/CENELEC/ETSI as permanent members of the Advisory Forum, the name "CoordinaTEF", the
  Serbian antenna's link to Pharos and IT4LIA.
- Reuse of European Commission documents is authorised (Commission Decision 2011/833/EU);
  third-party pages are cited as sources of facts, not copied.

The original note of the research files follows.

---

"""


def write_sources(src: Path, out: Path) -> None:
    original = (src / "SOURCES.md").read_text(encoding="utf-8")
    (out / "SOURCES.md").write_text(SOURCES_HEADER + original, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
