"""Registrations in the admin: filters, accent-insensitive search, the audit trail, and actions
that call the same services as the liaison's and organizers' pages."""

from __future__ import annotations

import functools
import hashlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import (
    ALL_VAR,
    IS_FACETS_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    ChangeList,
)
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from conference import dates, seat_counts
from conference.admin_rows import QuickActionForm, QuickRowsMixin, escape_text
from conference.forms.registrations import validation_error_to_form
from conference.models import AuditEntry, Edition, ProgrammePart, Registration
from conference.services import registrations as services
from conference.services.editions import edition_fill_free_seats
from conference.text_input import CleanInputMixin
from conference.vietnamese import fold, sort_key
from provinces.models import ProvincialUnit


def _status_label(code: str) -> str:
    """A registration status as people read it ("Đã xác nhận"), the code if it is none."""
    try:
        return str(Registration.Status(code).label)
    except ValueError:
        return code or "—"


class AuditInline(GenericTabularInline):
    model = AuditEntry
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    fields = ["created_at", "actor_display", "action", "from_display", "to_display", "reason"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("history")

    @admin.display(description=_("who"))
    def actor_display(self, obj):
        return obj.actor_display

    @admin.display(description=_("from"))
    def from_display(self, obj):
        return _status_label(obj.from_state)

    @admin.display(description=_("to"))
    def to_display(self, obj):
        return _status_label(obj.to_state)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProgrammePart)
class ProgrammePartAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "order", "starts_at"]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    search_fields = ["title", "title_en"]


class RegistrationAdminForm(CleanInputMixin, forms.ModelForm):
    """The admin's change form: the service's checks run in ``clean``, so a refusal (a cancelled
    registration, a bad phone number) shows as a form error and nothing is saved or logged."""

    actor = None  # set per request by RegistrationAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and not self.errors:
            try:
                services.registration_check_update(
                    registration=self.instance, data=cleaned, actor=self.actor
                )
            except ValidationError as error:
                validation_error_to_form(self, error)
        return cleaned


class ReasonForm(CleanInputMixin, forms.Form):
    """Why an organizer declines, cancels or erases registrations in the admin: kept in the
    audit log with who did it (and, for a decline or a cancellation, emailed to the delegate)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept in the history of each registration, with your name."),
    )


def _service_action(
    name: str, description, service, done_message, *, permission: str, ask_reason: bool = False
):
    """An admin action that runs ``service`` (a bulk service of
    ``conference.services.registrations``: each row in its own transaction) over the selection
    and reports what was done and what was refused.

    ``permission`` is the model permission the action needs (Django offers the action only to
    accounts that have it). With ``ask_reason`` a page first asks why, and the reason goes to the
    service and so to the audit log."""

    def action(modeladmin, request, queryset):
        kwargs = {}
        if ask_reason:
            form = ReasonForm(request.POST if "apply" in request.POST else None)
            if not form.is_valid():
                return TemplateResponse(
                    request,
                    "admin/conference/registration/action_reason.html",
                    {
                        **modeladmin.admin_site.each_context(request),
                        "opts": modeladmin.model._meta,
                        "title": description,
                        "action_name": name,
                        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                        "queryset": queryset,
                        "form": form,
                    },
                )
            kwargs["reason"] = form.cleaned_data["reason"]
        done, errors = service(registrations=list(queryset), actor=request.user, **kwargs)
        if done:
            modeladmin.message_user(request, done_message(done), messages.SUCCESS)
        for error in errors:
            modeladmin.message_user(request, error, messages.ERROR)
        return None

    action.__name__ = name
    return admin.action(description=description, permissions=[permission])(action)


def unit_filter_label(unit: ProvincialUnit) -> str:
    """A unit's name, with the last day of its period when it has ended: the units before and
    after 1/7/2025 often share a name ("Hà Nội (until 30/06/2025)" and "Hà Nội")."""
    if unit.valid_until is None:
        return unit.name
    return gettext("%(name)s (until %(date)s)") % {
        "name": unit.name,
        "date": dates.short_date(unit.valid_until),
    }


@functools.lru_cache(maxsize=1024)
def _label_key(label: str) -> str:
    """``sort_key`` of a unit's label, kept: the filter sorts the same few dozen on every page."""
    return sort_key(label)


