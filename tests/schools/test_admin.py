"""The coordinator's admin: every list renders and searches, forms refuse bad input clearly."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from schools.models import District, Pupil, Site, SiteWindow
from tests import factories as f

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label == "schools" or model is get_user_model()
]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def district():
    """One row of every model, linked as in a real district."""
    pupil = f.PupilFactory()
    district = pupil.school.district
    kind = f.RoomKindFactory(district=district)
    room = f.RoomFactory(site=pupil.school, kinds=[kind])
    f.RoomAvailabilityFactory(room=room)
    f.SiteWindowFactory(site=pupil.school)
    f.TravelTimeFactory(district=district, site_a=pupil.school)
    activity = f.ActivityFactory(district=district, room_kinds=[kind])
    f.PupilPreferenceFactory(pupil=pupil, activity=activity, category=activity.category)
    f.PupilUnavailabilityFactory(pupil=pupil)
    pupil.family = f.FamilyFactory(district=district)
    pupil.save()
    coach = f.CoachFactory(organisation__district=district, skills=[activity.skill])
    f.CoachAvailabilityFactory(coach=coach)
    f.ProgrammeCategoryMinimumFactory(programme__district=district, category=activity.category)
    f.MembershipFactory(district=district)
    return district


@pytest.fixture
def coordinator(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-123456")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_changelist_renders_and_searches(coordinator, district, model):
    response = coordinator.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    assert coordinator.get(url(model, "changelist"), {"q": "a"}).status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_add_and_change_forms_render(coordinator, district, model):
    assert coordinator.get(url(model, "add")).status_code == 200
    obj = model._default_manager.first()
    assert coordinator.get(url(model, "change", obj.pk)).status_code == 200


def test_pupil_list_takes_the_same_queries_for_many_pupils(
    coordinator, district, django_assert_max_num_queries
):
    group = Pupil.objects.first().class_group
    with django_assert_max_num_queries(12) as few:
        coordinator.get(url(Pupil, "changelist"))
    f.PupilFactory.create_batch(60, class_group=group, family=f.FamilyFactory(district=district))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator.get(url(Pupil, "changelist"))
    assert response.context["cl"].result_count == 61


def test_search_finds_a_pupil_by_name_with_diacritics(coordinator):
    f.PupilFactory(given_name="Şeyma", surname="Çelik", surname_prefix="")
    f.PupilFactory(given_name="Wiktoria", surname="Kowalczyk", surname_prefix="")
    response = coordinator.get(url(Pupil, "changelist"), {"q": "Çelik"})
    assert [p.given_name for p in response.context["cl"].result_list] == ["Şeyma"]


def test_deleting_a_site_in_use_shows_why(coordinator):
    room = f.RoomFactory(name="Gymzaal")
    with translation.override("en"):
        response = coordinator.get(url(Site, "delete", room.site.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert [str(p) for p in response.context["protected"]] == [
        f"1 room still uses it (Gymzaal ({room.site.name})). Move or delete it first."
    ]
    coordinator.post(url(Site, "delete", room.site.pk), {"post": "yes"})
    assert Site.objects.filter(pk=room.site.pk).exists()


def site_form(district: District, *, start: str, end: str) -> dict[str, str]:
    return {
        "district": str(district.pk),
        "code": "BRIN01",
        "name": "Basisschool Het Anker",
        "kind": "school",
        "address": "Pretorialaan 10",
        "postcode": "3072 AB",
        "city": "Rotterdam",
        "windows-TOTAL_FORMS": "1",
        "windows-INITIAL_FORMS": "0",
        "windows-0-weekday": "mon",
        "windows-0-start": start,
        "windows-0-end": end,
        "rooms-TOTAL_FORMS": "0",
        "rooms-INITIAL_FORMS": "0",
    }


def test_new_school_with_window_ending_before_start_is_refused(coordinator):
    district = f.DistrictFactory()
    with translation.override("en"):
        response = coordinator.post(
            url(Site, "add"), site_form(district, start="17:00", end="15:00")
        )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[0]["end"] == ["The end (15:00) must be after the start (17:00)."]
    assert not Site.objects.exists()

    response = coordinator.post(url(Site, "add"), site_form(district, start="15:00", end="17:00"))
    assert response.status_code == 302
    window = SiteWindow.objects.get()
    assert (window.site.code, window.start) == ("BRIN01", datetime.time(15))


def test_district_days_are_ticked_as_weekdays(coordinator):
    data = {
        "code": "noord",
        "name": "Rotterdam-Noord",
        "days": ["thu", "mon"],
        "slot_minutes": "15",
        "max_pupil_travel_minutes": "10",
        **dict.fromkeys(District.WEIGHT_FIELDS.values(), "1"),
    }
    response = coordinator.post(url(District, "add"), data)
    assert response.status_code == 302
    assert District.objects.get(code="noord").days == ["mon", "thu"]
