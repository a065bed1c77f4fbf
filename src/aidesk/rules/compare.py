"""What changes for a system from one assessment to another: the one comparison of two assessments.

Every place that shows a difference renders it from `compare`: `aidesk diff` (one profile under two
regimes), the web result page ("What changed with the AI Omnibus"), and the inventory's history of a
system's records (web, API, re-assessment report). Each shows the parts it has always shown; what it
leaves out is said at the caller.

`compare` reads an `Assessment` or its JSON object (SPEC §2), the form in which the inventory keeps its
records — tolerantly, since a record is read back long after it was written: a missing key is empty, a
list entry that is not an object is passed over, a date that is not a date is none (a deadline without
one is passed over). Obligations are matched on their id and role; deadlines on their date, of which an
assessment has one entry per date (SPEC §2).

Pure core (STYLE.md 7): nothing here imports the web, the database or the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from aidesk.rules.model import Assessment

T = TypeVar("T")
Source: TypeAlias = "Assessment | Mapping[str, Any]"  # an assessment, or its JSON object (SPEC §2)

GROUNDS = ("prohibited_practices", "high_risk_grounds", "transparency_obligations")


@dataclass(frozen=True, slots=True)
class Change(Generic[T]):
    """A value as the older assessment gives it, and as the newer one does."""

    before: T
    after: T

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True, slots=True)
class GroundsChange:
    """Grounds (citations) the newer assessment adds, in its order, and those it no longer has."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True, slots=True)
class Gpai:
    is_gpai_model: bool
    systemic_risk: bool


@dataclass(frozen=True, slots=True)
class ObligationEntry:
    """An obligation as one assessment states it."""

    id: str
    role: str
    title: str
    citations: tuple[str, ...]
    applies_from: date | None  # None: does not apply (e.g. Art. 111 legacy rules)
    in_force: bool


@dataclass(frozen=True, slots=True)
class DeadlineEntry:
    date: date
    what: str
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PenaltyEntry:
    max_eur: int
    max_turnover_pct: int
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AssessmentChanges:
    """Everything that differs between two assessments of one system (`before` None: no older one)."""

    profile: str  # the system's name, as the newer assessment gives it
    as_of: Change[date | None]
    regime_version: Change[str | None]
    risk_class: Change[str | None]
    prohibited_practices: GroundsChange
    high_risk_grounds: GroundsChange
    transparency_obligations: GroundsChange
    gpai: Change[Gpai | None]
    obligations_added: tuple[ObligationEntry, ...]  # in the newer assessment's order
    obligations_removed: tuple[ObligationEntry, ...]  # in the older assessment's order
    obligations_changed: tuple[Change[ObligationEntry], ...]  # same id and role, another date or citations
    deadlines_added: tuple[DeadlineEntry, ...]  # dates the newer assessment adds, by date
    deadlines_removed: tuple[DeadlineEntry, ...]  # dates it no longer has, by date
    deadlines_reworded: tuple[Change[DeadlineEntry], ...]  # the same date for something else, by date
    penalties: Change[tuple[PenaltyEntry, ...]]

    @property
    def grounds(self) -> GroundsChange:
        """All grounds at once: prohibited practices, then high-risk grounds, then Art. 50 duties."""
        kinds = (self.prohibited_practices, self.high_risk_grounds, self.transparency_obligations)
        return GroundsChange(
            added=tuple(g for k in kinds for g in k.added), removed=tuple(g for k in kinds for g in k.removed)
        )

    @property
    def obligations_moved(self) -> tuple[Change[ObligationEntry], ...]:
        """Obligations that apply from another date (or no longer, or now, apply at all)."""
        return tuple(c for c in self.obligations_changed if c.before.applies_from != c.after.applies_from)

    @property
    def obligations_recited(self) -> tuple[Change[ObligationEntry], ...]:
        """Obligations that the law now grounds on other provisions (e.g. Art. 4 → Art. 4(1))."""
        return tuple(c for c in self.obligations_changed if c.before.citations != c.after.citations)

    @property
    def changed(self) -> bool:
        return bool(
            self.risk_class.changed
            or self.grounds.changed
            or self.gpai.changed
            or self.obligations_added
            or self.obligations_removed
            or self.obligations_changed
            or self.deadlines_added
            or self.deadlines_removed
            or self.deadlines_reworded
            or self.penalties.changed
        )


