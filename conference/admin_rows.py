"""The changelist's rows built once per column, not once per cell: the same HTML as Django's
``items_for_result``, in a fraction of its time.

Django decides for every cell of every row how to show it (which field, its classes, the
"empty" text, whether it is the link) and, for the link, reverses the change URL and merges the
preserved filters into it (which resolves the URL again) on each row. On a list of 50 rows and
ten columns that was two fifths of the admin's registration list. Here those decisions are
taken once per column and the link is built once with a placeholder for the primary key; each
row is then one string. Lists this does not cover (editable lists, popups, columns Django
shows through a form) fall back to Django's own code, so they look exactly as before.

Use: ``QuickRowsMixin`` on a ModelAdmin (it sets ``change_list_template``), see
``templates/admin/quick_change_list.html`` and ``conference.templatetags.admin_rows``. Outside
the ``conference.admin`` package for the reason given in ``conference.admin_site``: the template
tag library imports it.
"""

from __future__ import annotations

import datetime
import html
from urllib.parse import quote as url_quote

from django import forms
from django.conf import settings
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    admin_list_filter,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.dateformat import format as date_format
from django.utils.dateformat import re_escaped, re_formatchars
from django.utils.dates import MONTHS
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape, escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

from conference.text_input import CleanInputMixin

try:  # Django keeps this exception next to _get_non_gfk_field
    from django.contrib.admin.utils import FieldIsAForeignKeyColumnName
except ImportError:  # pragma: no cover
    FieldIsAForeignKeyColumnName = FieldDoesNotExist

# What ``reverse`` leaves unquoted in a URL's arguments.
_SAFE = RFC3986_SUBDELIMS + "/~:@"
# A primary key that no quoting changes, replaced by each row's own.
_PK_MARK = "QUICKROWSPK"


def _escape(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper for plain strings (the rows are
    joined and marked safe once)."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


escape_text = _escape


# Django's date format letters (django.utils.dateformat) that need neither the time zone's name
# nor the week: the ones the site's formats use.
_DATE_PARTS = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
    "F": lambda v: str(MONTHS[v.month]),
}


