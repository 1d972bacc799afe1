"""The instance a district exports is the solver's input: spec-valid, complete, and nameless."""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections import defaultdict

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from schools.models import Coach, District, Membership, Pupil
from schools.names import school_year_start
from schools.selectors import district_instance_build
from schools.services import DEMO_PASSWORD, district_delete, district_load_from_instance
from solver.instance import Instance, load_instance
from tests.conftest import SPEC_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def example() -> dict:
    path = SPEC_DIR / "example-instance.json"
    if not path.exists():
        pytest.skip(f"the spec's example instance is not at {path} (set EXTENDED_DAY_SPEC_DIR)")
    return json.loads(path.read_text(encoding="utf-8"))


def bigger(example: dict, *, pupils_per_class: int) -> dict:
    """The example with many pupils (same preferences, families per pair)."""
    data = copy.deepcopy(example)
    template = data["pupils"]
    data["pupils"] = []
    for klass in data["classes"]:
        for n in range(pupils_per_class):
            pupil = copy.deepcopy(template[n % len(template)])
            pupil["id"] = f"{klass['id']}-{n}"
            pupil["class"] = klass["id"]
            pupil["grade"] = 5 if klass["name"].startswith("5") else 6
            pupil["family"] = f"F{klass['id']}-{n // 2}"
            data["pupils"].append(pupil)
    return data


def export(district: District, tmp_path) -> tuple[str, Instance]:
    path = tmp_path / "instance.json"
    call_command("export_instance", district=district.code, output=str(path))
    return path.read_text(encoding="utf-8"), load_instance(path)


def test_round_trip_keeps_the_instance_up_to_renaming(example, tmp_path):
    district = district_load_from_instance(instance=example, code="example", name="Example")
    text, exported = export(district, tmp_path)
    original = Instance.from_dict(example)

    # Same numbers of everything.
    for part in ("categories", "sites", "rooms", "coaches", "activities", "programmes"):
        assert len(getattr(exported, part)) == len(getattr(original, part)), part
    assert len(exported.classes) == len(original.classes)
    assert len(exported.pupils) == len(original.pupils)
    assert exported.days == original.days
    assert exported.slot_minutes == original.slot_minutes
    assert exported.max_pupil_travel_minutes == original.max_pupil_travel_minutes
    assert exported.weights == original.weights
    assert exported.travel == original.travel

    # Sites, activities, categories and programmes keep their ids.
    assert {s.id: (s.kind, s.window) for s in exported.sites} == {
        s.id: (s.kind, s.window) for s in original.sites
    }
    assert set(exported.activities) == set(original.activities)
    assert {p.id: p for p in exported.programmes} == {p.id: p for p in original.programmes}
    assert {c.id: c.name for c in exported.categories} == {
        c.id: c.name for c in original.categories
    }

    # Rooms, coaches and pupils are renamed, in the original order.
    for mine, theirs in zip(exported.rooms, original.rooms, strict=True):
        assert (mine.site, mine.name, sorted(mine.kinds), mine.capacity, mine.available) == (
            theirs.site,
            theirs.name,
            sorted(theirs.kinds),
            theirs.capacity,
            theirs.available,
        )
    for mine, theirs in zip(exported.coaches, original.coaches, strict=True):
        assert mine.id != theirs.id
        assert (mine.organisation, set(mine.skills), mine.available, mine.sites) == (
            theirs.organisation,
            set(theirs.skills),
            theirs.available,
            theirs.sites,
        )
        assert (mine.max_minutes_per_day, mine.max_minutes_per_week) == (
            theirs.max_minutes_per_day,
            theirs.max_minutes_per_week,
        )

    class_of = {}
    family_of = {}
    for mine, theirs in zip(exported.pupils, original.pupils, strict=True):
        assert re.fullmatch(r"p\d+", mine.id)
        assert class_of.setdefault(theirs.class_id, mine.class_id) == mine.class_id
        assert exported.school_of(mine) == original.school_of(theirs)
        assert mine.grade == theirs.grade
        # A pupil's preferences name the same activities in the same order.
        assert mine.preferences == theirs.preferences
        assert set(mine.required) == set(theirs.required)
        assert mine.unavailable == theirs.unavailable
        assert (mine.family is None) == (theirs.family is None)
        if theirs.family:
            assert family_of.setdefault(theirs.family, mine.family) == mine.family
    assert len(set(class_of.values())) == len(class_of)
    assert len(set(family_of.values())) == len(family_of)
    assert {c.name for c in exported.classes} == {c.name for c in original.classes}

    # Group sizes, grades and lengths of every activity.
    for activity in original.activities:
        assert exported.activity[activity.id] == activity

    # No pupil or coach is named anywhere in the file.
    people = [(p.given_name, p.surname) for p in Pupil.objects.all()]
    people += [(c.given_name, c.surname) for c in Coach.objects.all()]
    assert len(people) == len(original.pupils) + len(original.coaches)
    for given_name, surname in people:
        for name in (given_name, surname):
            assert not re.search(rf"\b{re.escape(name)}\b", text), name


