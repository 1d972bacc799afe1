"""The FET peer: projection to .fet, reading fet-cl's timetable back, and a real run."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from solver.checker import check
from solver.instance import Instance
from solver.peers.fet import project, read_activities, run_fet
from solver.solution import Solution
from tests.solver.conftest import (
    build_pupil,
    build_session,
    build_solution,
    build_tiny_instance,
)


def tiny_pair() -> tuple[Instance, Solution]:
    return Instance.from_dict(build_tiny_instance()), Solution.from_dict(build_solution())


def test_projection_writes_a_fet_file_with_the_expected_counts(tmp_path):
    instance, solution = tiny_pair()
    projection = project(instance, solution)
    path = tmp_path / "tiny.fet"
    projection.write(path)
    root = ET.parse(path).getroot()

    assert root.tag == "fet"
    assert len(root.findall("Activities_List/Activity")) == 3
    assert len(root.findall("Teachers_List/Teacher")) == 2  # C1, C2; C3 teaches nothing
    assert len(root.findall("Rooms_List/Room")) == 5
    assert len(root.findall("Buildings_List/Building")) == 4
    # P1 and P2 (class K1 of S1) attend the same sessions: one year, group and subgroup.
    years = root.findall("Students_List/Year")
    assert [y.findtext("Name") for y in years] == ["Y:S1"]
    subgroups = root.findall("Students_List/Year/Group/Subgroup")
    assert len(subgroups) == 1
    assert subgroups[0].findtext("Number_of_Students") == "2"
    # 15-minute hours over the union of the windows (15:00-17:30), two days.
    assert root.findtext("Hours_List/Number_of_Hours") == "10"
    assert root.findtext("Days_List/Number_of_Days") == "2"
    activity = root.find("Activities_List/Activity")
    assert activity.findtext("Duration") == "4"
    assert activity.findtext("Teacher") == "C1"
    # the site stays ours: homework may use both classrooms of S1, football only G1 at V1.
    rooms = {
        c.findtext("Activity_Id"): [r.text for r in c.findall("Preferred_Room")]
        for c in root.iter("ConstraintActivityPreferredRooms")
    }
    assert sorted(rooms["1"]) == ["R1", "R2"]
    single = {
        c.findtext("Activity_Id"): c.findtext("Room")
        for c in root.iter("ConstraintActivityPreferredRoom")
    }
    assert single == {"2": "R2", "3": "G1"}
    # football at V1 starts at least 10 minutes after the window opens: not 15:00.
    starts = {
        c.findtext("Activity_Id"): [
            t.findtext("Preferred_Starting_Hour") for t in c.findall("Preferred_Starting_Time")
        ]
        for c in root.iter("ConstraintActivityPreferredStartingTimes")
    }
    assert list(starts) == ["3"]
    assert "15:00" not in starts["3"] and "15:15" in starts["3"]
    # pupils (and C1) change between S1 and V1 (10 minutes): one 15-minute slot between
    # football and each of their sessions at S1, once per pair however many share it.
    gaps = {
        tuple(a.text for a in g.findall("Activity_Id")): g.findtext("MinGaps")
        for g in root.iter("ConstraintMinGapsBetweenActivities")
    }
    assert gaps == {("1", "3"): "1", ("2", "3"): "1"}
    # the gym at V1 is closed outside 15:00-18:00; the window keeps pupils in 15:00-17:30.
    assert root.find("Space_Constraints_List/ConstraintRoomNotAvailableTimes") is None
    assert root.find("Time_Constraints_List/ConstraintTeacherNotAvailableTimes") is None
    assert projection.counts["activities"] == 3


def test_sites_that_are_not_connected_are_never_on_one_day_in_fet(tmp_path):
    data = build_tiny_instance()
    data["travel_minutes"] = [
        t for t in data["travel_minutes"] if {t["from"], t["to"]} != {"S1", "V1"}
    ]
    projection = project(Instance.from_dict(data), Solution.from_dict(build_solution()))
    path = tmp_path / "tiny.fet"
    projection.write(path)
    root = ET.parse(path).getroot()

    assert root.find("Time_Constraints_List/ConstraintMinGapsBetweenActivities") is None
    apart = [
        [a.text for a in c.findall("Activity_Id")]
        for c in root.iter("ConstraintMinDaysBetweenActivities")
    ]
    assert apart == [["1", "3"], ["2", "3"]]


def test_reader_turns_fet_activities_xml_into_a_solution(tmp_path):
    instance, solution = tiny_pair()
    projection = project(instance, solution)
    path = tmp_path / "tiny_activities.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<Activities_Timetable>
<Activity><Id>1</Id><Day>Monday</Day><Hour>15:00</Hour><Room>R1</Room></Activity>
<Activity><Id>2</Id><Day>Monday</Day><Hour>16:00</Hour><Room>R2</Room></Activity>
<Activity><Id>3</Id><Day></Day><Hour></Hour><Room></Room></Activity>
</Activities_Timetable>
""",
        encoding="utf-8",
    )
    read = read_activities(projection, path)

    assert [(s.id, s.day, s.start, s.end, s.room) for s in read.sessions] == [
        ("s1", "mon", 900, 960, "R1"),
        ("s2", "mon", 960, 1020, "R2"),
    ]
    assert read.sessions[0].coaches == ("C1",)
    assert read.sessions[0].pupils == ("P1", "P2")
    report = check(instance, read)
    assert report.valid
    assert report.unmet_minutes > 0  # football was not placed


