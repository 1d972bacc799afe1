"""The instance of spec/PROBLEM.md as validated dataclasses.

``Instance.from_dict`` reads the JSON form and refuses an instance that breaks
the spec with *every* problem listed by path (``pupils[812].class: unknown
class "K99"``), so a coordinator's export can be fixed in one pass.
Times are minutes since midnight from here on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from solver.times import DAYS, Interval, format_time, merge, parse_time

FORMAT = "extended-day-instance/1"
WEIGHT_NAMES = (
    "preference",
    "mixed_classes",
    "day_load",
    "siblings",
    "coach_site_changes",
    "coach_idle",
    "stability",
)


class InstanceError(ValueError):
    """An instance that breaks the spec; ``problems`` lists each one by path."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the instance:\n{shown}{more}")


@dataclass(frozen=True)
class Category:
    id: str
    name: str


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    kind: str  # "school" | "venue"
    window: dict[str, Interval] = field(default_factory=dict)


@dataclass(frozen=True)
class Room:
    id: str
    site: str
    name: str
    kinds: tuple[str, ...]
    capacity: int
    # None: available the whole day.
    available: dict[str, list[Interval]] | None = None


@dataclass(frozen=True)
class Coach:
    id: str
    organisation: str
    skills: tuple[str, ...]
    available: dict[str, list[Interval]]
    max_minutes_per_week: int
    max_minutes_per_day: int
    # None: any site.
    sites: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Activity:
    id: str
    name: str
    category: str
    minutes: int
    min_group: int
    max_group: int
    grades: tuple[int, int]
    room_kinds: tuple[str, ...]
    skill: str
    coaches: int = 1
    max_per_week: int | None = None


@dataclass(frozen=True)
class Programme:
    id: str
    grades: tuple[int, int]
    total_minutes: int
    category_minutes: dict[str, int]
    max_minutes_per_day: int
    preferred_minutes_per_day: int


@dataclass(frozen=True)
class ClassGroup:
    id: str
    site: str
    name: str


@dataclass(frozen=True)
class Pupil:
    id: str
    class_id: str
    grade: int
    preferences: dict[str, tuple[str, ...]] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    unavailable: dict[str, list[Interval]] = field(default_factory=dict)
    family: str | None = None


@dataclass(frozen=True)
class Weights:
    preference: int = 0
    mixed_classes: int = 0
    day_load: int = 0
    siblings: int = 0
    coach_site_changes: int = 0
    coach_idle: int = 0
    stability: int = 0