def compare(old: Source | None, new: Source) -> AssessmentChanges:
    """What changes from assessment `old` (None: there was none) to assessment `new`."""
    before, after = _Side.read(old), _Side.read(new)
    obs_before, obs_after = before.obligations, after.obligations
    days_before, days_after = sorted(before.deadlines.items()), sorted(after.deadlines.items())
    return AssessmentChanges(
        profile=str(_fields(new).get("profile")),
        as_of=Change(before.as_of, after.as_of),
        regime_version=Change(before.regime_version, after.regime_version),
        risk_class=Change(before.risk_class, after.risk_class),
        prohibited_practices=_grounds(before, after, "prohibited_practices"),
        high_risk_grounds=_grounds(before, after, "high_risk_grounds"),
        transparency_obligations=_grounds(before, after, "transparency_obligations"),
        gpai=Change(before.gpai, after.gpai),
        obligations_added=tuple(o for key, o in obs_after.items() if key not in obs_before),
        obligations_removed=tuple(o for key, o in obs_before.items() if key not in obs_after),
        obligations_changed=tuple(
            Change(obs_before[key], o)
            for key, o in obs_after.items()
            if key in obs_before
            and (obs_before[key].applies_from, obs_before[key].citations) != (o.applies_from, o.citations)
        ),
        deadlines_added=tuple(d for day, d in days_after if day not in before.deadlines),
        deadlines_removed=tuple(d for day, d in days_before if day not in after.deadlines),
        deadlines_reworded=tuple(
            Change(before.deadlines[day], d)
            for day, d in days_after
            if day in before.deadlines and before.deadlines[day].what != d.what
        ),
        penalties=Change(before.penalties, after.penalties),
    )


def _grounds(before: _Side, after: _Side, kind: str) -> GroundsChange:
    old, new = before.grounds[kind], after.grounds[kind]
    return GroundsChange(
        added=tuple(g for g in new if g not in old), removed=tuple(g for g in old if g not in new)
    )


# --- reading an assessment, or its JSON object -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Side:
    """What the comparison looks at in one assessment."""

    as_of: date | None
    regime_version: str | None
    risk_class: str | None
    grounds: dict[str, tuple[str, ...]]  # by field of GROUNDS
    gpai: Gpai | None
    obligations: dict[tuple[str, str], ObligationEntry]  # by (id, role)
    deadlines: dict[date, DeadlineEntry]
    penalties: tuple[PenaltyEntry, ...]

    @classmethod
    def read(cls, source: Source | None) -> _Side:
        fields = _fields(source)
        gpai = fields.get("gpai")
        obligations = (_obligation(o) for o in _entries(fields, "obligations"))
        deadlines = (_deadline(d) for d in _entries(fields, "deadlines"))
        return cls(
            as_of=_date(fields.get("as_of")),
            regime_version=_text(fields.get("regime_version")),
            risk_class=_text(fields.get("risk_class")),
            grounds={name: _strings(fields.get(name)) for name in GROUNDS},
            gpai=None if gpai is None else _gpai(_fields(gpai)),
            obligations={(o.id, o.role): o for o in obligations},
            deadlines={d.date: d for d in deadlines if d is not None},
            penalties=tuple(_penalty(p) for p in _entries(fields, "penalties")),
        )


def _fields(item: Any) -> Mapping[str, Any]:
    """An assessment, or one of its entries, as a mapping of its fields: its JSON object, or the model's
    own fields (nothing for anything else)."""
    if isinstance(item, BaseModel):
        return vars(item)
    return item if isinstance(item, Mapping) else {}


def _entries(fields: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    return [_fields(x) for x in fields.get(name) or () if isinstance(x, BaseModel | Mapping)]


def _gpai(g: Mapping[str, Any]) -> Gpai:
    return Gpai(bool(g.get("is_gpai_model")), bool(g.get("systemic_risk")))


def _obligation(o: Mapping[str, Any]) -> ObligationEntry:
    return ObligationEntry(
        id=str(o.get("id")),
        role=str(o.get("role")),
        title=str(o.get("title") or ""),
        citations=_strings(o.get("citations")),
        applies_from=_date(o.get("applies_from")),
        in_force=bool(o.get("in_force")),
    )


def _deadline(d: Mapping[str, Any]) -> DeadlineEntry | None:
    day = _date(d.get("date"))
    return None if day is None else DeadlineEntry(day, str(d.get("what") or ""), _strings(d.get("citations")))


def _penalty(p: Mapping[str, Any]) -> PenaltyEntry:
    return PenaltyEntry(p.get("max_eur", 0), p.get("max_turnover_pct", 0), _strings(p.get("citations")))


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(map(str, value or ()))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
