"""How full P leaves its people's and rooms' time: the figures the FET benchmark prints."""

from __future__ import annotations

import pytest

from solver.instance import Instance
from solver.peers.fet import project
from solver.peers.rules import rules_of
from solver.peers.tightness import tightness
from solver.solution import Solution
from tests.solver.conftest import build_solution, build_tiny_instance


def tightness_of(data: dict):
    projection = project(Instance.from_dict(data), Solution.from_dict(build_solution()))
    return tightness(projection, rules_of(projection))


def test_shares_of_the_tiny_projection():
    found = tightness_of(build_tiny_instance())

    # P1 and P2: three 60-minute sessions; two days of a 150-minute window, capped by
    # their 120-minute daily maximum.
    assert found.subgroups == [pytest.approx(180 / 240)]
    # C1 (homework, football) and C2 (music) may work 15:00-17:30 on both days.
    assert sorted(found.coaches) == [pytest.approx(60 / 300), pytest.approx(120 / 300)]
    # the gym only hosts football, which starts after the 10-minute walk: 15:15-17:30.
    assert max(found.room_sets) == pytest.approx(60 / 270)
    assert found.summary() == {
        "coaches": "30% (max 40%, 0 at 80% or more)",
        "subgroups": "75% (max 75%)",
        "room sets": "max 22%",
    }


def test_a_coach_at_the_weekly_maximum_is_not_counted_full():
    """P fixes a coach's sessions, so the weekly maximum they reach costs no freedom."""
    data = build_tiny_instance()
    for coach in data["coaches"]:
        if coach["id"] == "C1":
            coach["max_minutes_per_week"] = 120  # exactly its two sessions

    assert sorted(tightness_of(data).coaches) == [pytest.approx(0.2), pytest.approx(0.4)]


def test_the_daily_maximum_caps_a_day():
    data = build_tiny_instance()
    for coach in data["coaches"]:
        coach["max_minutes_per_day"] = 60

    # C1's two sessions fill the 60 minutes it may work on each of the two days
    assert max(tightness_of(data).coaches) == pytest.approx(1.0)
