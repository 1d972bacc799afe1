"""The named scenarios: tiny, school, district, tight, short and city.

``generate(scenario, seed)`` is deterministic for a seed (one
``random.Random(seed)`` feeds everything) and returns a ``GeneratedScenario``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from solver.generator.bound import sport_room_bound
from solver.generator.build import DistrictBuilder
from solver.generator.catalogue import (
    ACTIVITIES,
    CITY_DISTRICTS,
    ISOLATED_NEIGHBOURHOOD,
    ISOLATED_SCHOOL_NAME,
    ROTTERDAM_ZUID,
    SCHOOL_NAMES,
    SCHOOL_SPECIAL_ROOMS,
    TINY_ACTIVITIES,
    WEIGHTS,
    DistrictGeography,
)
from solver.generator.config import (
    ClassSpec,
    DistrictSpec,
    ProgrammeSpec,
    RoomSpec,
    SchoolSpec,
    VenueSpec,
)
from solver.instance import Instance
from solver.solution import Solution

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

PROGRAMMES = (
    ProgrammeSpec(
        "onderbouw", (1, 2), 420, {"sport": 120, "culture": 120, "tutoring": 45}, 150, 90
    ),
    ProgrammeSpec(
        "middenbouw", (3, 6), 600, {"sport": 180, "culture": 150, "tutoring": 60}, 180, 120
    ),
    ProgrammeSpec(
        "bovenbouw",
        (7, 8),
        600,
        {"sport": 150, "culture": 120, "tutoring": 60, "career": 90},
        180,
        120,
    ),
)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass
class GeneratedScenario:
    """A generated instance with the timetable it was built around.

    ``witness`` is a valid solution of ``instance`` (checked by
    ``solver.checker``); for feasible scenarios its coverage is 100%, for
    ``short`` it reaches ``coverage_bound`` exactly, which proves the bound tight.
    ``coverage_bound`` is the best coverage any solution can reach (1.0 when
    feasible). ``argument`` says why, by counting. For ``city``, ``parts`` holds
    the five districts and ``instance``/``witness`` are those of the first.
    """

    instance: Instance
    witness: Solution | None
    coverage_bound: float | None
    notes: str
    scenario: str = ""
    seed: int = 0
    argument: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    parts: tuple[GeneratedScenario, ...] = ()

    def meta(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "instance": self.instance.name,
            "coverage_bound": self.coverage_bound,
            "argument": self.argument,
            "stats": self.stats,
        }


# -- school weeks ------------------------------------------------------------------


def _partition(length: int, rng: random.Random) -> list[int]:
    options = {
        120: [[60, 60]],
        150: [[60, 90], [90, 60]],
        180: [[90, 90], [60, 60, 60], [90, 90]],
        210: [[90, 60, 60], [60, 90, 60], [60, 60, 90]],
        240: [[90, 60, 90], [60, 90, 90], [90, 90, 60]],
    }
    return list(rng.choice(options[length]))


def school_week(
    rng: random.Random, days: tuple[str, ...] = WEEKDAYS
) -> tuple[dict[str, tuple[int, int]], dict[str, list[tuple[int, int]]]]:
    """A school's extended-day window per weekday and its grid of periods."""
    early = rng.random() < 0.5
    window = {}
    for day in days:
        if day in ("wed",):
            start = hm(rng.choice(("12:30", "12:30", "13:00")))
            end = hm("16:30")
        elif day == "fri":
            start = hm(rng.choice(("12:30", "14:30", "14:30")))
            end = hm("16:30")
        else:
            start = hm("14:30" if early else "15:00")
            if rng.random() < 0.15:
                start = hm("15:00" if early else "14:30")
            end = hm("17:30")
        window[day] = (start, end)
    periods = {}
    for day, (start, end) in window.items():
        spans = []
        cursor = start
        for minutes in _partition(end - start, rng):
            spans.append((cursor, cursor + minutes))
            cursor += minutes
        periods[day] = spans
    return window, periods


