"""Re-assessment of the whole inventory, e.g. when the law changes (as it did with the AI Omnibus).

Every system is assessed again under the given regime; the new records are kept, and the report says,
system by system, what changed since its previous record (class, obligations, dates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from aidesk.inventory import audit
from aidesk.inventory.actor import Actor, Permission
from aidesk.inventory.assessments import (
    Assessor,
    RecordDiff,
    diff_results,
    latest_record,
    rules_assessor,
    store_record,
)
from aidesk.inventory.models import AISystem
from aidesk.inventory.systems import SystemFilter, iter_systems


@dataclass(slots=True)
class ReassessReport:
    regime: str | None
    as_of: date | None
    diffs: list[RecordDiff] = field(default_factory=list)

    @property
    def changed(self) -> list[RecordDiff]:
        return [d for d in self.diffs if d.changed]

    def to_json(self) -> dict[str, Any]:
        return {
            "regime": self.regime,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "systems": len(self.diffs),
            "changed": len(self.changed),
            "results": [d.to_json() for d in self.diffs],
        }


def reassess_all(
    session: Session,
    actor: Actor,
    *,
    regime: str | None = None,
    as_of: date | None = None,
    assessor: Assessor = rules_assessor,
    flt: SystemFilter | None = None,
    progress: Callable[[int, int, AISystem], None] | None = None,
) -> ReassessReport:
    """Assess every (matching) system again and keep the records, in the caller's transaction."""
    actor.require(Permission.write)
    report = ReassessReport(regime=regime, as_of=as_of)
    todo = iter_systems(session, actor, flt)
    for done, system in enumerate(todo, start=1):
        previous = latest_record(session, actor, system.id)
        result = assessor(system.profile, regime=regime, as_of=as_of)
        record = store_record(session, actor, system, result)
        report.diffs.append(
            diff_results(
                previous.result if previous else None,
                result,
                system_id=system.id,
                system_name=system.name,
                old_record_id=previous.id if previous else None,
                new_record_id=record.id,
            )
        )
        if progress is not None:
            progress(done, len(todo), system)
    audit.record(
        session,
        actor,
        "inventory.reassess",
        "organisation",
        actor.organisation_id,
        {"regime": regime, "systems": len(report.diffs), "changed": len(report.changed)},
    )
    return report
