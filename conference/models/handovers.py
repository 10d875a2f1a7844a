"""The host-flag handover: at the close of an edition the Ministry hands the host flag of the next
edition to the Department of Industry and Trade of the next host. One record per handover; the
rules that span rows (the next ordinal, the date on the giving edition's dates, the receiver's unit
valid on that date) are checked by ``conference.services.editions.edition_hand_over_flag``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_MAX_PIXELS = 40_000_000


def validate_handover_photo(photo) -> None:
    """An image checked by its content (not its name), no larger than
    ``HANDOVER_PHOTO_MAX_BYTES``."""
    if not photo:
        return
    limit = settings.HANDOVER_PHOTO_MAX_BYTES
    if photo.size > limit:
        raise ValidationError(
            _("The photo is too large (%(size)s MB); at most %(limit)s MB."),
            code="photo_too_large",
            params={
                "size": f"{photo.size / 1_000_000:.1f}".replace(".", ","),
                "limit": f"{limit / 1_000_000:g}".replace(".", ","),
            },
        )
    from PIL import Image, UnidentifiedImageError

    position = photo.tell() if hasattr(photo, "tell") else 0
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The file is not a JPEG, PNG or WebP image."), code="photo_not_an_image"
        ) from None
    finally:
        photo.seek(position)
    if kind not in PHOTO_FORMATS or width * height > PHOTO_MAX_PIXELS:
        raise ValidationError(
            _("The file is not a JPEG, PNG or WebP image."), code="photo_not_an_image"
        )


class Handover(models.Model):
    """The host flag handed at the close of ``from_edition`` for ``to_edition``."""

    from_edition = models.OneToOneField(
        "conference.Edition",
        verbose_name=_("handed over at"),
        on_delete=models.PROTECT,
        related_name="handover_out",
        help_text=_("The edition at whose close the flag was handed over."),
    )
    to_edition = models.OneToOneField(
        "conference.Edition",
        verbose_name=_("flag of"),
        on_delete=models.PROTECT,
        related_name="handover_in",
        help_text=_("The edition the receiver is to host."),
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    handed_by_name = models.CharField(_("handed over by"), max_length=150, blank=True)
    handed_by_title = models.CharField(_("their title"), max_length=200, blank=True)
    receiving_department = models.ForeignKey(
        "provinces.Department",
        verbose_name=_("receiving department"),
        on_delete=models.PROTECT,
        related_name="flags_received",
    )
    received_by_name = models.CharField(_("received by"), max_length=150, blank=True)
    received_by_title = models.CharField(_("their title"), max_length=200, blank=True)
    documented = models.BooleanField(
        _("documented"),
        default=False,
        help_text=_("Ticked when a source states the handover; unticked: by tradition."),
    )
    source = models.TextField(_("source"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="handovers/",
        blank=True,
        validators=[validate_handover_photo],
    )
    is_current = models.BooleanField(
        _("current flag holder"),
        default=False,
        editable=False,
        help_text=_("The latest handover: its receiver holds the flag now."),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("host-flag handover")
        verbose_name_plural = _("host-flag handovers")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_edition=models.F("to_edition")),
                name="handover_between_two_editions",
                violation_error_message=_("An edition cannot hand the flag to itself."),
            ),
            models.CheckConstraint(
                condition=models.Q(documented=False) | ~models.Q(source=""),
                name="handover_documented_names_its_source",
                violation_error_message=_("A documented handover names its source."),
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="handover_one_current_flag_holder",
                violation_error_message=_("Only one department holds the flag at a time."),
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Flag of edition %(ordinal)s to %(department)s")
            % {"ordinal": self.to_edition.ordinal, "department": self.receiving_department}
        )

    @property
    def duty_passed_to(self):
        """The department that carries the duty today when the receiver's unit merged since
        (Hà Giang → Tuyên Quang), else None."""
        unit = self.receiving_department.unit
        successor = unit.successor
        if successor is None:
            return None
        return getattr(successor, "department", None)
