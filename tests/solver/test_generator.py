"""The instance generator: every scenario is spec-valid, deterministic, of the
stated size, and comes with a witness the checker accepts (full coverage; for
``short`` exactly the stated bound, which the test re-derives by counting).
"""

from __future__ import annotations

import json
from argparse import Namespace
from collections import Counter, defaultdict
from functools import cache

import pytest

from solver.checker import check
from solver.generator import SCENARIOS, GeneratedScenario, command_generate, generate
from solver.generator.command import city_paths, meta_path
from solver.instance import Instance, load_instance
from solver.solution import load_solution

SEED = 1
FEASIBLE = ("tiny", "school", "district", "tight")


@cache
def generated(scenario: str, seed: int = SEED) -> GeneratedScenario:
    return generate(scenario, seed)


@cache
def report(scenario: str):
    g = generated(scenario)
    return check(g.instance, g.witness)


def school_of(instance: Instance) -> dict[str, str]:
    return {p.id: instance.class_group[p.class_id].site for p in instance.pupils}


# -- every scenario ---------------------------------------------------------------------


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s != "city"])
def test_scenario_is_spec_valid_and_round_trips(scenario):
    g = generated(scenario)
    data = g.instance.to_dict()
    again = Instance.from_dict(json.loads(json.dumps(data)))
    assert again.to_dict() == data
    assert g.witness is not None and g.witness.instance == g.instance.name
    assert g.notes


@pytest.mark.parametrize("scenario", ["tiny", "school", "tight", "short", "district"])
def test_same_seed_same_instance_other_seed_other_instance(scenario):
    first = generated(scenario).instance.to_dict()
    assert generate(scenario, SEED).instance.to_dict() == first
    if scenario in ("tiny", "school"):
        assert generate(scenario, SEED + 1).instance.to_dict() != first


@pytest.mark.parametrize("scenario", FEASIBLE)
def test_witness_is_valid_with_full_coverage(scenario):
    r = report(scenario)
    assert r.valid, r.violations[:5]
    assert r.coverage == pytest.approx(1.0)
    assert generated(scenario).coverage_bound == 1.0


def test_unknown_scenario_is_refused():
    with pytest.raises(ValueError, match="unknown scenario"):
        generate("galaxy", 1)


# -- sizes ---------------------------------------------------------------------------------


def test_tiny_is_small():
    inst = generated("tiny").instance
    schools = [s for s in inst.sites if s.kind == "school"]
    venues = [s for s in inst.sites if s.kind == "venue"]
    assert len(schools) == 1 and len(venues) == 1
    assert len(inst.classes) == 2 and len(inst.pupils) == 12
    assert len(inst.days) == 2 and len(inst.categories) == 3
    assert inst.travel_minutes(schools[0].id, venues[0].id) == 10
    assert 1 <= len(inst.coaches) <= 6


def test_school_has_a_combination_class_and_two_programmes():
    inst = generated("school").instance
    assert sum(1 for s in inst.sites if s.kind == "school") == 1
    assert 180 <= len(inst.pupils) <= 230 and 7 <= len(inst.classes) <= 9
    assert inst.days == ("mon", "tue", "wed", "thu", "fri")
    grades = defaultdict(set)
    for pupil in inst.pupils:
        grades[pupil.class_id].add(pupil.grade)
    assert any(len(g) == 2 and min(g) >= 3 for g in grades.values())  # e.g. groep 5/6
    totals = {g: inst.programme_for_grade[g].total_minutes for g in range(1, 9)}
    assert all(totals[g] == 600 for g in range(3, 9))
    assert 360 <= totals[1] == totals[2] <= 480
    assert inst.programme_for_grade[8].category_minutes.get("career", 0) > 0
    assert inst.programme_for_grade[5].category_minutes.get("career", 0) == 0
    kinds = {k for r in inst.rooms for k in r.kinds}
    assert {"classroom", "gym", "music"} <= kinds


