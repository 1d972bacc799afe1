"""factory_boy factories for the master data; each builds a valid row with its parents."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

from schools import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("secret-pass-123")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.District

    code = factory.Sequence(lambda n: f"district-{n}")
    name = factory.Sequence(lambda n: f"District {n}")
    days = ["mon", "tue", "thu"]
    slot_minutes = 15


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Category

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Skill

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"skill{n}")
    name = factory.Sequence(lambda n: f"Skill {n}")


class RoomKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RoomKind

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"kind{n}")
    name = factory.Sequence(lambda n: f"Kind {n}")


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Family

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"F{n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Site

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Basisschool De Regenboog {n}")
    kind = models.Site.Kind.SCHOOL
    address = "Dordtselaan 1"
    postcode = "3073 AA"
    city = "Rotterdam"


class VenueFactory(SiteFactory):
    code = factory.Sequence(lambda n: f"V{n}")
    name = factory.Sequence(lambda n: f"Sporthal Zuid {n}")
    kind = models.Site.Kind.VENUE


class SiteWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SiteWindow

    site = factory.SubFactory(SiteFactory)
    weekday = models.Weekday.MON
    start = datetime.time(15, 0)
    end = datetime.time(17, 0)


class TravelTimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TravelTime

    district = factory.SubFactory(DistrictFactory)
    site_a = factory.SubFactory(SiteFactory, district=factory.SelfAttribute("..district"))
    site_b = factory.SubFactory(VenueFactory, district=factory.SelfAttribute("..district"))
    minutes = 10


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Room
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Lokaal {n}")
    capacity = 25

    @factory.post_generation
    def kinds(self, create, extracted, **kwargs):
        if create and extracted:
            self.kinds.set(extracted)


class RoomAvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RoomAvailability

    room = factory.SubFactory(RoomFactory)
    weekday = models.Weekday.MON
    start = datetime.time(13, 0)
    end = datetime.time(18, 0)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Sportclub Zuid {n}")
    kind = models.Organisation.Kind.SPORTS_CLUB


class CoachFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Coach
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    district = factory.SelfAttribute("organisation.district")
    code = factory.Sequence(lambda n: f"C{n}")
    given_name = "Kerem"
    surname = factory.Sequence(lambda n: f"Yılmaz{n}")
    email = factory.Sequence(lambda n: f"coach{n}@sportclub.example")
    max_minutes_per_day = 240
    max_minutes_per_week = 600

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


class CoachAvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CoachAvailability

    coach = factory.SubFactory(CoachFactory)
    weekday = models.Weekday.MON
    start = datetime.time(14, 0)
    end = datetime.time(18, 0)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Activity
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"act{n}")
    name = factory.Sequence(lambda n: f"Voetbal {n}")
    category = factory.SubFactory(CategoryFactory, district=factory.SelfAttribute("..district"))
    skill = factory.SubFactory(SkillFactory, district=factory.SelfAttribute("..district"))
    minutes = 60
    min_group = 2
    max_group = 20
    grade_min = 1
    grade_max = 8
    coaches_needed = 1

    @factory.post_generation
    def room_kinds(self, create, extracted, **kwargs):
        if create and extracted:
            self.room_kinds.set(extracted)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Programme

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"prog{n}")
    name = "Middenbouw en bovenbouw"
    grade_min = 3
    grade_max = 8
    total_minutes = 600
    max_minutes_per_day = 180
    preferred_minutes_per_day = 120


class ProgrammeCategoryMinimumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgrammeCategoryMinimum

    programme = factory.SubFactory(ProgrammeFactory)
    category = factory.SubFactory(
        CategoryFactory, district=factory.SelfAttribute("..programme.district")
    )
    minutes = 120


class ClassGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClassGroup

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"{n % 8 + 1}{'ABCD'[n % 4]}{n}")


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Pupil

    class_group = factory.SubFactory(ClassGroupFactory)
    school = factory.SelfAttribute("class_group.site")
    grade = 5
    pupil_number = factory.Sequence(lambda n: f"{1000 + n}")
    given_name = "Zoë"
    surname_prefix = "de"
    surname = factory.Sequence(lambda n: f"Vries{n}")
    birth_date = datetime.date(2015, 3, 1)


class PupilPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PupilPreference

    pupil = factory.SubFactory(PupilFactory)
    activity = factory.SubFactory(
        ActivityFactory, district=factory.SelfAttribute("..pupil.school.district")
    )
    category = factory.SelfAttribute("activity.category")
    rank = 1


class PupilUnavailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PupilUnavailability

    pupil = factory.SubFactory(PupilFactory)
    weekday = models.Weekday.WED
    start = datetime.time(14, 0)
    end = datetime.time(16, 0)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory)
    role = models.Membership.Role.COORDINATOR
    district = factory.SubFactory(DistrictFactory)
    site = None
