"""Build a district around a witness timetable, then derive its resources.

The construction, in the order the code runs it:

1. **Sites, rooms, travel.** Schools and venues from the spec; travel minutes
   from distances (entries only where reachable: school-school up to 15
   minutes, school-venue 10-15).
2. **Pupils.** Classes filled with pupils; ranked preferences, required extra
   tutoring and siblings are drawn *before* the timetable so it honours them.
3. **Class plans (the witness).** Class by class (every class's sport minimum
   first, sport rooms being scarcest), a week of blocks: a block is a period of
   the school's grid, one category, one length (or a venue within reach: it
   starts a walk later and either leaves time to walk back within the period
   or is the class's last block that day; one venue a day). The class is split
   into parallel groups, one session each (activity, room, pupils), group
   sizes within the activity's limits, required activities and "at most once a
   day / max_per_week" respected. A school runs at most ``room_headroom`` x its
   mean number of sessions at once, levelled over its periods. Every pupil ends
   with exactly the programme's minutes and every category minimum (except
   where a scenario caps sport on purpose: ``short``). Each school's rooms are
   then packed (bipartite matching per period) and the unused ones mostly dropped.
4. **Coaches.** Sessions in time order, each given coaches greedily (skill,
   free, travel between sites, one place at a time, daily and weekly load);
   a new coach of a fitting partner organisation is hired when nobody fits.
5. **Derived resources with slack.** Coaches are available whole afternoons on
   the days they work (as partners state it); their weekly and daily maxima
   are what the witness uses times ``coach_slack``; some coaches are tied to
   the sites they work at. Pupils' unavailability (a weekly appointment) is
   placed where the witness leaves them free.

The result is an instance for which the witness is a valid solution with full
coverage (or, for ``short``, coverage exactly at the stated bound).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from solver.generator.catalogue import REQUIRED_ACTIVITIES
from solver.generator.config import DistrictSpec, RoomSpec, SchoolSpec, Span
from solver.instance import Activity, activity_to_dict
from solver.times import format_time

DAY_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class GenerationError(RuntimeError):
    """The construction could not place what it had to (a bug or a bad spec)."""


def ceil15(minutes: float) -> int:
    return int(math.ceil(minutes / 15 - 1e-9)) * 15


def _spans_json(spans: dict[str, list[Span]]) -> dict[str, list[list[str]]]:
    return {
        day: [[format_time(a), format_time(b)] for a, b in spans[day]]
        for day in DAY_ORDER
        if day in spans
    }


# -- state during construction ------------------------------------------------


@dataclass
class Room:
    id: str
    site: str
    name: str
    kinds: tuple[str, ...]
    capacity: int
    available: dict[str, list[Span]] | None
    busy: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))

    def free(self, day: str, start: int, end: int) -> bool:
        if self.available is not None and not any(
            a <= start and end <= b for a, b in self.available.get(day, ())
        ):
            return False
        return all(b <= start or end <= a for a, b in self.busy.get(day, ()))


@dataclass
class Site:
    id: str
    name: str
    kind: str
    x: float
    y: float
    window: dict[str, Span] = field(default_factory=dict)
    periods: dict[str, list[Span]] = field(default_factory=dict)
    rooms: list[Room] = field(default_factory=list)
    isolated: bool = False
    spec: SchoolSpec | None = None
    # Most sessions at once during the witness (rooms and coaches follow from it).
    cap: int = 0


@dataclass
class Pupil:
    id: str
    class_id: str
    grade: int
    preferences: dict[str, list[str]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    family: str | None = None
    unavailable: dict[str, list[Span]] = field(default_factory=dict)


@dataclass
class Group:
    activity: Activity
    room: Room
    pupils: list[Pupil]


@dataclass
class Block:
    day: str
    period: int
    start: int
    minutes: int
    category: str
    site: str
    groups: list[Group]
    fixed: bool = False


@dataclass
class Klass:
    id: str
    name: str
    site: Site
    grades: tuple[int, ...]
    pupils: list[Pupil]
    programme: Any  # ProgrammeSpec
    # (category, minutes) the class may be given: every grade has an activity for it.
    options: dict[str, list[int]] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    # Categories this class gets no (more) of, with the minutes it keeps: ``short``.
    capped: dict[str, int] = field(default_factory=dict)
    # Pupils with preferences or required activities (the ones a split must heed).
    choosy: list[Pupil] = field(default_factory=list)


@dataclass
class Session:
    activity: Activity
    day: str
    start: int
    end: int
    room: Room
    pupils: list[Pupil]
    coaches: list[str] = field(default_factory=list)


@dataclass
class Coach:
    id: str
    organisation: str
    skills: list[str]
    day_cap: int
    week_cap: int
    week_used: int = 0
    days: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # (start, end, site)
    home_sites: list[str] = field(default_factory=list)
    minutes: dict[str, int] = field(default_factory=dict)  # per day

    def day_used(self, day: str) -> int:
        return self.minutes.get(day, 0)


@dataclass
class Built:
    instance: dict[str, Any]
    sessions: list[dict[str, Any]]
    stats: dict[str, Any]


# -- the builder ---------------------------------------------------------------


class DistrictBuilder:
    """Turns a ``DistrictSpec`` into an instance dict and its witness sessions."""

    ATTEMPTS = 12

    def __init__(self, spec: DistrictSpec, rng: random.Random):
        self.spec = spec
        self.rng = rng
        self.activities = {a.id: a for a in spec.activities}
        self.by_cat_len: dict[tuple[str, int], list[Activity]] = defaultdict(list)
        for a in spec.activities:
            self.by_cat_len[(a.category, a.minutes)].append(a)
        self.categories = sorted({a.category for a in spec.activities})
        self.sites: list[Site] = []
        self.site: dict[str, Site] = {}
        self.travel: dict[tuple[str, str], int] = {}
        self.classes: list[Klass] = []
        self.pupils: list[Pupil] = []
        self.sessions: list[Session] = []
        self.coaches: list[Coach] = []
        self.reach: dict[str, list[tuple[Site, int]]] = {}
        self.extra_rooms = 0
        self.pruned_rooms = 0
        self._reachable: dict[tuple, frozenset[int]] = {}
        self._class_acts: dict[tuple, list[Activity]] = {}
        self._eligible_cache: dict[tuple[str, int], list[Activity]] = {}
        self.load: dict[tuple, int] = defaultdict(int)

    # 1. sites, rooms, travel ---------------------------------------------------

    def make_sites(self) -> None:
        for school in self.spec.schools:
            site = Site(
                school.id,
                school.name,
                "school",
                school.x,
                school.y,
                dict(school.window),
                {d: list(p) for d, p in school.periods.items()},
                isolated=school.isolated,
                spec=school,
            )
            site.rooms = self._rooms(site.id, school.rooms)
            self._add_site(site)
        for venue in self.spec.venues:
            site = Site(venue.id, venue.name, "venue", venue.x, venue.y)
            site.rooms = self._rooms(site.id, venue.rooms)
            self._add_site(site)
        for i, a in enumerate(self.sites):
            for b in self.sites[i + 1 :]:
                minutes = self._travel_minutes(a, b)
                if minutes is not None:
                    self.travel[(a.id, b.id)] = self.travel[(b.id, a.id)] = minutes
        limit = self.spec.max_pupil_travel_minutes
        for site in self.sites:
            if site.kind == "school":
                self.reach[site.id] = [
                    (v, self.travel[(site.id, v.id)])
                    for v in self.sites
                    if v.kind == "venue"
                    and (site.id, v.id) in self.travel
                    and self.travel[(site.id, v.id)] <= limit
                ]

    def _add_site(self, site: Site) -> None:
        self.sites.append(site)
        self.site[site.id] = site

    @staticmethod
    def _rooms(site_id: str, specs: list[RoomSpec]) -> list[Room]:
        return [
            Room(
                f"{site_id}-R{i + 1:02d}",
                site_id,
                spec.name,
                tuple(spec.kinds),
                spec.capacity,
                None if spec.available is None else {d: list(s) for d, s in spec.available.items()},
            )
            for i, spec in enumerate(specs)
        ]

    @staticmethod
    def _travel_minutes(a: Site, b: Site) -> int | None:
        if a.isolated or b.isolated:
            return None
        distance = math.hypot(a.x - b.x, a.y - b.y)
        if a.kind == "venue" and b.kind == "venue":
            minutes = max(5, round(4 + 4 * distance))
            return minutes if minutes <= 20 else None
        if a.kind == "venue" or b.kind == "venue":
            # Pupils walk with an escort: at least 10 minutes to any venue.
            minutes = 10 + round(2.5 * distance)
            return minutes if minutes <= 15 else None
        minutes = max(5, round(4 + 4 * distance))
        return minutes if minutes <= 15 else None

    def reachable(self, lengths: tuple[int, ...], total: int) -> frozenset[int]:
        """The sums (up to ``total``) that blocks of these lengths can make up."""
        key = (lengths, total)
        if key not in self._reachable:
            sums = {0}
            for value in range(1, total + 1):
                if any(value - m in sums for m in lengths if m <= value):
                    sums.add(value)
            self._reachable[key] = frozenset(sums)
        return self._reachable[key]

    def class_activities(self, klass: Klass, category: str, minutes: int) -> list[Activity]:
        """Activities of this category and length that some grade of the class may join."""
        key = (klass.id, category, minutes)
        if key not in self._class_acts:
            self._class_acts[key] = [
                a
                for a in self.by_cat_len.get((category, minutes), ())
                if any(a.grades[0] <= g <= a.grades[1] for g in klass.grades)
            ]
        return self._class_acts[key]

    def travel_between(self, a: str, b: str) -> int | None:
        return 0 if a == b else self.travel.get((a, b))

    # 2. pupils -------------------------------------------------------------------

    def make_pupils(self) -> None:
        rng = self.rng
        programmes = self.spec.programmes
        serial = 0
        for site in self.sites:
            if site.spec is None:
                continue
            for k, cspec in enumerate(site.spec.classes):
                class_id = f"{site.id}-K{k + 1:02d}"
                grades = tuple(cspec.grades)
                if len(grades) == 1:
                    pupil_grades = [grades[0]] * cspec.size
                else:
                    first = cspec.size // 2 + rng.choice((-2, -1, 0, 1, 2))
                    pupil_grades = [grades[0]] * first + [grades[1]] * (cspec.size - first)
                programme = next(p for p in programmes if p.grades[0] <= grades[0] <= p.grades[1])
                if any(not (programme.grades[0] <= g <= programme.grades[1]) for g in grades):
                    raise GenerationError(f"class {cspec.name} spans two programmes")
                pupils = []
                for grade in pupil_grades:
                    serial += 1
                    pupils.append(Pupil(f"P{serial:05d}", class_id, grade))
                klass = Klass(class_id, cspec.name, site, grades, pupils, programme)
                klass.options = self._class_options(klass)
                self.classes.append(klass)
                self.pupils.extend(pupils)
        self._draw_preferences()
        self._draw_required()
        self._draw_siblings()
        for klass in self.classes:
            klass.choosy = [p for p in klass.pupils if p.preferences or p.required]

    def _class_options(self, klass: Klass) -> dict[str, list[int]]:
        options: dict[str, list[int]] = defaultdict(list)
        for (category, minutes), acts in sorted(self.by_cat_len.items()):
            if all(any(a.grades[0] <= g <= a.grades[1] for a in acts) for g in klass.grades):
                options[category].append(minutes)
        return dict(options)

    def _eligible(self, category: str, grade: int) -> list[Activity]:
        key = (category, grade)
        if key not in self._eligible_cache:
            self._eligible_cache[key] = [
                a
                for a in self.spec.activities
                if a.category == category and a.grades[0] <= grade <= a.grades[1]
            ]
        return self._eligible_cache[key]

    def _draw_preferences(self) -> None:
        rng = self.rng
        # Popularity makes preferences cluster as they do in real surveys.
        popularity = {a.id: rng.uniform(0.5, 2.0) for a in self.spec.activities}
        for pupil in self.pupils:
            if rng.random() >= self.spec.preference_share:
                continue
            categories = [
                c for c in ("sport", "culture", "career", "tutoring") if c in self.categories
            ]
            weights = {"sport": 5, "culture": 4, "career": 2, "tutoring": 1}
            wanted = rng.choice((1, 1, 2, 2, 3))
            chosen: list[str] = []
            for _ in range(wanted):
                pool = [c for c in categories if c not in chosen and self._eligible(c, pupil.grade)]
                if not pool:
                    break
                chosen.append(rng.choices(pool, [weights[c] for c in pool])[0])
            for category in sorted(chosen, key=categories.index):
                acts = self._eligible(category, pupil.grade)
                length = min(len(acts), rng.choice((1, 2, 2, 3, 3)))
                ranked: list[str] = []
                pool = list(acts)
                for _ in range(length):
                    pick = rng.choices(pool, [popularity[a.id] for a in pool])[0]
                    ranked.append(pick.id)
                    pool.remove(pick)
                pupil.preferences[category] = ranked

    def _draw_required(self) -> None:
        rng = self.rng
        required = [a for a in REQUIRED_ACTIVITIES if a in self.activities]
        if not required:
            return
        options = {
            p.id: [
                a
                for a in required
                if self.activities[a].grades[0] <= p.grade <= self.activities[a].grades[1]
            ]
            for p in self.pupils
        }
        # The share is of all pupils; only some grades can be given these activities.
        able = sum(1 for p in self.pupils if options[p.id])
        chance = min(1.0, self.spec.required_share * len(self.pupils) / max(1, able))
        for pupil in self.pupils:
            if options[pupil.id] and rng.random() < chance:
                pupil.required = [rng.choice(options[pupil.id])]

    def _draw_siblings(self) -> None:
        rng = self.rng
        by_school: dict[str, list[Pupil]] = defaultdict(list)
        for klass in self.classes:
            by_school[klass.site.id].extend(klass.pupils)
        family = 0
        for site_id in sorted(by_school):
            pupils = list(by_school[site_id])
            target = round(len(pupils) * self.spec.sibling_share)
            rng.shuffle(pupils)
            taken = 0
            index = 0
            while taken + 2 <= target and index < len(pupils):
                size = 3 if rng.random() < 0.2 and taken + 3 <= target else 2
                members = [pupils[index]]
                j = index + 1
                while len(members) < size and j < len(pupils):
                    candidate = pupils[j]
                    if candidate.family is None and all(
                        candidate.class_id != m.class_id for m in members
                    ):
                        members.append(candidate)
                        pupils.pop(j)
                    else:
                        j += 1
                index += 1
                if len(members) < 2:
                    continue
                family += 1
                for member in members:
                    member.family = f"F{family:04d}"
                taken += len(members)

    # 3. class plans ------------------------------------------------------------

    def set_caps(self) -> None:
        """Sessions a school may run at once: its average need with 25% to spare."""
        demand: dict[str, int] = defaultdict(int)
        for klass in self.classes:
            demand[klass.site.id] += len(klass.pupils) * klass.programme.total_minutes
        for site in self.sites:
            if site.kind == "school":
                window = sum(b - a for a, b in site.window.values())
                mean = demand[site.id] / self.spec.mean_group_estimate / max(1, window)
                site.cap = max(2, math.ceil(self.spec.room_headroom * mean))

    def plan_all(self) -> None:
        self.set_caps()
        # Sport-capped schools first: they fill their gym exactly.
        for site in self.sites:
            if site.spec is not None and site.spec.sport_capped:
                self._fill_sport_rooms(site)
        # Classes of all schools interleaved, so the shared venues are shared fairly.
        by_school: dict[str, list[Klass]] = defaultdict(list)
        for klass in self.classes:
            by_school[klass.site.id].append(klass)
        queues = [list(by_school[s]) for s in by_school]
        for queue in queues:
            self.rng.shuffle(queue)
        order: list[Klass] = []
        while any(queues):
            for queue in queues:
                if queue:
                    order.append(queue.pop())
        # Sport rooms are the scarcest: every class gets its sport minimum first.
        for klass in order:
            if "sport" not in klass.capped:
                self._plan_class(klass, only=("sport",))
        for klass in order:
            self._plan_class(klass, only=None)

    def _plan_class(self, klass: Klass, only: tuple[str, ...] | None) -> None:
        for _extra in range(8):
            stuck: dict[str, int] = defaultdict(int)
            for fresh in (False, True):
                if fresh:
                    if only is not None:
                        break
                    # Start the class's week over, sport minimum included.
                    self._release(klass)
                for _attempt in range(self.ATTEMPTS):
                    planner = _ClassPlanner(self, klass, random.Random(self.rng.random()))
                    blocks = planner.run(only)
                    if blocks is not None:
                        self._commit(klass, blocks)
                        return
                    stuck[planner.stuck or ""] += 1
            worst = max(sorted(stuck), key=lambda c: stuck[c])
            self._add_room(klass.site, worst)
            klass.site.cap += 1
        raise GenerationError(
            f"could not plan class {klass.id} ({klass.name}) of {klass.site.name}"
        )

    def _release(self, klass: Klass) -> None:
        """Forget the class's blocks (those not fixed by a scenario) and free their rooms."""
        keep = []
        for block in klass.blocks:
            if block.category in klass.capped:
                keep.append(block)
                continue
            end = block.start + block.minutes
            for group in block.groups:
                group.room.busy[block.day].remove((block.start, end))
            self._count(klass, block, -1)
        klass.blocks = keep

    def _count(self, klass: Klass, block: Block, sign: int) -> None:
        """Sessions per school period, in all and per category: plans level them."""
        if block.site != klass.site.id:
            return
        groups = sign * len(block.groups)
        self.load[(klass.site.id, block.day, block.period)] += groups
        self.load[(klass.site.id, block.day, block.period, block.category)] += groups

    def _add_room(self, site: Site, category: str) -> None:
        """Derived resources: the school gets a room of the kind its classes lacked."""
        names = {r.name for r in site.rooms}

        def numbered(stem: str) -> str:
            return f"{stem} {sum(1 for r in site.rooms if r.name.startswith(stem)) + 1}"

        if category == "sport":
            if "Schoolplein (Cruyff Court)" not in names:
                name, kinds = "Schoolplein (Cruyff Court)", ("field",)
            else:
                name, kinds = numbered("Gymzaal"), ("gym",)
        elif category == "culture":
            name, kinds = (
                numbered("Multifunctionele ruimte"),
                ("aula", "dance", "music", "classroom"),
            )
        else:
            name, kinds = numbered("Lokaal"), ("classroom",)
        site.rooms.append(
            Room(f"{site.id}-R{len(site.rooms) + 1:02d}", site.id, name, kinds, 30, None)
        )
        self.extra_rooms += 1

    def _commit(self, klass: Klass, blocks: list[Block]) -> None:
        for block in blocks:
            if block.fixed:
                continue  # committed when it was placed
            end = block.start + block.minutes
            for group in block.groups:
                group.room.busy[block.day].append((block.start, end))
            self._count(klass, block, +1)
            block.fixed = True
        klass.blocks = sorted(blocks, key=lambda b: (DAY_ORDER.index(b.day), b.start))

    def _fill_sport_rooms(self, site: Site) -> None:
        """Give the school's sport rooms to whole classes, every period, at full size.

        Each session holds exactly one class of ``capacity`` pupils, so that the
        sport the school's pupils get equals what the rooms can hold: the bound
        of the ``short`` scenario is then met exactly by the witness.
        """
        classes = [k for k in self.classes if k.site is site]
        sport_rooms = [r for r in site.rooms if set(r.kinds) & {"gym", "field", "playroom"}]
        got: dict[str, int] = defaultdict(int)
        days_with: dict[str, set[str]] = defaultdict(set)
        for room in sport_rooms:
            for day in DAY_ORDER:
                if day not in site.window:
                    continue
                for index, (start, end) in enumerate(site.periods[day]):
                    minutes = end - start
                    if not room.free(day, start, end):
                        continue
                    best = None
                    for klass in sorted(
                        classes, key=lambda k: (got[k.id], k.id)
                    ):  # the least served class first
                        need = klass.programme.category_minutes.get("sport", 0)
                        if got[klass.id] + minutes > need or day in days_with[klass.id]:
                            continue
                        if any(b.day == day and b.period == index for b in klass.blocks):
                            continue
                        acts = [
                            a
                            for a in self.by_cat_len.get(("sport", minutes), ())
                            if all(a.grades[0] <= p.grade <= a.grades[1] for p in klass.pupils)
                            and a.max_group >= len(klass.pupils)
                            and a.min_group <= len(klass.pupils)
                            and set(a.room_kinds) & set(room.kinds)
                        ]
                        if acts and len(klass.pupils) <= room.capacity:
                            best = (klass, acts)
                            break
                    if best is None:
                        raise GenerationError(
                            f"no class can use {room.name} of {site.name} on {day} {start}"
                        )
                    klass, acts = best
                    act = self.rng.choice(acts)
                    block = Block(
                        day, index, start, minutes, "sport", site.id,
                        [Group(act, room, list(klass.pupils))], fixed=True,
                    )  # fmt: skip
                    klass.blocks.append(block)
                    room.busy[day].append((start, end))
                    self._count(klass, block, +1)
                    got[klass.id] += minutes
                    days_with[klass.id].add(day)
        for klass in classes:
            klass.capped["sport"] = got[klass.id]

    # 4. sessions and coaches --------------------------------------------------------

    def make_sessions(self) -> None:
        for klass in self.classes:
            for block in klass.blocks:
                for group in block.groups:
                    self.sessions.append(
                        Session(
                            group.activity,
                            block.day,
                            block.start,
                            block.start + block.minutes,
                            group.room,
                            group.pupils,
                        )
                    )
        self.sessions.sort(
            key=lambda s: (DAY_ORDER.index(s.day), s.start, s.room.site, s.room.id, s.pupils[0].id)
        )

    def prune_rooms(self) -> None:
        """Pack each school's sessions into as few rooms as will hold them.

        The times stay; rooms are reassigned (kind, capacity, availability, one
        session at a time): sessions that overlap form a cluster (a period of
        the school's grid), each cluster is a bipartite matching of sessions to
        rooms, and the least used room is dropped while every cluster still
        matches. A share of the dropped rooms stays as slack.
        """
        by_site: dict[str, list[Session]] = defaultdict(list)
        for session in self.sessions:
            by_site[session.room.site].append(session)
        for site in self.sites:
            if site.kind != "school":
                continue
            clusters = _overlap_clusters(by_site[site.id])
            rooms = list(site.rooms)
            assignment = {id(s): s.room for s in by_site[site.id]}
            changed = True
            while changed:
                changed = False
                usage: dict[str, int] = defaultdict(int)
                for session in by_site[site.id]:
                    usage[assignment[id(session)].id] += session.end - session.start
                for room in sorted(rooms, key=lambda r: (usage[r.id], r.id)):
                    trial = [r for r in rooms if r is not room]
                    matched = {}
                    for cluster in clusters:
                        found = _match(cluster, trial)
                        if found is None:
                            break
                        matched.update(found)
                    else:
                        rooms = trial
                        assignment = matched
                        changed = True
                        break
            for session in by_site[site.id]:
                session.room = assignment[id(session)]
            keep = {r.id for r in rooms}
            kept = [
                r
                for r in site.rooms
                if r.id in keep or self.rng.random() < self.spec.spare_room_share
            ]
            self.pruned_rooms += len(site.rooms) - len(kept)
            site.rooms = kept
            for i, room in enumerate(kept):
                room.id = f"{site.id}-R{i + 1:02d}"

    def assign_coaches(self) -> None:
        rng = self.rng
        by_skill: dict[str, list[Coach]] = defaultdict(list)
        orgs_for: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for name, skills in self.spec_organisations():
            for skill in skills:
                orgs_for[skill].append((name, skills))
        for session in self.sessions:
            skill = session.activity.skill
            site = session.room.site
            chosen: list[Coach] = []
            for _ in range(session.activity.coaches):
                best = None
                best_key = None
                for coach in by_skill[skill]:
                    if coach in chosen:
                        continue
                    key = self._coach_fit(coach, session, site)
                    if key is not None and (best_key is None or key < best_key):
                        best, best_key = coach, key
                if best is None:
                    best = self._hire(skill, orgs_for[skill], by_skill, rng)
                chosen.append(best)
                self._book(best, session, site)
            session.coaches = [c.id for c in chosen]

    def spec_organisations(self):
        from solver.generator.catalogue import ORGANISATIONS

        skills = {a.skill for a in self.spec.activities}
        result = [(n, tuple(s for s in ss if s in skills)) for n, ss in ORGANISATIONS]
        return [(n, ss) for n, ss in result if ss]

    def _coach_fit(self, coach: Coach, session: Session, site: str) -> tuple | None:
        minutes = session.end - session.start
        if coach.week_used + minutes > coach.week_cap:
            return None
        today = coach.days.get(session.day)
        if today:
            if coach.day_used(session.day) + minutes > coach.day_cap:
                return None
            last_start, last_end, last_site = today[-1]
            move = self.travel_between(last_site, site)
            if move is None or last_end + move > session.start:
                return None
            for _s, _e, other in today:
                if other != site and (other, site) not in self.travel:
                    return None
            gap = session.start - last_end - move
            # Continuing at the same site without a wait is best; then short waits.
            return (0 if last_site == site else 1, min(gap, 120) // 15, 0, coach.id)
        # A coach not yet working today: one who knows the site first.
        knows = site in coach.home_sites
        return (2 if knows else 3, 0, -(coach.week_cap - coach.week_used), coach.id)

    def _hire(self, skill, orgs, by_skill, rng) -> Coach:
        name, org_skills = rng.choice(orgs)
        skills = [skill]
        others = [s for s in org_skills if s != skill]
        rng.shuffle(others)
        # Most coaches give everything their organisation offers; some only part.
        skills += others if rng.random() < 0.7 else others[: rng.choice((0, 1, 1, 2))]
        coach = Coach(
            id=f"C{len(self.coaches) + 1:03d}",
            organisation=name,
            skills=sorted(skills),
            day_cap=rng.choice((180, 210, 240, 240)),
            week_cap=rng.choice((600, 720, 840, 900, 960, 1080)),
        )
        self.coaches.append(coach)
        for s in coach.skills:
            by_skill[s].append(coach)
        return coach

    def _book(self, coach: Coach, session: Session, site: str) -> None:
        coach.days.setdefault(session.day, []).append((session.start, session.end, site))
        coach.week_used += session.end - session.start
        coach.minutes[session.day] = coach.minutes.get(session.day, 0) + session.end - session.start
        if site not in coach.home_sites:
            coach.home_sites.append(site)

    # 5. derived resources --------------------------------------------------------

    def derive_unavailability(self) -> None:
        rng = self.rng
        busy: dict[str, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
        for session in self.sessions:
            for pupil in session.pupils:
                busy[pupil.id][session.day].append((session.start, session.end))
        school_of = {k.id: k.site for k in self.classes}
        count = round(len(self.pupils) * self.spec.unavailable_share)
        candidates = list(self.pupils)
        rng.shuffle(candidates)
        placed = 0
        for pupil in candidates:
            if placed >= count:
                break
            site = school_of[pupil.class_id]
            days = [d for d in self.spec.days if d in site.window]
            rng.shuffle(days)
            for day in days:
                start, end = site.window[day]
                taken = sorted(busy[pupil.id][day])
                gaps = []
                cursor = start
                for a, b in taken:
                    if a - cursor >= 45:
                        gaps.append((cursor, a))
                    cursor = max(cursor, b)
                if end - cursor >= 45:
                    # An appointment may run past the window's end.
                    gaps.append((cursor, end + 30))
                if not gaps:
                    continue
                a, b = rng.choice(gaps)
                length = min(b - a, rng.choice((45, 60, 60, 90)))
                offset = rng.randrange(0, (b - a - length) // 15 + 1) * 15
                pupil.unavailable = {day: [(a + offset, a + offset + length)]}
                placed += 1
                break

    def derive_coaches(self) -> list[dict[str, Any]]:
        rng = self.rng
        slack = self.spec.coach_slack
        result = []
        for coach in self.coaches:
            days = {d: sorted(v) for d, v in coach.days.items() if v}
            used = coach.week_used
            day_max = max(sum(e - s for s, e, _ in v) for v in days.values())
            available: dict[str, list[Span]] = {}
            # Partners state whole afternoons they can work (as coordinators get
            # them), not the minutes a timetable happened to use; the slack is
            # in the weekly and daily maxima. Each working day spans at least the
            # usual afternoon, and the witness's own sessions.
            for day, booked in days.items():
                first = booked[0][0]
                last = max(e for _s, e, _ in booked)
                start, end = (12 * 60, 18 * 60) if day in ("wed", "fri") else (14 * 60, 18 * 60)
                available[day] = [(min(first, start), max(last, end))]
            entry = {
                "id": coach.id,
                "organisation": coach.organisation,
                "skills": coach.skills,
                "available": _spans_json(available),
                "max_minutes_per_week": math.ceil(slack * used - 1e-9),
                "max_minutes_per_day": max(math.ceil(slack * day_max - 1e-9), coach.day_cap),
            }
            if rng.random() < self.spec.restricted_coach_share:
                entry["sites"] = sorted(coach.home_sites)
            result.append(entry)
        return result

    # the instance --------------------------------------------------------------

    def instance_dict(self) -> dict[str, Any]:
        spec = self.spec
        sites = []
        for site in self.sites:
            entry: dict[str, Any] = {"id": site.id, "name": site.name, "kind": site.kind}
            if site.kind == "school":
                entry["window"] = {
                    d: [format_time(a), format_time(b)]
                    for d in DAY_ORDER
                    if d in site.window
                    for a, b in [site.window[d]]
                }
            sites.append(entry)
        travel = [{"from": a, "to": b, "minutes": m} for (a, b), m in self.travel.items() if a < b]
        rooms = []
        for site in self.sites:
            for room in site.rooms:
                entry = {
                    "id": room.id,
                    "site": room.site,
                    "name": room.name,
                    "kinds": list(room.kinds),
                    "capacity": room.capacity,
                }
                if room.available is not None:
                    entry["available"] = _spans_json(room.available)
                rooms.append(entry)
        classes = [{"id": k.id, "site": k.site.id, "name": k.name} for k in self.classes]
        pupils = []
        for p in self.pupils:
            entry = {"id": p.id, "class": p.class_id, "grade": p.grade}
            if p.preferences:
                entry["preferences"] = {c: list(v) for c, v in p.preferences.items()}
            if p.required:
                entry["required"] = list(p.required)
            if p.unavailable:
                entry["unavailable"] = _spans_json(p.unavailable)
            if p.family is not None:
                entry["family"] = p.family
            pupils.append(entry)
        from solver.generator.catalogue import CATEGORIES

        used_categories = {a.category for a in spec.activities}
        return {
            "format": "extended-day-instance/1",
            "name": spec.name,
            "days": list(spec.days),
            "slot_minutes": 15,
            "categories": [{"id": c, "name": n} for c, n in CATEGORIES if c in used_categories],
            "sites": sites,
            "travel_minutes": travel,
            "max_pupil_travel_minutes": spec.max_pupil_travel_minutes,
            "rooms": rooms,
            "coaches": self.derive_coaches(),
            "activities": [activity_to_dict(a) for a in spec.activities],
            "programmes": [p.to_dict() for p in spec.programmes],
            "classes": classes,
            "pupils": pupils,
            "weights": dict(spec.weights),
        }

    def session_dicts(self) -> list[dict[str, Any]]:
        return [
            {
                "id": f"w{i + 1:05d}",
                "activity": s.activity.id,
                "day": s.day,
                "start": format_time(s.start),
                "end": format_time(s.end),
                "room": s.room.id,
                "coaches": list(s.coaches),
                "pupils": [p.id for p in s.pupils],
            }
            for i, s in enumerate(self.sessions)
        ]

    def build(self) -> Built:
        self.make_sites()
        self.make_pupils()
        self.plan_all()
        self.make_sessions()
        self.prune_rooms()
        self.assign_coaches()
        self.derive_unavailability()
        instance = self.instance_dict()
        sessions = self.session_dicts()
        coach_used = sum(c.week_used for c in self.coaches)
        coach_max = sum(c["max_minutes_per_week"] for c in instance["coaches"])
        stats = {
            "schools": sum(1 for s in self.sites if s.kind == "school"),
            "venues": sum(1 for s in self.sites if s.kind == "venue"),
            "classes": len(self.classes),
            "pupils": len(self.pupils),
            "rooms": len(instance["rooms"]),
            "extra_rooms": self.extra_rooms,
            "pruned_rooms": self.pruned_rooms,
            "coaches": len(self.coaches),
            "organisations": len({c.organisation for c in self.coaches}),
            "sessions": len(self.sessions),
            "venue_sessions": sum(
                1 for s in self.sessions if self.site[s.room.site].kind == "venue"
            ),
            "coach_minutes_used": coach_used,
            "coach_minutes_max": coach_max,
            "coach_slack": round(coach_max / coach_used, 3) if coach_used else None,
            "mean_group": round(
                sum(len(s.pupils) for s in self.sessions) / max(1, len(self.sessions)), 1
            ),
        }
        return Built(instance, sessions, stats)


def _fits(session: Session, room: Room) -> bool:
    if room.capacity < len(session.pupils):
        return False
    if not set(session.activity.room_kinds) & set(room.kinds):
        return False
    if room.available is None:
        return True
    return any(
        a <= session.start and session.end <= b for a, b in room.available.get(session.day, ())
    )


def _overlap_clusters(sessions: list[Session]) -> list[list[Session]]:
    """Sessions grouped so that sessions of different groups never overlap."""
    ordered = sorted(sessions, key=lambda s: (DAY_ORDER.index(s.day), s.start, s.end))
    clusters: list[list[Session]] = []
    day, end = None, -1
    for session in ordered:
        if session.day != day or session.start >= end:
            clusters.append([])
            day, end = session.day, session.end
        clusters[-1].append(session)
        end = max(end, session.end)
    return clusters


def _match(sessions: list[Session], rooms: list[Room]) -> dict[int, Room] | None:
    """A room for each session (all overlapping), by augmenting paths; None if none."""
    options = [[r for r in rooms if _fits(s, r)] for s in sessions]
    owner: dict[str, int] = {}

    def augment(i: int, seen: set[str]) -> bool:
        for room in options[i]:
            if room.id in seen:
                continue
            seen.add(room.id)
            if room.id not in owner or augment(owner[room.id], seen):
                owner[room.id] = i
                return True
        return False

    for i in sorted(range(len(sessions)), key=lambda i: len(options[i])):
        if not augment(i, set()):
            return None
    by_id = {r.id: r for r in rooms}
    return {id(sessions[i]): by_id[room_id] for room_id, i in owner.items()}


# -- one class's week ------------------------------------------------------------


class _ClassPlanner:
    """One attempt at a class's week: blocks placed greedily, ``None`` when stuck."""

    BACKTRACKS = 8

    def __init__(self, builder: DistrictBuilder, klass: Klass, rng: random.Random):
        self.b = builder
        self.k = klass
        self.rng = rng
        self.site = klass.site
        self.programme = klass.programme
        days = [d for d in builder.spec.days if d in self.site.window]
        self.days = days
        self.day_minutes = dict.fromkeys(days, 0)
        self.day_categories: dict[str, list[str]] = {d: [] for d in days}
        self.used: dict[str, set[int]] = {d: set() for d in days}
        self.lock: dict[str, int | None] = dict.fromkeys(days)
        self.day_venues: dict[str, list[str]] = {d: [] for d in days}
        self.got_total = 0
        self.got: dict[str, int] = defaultdict(int)
        self.day_acts: dict[str, dict[str, list[str]]] = {p.id: {} for p in klass.pupils}
        self.week: dict[str, dict[str, int]] = {p.id: {} for p in klass.pupils}
        self.pending: dict[str, list[str]] = {p.id: list(p.required) for p in klass.pupils}
        self.blocks: list[Block] = []
        self.stuck: str | None = None
        self.tabu: set[tuple[str, int, str]] = set()
        # The sums the class's block lengths can make up, to never strand a remainder.
        lengths = tuple(sorted({m for ms in klass.options.values() for m in ms}))
        self.reachable = builder.reachable(lengths, self.programme.total_minutes)
        self.minimums = dict(self.programme.category_minutes)
        for category, kept in klass.capped.items():
            self.minimums[category] = kept
        for block in klass.blocks:  # fixed blocks placed before (``short``)
            self._apply(block)

    def run(self, only: tuple[str, ...] | None = None) -> list[Block] | None:
        """The class's week (or, with ``only``, just those categories' minimums)."""
        total = self.programme.total_minutes
        backtracks = 0
        while True:
            if only is not None:
                needs = self._needs()
                if all(needs.get(c, 0) == 0 for c in only):
                    return self.blocks
            elif self.got_total >= total:
                break
            if not self._place_one(total - self.got_total, only):
                # Stuck: take back one of the last blocks, never to be placed there again.
                movable = [b for b in self.blocks[-3:] if not b.fixed]
                if backtracks >= self.BACKTRACKS or not movable:
                    return None
                block = self.rng.choice(movable)
                self._unapply(block)
                self.tabu.add((block.day, block.period, block.category))
                backtracks += 1
        if any(self.pending.values()):
            return None
        return self.blocks

    def _needs(self) -> dict[str, int]:
        return {c: max(0, m - self.got[c]) for c, m in self.minimums.items()}

    def _place_one(self, remaining: int, only: tuple[str, ...] | None = None) -> bool:
        needs = self._needs()
        order = [c for c in sorted(needs, key=lambda c: (-needs[c], c)) if needs[c] > 0]
        if only is not None:
            order = [c for c in order if c in only]
        free = [
            c for c in self.b.spec.free_categories if c in self.k.options and c not in self.k.capped
        ]
        self.rng.shuffle(free)
        free.sort(key=lambda c: -self.b.spec.free_categories[c] * self.rng.random())
        if only is None:
            order += [c for c in free if c not in order]
        for relaxed in (False, True):
            for category in order:
                for minutes in self._lengths(category, remaining, needs):
                    if self._place(category, minutes, relaxed):
                        return True
        self.stuck = order[0] if order else None
        return False

    def _lengths(self, category: str, remaining: int, needs: dict[str, int]) -> list[int]:
        options = []
        for minutes in self.k.options.get(category, ()):
            rest = remaining - minutes
            if rest < 0 or rest not in self.reachable:
                continue
            others = sum(n for c, n in needs.items() if c != category)
            if others + max(0, needs.get(category, 0) - minutes) > rest:
                continue
            options.append(minutes)
        need = needs.get(category, 0)
        self.rng.shuffle(options)
        # Prefer lengths that do not overshoot the category's minimum.
        options.sort(key=lambda m: (m > need > 0, -m))
        # A class with pupils still due a required activity tries its length first.
        due = {
            self.b.activities[a].minutes
            for acts in self.pending.values()
            for a in acts
            if self.b.activities[a].category == category
        }
        options.sort(key=lambda m: m not in due)
        return options

    def _place(self, category: str, minutes: int, relaxed: bool) -> bool:
        candidates = []
        preferred = self.programme.preferred_minutes_per_day
        cap = self.programme.max_minutes_per_day
        acts = self.b.class_activities(self.k, category, minutes)
        kinds = {k for a in acts for k in a.room_kinds}
        venues = [
            (venue, travel)
            for venue, travel in self.b.reach.get(self.site.id, ())
            if any(kinds.intersection(r.kinds) for r in venue.rooms)
        ]
        periods_load = self.b.load
        site_id = self.site.id
        for day in self.days:
            if self.day_minutes[day] + minutes > cap:
                continue
            if (category in self.day_categories[day]) != relaxed:
                continue
            window_end = self.site.window[day][1]
            used = self.used[day]
            lock = self.lock[day]
            load = self.day_minutes[day] + minutes
            base = (load > preferred) * 100 + load
            for index, (start, end) in enumerate(self.site.periods[day]):
                if index in used or (lock is not None and index > lock):
                    continue
                if (day, index, category) in self.tabu:
                    continue
                if minutes <= end - start:
                    # Level the school's sessions over its periods: fewer rooms and
                    # coaches busy all afternoon rather than peaks.
                    level = (
                        30 * periods_load[(site_id, day, index)]
                        + 20 * periods_load[(site_id, day, index, category)]
                    )
                    waste = 2 * (end - start - minutes)  # the period's unused rest
                    score = base + level + waste + self.rng.random() * 40
                    candidates.append((score, day, index, start, self.site))
                later_used = bool(used) and max(used) > index
                # A venue block either fits in its period with the walk there and
                # back, or ends the class's day there (the periods after it are lost).
                lost = sum(e - s for s, e in self.site.periods[day][index + 1 :])
                for venue, travel in venues:
                    # One venue a day at most: two venues need not be reachable from each other.
                    if any(v != venue.id for v in self.day_venues[day]):
                        continue
                    walk = ceil15(travel)
                    begin = start + walk
                    if begin + minutes + walk <= end:
                        score = base + 40 + self.rng.random() * 40
                        candidates.append((score, day, index, begin, venue))
                    elif not later_used and begin + minutes <= window_end:
                        score = base + 60 + 2 * lost + self.rng.random() * 40
                        candidates.append((score, day, index, begin, venue))
        candidates.sort(key=lambda c: c[0])
        cap = self.site.cap
        for _score, day, index, start, site in candidates:
            if site is self.site and periods_load[(site_id, day, index)] >= cap:
                continue
            groups = self._split(category, minutes, day, start, site)
            if groups is None:
                continue
            if site is self.site and periods_load[(site_id, day, index)] + len(groups) > cap:
                continue
            self._apply(Block(day, index, start, minutes, category, site.id, groups))
            return True
        return False

    def _ends_day(self, block: Block) -> bool:
        """Whether a block at a venue leaves no time to walk back for the next period."""
        if block.site == self.site.id:
            return False
        period_end = self.site.periods[block.day][block.period][1]
        walk = ceil15(self.b.travel_between(self.site.id, block.site) or 0)
        return block.start + block.minutes + walk > period_end

    def _unapply(self, block: Block) -> None:
        self.blocks.remove(block)
        self.got_total -= block.minutes
        self.got[block.category] -= block.minutes
        self.day_minutes[block.day] -= block.minutes
        self.day_categories[block.day].remove(block.category)
        self.used[block.day].discard(block.period)
        if block.site != self.site.id:
            self.day_venues[block.day].remove(block.site)
        if self.lock[block.day] == block.period:
            self.lock[block.day] = None
        for group in block.groups:
            act = group.activity.id
            for pupil in group.pupils:
                self.day_acts[pupil.id][block.day].remove(act)
                week = self.week[pupil.id]
                week[act] -= 1
                if act in pupil.required and week[act] == 0 and act not in self.pending[pupil.id]:
                    self.pending[pupil.id].append(act)

    def _apply(self, block: Block) -> None:
        self.blocks.append(block)
        self.got_total += block.minutes
        self.got[block.category] += block.minutes
        self.day_minutes[block.day] += block.minutes
        self.day_categories[block.day].append(block.category)
        self.used[block.day].add(block.period)
        if block.site != self.site.id:
            self.day_venues[block.day].append(block.site)
        if self._ends_day(block):
            self.lock[block.day] = block.period
        for group in block.groups:
            act = group.activity.id
            for pupil in group.pupils:
                self.day_acts[pupil.id].setdefault(block.day, []).append(act)
                week = self.week[pupil.id]
                week[act] = week.get(act, 0) + 1
                if act in self.pending[pupil.id]:
                    self.pending[pupil.id].remove(act)

    # splitting the class into parallel groups -----------------------------------

    def _split(
        self, category: str, minutes: int, day: str, start: int, site: Site
    ) -> list[Group] | None:
        end = start + minutes
        acts = self.b.class_activities(self.k, category, minutes)
        if not acts:
            return None
        kinds = {k for a in acts for k in a.room_kinds}
        rooms = [r for r in site.rooms if kinds.intersection(r.kinds) and r.free(day, start, end)]
        if not rooms:
            return None
        acts = [a for a in acts if any(set(a.room_kinds).intersection(r.kinds) for r in rooms)]
        if not acts:
            return None
        pupils = self.k.pupils
        by_grade = {g: [a for a in acts if a.grades[0] <= g <= a.grades[1]] for g in self.k.grades}
        # Pupils differ only when an activity was already had today or is at its weekly limit.
        check = category in self.day_categories[day] or any(a.max_per_week for a in acts)
        eligible: dict[str, list[Activity]] = {}
        for p in pupils:
            mine = by_grade[p.grade]
            if check:
                done = self.day_acts[p.id].get(day, ())
                week = self.week[p.id]
                mine = [
                    a
                    for a in mine
                    if a.id not in done
                    and (a.max_per_week is None or week.get(a.id, 0) < a.max_per_week)
                ]
            if not mine:
                return None
            eligible[p.id] = mine
        n = len(pupils)
        target = self.b.spec.group_targets.get(category, 20)
        base = max(1, math.ceil(n / target))
        counts = [base, base + 1, base - 1, base + 2]
        if category in ("sport", "culture") and self.rng.random() < self.b.spec.option_share:
            counts = [base + 1, base, base + 2, base - 1]
        scores = self._scores(acts, eligible)
        if scores is None:
            return None
        tried = set()
        for count in counts:
            if count < 1 or count in tried or count > n:
                continue
            tried.add(count)
            selection = self._select(acts, scores, eligible, count, by_grade if not check else None)
            if selection is None:
                continue
            chosen_rooms = self._rooms(selection, rooms)
            if chosen_rooms is None:
                continue
            groups = self._assign(selection, chosen_rooms, eligible, category)
            if groups is not None:
                return groups
        return None

    def _scores(
        self, acts: list[Activity], eligible: dict[str, list[Activity]]
    ) -> tuple[dict[str, float], list[Activity]] | None:
        """How much the class wants each activity, and the ones required pupils are due."""
        category = acts[0].category
        must: list[Activity] = []
        score: dict[str, float] = {a.id: self.rng.random() * 0.5 for a in acts}
        by_id = {a.id: a for a in acts}
        for p in self.k.choosy:
            ranked = p.preferences.get(category)
            pending = self.pending[p.id]
            if not ranked and not pending:
                continue
            mine = [a.id for a in eligible[p.id]]
            for act in pending:
                if act in mine and by_id[act] not in must:
                    must.append(by_id[act])
            if ranked:
                for rank, act in enumerate(ranked):
                    if act in mine:
                        score[act] += 3 - min(rank, 2)
        return score, must

    def _select(
        self,
        acts: list[Activity],
        scores: tuple[dict[str, float], list[Activity]],
        eligible: dict[str, list[Activity]],
        count: int,
        by_grade: dict[int, list[Activity]] | None,
    ) -> list[Activity] | None:
        """``count`` activities for the groups; ``by_grade`` when eligibility is by grade only."""
        score, must = scores
        if len(must) > count:
            return None
        selection = list(must)
        n = len(self.k.pupils)
        # Few groups: activities that hold their share of the class come first.
        share = math.ceil(n / count)
        for act in sorted(acts, key=lambda a: (a.max_group < share, -score[a.id])):
            if len(selection) >= count:
                break
            if act not in selection:
                selection.append(act)
        while len(selection) < count:
            selection.append(max(acts, key=lambda a: (a.max_group, score[a.id])))
        # Every pupil needs an activity it may join.
        chosen = {a.id for a in selection}
        if by_grade is not None:
            for mine in by_grade.values():
                if not any(a.id in chosen for a in mine):
                    replaceable = [i for i, a in enumerate(selection) if a not in must]
                    if not replaceable:
                        return None
                    selection[replaceable[-1]] = mine[0]
                    chosen = {a.id for a in selection}
            if not all(any(a.id in chosen for a in mine) for mine in by_grade.values()):
                return None
            return self._sizes_fit(selection)
        for p in self.k.pupils:
            if not any(a.id in chosen for a in eligible[p.id]):
                replaceable = [i for i, a in enumerate(selection) if a not in must]
                if not replaceable:
                    return None
                selection[replaceable[-1]] = eligible[p.id][0]
                chosen = {a.id for a in selection}
        for p in self.k.pupils:
            if not any(a.id in chosen for a in eligible[p.id]):
                return None
        return self._sizes_fit(selection)

    def _sizes_fit(self, selection: list[Activity]) -> list[Activity] | None:
        n = len(self.k.pupils)
        if sum(a.max_group for a in selection) < n or sum(a.min_group for a in selection) > n:
            return None
        return selection

    @staticmethod
    def _rooms(selection: list[Activity], rooms: list[Room]) -> list[Room] | None:
        order = sorted(
            range(len(selection)),
            key=lambda i: sum(1 for r in rooms if set(r.kinds) & set(selection[i].room_kinds)),
        )
        taken: set[str] = set()
        chosen: dict[int, Room] = {}
        for i in order:
            act = selection[i]
            best = None
            best_key = None
            for room in rooms:
                if room.id in taken or room.capacity < act.min_group:
                    continue
                kinds = [k for k in act.room_kinds if k in room.kinds]
                if not kinds:
                    continue
                key = (act.room_kinds.index(kinds[0]), len(room.kinds), -room.capacity, room.id)
                if best_key is None or key < best_key:
                    best, best_key = room, key
            if best is None:
                return None
            taken.add(best.id)
            chosen[i] = best
        return [chosen[i] for i in range(len(selection))]

    def _assign(
        self,
        selection: list[Activity],
        rooms: list[Room],
        eligible: dict[str, list[Activity]],
        category: str,
    ) -> list[Group] | None:
        rng = self.rng
        caps = [min(a.max_group, r.capacity) for a, r in zip(selection, rooms, strict=True)]
        mins = [a.min_group for a in selection]
        pupils = self.k.pupils
        if sum(caps) < len(pupils) or sum(mins) > len(pupils):
            return None
        members: list[list[Pupil]] = [[] for _ in selection]
        fixed: set[str] = set()
        where: dict[str, int] = {}
        ok = {p.id: {a.id for a in eligible[p.id]} for p in pupils}

        def put(pupil: Pupil, i: int) -> None:
            members[i].append(pupil)
            where[pupil.id] = i

        def slots_for(pupil: Pupil, act_id: str | None = None) -> list[int]:
            return [
                i
                for i, a in enumerate(selection)
                if a.id in ok[pupil.id]
                and (act_id is None or a.id == act_id)
                and len(members[i]) < caps[i]
            ]

        order = list(pupils)
        rng.shuffle(order)
        # Required activities first, then preferences, then the rest.
        for p in order:
            for act in self.pending[p.id]:
                slots = slots_for(p, act)
                if slots:
                    put(p, min(slots, key=lambda i: len(members[i])))
                    fixed.add(p.id)
                    break
        for p in order:
            if p.id in where:
                continue
            for act in p.preferences.get(category, ()):
                slots = slots_for(p, act)
                if slots:
                    put(p, min(slots, key=lambda i: len(members[i])))
                    break
        for p in order:
            if p.id in where:
                continue
            slots = slots_for(p)
            if not slots:
                return None
            put(p, max(slots, key=lambda i: (mins[i] - len(members[i]), caps[i] - len(members[i]))))
        # Groups below their minimum take pupils from groups above theirs.
        for i in range(len(selection)):
            while len(members[i]) < mins[i]:
                donor = None
                for j in range(len(selection)):
                    if j == i or len(members[j]) <= mins[j]:
                        continue
                    for p in members[j]:
                        if p.id in fixed or selection[i].id not in ok[p.id]:
                            continue
                        donor = (j, p)
                        break
                    if donor:
                        break
                if donor is None:
                    return None
                j, p = donor
                members[j].remove(p)
                put(p, i)
        if any(not m for m in members):
            return None
        return [Group(a, r, m) for a, r, m in zip(selection, rooms, members, strict=True)]