# The same letters as str.format fields of the (local) datetime, where there is one.
_DATE_FIELDS = {
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "Y": "{0.year:04d}",
    "H": "{0.hour:02d}",
    "G": "{0.hour}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}


def _datetime_writer(format_name: str):
    """``formats.localize`` of a datetime (in the current time zone), with the format read and
    split once: the same text as ``dateformat.format``, which parses the format on every call."""
    fmt = str(formats.get_format(format_name))
    pieces = re_formatchars.split(fmt)
    parts = []  # (is a letter, the letter or the literal text)
    for index, piece in enumerate(pieces):
        if index % 2:
            if piece not in _DATE_PARTS:
                return lambda value: date_format(timezone.template_localtime(value), fmt)
            parts.append((True, piece))
        elif piece:
            parts.append((False, re_escaped.sub(r"\1", piece)))
    if all(piece in _DATE_FIELDS for letter, piece in parts if letter):
        # One str.format call a value: "{0.day:02d}/{0.month:02d}/{0.year:04d} ..."
        write_local = "".join(
            _DATE_FIELDS[piece] if letter else piece.replace("{", "{{").replace("}", "}}")
            for letter, piece in parts
        ).format
    else:
        writers = [_DATE_PARTS[piece] if letter else piece for letter, piece in parts]

        def write_local(value) -> str:
            return "".join(part if type(part) is str else part(value) for part in writers)

    # timezone.template_localtime, with the current time zone read once.
    zone = timezone.get_current_timezone() if settings.USE_TZ else None

    def write(value) -> str:
        if (
            zone is not None
            and isinstance(value, datetime.datetime)
            and value.utcoffset() is not None
            and getattr(value, "convert_to_local_time", True)
        ):
            value = value.astimezone(zone)
        return write_local(value)

    return write


class QuickRowsMixin:
    """A ModelAdmin whose changelist rows are built by ``quick_results``."""

    change_list_template = "admin/quick_change_list.html"


class _Column:
    """How one ``list_display`` entry is shown, decided once per page."""

    def __init__(self, cl, index: int, name, *, link: bool):
        self.name = name
        self.model_admin = cl.model_admin
        self.empty = self.default_empty = cl.model_admin.get_empty_value_display()
        self.classes = self.base_classes = f"field-{_coerce_field_name(name, index)}"
        self.link = link
        self.tag = "td"
        self.field = None
        self.getter = None  # a callable of the row, for display functions
        self.boolean = False
        self.choices = None
        self.relation = False
        self.shown = {}  # what a related object or a choice shows, by its key
        self.kind = None
        self.html = False
        if name == "action_checkbox":
            self.classes = "action-checkbox"  # Django's: the base class stays for errors
            writer = getattr(cl.model_admin, "action_checkbox_writer", None)
            if writer is not None:
                self.getter = writer()  # the same checkbox, its label translated once a page
                self.html = True  # what it writes is the cell
                return
        try:
            field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName, TypeError):
            field = None
        if field is not None and not field.auto_created:
            self.field = field
            self.relation = isinstance(field.remote_field, models.ManyToOneRel)
            if getattr(field, "flatchoices", None):
                try:
                    self.choices = dict(field.flatchoices)
                except TypeError:
                    self.choices = None
                    self.field = None  # list-like choices: Django's own way, per row
            if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)):
                self.classes += " nowrap"
            if self.choices is None and not self.relation:
                if isinstance(field, (models.CharField, models.TextField)) and not isinstance(
                    field, models.URLField
                ):
                    self.kind = "text"  # display_for_field: the text, or the empty value
                elif isinstance(field, models.DateTimeField):
                    self.kind = "datetime"
                    self.write_datetime = _datetime_writer("DATETIME_FORMAT")
            return
        if field is not None:  # an auto-created field (the id): shown as a plain value
            self.getter = lambda obj, attname=field.attname: getattr(obj, attname)
            return
        if callable(name):
            attr = name
            self.getter = name
        elif hasattr(cl.model_admin, name) and name != "__str__":
            attr = getattr(cl.model_admin, name)
            self.getter = attr
        else:
            attr = None  # a model attribute or property: Django's lookup, per row
        if attr is not None:
            self.empty = getattr(attr, "empty_value_display", self.empty)
            self.boolean = getattr(attr, "boolean", False)

    def cell(self, obj) -> tuple[str, str]:
        """(classes, HTML) of this column's cell for ``obj``."""
        if self.field is not None:
            field = self.field
            value = getattr(obj, field.attname)
            if self.relation:
                # A related object reads the same on every row that points to it.
                shown = self.shown.get(value)
                if shown is None:
                    try:
                        related = getattr(obj, field.name)
                    except ObjectDoesNotExist:
                        return self.base_classes, conditional_escape(self.default_empty)
                    shown = self.empty if related is None else conditional_escape(related)
                    self.shown[value] = shown
                return self.classes, shown
            if isinstance(value, str) and value.strip() == "":
                value = ""
            if self.kind == "text":
                return self.classes, (
                    self.empty if value is None or value == "" else _escape(value)
                )
            if self.kind == "datetime":
                return self.classes, (
                    self.empty if value is None else _escape(self.write_datetime(value))
                )
            if self.choices is not None:
                shown = self.shown.get(value)
                if shown is None:
                    shown = self.shown[value] = conditional_escape(
                        self.choices.get(value, self.empty)
                    )
                return self.classes, shown
            shown = display_for_field(value, field, self.empty, avoid_link=self.link)
            return self.classes, _escape(shown)
        classes = self.classes
        if self.getter is not None:
            try:
                value = self.getter(obj)
            except ObjectDoesNotExist:
                return self.base_classes, conditional_escape(self.default_empty)
            if self.html:
                return classes, value
            if type(value) is str and value.strip() and not self.boolean:
                return classes, html.escape(value)  # display_for_value: the text itself
            empty, boolean = self.empty, self.boolean
        else:
            try:
                field, attr, value = lookup_field(self.name, obj, self.model_admin)
            except ObjectDoesNotExist:
                return self.base_classes, conditional_escape(self.default_empty)
            if field is not None:  # cannot happen for a name that is not a field
                raise LookupError(self.name)
            empty = getattr(attr, "empty_value_display", self.empty)
            boolean = getattr(attr, "boolean", False)
            if isinstance(attr, property) and hasattr(attr, "fget"):
                boolean = getattr(attr.fget, "boolean", False)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if isinstance(value, (datetime.date, datetime.time)):
            classes += " nowrap"
        return classes, _escape(display_for_value(value, empty, boolean))


def _link_parts(cl) -> tuple[str, str] | None:
    """The change URL with the preserved filters, split around the primary key (None when the
    model has no change page)."""
    try:
        url = reverse(
            f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
            args=(_PK_MARK,),
            current_app=cl.model_admin.admin_site.name,
        )
    except NoReverseMatch:
        return None
    url = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)
    before, mark, after = escape(url).partition(_PK_MARK)
    if not mark:
        return None
    return before, after