def test_district_has_the_stated_sizes():
    g = generated("district")
    inst = g.instance
    schools = [s for s in inst.sites if s.kind == "school"]
    venues = [s for s in inst.sites if s.kind == "venue"]
    assert len(schools) == 30 and len(venues) == 4
    n = len(inst.pupils)
    assert 7500 <= n <= 8500
    assert 10 <= len({c.organisation for c in inst.coaches}) <= 14
    assert 0.5 <= sum(1 for p in inst.pupils if p.preferences) / n <= 0.7
    assert 0.01 <= sum(1 for p in inst.pupils if p.unavailable) / n <= 0.06
    assert 0.07 <= sum(1 for p in inst.pupils if p.required) / n <= 0.13
    assert inst.max_pupil_travel_minutes == 15
    assert 3000 <= len(g.witness.sessions) <= 4500
    assert 250 <= len(inst.coaches) <= 500 and 250 <= len(inst.rooms) <= 450
    assert any(c.sites for c in inst.coaches) and any(not c.sites for c in inst.coaches)


def test_district_siblings_share_a_school_not_a_class():
    inst = generated("district").instance
    where = school_of(inst)
    families = defaultdict(list)
    for pupil in inst.pupils:
        if pupil.family:
            families[pupil.family].append(pupil)
    share = sum(len(f) for f in families.values()) / len(inst.pupils)
    assert 0.1 <= share <= 0.2
    for members in families.values():
        assert len(members) >= 2
        assert len({where[p.id] for p in members}) == 1
        assert len({p.class_id for p in members}) == len(members)


def test_district_venues_are_10_to_15_minutes_from_the_schools_that_reach_them():
    inst = generated("district").instance
    kind = {s.id: s.kind for s in inst.sites}
    venue_legs = [m for (a, b), m in inst.travel.items() if kind[a] == "school" != kind[b]]
    school_legs = [m for (a, b), m in inst.travel.items() if kind[a] == kind[b] == "school"]
    assert venue_legs and all(10 <= m <= 15 for m in venue_legs)
    assert school_legs and all(5 <= m <= 15 for m in school_legs)
    for venue in (s for s in inst.sites if s.kind == "venue"):
        assert any(inst.travel_minutes(venue.id, s.id) for s in inst.sites if s.kind == "school")


def test_district_witness_uses_the_venues_and_honours_required_tutoring():
    g = generated("district")
    inst = g.instance
    venue_rooms = {r.id for r in inst.rooms if inst.site[r.site].kind == "venue"}
    assert sum(1 for s in g.witness.sessions if s.room in venue_rooms) >= 50
    attended = defaultdict(set)
    for session in g.witness.sessions:
        for pupil in session.pupils:
            attended[pupil].add(session.activity)
    for pupil in inst.pupils:
        assert set(pupil.required) <= attended[pupil.id]


@pytest.mark.parametrize(
    ("scenario", "low", "high"), [("district", 1.15, 1.25), ("tight", 1.0, 1.08)]
)
def test_coach_minutes_over_what_the_witness_uses(scenario, low, high):
    g = generated(scenario)
    used = Counter()
    for session in g.witness.sessions:
        for coach in session.coaches:
            used[coach] += session.end - session.start
    capacity = sum(c.max_minutes_per_week for c in g.instance.coaches)
    assert low <= capacity / sum(used.values()) <= high


# -- short: the bound, re-derived here by counting ----------------------------------------


def sport_bound_by_counting(inst: Instance) -> tuple[float, int]:
    """Coverage <= 1 - (sum over schools of sport minutes needed beyond sport places).

    A pupil's sport happens at its school or a site within the pupil travel limit,
    inside its school's window, in a room of a sport activity's kind, with at most
    min(capacity, max_group) pupils at a time: that caps each school's sport
    pupil-minutes, and each pupil's deficit is at least its own sport shortfall.
    """
    sport = [a for a in inst.activities if a.category == "sport"]
    where = school_of(inst)
    need = Counter()
    demand = 0
    for pupil in inst.pupils:
        programme = inst.programme_for_grade[pupil.grade]
        need[where[pupil.id]] += programme.category_minutes.get("sport", 0)
        demand += programme.total_minutes
    short = 0
    for school in (s for s in inst.sites if s.kind == "school"):
        reach = {school.id} | {
            s.id
            for s in inst.sites
            if (school.id, s.id) in inst.travel
            and inst.travel[(school.id, s.id)] <= inst.max_pupil_travel_minutes
        }
        places = 0
        for room in (r for r in inst.rooms if r.site in reach):
            fits = [
                min(room.capacity, a.max_group)
                for a in sport
                if set(a.room_kinds) & set(room.kinds)
            ]
            if not fits:
                continue
            minutes = 0
            for day, (lo, hi) in school.window.items():
                if day not in inst.days:
                    continue
                spans = [(0, 24 * 60)] if room.available is None else room.available.get(day, [])
                minutes += sum(max(0, min(b, hi) - max(a, lo)) for a, b in spans)
            places += minutes * max(fits)
        short += max(0, need[school.id] - places)
    return 1 - short / demand, short