@pytest.mark.skipif(shutil.which("fet-cl") is None, reason="fet-cl is not installed")
def test_fet_cl_on_the_tiny_scenario_passes_our_checker(tmp_path):
    from solver.engine import solve
    from solver.generator import generate

    instance = generate("tiny", 1).instance
    ours = solve(instance, time_limit=5, workers=1, seed=1)
    projection = project(instance, ours.solution)
    fet = run_fet(projection, 20, workdir=tmp_path)

    assert fet.complete, fet.log[-2000:]
    assert fet.placed == len(ours.solution.sessions) > 0
    report = check(instance, fet.solution)
    assert report.valid, report.violations
    assert report.unmet_minutes == ours.report.unmet_minutes


@pytest.mark.skipif(shutil.which("fet-cl") is None, reason="fet-cl is not installed")
def test_fet_cl_given_a_seed_makes_the_same_timetable_again(tmp_path):
    from solver.generator import generate

    scenario = generate("school", 1)
    projection = project(scenario.instance, scenario.witness)

    def timetable(seed: int, run: str):
        fet = run_fet(projection, 20, workdir=tmp_path / run, seed=seed)
        assert fet.complete, fet.log[-2000:]
        return sorted((s.id, s.day, s.start, s.room) for s in fet.solution.sessions)

    assert timetable(7, "first") == timetable(7, "again") != timetable(8, "other")


def test_ours_on_the_projection_places_the_same_activities_validly():
    """Our side solves the projected problem itself: same sessions, new days, starts, rooms."""
    from solver.peers.ours import solve_projection

    instance, solution = tiny_pair()
    projection = project(instance, solution)
    ours = solve_projection(projection, 10, workers=1, seed=1)

    assert ours.complete and ours.placed == ours.total == 3
    assert [(s.id, s.activity, s.coaches, s.pupils) for s in ours.solution.sessions] == [
        (s.id, s.activity, s.coaches, s.pupils) for s in solution.sessions
    ]
    # the rooms FET may use: football stays in G1 at V1, homework in a classroom of S1
    rooms = {s.id: s.room for s in ours.solution.sessions}
    assert rooms["s3"] == "G1" and rooms["s1"] in {"R1", "R2"}
    report = check(instance, ours.solution)
    assert report.valid, report.violations
    assert report.unmet_minutes == check(instance, solution).unmet_minutes


def test_ours_brings_a_coach_to_a_site_on_as_few_days_as_it_can():
    """Two classes' homework with one coach at one school go on the day the coach
    comes, not one on each day: a coach's visits are what ties a district's days."""
    from solver.peers.ours import solve_projection

    pupils = [build_pupil("P1"), build_pupil("P3", klass="K2")]
    instance = Instance.from_dict(build_tiny_instance(pupils=pupils))
    solution = Solution.from_dict(
        build_solution(
            build_session("s1", pupils=["P1"]),
            build_session("s2", day="tue", pupils=["P3"]),
        )
    )
    run = solve_projection(project(instance, solution), 10, workers=1, seed=1)

    assert run.complete
    assert len({s.day for s in run.solution.sessions}) == 1
    assert check(instance, run.solution).valid


def test_the_projection_model_accepts_the_timetable_it_was_made_from():
    """The model is no stricter than the rules: the source timetable satisfies it."""
    from solver.peers.ours import solve_projection

    instance, solution = tiny_pair()
    projection = project(instance, solution)
    fixed = solve_projection(projection, 10, workers=1, seed=1, fixed=solution)
    assert fixed.complete
    assert {(s.id, s.day, s.start, s.room) for s in fixed.solution.sessions} == {
        (s.id, s.day, s.start, s.room) for s in solution.sessions
    }


def peer_row(**changes):
    """A row of the benchmark's table: ours complete in 20 s, FET not in its 600 s."""
    from dataclasses import replace

    from solver.peers.bench import PeerRow

    row = PeerRow(
        scenario="x",
        sessions=10,
        subgroups=3,
        time_limit=600,
        engine_seconds=60,
        engine_coverage=0.99,
        engine_hard=0,
        ours_seconds=20,
        ours_complete=True,
        ours_placed=10,
        ours_hard=0,
        fet_seconds=600,
        fet_complete=False,
        fet_placed=3,
        fet_hard=0,
    )
    return replace(row, **changes)


