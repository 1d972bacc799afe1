"""Model rules: field-level messages a coordinator understands, and the database's own guards."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from schools.models import Activity, CoachAvailability, Membership, Pupil, Room, SiteWindow
from schools.services import site_delete, travel_time_set
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in their English source text."""
    with translation.override("en"):
        yield


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


# -- field-level messages -----------------------------------------------------


def test_window_ending_before_it_starts_is_refused_on_end():
    window = SiteWindow(
        site=f.SiteFactory(), weekday="mon", start=datetime.time(17), end=datetime.time(15)
    )
    assert errors_of(window)["end"] == ["The end (15:00) must be after the start (17:00)."]


def test_window_off_the_grid_is_refused_on_the_time():
    window = SiteWindow(
        site=f.SiteFactory(), weekday="mon", start=datetime.time(15, 10), end=datetime.time(17)
    )
    assert errors_of(window)["start"] == ["Times are on a 15-minute grid; 15:10 is not."]


def test_venue_has_no_window():
    window = SiteWindow(
        site=f.VenueFactory(), weekday="mon", start=datetime.time(15), end=datetime.time(17)
    )
    assert "is a venue" in errors_of(window)["site"][0]


def test_room_of_capacity_zero_is_refused():
    room = Room(site=f.SiteFactory(), name="Lokaal 1", capacity=0)
    assert "A room must hold at least one pupil." in errors_of(room)["capacity"]


def test_grade_nine_is_refused():
    pupil = f.PupilFactory.build(class_group=f.ClassGroupFactory(), grade=9)
    messages = errors_of(pupil)["grade"]
    assert "Primary school grades run from 1 to 8; 9 is not one." in messages


def test_coach_available_outside_every_school_window_is_refused():
    school = f.SiteFactory()
    f.SiteWindowFactory(site=school, weekday="mon", start=datetime.time(15), end=datetime.time(17))
    coach = f.CoachFactory(organisation__district=school.district)
    morning = CoachAvailability(
        coach=coach, weekday="mon", start=datetime.time(9), end=datetime.time(11)
    )
    assert errors_of(morning)["start"] == [
        f"No school in {school.district.name} has its extended day on maandag between "
        "09:00 and 11:00, so the coach could never be planned then."
    ]
    tuesday = CoachAvailability(
        coach=coach, weekday="tue", start=datetime.time(15), end=datetime.time(17)
    )
    assert "start" in errors_of(tuesday)
    # Overlapping the window only in part is normal: coaches come a little early.
    CoachAvailability(
        coach=coach, weekday="mon", start=datetime.time(14), end=datetime.time(16)
    ).full_clean()


def test_largest_group_below_smallest_is_refused_on_max_group():
    activity = f.ActivityFactory.build(district=f.DistrictFactory(), min_group=8, max_group=4)
    activity.category = f.CategoryFactory(district=activity.district)
    activity.skill = f.SkillFactory(district=activity.district)
    assert errors_of(activity)["max_group"] == [
        "The largest group (4) is smaller than the smallest (8)."
    ]


def test_minutes_off_the_grid_are_refused():
    district = f.DistrictFactory()
    activity = f.ActivityFactory.build(
        district=district,
        category=f.CategoryFactory(district=district),
        skill=f.SkillFactory(district=district),
        minutes=50,
    )
    assert errors_of(activity)["minutes"] == [
        "The length must be a multiple of 15 minutes; 50 is not."
    ]


def test_pupil_number_taken_at_the_same_school_is_refused():
    first = f.PupilFactory(pupil_number="4711")
    other_class = f.ClassGroupFactory(site=first.school)
    second = f.PupilFactory.build(class_group=other_class, pupil_number="4711")
    assert errors_of(second)["pupil_number"] == [
        f"Another pupil of {first.school.name} already has number 4711."
    ]
    # Another school may use the same number.
    elsewhere = f.PupilFactory(pupil_number="4711")
    assert elsewhere.school != first.school


def test_pupil_school_follows_the_class():
    pupil = f.PupilFactory()
    new_class = f.ClassGroupFactory()
    pupil.class_group = new_class
    pupil.save()
    pupil.refresh_from_db()
    assert pupil.school == new_class.site


def test_preference_for_an_activity_of_another_category_is_refused():
    preference = f.PupilPreferenceFactory.build(pupil=f.PupilFactory())
    preference.activity = f.ActivityFactory(district=preference.pupil.school.district)
    preference.category = f.CategoryFactory(district=preference.pupil.school.district)
    assert "activity" in errors_of(preference)


def test_programmes_may_not_share_a_grade():
    first = f.ProgrammeFactory(grade_min=3, grade_max=8)
    overlapping = f.ProgrammeFactory.build(district=first.district, grade_min=1, grade_max=4)
    assert "a grade belongs to one programme" in errors_of(overlapping)["grade_min"][0]