def school_classes(rng: random.Random, count: int, sizes=(23, 30)) -> list[ClassSpec]:
    """Groups 1/2 (two or three), then one class per grade 3-8 and some extra ones:
    a parallel class of a grade or a combination class of two neighbouring grades."""
    lo, hi = sizes
    k12 = 2 if count <= 9 else rng.choice((2, 3))
    classes = [ClassSpec(f"groep 1/2{'ABC'[i]}", (1, 2), rng.randint(lo, hi)) for i in range(k12)]
    extras = count - k12 - 6
    doubled: list[int] = []
    combined: list[tuple[int, int]] = []
    pool = [3, 4, 5, 6, 7, 8]
    for _ in range(max(0, extras)):
        if rng.random() < 0.4 and len(combined) < 1:
            combined.append(rng.choice(((3, 4), (4, 5), (5, 6), (7, 8))))
        else:
            grade = rng.choice([g for g in pool if g not in doubled] or pool)
            doubled.append(grade)
    for grade in range(3, 9):
        if grade in doubled:
            classes += [ClassSpec(f"groep {grade}{s}", (grade,), rng.randint(lo, hi)) for s in "AB"]
        else:
            classes.append(ClassSpec(f"groep {grade}", (grade,), rng.randint(lo, hi)))
    for a, b in combined:
        classes.append(ClassSpec(f"groep {a}/{b}", (a, b), rng.randint(lo - 1, hi - 2)))
    return classes


