"""Editions of the conference, their participating units, chairs and agenda."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from conference.querysets import EditionParticipantQuerySet, EditionQuerySet
from conference.text_input import max_length_check
from conference.vietnamese import roman


class Position(models.TextChoices):
    """Official titles, rendered with the organisation by :func:`position_title`."""

    MINISTER = "minister", _("Minister of Industry and Trade")
    DEPUTY_MINISTER = "deputy_minister", _("Deputy Minister of Industry and Trade")
    AGENCY_DIRECTOR = "agency_director", _("Director of the Agency of Local Industry and Trade")
    MOIT_DEPARTMENT_DIRECTOR = (
        "moit_department_director",
        _("Director General of a Ministry of Industry and Trade department"),
    )
    PC_CHAIRMAN = "pc_chairman", _("Chairman of the People's Committee")
    PC_ACTING_CHAIRMAN = "pc_acting_chairman", _("Acting Chairman of the People's Committee")
    PC_STANDING_VICE = "pc_standing_vice", _("Standing Vice Chairman of the People's Committee")
    PC_VICE = "pc_vice", _("Vice Chairman of the People's Committee")
    DOIT_DIRECTOR = "doit_director", _("Director of the Department of Industry and Trade")
    DOIT_ACTING_DIRECTOR = (
        "doit_acting_director",
        _("Acting Director of the Department of Industry and Trade"),
    )
    DOIT_DEPUTY_DIRECTOR = (
        "doit_deputy_director",
        _("Deputy Director of the Department of Industry and Trade"),
    )


_WITH_UNIT = {
    Position.PC_CHAIRMAN: _("Chairman of the %(unit)s People's Committee"),
    Position.PC_ACTING_CHAIRMAN: _("Acting Chairman of the %(unit)s People's Committee"),
    Position.PC_STANDING_VICE: _("Standing Vice Chairman of the %(unit)s People's Committee"),
    Position.PC_VICE: _("Vice Chairman of the %(unit)s People's Committee"),
    Position.DOIT_DIRECTOR: _("Director of the %(unit)s Department of Industry and Trade"),
    Position.DOIT_ACTING_DIRECTOR: _(
        "Acting Director of the %(unit)s Department of Industry and Trade"
    ),
    Position.DOIT_DEPUTY_DIRECTOR: _(
        "Deputy Director of the %(unit)s Department of Industry and Trade"
    ),
}


def position_title(position: str, unit=None, organisation: str = "") -> str:
    """ "Phó Chủ tịch Thường trực UBND Hà Nội" / "Standing Vice Chairman of the Hà Nội People's
    Committee"; the plain title where no unit is known. A Ministry department's head is named
    with the department: "Vụ trưởng Vụ Kế hoạch, Tài chính và Quản lý doanh nghiệp, Bộ Công
    Thương"."""
    if not position:
        return ""
    if position == Position.MOIT_DEPARTMENT_DIRECTOR and organisation:
        return str(_("Director General of %(organisation)s, Ministry of Industry and Trade")) % {
            "organisation": organisation
        }
    if unit is not None and position in _WITH_UNIT:
        return str(_WITH_UNIT[position]) % {"unit": unit.name}
    return str(Position(position).label)


class LocalizedTextMixin:
    """Content written in Vietnamese with an optional English translation in ``<field>_en``."""

    def localized(self, field: str) -> str:
        value = getattr(self, field)
        if (get_language() or "vi").startswith("en"):
            return getattr(self, f"{field}_en", "") or value
        return value


END_BEFORE_START = _("The last day cannot be before the first day.")
CLOSES_BEFORE_OPENS = _("Registration must close after it opens.")