def test_ratio_is_a_bound_when_only_one_side_completes():
    row = peer_row()
    assert row.ratio == "> 30"
    row.fet_complete, row.fet_seconds = True, 100
    assert row.ratio == "5.0"
    row.ours_complete = False
    assert row.ratio == "< 5.00"
    row.fet_complete = False
    assert row.ratio.startswith("-")


def test_the_benchmark_prints_how_full_each_p_is():
    from solver.peers.bench import format_tightness_table
    from solver.peers.rules import rules_of
    from solver.peers.tightness import tightness

    projection = project(*tiny_pair())
    row = peer_row(scenario="tiny", tightness=tightness(projection, rules_of(projection)).summary())

    assert format_tightness_table([row]).splitlines()[-1] == (
        "| tiny | 30% (max 40%, 0 at 80% or more) | 75% (max 75%) | max 22% |"
    )


def test_a_district_cut_to_its_first_schools_keeps_whole_sessions_of_those_schools():
    from solver.generator import generate
    from solver.peers.bench import first_schools

    scenario = generate("district", 1)
    instance, witness = scenario.instance, scenario.witness
    schools = sorted({instance.school_of(pupil) for pupil in instance.pupils})

    cut = first_schools(instance, witness, 3)

    def schools_of(session):
        return {instance.school_of(instance.pupil[p]) for p in session.pupils}

    assert 0 < len(cut.sessions) < len(witness.sessions)
    assert all(schools_of(s) <= set(schools[:3]) for s in cut.sessions)
    left_out = [s for s in witness.sessions if s not in cut.sessions]
    assert all(schools_of(s) - set(schools[:3]) for s in left_out)
    assert check(instance, cut).valid  # fewer sessions, the same rules kept
    assert first_schools(instance, witness, len(schools)).sessions == witness.sessions


def test_cp_sat_around_each_session_left_out_completes_what_the_repair_did_not(monkeypatch):
    """With nothing placed by the greedy, the neighbourhoods alone place every session.

    They serve a P too large for the SAT stage; here the school's P is made to count
    as one.
    """
    import solver.peers.ours as ours
    from solver.generator import generate

    scenario = generate("school", 1)
    projection = project(scenario.instance, scenario.witness)
    monkeypatch.setattr(ours, "place_and_repair", lambda *args, **kwargs: {})
    monkeypatch.setattr(ours, "SAT_SESSIONS", 0)

    run = ours.solve_projection(projection, 60, workers=1, seed=1)

    assert run.complete and run.status == "GREEDY+CP-SAT"
    report = check(scenario.instance, run.solution)
    assert report.valid, report.violations
    assert report.unmet_minutes == check(scenario.instance, scenario.witness).unmet_minutes


def test_sat_around_the_last_sessions_left_out_places_them(monkeypatch):
    """With a few sessions left out and CP-SAT's neighbourhoods finding nothing,
    the SAT formula around each of them places them all."""
    import solver.peers.ours as ours
    from solver.generator import generate

    scenario = generate("school", 1)
    projection = project(scenario.instance, scenario.witness)
    left_out = {3, 40, 77}
    witness = {
        index: (s.day, s.room, s.start)
        for index, s in enumerate(projection.sessions)
        if index not in left_out
    }
    monkeypatch.setattr(ours, "place_and_repair", lambda *args, **kwargs: dict(witness))
    monkeypatch.setattr(ours, "SAT_SESSIONS", 0)
    monkeypatch.setattr(ours.WeekModel, "solve", lambda *args, **kwargs: None)

    run = ours.solve_projection(projection, 60, workers=1, seed=1)

    assert run.complete
    report = check(scenario.instance, run.solution)
    assert report.valid, report.violations
    assert report.unmet_minutes == check(scenario.instance, scenario.witness).unmet_minutes


def test_each_school_alone_keeps_the_sessions_of_that_school_only():
    from solver.generator import generate
    from solver.peers.bench import schools_cut

    scenario = generate("district", 1)
    instance, witness = scenario.instance, scenario.witness
    schools = sorted({instance.school_of(pupil) for pupil in instance.pupils})

    parts = [schools_cut(instance, witness, [school]) for school in schools]

    for school, part in zip(schools, parts, strict=True):
        assert part.sessions
        assert all(
            instance.school_of(instance.pupil[p]) == school for s in part.sessions for p in s.pupils
        )
        assert check(instance, part).valid
    shared = [
        s
        for s in witness.sessions
        if len({instance.school_of(instance.pupil[p]) for p in s.pupils}) > 1
    ]
    assert sum(len(p.sessions) for p in parts) == len(witness.sessions) - len(shared)