def test_district_days_must_be_weekday_codes():
    district = f.DistrictFactory.build(days=["monday"])
    assert "days" in errors_of(district)
    district = f.DistrictFactory.build(days=["thu", "mon"])
    district.full_clean()
    assert district.days == ["mon", "thu"]


def test_principal_needs_a_school():
    membership = Membership(
        user=f.UserFactory(), role=Membership.Role.PRINCIPAL, district=f.DistrictFactory()
    )
    assert errors_of(membership)["site"] == ["A principal is tied to one school."]


def test_travel_time_is_stored_once_per_pair():
    school = f.SiteFactory()
    venue = f.VenueFactory(district=school.district)
    first = travel_time_set(site_a=venue, site_b=school, minutes=10)
    assert (first.site_a, first.site_b) == (school, venue)
    again = travel_time_set(site_a=school, site_b=venue, minutes=12)
    assert again.pk == first.pk and again.minutes == 12


# -- database constraints ------------------------------------------------------


def integrity_error(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_database_refuses_window_ending_before_start():
    integrity_error(lambda: f.SiteWindowFactory(start=datetime.time(17), end=datetime.time(15)))


def test_database_refuses_second_window_on_a_day():
    window = f.SiteWindowFactory(weekday="tue")
    integrity_error(lambda: f.SiteWindowFactory(site=window.site, weekday="tue"))


def test_database_refuses_room_without_capacity():
    integrity_error(lambda: f.RoomFactory(capacity=0))


def test_database_refuses_grade_nine():
    integrity_error(lambda: f.PupilFactory(grade=9))


def test_database_refuses_duplicate_pupil_number_at_a_school():
    pupil = f.PupilFactory(pupil_number="12")
    other_class = f.ClassGroupFactory(site=pupil.school)
    integrity_error(lambda: f.PupilFactory(class_group=other_class, pupil_number="12"))


def test_database_refuses_group_range_upside_down():
    integrity_error(lambda: f.ActivityFactory(min_group=10, max_group=5))


def test_database_refuses_grade_range_outside_one_to_eight():
    integrity_error(lambda: f.ActivityFactory(grade_min=0))
    integrity_error(lambda: f.ProgrammeFactory(grade_min=5, grade_max=9))


def test_database_refuses_travel_pair_in_the_wrong_order():
    travel = f.TravelTimeFactory()
    low, high = sorted([travel.site_a, travel.site_b], key=lambda s: s.pk)
    integrity_error(lambda: f.TravelTimeFactory(district=travel.district, site_a=high, site_b=low))
    integrity_error(lambda: f.TravelTimeFactory(district=travel.district, site_a=low, site_b=high))


def test_database_refuses_two_preferences_with_one_rank():
    preference = f.PupilPreferenceFactory()
    other = f.ActivityFactory(district=preference.activity.district, category=preference.category)
    integrity_error(
        lambda: f.PupilPreferenceFactory(
            pupil=preference.pupil, category=preference.category, activity=other, rank=1
        )
    )


def test_database_refuses_principal_without_school():
    integrity_error(lambda: f.MembershipFactory(role=Membership.Role.PRINCIPAL, site=None))


def test_database_refuses_two_coaches_with_one_code_in_a_district():
    coach = f.CoachFactory(code="C1")
    integrity_error(lambda: f.CoachFactory(organisation=coach.organisation, code="C1"))


def test_no_bsn_anywhere():
    from django.apps import apps

    for model in apps.get_app_config("schools").get_models():
        for field in model._meta.get_fields():
            assert "bsn" not in field.name.lower()
            assert "burgerservice" not in str(getattr(field, "verbose_name", "")).lower()


# -- deleting what is in use ---------------------------------------------------


def test_site_with_rooms_cannot_be_deleted():
    room = f.RoomFactory()
    with pytest.raises(ProtectedError):
        room.site.delete()
    with pytest.raises(ValidationError) as caught:
        site_delete(site=room.site)
    assert caught.value.messages == [
        f"{room.site.name} cannot be deleted: it still has 1 room(s) and 0 class(es). "
        "Move or delete those first."
    ]


def test_site_with_classes_cannot_be_deleted():
    group = f.ClassGroupFactory()
    with pytest.raises(ProtectedError):
        group.site.delete()


def test_site_with_only_windows_can_be_deleted():
    window = f.SiteWindowFactory()
    site_delete(site=window.site)
    assert not SiteWindow.objects.exists()


def test_class_with_pupils_and_category_with_activities_stay():
    pupil = f.PupilFactory()
    with pytest.raises(ProtectedError):
        pupil.class_group.delete()
    activity = f.ActivityFactory()
    with pytest.raises(ProtectedError):
        activity.category.delete()
    assert Pupil.objects.count() == 1 and Activity.objects.count() == 1


def test_coach_code_taken_in_the_district_is_refused_on_code():
    coach = f.CoachFactory(code="C7")
    twin = f.CoachFactory.build(organisation=coach.organisation, district=None, code="C7")
    assert errors_of(twin)["code"] == ["Another coach in this district has code C7."]