class _ListData:
    """What the registration list's filters, its number of rows and its rows share within one
    request: the editions (read once, for the edition filter), their cached seat counts
    (``conference.seat_counts``: which units have registrations, how many rows a filter by
    edition, state and unit leaves) and the units of the unit filter (for the rows' unit column).
    Without the seat counts' cache the filters ask the database as Django would."""

    def __init__(self):
        self.editions: dict[int, Edition] | None = None
        self.units: dict[int, ProvincialUnit] = {}
        self._versions = self._counts = None

    @classmethod
    def of(cls, request) -> _ListData:
        data = getattr(request, "_registration_list", None)
        if data is None:
            data = request._registration_list = cls()
        return data

    def versions(self) -> dict[int, int] | None:
        """The seat counts' version of each edition, read in one round trip (None when one of
        them has none yet, or the cache cannot be reached)."""
        if self._versions is None and self.editions:
            self._versions = seat_counts.versions(self.editions)
        return self._versions

    def kept(self, what: str, editions, compute):
        """``compute()``, kept under the seat counts' versions of ``editions`` (forgotten when
        a registration of one of them changes, as the seat counts are)."""
        versions = self.versions()
        if versions is None:
            return compute()
        key = repr((what, sorted((pk, versions[pk]) for pk in editions)))
        key = "admin-registrations:" + hashlib.sha256(key.encode()).hexdigest()[:32]
        return seat_counts.kept(key, compute)

    def counts(self) -> dict[int, dict] | None:
        """Each edition's ``{unit_id: {status: n}}``, or None when they are not cached (or the
        editions were not read): one round trip to the cache when nothing changed."""
        if self.editions is None or seat_counts.lifetime() <= 0:
            return None
        if self._counts is None:
            self._counts = self.kept(
                "counts",
                self.editions,
                lambda: {pk: seat_counts.edition_counts(pk) for pk in self.editions},
            )
        return self._counts


class EditionFilter(admin.RelatedFieldListFilter):
    """Django's filter by edition, keeping the editions it reads for the rest of the page."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        # What the filter and the rows' edition column show (``__str__``: its number and year).
        editions = Edition.objects.only("pk", "number", "year")
        if ordering:
            editions = editions.order_by(*ordering)
        data = _ListData.of(request)
        data.editions = {edition.pk: edition for edition in editions}
        return [(pk, str(edition)) for pk, edition in data.editions.items()]


class UnitFilter(admin.SimpleListFilter):
    """The units that have registrations, told apart by their period, in Vietnamese order."""

    title = _("provincial unit")
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        data = _ListData.of(request)
        counts = data.counts()
        if counts is None:
            registered = Registration.objects.order_by().values("unit_id")
        else:  # the units in the cached seat counts: no pass over every registration
            registered = sorted({pk for by_unit in counts.values() for pk in by_unit if pk})
        units = list(ProvincialUnit.objects.filter(pk__in=registered))
        data.units = {unit.pk: unit for unit in units}
        labelled = [(unit, unit_filter_label(unit)) for unit in units]
        labelled.sort(key=lambda item: (_label_key(item[1]), item[0].pk))
        return [(str(unit.pk), label) for unit, label in labelled]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not (value.isascii() and value.isdigit()):
            # Not a unit's key (?unit=abc): the list's usual answer to a bad filter (?e=1).
            raise IncorrectLookupParameters(f"unit={value!r}")
        return queryset.filter(unit_id=value)


# What in the list's query string does not change its number of rows; the filters whose
# number of rows the seat counts give.
_PAGE_PARAMS = {ALL_VAR, ORDER_VAR, PAGE_VAR, IS_FACETS_VAR, SEARCH_VAR}
_SEAT_COUNT_FILTERS = {"edition__id__exact", "status__exact", "unit"}


class RegistrationChangeList(ChangeList):
    """Django's changelist, with its number of rows kept with the seat counts and its rows'
    editions and units taken from what the filters read (no join).

    The number of rows: unsearched and filtered only by edition, state and unit, it is added up
    from the cached seat counts (a COUNT over 120,000 rows took 10 ms); otherwise (a search,
    the other filters) it is counted once and kept under the seat counts' versions of the
    editions concerned, so the same list again (its next page, back from a registration) does
    not count again (the COUNT for "nguyen" is 40-50 ms). Both are forgotten with the editions'
    seat counts, on every change of one of their registrations (``conference.seat_counts``)."""

    def get_results(self, request):
        request._registration_list_count = self._known_count(request)
        super().get_results(request)
        data = _ListData.of(request)
        if data.editions is None:
            return
        rows = self.result_list
        if isinstance(rows, QuerySet):
            rows = rows.only(*self.model_admin.list_columns)
        rows = list(rows)
        edition_field = Registration._meta.get_field("edition")
        unit_field = Registration._meta.get_field("unit")
        for row in rows:
            edition = data.editions.get(row.edition_id)
            if edition is not None:
                edition_field.set_cached_value(row, edition)
            if row.unit_id is None:
                unit_field.set_cached_value(row, None)
            elif (unit := data.units.get(row.unit_id)) is not None:
                unit_field.set_cached_value(row, unit)
        self.result_list = rows

    def _known_count(self, request) -> int | None:
        counts = _ListData.of(request).counts()
        if counts is None:
            return None
        params = request.GET
        filters = sorted(
            (name, value)
            for name in params
            if name not in _PAGE_PARAMS
            for value in params.getlist(name)
        )
        chosen = dict(filters)
        if len(chosen) != len(filters):  # a filter given twice: Django counts
            return None
        edition_id = chosen.get("edition__id__exact")
        if edition_id is not None:
            if not edition_id.isascii() or not edition_id.isdigit():
                return None
            counts = {pk: n for pk, n in counts.items() if pk == int(edition_id)}
        if not self.query.strip() and set(chosen) <= _SEAT_COUNT_FILTERS:
            unit_id = chosen.get("unit")
            if unit_id is not None and (not unit_id.isascii() or not unit_id.isdigit()):
                return None
            statuses = {chosen["status__exact"]} if "status__exact" in chosen else None
            units = {int(unit_id)} if unit_id is not None else None
            return sum(seat_counts.total(by_unit, statuses, units) for by_unit in counts.values())
        return self._count_kept(request, filters, counts)

    def _count_kept(self, request, filters, counts) -> int | None:
        """The rows of the list's filters and search, counted once and kept under the seat
        counts' versions of the editions they can be in."""
        if self.queryset.query.distinct or self.queryset.query.is_sliced:
            return None
        return _ListData.of(request).kept(
            ("count", filters, self.query), list(counts), self.queryset.count
        )


