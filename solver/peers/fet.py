"""FET (``fet-cl``) as a peer: project an instance to a ``.fet`` file, run it, read it back.

FET timetables *given* activities: who takes part and who teaches are fixed
before it starts. So the projection starts from a solution of our engine and
keeps its sessions (activity, pupils, coaches); FET is left to choose each
session's day, start and room, which is the timetabling half of our problem.

What the projection expresses (all constraints with weight 100%):

- **Time grid.** FET hours are ``slot_minutes`` slots (15 minutes) from the
  earliest opening to the latest closing of any school window; FET days are the
  instance's days. Each session is one FET activity of ``minutes / slot``
  hours, subject = our activity id, and its comment holds our session id.
- **Students.** One FET year per school, one group per class, and one
  subgroup per set of pupils of that class who attend exactly the same
  sessions. A session's students are the subgroups of its pupils, so two
  sessions sharing a pupil share a subgroup and FET keeps them apart; FET's
  subgroups are the atoms of its students model and this is the coarsest
  division that is still exact. ``Number_of_Students`` is the pupil count.
- **Teachers.** Each coach is a teacher; a session's coaches are its teachers
  (fixed, FET does not choose teachers). Coach availability becomes *teacher
  not available times*; ``max_minutes_per_day`` becomes *teacher max hours
  daily* (exact, since an FET hour is one slot); the weekly ceiling holds by
  construction because the set of sessions of each coach is fixed.
- **Windows and unavailability.** Slots outside a school's window (and days
  without a window) and the union of the subgroup's pupils' ``unavailable``
  intervals become *students set not available times*; the programme's
  ``max_minutes_per_day`` becomes *students set max hours daily*.
- **At most once a day.** The sessions of one activity that share a subgroup
  get *min days between activities* = 1.
- **Rooms.** Every room is an FET room in a building (its site) with its
  capacity. The *site* of each session is kept from our solution, like its
  coaches (it is part of the allocation: which venue serves which school);
  each activity gets *preferred rooms*: the rooms of that site with one of the
  activity's kinds and enough capacity. Room availability becomes *room not
  available times*.
- **Travel, pair by pair.** Sites are buildings. Two sessions of one person
  (a subgroup or a coach) at different sites get *min gaps between activities*
  = the travel between the sites, rounded up to slots (FET applies it when
  both are on one day), or *min days between activities* = 1 when the sites
  are not connected. Ours states travel pair by pair too (``solver.peers.ours``,
  ``solver.peers.sat``). It is the spec's rule, which binds *consecutive*
  sessions, whenever no walk is longer than a session and the walks around
  it, as in every generated district (walks of at most 16 minutes, sessions
  of at least 45). Rounding up to slots loses nothing: all times lie on the
  grid, so a 12-minute walk needs a 15-minute gap in our rules too. A session
  at a venue starts at least ``travel(school, venue)`` after the window of
  each of its pupils' schools opens (*activity preferred starting times*).

What cannot be expressed, and is therefore left out:

- per-pupil sectioning (which pupils form a group), the site of a session, group sizes
  (``min_group``/``max_group``), coach choice and skills, coverage, the
  programme's weekly and category minutes, ``max_per_week``, preferences and
  every soft term: all of these are fixed by (or ignored in) the projection.

FET's result is checked by our checker against the real instance all the same.

**The projected problem P** is this list of activities (each with its
pupils, its coaches as teachers and its allowed rooms fixed) with the
constraints above; what is left to choose is each activity's day, start and
room. ``python -m solver bench --peer fet`` gives P to both sides: fet-cl
reads the ``.fet`` file, and ours (``solver.peers.ours``) gets the same
``Projection`` (its ``sessions``, ``allowed_rooms``, ``subgroups`` and
``hours``; never the days, starts or rooms of the solution it was made from).
Every constraint, travel included, is the same on both sides.

**Complete** means every activity of P placed: for FET, fet-cl wrote its
complete timetable (``timetables/<name>/``, not ``-highest``) and all
activities are in it; for ours, every session has a day, start and room. It
does not depend on the full instance's coverage: P holds exactly the sessions
of the engine's solution, so a complete P-timetable has that solution's
coverage, whatever it is. Validity is judged by our checker on the real
instance for both.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from solver.instance import Instance
from solver.peers.progress import Progress
from solver.solution import Session, Solution
from solver.times import format_time, overlaps

DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}

LEFT_OUT = (
    "The FET projection keeps our engine's sessions (pupils, coaches) and lets FET choose "
    "day, start and room (within the session's site). Left out: sectioning of pupils, "
    "group sizes, coach and site choice, "
    "coverage and programme minutes, preferences and soft terms."
)


class FetMissing(RuntimeError):
    """``fet-cl`` is not installed."""


@dataclass
class Projection:
    """A ``.fet`` document and what is needed to read FET's answer back."""

    instance: Instance
    sessions: list[Session]  # FET activity id i+1 is sessions[i]
    hours: list[int]  # start minute of each FET hour
    root: ET.Element
    counts: dict[str, int] = field(default_factory=dict)
    # the same problem in our terms, for ``solver.peers.ours``: the rooms FET may
    # give each activity, each subgroup's pupils with its activities, and each
    # teacher's (coach's) activities
    allowed_rooms: list[list[str]] = field(default_factory=list)
    subgroups: list[tuple[tuple[str, ...], tuple[int, ...]]] = field(default_factory=list)
    teachers: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def write(self, path: str | Path) -> None:
        tree = ET.ElementTree(self.root)
        ET.indent(tree)
        tree.write(path, encoding="UTF-8", xml_declaration=True)