def _p_as_given(projection) -> list[tuple]:
    """What P asks, activity by activity in its order: not the engine's session ids."""
    return [
        (s.activity, sorted(s.pupils), sorted(s.coaches), rooms)
        for s, rooms in zip(projection.sessions, projection.allowed_rooms, strict=True)
    ]


def test_p_does_not_follow_the_order_the_engine_listed_its_sessions_in():
    import random
    from dataclasses import replace

    from solver.generator import generate
    from solver.peers.bench import in_fixed_order

    scenario = generate("school", 1)
    instance, witness = scenario.instance, scenario.witness
    shuffled = list(witness.sessions)
    random.Random(1).shuffle(shuffled)
    renamed = replace(
        witness, sessions=[replace(s, id=f"other-{n}") for n, s in enumerate(shuffled)]
    )

    first = project(instance, in_fixed_order(witness))
    second = project(instance, in_fixed_order(renamed))

    assert _p_as_given(first) == _p_as_given(second)
    assert _p_as_given(project(instance, witness)) != _p_as_given(project(instance, renamed))
    assert check(instance, in_fixed_order(witness)).valid


P_DIGEST = """
import hashlib
from solver.generator import generate
from solver.peers.bench import source_of_p
from solver.peers.fet import project
from tests.solver.test_fet import _p_as_given
instance = generate("school", 1).instance
rows = _p_as_given(project(instance, source_of_p(instance, 10, 2, 1, reproducible=True).solution))
print(len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
"""


def test_bench_reproducible_gives_the_same_p_in_two_processes_side_by_side():
    """Other string hashing in each process, both at once on a busy machine."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", P_DIGEST],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in ("1", "2")
    ]
    outputs = [run.communicate(timeout=300)[0].split() for run in runs]

    assert all(run.returncode == 0 for run in runs)
    assert int(outputs[0][0]) > 50  # the school's sessions, not an empty P
    assert outputs[0] == outputs[1]


FET_TRACE = """\ufeffThis is the list of max placed activities, chronologically. If FET could reach \
maximum n-th activity, look at the n+1-st activity in the initial order of the activities

At time 0 h 0 m 0 s, FET reached 1 activities placed
At time 0 h 0 m 0 s, FET reached 2 activities placed
At time 0 h 0 m 12 s, FET reached 3 activities placed
At time 1 h 2 m 3 s, FET reached 4 activities placed
"""


def test_fets_trace_says_when_it_first_placed_each_number_of_activities():
    from solver.peers.fet import read_progress

    progress = read_progress(FET_TRACE)

    assert progress.steps == [(0.0, 1), (0.0, 2), (12.0, 3), (3723.0, 4)]
    assert progress.best == 4
    assert progress.first_at(3) == 12.0 and progress.first_at(5) is None


@pytest.mark.skipif(shutil.which("fet-cl") is None, reason="fet-cl is not installed")
def test_fet_cl_run_comes_back_with_its_trace(tmp_path):
    from solver.generator import generate

    scenario = generate("school", 1)
    fet = run_fet(project(scenario.instance, scenario.witness), 20, workdir=tmp_path, seed=1)

    assert fet.complete
    assert fet.progress.best == fet.placed
    counts = [placed for _, placed in fet.progress.steps]
    assert counts == sorted(set(counts))
    assert fet.progress.first_at(fet.placed) <= fet.seconds


def test_ours_says_when_it_first_placed_each_number_of_sessions():
    from solver.peers.ours import solve_projection

    ours = solve_projection(project(*tiny_pair()), 10, workers=1, seed=1)

    assert ours.progress.best == ours.placed == 3
    assert [placed for _, placed in ours.progress.steps] == [1, 2, 3]
    assert 0 <= ours.progress.first_at(3) <= ours.seconds


def test_where_neither_completes_both_are_timed_to_the_most_both_placed():
    from dataclasses import replace

    from solver.peers.bench import format_target_table
    from solver.peers.progress import Progress, common_target

    ours = Progress(started=0.0, steps=[(0.5, 10), (2.0, 30), (9.0, 31)])
    fet = Progress(started=0.0, steps=[(1.0, 5), (40.0, 20), (600.0, 25)])
    target = common_target(ours, fet)

    assert (target.placed, target.ours_seconds, target.fet_seconds) == (25, 2.0, 600.0)
    row = peer_row(scenario="district", sessions=40, target=target)
    assert format_target_table([row]).splitlines()[-1] == (
        "| district | 62.5% (25/40) | 2.0 | 600 | ≥ 299.5 |"
    )
    assert replace(target, fet_seconds=1.0).ratio.startswith("-")  # FET's clock: ± 1 s
    assert common_target(ours, Progress(started=0.0)) is None
