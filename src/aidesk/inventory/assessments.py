"""Assessment records: assess a system with the rules engine, keep the result, compare two results.

A record keeps everything needed to explain it later: the profile as it was, the regime and its
version, the `as_of` date, the whole assessment JSON (SPEC §2), who asked and when.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidesk.inventory import audit
from aidesk.inventory.actor import Actor, Permission
from aidesk.inventory.errors import InvalidInput, NotFound, Problem
from aidesk.inventory.models import AISystem, AssessmentRecord, utcnow
from aidesk.inventory.systems import get_system


class Assessor(Protocol):
    """Runs the rules: profile (as stored) → the assessment JSON object of SPEC §2."""

    def __call__(
        self, profile: Mapping[str, Any], *, regime: str | None, as_of: date | None
    ) -> dict[str, Any]: ...


def rules_assessor(profile: Mapping[str, Any], *, regime: str | None, as_of: date | None) -> dict[str, Any]:
    """The rules engine (`aidesk.rules`) as an `Assessor`."""
    from aidesk.inventory.engine import assess_profile

    return assess_profile(profile, regime=regime, as_of=as_of)


def _required(result: Mapping[str, Any], key: str) -> Any:
    if key not in result:
        raise InvalidInput(
            [Problem(None, key, "the assessment has no such key (not an aidesk/assessment/v1 object)")]
        )
    return result[key]


def store_record(
    session: Session, actor: Actor, system: AISystem, result: Mapping[str, Any]
) -> AssessmentRecord:
    """Keep an assessment of `system` (already computed) and update the system's summary columns."""
    actor.require(Permission.write)
    if system.organisation_id != actor.organisation_id:
        raise NotFound(f"no system {system.id} in this organisation")
    record = AssessmentRecord(
        organisation_id=actor.organisation_id,
        system_id=system.id,
        profile=dict(system.profile),
        regime=str(_required(result, "regime")),
        regime_version=str(_required(result, "regime_version")),
        as_of=date.fromisoformat(str(_required(result, "as_of"))),
        risk_class=str(_required(result, "risk_class")),
        result=dict(result),
        created_by_id=actor.user_id,
        actor=actor.label,
    )
    session.add(record)
    system.risk_class = record.risk_class
    system.regime = record.regime
    system.assessed_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "assessment.create",
        "assessment_record",
        record.id,
        {"system_id": system.id, "regime_version": record.regime_version, "risk_class": record.risk_class},
    )
    return record


def assess_system(
    session: Session,
    actor: Actor,
    system_id: int,
    *,
    regime: str | None = None,
    as_of: date | None = None,
    assessor: Assessor = rules_assessor,
) -> AssessmentRecord:
    """Assess the system's current profile and keep the record."""
    actor.require(Permission.write)
    system = get_system(session, actor, system_id, for_update=True)
    return store_record(session, actor, system, assessor(system.profile, regime=regime, as_of=as_of))


def history(session: Session, actor: Actor, system_id: int) -> Sequence[AssessmentRecord]:
    """The system's records, newest first."""
    get_system(session, actor, system_id)  # NotFound for other organisations' systems
    return session.scalars(
        select(AssessmentRecord)
        .where(
            AssessmentRecord.organisation_id == actor.organisation_id, AssessmentRecord.system_id == system_id
        )
        .order_by(AssessmentRecord.id.desc())
    ).all()


def get_record(session: Session, actor: Actor, record_id: int) -> AssessmentRecord:
    actor.require(Permission.read)
    record = session.scalar(
        select(AssessmentRecord).where(
            AssessmentRecord.id == record_id, AssessmentRecord.organisation_id == actor.organisation_id
        )
    )
    if record is None:
        raise NotFound(f"no assessment record {record_id} in this organisation")
    return record


def latest_record(session: Session, actor: Actor, system_id: int) -> AssessmentRecord | None:
    return session.scalars(
        select(AssessmentRecord)
        .where(
            AssessmentRecord.organisation_id == actor.organisation_id, AssessmentRecord.system_id == system_id
        )
        .order_by(AssessmentRecord.id.desc())
        .limit(1)
    ).first()