def _sub(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _constraint(parent: ET.Element, tag: str) -> ET.Element:
    element = _sub(parent, tag)
    _sub(element, "Weight_Percentage", 100)
    return element


def _close(element: ET.Element) -> None:
    _sub(element, "Active", "true")
    _sub(element, "Comments", "")


def _hour_grid(instance: Instance) -> list[int]:
    opens = [w[0] for s in instance.sites if s.kind == "school" for w in s.window.values()]
    closes = [w[1] for s in instance.sites if s.kind == "school" for w in s.window.values()]
    if not opens:
        return []
    slot = instance.slot_minutes
    return list(range(min(opens), max(closes), slot))


def project(instance: Instance, solution: Solution) -> Projection:
    """The ``.fet`` form of ``solution``'s sessions on ``instance``."""
    slot = instance.slot_minutes
    hours = _hour_grid(instance)
    days = list(instance.days)
    sessions = [s for s in solution.sessions if s.activity in instance.activity]

    root = ET.Element("fet", version="6.8.5")
    _sub(root, "Mode", "Official")
    _sub(root, "Institution_Name", f"projection of {instance.name}")
    _sub(root, "Comments", LEFT_OUT)

    days_list = _sub(root, "Days_List")
    _sub(days_list, "Number_of_Days", len(days))
    for day in days:
        _sub(_sub(days_list, "Day"), "Name", DAY_NAMES[day])
    hours_list = _sub(root, "Hours_List")
    _sub(hours_list, "Number_of_Hours", len(hours))
    for start in hours:
        _sub(_sub(hours_list, "Hour"), "Name", format_time(start))

    subjects = _sub(root, "Subjects_List")
    for activity in instance.activities:
        subject = _sub(subjects, "Subject")
        _sub(subject, "Name", activity.id)
        _sub(subject, "Comments", "")
    _sub(root, "Activity_Tags_List")

    # -- students: year = school, group = class, subgroup = same sessions ------------
    sessions_of_pupil: dict[str, list[int]] = defaultdict(list)
    for index, session in enumerate(sessions):
        for pupil in session.pupils:
            sessions_of_pupil[pupil].append(index)
    subgroup_pupils: dict[tuple[str, tuple[int, ...]], list[str]] = defaultdict(list)
    for pupil_id, indices in sessions_of_pupil.items():
        pupil = instance.pupil.get(pupil_id)
        if pupil is None:
            continue
        subgroup_pupils[(pupil.class_id, tuple(sorted(set(indices))))].append(pupil_id)
    subgroup_name: dict[tuple[str, tuple[int, ...]], str] = {}
    by_class: dict[str, list[tuple[str, tuple[int, ...]]]] = defaultdict(list)
    for key in sorted(subgroup_pupils):
        by_class[key[0]].append(key)
        subgroup_name[key] = f"{key[0]}:{len(by_class[key[0]])}"
    session_subgroups: dict[int, list[str]] = defaultdict(list)
    for key, name in subgroup_name.items():
        for index in key[1]:
            session_subgroups[index].append(name)

    students = _sub(root, "Students_List")
    for school in instance.sites:
        classes = [c for c in instance.classes if c.site == school.id and by_class.get(c.id)]
        if not classes:
            continue
        year = _sub(students, "Year")
        _sub(year, "Name", f"Y:{school.id}")
        _sub(
            year,
            "Number_of_Students",
            sum(len(subgroup_pupils[k]) for c in classes for k in by_class[c.id]),
        )
        _sub(year, "Comments", "")
        _sub(year, "Number_of_Categories", 0)
        _sub(year, "Separator", " ")
        for klass in classes:
            group = _sub(year, "Group")
            _sub(group, "Name", f"G:{klass.id}")
            _sub(
                group,
                "Number_of_Students",
                sum(len(subgroup_pupils[k]) for k in by_class[klass.id]),
            )
            _sub(group, "Comments", "")
            for key in by_class[klass.id]:
                subgroup = _sub(group, "Subgroup")
                _sub(subgroup, "Name", subgroup_name[key])
                _sub(subgroup, "Number_of_Students", len(subgroup_pupils[key]))
                _sub(subgroup, "Comments", "")

    # -- teachers ---------------------------------------------------------------------
    teachers = _sub(root, "Teachers_List")
    used_coaches = sorted({c for s in sessions for c in s.coaches if c in instance.coach})
    for coach in used_coaches:
        teacher = _sub(teachers, "Teacher")
        _sub(teacher, "Name", coach)
        _sub(teacher, "Target_Number_of_Hours", 0)
        _sub(teacher, "Qualified_Subjects")
        _sub(teacher, "Comments", "")

    # -- activities -------------------------------------------------------------------
    activities = _sub(root, "Activities_List")
    for index, session in enumerate(sessions):
        activity = instance.activity[session.activity]
        element = _sub(activities, "Activity")
        for coach in session.coaches:
            _sub(element, "Teacher", coach)
        _sub(element, "Subject", session.activity)
        for name in sorted(session_subgroups[index]):
            _sub(element, "Students", name)
        duration = activity.minutes // slot
        _sub(element, "Duration", duration)
        _sub(element, "Total_Duration", duration)
        _sub(element, "Id", index + 1)
        _sub(element, "Activity_Group_Id", 0)
        _sub(element, "Active", "true")
        _sub(element, "Comments", session.id)

    # -- buildings and rooms ----------------------------------------------------------
    buildings = _sub(root, "Buildings_List")
    for site in instance.sites:
        building = _sub(buildings, "Building")
        _sub(building, "Name", site.id)
        _sub(building, "Comments", "")
    rooms = _sub(root, "Rooms_List")
    for room in instance.rooms:
        element = _sub(rooms, "Room")
        _sub(element, "Name", room.id)
        _sub(element, "Building", room.site)
        _sub(element, "Capacity", room.capacity)
        _sub(element, "Virtual", "false")
        _sub(element, "Comments", "")

    # -- time constraints -------------------------------------------------------------
    time_list = _sub(root, "Time_Constraints_List")
    _close(_constraint(time_list, "ConstraintBasicCompulsoryTime"))

    def not_available(tag: str, key: str, name: str, busy) -> None:
        slots = [(d, h) for d in days for h in hours if busy(d, h)]
        if not slots:
            return
        element = _constraint(time_list, tag)
        _sub(element, key, name)
        _sub(element, "Number_of_Not_Available_Times", len(slots))
        for day, hour in slots:
            entry = _sub(element, "Not_Available_Time")
            _sub(entry, "Day", DAY_NAMES[day])
            _sub(entry, "Hour", format_time(hour))
        _close(element)

    for coach_id in used_coaches:
        coach = instance.coach[coach_id]
        not_available(
            "ConstraintTeacherNotAvailableTimes",
            "Teacher",
            coach_id,
            lambda d, h, c=coach: (
                not any(a <= h and h + slot <= b for a, b in c.available.get(d, []))
            ),
        )
        element = _constraint(time_list, "ConstraintTeacherMaxHoursDaily")
        _sub(element, "Teacher_Name", coach_id)
        _sub(element, "Maximum_Hours_Daily", coach.max_minutes_per_day // slot)
        _close(element)

    for key, name in subgroup_name.items():
        pupils = [instance.pupil[p] for p in subgroup_pupils[key]]
        school = instance.site[instance.class_group[key[0]].site]

        def busy(d, h, school=school, pupils=pupils):
            window = school.window.get(d)
            if window is None or not (window[0] <= h and h + slot <= window[1]):
                return True
            return any(overlaps(p.unavailable.get(d, []), h, h + slot) for p in pupils)

        not_available("ConstraintStudentsSetNotAvailableTimes", "Students", name, busy)
        programme = instance.programme_of(pupils[0])
        element = _constraint(time_list, "ConstraintStudentsSetMaxHoursDaily")
        _sub(element, "Maximum_Hours_Daily", programme.max_minutes_per_day // slot)
        _sub(element, "Students", name)
        _close(element)

    # at most once a day: sessions of one activity that share a subgroup
    same_day_pairs: set[tuple[int, ...]] = set()
    for key in subgroup_name:
        by_activity: dict[str, list[int]] = defaultdict(list)
        for index in key[1]:
            by_activity[sessions[index].activity].append(index)
        for indices in by_activity.values():
            if len(indices) > 1:
                same_day_pairs.add(tuple(sorted(indices)))
    for indices in sorted(same_day_pairs):
        element = _constraint(time_list, "ConstraintMinDaysBetweenActivities")
        _sub(element, "Consecutive_If_Same_Day", "false")
        _sub(element, "Number_of_Activities", len(indices))
        for index in indices:
            _sub(element, "Activity_Id", index + 1)
        _sub(element, "MinDays", 1)
        _close(element)

    # -- rooms allowed per session; venue starts after the walk -------------------------
    space_list_items: list[tuple[int, list[str]]] = []
    site_of_session: dict[int, str | None] = {}  # every allowed room is at the session's site
    for index, session in enumerate(sessions):
        activity = instance.activity[session.activity]
        schools = {
            instance.school_of(instance.pupil[p]) for p in session.pupils if p in instance.pupil
        }
        own_site = instance.room[session.room].site if session.room in instance.room else None
        allowed = []
        for room in instance.rooms:
            if not set(room.kinds) & set(activity.room_kinds):
                continue
            if room.capacity < len(session.pupils):
                continue
            if room.site != own_site:
                continue
            if not all(
                instance.coach[c].sites is None or room.site in instance.coach[c].sites
                for c in session.coaches
                if c in instance.coach
            ):
                continue
            allowed.append(room.id)
        if not allowed:  # keep the session's own room so that FET may still place it
            allowed = [session.room]
        space_list_items.append((index, allowed))
        site_of_session[index] = own_site

        duration = activity.minutes // slot
        earliest: dict[str, int] = {}
        late_start = False
        for day in days:
            lows = []
            for school in schools:
                window = instance.site[school].window.get(day)
                if window is None:
                    continue
                walk = (instance.travel_minutes(school, own_site) or 0) if own_site else 0
                lows.append(window[0] + walk)
                late_start = late_start or walk > 0
            earliest[day] = max(lows) if lows else 0
        if late_start:
            starts = [
                (d, h)
                for d in days
                for i, h in enumerate(hours)
                if h >= earliest[d] and i + duration <= len(hours)
            ]
            element = _constraint(time_list, "ConstraintActivityPreferredStartingTimes")
            _sub(element, "Activity_Id", index + 1)
            _sub(element, "Number_of_Preferred_Starting_Times", len(starts))
            for day, hour in starts:
                entry = _sub(element, "Preferred_Starting_Time")
                _sub(entry, "Preferred_Starting_Day", DAY_NAMES[day])
                _sub(entry, "Preferred_Starting_Hour", format_time(hour))
            _close(element)

    # -- space constraints ------------------------------------------------------------
    space_list = _sub(root, "Space_Constraints_List")
    _close(_constraint(space_list, "ConstraintBasicCompulsorySpace"))
    for room in instance.rooms:
        if room.available is None:
            continue
        not_available_room = [
            (d, h)
            for d in days
            for h in hours
            if not any(a <= h and h + slot <= b for a, b in room.available.get(d, []))
        ]
        if not not_available_room:
            continue
        element = _constraint(space_list, "ConstraintRoomNotAvailableTimes")
        _sub(element, "Room", room.id)
        _sub(element, "Number_of_Not_Available_Times", len(not_available_room))
        for day, hour in not_available_room:
            entry = _sub(element, "Not_Available_Time")
            _sub(entry, "Day", DAY_NAMES[day])
            _sub(entry, "Hour", format_time(hour))
        _close(element)
    for index, allowed in space_list_items:
        if len(allowed) == 1:
            element = _constraint(space_list, "ConstraintActivityPreferredRoom")
            _sub(element, "Activity_Id", index + 1)
            _sub(element, "Room", allowed[0])
            _sub(element, "Permanently_Locked", "false")
        else:
            element = _constraint(space_list, "ConstraintActivityPreferredRooms")
            _sub(element, "Activity_Id", index + 1)
            _sub(element, "Number_of_Preferred_Rooms", len(allowed))
            for room_id in allowed:
                _sub(element, "Preferred_Room", room_id)
        _close(element)

    # -- travel, pair by pair, as our rules state it -----------------------------------
    # two sessions of one person at different sites: on one day, the walk between
    # them (rounded up to slots, which loses nothing: all times lie on the grid);
    # sites that are not connected, never on one day
    coach_sessions: dict[str, list[int]] = defaultdict(list)
    for index, session in enumerate(sessions):
        for coach in session.coaches:
            coach_sessions[coach].append(index)
    teachers = {coach_id: tuple(coach_sessions[coach_id]) for coach_id in used_coaches}
    people = [key[1] for key in subgroup_name] + list(teachers.values())
    travel: dict[tuple[int, int], int | None] = {}
    for indices in people:
        for a, b in itertools.combinations(sorted(indices), 2):
            site_a, site_b = site_of_session[a], site_of_session[b]
            if site_a and site_b and site_a != site_b:
                travel[(a, b)] = instance.travel_minutes(site_a, site_b)
    for (a, b), minutes in sorted(travel.items()):
        if minutes == 0:
            continue
        if minutes is None:
            element = _constraint(time_list, "ConstraintMinDaysBetweenActivities")
            _sub(element, "Consecutive_If_Same_Day", "false")
        else:
            element = _constraint(time_list, "ConstraintMinGapsBetweenActivities")
        _sub(element, "Number_of_Activities", 2)
        _sub(element, "Activity_Id", a + 1)
        _sub(element, "Activity_Id", b + 1)
        if minutes is None:
            _sub(element, "MinDays", 1)
        else:
            _sub(element, "MinGaps", math.ceil(minutes / slot))
        _close(element)

    counts = {
        "activities": len(sessions),
        "teachers": len(used_coaches),
        "rooms": len(instance.rooms),
        "subgroups": len(subgroup_name),
        "groups": len(by_class),
        "years": len(students),
        "hours": len(hours),
        "days": len(days),
    }
    return Projection(
        instance,
        sessions,
        hours,
        root,
        counts,
        allowed_rooms=[allowed for _, allowed in space_list_items],
        subgroups=[(tuple(subgroup_pupils[key]), key[1]) for key in subgroup_name],
        teachers=teachers,
    )


# -- reading fet-cl's results -----------------------------------------------------------

_TIME = re.compile(r"^(\d\d):(\d\d)$")


def read_activities(projection: Projection, path: str | Path) -> Solution:
    """Our solution from fet-cl's ``*_activities.xml``: placed activities only."""
    instance = projection.instance
    day_of = {name: day for day, name in DAY_NAMES.items()}
    placed: list[Session] = []
    # fet-cl wrote this file on this machine from our own input: not untrusted data
    for element in ET.parse(path).getroot().iter("Activity"):  # noqa: S314
        ident = element.findtext("Id")
        day_name = element.findtext("Day")
        hour_name = element.findtext("Hour")
        room = element.findtext("Room") or ""
        if not ident or not day_name or not hour_name:
            continue
        index = int(ident) - 1
        if not 0 <= index < len(projection.sessions):
            continue
        match = _TIME.match(hour_name.strip())
        if match is None or day_name.strip() not in day_of:
            continue
        session = projection.sessions[index]
        start = int(match.group(1)) * 60 + int(match.group(2))
        minutes = instance.activity[session.activity].minutes
        placed.append(
            Session(
                id=session.id,
                activity=session.activity,
                day=day_of[day_name.strip()],
                start=start,
                end=start + minutes,
                room=room.strip(),
                coaches=session.coaches,
                pupils=session.pupils,
            )
        )
    return Solution(instance=instance.name, sessions=placed, stats={"solver": "FET (fet-cl)"})


# -- running fet-cl -----------------------------------------------------------------------


@dataclass
class FetRun:
    solution: Solution  # placed activities only (empty when FET wrote none)
    complete: bool
    placed: int
    total: int
    seconds: float
    log: str
    # when each new most placed was reached, by FET's own clock: whole seconds from the
    # start of its search (reading the file not counted), each within a second of the truth
    progress: Progress = field(default_factory=Progress)

    @property
    def share_placed(self) -> float:
        return self.placed / self.total if self.total else 1.0


_REACHED = re.compile(r"At time (\d+) h (\d+) m (\d+) s, FET reached (\d+) activities placed")


def read_progress(text: str) -> Progress:
    """FET's ``logs/max_placed_activities.txt``: when it first placed each number of activities."""
    progress = Progress(started=0.0)
    for hours, minutes, seconds, placed in _REACHED.findall(text):
        progress.reached(3600.0 * int(hours) + 60 * int(minutes) + int(seconds), int(placed))
    return progress


def find_fet_cl() -> str:
    path = shutil.which("fet-cl")
    if path is None:
        raise FetMissing(
            "fet-cl is not installed; install FET with `sudo apt-get install fet` "
            "(Debian/Ubuntu) or from https://lalescu.ro/liviu/fet/"
        )
    return path


FET_SEEDS = ("10", "11", "12", "20", "21", "22")  # the six components of FET's random seed


def run_fet(
    projection: Projection,
    time_limit: float,
    workdir: str | Path | None = None,
    seed: int | None = None,
) -> FetRun:
    """Run fet-cl on the projection; read its timetable back whether or not it completed.

    ``seed`` fixes FET's random seeds (all six components from it): the same
    file, FET version and seed give the same search, as ``seed`` does for
    ours. Without it FET draws them from the clock.

    fet-cl exits 0 on a timeout too. It writes the complete timetable under
    ``timetables/<name>/``; on a timeout it writes the best partial one under
    ``timetables/<name>-highest/`` (or ``-max``), and its log says so. Success
    is therefore judged by which files exist and by every activity being placed.
    """
    binary = find_fet_cl()
    own = workdir is None
    directory = Path(tempfile.mkdtemp(prefix="fet-")) if own else Path(workdir)
    directory.mkdir(parents=True, exist_ok=True)
    name = "projection"
    input_path = directory / f"{name}.fet"
    projection.write(input_path)
    output = directory / "out"
    shutil.rmtree(output, ignore_errors=True)
    command = [
        binary,
        f"--inputfile={input_path}",
        f"--outputdir={output}",
        f"--timelimitseconds={max(1, int(math.ceil(time_limit)))}",
        "--htmllevel=0",
        "--language=en_US",
        "--writetimetableconflicts=true",
        "--writetimetablesstatistics=false",
        "--writetimetablesxml=true",
        "--writetimetablesdayshorizontal=false",
        "--writetimetablesdaysvertical=false",
        "--writetimetablestimehorizontal=false",
        "--writetimetablestimevertical=false",
        "--warnifusingnotperfectconstraints=false",
        "--warnsubgroupswiththesameactivities=false",
    ]
    if seed is not None:
        # each component at least 1, so never all three zero, which FET refuses
        command += [f"--randomseeds{part}={seed % 4_000_000_000 + 1}" for part in FET_SEEDS]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.monotonic()
    completed = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=time_limit * 3 + 120
    )
    seconds = time.monotonic() - started
    log = completed.stdout + completed.stderr
    for extra in sorted((output / "logs").glob("*")) if (output / "logs").exists() else []:
        if extra.is_file() and extra.suffix == ".txt":
            log += f"\n--- {extra.name}\n" + extra.read_text(errors="replace")

    total = len(projection.sessions)
    timetables = output / "timetables"
    complete_file = timetables / name / f"{name}_activities.xml"
    # on a timeout: "-highest" holds the most activities placed, "-current" the last state
    partial = [
        timetables / f"{name}-{kind}" / f"{name}_activities.xml" for kind in ("highest", "current")
    ]
    partial = [path for path in partial if path.exists()]
    if complete_file.exists():
        solution = read_activities(projection, complete_file)
    elif partial:
        solution = read_activities(projection, partial[0])
    else:
        solution = Solution(instance=projection.instance.name, sessions=[])
    placed = len(solution.sessions)
    complete = complete_file.exists() and placed == total
    trace = output / "logs" / "max_placed_activities.txt"
    progress = read_progress(trace.read_text(errors="replace") if trace.exists() else "")
    # its search cannot have taken longer than the whole process
    progress.steps = [(min(at, seconds), placed) for at, placed in progress.steps]
    if own:
        shutil.rmtree(directory, ignore_errors=True)
    return FetRun(solution, complete, placed, total, seconds, log, progress)