def test_short_bound_follows_from_counting_and_the_witness_meets_it():
    g = generated("short")
    bound, short = sport_bound_by_counting(g.instance)
    assert short > 0 and bound < 1
    assert g.coverage_bound == pytest.approx(bound, abs=1e-12)
    r = report("short")
    assert r.valid, r.violations[:5]
    # The witness reaches the bound: the bound is the best coverage there is.
    assert r.coverage == pytest.approx(bound, abs=1e-9)
    assert str(short) in g.argument


def test_short_bottleneck_is_one_school_without_sport_places_in_reach():
    g = generated("short")
    inst = g.instance
    isolated = [
        s for s in inst.sites if s.kind == "school" and not any(a == s.id for a, _ in inst.travel)
    ]
    assert len(isolated) == 1
    school = isolated[0]
    assert school.name in g.argument
    deficits = Counter()
    where = school_of(inst)
    for pupil, deficit in report("short").deficit_by_pupil.items():
        deficits[where[pupil]] += deficit
    assert {k for k, v in deficits.items() if v} == {school.id}


# -- command line ---------------------------------------------------------------------


def test_command_writes_instance_witness_and_meta(tmp_path, capsys):
    out = tmp_path / "short.json"
    witness = tmp_path / "short-witness.json"
    code = command_generate(
        Namespace(scenario="short", seed=SEED, output=str(out), witness=str(witness))
    )
    assert code == 0
    assert load_instance(out).to_dict() == generated("short").instance.to_dict()
    assert len(load_solution(witness).sessions) == len(generated("short").witness.sessions)
    meta = json.loads(meta_path(out).read_text(encoding="utf-8"))
    assert meta["scenario"] == "short" and meta["seed"] == SEED
    assert meta["coverage_bound"] == pytest.approx(generated("short").coverage_bound)
    assert meta["argument"] == generated("short").argument
    assert "coverage bound" in capsys.readouterr().out


def test_command_refuses_an_unknown_scenario(tmp_path):
    args = Namespace(scenario="galaxy", seed=1, output=str(tmp_path / "x.json"), witness=None)
    assert command_generate(args) == 2


def test_city_writes_five_districts_into_a_directory(tmp_path):
    folder, witnesses = tmp_path / "city", tmp_path / "witnesses"
    folder.mkdir()
    args = Namespace(scenario="city", seed=SEED, output=str(folder), witness=f"{witnesses}/")
    assert command_generate(args) == 0
    files = sorted(p for p in folder.glob("*.json") if not p.name.endswith(".meta.json"))
    assert len(list(folder.glob("*.meta.json"))) == 5
    assert [p.name[0] for p in files] == ["1", "2", "3", "4", "5"]
    instances = [load_instance(path) for path in files]
    assert len({inst.name for inst in instances}) == 5
    assert len({len(inst.pupils) for inst in instances}) == 5  # different sizes
    assert all(meta_path(path).exists() for path in files)
    smallest = min(range(5), key=lambda i: len(instances[i].pupils))
    witness = load_solution(witnesses / files[smallest].name)
    r = check(instances[smallest], witness)
    assert r.valid and r.coverage == pytest.approx(1.0)


def test_city_paths_take_a_directory_or_a_stem(tmp_path):
    names = ["Rotterdam-Zuid", "Den Haag Zuidwest"]
    in_dir = city_paths(str(tmp_path) + "/", names)
    assert in_dir == [tmp_path / "1-rotterdam-zuid.json", tmp_path / "2-den-haag-zuidwest.json"]
    stem = city_paths(str(tmp_path / "city.json"), names)
    assert stem[0] == tmp_path / "city-1-rotterdam-zuid.json"
    assert meta_path(stem[0]).name == "city-1-rotterdam-zuid.json.meta.json"
