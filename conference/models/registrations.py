"""Delegate registration: the parts of an edition's programme, and one registration per delegate.

States (see ``Registration.TRANSITIONS``; every change goes through
``conference.services.registrations._registration_set_status``, which writes an audit entry)::

    unverified ──email confirmed──▶ pending (a seat is free) or waitlisted (none is)
    waitlisted ──promotion──▶ pending ──▶ confirmed ──▶ checked_in
         │                      │  └────▶ declined
         └──────────────────────┴──────────┴──▶ cancelled   (unverified too)

- *Unverified*: the public form creates the registration in this state and emails a link; it
  holds no seat until its address is confirmed through that link (so made-up addresses cannot
  fill a quota), and is erased after ``REGISTRATION_VERIFY_HOURS`` unconfirmed (a beat job).
- *Active* states (``ACTIVE``: unverified, pending, waitlisted, confirmed, checked_in): one per
  email per edition, enforced by the database, email compared case-insensitively.
- *Seat-holding* states (``HOLDS_SEAT``: pending, confirmed, checked_in) count against the
  edition's capacity and the unit's quota. A pending registration holds its seat while the
  province decides, so confirming never overbooks; unverified, waitlisted, declined and cancelled
  ones do not.
"""

from __future__ import annotations

import functools
import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.badge_names import name_is_cut
from conference.models.editions import LocalizedTextMixin
from conference.models.users import User
from conference.phones import MAX_STORED_LENGTH, format_phone, search_digits
from conference.signing import ExpiredLink, InvalidLink, ReplacedLink, read_manage_token
from conference.text_input import max_length_check
from conference.text_input import normalize_email as _normalize_email
from conference.vietnamese import fold, person_sort_key

# Unambiguous alphabet for badge codes: no 0/O, 1/I/L, no U (avoids accidental words).
BADGE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
BADGE_CODE_LENGTH = 10  # 30**10 ≈ 5.9e14 codes: unguessable, still typeable from a badge


def normalize_badge_code(value: str) -> str:
    """A badge code as typed or scanned, read the one way: no spaces or dashes, upper case."""
    return "".join((value or "").split()).replace("-", "").upper()


def new_badge_code() -> str:
    return "".join(secrets.choice(BADGE_ALPHABET) for _ in range(BADGE_CODE_LENGTH))


# Version of the consent text shown on the form (Decree 13/2023/NĐ-CP: the purpose the delegate
# agreed to). Change it whenever the purpose text changes; each registration keeps the version
# it was given with.
CONSENT_VERSION = "2026-11"


class ProgrammePart(LocalizedTextMixin, models.Model):
    """A part of an edition's programme that delegates sign up for (plenary session, field visit,
    dinner). Coarser than the agenda: the agenda lists the talks of one session; a one-part
    edition needs no row at all."""

    edition = models.ForeignKey(
        "conference.Edition",
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="programme_parts",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme part")
        verbose_name_plural = _("programme parts")
        ordering = ["edition", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "title"], name="programme_part_title_unique_per_edition"
            )
        ]

    def __str__(self) -> str:
        return self.localized("title")


_PHONE_IN_GROUPS = re.compile(r"\+?\d[\d .-]{6,}\d")


# Formatting a phone through ``phonenumbers`` costs more than the rest of a list row: each worker
# keeps the display form of the numbers it has shown (a few MB at 50,000 numbers).
display_phone = functools.lru_cache(maxsize=50_000)(format_phone)


# What a row of the lists of registrations shows (``RegistrationQuerySet.for_rows``).
ROW_FIELDS = (
    "id",
    "status",
    "full_name",
    "position",
    "organisation_kind",
    "organisation_name",
    "email",
    "phone",
    "accommodation_needs",
    "dietary_needs",
    "created_at",
    "unit__name",
)


def _status_then_name_order() -> tuple[models.Case, models.Case]:
    """The state's rank and the time a waiting registration joined the list: a delegation's
    order (``by_status_then_name``) and its index's expressions, which must be the same SQL."""
    S = RegistrationStatus
    rank = models.Case(
        *(
            models.When(status=status, then=models.Value(position))
            for position, status in enumerate(
                [S.PENDING, S.CONFIRMED, S.CHECKED_IN, S.WAITLISTED, S.DECLINED, S.CANCELLED]
            )
        ),
        output_field=models.IntegerField(),
    )
    waiting_since = models.Case(
        models.When(status=S.WAITLISTED, then=models.F("waitlisted_at")),
        output_field=models.DateTimeField(),
    )
    return rank, waiting_since


