"""The solution of spec/PROBLEM.md: sessions, each a placed group of pupils.

Reading a solution checks only its shape (types, times); whether it obeys the
rules is the checker's business (``solver.checker``), which must be able to
report on a broken solution rather than refuse it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.times import format_time, parse_time

FORMAT = "extended-day-solution/1"


class SolutionError(ValueError):
    """A solution that is not in the spec's shape; ``problems`` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("solution is malformed:\n" + "\n".join(f"  {p}" for p in problems[:50]))


@dataclass(frozen=True)
class Session:
    id: str
    activity: str
    day: str
    start: int
    end: int
    room: str
    coaches: tuple[str, ...]
    pupils: tuple[str, ...]
    pinned: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "activity": self.activity,
            "day": self.day,
            "start": format_time(self.start),
            "end": format_time(self.end),
            "room": self.room,
            "coaches": list(self.coaches),
            "pupils": list(self.pupils),
        }
        if self.pinned:
            data["pinned"] = True
        return data


@dataclass
class Solution:
    instance: str
    sessions: list[Session]
    stats: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any) -> Solution:
        problems: list[str] = []
        if not isinstance(data, dict):
            raise SolutionError(["the solution must be a JSON object"])
        if data.get("format") != FORMAT:
            problems.append(f'format: must be "{FORMAT}", not {data.get("format")!r}')
        raw_sessions = data.get("sessions")
        if not isinstance(raw_sessions, list):
            raise SolutionError([*problems, "sessions: must be a list"])
        sessions = []
        for i, raw in enumerate(raw_sessions):
            session = _read_session(raw, f"sessions[{i}]", problems)
            if session is not None:
                sessions.append(session)
        if problems:
            raise SolutionError(problems)
        stats = data.get("stats") if isinstance(data.get("stats"), dict) else {}
        return cls(instance=str(data.get("instance", "")), sessions=sessions, stats=stats)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "instance": self.instance,
            "sessions": [s.to_dict() for s in self.sessions],
        }
        if self.stats:
            data["stats"] = self.stats
        return data


def _read_session(raw: Any, path: str, problems: list[str]) -> Session | None:
    if not isinstance(raw, dict):
        problems.append(f"{path}: must be an object")
        return None
    before = len(problems)
    texts = {}
    for key in ("id", "activity", "day", "room"):
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            problems.append(f"{path}.{key}: must be a non-empty text")
        texts[key] = value
    times = {}
    for key in ("start", "end"):
        try:
            times[key] = parse_time(raw.get(key))
        except ValueError as error:
            problems.append(f"{path}.{key}: {error}")
    lists = {}
    for key in ("coaches", "pupils"):
        value = raw.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{path}.{key}: must be a list of ids")
        lists[key] = tuple(value) if isinstance(value, list) else ()
    if len(problems) > before:
        return None
    return Session(
        id=texts["id"],
        activity=texts["activity"],
        day=texts["day"],
        start=times["start"],
        end=times["end"],
        room=texts["room"],
        coaches=lists["coaches"],
        pupils=lists["pupils"],
        pinned=raw.get("pinned") is True,
    )


def load_solution(path: str | Path) -> Solution:
    with open(path, encoding="utf-8") as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as error:
            raise SolutionError([f"not valid JSON: {error}"]) from error
    return Solution.from_dict(data)


def save_solution(solution: Solution, path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(solution.to_dict(), handle, ensure_ascii=False, indent=1)
        handle.write("\n")