def school_rooms(rng: random.Random, classes: int) -> list[RoomSpec]:
    """A school building: free classrooms after hours and special rooms.

    Generous on purpose: the rooms the witness leaves unused are mostly dropped
    afterwards (``DistrictSpec.spare_room_share`` of them stay as slack).
    """
    rooms = [RoomSpec(f"Lokaal {i + 1}", ("classroom",), 30) for i in range(3 + classes // 3)]
    chance = {
        "Gymzaal": 1.0,
        "Schoolplein (Cruyff Court)": 1.0,
        "Speellokaal": 1.0,
        "Muzieklokaal": 1.0,
        "Atelier": 1.0,
        "Aula": 1.0,
        "Schoolbibliotheek": 1.0,
        "Technieklokaal": 0.3,
    }
    for name, kinds, capacity in SCHOOL_SPECIAL_ROOMS:
        if rng.random() < chance[name]:
            rooms.append(RoomSpec(name, kinds, capacity))
    if classes >= 10 and rng.random() < 0.5:
        rooms.append(RoomSpec("Gymzaal 2", ("gym",), 30))
    return rooms


# -- districts ---------------------------------------------------------------------


def district_spec(
    rng: random.Random,
    geography: DistrictGeography,
    schools: int,
    name: str,
    *,
    coach_slack: float = 1.2,
    class_counts: tuple[int, ...] = (9, 10, 10, 11),
) -> DistrictSpec:
    names = list(SCHOOL_NAMES)
    rng.shuffle(names)
    hoods = list(geography.neighbourhoods)
    school_specs = []
    for i in range(schools):
        hood = hoods[i % len(hoods)]
        window, periods = school_week(rng)
        count = rng.choice(class_counts)
        school_specs.append(
            SchoolSpec(
                id=f"S{i + 1:02d}",
                name=names[i % len(names)],
                neighbourhood=hood.name,
                x=hood.x + rng.uniform(-0.45, 0.45),
                y=hood.y + rng.uniform(-0.45, 0.45),
                window=window,
                periods=periods,
                classes=school_classes(rng, count),
                rooms=school_rooms(rng, count),
            )
        )
    venue_days = {d: [(hm("12:00"), hm("18:00"))] for d in WEEKDAYS}
    venues = [
        VenueSpec(
            id=f"V{i + 1}",
            name=v.name,
            x=v.x,
            y=v.y,
            rooms=[RoomSpec(n, k, c, venue_days) for n, k, c in v.rooms],
        )
        for i, v in enumerate(geography.venues)
    ]
    return DistrictSpec(
        name=name,
        days=WEEKDAYS,
        activities=ACTIVITIES,
        programmes=PROGRAMMES,
        schools=school_specs,
        venues=venues,
        coach_slack=coach_slack,
        weights=dict(WEIGHTS),
    )


def _tiny_spec(rng: random.Random, seed: int) -> DistrictSpec:
    window = {"mon": (hm("15:00"), hm("17:00")), "wed": (hm("12:30"), hm("15:30"))}
    periods = {
        "mon": [(hm("15:00"), hm("16:00")), (hm("16:00"), hm("17:00"))],
        "wed": [(hm("12:30"), hm("13:30")), (hm("13:30"), hm("14:30")), (hm("14:30"), hm("15:30"))],
    }
    school = SchoolSpec(
        id="S1",
        name="OBS De Horizon",
        neighbourhood="Bloemhof",
        x=0.0,
        y=0.0,
        window=window,
        periods=periods,
        classes=[ClassSpec("groep 5", (5,), 6), ClassSpec("groep 6", (6,), 6)],
        rooms=[
            RoomSpec("Lokaal 1", ("classroom",), 30),
            RoomSpec("Lokaal 2", ("classroom",), 30),
            RoomSpec("Muzieklokaal", ("music", "dance", "classroom"), 24),
        ],
    )
    venue = VenueSpec(
        "V1",
        "Sporthal Zuid",
        0.1,
        0.0,
        [RoomSpec("Zaal A", ("gym",), 30, {d: [(hm("12:00"), hm("18:00"))] for d in window})],
    )
    return DistrictSpec(
        name=f"tiny (seed {seed})",
        days=("mon", "wed"),
        activities=TINY_ACTIVITIES,
        programmes=(
            ProgrammeSpec(
                "alle-groepen", (1, 8), 180, {"sport": 60, "culture": 60, "tutoring": 60}, 120, 120
            ),
        ),
        schools=[school],
        venues=[venue],
        preference_share=0.5,
        sibling_share=0.35,
        unavailable_share=0.1,
        required_share=0.2,
        group_targets={"sport": 12, "culture": 12, "tutoring": 10},
        free_categories={"sport": 1.0, "culture": 1.0},
        weights=dict(WEIGHTS),
    )


def _school_spec(rng: random.Random, seed: int) -> DistrictSpec:
    window, periods = school_week(rng)
    classes = [
        ClassSpec("groep 1/2A", (1, 2), rng.randint(24, 27)),
        ClassSpec("groep 1/2B", (1, 2), rng.randint(24, 27)),
        ClassSpec("groep 3", (3,), rng.randint(24, 28)),
        ClassSpec("groep 4", (4,), rng.randint(24, 28)),
        ClassSpec("groep 5", (5,), rng.randint(23, 27)),
        ClassSpec("groep 5/6", (5, 6), rng.randint(22, 26)),
        ClassSpec("groep 7", (7,), rng.randint(24, 28)),
        ClassSpec("groep 8", (8,), rng.randint(23, 27)),
    ]
    rooms = [RoomSpec(f"Lokaal {i}", ("classroom",), 30) for i in (1, 2, 3, 4)]
    rooms += [RoomSpec(n, k, c) for n, k, c in SCHOOL_SPECIAL_ROOMS]
    school = SchoolSpec(
        "S1", "CBS De Regenboog", "Bloemhof", 0.0, 0.0, window, periods, classes, rooms
    )
    venue = VenueSpec(
        "V1",
        "Sporthal Zuid",
        0.6,
        0.4,
        [
            RoomSpec(n, ("gym",), 30, {d: [(hm("12:00"), hm("18:00"))] for d in WEEKDAYS})
            for n in ("Zaal A", "Zaal B")
        ],
    )
    return DistrictSpec(
        name=f"school: CBS De Regenboog (seed {seed})",
        days=WEEKDAYS,
        activities=ACTIVITIES,
        programmes=PROGRAMMES,
        schools=[school],
        venues=[venue],
        weights=dict(WEIGHTS),
    )


def _isolated_school(rng: random.Random, ident: str) -> SchoolSpec:
    """The ``short`` bottleneck: a school across the water with one small gym.

    Every class holds exactly the gym's 24 places, so the witness fills the gym
    to the last place and minute: the bound it states is met exactly.
    """
    window, periods = school_week(rng)
    grades = [(1, 2), (1, 2), (3,), (4,), (5,), (6,), (7,), (8,)]
    classes = [
        ClassSpec(f"groep {'/'.join(map(str, g))}{'AB'[i] if g == (1, 2) else ''}", g, 24)
        for i, g in enumerate(grades)
    ]
    gym_days = {d: [(hm("12:00"), hm("18:00"))] for d in ("mon", "tue", "wed", "thu")}
    rooms = [
        RoomSpec("Lokaal 1", ("classroom",), 30),
        RoomSpec("Lokaal 2", ("classroom",), 30),
        RoomSpec("Lokaal 3", ("classroom",), 30),
        RoomSpec("Gymzaal (klein)", ("gym",), 24, gym_days),
        RoomSpec("Muzieklokaal", ("music", "classroom"), 26),
        RoomSpec("Atelier", ("art", "classroom"), 26),
        RoomSpec("Aula", ("aula", "dance"), 60),
        RoomSpec("Schoolbibliotheek", ("library", "classroom"), 24),
    ]
    hood = ISOLATED_NEIGHBOURHOOD
    return SchoolSpec(
        ident,
        ISOLATED_SCHOOL_NAME,
        hood.name,
        hood.x,
        hood.y,
        window,
        periods,
        classes,
        rooms,
        isolated=True,
        sport_capped=True,
    )


# -- generate ------------------------------------------------------------------------


def _finish(
    scenario: str, seed: int, spec: DistrictSpec, rng: random.Random, started: float
) -> GeneratedScenario:
    built = DistrictBuilder(spec, rng).build()
    instance = Instance.from_dict(built.instance)
    witness = Solution.from_dict(
        {
            "format": "extended-day-solution/1",
            "instance": instance.name,
            "sessions": built.sessions,
            "stats": {"solver": "generator witness", "scenario": scenario, "seed": seed},
        }
    )
    stats = dict(built.stats)
    stats["seconds"] = round(time.monotonic() - started, 2)
    bound = sport_room_bound(instance)
    notes = (
        f"{scenario} (seed {seed}): {stats['schools']} schools, {stats['venues']} venues, "
        f"{stats['classes']} classes, {stats['pupils']} pupils, {stats['rooms']} rooms, "
        f"{stats['coaches']} coaches of {stats['organisations']} organisations; witness "
        f"{stats['sessions']} sessions ({stats['venue_sessions']} at venues, mean group "
        f"{stats['mean_group']}); coach minutes: max {stats['coach_minutes_max']} for "
        f"{stats['coach_minutes_used']} used (x{stats['coach_slack']})."
    )
    if bound.shortfall:
        notes += " " + bound.argument
    else:
        notes += " Feasible by construction: the witness covers 100%."
    return GeneratedScenario(
        scenario=scenario,
        seed=seed,
        instance=instance,
        witness=witness,
        coverage_bound=bound.bound,
        notes=notes,
        argument=bound.argument,
        stats=stats,
    )


def generate(scenario: str, seed: int) -> GeneratedScenario:
    """The named scenario for this seed; the same seed gives the same instance."""
    if scenario not in SCENARIOS:
        raise ValueError(f'unknown scenario "{scenario}" (use {", ".join(SCENARIOS)})')
    started = time.monotonic()
    rng = random.Random(seed)
    if scenario == "city":
        return _generate_city(seed, started)
    if scenario == "tiny":
        spec = _tiny_spec(rng, seed)
    elif scenario == "school":
        spec = _school_spec(rng, seed)
    elif scenario == "district":
        spec = district_spec(rng, ROTTERDAM_ZUID, 30, f"district: Rotterdam-Zuid (seed {seed})")
    elif scenario == "tight":
        spec = district_spec(
            rng,
            ROTTERDAM_ZUID,
            10,
            f"tight: Rotterdam-Zuid, 10 schools, coach minutes +5% (seed {seed})",
            coach_slack=1.05,
        )
        spec.restricted_coach_share = 0.5
    else:  # short
        spec = district_spec(
            rng, ROTTERDAM_ZUID, 7, f"short: Rotterdam-Zuid and Heijplaat (seed {seed})"
        )
        spec.schools.append(_isolated_school(rng, f"S{len(spec.schools) + 1:02d}"))
    return _finish(scenario, seed, spec, rng, started)


CITY_SIZES = (10, 6, 8, 6, 4)


def _generate_city(seed: int, started: float) -> GeneratedScenario:
    parts = []
    for k, (geography, schools) in enumerate(zip(CITY_DISTRICTS, CITY_SIZES, strict=True)):
        part_seed = seed * 100 + k + 1
        rng = random.Random(part_seed)
        spec = district_spec(
            rng, geography, schools, f"city {k + 1}: {geography.name} (seed {part_seed})"
        )
        part = _finish("city", part_seed, spec, rng, time.monotonic())
        part.stats["district"] = geography.name
        parts.append(part)
    first = parts[0]
    pupils = sum(p.stats["pupils"] for p in parts)
    notes = f"city (seed {seed}): {len(parts)} districts, {pupils} pupils: " + "; ".join(
        f"{p.instance.name}: {p.stats['pupils']} pupils" for p in parts
    )
    stats = {
        "districts": len(parts),
        "pupils": pupils,
        "seconds": round(time.monotonic() - started, 2),
    }
    return GeneratedScenario(
        scenario="city",
        seed=seed,
        instance=first.instance,
        witness=first.witness,
        coverage_bound=1.0,
        notes=notes,
        argument=first.argument,
        stats=stats,
        parts=tuple(parts),
    )


SCENARIOS = ("tiny", "school", "district", "tight", "short", "city")

__all__ = ["SCENARIOS", "GeneratedScenario", "generate", "school_week"]
