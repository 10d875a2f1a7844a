from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from conference.admin.accounts_text import TranslatedPermissionsMixin
from conference.admin.search import FoldedSearchMixin
from conference.models import User


@admin.register(User)
class UserAdmin(TranslatedPermissionsMixin, FoldedSearchMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "is_staff", "is_active"]
    search_fields = ["username", "email"]
    folded_search_fields = ("search_text",)
    # Plain multiple choices, as on the group form (the two-box picker fails the audit).
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "salutation", "email", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "password1", "password2"),
            },
        ),
    )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TranslatedPermissionsMixin, DjangoGroupAdmin):
    # A plain multiple choice: Django's two-box picker puts an aria-label on a bare span, which
    # the accessibility audit (axe, WCAG 2.1 AA) refuses.
    filter_horizontal = ()