@functools.cache
def _status_then_name_sql(using: str) -> tuple[RawSQL, RawSQL]:
    """``_status_then_name_order()`` as SQL for the database ``using``, compiled once."""
    query = Registration.objects.using(using).all().query
    compiler = query.get_compiler(using)
    return tuple(
        RawSQL(*compiler.compile(expression.resolve_expression(query)))
        for expression in _status_then_name_order()
    )


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> RegistrationQuerySet:
        return self.filter(status__in=Registration.ACTIVE)

    def holding_seats(self) -> RegistrationQuerySet:
        return self.filter(status__in=Registration.HOLDS_SEAT)

    def waitlist(self) -> RegistrationQuerySet:
        """Waiting registrations, first come first served."""
        return self.filter(status=Registration.Status.WAITLISTED).order_by("waitlisted_at", "id")

    def for_edition(self, edition) -> RegistrationQuerySet:
        return self.filter(edition=edition)

    def for_unit(self, unit) -> RegistrationQuerySet:
        return self.filter(unit=unit)

    def with_related(self) -> RegistrationQuerySet:
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("edition", "unit").prefetch_related("parts")

    def for_rows(self) -> RegistrationQuerySet:
        """What a row of the organizers' list or of a delegation page shows (``registration_tags
        .registration_rows``), as named tuples of those columns and the unit's name only: model
        instances of every column cost more than writing the rows."""
        return self.values_list(*ROW_FIELDS, named=True)

    def from_manage_token(self, token: str, *, now=None) -> Registration:
        """The registration a self-service link opens; ``InvalidLink`` for a tampered or cut
        token or one whose registration was erased, ``ReplacedLink`` for a link sent to an
        address an organizer corrected since, ``ExpiredLink`` once the edition is long over."""
        pk, edition_id, version = read_manage_token(token)
        return self.managed(pk=pk, edition_id=edition_id, version=version, now=now)

    def managed(self, *, pk, edition_id, version, now=None) -> Registration:
        """The registration a delegate's link (or the session it opened) names, under the same
        rules as ``from_manage_token``."""
        registration = self.with_related().filter(pk=pk, edition_id=edition_id).first()
        if registration is None:
            raise InvalidLink
        if registration.link_version != version:
            raise ReplacedLink(registration)
        if registration.edition.links_expired(now):
            raise ExpiredLink(registration)
        return registration

    def ordered(self) -> RegistrationQuerySet:
        return self.order_by("sort_key", "id")

    def by_status_then_name(self) -> RegistrationQuerySet:
        """Those to decide first, then the seated, the waiting (in their order), the rest. A
        delegation's page in this order is read from the index ``registration_delegation_order``
        (the same expressions), not sorted; their SQL is compiled once per process (building
        it from the expressions cost more than the rest of the query)."""
        status_rank, waiting_since = _status_then_name_sql(self.db)
        return self.order_by(status_rank.asc(), waiting_since.asc(), "sort_key", "id")

    def search(self, query: str) -> RegistrationQuerySet:
        """Accent-insensitive: every word must occur in the folded search text. A badge code is
        found as printed ("7K3M9-QXD2P") and a phone in any usual writing ("+84 912…")."""
        result = self
        # "+84 912 345 678", "0912.345.678": a phone written in groups is one word.
        query = _PHONE_IN_GROUPS.sub(lambda m: re.sub(r"[ .-]", "", m.group()), query or "")
        for word in fold(query).split():
            forms = {word}
            compact = word.replace("-", "").replace(".", "")
            if compact:
                forms.add(compact)
            digits = compact.lstrip("+")
            if digits.isdigit():
                forms.add(digits)  # "+33123456789": a number abroad is kept with its country code
            if digits.isdigit() and digits.startswith("84") and len(digits) > 9:
                forms.add(f"0{digits[2:]}")
            condition = models.Q()
            for form in forms:
                condition |= models.Q(search_text__contains=form)
            result = result.filter(condition)
        return result


class RegistrationStatus(models.TextChoices):
    """``Registration.Status``: defined before the model so that its constraints can name the
    sets of states below."""

    UNVERIFIED = "unverified", _("Email address not confirmed yet")
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")