@admin.register(Registration)
class RegistrationAdmin(QuickRowsMixin, admin.ModelAdmin):
    # The changelist counts its rows once (the filtered count), not also the whole table.
    show_full_result_count = False
    list_display = [
        "full_name",
        "organisation_name",
        "unit",
        "edition",
        "status",
        "email",
        "phone_display",
        "created_at",
    ]
    # A date filter (no query) rather than a date hierarchy: the hierarchy ran a MIN/MAX and a
    # DISTINCT over every matching row's day on each page (130 ms on 20,000 searched rows).
    list_filter = [
        ("edition", EditionFilter),
        "status",
        "organisation_kind",
        UnitFilter,
        "created_at",
    ]
    # The rows' editions and units come from the filters (RegistrationChangeList), and only the
    # columns the list shows are read (not the search text, needs, consent...).
    list_select_related = ()
    list_columns = [
        "pk",
        "edition_id",
        "unit_id",
        "full_name",
        "organisation_name",
        "status",
        "email",
        "phone",
        "created_at",
    ]
    list_per_page = 50
    search_fields = ["search_text"]  # see get_search_results
    ordering = ["sort_key", "id"]
    form = RegistrationAdminForm
    action_form = QuickActionForm  # Django's, its menu written without a template per option
    actions = [
        _service_action(
            "confirm",
            _("Confirm the selected registrations"),
            services.registrations_confirm,
            lambda n: (
                ngettext("%(n)s registration confirmed.", "%(n)s registrations confirmed.", n)
                % {"n": n}
            ),
            permission="change",
        ),
        _service_action(
            "decline",
            _("Decline the selected registrations"),
            services.registrations_decline,
            lambda n: (
                ngettext("%(n)s registration declined.", "%(n)s registrations declined.", n)
                % {"n": n}
            ),
            permission="change",
            ask_reason=True,
        ),
        _service_action(
            "cancel",
            _("Cancel the selected registrations"),
            services.registrations_cancel,
            lambda n: (
                ngettext("%(n)s registration cancelled.", "%(n)s registrations cancelled.", n)
                % {"n": n}
            ),
            permission="change",
            ask_reason=True,
        ),
        _service_action(
            "check_in",
            _("Check in the selected delegates"),
            services.registrations_check_in,
            lambda n: (
                ngettext("%(n)s delegate checked in.", "%(n)s delegates checked in.", n) % {"n": n}
            ),
            permission="change",
        ),
        _service_action(
            "erase",
            _("Erase the selected registrations and their personal data"),
            services.registrations_erase,
            lambda n: (
                ngettext("%(n)s registration erased.", "%(n)s registrations erased.", n) % {"n": n}
            ),
            permission="delete",
            ask_reason=True,
        ),
        "fill_from_waitlist",
    ]
    inlines = [AuditInline]
    fields = [
        "edition",
        "unit",
        "status",
        "salutation",
        "full_name",
        "position",
        "organisation_kind",
        "organisation_name",
        "email",
        "phone",
        "parts",
        "accommodation_needs",
        "dietary_needs",
        "language",
        "badge_code",
        "consent_given_at",
        "consent_version",
        "waitlisted_at",
        "checked_in_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [
        "edition",
        "unit",
        "status",
        "organisation_kind",
        "email",
        "parts",
        "badge_code",
        "consent_given_at",
        "consent_version",
        "waitlisted_at",
        "checked_in_at",
        "created_at",
        "updated_at",
    ]

    @admin.display(description=_("phone"))
    def phone_display(self, obj):
        return obj.phone_display

    def action_checkbox(self, obj):
        """Django's checkbox without a widget template per row (a quarter of the page's time):
        the same HTML."""
        return self.action_checkbox_writer()(obj)

    def action_checkbox_writer(self):
        """``action_checkbox`` with its label translated once (the list's rows call it once a
        page: ``conference.admin_rows``)."""
        # format_html(label, str(obj)) inside format_html(..., name, pk, that): the label is
        # not escaped, the object's text and the key are.
        label = gettext("Select this object for an action - {}")
        start = f'<input type="checkbox" name="{escape_text(helpers.ACTION_CHECKBOX_NAME)}" value="'

        def write(obj):
            return SafeString(
                f'{start}{escape_text(str(obj.pk))}" class="action-select" aria-label="'
                f'{label.format(escape_text(str(obj)))}">'
            )

        return write

    def get_changelist(self, request, **kwargs):
        return RegistrationChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        count = getattr(request, "_registration_list_count", None)
        if count is not None:
            paginator.count = count  # Paginator.count is a cached property: known already
        return paginator

    def get_search_results(self, request, queryset, search_term):
        """Only the folded search column (``search_text``: name, organisation, position, email,
        phone digits and badge code, accent-free and in lower case), which the trigram index
        answers: every word must occur in it (``FoldedSearchMixin``), or the registrations' own
        search finds it (a badge code as printed, "7K3M9-QXD2P"; a phone written in groups,
        "0912 345 678"). Django's own search over ``search_fields`` (email and badge code, which
        the column holds too) is not added: its ``UPPER(email) LIKE`` made every search read the
        whole table (112 ms for "nguyen" on 20,000 rows). ``search_fields`` stays set so that the
        page shows its search box."""
        words = fold(search_term).split()
        if not words:
            return queryset, False
        folded = Q()
        for word in words:
            folded &= Q(search_text__contains=word)
        return queryset.filter(folded) | queryset.search(search_term), False

    def has_add_permission(self, request):
        # Registrations come through the public form (and its rules); staff register someone
        # by filling it in for them.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_actions(self, request):
        # Deleting goes through the erasure service (the "erase" action, or the delete page).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        """Changes go through the same service as the delegate's own (organizers: no deadline);
        the form's ``clean`` already ran its checks."""
        services.registration_update(
            registration=obj,
            data={key: form.cleaned_data[key] for key in services.EDITABLE_FIELDS
                  if key in form.cleaned_data},
            actor=request.user,
        )  # fmt: skip

    delete_confirmation_template = "admin/conference/registration/delete_confirmation.html"

    def delete_view(self, request, object_id, extra_context=None):
        """The delete page asks why (like the "Erase" action); without a reason nothing is
        erased and the page is shown again with the error."""
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and not form.is_valid():
            request.POST = QueryDict()  # Django's page then shows itself again, with the error
        context = {"reason_form": form, **(extra_context or {})}
        return super().delete_view(request, object_id, context)

    def delete_model(self, request, obj):
        """The delete page erases through the service: the seat goes to the waiting list, the
        emails about the registration are deleted and the audit log says who and why."""
        services.registration_erase(
            registration=obj, actor=request.user, reason=request.POST.get("reason", "").strip()
        )

    def delete_queryset(self, request, queryset):
        for registration in queryset:
            self.delete_model(request, registration)

    @admin.action(
        description=_(
            "Fill the free seats of the selected registrations' editions from the waiting list"
        ),
        permissions=["change"],
    )
    def fill_from_waitlist(self, request, queryset):
        editions = Edition.objects.filter(pk__in=queryset.values("edition_id").distinct()).order_by(
            "number"
        )
        for edition in editions:
            promoted = edition_fill_free_seats(edition=edition, actor=request.user)
            self.message_user(
                request,
                _("%(edition)s: moved from the waiting list: %(count)s.")
                % {"edition": edition, "count": len(promoted)},
                messages.SUCCESS,
            )
