"""Django's permission names and django-axes' texts in the reader's language.

Django stores a permission's name in English in the database ("Can view registration") and
django-axes ships no Vietnamese: the Vietnamese admin showed both in English. Permissions are
shown here from their code ("view_registration" → "Xem đăng ký"); axes' texts are in our
catalogue (the strings below are listed only so that ``makemessages`` keeps them).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Permission
from django.utils.translation import gettext, gettext_noop

ACTIONS = {
    "add": gettext_noop("Can add %(model)s"),
    "change": gettext_noop("Can change %(model)s"),
    "delete": gettext_noop("Can delete %(model)s"),
    "view": gettext_noop("Can view %(model)s"),
}

# django-axes' own strings (models, admin), translated in conference/locale.
AXES_STRINGS = [
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
]


def permission_label(permission: Permission) -> str:
    """ "Đăng ký | Xem đăng ký": the model's app and the action, in the reader's language."""
    model_class = permission.content_type.model_class()
    action, _sep, _model = permission.codename.partition("_")
    if model_class is None or action not in ACTIONS:
        return str(permission)
    meta = model_class._meta
    text = gettext(ACTIONS[action]) % {"model": meta.verbose_name}
    return f"{meta.app_config.verbose_name} | {text}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


class TranslatedPermissionsMixin:
    """For the user and group admins: their permission lists in the reader's language."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoiceField
            kwargs.setdefault("queryset", Permission.objects.select_related("content_type"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