# The sets of states the rules name, each defined once: the model (``Registration.ACTIVE`` …), its
# constraints, the services, the badges and the counts use these. Tuples, so that the
# constraints' conditions keep one order in migrations.
ACTIVE_STATES = (
    RegistrationStatus.UNVERIFIED,
    RegistrationStatus.PENDING,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.CHECKED_IN,
)
SEAT_STATES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.CHECKED_IN,
)
# A badge only for a confirmed seat: a pending registration may still be declined, a waitlisted
# one has no seat (see conference/badges.py).
BADGE_STATES = (RegistrationStatus.CONFIRMED, RegistrationStatus.CHECKED_IN)


class Registration(models.Model):
    Status = RegistrationStatus

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.UNVERIFIED: frozenset({Status.PENDING, Status.WAITLISTED, Status.CANCELLED}),
        Status.PENDING: frozenset({Status.CONFIRMED, Status.DECLINED, Status.CANCELLED}),
        Status.CONFIRMED: frozenset({Status.CHECKED_IN, Status.CANCELLED}),
        Status.WAITLISTED: frozenset({Status.PENDING, Status.CANCELLED}),
        Status.DECLINED: frozenset(),
        Status.CANCELLED: frozenset(),
        Status.CHECKED_IN: frozenset(),
    }
    ACTIVE = ACTIVE_STATES
    HOLDS_SEAT = SEAT_STATES
    GETS_BADGE = BADGE_STATES
    # States in which the details may still be changed (by the delegate until the deadline).
    EDITABLE_STATES = frozenset(
        {Status.UNVERIFIED, Status.PENDING, Status.WAITLISTED, Status.CONFIRMED}
    )

    class OrganisationKind(models.TextChoices):
        DOIT = "doit", _("Provincial Department of Industry and Trade")
        PROVINCIAL_AGENCY = "provincial_agency", _("Other provincial agency")
        MINISTRY = "ministry", _("Ministry of Industry and Trade unit")
        ENTERPRISE = "enterprise", _("Enterprise")
        PRESS = "press", _("Press")
        GUEST = "guest", _("Guest")

    # Kinds that belong to a province's delegation: they must name a participating unit and count
    # against its quota. The others (Ministry units, enterprises, the press, guests) never name a
    # unit (a database constraint): they count only against the edition's capacity.
    KINDS_WITH_UNIT = frozenset({OrganisationKind.DOIT, OrganisationKind.PROVINCIAL_AGENCY})

    Salutation = User.Salutation

    edition = models.ForeignKey(
        "conference.Edition",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    unit = models.ForeignKey(
        "provinces.ProvincialUnit",
        verbose_name=_("province or city"),
        on_delete=models.PROTECT,
        related_name="registrations",
        null=True,
        blank=True,
        help_text=_("A unit taking part in the edition; its quota applies."),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    salutation = models.CharField(_("salutation"), max_length=3, choices=Salutation.choices)
    position = models.CharField(_("position"), max_length=200)
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=20, choices=OrganisationKind.choices
    )
    organisation_name = models.CharField(_("organisation"), max_length=300)
    # Empty only for a delegate entered by staff who has no address of their own (no email is
    # sent to them; their province's liaison and the organizers act for them).
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=MAX_STORED_LENGTH,
        help_text=_("Stored in international form, +84…, with “;ext=” and the extension if any"),
    )
    parts = models.ManyToManyField(
        ProgrammePart,
        verbose_name=_("parts of the programme attended"),
        related_name="registrations",
        blank=True,
    )
    accommodation_needs = models.TextField(_("accommodation"), blank=True, max_length=500)
    dietary_needs = models.TextField(_("diet"), blank=True, max_length=500)
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_version = models.CharField(
        _("version of the consent text"), max_length=20, default=CONSENT_VERSION
    )
    language = models.CharField(
        _("language for emails"), max_length=5, choices=settings.LANGUAGES, default="vi"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        editable=False,
    )
    waitlisted_at = models.DateTimeField(
        _("joined the waiting list"), null=True, blank=True, editable=False
    )
    badge_code = models.CharField(
        _("badge code"), max_length=16, unique=True, default=new_badge_code, editable=False
    )
    # Raised when an organizer corrects the email address: the links sent before stop working
    # (conference.signing).
    link_version = models.PositiveSmallIntegerField(
        _("version of the self-service link"), default=0, editable=False
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # Text: their length follows the source fields' (a 150-letter name makes a ~900-digit key).
    sort_key = models.TextField(editable=False, db_index=True, default="")
    search_text = models.TextField(editable=False, default="")
    # The badge would cut the name short (conference.badge_names): measured when it is saved, so
    # that the badge index lists these without measuring every name.
    badge_name_cut = models.BooleanField(
        _("name too long for the badge"), default=False, editable=False
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["sort_key", "id"]
        constraints = [
            max_length_check("registration", "accommodation_needs", 500),
            max_length_check("registration", "dietary_needs", 500),
            models.UniqueConstraint(
                Lower("email"),
                "edition",
                condition=models.Q(status__in=list(ACTIVE_STATES)) & ~models.Q(email=""),
                name="registration_one_active_per_email_per_edition",
                violation_error_message=_(
                    "This email address already has an active registration for this edition."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RegistrationStatus.values),
                name="registration_status_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=RegistrationStatus.CHECKED_IN)
                | models.Q(checked_in_at__isnull=False),
                name="registration_checked_in_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=RegistrationStatus.WAITLISTED)
                | models.Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False)
                | ~models.Q(organisation_kind__in=["doit", "provincial_agency"]),
                name="registration_provincial_kinds_have_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True)
                | models.Q(organisation_kind__in=["doit", "provincial_agency"]),
                name="registration_unit_only_for_provincial_kinds",
                violation_error_message=_(
                    "Only delegates of a provincial department or agency belong to a province's "
                    "delegation."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "status"], name="registration_edition_status"),
            models.Index(fields=["edition", "unit", "status"], name="registration_unit_status"),
            # The organizers' list: an edition's first page in name order without sorting it all.
            models.Index(fields=["edition", "sort_key", "id"], name="registration_edition_sorted"),
            # The admin's date hierarchy (and its "registered at" ordering).
            models.Index(fields=["created_at"], name="registration_created_at"),
            # A delegation's page (by_status_then_name) without sorting the unit's registrations.
            models.Index(
                models.F("edition"),
                models.F("unit"),
                *_status_then_name_order(),
                models.F("sort_key"),
                models.F("id"),
                name="registration_delegation_order",
            ),
            # The organizers' list filtered by province, in name order.
            models.Index(
                fields=["edition", "unit", "sort_key", "id"], name="registration_unit_sorted"
            ),
            # The badge index's names too long for the badge (conference.badges.cut_names).
            models.Index(
                fields=["edition", "sort_key"],
                condition=models.Q(badge_name_cut=True),
                name="registration_badge_name_cut",
            ),
            # The check-in desk's last five checked in, newest first, read without sorting the
            # edition's checked-in delegates (7 ms at 1,000 of 20,000).
            models.Index(
                fields=["edition", "-checked_in_at", "-id"],
                condition=models.Q(status=RegistrationStatus.CHECKED_IN),
                name="registration_checked_in_recent",
            ),
            # On PostgreSQL also a trigram index on search_text (migration 0018): see search().
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.email = normalize_email(self.email)
        self.refresh_search_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "sort_key",
                "search_text",
                "badge_name_cut",
            }
        super().save(*args, **kwargs)

    def refresh_search_fields(self) -> None:
        """The fields derived from the delegate's own: the sort key, the search text and whether
        the badge would cut the name short."""
        self.sort_key = person_sort_key(self.full_name)
        self.badge_name_cut = name_is_cut(self.full_name)
        self.search_text = " ".join(
            filter(
                None,
                [
                    fold(self.full_name),
                    fold(self.organisation_name),
                    fold(self.position),
                    self.email.lower(),
                    search_digits(self.phone),
                    self.badge_code.lower(),
                ],
            )
        )

    @property
    def badge_code_display(self) -> str:
        """The code as printed on the badge: "7K3M9-QXD2P"."""
        code = self.badge_code
        return "-".join(code[i : i + 5] for i in range(0, len(code), 5))

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)

    @property
    def holds_seat(self) -> bool:
        return self.status in self.HOLDS_SEAT

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def salutation_word(self) -> str:
        """ "ông" / "bà" in Vietnamese, "Mr" / "Ms" in English, for letters."""
        from django.utils.translation import pgettext

        if self.salutation == self.Salutation.MS:
            return pgettext("salutation in a letter", "Ms")
        return pgettext("salutation in a letter", "Mr")


def normalize_email(value: str) -> str:
    """One spelling per mailbox (``conference.text_input.normalize_email``: NFKC, IDNA domain,
    lower case): delegates type it in every case and script."""
    return _normalize_email(value)