def test_export_is_a_handful_of_queries_however_many_pupils(example, django_assert_max_num_queries):
    small = district_load_from_instance(instance=example, code="small", name="Small")
    large = district_load_from_instance(
        instance=bigger(example, pupils_per_class=200), code="large", name="Large"
    )
    with django_assert_max_num_queries(25) as counted:
        district_instance_build(district=small)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        instance = district_instance_build(district=large)
    assert len(Instance.from_dict(instance).pupils) == 400


def test_loading_gives_realistic_people_the_same_each_time(example):
    data = bigger(example, pupils_per_class=150)
    first = district_load_from_instance(instance=data, code="one", name="One", seed=7)
    second = district_load_from_instance(instance=data, code="two", name="Two", seed=7)

    def people(district):
        return list(
            Pupil.objects.filter(school__district=district)
            .order_by("pk")
            .values_list("given_name", "surname_prefix", "surname", "pupil_number", "birth_date")
        )

    assert people(first) == people(second)
    pupils = list(Pupil.objects.filter(school__district=first).select_related("family"))
    # Names of many origins, with their diacritics and tussenvoegsels.
    text = " ".join(p.full_name for p in pupils)
    assert re.search(r"[^\x00-\x7f]", text)
    assert any(p.surname_prefix for p in pupils)
    assert len({p.surname for p in pupils}) > 40
    # Siblings share a surname (except where a language genders it: Kowalski, Kowalska).
    by_family = defaultdict(set)
    for pupil in pupils:
        by_family[pupil.family.code].add(pupil.surname)
    assert sum(len(names) == 1 for names in by_family.values()) >= 0.85 * len(by_family)
    # Pupil numbers are unique per school; birth dates fit the grade (a Dutch groep):
    # on 1 October of this school year a pupil of groep g is g + 3 (groep 1: four).
    assert len({(p.school_id, p.pupil_number) for p in pupils}) == len(pupils)
    october = school_year_start(datetime.date.today())
    for pupil in pupils:
        born = pupil.birth_date
        age = october.year - born.year - ((october.month, october.day) < (born.month, born.day))
        assert age == pupil.grade + 3, (pupil.grade, born)
    # Coaches have a name, an e-mail address and a phone number; their organisation a kind.
    coach = Coach.objects.filter(district=first).select_related("organisation").first()
    assert coach.email.endswith(".example") and coach.phone.startswith("06-")
    assert coach.organisation.kind != "other"


def test_export_of_an_unknown_district_names_the_known_ones(example, tmp_path):
    district_load_from_instance(instance=example, code="example", name="Example")
    with pytest.raises(CommandError, match='No district "nowhere" \\(known: example\\)'):
        call_command("export_instance", district="nowhere", output=str(tmp_path / "x.json"))


def test_district_delete_removes_everything(example):
    district = district_load_from_instance(instance=example, code="example", name="Example")
    district_delete(district=district)
    assert not District.objects.exists() and not Pupil.objects.exists()


def test_load_demo_is_idempotent_and_creates_the_demo_logins(example, monkeypatch, tmp_path):
    from schools.management.commands import load_demo

    generated = []

    def fake_generate(self, scenario, path):
        generated.append(scenario)
        path.write_text(json.dumps(example), encoding="utf-8")

    monkeypatch.setattr(load_demo.Command, "generate", fake_generate)
    call_command("load_demo", directory=str(tmp_path))
    call_command("load_demo", directory=str(tmp_path))
    assert generated == ["district", "school"]
    assert set(District.objects.values_list("code", flat=True)) == {"zuid", "klein"}

    zuid = District.objects.get(code="zuid")
    roles = {
        m.user.username: (m.role, m.site) for m in Membership.objects.select_related("user", "site")
    }
    assert roles["coordinator"] == ("coordinator", None)
    assert roles["directeur"][0] == "principal" and roles["directeur"][1].district == zuid
    assert roles["coach"] == ("coach", None)
    coach = Coach.objects.get(user__username="coach")
    assert coach.district == zuid
    assert {g.name for g in coach.user.groups.all()} == {"Coach"}
    for username in ("coordinator", "directeur", "coach"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None

    call_command("load_demo", directory=str(tmp_path), replace=True, only="klein")
    assert generated == ["district", "school", "school"]
    assert District.objects.count() == 2
