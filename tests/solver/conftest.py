"""Shared builders for the solver's tests: the spec's example pair and a tiny instance.

Fixtures that return builders, so a test states only what differs:

    def test_something(tiny_instance, tiny_session, tiny_solution):
        instance = tiny_instance(days=["mon"])
        solution = tiny_solution(tiny_session("s1", pupils=["P1"]))

The tiny instance (all times on the 15-minute grid, weights all 1)::

    sites     S1 school, window mon+tue 15:00-17:30     S2 school, window mon only
              V1 venue (10 min from S1)                 V2 venue (15 min from S1)
              travel S1-V1 10, S1-V2 15, S1-S2 20, S2-V1 10; V1-V2 unreachable
              pupils may go 15 minutes from their school
    rooms     R1 S1 classroom (10)   R2 S1 classroom+music (10)   R3 S2 classroom (10)
              G1 V1 gym (20), open mon+tue 15:00-18:00            H2 V2 gym+music (20)
    coaches   C1, C2: tutoring, football, music; mon+tue 14:00-18:00; 240/day, 600/week
              C3: tutoring only, at S1 only
    activities homework, reading (tutoring, classroom), football (sport, gym, grades 3-8),
              music (culture, music); all 60 minutes, groups of 1-10, one coach
    programme grades 1-8: 180 a week, sport 60 + tutoring 60, at most 120 a day, 120 preferred
    classes   K1, K2 at S1; K3 at S2
    pupils    P1, P2 (K1, grade 5); P3 (K1, grade 5) and P4 (K3, grade 5) when asked for

The tiny solution (``tiny_solution()`` without sessions) is valid, covers 100%
and costs nothing: both pupils have homework mon 15:00-16:00 in R1 (C1), music
mon 16:00-17:00 in R2 (C2) and football tue 15:15-16:15 at V1 (C1; the walk of
10 minutes fits after the window opens at 15:00).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
# The contract, as vendored in docs/spec (tests/test_spec_copy.py keeps it in step).
SPEC_DIR = Path(os.environ.get("EXTENDED_DAY_SPEC_DIR", REPO / "docs" / "spec"))

WEEK = {"mon": [["14:00", "18:00"]], "tue": [["14:00", "18:00"]]}


def build_tiny_instance(**overrides: Any) -> dict[str, Any]:
    """The tiny instance as a JSON dict; each keyword replaces a top-level field."""
    data: dict[str, Any] = {
        "format": "extended-day-instance/1",
        "name": "tiny",
        "days": ["mon", "tue"],
        "slot_minutes": 15,
        "categories": [
            {"id": "sport", "name": "Sport"},
            {"id": "culture", "name": "Culture"},
            {"id": "tutoring", "name": "Tutoring"},
        ],
        "sites": [
            {
                "id": "S1",
                "name": "School 1",
                "kind": "school",
                "window": {"mon": ["15:00", "17:30"], "tue": ["15:00", "17:30"]},
            },
            {
                "id": "S2",
                "name": "School 2",
                "kind": "school",
                "window": {"mon": ["15:00", "17:30"]},
            },
            {"id": "V1", "name": "Sports hall", "kind": "venue"},
            {"id": "V2", "name": "Community centre", "kind": "venue"},
        ],
        "travel_minutes": [
            {"from": "S1", "to": "V1", "minutes": 10},
            {"from": "S1", "to": "V2", "minutes": 15},
            {"from": "S1", "to": "S2", "minutes": 20},
            {"from": "S2", "to": "V1", "minutes": 10},
        ],
        "max_pupil_travel_minutes": 15,
        "rooms": [
            {"id": "R1", "site": "S1", "name": "Room 1", "kinds": ["classroom"], "capacity": 10},
            {
                "id": "R2",
                "site": "S1",
                "name": "Music room",
                "kinds": ["classroom", "music"],
                "capacity": 10,
            },
            {"id": "R3", "site": "S2", "name": "Room 3", "kinds": ["classroom"], "capacity": 10},
            {
                "id": "G1",
                "site": "V1",
                "name": "Gym",
                "kinds": ["gym"],
                "capacity": 20,
                "available": {"mon": [["15:00", "18:00"]], "tue": [["15:00", "18:00"]]},
            },
            {"id": "H2", "site": "V2", "name": "Hall", "kinds": ["gym", "music"], "capacity": 20},
        ],
        "coaches": [
            {
                "id": coach,
                "organisation": "Club",
                "skills": ["tutoring", "football", "music"],
                "available": copy.deepcopy(WEEK),
                "max_minutes_per_week": 600,
                "max_minutes_per_day": 240,
            }
            for coach in ("C1", "C2")
        ]
        + [
            {
                "id": "C3",
                "organisation": "Tutors",
                "skills": ["tutoring"],
                "available": copy.deepcopy(WEEK),
                "max_minutes_per_week": 600,
                "max_minutes_per_day": 240,
                "sites": ["S1"],
            }
        ],
        "activities": [
            _activity("homework", "tutoring", ["classroom"], "tutoring"),
            _activity("reading", "tutoring", ["classroom"], "tutoring"),
            _activity("football", "sport", ["gym"], "football", grades=[3, 8]),
            _activity("music", "culture", ["music"], "music"),
        ],
        "programmes": [
            {
                "id": "all",
                "grades": [1, 8],
                "total_minutes": 180,
                "category_minutes": {"sport": 60, "tutoring": 60},
                "max_minutes_per_day": 120,
                "preferred_minutes_per_day": 120,
            }
        ],
        "classes": [
            {"id": "K1", "site": "S1", "name": "5A"},
            {"id": "K2", "site": "S1", "name": "5B"},
            {"id": "K3", "site": "S2", "name": "5C"},
        ],
        "pupils": [
            {"id": "P1", "class": "K1", "grade": 5},
            {"id": "P2", "class": "K1", "grade": 5},
        ],
        "weights": {
            "preference": 1,
            "mixed_classes": 1,
            "day_load": 1,
            "siblings": 1,
            "coach_site_changes": 1,
            "coach_idle": 1,
            "stability": 1,
        },
    }
    data.update(copy.deepcopy(overrides))
    return data


def _activity(
    ident: str, category: str, kinds: list[str], skill: str, grades: list[int] | None = None
) -> dict[str, Any]:
    return {
        "id": ident,
        "name": ident.title(),
        "category": category,
        "minutes": 60,
        "min_group": 1,
        "max_group": 10,
        "grades": grades or [1, 8],
        "room_kinds": kinds,
        "skill": skill,
        "coaches": 1,
    }


def build_session(ident: str, **fields: Any) -> dict[str, Any]:
    """A session dict: homework mon 15:00-16:00 in R1 with C1 for P1 and P2, unless told."""
    data: dict[str, Any] = {
        "id": ident,
        "activity": "homework",
        "day": "mon",
        "start": "15:00",
        "end": "16:00",
        "room": "R1",
        "coaches": ["C1"],
        "pupils": ["P1", "P2"],
    }
    data.update(copy.deepcopy(fields))
    return data


def tiny_sessions() -> list[dict[str, Any]]:
    """The sessions of the valid, fully covering, penalty-free tiny solution."""
    return [
        build_session("s1"),
        build_session(
            "s2", activity="music", start="16:00", end="17:00", room="R2", coaches=["C2"]
        ),
        build_session("s3", activity="football", day="tue", start="15:15", end="16:15", room="G1"),
    ]


def build_solution(*sessions: dict[str, Any], instance: str = "tiny") -> dict[str, Any]:
    """A solution dict of these sessions; with none, the tiny solution."""
    return {
        "format": "extended-day-solution/1",
        "instance": instance,
        "sessions": [copy.deepcopy(s) for s in sessions] if sessions else tiny_sessions(),
    }


def build_pupil(ident: str, klass: str = "K1", grade: int = 5, **fields: Any) -> dict[str, Any]:
    return {"id": ident, "class": klass, "grade": grade, **fields}


@pytest.fixture
def tiny_instance():
    """``tiny_instance(**overrides)`` -> the tiny instance dict."""
    return build_tiny_instance


@pytest.fixture
def tiny_session():
    """``tiny_session(id, **fields)`` -> a session dict (homework mon 15:00 R1 C1 P1+P2)."""
    return build_session


@pytest.fixture
def tiny_solution():
    """``tiny_solution(*sessions)`` -> a solution dict; no sessions: the valid tiny one."""
    return build_solution


@pytest.fixture
def tiny_pupil():
    """``tiny_pupil(id, klass="K1", grade=5, **fields)`` -> a pupil dict."""
    return build_pupil


def _load_spec(name: str) -> dict[str, Any]:
    path = SPEC_DIR / name
    if not path.exists():
        pytest.skip(f"the spec's {name} is not at {path} (set EXTENDED_DAY_SPEC_DIR)")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def example_instance_dict() -> dict[str, Any]:
    """The spec's example instance (a fresh copy each time)."""
    return _load_spec("example-instance.json")


@pytest.fixture
def example_solution_dict() -> dict[str, Any]:
    """The spec's example solution: valid, coverage 100%, soft penalty 2."""
    return _load_spec("example-solution.json")


@pytest.fixture
def example_paths() -> tuple[Path, Path]:
    """Paths of the example instance and solution files."""
    _load_spec("example-instance.json")
    return SPEC_DIR / "example-instance.json", SPEC_DIR / "example-solution.json"
