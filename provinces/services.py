"""Writes with rules for provincial units: applying a reorganisation described in a file.

A reorganisation file (JSON, see ``provinces/reorganisations/2025.json``) names the resolution, the
date it was adopted (``decided_on``), the first day of the new governments (``governments_from``),
the units that continue unchanged and, for each new unit, the units merged into it (by their codes
on the day before ``governments_from``). Applying it ends each merged unit on the day before, with
the new unit as its successor, creates the new units with their Departments of Industry and Trade
and records the reorganisation. Units it names as unchanged are checked and left alone: one unit,
one history. Applying a file that was already applied changes nothing.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from provinces.models import Department, ProvincialUnit, Reorganisation
from provinces.signals import reorganisation_applied

FIELDS = {
    "key", "name", "name_en", "resolution", "decided_on", "governments_from", "sources",
    "unchanged", "new_units", "notes",
}  # fmt: skip
UNIT_FIELDS = {"code", "name", "name_ascii", "kind", "region", "merged_from"}


@dataclass(frozen=True)
class NewUnit:
    code: str
    name: str
    name_ascii: str
    kind: str
    region: str
    merged_from: tuple[str, ...]


@dataclass(frozen=True)
class ReorganisationPlan:
    key: str
    name: str
    decided_on: datetime.date
    governments_from: datetime.date
    name_en: str = ""
    resolution: str = ""
    sources: str = ""
    unchanged: tuple[str, ...] = ()
    new_units: tuple[NewUnit, ...] = field(default_factory=tuple)

    @property
    def last_day_before(self) -> datetime.date:
        return self.governments_from - datetime.timedelta(days=1)


def _date(value, name: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(str(value), fmt).date()  # noqa: DTZ007 (date only)
        except ValueError:
            continue
    raise ValidationError(
        _("%(field)s: %(value)s is not a date (write 2025-07-01 or 01/07/2025).")
        % {"field": name, "value": value}
    )


def reorganisation_plan_from_file(content: bytes | str) -> ReorganisationPlan:
    """Read a reorganisation file; a file that cannot be read raises ``ValidationError``."""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(
            _("The file is not valid JSON: %(error)s") % {"error": error}
        ) from error
    if not isinstance(data, dict):
        raise ValidationError(_("The file must hold one JSON object."))
    unknown = sorted(set(data) - FIELDS)
    missing = sorted({"key", "name", "decided_on", "governments_from"} - set(data))
    if unknown or missing:
        raise ValidationError(
            _("Unknown fields: %(unknown)s. Missing fields: %(missing)s.")
            % {"unknown": ", ".join(unknown) or "-", "missing": ", ".join(missing) or "-"}
        )
    new_units = []
    for entry in data.get("new_units", []):
        if not isinstance(entry, dict) or set(entry) != UNIT_FIELDS:
            raise ValidationError(
                _("Each new unit needs exactly these fields: %(fields)s.")
                % {"fields": ", ".join(sorted(UNIT_FIELDS))}
            )
        new_units.append(
            NewUnit(**{**entry, "merged_from": tuple(str(c) for c in entry["merged_from"])})
        )
    return ReorganisationPlan(
        key=str(data["key"]),
        name=data["name"],
        name_en=data.get("name_en", ""),
        resolution=data.get("resolution", ""),
        sources=data.get("sources", ""),
        decided_on=_date(data["decided_on"], "decided_on"),
        governments_from=_date(data["governments_from"], "governments_from"),
        unchanged=tuple(str(c) for c in data.get("unchanged", [])),
        new_units=tuple(new_units),
    )


def _unit_on(code: str, day: datetime.date) -> ProvincialUnit:
    units = list(ProvincialUnit.objects.valid_on(day).filter(code=code).select_for_update())
    if len(units) != 1:
        raise ValidationError(
            _("No unit with code %(code)s existed on %(date)s.")
            % {"code": code, "date": day.strftime("%d/%m/%Y")}
        )
    return units[0]


def _check(plan: ReorganisationPlan) -> None:
    if plan.governments_from < plan.decided_on:
        raise ValidationError(
            _("The new governments cannot start before the resolution was adopted.")
        )
    merged = [code for unit in plan.new_units for code in unit.merged_from]
    repeated = sorted(
        {c for c in merged if merged.count(c) > 1} | (set(merged) & set(plan.unchanged))
    )
    if repeated:
        raise ValidationError(
            _("Each unit may be merged once or continue, not both: %(codes)s.")
            % {"codes": ", ".join(repeated)}
        )
    for unit in plan.new_units:
        if len(unit.merged_from) < 1:
            raise ValidationError(
                _("The new unit %(name)s names no unit merged into it.") % {"name": unit.name}
            )
        if unit.kind not in ProvincialUnit.Kind.values or unit.region not in (
            ProvincialUnit.Region.values
        ):
            raise ValidationError(
                _("The new unit %(name)s has an unknown kind or region.") % {"name": unit.name}
            )
        if unit.code in plan.unchanged:
            raise ValidationError(
                _("Code %(code)s cannot name a new unit: the unit with that code continues.")
                % {"code": unit.code}
            )


@transaction.atomic
def reorganisation_apply(
    *, plan: ReorganisationPlan, dry_run: bool = False, actor=None
) -> list[str]:
    """Apply ``plan``; return one line per change (nothing when it was already applied). With
    ``dry_run`` the same work is done and then rolled back, so the lines are what would change.
    A real change is announced through ``provinces.signals.reorganisation_applied`` (the audit
    log records it, with ``actor``: the user, or an actor code for the server command)."""
    _check(plan)
    before, start = plan.last_day_before, plan.governments_from
    changes: list[str] = []
    values = {
        "name": plan.name,
        "name_en": plan.name_en,
        "resolution": plan.resolution,
        "decided_on": plan.decided_on,
        "governments_from": start,
        "sources": plan.sources,
    }
    reorganisation = Reorganisation.objects.select_for_update().filter(key=plan.key).first()
    if reorganisation is None:
        reorganisation = Reorganisation(key=plan.key, **values)
        changes.append(_("Record the reorganisation: %(name)s.") % {"name": plan.name})
    elif any(getattr(reorganisation, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(reorganisation, name, value)
        changes.append(_("Update the reorganisation: %(name)s.") % {"name": plan.name})
    reorganisation.full_clean()
    reorganisation.save()

    for code in plan.unchanged:
        unit = _unit_on(code, before)
        if unit.valid_until is not None and unit.valid_until < start:
            raise ValidationError(
                _("%(name)s is named as continuing, but it ends on %(date)s.")
                % {"name": unit.name, "date": unit.valid_until.strftime("%d/%m/%Y")}
            )

    for new in plan.new_units:
        existing = ProvincialUnit.objects.filter(code=new.code, valid_from=start).first()
        olds = [_unit_on(code, before) for code in new.merged_from]
        if existing is not None and all(
            old.successor_id == existing.pk and old.valid_until == before for old in olds
        ):
            continue  # already applied
        for old in olds:
            if old.valid_until is not None and old.valid_until != before:
                raise ValidationError(
                    _("%(name)s already ends on %(date)s.")
                    % {"name": old.name, "date": old.valid_until.strftime("%d/%m/%Y")}
                )
            old.valid_until = before
            old.ended_by = reorganisation
            old.full_clean(exclude=["successor"])
            old.save(update_fields=["valid_until", "ended_by"])
        if existing is None:
            existing = ProvincialUnit(
                code=new.code,
                name=new.name,
                name_ascii=new.name_ascii,
                kind=new.kind,
                region=new.region,
                valid_from=start,
            )
            existing.full_clean()
            existing.save()
            Department.objects.create(unit=existing, name=f"Sở Công Thương {new.name}")
            changes.append(
                _("Create %(name)s (code %(code)s) from %(date)s, with its department.")
                % {"name": new.name, "code": new.code, "date": start.strftime("%d/%m/%Y")}
            )
        for old in olds:
            old.successor = existing
            old.save(update_fields=["successor"])
            changes.append(
                _("End %(old)s (code %(code)s) on %(date)s: merged into %(new)s.")
                % {
                    "old": old.name,
                    "code": old.code,
                    "date": before.strftime("%d/%m/%Y"),
                    "new": new.name,
                }
            )
    if dry_run:
        transaction.set_rollback(True)
    elif changes:
        reorganisation_applied.send(
            sender=Reorganisation, reorganisation=reorganisation, changes=changes, actor=actor
        )
    return changes
