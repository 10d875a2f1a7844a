"""Better Vietnamese for a few of Django's own messages.

Our catalogue (LOCALE_PATHS) is consulted before Django's, so a message listed here with a
translation in conference/locale wins over Django's wording ("Nhập địa chỉ email.", "Bản ghi
nhớ", a stray space before a full stop). This module only names the messages for
``makemessages``; nothing calls it.
"""

from django.utils.translation import gettext_noop, ngettext


def _messages() -> None:  # pragma: no cover - read by makemessages, never run
    gettext_noop("Enter a valid email address.")
    ngettext(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        1,
    )
    gettext_noop("Successfully deleted %(count)d %(items)s.")
    gettext_noop("0 of %(cnt)s selected")
    gettext_noop("Add %(name)s")
    gettext_noop("History")
    gettext_noop("Show counts")
    gettext_noop("Hide counts")
    gettext_noop(" By %(filter_title)s ")
    gettext_noop("Skip to main content")
    gettext_noop("Model name")
    gettext_noop("Add link")
    gettext_noop("Change or view list link")
    gettext_noop("Toggle theme (current theme: auto)")
    gettext_noop("Toggle theme (current theme: light)")
    gettext_noop("Toggle theme (current theme: dark)")
    gettext_noop("Action:")
    gettext_noop("None available")
    # The units of the "timesince" filter (ages in the delivery log's notice): Django's
    # Vietnamese catalogue only has the older "%d minute" forms.
    ngettext("%(num)d year", "%(num)d years", 1)
    ngettext("%(num)d month", "%(num)d months", 1)
    ngettext("%(num)d week", "%(num)d weeks", 1)
    ngettext("%(num)d day", "%(num)d days", 1)
    ngettext("%(num)d hour", "%(num)d hours", 1)
    ngettext("%(num)d minute", "%(num)d minutes", 1)
