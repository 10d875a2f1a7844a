from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from conference.vietnamese import fold, given_name, person_sort_key


class User(AbstractUser):
    """An account: organizers, reviewers, province liaisons and staff. Delegates need none.

    Vietnamese names are kept in one field (family, middle and given name, in that order);
    Django's first_name/last_name stay empty.
    """

    class Salutation(models.TextChoices):
        MR = "ong", _("Mr (ông)")
        MS = "ba", _("Ms (bà)")

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    salutation = models.CharField(
        _("salutation"), max_length=3, choices=Salutation.choices, blank=True
    )
    language = models.CharField(
        _("language for emails"),
        max_length=5,
        choices=[("vi", _("Vietnamese")), ("en", _("English"))],
        default="vi",
    )
    # Text: their length follows the source fields' (a 150-letter name makes a ~900-digit key).
    sort_key = models.TextField(editable=False, db_index=True, default="")
    search_text = models.TextField(editable=False, default="")

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["sort_key", "username"]

    def save(self, *args, **kwargs) -> None:
        self.sort_key = person_sort_key(self.full_name or self.username)
        self.search_text = " ".join(
            filter(None, [fold(self.full_name), fold(self.username), (self.email or "").lower()])
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key", "search_text"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def get_short_name(self) -> str:
        return given_name(self.full_name) if self.full_name else self.username
