"""Provincial units (with validity periods and successors), their Departments of Industry and
Trade (Sở Công Thương), and who works for which department.

A code is not an identity: after the 2025 reorganisation code 15 means Lào Cai (it was Yên Bái)
and 24 means Bắc Ninh (it was Bắc Giang). Each unit is one row valid for a period. A unit that a
reorganisation merged into another ends the day before the new governments start and points to
its successor; a unit the reorganisation left alone is the same row before and after (no end, no
successor). Reorganisations are data (``Reorganisation``), applied from a file by
``manage.py apply_reorganisation`` (see ``provinces/reorganisation.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from conference.vietnamese import fold, sort_key
from provinces.querysets import ProvincialUnitQuerySet


class Reorganisation(models.Model):
    """A reorganisation of provincial units decided by the National Assembly: the date it was
    adopted (and took effect) and the date from which the new provincial governments run."""

    key = models.SlugField(_("key"), max_length=50, unique=True, help_text=_("For example 2025."))
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    resolution = models.CharField(_("resolution"), max_length=200, blank=True)
    decided_on = models.DateField(
        _("adopted on"), help_text=_("The date the resolution was adopted and took effect.")
    )
    governments_from = models.DateField(
        _("new governments from"),
        help_text=_("The first day of the new units; merged units end the day before."),
    )
    sources = models.TextField(_("sources"), blank=True)

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["governments_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(governments_from__gte=models.F("decided_on")),
                name="reorganisation_governments_after_decision",
            )
        ]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class ProvincialUnit(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", pgettext_lazy("unit kind", "province")
        CITY = "city", pgettext_lazy("unit kind", "centrally-governed city")

    class Region(models.TextChoices):
        MIDLANDS_MOUNTAINS = "TDMNPB", _("Northern Midlands and Mountains")
        RED_RIVER_DELTA = "DBSH", _("Red River Delta")
        NORTH_CENTRAL = "BTB", _("North Central")

    code = models.CharField(_("code"), max_length=2, help_text=_("Statistics-office code."))
    name = models.CharField(_("name"), max_length=100)
    name_ascii = models.CharField(_("name without accents"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices)
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty: before our records begin.")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: still exists.")
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("succeeded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    ended_by = models.ForeignKey(
        Reorganisation,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_units",
        help_text=_("The reorganisation that merged this unit into its successor."),
    )
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    search_text = models.CharField(max_length=400, editable=False)

    objects = ProvincialUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("provincial unit")
        verbose_name_plural = _("provincial units")
        ordering = ["sort_key", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="unit_code_unique_per_period_start"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(valid_until__isnull=True),
                name="unit_code_unique_among_current",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="unit_validity_ordered",
                violation_error_message=_("The end of the period cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=models.Q(successor__isnull=True) | models.Q(valid_until__isnull=False),
                name="unit_successor_only_when_ended",
                violation_error_message=_(
                    "Only a unit that has ended (with a last day) has a successor."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(ended_by__isnull=True) | models.Q(valid_until__isnull=False),
                name="unit_ended_by_only_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key", "search_text"}
        super().save(*args, **kwargs)

    def refresh_search_fields(self) -> None:
        self.sort_key = sort_key(self.name)
        self.search_text = " ".join([fold(self.name), fold(self.name_ascii), self.code])

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    @property
    def kind_label(self) -> str:
        return self.get_kind_display()


class Department(models.Model):
    """The Department of Industry and Trade (Sở Công Thương) of one provincial unit."""

    unit = models.OneToOneField(
        ProvincialUnit,
        verbose_name=_("provincial unit"),
        on_delete=models.PROTECT,
        related_name="department",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    search_text = models.CharField(max_length=400, editable=False)

    class Meta:
        verbose_name = _("Department of Industry and Trade")
        verbose_name_plural = _("Departments of Industry and Trade")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key", "search_text"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """The name in the page's language: "Sở Công Thương Hà Giang" / "Hà Giang Department of
        Industry and Trade". A name that is not the usual one is shown as stored."""
        if self.unit_id and self.name == f"Sở Công Thương {self.unit.name}":
            return gettext("%(unit)s Department of Industry and Trade") % {"unit": self.unit.name}
        return self.name

    def refresh_search_fields(self) -> None:
        unit_name = self.unit.name if self.unit_id else ""
        self.sort_key = sort_key(unit_name)
        self.search_text = " ".join([fold(self.name), fold(unit_name)])


class DepartmentMember(models.Model):
    """A user who works for one department: the province's liaison to the conference."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="department_membership",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    is_liaison = models.BooleanField(
        _("conference liaison"),
        default=True,
        help_text=_("Manages the delegation and submits proposals for the department."),
    )

    class Meta:
        verbose_name = _("department member")
        verbose_name_plural = _("department members")
        ordering = ["department__sort_key", "user__last_name"]

    def __str__(self) -> str:
        return f"{self.user} — {self.department}"