@dataclass(frozen=True, eq=False)
class Instance:
    name: str
    days: tuple[str, ...]
    slot_minutes: int
    categories: tuple[Category, ...]
    sites: tuple[Site, ...]
    travel: dict[tuple[str, str], int]  # both directions present
    max_pupil_travel_minutes: int
    rooms: tuple[Room, ...]
    coaches: tuple[Coach, ...]
    activities: tuple[Activity, ...]
    programmes: tuple[Programme, ...]
    classes: tuple[ClassGroup, ...]
    pupils: tuple[Pupil, ...]
    weights: Weights
    # The previous solution as JSON (a dict); parsed by solver.solution.
    previous: dict[str, Any] | None = None

    # Lookups by id; built once, the dataclass is frozen.
    @cached_property
    def site(self) -> dict[str, Site]:
        return {s.id: s for s in self.sites}

    @cached_property
    def room(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def coach(self) -> dict[str, Coach]:
        return {c.id: c for c in self.coaches}

    @cached_property
    def activity(self) -> dict[str, Activity]:
        return {a.id: a for a in self.activities}

    @cached_property
    def class_group(self) -> dict[str, ClassGroup]:
        return {c.id: c for c in self.classes}

    @cached_property
    def pupil(self) -> dict[str, Pupil]:
        return {p.id: p for p in self.pupils}

    def travel_minutes(self, a: str, b: str) -> int | None:
        """Minutes between two sites; 0 for the same site; None when unreachable."""
        if a == b:
            return 0
        return self.travel.get((a, b))

    def school_of(self, pupil: Pupil) -> str:
        return self.class_group[pupil.class_id].site

    def programme_of(self, pupil: Pupil) -> Programme:
        return self.programme_for_grade[pupil.grade]

    @cached_property
    def programme_for_grade(self) -> dict[int, Programme]:
        return {grade: p for p in self.programmes for grade in range(p.grades[0], p.grades[1] + 1)}

    # -- JSON ---------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Any) -> Instance:
        return _InstanceReader(data).read()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "name": self.name,
            "days": list(self.days),
            "slot_minutes": self.slot_minutes,
            "categories": [{"id": c.id, "name": c.name} for c in self.categories],
            "sites": [_site_dict(s) for s in self.sites],
            "travel_minutes": [
                {"from": a, "to": b, "minutes": m} for (a, b), m in self.travel.items() if a < b
            ],
            "max_pupil_travel_minutes": self.max_pupil_travel_minutes,
            "rooms": [_room_dict(r) for r in self.rooms],
            "coaches": [_coach_dict(c) for c in self.coaches],
            "activities": [activity_to_dict(a) for a in self.activities],
            "programmes": [
                {
                    "id": p.id,
                    "grades": list(p.grades),
                    "total_minutes": p.total_minutes,
                    "category_minutes": dict(p.category_minutes),
                    "max_minutes_per_day": p.max_minutes_per_day,
                    "preferred_minutes_per_day": p.preferred_minutes_per_day,
                }
                for p in self.programmes
            ],
            "classes": [{"id": c.id, "site": c.site, "name": c.name} for c in self.classes],
            "pupils": [_pupil_dict(p) for p in self.pupils],
            "weights": {name: getattr(self.weights, name) for name in WEIGHT_NAMES},
        }
        if self.previous is not None:
            data["previous"] = self.previous
        return data


def load_instance(path: str | Path) -> Instance:
    with open(path, encoding="utf-8") as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as error:
            raise InstanceError([f"not valid JSON: {error}"]) from error
    return Instance.from_dict(data)


def save_instance(instance: Instance, path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(instance.to_dict(), handle, ensure_ascii=False, indent=1)
        handle.write("\n")


# -- writing ----------------------------------------------------------------


def _intervals_dict(by_day: dict[str, list[Interval]]) -> dict[str, list[list[str]]]:
    return {
        day: [[format_time(a), format_time(b)] for a, b in spans] for day, spans in by_day.items()
    }


def _site_dict(site: Site) -> dict[str, Any]:
    data: dict[str, Any] = {"id": site.id, "name": site.name, "kind": site.kind}
    if site.kind == "school":
        data["window"] = {d: [format_time(a), format_time(b)] for d, (a, b) in site.window.items()}
    return data


def _room_dict(room: Room) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": room.id,
        "site": room.site,
        "name": room.name,
        "kinds": list(room.kinds),
        "capacity": room.capacity,
    }
    if room.available is not None:
        data["available"] = _intervals_dict(room.available)
    return data


def _coach_dict(coach: Coach) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": coach.id,
        "organisation": coach.organisation,
        "skills": list(coach.skills),
        "available": _intervals_dict(coach.available),
        "max_minutes_per_week": coach.max_minutes_per_week,
        "max_minutes_per_day": coach.max_minutes_per_day,
    }
    if coach.sites is not None:
        data["sites"] = list(coach.sites)
    return data


def activity_to_dict(activity: Activity) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": activity.id,
        "name": activity.name,
        "category": activity.category,
        "minutes": activity.minutes,
        "min_group": activity.min_group,
        "max_group": activity.max_group,
        "grades": list(activity.grades),
        "room_kinds": list(activity.room_kinds),
        "skill": activity.skill,
        "coaches": activity.coaches,
    }
    if activity.max_per_week is not None:
        data["max_per_week"] = activity.max_per_week
    return data


