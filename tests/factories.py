"""factory_boy factories and the form data the tests share (fixtures are in the conftest.py
nearest to the tests that use them)."""

import datetime

import factory
from django.contrib.auth.models import Group

from conference.models import (
    AgendaItem,
    Chair,
    Edition,
    EditionParticipant,
    Handover,
    ProgrammePart,
    Registration,
    User,
)
from provinces.models import Department, DepartmentMember, ProvincialUnit

# Every user the factories make has this password (the browser tests log in with it).
PASSWORD = "mat-khau-an-toan-2024"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = "Nguyễn Văn An"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))


def current_unit(code: str) -> ProvincialUnit:
    """A unit valid today, from the data migration (every test database has them)."""
    return ProvincialUnit.objects.current().get(code=code)


def unit_before_2025(code: str) -> ProvincialUnit:
    return ProvincialUnit.objects.get(code=code, valid_until=datetime.date(2025, 6, 30))


class LiaisonFactory(UserFactory):
    @factory.post_generation
    def department(self, create, extracted, **kwargs):
        department = extracted or Department.objects.get(unit=current_unit("01"))
        DepartmentMember.objects.create(user=self, department=department)


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    number = factory.Sequence(lambda n: 20 + n)
    year = factory.LazyAttribute(lambda o: 2006 + o.number)
    date = factory.LazyAttribute(lambda o: datetime.date(o.year, 10, 15))
    host = factory.LazyFunction(lambda: current_unit("25"))
    venue = "Trung tâm Hội nghị tỉnh"
    is_demo = False


class EditionParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EditionParticipant

    edition = factory.SubFactory(EditionFactory)
    unit = factory.LazyFunction(lambda: current_unit("01"))


class ChairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chair

    edition = factory.SubFactory(EditionFactory)
    order = factory.Sequence(lambda n: n)
    full_name = "Trần Văn Bình"
    position = "deputy_minister"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    edition = factory.SubFactory(EditionFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = AgendaItem.Kind.PAPER
    title = factory.Sequence(lambda n: f"Tham luận số {n}")


class ProgrammePartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammePart

    edition = factory.SubFactory(EditionFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Phiên {n}")


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A pending registration of a Hà Nội department delegate (the unit takes part)."""

    class Meta:
        model = Registration
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    unit = factory.LazyFunction(lambda: current_unit("01"))
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Đại Biểu {n}")
    salutation = Registration.Salutation.MR
    position = "Phó Giám đốc Sở"
    organisation_kind = Registration.OrganisationKind.DOIT
    organisation_name = "Sở Công Thương Hà Nội"
    email = factory.Sequence(lambda n: f"daibieu{n}@example.vn")
    phone = "+84912345678"
    consent_given_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    status = Registration.Status.PENDING
    waitlisted_at = factory.LazyAttribute(
        lambda o: o.consent_given_at if o.status == Registration.Status.WAITLISTED else None
    )
    checked_in_at = factory.LazyAttribute(
        lambda o: o.consent_given_at if o.status == Registration.Status.CHECKED_IN else None
    )

    @factory.post_generation
    def participant(self, create, extracted, **kwargs):
        """Make the unit a participant of the edition (quota via ``participant__quota``)."""
        if create and self.unit_id:
            EditionParticipant.objects.get_or_create(
                edition=self.edition, unit=self.unit, defaults={"quota": kwargs.get("quota")}
            )


# --- Form data -----------------------------------------------------------------------------------


def delegate_data(**overrides):
    data = {
        "unit": current_unit("01"),
        "full_name": "Nguyễn Thị Hiền",
        "salutation": "ba",
        "position": "Phó Giám đốc",
        "organisation_kind": "doit",
        "organisation_name": "Sở Công Thương Hà Nội",
        "email": "hien@example.vn",
        "phone": "0912 345 678",
        "accommodation_needs": "",
        "dietary_needs": "Ăn chay",
        "language": "vi",
    }
    data.update(overrides)
    return data


def form_post(**overrides):
    """The public registration form's POST data for ``delegate_data(**overrides)``."""
    data = delegate_data(**overrides)
    data["unit"] = data["unit"].pk if data["unit"] else ""
    data.pop("language")
    data["consent"] = "on"
    return {key: value for key, value in data.items() if value is not None}


# --- proposals ----------------------------------------------------------------------------------


def policy_area(code: str = "energy"):
    """A policy area from the data migration."""
    from proposals.models import PolicyArea

    return PolicyArea.objects.get(code=code)


def department(code: str = "01") -> Department:
    return Department.objects.get(unit=current_unit(code))


class ReviewerFactory(UserFactory):
    """A reviewer; ``department`` makes them a member (not a liaison) of a province's
    department, so that they may not review that province's proposals."""

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in ["reviewer", *(extracted or [])]:
            self.groups.add(Group.objects.get(name=name))

    @factory.post_generation
    def department(self, create, extracted, **kwargs):
        if extracted is not None:
            DepartmentMember.objects.create(user=self, department=extracted, is_liaison=False)


class ProposalWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.ProposalWindow"

    edition = factory.SubFactory(EditionFactory)
    opens_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=10)
    )
    closes_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10)
    )


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft of Sở Công Thương Hà Nội. Other states: pass ``state`` (and ``submitted_at`` is
    set for every state but draft)."""

    class Meta:
        model = "proposals.Proposal"

    edition = factory.SubFactory(EditionFactory)
    department = factory.LazyFunction(lambda: department("01"))
    unit = factory.LazyAttribute(lambda o: o.department.unit)
    kind = "proposal"
    title = factory.Sequence(lambda n: f"Kiến nghị về điện mặt trời mái nhà số {n}")
    area = factory.LazyFunction(lambda: policy_area("energy"))
    summary = "Đề nghị Bộ Công Thương sớm ban hành cơ chế, chính sách."
    legal_references = "Nghị định 135/2024/NĐ-CP"
    presenter_name = "Nguyễn Thị Hiền"
    presenter_title = "Giám đốc Sở"
    state = "draft"
    submitted_at = factory.LazyAttribute(
        lambda o: (
            None
            if o.state == "draft"
            else datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
        )
    )


class ReviewerAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.ReviewerAssignment"

    proposal = factory.SubFactory(ProposalFactory, state="in_review")
    reviewer = factory.SubFactory(ReviewerFactory)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Review"

    proposal = factory.SubFactory(ProposalFactory, state="in_review")
    reviewer = factory.SubFactory(ReviewerFactory)
    score = 4
    recommendation = "accept"
    comments = "Đề xuất thiết thực."


class HandoverFactory(factory.django.DjangoModelFactory):
    """A handover record as the service leaves it (made directly: the rules are the service's)."""

    class Meta:
        model = Handover

    from_edition = factory.SubFactory(EditionFactory)
    to_edition = factory.SubFactory(
        EditionFactory,
        number=factory.LazyAttribute(lambda o: o.factory_parent.from_edition.number + 1),
    )
    date = factory.LazyAttribute(lambda o: o.from_edition.date)
    place = "Trung tâm Hội nghị tỉnh"
    receiving_department = factory.LazyFunction(
        lambda: Department.objects.get(unit=current_unit("25"))
    )