class Edition(LocalizedTextMixin, models.Model):
    class Lifecycle(models.TextChoices):
        """The stored state, changed only by the services of ``conference.services.editions``
        (through ``_edition_set_lifecycle``)."""

        PLANNED = "planned", _("Planned")
        REGISTRATION_OPEN = "registration_open", _("Registration open")
        PROPOSALS_OPEN = "proposals_open", _("Proposals open")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")

    LIFECYCLE_TRANSITIONS: dict[str, frozenset[str]] = {
        Lifecycle.PLANNED: frozenset({Lifecycle.REGISTRATION_OPEN}),
        Lifecycle.REGISTRATION_OPEN: frozenset({Lifecycle.PROPOSALS_OPEN}),
        Lifecycle.PROPOSALS_OPEN: frozenset({Lifecycle.HELD}),
        Lifecycle.HELD: frozenset({Lifecycle.CLOSED}),
        Lifecycle.CLOSED: frozenset(),
    }

    class Phase(models.TextChoices):
        """Where the edition stands, computed from its dates (not stored); the stored stage is
        ``lifecycle``."""

        PLANNED = "planned", _("Planned")
        REGISTRATION_OPEN = "registration_open", _("Registration open")
        UPCOMING = "upcoming", _("Upcoming")
        HELD = "held", _("Held")
        DATE_UNKNOWN = "date_unknown", _("Date not known")

    number = models.PositiveSmallIntegerField(_("ordinal"), unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    date = models.DateField(_("date"), null=True, blank=True)
    end_date = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("Only for editions of several days.")
    )
    host = models.ForeignKey(
        "provinces.ProvincialUnit",
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        related_name="hosted_editions",
        null=True,
        blank=True,
        help_text=_("The unit as it was named when it was handed the flag."),
    )
    held_in = models.ForeignKey(
        "provinces.ProvincialUnit",
        verbose_name=_("held in"),
        on_delete=models.PROTECT,
        related_name="editions_held_in",
        null=True,
        blank=True,
        help_text=_("Only when the edition took place in another unit than the host's."),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    # What a delegate needs on the day (the confirmation email, the manage page, the calendar
    # file): when the first day starts and ends, and where exactly.
    venue_address = models.CharField(
        _("venue address"),
        max_length=300,
        blank=True,
        help_text=_(
            "Street address of the venue, e.g. 1 Đường 17/8, Phường Minh Xuân, Tuyên Quang."
        ),
    )
    start_time = models.TimeField(
        _("start time"),
        null=True,
        blank=True,
        help_text=_("When the first day starts (local time), e.g. 08:00; empty: the whole day."),
    )
    end_time = models.TimeField(
        _("end time"),
        null=True,
        blank=True,
        help_text=_("When the last day ends (local time), e.g. 17:00."),
    )
    organisers = models.TextField(_("organisers"), blank=True, max_length=2000)
    organisers_en = models.TextField(_("organisers (English)"), blank=True, max_length=2000)
    summary = models.TextField(_("summary"), blank=True, max_length=10000)
    summary_en = models.TextField(_("summary (English)"), blank=True, max_length=10000)
    planned_delegates = models.PositiveIntegerField(_("delegates planned"), null=True, blank=True)
    sources = models.TextField(_("sources"), blank=True, max_length=10000)
    programme_published = models.BooleanField(
        _("programme published"),
        default=True,
        help_text=_(
            "Unticked when no official programme was published: the agenda then lists the "
            "contributions the press reported, not a programme."
        ),
    )
    lifecycle = models.CharField(
        _("stage"),
        max_length=20,
        choices=Lifecycle.choices,
        default=Lifecycle.PLANNED,
        editable=False,
    )
    is_last_of_series = models.BooleanField(
        _("last of the series"),
        default=False,
        editable=False,
        help_text=_("Closed without a handover: no further edition is planned."),
    )
    # Registration (used by delegate registration).
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    changes_until = models.DateTimeField(
        _("delegates may change their registration until"), null=True, blank=True
    )
    capacity = models.PositiveIntegerField(_("capacity (seats)"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("sample data"), default=False, help_text=_("Demonstration data, not a real edition.")
    )
    # The organizers' contact for delegates and liaisons, shown on the edition's pages and in
    # the emails ("contact the organizers" must say how).
    contact_email = models.EmailField(_("organizers' contact email"), blank=True)
    contact_phone = models.CharField(
        _("organizers' contact phone"),
        max_length=40,
        blank=True,
        help_text=_("As it should be shown, e.g. 024 3825 1234 (ext. 12)."),
    )
    contact_name = models.CharField(
        _("contact person or office"),
        max_length=200,
        blank=True,
        help_text=_("For example: Văn phòng Ban Tổ chức, Sở Công Thương Phú Thọ."),
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["number"]
        constraints = [
            *(
                max_length_check("edition", field, limit)
                for field, limit in [
                    ("organisers", 2000),
                    ("organisers_en", 2000),
                    ("summary", 10000),
                    ("summary_en", 10000),
                    ("sources", 10000),
                ]
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1),
                name="edition_number_positive",
                violation_error_message=_("The ordinal is 1 or more."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("date")),
                name="edition_end_after_start",
                violation_error_message=END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_opens_at__isnull=True)
                | models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="edition_registration_window_ordered",
                violation_error_message=CLOSES_BEFORE_OPENS,
            ),
            models.CheckConstraint(
                condition=models.Q(
                    lifecycle__in=[
                        "planned",
                        "registration_open",
                        "proposals_open",
                        "held",
                        "closed",
                    ]
                ),
                name="edition_lifecycle_known",
            ),
            models.CheckConstraint(
                condition=models.Q(is_last_of_series=False) | models.Q(lifecycle="closed"),
                name="edition_last_of_series_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Edition %(ordinal)s (%(year)s)") % {"ordinal": self.ordinal, "year": self.year}
        )

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("conference:edition_detail", kwargs={"number": self.number})

    def clean(self) -> None:
        """The constraints' checks, on the field they are about (the admin shows them there)."""
        super().clean()
        errors = {}
        if self.date and self.end_date and self.end_date < self.date:
            errors["end_date"] = END_BEFORE_START
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = CLOSES_BEFORE_OPENS
        if errors:
            raise ValidationError(errors)

    @property
    def ordinal(self) -> str:
        return roman(self.number)

    @property
    def title(self) -> str:
        return str(
            _(
                "The %(ordinal)s Conference of the Industry and Trade sector of the northern "
                "provinces and cities, %(year)s"
            )
            % {"ordinal": self.ordinal, "year": self.year}
        )

    def host_label(self) -> str:
        """The host as named then; "Hà Giang (nay thuộc tỉnh Tuyên Quang)" when it merged since."""
        if self.host is None:
            return ""
        from provinces.display import unit_label_then

        return unit_label_then(self.host)

    def registration_is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return bool(
            self.registration_opens_at
            and self.registration_opens_at <= now
            and (self.registration_closes_at is None or now < self.registration_closes_at)
        )

    def starts_at(self) -> datetime.datetime | None:
        """The start of the first day, local time."""
        if self.date is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.date, datetime.time.min))

    def begins_at(self) -> datetime.datetime | None:
        """When the conference begins, local time: the first day at ``start_time`` (None without
        a start time: see :meth:`starts_at` for the start of the day)."""
        if self.date is None or self.start_time is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    def ends_at(self) -> datetime.datetime | None:
        """When the last day ends at ``end_time``; without one, four hours after it begins."""
        begins = self.begins_at()
        if begins is None:
            return None
        if self.end_time is None:
            return begins + datetime.timedelta(hours=4)
        ends = timezone.make_aware(
            datetime.datetime.combine(self.end_date or self.date, self.end_time)
        )
        return ends if ends > begins else begins + datetime.timedelta(hours=4)

    def place_label(self) -> str:
        """ "Trung tâm Hội nghị tỉnh, 1 Đường 17/8, Tuyên Quang": venue, address and unit, each
        once."""
        unit = self.held_in or self.host
        parts = [self.venue, self.venue_address]
        if unit is not None and not any(unit.name in part for part in parts if part):
            parts.append(unit.name)
        return ", ".join(part for part in parts if part)

    def changes_deadline(self) -> datetime.datetime | None:
        """Until when delegates may change their registration: ``changes_until``, else the close
        of registration, else the start of the first day."""
        return self.changes_until or self.registration_closes_at or self.starts_at()

    def changes_allowed(self, now: datetime.datetime | None = None) -> bool:
        deadline = self.changes_deadline()
        return deadline is None or (now or timezone.now()) < deadline

    def links_expire_at(self) -> datetime.datetime | None:
        """When the delegates' self-service links stop opening their registration: the end of
        the last day plus ``MANAGE_LINK_DAYS`` days (midnight, local time); never without a date."""
        last_day = self.end_date or self.date
        if last_day is None:
            return None
        day = last_day + datetime.timedelta(days=settings.MANAGE_LINK_DAYS + 1)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    def links_expired(self, now: datetime.datetime | None = None) -> bool:
        expires = self.links_expire_at()
        return expires is not None and (now or timezone.now()) >= expires

    def cancel_allowed(self, now: datetime.datetime | None = None) -> bool:
        """A delegate may cancel up to the end of the last day: a late cancellation still frees a
        seat and a badge, which is better than a no-show."""
        last_day = self.end_date or self.date
        if last_day is None:
            return True
        return timezone.localdate(now or timezone.now()) <= last_day

    @property
    def phase(self) -> str:
        today = timezone.localdate()
        if self.date is None:
            return self.Phase.DATE_UNKNOWN if self.year <= today.year else self.Phase.PLANNED
        if (self.end_date or self.date) < today:
            return self.Phase.HELD
        if self.registration_is_open():
            return self.Phase.REGISTRATION_OPEN
        return self.Phase.UPCOMING

    def get_phase_display(self) -> str:
        return str(self.Phase(self.phase).label)

    @property
    def handover_received(self):
        """The handover at which this edition's host received the flag, or None."""
        try:
            return self.handover_in
        except models.ObjectDoesNotExist:
            return None

    @property
    def handover_given(self):
        """The handover at this edition's close, or None."""
        try:
            return self.handover_out
        except models.ObjectDoesNotExist:
            return None