def _pupil_dict(pupil: Pupil) -> dict[str, Any]:
    data: dict[str, Any] = {"id": pupil.id, "class": pupil.class_id, "grade": pupil.grade}
    if pupil.preferences:
        data["preferences"] = {c: list(ids) for c, ids in pupil.preferences.items()}
    if pupil.required:
        data["required"] = list(pupil.required)
    if pupil.unavailable:
        data["unavailable"] = _intervals_dict(pupil.unavailable)
    if pupil.family is not None:
        data["family"] = pupil.family
    return data


# -- reading ----------------------------------------------------------------


class _Missing:
    pass


_MISSING = _Missing()


class _InstanceReader:
    """Reads the JSON form, collecting every problem with its path."""

    def __init__(self, data: Any):
        self.data = data
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    # primitives: each returns a usable fallback after recording a problem

    def get(self, obj: Any, key: str, path: str, default: Any = _MISSING) -> Any:
        if not isinstance(obj, dict):
            return default if default is not _MISSING else None
        if key not in obj:
            if default is _MISSING:
                self.problem(path, f'missing field "{key}"')
                return None
            return default
        return obj[key]

    def text(self, obj: Any, key: str, path: str, default: Any = _MISSING) -> str:
        value = self.get(obj, key, path, default)
        if value is None or value is default:
            return value if isinstance(value, str) else ""
        if not isinstance(value, str) or not value:
            self.problem(f"{path}.{key}", "must be a non-empty text")
            return ""
        return value

    def integer(self, obj: Any, key: str, path: str, default: Any = _MISSING, low: int = 0) -> int:
        value = self.get(obj, key, path, default)
        if value is None:
            return default if isinstance(default, int) else 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"{path}.{key}", f"must be a whole number, not {value!r}")
            return low
        if value < low:
            self.problem(f"{path}.{key}", f"must be at least {low}, not {value}")
            return low
        return value

    def items(self, obj: Any, key: str, path: str, default: Any = _MISSING) -> list[Any]:
        value = self.get(obj, key, path, default)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"{path}.{key}", "must be a list")
            return []
        return value

    def time(self, value: Any, path: str) -> int | None:
        try:
            minutes = parse_time(value)
        except ValueError as error:
            self.problem(path, str(error))
            return None
        if minutes % self.slot:
            self.problem(path, f"{value} is not on the {self.slot}-minute grid")
        return minutes

    def span(self, value: Any, path: str) -> Interval | None:
        if not (isinstance(value, list) and len(value) == 2):
            self.problem(path, 'must be a pair ["HH:MM", "HH:MM"]')
            return None
        start, end = self.time(value[0], f"{path}[0]"), self.time(value[1], f"{path}[1]")
        if start is None or end is None:
            return None
        if end <= start:
            self.problem(path, f"ends ({value[1]}) before it starts ({value[0]})")
            return None
        return start, end

    def day(self, day: Any, path: str) -> bool:
        if day not in DAYS:
            self.problem(path, f'unknown day "{day}" (use {", ".join(DAYS)})')
            return False
        return True

    def spans_by_day(self, value: Any, path: str) -> dict[str, list[Interval]]:
        if not isinstance(value, dict):
            self.problem(path, "must map days to lists of intervals")
            return {}
        result: dict[str, list[Interval]] = {}
        for day, spans in value.items():
            if not self.day(day, f"{path}.{day}"):
                continue
            if not isinstance(spans, list):
                self.problem(f"{path}.{day}", "must be a list of intervals")
                continue
            parsed = [self.span(s, f"{path}.{day}[{i}]") for i, s in enumerate(spans)]
            result[day] = merge([s for s in parsed if s is not None])
        return result

    def grades(self, obj: Any, path: str) -> tuple[int, int]:
        value = self.get(obj, "grades", path)
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(g, int) and not isinstance(g, bool) for g in value)
        ):
            if value is not None:
                self.problem(f"{path}.grades", "must be a pair [lowest, highest] of grades")
            return (0, -1)
        lo, hi = value
        if not (1 <= lo <= hi <= 8):
            self.problem(f"{path}.grades", f"[{lo}, {hi}] is not a range of grades 1-8")
        return (lo, hi)

    def string_list(self, obj: Any, key: str, path: str, default: Any = _MISSING) -> list[str]:
        values = self.items(obj, key, path, default)
        good = []
        for i, value in enumerate(values):
            if isinstance(value, str) and value:
                good.append(value)
            else:
                self.problem(f"{path}.{key}[{i}]", "must be a non-empty text")
        return good

    def unique_ids(self, entries: list[Any], key: str) -> set[str]:
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                self.problem(f"{key}[{i}]", "must be an object")
                continue
            ident = entry.get("id")
            if not isinstance(ident, str) or not ident:
                self.problem(f"{key}[{i}].id", "must be a non-empty text")
            elif ident in seen:
                self.problem(f"{key}[{i}].id", f'duplicate id "{ident}"')
            else:
                seen.add(ident)
        return seen

    def reference(self, value: str, known: Iterable[str], path: str, what: str) -> None:
        if value and value not in known:
            self.problem(path, f'unknown {what} "{value}"')

    # the instance

    def read(self) -> Instance:
        data = self.data
        if not isinstance(data, dict):
            raise InstanceError(["the instance must be a JSON object"])
        if data.get("format") != FORMAT:
            self.problem("format", f'must be "{FORMAT}", not {data.get("format")!r}')
        self.slot = self.integer(data, "slot_minutes", "", default=15, low=1) or 15
        name = self.text(data, "name", "")
        days = self.string_list(data, "days", "")
        for i, day in enumerate(days):
            self.day(day, f"days[{i}]")

        raw = {
            key: self.items(data, key, "")
            for key in (
                "categories",
                "sites",
                "rooms",
                "coaches",
                "activities",
                "programmes",
                "classes",
                "pupils",
            )
        }
        ids = {key: self.unique_ids(entries, key) for key, entries in raw.items()}
        self.ids = ids

        categories = tuple(
            Category(id=c.get("id", ""), name=self.text(c, "name", f"categories[{i}]"))
            for i, c in enumerate(raw["categories"])
            if isinstance(c, dict)
        )
        sites = tuple(self.read_site(s, f"sites[{i}]") for i, s in enumerate(raw["sites"]))
        travel = self.read_travel(self.items(data, "travel_minutes", "", default=[]))
        rooms = tuple(self.read_room(r, f"rooms[{i}]") for i, r in enumerate(raw["rooms"]))
        coaches = tuple(self.read_coach(c, f"coaches[{i}]") for i, c in enumerate(raw["coaches"]))
        activities = tuple(
            self.read_activity(a, f"activities[{i}]") for i, a in enumerate(raw["activities"])
        )
        programmes = tuple(
            self.read_programme(p, f"programmes[{i}]") for i, p in enumerate(raw["programmes"])
        )
        self.check_programme_grades(programmes)
        classes = tuple(self.read_class(c, f"classes[{i}]") for i, c in enumerate(raw["classes"]))
        self.activity_categories = {a.id: a.category for a in activities}
        self.covered_grades = {g for p in programmes for g in range(p.grades[0], p.grades[1] + 1)}
        pupils = tuple(self.read_pupil(p, f"pupils[{i}]") for i, p in enumerate(raw["pupils"]))
        weights = self.read_weights(self.get(data, "weights", "", default={}))
        previous = data.get("previous")
        if previous is not None and not isinstance(previous, dict):
            self.problem("previous", "must be a solution object")
            previous = None

        if self.problems:
            raise InstanceError(self.problems)
        return Instance(
            name=name,
            days=tuple(days),
            slot_minutes=self.slot,
            categories=categories,
            sites=sites,
            travel=travel,
            max_pupil_travel_minutes=self.integer(data, "max_pupil_travel_minutes", "", default=0),
            rooms=rooms,
            coaches=coaches,
            activities=activities,
            programmes=programmes,
            classes=classes,
            pupils=pupils,
            weights=weights,
            previous=previous,
        )

    def read_site(self, s: Any, path: str) -> Site:
        kind = self.get(s, "kind", path)
        if kind not in ("school", "venue", None):
            self.problem(f"{path}.kind", f'must be "school" or "venue", not {kind!r}')
        window: dict[str, Interval] = {}
        raw_window = self.get(s, "window", path, default=None)
        if raw_window is not None:
            if kind == "venue":
                self.problem(f"{path}.window", "a venue has no extended-day window")
            elif not isinstance(raw_window, dict):
                self.problem(f"{path}.window", 'must map days to ["HH:MM", "HH:MM"]')
            else:
                for day, span in raw_window.items():
                    if self.day(day, f"{path}.window.{day}"):
                        parsed = self.span(span, f"{path}.window.{day}")
                        if parsed is not None:
                            window[day] = parsed
        return Site(
            id=self.text(s, "id", path),
            name=self.text(s, "name", path),
            kind=kind or "school",
            window=window,
        )

    def read_travel(self, entries: list[Any]) -> dict[tuple[str, str], int]:
        travel: dict[tuple[str, str], int] = {}
        for i, entry in enumerate(entries):
            path = f"travel_minutes[{i}]"
            a, b = self.text(entry, "from", path), self.text(entry, "to", path)
            self.reference(a, self.ids["sites"], f"{path}.from", "site")
            self.reference(b, self.ids["sites"], f"{path}.to", "site")
            minutes = self.integer(entry, "minutes", path)
            if a and a == b:
                self.problem(path, f'travel from "{a}" to itself')
            elif (a, b) in travel and travel[(a, b)] != minutes:
                self.problem(path, f'travel between "{a}" and "{b}" given twice, differently')
            travel[(a, b)] = travel[(b, a)] = minutes
        return travel

    def read_room(self, r: Any, path: str) -> Room:
        site = self.text(r, "site", path)
        self.reference(site, self.ids["sites"], f"{path}.site", "site")
        available = self.get(r, "available", path, default=None)
        return Room(
            id=self.text(r, "id", path),
            site=site,
            name=self.text(r, "name", path),
            kinds=tuple(self.string_list(r, "kinds", path)),
            capacity=self.integer(r, "capacity", path, low=1),
            available=None
            if available is None
            else self.spans_by_day(available, f"{path}.available"),
        )

    def read_coach(self, c: Any, path: str) -> Coach:
        sites = self.get(c, "sites", path, default=None)
        if sites is not None:
            sites = self.string_list(c, "sites", path)
            for i, site in enumerate(sites):
                self.reference(site, self.ids["sites"], f"{path}.sites[{i}]", "site")
        return Coach(
            id=self.text(c, "id", path),
            organisation=self.text(c, "organisation", path, default="") or "",
            skills=tuple(self.string_list(c, "skills", path)),
            available=self.spans_by_day(
                self.get(c, "available", path, default={}), f"{path}.available"
            ),
            max_minutes_per_week=self.integer(c, "max_minutes_per_week", path),
            max_minutes_per_day=self.integer(c, "max_minutes_per_day", path),
            sites=None if sites is None else tuple(sites),
        )

    def read_activity(self, a: Any, path: str) -> Activity:
        category = self.text(a, "category", path)
        self.reference(category, self.ids["categories"], f"{path}.category", "category")
        minutes = self.integer(a, "minutes", path, low=1)
        if minutes % self.slot:
            self.problem(f"{path}.minutes", f"{minutes} is not a multiple of {self.slot}")
        min_group = self.integer(a, "min_group", path, low=1)
        max_group = self.integer(a, "max_group", path, low=1)
        if max_group < min_group:
            self.problem(f"{path}.max_group", f"{max_group} is below min_group {min_group}")
        max_per_week = self.get(a, "max_per_week", path, default=None)
        if max_per_week is not None:
            max_per_week = self.integer(a, "max_per_week", path, low=1)
        return Activity(
            id=self.text(a, "id", path),
            name=self.text(a, "name", path),
            category=category,
            minutes=minutes,
            min_group=min_group,
            max_group=max_group,
            grades=self.grades(a, path),
            room_kinds=tuple(self.string_list(a, "room_kinds", path)),
            skill=self.text(a, "skill", path),
            coaches=self.integer(a, "coaches", path, default=1, low=1),
            max_per_week=max_per_week,
        )

    def read_programme(self, p: Any, path: str) -> Programme:
        raw_minimums = self.get(p, "category_minutes", path, default={})
        minimums: dict[str, int] = {}
        if not isinstance(raw_minimums, dict):
            self.problem(f"{path}.category_minutes", "must map categories to minutes")
        else:
            for category in raw_minimums:
                self.reference(
                    category,
                    self.ids["categories"],
                    f"{path}.category_minutes.{category}",
                    "category",
                )
                minimums[category] = self.integer(
                    raw_minimums, category, f"{path}.category_minutes"
                )
        return Programme(
            id=self.text(p, "id", path),
            grades=self.grades(p, path),
            total_minutes=self.integer(p, "total_minutes", path),
            category_minutes=minimums,
            max_minutes_per_day=self.integer(p, "max_minutes_per_day", path),
            preferred_minutes_per_day=self.integer(p, "preferred_minutes_per_day", path),
        )

    def check_programme_grades(self, programmes: tuple[Programme, ...]) -> None:
        owner: dict[int, str] = {}
        for i, programme in enumerate(programmes):
            for grade in range(programme.grades[0], programme.grades[1] + 1):
                if grade in owner:
                    self.problem(
                        f"programmes[{i}].grades",
                        f'grade {grade} is also in programme "{owner[grade]}"',
                    )
                owner[grade] = programme.id

    def read_class(self, c: Any, path: str) -> ClassGroup:
        site = self.text(c, "site", path)
        self.reference(site, self.ids["sites"], f"{path}.site", "site")
        return ClassGroup(id=self.text(c, "id", path), site=site, name=self.text(c, "name", path))

    def read_pupil(self, p: Any, path: str) -> Pupil:
        class_id = self.text(p, "class", path)
        self.reference(class_id, self.ids["classes"], f"{path}.class", "class")
        grade = self.integer(p, "grade", path, low=1)
        if grade and grade not in self.covered_grades:
            self.problem(f"{path}.grade", f"grade {grade} is in no programme")
        preferences: dict[str, tuple[str, ...]] = {}
        raw_preferences = self.get(p, "preferences", path, default={})
        if not isinstance(raw_preferences, dict):
            self.problem(f"{path}.preferences", "must map categories to lists of activities")
        else:
            for category in raw_preferences:
                where = f"{path}.preferences.{category}"
                self.reference(category, self.ids["categories"], where, "category")
                ranked = self.string_list(raw_preferences, category, f"{path}.preferences")
                for i, activity in enumerate(ranked):
                    self.reference(activity, self.ids["activities"], f"{where}[{i}]", "activity")
                    known = self.activity_categories.get(activity)
                    if known is not None and known != category:
                        self.problem(
                            f"{where}[{i}]",
                            f'activity "{activity}" is not in category "{category}"',
                        )
                if len(set(ranked)) != len(ranked):
                    self.problem(where, "lists an activity twice")
                preferences[category] = tuple(ranked)
        required = self.string_list(p, "required", path, default=[])
        for i, activity in enumerate(required):
            self.reference(activity, self.ids["activities"], f"{path}.required[{i}]", "activity")
        unavailable = self.get(p, "unavailable", path, default={})
        family = self.get(p, "family", path, default=None)
        if family is not None and not (isinstance(family, str) and family):
            self.problem(f"{path}.family", "must be a non-empty text")
            family = None
        return Pupil(
            id=self.text(p, "id", path),
            class_id=class_id,
            grade=grade,
            preferences=preferences,
            required=tuple(required),
            unavailable=self.spans_by_day(unavailable, f"{path}.unavailable"),
            family=family,
        )

    def read_weights(self, raw: Any) -> Weights:
        if not isinstance(raw, dict):
            self.problem("weights", "must map term names to whole numbers")
            return Weights()
        for key in raw:
            if key not in WEIGHT_NAMES:
                self.problem(f"weights.{key}", f"unknown term (use {', '.join(WEIGHT_NAMES)})")
        return Weights(**{n: self.integer(raw, n, "weights", default=0) for n in WEIGHT_NAMES})
