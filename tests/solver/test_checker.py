"""The independent checker: one tiny case per hard rule (broken and just fine), one
per soft term with the arithmetic, the deficit formula, the report and the CLI.

The tiny instance and its valid solution are described in conftest.py.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from solver.checker import (
    HARD_RULES,
    SOFT_TERMS,
    CheckReport,
    Plan,
    check,
    pupil_deficits,
)
from solver.cli import main
from solver.instance import Instance
from solver.solution import Solution


def run(instance: dict[str, Any], solution: dict[str, Any]) -> CheckReport:
    return check(Instance.from_dict(instance), Solution.from_dict(solution))


def rules(report: CheckReport) -> set[str]:
    return {v.rule for v in report.violations}


def tweak(sessions: list[dict], ident: str, **fields: Any) -> list[dict]:
    """The sessions with one of them changed."""
    return [{**s, **fields} if s["id"] == ident else s for s in sessions]


def with_pupils(instance: dict, *pupils: dict) -> dict:
    instance["pupils"] = instance["pupils"] + list(pupils)
    return instance


def set_entry(instance: dict, key: str, ident: str, **fields: Any) -> dict:
    """Change fields of one entry (room, coach, activity, ...) of the instance dict."""
    for entry in instance[key]:
        if entry["id"] == ident:
            entry.update(fields)
            return instance
    raise KeyError(ident)


def set_travel(instance: dict, a: str, b: str, minutes: int | None) -> dict:
    rest = [t for t in instance["travel_minutes"] if {t["from"], t["to"]} != {a, b}]
    if minutes is not None:
        rest.append({"from": a, "to": b, "minutes": minutes})
    instance["travel_minutes"] = rest
    return instance


@pytest.fixture
def sessions(tiny_solution):
    """The sessions of the valid tiny solution, to tweak."""
    return tiny_solution()["sessions"]


def assert_only(report: CheckReport, rule: str) -> None:
    assert report.violations, f"expected {rule} to be broken"
    assert rules(report) == {rule}, report.format_text()


def assert_valid(report: CheckReport) -> None:
    assert report.valid, report.format_text()


# -- the spec's example and the tiny pair ---------------------------------------


def test_example_pair_is_valid_full_and_costs_two(example_instance_dict, example_solution_dict):
    report = run(example_instance_dict, example_solution_dict)
    assert_valid(report)
    assert report.unmet_minutes == 0
    assert report.coverage == 1.0
    # The only cost: s5 (football, wed) mixes classes K1 (P1, P2) and K2 (P3, P4):
    # mixed_classes = 2 classes - 1 = 1, weight 2 -> 2. Everything else is 0: P1's
    # only preference (football) is its first choice; every pupil-day is 120 or 60
    # minutes (preferred 120); siblings P2, P3 both end at 17:00 on mon, 13:45 on wed;
    # each coach works one site with back-to-back sessions; no previous solution.
    assert report.soft_raw == {
        "preference": 0.0,
        "mixed_classes": 1.0,
        "day_load": 0.0,
        "siblings": 0.0,
        "coach_site_changes": 0.0,
        "coach_idle": 0.0,
        "stability": 0.0,
    }
    assert report.soft_weighted["mixed_classes"] == 2.0
    assert report.penalty == 2.0
    text = report.format_text()
    assert "100.00%" in text
    assert "none broken" in text


def test_tiny_pair_is_valid_full_and_free(tiny_instance, tiny_solution):
    report = run(tiny_instance(), tiny_solution())
    assert_valid(report)
    assert report.coverage == 1.0
    assert report.deficit_by_pupil == {"P1": 0, "P2": 0}
    assert report.penalty == 0.0


def test_every_rule_and_term_has_a_function_with_a_docstring():
    assert list(HARD_RULES) == [f"H{i}" for i in range(1, 12)]
    assert list(SOFT_TERMS) == [
        "preference",
        "mixed_classes",
        "day_load",
        "siblings",
        "coach_site_changes",
        "coach_idle",
        "stability",
    ]
    for function in [*HARD_RULES.values(), *SOFT_TERMS.values(), pupil_deficits]:
        assert function.__doc__ and "\n" not in function.__doc__.strip()


# -- H1 grid and length -----------------------------------------------------------


def test_h1_off_grid(tiny_instance, tiny_solution, sessions):
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s3", start="15:20", end="16:20")))
    assert_only(report, "H1")
    assert len(report.violations) == 2  # both start and end
    assert "s3 starts at 15:20, off the 15-minute grid" in report.violations[0].message


def test_h1_length_differs_from_activity(tiny_instance, tiny_solution, sessions):
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s3", end="16:00")))
    assert_only(report, "H1")
    assert report.violations[0].ids == ("s3", "football")


def test_h1_day_not_planned(tiny_instance, tiny_solution):
    # s3 is on tue; the school has a tue window and everyone is available, but tue is
    # not a planning day.
    report = run(tiny_instance(days=["mon"]), tiny_solution())
    assert_only(report, "H1")
    assert "not a planning day" in report.violations[0].message


# -- H2 pupil window ---------------------------------------------------------------


def test_h2_before_the_window_opens(tiny_instance, tiny_solution, sessions):
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s1", start="14:45", end="15:45")))
    assert_only(report, "H2")
    assert {v.ids for v in report.violations} == {("P1", "s1", "S1"), ("P2", "s1", "S1")}


def test_h2_ending_exactly_at_window_close_is_fine(tiny_instance, tiny_solution, sessions):
    # window 15:00-17:30; s2 16:30-17:30 ends as the window closes (half-open)
    assert_valid(
        run(tiny_instance(), tiny_solution(*tweak(sessions, "s2", start="16:30", end="17:30")))
    )


def test_h2_no_window_that_day(tiny_instance, tiny_solution):
    instance = tiny_instance()
    set_entry(instance, "sites", "S1", window={"mon": ["15:00", "17:30"]})
    report = run(instance, tiny_solution())
    assert_only(report, "H2")
    assert "has no extended-day window" in report.violations[0].message


def test_h2_pupil_unavailable(tiny_instance, tiny_solution, tiny_pupil):
    instance = tiny_instance(
        pupils=[tiny_pupil("P1", unavailable={"mon": [["15:30", "16:00"]]}), tiny_pupil("P2")]
    )
    report = run(instance, tiny_solution())
    assert_only(report, "H2")
    assert report.violations[0].ids == ("P1", "s1")


def test_h2_unavailable_touching_the_session_is_fine(tiny_instance, tiny_solution, tiny_pupil):
    # s2 ends 17:00, P1 unavailable from 17:00; s1 starts 15:00, P2 unavailable until 15:00
    instance = tiny_instance(
        pupils=[
            tiny_pupil("P1", unavailable={"mon": [["17:00", "17:30"]]}),
            tiny_pupil("P2", unavailable={"mon": [["14:00", "15:00"]]}),
        ]
    )
    assert_valid(run(instance, tiny_solution()))


# -- H3 pupil clashes and travel -----------------------------------------------------


def test_h3_pupil_in_two_sessions_at_once(tiny_instance, tiny_solution, sessions):
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s2", start="15:30", end="16:30")))
    assert_only(report, "H3")
    assert [v.message for v in report.violations] == [
        "H3 pupil P1 is in s1 and s2 at the same time on mon 15:30–16:00",
        "H3 pupil P2 is in s1 and s2 at the same time on mon 15:30–16:00",
    ]


def test_h3_back_to_back_at_one_site_is_fine(tiny_instance, tiny_solution):
    # the tiny solution itself: s1 15:00-16:00 then s2 16:00-17:00, both at S1
    assert_valid(run(tiny_instance(), tiny_solution()))


def test_h3_no_time_to_walk_between_sites(tiny_instance, tiny_solution, sessions):
    # s1 ends 16:00 at S1, football at V1 from 16:00: 0 minutes, the walk takes 10
    changed = tweak(sessions, "s2", activity="football", room="G1")
    report = run(tiny_instance(), tiny_solution(*changed))
    assert_only(report, "H3")
    assert "the way takes 10" in report.violations[0].message


def test_h3_gap_exactly_the_walk_is_fine(tiny_instance, tiny_solution, sessions):
    # S1-V1 takes 15: s1 ends 16:00, football at V1 starts 16:15; tue starts 15:15
    instance = set_travel(tiny_instance(), "S1", "V1", 15)
    changed = tweak(sessions, "s2", activity="football", room="G1", start="16:15", end="17:15")
    assert_valid(run(instance, tiny_solution(*changed)))


def test_h3_first_session_elsewhere_before_the_walk(tiny_instance, tiny_solution, sessions):
    # the window opens 15:00, V1 is 10 minutes away: 15:00 is too early
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s3", start="15:00", end="16:00")))
    assert_only(report, "H3")
    assert report.violations[0].ids == ("P1", "s3")


def test_h3_first_session_exactly_after_the_walk_is_fine(tiny_instance, tiny_solution):
    # V1 15 minutes away, window opens 15:00, s3 starts 15:15
    assert_valid(run(set_travel(tiny_instance(), "S1", "V1", 15), tiny_solution()))


def test_h3_sites_without_a_way_between_them(tiny_instance, tiny_solution, tiny_session, sessions):
    # tue: football at V1 until 16:15, music at V2 from 16:30; V1-V2 has no travel entry
    music = tiny_session(
        "s4", activity="music", day="tue", start="16:30", end="17:30", room="H2", coaches=["C2"]
    )
    week = [sessions[0], sessions[2], music]  # music moves from mon (s2) to tue at V2
    report = run(tiny_instance(), tiny_solution(*week))
    assert_only(report, "H3")
    assert "no way between them" in report.violations[0].message
    # the same with a 15-minute way: fine (V2 is exactly at the pupils' limit of 15)
    fine = set_travel(tiny_instance(), "V1", "V2", 15)
    assert_valid(run(fine, tiny_solution(*week)))


def test_h3_site_too_far_from_school(tiny_instance, tiny_solution, sessions):
    # homework tue 15:30 at S2, 20 minutes from S1; pupils may go 15
    changed = tweak(sessions, "s3", activity="homework", room="R3", start="15:30", end="16:30")
    report = run(tiny_instance(), tiny_solution(*changed))
    assert_only(report, "H3")
    assert "20 minutes away (pupils may go 15 minutes)" in report.violations[0].message


# -- H4 eligibility ---------------------------------------------------------------------


def test_h4_grade_outside_activity(tiny_instance, tiny_solution, tiny_pupil):
    # football is for grades 3-8
    instance = tiny_instance(pupils=[tiny_pupil("P1", grade=2), tiny_pupil("P2")])
    report = run(instance, tiny_solution())
    assert_only(report, "H4")
    assert report.violations[0].ids == ("P1", "s3", "football")


def test_h4_same_activity_twice_a_day(tiny_instance, tiny_solution, sessions):
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s2", activity="homework")))
    assert_only(report, "H4")
    assert len(report.violations) == 2  # P1 and P2


def test_h4_more_than_max_per_week(tiny_instance, tiny_solution, sessions):
    changed = tweak(sessions, "s3", activity="homework", room="R1", start="15:00", end="16:00")
    instance = set_entry(tiny_instance(), "activities", "homework", max_per_week=1)
    report = run(instance, tiny_solution(*changed))
    assert_only(report, "H4")
    assert "homework 2 times a week (s1, s3), at most 1" in report.violations[0].message
    # exactly the limit is fine
    set_entry(instance, "activities", "homework", max_per_week=2)
    assert_valid(run(instance, tiny_solution(*changed)))


# -- H5 weekly ceiling -------------------------------------------------------------------


def test_h5_more_minutes_than_the_programme_total(tiny_instance, tiny_solution):
    instance = tiny_instance()
    instance["programmes"][0]["total_minutes"] = 120  # the pupils get 180
    report = run(instance, tiny_solution())
    assert_only(report, "H5")
    assert report.violations[0].message == (
        "H5 pupil P1 has 180 minutes a week, programme all allows 120"
    )
    # the ids name the pupil, the programme and the pupil's sessions
    assert report.violations[0].ids == ("P1", "all", "s1", "s2", "s3")


def test_h5_more_minutes_than_a_day_allows(tiny_instance, tiny_solution):
    instance = tiny_instance()
    instance["programmes"][0]["max_minutes_per_day"] = 90  # mon has 120
    report = run(instance, tiny_solution())
    assert_only(report, "H5")
    # exactly the limit (120) is the tiny solution itself: fine
    assert_valid(run(tiny_instance(), tiny_solution()))


# -- H6 group size -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "ident", "fields"),
    [
        ("activities", "homework", {"min_group": 3}),
        ("activities", "football", {"max_group": 1}),
        ("rooms", "R1", {"capacity": 1}),
    ],
)
def test_h6_group_too_small_too_large_or_room_too_small(
    tiny_instance, tiny_solution, key, ident, fields
):
    report = run(set_entry(tiny_instance(), key, ident, **fields), tiny_solution())
    assert_only(report, "H6")
    assert len(report.violations) == 1


def test_h6_group_exactly_at_the_limits_is_fine(tiny_instance, tiny_solution):
    instance = set_entry(tiny_instance(), "activities", "homework", min_group=2, max_group=2)
    assert_valid(run(set_entry(instance, "rooms", "R1", capacity=2), tiny_solution()))


# -- H7 room ------------------------------------------------------------------------------


def test_h7_room_of_the_wrong_kind(tiny_instance, tiny_solution, sessions):
    # music in R1, a plain classroom; R2 is free then, but the kind is wrong
    changed = tweak(sessions, "s2", room="R1")
    report = run(tiny_instance(), tiny_solution(*changed))
    assert_only(report, "H7")
    assert report.violations[0].ids == ("R1", "s2")


def test_h7_room_not_available(tiny_instance, tiny_solution):
    instance = set_entry(tiny_instance(), "rooms", "G1", available={"tue": [["15:30", "18:00"]]})
    report = run(instance, tiny_solution())
    assert_only(report, "H7")
    assert "open tue: 15:30–18:00" in report.violations[0].message
    # a day the map leaves out is a day without availability
    set_entry(instance, "rooms", "G1", available={"mon": [["15:00", "18:00"]]})
    assert_only(run(instance, tiny_solution()), "H7")
    # open exactly for the session, from two touching intervals: fine
    set_entry(instance, "rooms", "G1", available={"tue": [["15:15", "15:45"], ["15:45", "16:15"]]})
    assert_valid(run(instance, tiny_solution()))


def test_h7_room_hosts_two_sessions_at_once(
    tiny_instance, tiny_solution, tiny_session, tiny_pupil, sessions
):
    instance = with_pupils(tiny_instance(), tiny_pupil("P3"))
    other = tiny_session("s4", start="15:30", end="16:30", coaches=["C3"], pupils=["P3"])
    report = run(instance, tiny_solution(*sessions, other))
    assert_only(report, "H7")
    assert report.violations[0].message == (
        "H7 room R1 hosts s1 and s4 at the same time on mon 15:30–16:00"
    )
    # one after the other in the same room: fine
    other = tiny_session("s4", start="16:00", end="17:00", coaches=["C3"], pupils=["P3"])
    assert_valid(run(instance, tiny_solution(*sessions, other)))


# -- H8 coaches -----------------------------------------------------------------------------


def test_h8_wrong_number_of_coaches(tiny_instance, tiny_solution, sessions):
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s1", coaches=["C1", "C2"])))
    assert_only(report, "H8")
    assert report.violations[0].message == "H8 session s1 has 2 coaches, homework needs 1"


def test_h8_coach_lacks_the_skill(tiny_instance, tiny_solution, sessions):
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s2", coaches=["C3"])))
    assert_only(report, "H8")
    assert "lacks the skill music" in report.violations[0].message


def test_h8_coach_not_available(tiny_instance, tiny_solution):
    instance = set_entry(
        tiny_instance(),
        "coaches",
        "C1",
        available={"mon": [["15:30", "18:00"]], "tue": [["14:00", "18:00"]]},
    )
    report = run(instance, tiny_solution())
    assert_only(report, "H8")
    assert report.violations[0].ids == ("C1", "s1")


def test_h8_coach_not_allowed_at_the_site(tiny_instance, tiny_solution, sessions):
    instance = set_entry(tiny_instance(), "coaches", "C3", skills=["tutoring", "football"])
    report = run(instance, tiny_solution(*tweak(sessions, "s3", coaches=["C3"])))
    assert_only(report, "H8")
    assert report.violations[0].ids == ("C3", "s3", "V1")


def test_h8_coach_leads_two_sessions_at_once(
    tiny_instance, tiny_solution, tiny_session, tiny_pupil, sessions
):
    instance = with_pupils(tiny_instance(), tiny_pupil("P4", klass="K3"))
    other = tiny_session("s4", start="15:30", end="16:30", room="R3", pupils=["P4"])
    report = run(instance, tiny_solution(*sessions, other))
    assert_only(report, "H8")
    assert report.violations[0].message == (
        "H8 coach C1 leads s1 and s4 at the same time on mon 15:30–16:00"
    )


def test_h8_coach_has_no_time_to_travel(
    tiny_instance, tiny_solution, tiny_session, tiny_pupil, sessions
):
    # C1: s1 at S1 until 16:00, s4 at S2 from 16:00; S1-S2 takes 20
    instance = with_pupils(tiny_instance(), tiny_pupil("P4", klass="K3"))
    other = tiny_session("s4", start="16:00", end="17:00", room="R3", pupils=["P4"])
    report = run(instance, tiny_solution(*sessions, other))
    assert_only(report, "H8")
    assert "has 0 minutes on mon between s1 at S1" in report.violations[0].message
    # S1-S2 takes 30 and s4 starts 16:30: exactly enough
    set_travel(instance, "S1", "S2", 30)
    other = tiny_session("s4", start="16:30", end="17:30", room="R3", pupils=["P4"])
    assert_valid(run(instance, tiny_solution(*sessions, other)))


def test_h8_coach_between_sites_without_a_way(
    tiny_instance, tiny_solution, tiny_session, tiny_pupil, sessions
):
    # C1: football at V1 tue until 16:15, music at V2 from 16:30 (for P3); V1-V2 unreachable
    instance = with_pupils(tiny_instance(), tiny_pupil("P3"))
    other = tiny_session(
        "s4", activity="music", day="tue", start="16:30", end="17:30", room="H2", pupils=["P3"]
    )
    report = run(instance, tiny_solution(*sessions, other))
    assert_only(report, "H8")
    assert "coach C1 has s3 at V1 and s4 at V2 on tue" in report.violations[0].message


# -- H9 coach load ----------------------------------------------------------------------------


def test_h9_coach_over_the_day_limit(tiny_instance, tiny_solution):
    instance = set_entry(tiny_instance(), "coaches", "C1", max_minutes_per_day=45)
    report = run(instance, tiny_solution())
    assert_only(report, "H9")
    assert len(report.violations) == 2  # mon and tue, 60 each
    set_entry(instance, "coaches", "C1", max_minutes_per_day=60)
    assert_valid(run(instance, tiny_solution()))


def test_h9_coach_over_the_week_limit(tiny_instance, tiny_solution):
    instance = set_entry(tiny_instance(), "coaches", "C1", max_minutes_per_week=90)
    report = run(instance, tiny_solution())
    assert_only(report, "H9")
    assert report.violations[0].message == "H9 coach C1 works 120 minutes a week, at most 90 agreed"
    assert report.violations[0].ids == ("C1", "s1", "s3")


# -- H10 pins ------------------------------------------------------------------------------------


def test_h10_pinned_session_changed(tiny_instance, tiny_solution, sessions):
    previous = tiny_solution(*tweak(sessions, "s1", pinned=True))
    instance = tiny_instance(previous=previous)
    # kept, under another id and with the coaches and pupils in another order: fine
    kept = tweak(sessions, "s1", id="new1", pupils=["P2", "P1"])
    assert_valid(run(instance, tiny_solution(*kept)))
    # P2 dropped from the pinned session
    report = run(instance, tiny_solution(*tweak(sessions, "s1", pupils=["P1"])))
    assert_only(report, "H10")
    assert report.violations[0].ids == ("s1",)


def test_h10_only_pinned_sessions_must_stay(tiny_instance, tiny_solution, sessions):
    instance = tiny_instance(previous=tiny_solution())  # nothing pinned
    assert_valid(run(instance, tiny_solution(*tweak(sessions, "s1", pupils=["P1"]))))


def test_h10_unreadable_previous_is_reported(tiny_instance, tiny_solution):
    instance = tiny_instance(previous={"format": "extended-day-solution/1", "sessions": 3})
    assert_only(run(instance, tiny_solution()), "H10")


# -- H11 references ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"pupils": ["P1", "P9"]}, 'session s1 names an unknown pupil "P9"'),
        ({"coaches": ["C9"]}, 'session s1 names an unknown coach "C9"'),
        ({"room": "R9"}, 'session s1 names an unknown room "R9"'),
        ({"activity": "chess"}, 'session s1 names an unknown activity "chess"'),
        ({"pupils": ["P1", "P2", "P1"]}, "session s1 lists pupil P1 2 times"),
        ({"coaches": ["C1", "C1"]}, "session s1 lists coach C1 2 times"),
    ],
)
def test_h11_references(tiny_instance, tiny_solution, sessions, fields, expected):
    # a session with an unknown id is left out of the other rules (no crash, no noise)
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s1", **fields)))
    assert_only(report, "H11")
    assert [v.message for v in report.violations] == [f"H11 {expected}"]


def test_h11_duplicate_session_id(tiny_instance, tiny_solution, sessions):
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s2", id="s1")))
    assert_only(report, "H11")
    assert report.violations[0].message == "H11 session id s1 is used 2 times"


def test_unknown_reference_session_counts_for_nobody(tiny_instance, tiny_solution, sessions):
    report = run(tiny_instance(), tiny_solution(*tweak(sessions, "s1", room="R9")))
    # without s1 both pupils miss their 60 tutoring minutes
    assert report.deficit_by_pupil == {"P1": 60, "P2": 60}


# -- unmet minutes -------------------------------------------------------------------------------


def test_deficit_category_shortfall_dominates(tiny_instance, tiny_solution, tiny_session):
    # P1 has only music, mon and tue: culture 120.
    # categories: sport 60 - 0 + tutoring 60 - 0 = 120; total: 180 - 120 = 60 -> 120
    solution = tiny_solution(
        tiny_session("s1", activity="music", room="R2", pupils=["P1"]),
        tiny_session("s2", activity="music", room="R2", day="tue", pupils=["P1"]),
    )
    report = run(tiny_instance(), solution)
    assert_valid(report)
    assert report.deficit_by_pupil == {"P1": 120, "P2": 180}
    # coverage 1 - 300 / 360
    assert report.unmet_minutes == 300
    assert report.coverage == pytest.approx(1 - 300 / 360)


def test_deficit_total_shortfall_dominates(tiny_instance, tiny_solution, sessions):
    # homework + football: every minimum met (0), but 180 - 120 = 60 short overall
    report = run(tiny_instance(), tiny_solution(sessions[0], sessions[2]))
    assert report.deficit_by_pupil == {"P1": 60, "P2": 60}


def test_deficit_adds_missing_required_activity(tiny_instance, tiny_solution, tiny_pupil, sessions):
    # P1 requires reading, never has it: 0 short on the programme + 60 reading = 60;
    # P2 requires homework, has it: 0
    instance = tiny_instance(
        pupils=[tiny_pupil("P1", required=["reading"]), tiny_pupil("P2", required=["homework"])]
    )
    report = run(instance, tiny_solution())
    assert report.deficit_by_pupil == {"P1": 60, "P2": 0}
    # coverage 1 - 60 / 360, shown rounded down
    assert report.coverage == pytest.approx(1 - 60 / 360)
    assert "83.33%" in report.format_text()


def test_coverage_never_reads_100_when_short():
    report = CheckReport(
        violations=[],
        deficit_by_pupil={"P1": 1},
        demand_minutes=1_000_000,
        soft_raw={},
        soft_weighted={},
    )
    assert "99.99%" in report.format_text()


def test_coverage_is_full_without_demand():
    report = CheckReport([], {}, 0, {}, {})
    assert report.coverage == 1.0


# -- soft terms ----------------------------------------------------------------------------------


def test_preference_cost(tiny_instance, tiny_solution, tiny_pupil):
    # P1 tutoring [reading, homework]: homework is 2nd -> 1; sport [football] -> 0
    # P2 tutoring [reading]: homework unlisted -> len 1 + 1 = 2
    # music: no list for culture -> 0.   Total 1 + 0 + 2 = 3, weight 4 -> 12
    instance = tiny_instance(
        pupils=[
            tiny_pupil(
                "P1", preferences={"tutoring": ["reading", "homework"], "sport": ["football"]}
            ),
            tiny_pupil("P2", preferences={"tutoring": ["reading"]}),
        ]
    )
    instance["weights"]["preference"] = 4
    report = run(instance, tiny_solution())
    assert_valid(report)
    assert report.soft_raw["preference"] == 3.0
    assert report.soft_weighted["preference"] == 12.0


def test_mixed_classes_cost(tiny_instance, tiny_solution, tiny_pupil):
    # P2 in K2: s1, s2 and s3 each hold K1 and K2 -> 3 x (2 - 1) = 3, weight 2 -> 6
    instance = tiny_instance(pupils=[tiny_pupil("P1"), tiny_pupil("P2", klass="K2")])
    instance["weights"]["mixed_classes"] = 2
    report = run(instance, tiny_solution())
    assert report.soft_raw["mixed_classes"] == 3.0
    assert report.penalty == 6.0


def test_day_load_cost(tiny_instance, tiny_solution):
    # preferred 50 a day: mon 120 -> (120 - 50) / 15 = 70/15, tue 60 -> 10/15;
    # per pupil 80/15, two pupils: 160/15 = 10.67
    instance = tiny_instance()
    instance["programmes"][0]["preferred_minutes_per_day"] = 50
    report = run(instance, tiny_solution())
    assert report.soft_raw["day_load"] == pytest.approx(160 / 15)


def test_siblings_cost(tiny_instance, tiny_solution, tiny_pupil):
    # family F: P1, P2 (sessions) and P3 (none, school S1 opens 15:00 both days)
    # mon: ends 17:00, 17:00, 15:00 -> 120 / 15 = 8;  tue: 16:15, 16:15, 15:00 -> 75 / 15 = 5
    # total 13.  P4 is a family of one: no cost.
    instance = tiny_instance(
        pupils=[
            tiny_pupil("P1", family="F"),
            tiny_pupil("P2", family="F"),
            tiny_pupil("P3", family="F"),
            tiny_pupil("P4", family="G"),
        ]
    )
    assert run(instance, tiny_solution()).soft_raw["siblings"] == 13.0


def test_siblings_leave_out_a_pupil_without_window_and_session(
    tiny_instance, tiny_solution, tiny_pupil
):
    # P3 at S2 (window mon only, no sessions): mon 17:00 vs 15:00 -> 8; tue left out:
    # P1, P2 both 16:15 -> 0.  Total 8.
    instance = tiny_instance(
        pupils=[
            tiny_pupil("P1", family="F"),
            tiny_pupil("P2", family="F"),
            tiny_pupil("P3", klass="K3", family="F"),
        ]
    )
    assert run(instance, tiny_solution()).soft_raw["siblings"] == 8.0


def test_coach_site_changes_and_idle(
    tiny_instance, tiny_solution, tiny_session, tiny_pupil, sessions
):
    # C1 mon: s1 S1 15:00-16:00, s4 V1 16:15-17:15 -> 1 change;
    #         idle (17:15 - 15:00 = 135) - 120 sessions - 10 walk = 5 -> 5/15
    # C1 tue: s3 V1 15:15-16:15, s5 S1 16:30-17:30 -> 1 change; idle 135 - 120 - 10 = 5 -> 5/15
    # changes 2 (weight 3 -> 6), idle 10/15 (weight 1)
    instance = with_pupils(tiny_instance(), tiny_pupil("P3"))
    instance["weights"]["coach_site_changes"] = 3
    extra = [
        tiny_session(
            "s4", activity="football", room="G1", start="16:15", end="17:15", pupils=["P3"]
        ),
        tiny_session("s5", day="tue", start="16:30", end="17:30", pupils=["P3"]),
    ]
    report = run(instance, tiny_solution(*sessions, *extra))
    assert_valid(report)
    assert report.soft_raw["coach_site_changes"] == 2.0
    assert report.soft_weighted["coach_site_changes"] == 6.0
    assert report.soft_raw["coach_idle"] == pytest.approx(10 / 15)


def test_coach_idle_at_one_site(tiny_instance, tiny_solution, tiny_session, tiny_pupil, sessions):
    # C1 mon: s1 15:00-16:00 R1, s4 16:30-17:30 R1: (150 - 120 - 0) / 15 = 2
    instance = with_pupils(tiny_instance(), tiny_pupil("P3"))
    extra = tiny_session("s4", start="16:30", end="17:30", pupils=["P3"])
    report = run(instance, tiny_solution(*sessions, extra))
    assert_valid(report)
    assert report.soft_raw["coach_idle"] == 2.0
    assert report.soft_raw["coach_site_changes"] == 0.0


def test_stability_cost(tiny_instance, tiny_solution, sessions):
    # previous: the tiny solution. Now P2 leaves s1 -> (P2, homework, mon, 15:00) lacks: 1;
    # C2 takes s3 from C1 -> (C1, football, tue, 15:15) lacks: 1.  Total 2, weight 5 -> 10.
    instance = tiny_instance(previous=tiny_solution())
    instance["weights"]["stability"] = 5
    changed = tweak(tweak(sessions, "s1", pupils=["P1"]), "s3", coaches=["C2"])
    report = run(instance, tiny_solution(*changed))
    assert report.soft_raw["stability"] == 2.0
    assert report.soft_weighted["stability"] == 10.0
    # no previous: no stability cost
    assert run(tiny_instance(), tiny_solution(*changed)).soft_raw["stability"] == 0.0


def test_session_ids_do_not_matter_for_stability(tiny_instance, tiny_solution, sessions):
    instance = tiny_instance(previous=tiny_solution())
    renamed = [{**s, "id": s["id"] + "x"} for s in sessions]
    assert run(instance, tiny_solution(*renamed)).soft_raw["stability"] == 0.0


# -- report ---------------------------------------------------------------------------------------


def test_text_report_groups_by_rule_and_caps_the_list(tiny_instance, tiny_solution, tiny_session):
    # 25 empty sessions in R1 with C1 at the same time: 25 groups below min_group (H6),
    # 25 x 24 / 2 = 300 room clashes (H7) and as many coach clashes (H8)
    many = [tiny_session(f"s{i}", pupils=[]) for i in range(25)]
    report = run(tiny_instance(), tiny_solution(*many))
    text = report.format_text()
    assert "NOT valid" in text
    assert "  H6 Group size: 25" in text
    assert "... and 5 more" in text
    assert text.index("H6 Group size") < text.index("H7 Room") < text.index("H8 Coaches")
    data = report.to_dict()
    assert data["valid"] is False
    assert data["violation_counts"]["H6"] == 25
    assert len([v for v in data["violations"] if v["rule"] == "H6"]) == 25
    json.dumps(data)


def test_deficits_are_reported_for_the_web_app(tiny_instance, tiny_solution, sessions):
    report = run(tiny_instance(), tiny_solution(*sessions[:2]))
    assert report.pupils_short == ["P1", "P2"]
    assert report.to_dict()["deficit_by_pupil"] == {"P1": 60, "P2": 60}
    assert "pupils short: 2" in report.format_text()


# -- command line ----------------------------------------------------------------------------------


def write(tmp_path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_cli_valid_pair_exits_0(example_paths, capsys):
    instance, solution = example_paths
    assert main(["check", str(instance), str(solution)]) == 0
    out = capsys.readouterr().out
    assert "100.00%" in out
    assert "2.00" in out


def test_cli_json(example_paths, capsys):
    instance, solution = example_paths
    assert main(["check", str(instance), str(solution), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is True
    assert data["coverage"] == 1.0
    assert data["penalty"] == 2.0


def test_cli_broken_solution_exits_1(tmp_path, tiny_instance, tiny_solution, sessions, capsys):
    instance = write(tmp_path, "i.json", tiny_instance())
    solution = write(tmp_path, "s.json", tiny_solution(*tweak(sessions, "s1", room="R9")))
    assert main(["check", instance, solution]) == 1
    assert 'H11 session s1 names an unknown room "R9"' in capsys.readouterr().out


def test_cli_unreadable_files_exit_2(tmp_path, tiny_instance, tiny_solution, capsys):
    bad = tiny_instance()
    bad["pupils"][0]["class"] = "K99"
    good_solution = write(tmp_path, "s.json", tiny_solution())
    assert main(["check", write(tmp_path, "i.json", bad), good_solution]) == 2
    assert 'pupils[0].class: unknown class "K99"' in capsys.readouterr().err
    good_instance = write(tmp_path, "g.json", tiny_instance())
    broken = write(tmp_path, "b.json", {"format": "extended-day-solution/1", "sessions": [{}]})
    assert main(["check", good_instance, broken]) == 2
    assert "sessions[0].id" in capsys.readouterr().err
    assert main(["check", good_instance, str(tmp_path / "missing.json")]) == 2


# -- speed -----------------------------------------------------------------------------------------


def district(schools: int = 30, trios: int = 9, group_size: int = 10):
    """A valid district-sized pair: 8,100 pupils, 4,050 sessions, 5 days.

    Each school has 9 trios of groups of 10 pupils (a group is a class). Each
    day, groups 0 and 1 of a trio have study at school 15:00-16:00 and group 2
    sport at the shared venue 16:15-17:15 (10 minutes away). Coach A of the trio
    leads group 0 and then walks to the venue for group 2; coach B leads group 1.
    """
    days = ["mon", "tue", "wed", "thu", "fri"]
    window = {d: ["15:00", "17:30"] for d in days}
    available = {d: [["14:00", "18:00"]] for d in days}
    sites = [{"id": "V", "name": "venue", "kind": "venue"}]
    travel, rooms, classes, pupils, coaches, sessions = [], [], [], [], [], []
    groups = {}
    for k in range(schools):
        school = f"S{k}"
        sites.append({"id": school, "name": school, "kind": "school", "window": window})
        travel.append({"from": school, "to": "V", "minutes": 10})
        for t in range(trios):
            for coach in ("A", "B"):
                coaches.append(
                    {
                        "id": f"C{k}-{t}{coach}",
                        "organisation": "o",
                        "skills": ["study", "sport"],
                        "available": available,
                        "max_minutes_per_week": 600,
                        "max_minutes_per_day": 120,
                    }
                )
            for role in range(3):
                group = f"{school}-{t}-{role}"
                rooms.append(
                    {
                        "id": f"R{group}",
                        "site": school,
                        "name": "r",
                        "kinds": ["classroom"],
                        "capacity": 30,
                    }
                )
                rooms.append(
                    {"id": f"G{group}", "site": "V", "name": "g", "kinds": ["gym"], "capacity": 30}
                )
                classes.append({"id": f"K{group}", "site": school, "name": "k"})
                groups[group] = [f"P{group}-{i}" for i in range(group_size)]
                pupils.extend({"id": p, "class": f"K{group}", "grade": 5} for p in groups[group])
    for d in days:
        for group, members in groups.items():
            k, t, role = group.split("-")
            if role == "2":
                start, end, room, activity, coach = "16:15", "17:15", f"G{group}", "sport", "A"
            else:
                start, end, room, activity = "15:00", "16:00", f"R{group}", "study"
                coach = "A" if role == "0" else "B"
            sessions.append(
                {
                    "id": f"{d}-{group}",
                    "activity": activity,
                    "day": d,
                    "start": start,
                    "end": end,
                    "room": room,
                    "coaches": [f"C{k[1:]}-{t}{coach}"],
                    "pupils": members,
                }
            )

    def activity(ident, kind, category):
        return {
            "id": ident,
            "name": ident,
            "category": category,
            "minutes": 60,
            "min_group": 1,
            "max_group": 20,
            "grades": [1, 8],
            "room_kinds": [kind],
            "skill": ident,
            "coaches": 1,
        }

    instance = {
        "format": "extended-day-instance/1",
        "name": "district",
        "days": days,
        "categories": [{"id": "sport", "name": "s"}, {"id": "tutoring", "name": "t"}],
        "sites": sites,
        "travel_minutes": travel,
        "max_pupil_travel_minutes": 15,
        "rooms": rooms,
        "coaches": coaches,
        "activities": [
            activity("study", "classroom", "tutoring"),
            activity("sport", "gym", "sport"),
        ],
        "programmes": [
            {
                "id": "all",
                "grades": [1, 8],
                "total_minutes": 300,
                "category_minutes": {"sport": 0},
                "max_minutes_per_day": 120,
                "preferred_minutes_per_day": 60,
            }
        ],
        "classes": classes,
        "pupils": pupils,
        "weights": {"preference": 1, "coach_idle": 1, "coach_site_changes": 1},
    }
    solution = {"format": "extended-day-solution/1", "instance": "district", "sessions": sessions}
    return instance, solution


def test_district_sized_check_is_fast():
    instance_dict, solution_dict = district()
    instance, solution = Instance.from_dict(instance_dict), Solution.from_dict(solution_dict)
    assert len(instance.pupils) == 8100 and len(solution.sessions) == 4050
    # CPU time: other test runs may share the machine
    began = time.process_time()
    report = check(instance, solution)
    seconds = time.process_time() - began
    assert_valid(report)
    assert report.coverage == 1.0
    # each A coach a day: one site change; idle 135 - 120 - 10 = 5 minutes = 1/3 slot
    coach_days = 30 * 9 * 5
    assert report.soft_raw["coach_site_changes"] == coach_days
    assert report.soft_raw["coach_idle"] == pytest.approx(coach_days / 3)
    assert seconds < 2.0, f"check took {seconds:.2f} s"


def test_plan_groups_each_pupils_day_sorted(tiny_instance, tiny_solution, sessions):
    reordered = list(reversed(sessions))
    plan = Plan(Instance.from_dict(tiny_instance()), Solution.from_dict(tiny_solution(*reordered)))
    assert [p.id for p in plan.by_pupil_day["P1", "mon"]] == ["s1", "s2"]
    assert [p.id for p in plan.by_coach_day["C1", "mon"]] == ["s1"]