class EditionParticipant(models.Model):
    """A unit taking part in an edition; the set belongs to each edition."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="participants"
    )
    unit = models.ForeignKey(
        "provinces.ProvincialUnit",
        verbose_name=_("provincial unit"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    quota = models.PositiveIntegerField(
        _("delegate quota"), null=True, blank=True, help_text=_("Empty: no quota for this unit.")
    )

    objects = EditionParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participating unit")
        verbose_name_plural = _("participating units")
        ordering = ["edition__number", "unit__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "unit"], name="participant_unique_per_edition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.edition}"

    @property
    def seats_left(self) -> int | None:
        """Seats left in the quota (None: no quota); needs ``with_seat_counts()``."""
        return None if self.quota is None else max(self.quota - self.used, 0)


class Chair(models.Model):
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="chairs"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=40, choices=Position.choices)
    unit = models.ForeignKey(
        "provinces.ProvincialUnit",
        verbose_name=_("of unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For People's Committee and Department positions."),
    )
    organisation = models.CharField(
        _("of the Ministry's department"),
        max_length=200,
        blank=True,
        help_text=_("For a head of a Ministry department (Vụ trưởng): the department's name."),
    )

    class Meta:
        verbose_name = _("chair")
        verbose_name_plural = _("chairs")
        ordering = ["edition", "order", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def title(self) -> str:
        return position_title(self.position, self.unit, self.organisation)


ENDS_BEFORE_STARTS = _("It must end after it starts.")


class AgendaItem(LocalizedTextMixin, models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        REPORT = "report", _("Report")
        PAPER = "paper", _("Paper (tham luận)")
        SPEECH = "speech", _("Speech")
        DISCUSSION = "discussion", _("Discussion")
        HANDOVER = "handover", _("Host-flag handover")
        CLOSING = "closing", _("Closing")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    speaker_name = models.CharField(_("speaker"), max_length=150, blank=True)
    speaker_position = models.CharField(
        _("speaker's position"), max_length=40, choices=Position.choices, blank=True
    )
    speaker_unit = models.ForeignKey(
        "provinces.ProvincialUnit",
        verbose_name=_("speaker's unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["edition", "order"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "order"], name="agenda_order_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="agenda_item_ends_after_start",
                violation_error_message=ENDS_BEFORE_STARTS,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": ENDS_BEFORE_STARTS})

    @property
    def speaker_title(self) -> str:
        return position_title(self.speaker_position, self.speaker_unit)