def quick_results(cl) -> list:
    """The changelist's rows as Django's ``results(cl)`` gives them, each row one string."""
    if (
        cl.formset
        or cl.is_popup
        or cl.to_field
        or cl.list_display_links is None
        or not all(isinstance(name, str) or callable(name) for name in cl.list_display)
    ):
        return list(results(cl))
    # As Django: without list_display_links the first column is the link; otherwise each
    # column named there, the first of them a <th>.
    links = cl.list_display_links
    columns = []
    first = True
    for index, name in enumerate(cl.list_display):
        is_link = (first and not links) or name in links
        column = _Column(cl, index, name, link=is_link)
        if is_link:
            column.tag = "th" if first else "td"
            first = False
        columns.append(column)
    link = _link_parts(cl)
    pk_attname = cl.pk_attname
    rows = []
    for obj in cl.result_list:
        cells = []
        for column in columns:
            classes, shown = column.cell(obj)
            if column.link:
                if link is None:
                    inner = shown
                else:
                    pk = getattr(obj, pk_attname)
                    if type(pk) is int:
                        pk = str(pk)  # nothing to quote
                    else:
                        pk = escape(url_quote(str(quote(pk)), safe=_SAFE))
                    inner = f'<a href="{link[0]}{pk}{link[1]}">{shown}</a>'
                cells.append(f'<{column.tag} class="{classes}">{inner}</{column.tag}>')
            else:
                cells.append(f'<td class="{classes}">{shown}</td>')
        rows.append(ResultList(None, [mark_safe("".join(cells))]))
    return rows


def quick_result_list(cl) -> dict:
    """The context of Django's ``result_list`` tag, with the rows from ``quick_results`` and,
    when they are plain rows, the table's body written as Django's template writes it
    (``rows_html``, for ``admin/quick_change_list_results.html``)."""
    headers = list(result_headers(cl))
    rows = quick_results(cl)
    rows_html = None
    if rows and all(row.form is None and len(row) == 1 for row in rows):
        rows_html = mark_safe("".join(f"\n\n<tr>{row[0]}</tr>\n" for row in rows))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
        "rows_html": rows_html,
    }


def quick_list_filter(cl, spec) -> str:
    """Django's ``admin_list_filter`` (``admin/filter.html`` for each filter of the sidebar)
    written in Python: the same HTML, without a template render per filter and a variable
    lookup per choice. A filter with its own template goes through Django's tag."""
    if spec.template != "admin/filter.html":
        return admin_list_filter(cl, spec)
    title = _rendered(spec.title)
    by = gettext(" By %(filter_title)s ") % {"filter_title": title}
    items = []
    for choice in spec.choices(cl):
        selected = ' class="selected"' if choice["selected"] else ""
        query = iri_to_uri(choice["query_string"])  # |iriencode: escaped unless it was safe
        if not isinstance(choice["query_string"], SafeData):
            query = html.escape(query)
        items.append(
            f'\n    <li{selected}>\n    <a href="{query}">'
            f"{_rendered(choice['display'])}</a></li>\n  "
        )
    return mark_safe(
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {by}\n  </summary>\n'
        f"  <ul>\n  {''.join(items)}\n  </ul>\n</details>\n"
    )


def _rendered(value) -> str:
    """``{{ value }}`` (``render_value_in_context`` with autoescaping)."""
    if type(value) is str:
        return html.escape(value)
    value = formats.localize(timezone.template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _attrs(attrs) -> str:
    """Django's ``django/forms/widgets/attrs.html``."""
    return "".join(
        f" {_rendered(name)}" if value is True else f' {_rendered(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the text, escaped unless it was safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else html.escape(text)


class QuickSelect(forms.Select):
    """Django's ``Select`` written without a template per option (the admin's action menu on
    every list page): the same HTML as ``django/forms/widgets/select.html``."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.template_name != "django/forms/widgets/select.html" or (
            self.option_template_name != "django/forms/widgets/select_option.html"
        ):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{_rendered(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{_rendered(group_name)}">')
            for option in group_choices:
                out.append(
                    f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{_rendered(option['label'])}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))


class QuickActionForm(CleanInputMixin, ActionForm):
    """Django's admin action form with the action menu written by ``QuickSelect``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].widget = QuickSelect(choices=self.fields["action"].choices)
