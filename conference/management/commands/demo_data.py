"""Load the demonstration data: an upcoming sample edition with registration open, and one sample
account per role. Idempotent (run it again and it refreshes the same rows), never run by
migrations; ``make run`` calls it before starting the development server."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.models import AgendaItem, Edition, EditionParticipant, User
from provinces.models import Department, DepartmentMember, ProvincialUnit

DEMO_NUMBER = 12
DEMO_HOST_CODE = "25"  # Phú Thọ (the unit valid today)
DEMO_LIAISON_UNIT_CODE = "01"  # Hà Nội
DEMO_VENUE = "Trung tâm Hội nghị (dữ liệu mẫu)"
DEMO_QUOTA = 15
DEMO_CAPACITY = 300
# Delegates entered by staff, without an email address of their own (README, "Staff entry").
DEMO_DELEGATE_OF_HANOI = {
    "unit_code": DEMO_LIAISON_UNIT_CODE,
    "full_name": "Phạm Văn Thành (dữ liệu mẫu)",
    "salutation": "ong",
    "position": "Chuyên viên Phòng Quản lý công nghiệp",
    "organisation_kind": "doit",
    "organisation_name": "Sở Công Thương Hà Nội",
    "email": "",
    "phone": "024 3825 1234 máy lẻ 12",
    "language": "vi",
}
DEMO_GUEST_FROM_ABROAD = {
    "unit_code": "",
    "full_name": "Claire Martin (sample data)",
    "salutation": "ba",
    "position": "Trade attaché",
    "organisation_kind": "guest",
    "organisation_name": "Embassy (sample data)",
    "email": "",
    "phone": "+33 1 23 45 67 89",
    "language": "en",
}
OUR_APPS = ("conference", "provinces", "proposals")

# order, starts, ends, kind, title (vi), title (en)
DEMO_AGENDA = [
    (1, "08:00", "08:30", "opening", "Đón tiếp đại biểu, khai mạc", "Welcome and opening"),
    (
        2,
        "08:30",
        "09:15",
        "report",
        "Báo cáo tình hình phát triển ngành Công Thương khu vực phía Bắc (dữ liệu mẫu)",
        "Report on the Industry and Trade sector of the northern region (sample)",
    ),
    (
        3,
        "09:15",
        "10:30",
        "paper",
        "Tham luận của các Sở Công Thương (dữ liệu mẫu)",
        "Papers of the Departments of Industry and Trade (sample)",
    ),
    (4, "10:45", "11:30", "discussion", "Thảo luận", "Discussion"),
    (
        5,
        "11:30",
        "11:45",
        "handover",
        "Trao cờ đăng cai Hội nghị lần tiếp theo",
        "Handover of the host flag of the next edition",
    ),
    (6, "11:45", "12:00", "closing", "Bế mạc", "Closing"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    full_name: str
    role: object  # a lazy translation
    can_do: object


ACCOUNTS = [
    DemoAccount(
        "admin",
        "admin-demo-2024",
        "Vũ Đức Thắng",
        gettext_lazy("superuser"),
        gettext_lazy("Everything, including the Django admin and accounts."),
    ),
    DemoAccount(
        "organizer",
        "organizer-demo-2024",
        "Trần Minh Quân",
        gettext_lazy("organizer"),
        gettext_lazy(
            "Manages every edition: registrations, proposals, the flag handover, and the admin "
            "for editions, quotas, liaisons and the email delivery log."
        ),
    ),
    DemoAccount(
        "reviewer",
        "reviewer-demo-2024",
        "Lê Thu Hà",
        gettext_lazy("reviewer"),
        gettext_lazy("Reads proposals and records reviews."),
    ),
    DemoAccount(
        "liaison",
        "liaison-demo-2024",
        "Phạm Ngọc Lan",
        gettext_lazy("province liaison"),
        gettext_lazy(
            "Works for Sở Công Thương Hà Nội: manages its delegation and submits its proposals."
        ),
    ),
    DemoAccount(
        "staff",
        "staff-demo-2024",
        "Đỗ Văn Hùng",
        gettext_lazy("staff"),
        gettext_lazy(
            "Uses the Django admin for the conference's data (accounts: read only; not the "
            "email delivery log); not a superuser."
        ),
    ),
]


def demo_email(username: str) -> str:
    return f"{username}@demo.example.com"


def _time(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


class Command(BaseCommand):
    help = (
        "Load the demonstration data: an upcoming sample edition (XII) with registration open "
        "and one sample account per role. Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            self._edition()
            accounts = self._accounts()
            self._staff_entered_delegates()
        # Other apps' sample data, by command name (the core imports no other app).
        for command in ("demo_proposals",):
            if command in get_commands():
                call_command(command, stdout=self.stdout)
        self._print_accounts(accounts)

    # The sample edition -------------------------------------------------------------------------

    def _edition(self) -> None:
        existing = Edition.objects.filter(number=DEMO_NUMBER).first()
        if existing is not None and not existing.is_demo:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Edition %(ordinal)s exists and is real data: the sample edition was not "
                        "created."
                    )
                    % {"ordinal": existing.ordinal}
                )
            )
            return

        today = timezone.localdate()
        now = timezone.now()
        date = today + datetime.timedelta(days=75)
        tz = timezone.get_current_timezone()

        def at_close_of_business(day: datetime.date) -> datetime.datetime:
            # 17:00, not midnight: a deadline at 00:00 reads as the wrong day.
            return datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=tz)

        host = ProvincialUnit.objects.current().get(code=DEMO_HOST_CODE)
        values = {
            "is_demo": True,
            "year": date.year,
            "date": date,
            "end_date": None,
            "host": host,
            "held_in": None,
            "venue": DEMO_VENUE,
            "organisers": (
                f"Cục Công Thương địa phương phối hợp với Sở Công Thương {host.name} (dữ liệu mẫu)."
            ),
            "organisers_en": (
                f"The Agency of Local Industry and Trade with the {host.name} Department of "
                "Industry and Trade (sample data)."
            ),
            "summary": "Hội nghị mẫu để thử đăng ký đại biểu và gửi kiến nghị.",
            "summary_en": "A sample edition to try delegate registration and proposals.",
            "planned_delegates": None,
            "registration_opens_at": now - datetime.timedelta(days=7),
            "registration_closes_at": at_close_of_business(date - datetime.timedelta(days=8)),
            "changes_until": at_close_of_business(date - datetime.timedelta(days=4)),
            "capacity": DEMO_CAPACITY,
            "contact_name": "Văn phòng Ban Tổ chức (dữ liệu mẫu)",
            "contact_email": "bantochuc@demo.example.com",
            "contact_phone": "0210 3846 000",
            "sources": "",
        }
        edition, created = Edition.objects.update_or_create(
            number=DEMO_NUMBER,
            defaults=values,
            # A new sample edition starts with registration open; an existing one keeps its
            # stage (changed only through conference.services.editions).
            create_defaults={**values, "lifecycle": Edition.Lifecycle.REGISTRATION_OPEN},
        )
        edition.full_clean()

        for order, starts, ends, kind, title, title_en in DEMO_AGENDA:
            AgendaItem.objects.update_or_create(
                edition=edition,
                order=order,
                defaults={
                    "starts_at": _time(starts),
                    "ends_at": _time(ends),
                    "kind": kind,
                    "title": title,
                    "title_en": title_en,
                },
            )
        edition.agenda_items.exclude(order__in=[item[0] for item in DEMO_AGENDA]).delete()

        for unit in ProvincialUnit.objects.current():
            EditionParticipant.objects.update_or_create(
                edition=edition, unit=unit, defaults={"quota": DEMO_QUOTA}
            )

        message = (
            _("Sample edition %(ordinal)s created: %(date)s in %(host)s, registration open.")
            if created
            else _("Sample edition %(ordinal)s refreshed: %(date)s in %(host)s, registration open.")
        )
        self.stdout.write(
            self.style.SUCCESS(
                message
                % {
                    "ordinal": edition.ordinal,
                    "date": date.strftime("%d/%m/%Y"),
                    "host": host.name,
                }
            )
        )

    # Delegates entered by staff ----------------------------------------------------------------

    def _staff_entered_delegates(self) -> None:
        """Two delegates entered by staff (see README, "Staff entry"), without an email address
        of their own: one of Hà Nội by its liaison, a guest from abroad by the organizers. Added
        once (found again by name), through the service every staff entry goes through."""
        from conference.services.registrations import registration_create_by_staff

        edition = Edition.objects.filter(number=DEMO_NUMBER, is_demo=True).first()
        liaison = User.objects.filter(username="liaison", email=demo_email("liaison")).first()
        organizer = User.objects.filter(username="organizer", email=demo_email("organizer")).first()
        if edition is None or liaison is None or organizer is None:
            return
        for actor, data in (
            (liaison, DEMO_DELEGATE_OF_HANOI),
            (organizer, DEMO_GUEST_FROM_ABROAD),
        ):
            if edition.registrations.filter(full_name=data["full_name"]).exists():
                continue
            unit = data.get("unit_code") and ProvincialUnit.objects.current().get(
                code=data["unit_code"]
            )
            registration_create_by_staff(
                edition=edition,
                actor=actor,
                data={
                    **{key: value for key, value in data.items() if key != "unit_code"},
                    "unit": unit or None,
                },
            )

    # The sample accounts ------------------------------------------------------------------------

    def _accounts(self) -> list[DemoAccount]:
        ready = []
        for account in ACCOUNTS:
            user = User.objects.filter(username=account.username).first()
            if user is not None and user.email != demo_email(account.username):
                self.stdout.write(
                    self.style.WARNING(
                        _(
                            "The account %(username)s exists and is not a sample account: "
                            "left as it is."
                        )
                        % {"username": account.username}
                    )
                )
                continue
            user = user or User(username=account.username)
            user.email = demo_email(account.username)
            user.full_name = account.full_name
            user.is_active = True
            # Organizers work in the admin too (their group's permissions: see permissions.py).
            user.is_staff = account.username in ("admin", "organizer", "staff")
            user.is_superuser = account.username == "admin"
            user.set_password(account.password)
            user.save()
            getattr(self, f"_role_{account.username}")(user)
            ready.append(account)
        return ready

    def _role_admin(self, user: User) -> None:
        pass

    def _role_organizer(self, user: User) -> None:
        user.groups.add(Group.objects.get(name="organizer"))

    def _role_reviewer(self, user: User) -> None:
        user.groups.add(Group.objects.get(name="reviewer"))

    def _role_liaison(self, user: User) -> None:
        department = Department.objects.get(
            unit=ProvincialUnit.objects.current().get(code=DEMO_LIAISON_UNIT_CODE)
        )
        DepartmentMember.objects.update_or_create(
            user=user,
            defaults={
                "department": department,
                "position": "Chuyên viên (dữ liệu mẫu)",
                "is_liaison": True,
            },
        )

    def _role_staff(self, user: User) -> None:
        # Every admin permission of our apps, except changing accounts (whoever may change a user
        # may make it a superuser) and the email delivery log (the stored emails hold personal
        # data and the delegates' working links: organizers only, or whoever is given it).
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=OUR_APPS).exclude(
                codename__in=[
                    "add_user",
                    "change_user",
                    "delete_user",
                    "view_notification",
                    "add_notification",
                    "change_notification",
                    "delete_notification",
                ]
            )
        )

    def _print_accounts(self, accounts: list[DemoAccount]) -> None:
        if not accounts:
            return
        headers = [_("Username"), _("Password"), _("Role"), _("What they can do")]
        rows = [[a.username, a.password, str(a.role), str(a.can_do)] for a in accounts]
        widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(3)]

        def line(row: list[str]) -> str:
            cells = [str(cell).ljust(widths[i]) for i, cell in enumerate(row[:3])]
            return "  ".join([*cells, row[3]])

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Sample accounts (demo data only):")))
        self.stdout.write(self.style.MIGRATE_LABEL(line(headers)))
        self.stdout.write("  ".join("-" * w for w in widths) + "  " + "-" * len(headers[3]))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write(_("Log in at %(url)s") % {"url": settings.SITE_URL + reverse("login")})
        self.stdout.write("")