# --- comparing two records -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObligationChange:
    id: str
    role: str
    applies_from: tuple[str | None, str | None]  # before, after (ISO dates; None = does not apply)


@dataclass(slots=True)
class RecordDiff:
    """What changed between two assessments of one system (`old` None: the first assessment)."""

    system_id: int
    system_name: str
    old_record_id: int | None
    new_record_id: int
    regime_version: tuple[str | None, str]
    risk_class: tuple[str | None, str]
    obligations_added: list[str] = field(default_factory=list)  # "id (role)"
    obligations_removed: list[str] = field(default_factory=list)
    obligations_changed: list[ObligationChange] = field(default_factory=list)
    deadlines_added: list[str] = field(default_factory=list)  # "YYYY-MM-DD: what"
    deadlines_removed: list[str] = field(default_factory=list)

    @property
    def class_changed(self) -> bool:
        return self.risk_class[0] != self.risk_class[1]

    @property
    def changed(self) -> bool:
        return bool(
            self.class_changed
            or self.obligations_added
            or self.obligations_removed
            or self.obligations_changed
            or self.deadlines_added
            or self.deadlines_removed
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "system_id": self.system_id,
            "system": self.system_name,
            "from_record": self.old_record_id,
            "to_record": self.new_record_id,
            "regime_version": {"from": self.regime_version[0], "to": self.regime_version[1]},
            "changed": self.changed,
            "risk_class": {
                "from": self.risk_class[0],
                "to": self.risk_class[1],
                "changed": self.class_changed,
            },
            "obligations": {
                "added": self.obligations_added,
                "removed": self.obligations_removed,
                "changed": [
                    {
                        "id": c.id,
                        "role": c.role,
                        "applies_from": {"from": c.applies_from[0], "to": c.applies_from[1]},
                    }
                    for c in self.obligations_changed
                ],
            },
            "deadlines": {"added": self.deadlines_added, "removed": self.deadlines_removed},
        }


def diff_results(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    *,
    system_id: int,
    system_name: str,
    old_record_id: int | None,
    new_record_id: int,
) -> RecordDiff:
    """Compare two assessment results as records keep them (`aidesk.rules.compare`). Listed: class,
    obligations added or removed or applying from another date, deadlines by date and what happens on
    it; not listed: grounds, citations, penalties (the records themselves have them)."""
    from aidesk.rules.compare import compare

    c = compare(old, new)
    return RecordDiff(
        system_id=system_id,
        system_name=system_name,
        old_record_id=old_record_id,
        new_record_id=new_record_id,
        regime_version=(c.regime_version.before, str(c.regime_version.after)),
        risk_class=(c.risk_class.before, str(c.risk_class.after)),
        obligations_added=[f"{o.id} ({o.role})" for o in c.obligations_added],
        obligations_removed=[f"{o.id} ({o.role})" for o in c.obligations_removed],
        obligations_changed=[
            ObligationChange(
                id=m.after.id,
                role=m.after.role,
                applies_from=(_iso(m.before.applies_from), _iso(m.after.applies_from)),
            )
            for m in c.obligations_moved
        ],
        deadlines_added=_deadline_lines([*c.deadlines_added, *(r.after for r in c.deadlines_reworded)]),
        deadlines_removed=_deadline_lines([*c.deadlines_removed, *(r.before for r in c.deadlines_reworded)]),
    )


def _deadline_lines(entries: list[Any]) -> list[str]:
    """Each deadline as "YYYY-MM-DD: what", by date."""
    return [f"{d.date.isoformat()}: {d.what}" for d in sorted(entries, key=lambda d: d.date)]


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def diff_records(session: Session, actor: Actor, old_id: int, new_id: int) -> RecordDiff:
    """Compare two records of one system (both must belong to the caller's organisation)."""
    old, new = get_record(session, actor, old_id), get_record(session, actor, new_id)
    if old.system_id != new.system_id:
        raise InvalidInput([Problem(None, "records", "the two records are of different systems")])
    system = get_system(session, actor, new.system_id)
    return diff_results(
        old.result,
        new.result,
        system_id=system.id,
        system_name=system.name,
        old_record_id=old.id,
        new_record_id=new.id,
    )
