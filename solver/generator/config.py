"""The shape of a district before it is built: schools, venues, programmes, slack.

A scenario (``solver.generator.scenarios``) fills these in from its seed; the
builder (``solver.generator.build``) turns them into a witness timetable and
then into an instance whose resources are derived from that timetable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from solver.instance import Activity

Span = tuple[int, int]  # minutes since midnight, half open


@dataclass(frozen=True)
class ProgrammeSpec:
    id: str
    grades: tuple[int, int]
    total_minutes: int
    category_minutes: dict[str, int]
    max_minutes_per_day: int
    preferred_minutes_per_day: int

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "grades": list(self.grades),
            "total_minutes": self.total_minutes,
            "category_minutes": dict(self.category_minutes),
            "max_minutes_per_day": self.max_minutes_per_day,
            "preferred_minutes_per_day": self.preferred_minutes_per_day,
        }


@dataclass(frozen=True)
class RoomSpec:
    name: str
    kinds: tuple[str, ...]
    capacity: int
    # None: available the whole day.
    available: dict[str, list[Span]] | None = None


@dataclass(frozen=True)
class ClassSpec:
    name: str
    grades: tuple[int, ...]  # one grade, or two for a combination class
    size: int


@dataclass
class SchoolSpec:
    id: str
    name: str
    neighbourhood: str
    x: float
    y: float
    window: dict[str, Span]
    # The school's period grid per day: blocks start on a period's start.
    periods: dict[str, list[Span]]
    classes: list[ClassSpec]
    rooms: list[RoomSpec]
    # Isolated: no travel entry to any other site (reachable by no one within a day).
    isolated: bool = False
    # Sport capped by this school's rooms (the ``short`` bottleneck): the builder
    # fills the school's sport rooms completely and gives no more sport than that.
    sport_capped: bool = False


@dataclass
class VenueSpec:
    id: str
    name: str
    x: float
    y: float
    rooms: list[RoomSpec]


@dataclass
class DistrictSpec:
    name: str
    days: tuple[str, ...]
    activities: tuple[Activity, ...]
    programmes: tuple[ProgrammeSpec, ...]
    schools: list[SchoolSpec]
    venues: list[VenueSpec]
    max_pupil_travel_minutes: int = 15
    # Coaches' weekly and daily maximum and available time over what the witness uses.
    coach_slack: float = 1.2
    # Share of pupils with each feature.
    preference_share: float = 0.6
    sibling_share: float = 0.15
    unavailable_share: float = 0.03
    required_share: float = 0.10
    # Intended pupils per parallel group, by category (a class is split into
    # ceil(size / target) groups, more when preferences or rooms ask for it).
    group_targets: dict[str, int] = field(
        default_factory=lambda: {"sport": 30, "culture": 30, "tutoring": 14, "career": 30}
    )
    # Chance that a sport or culture block offers one option more than its size
    # needs (pupils choose between two activities at the same hour).
    option_share: float = 0.2
    # Categories that may fill a pupil's week beyond the minimums, with weights.
    free_categories: dict[str, float] = field(
        default_factory=lambda: {"sport": 1.5, "culture": 3.0, "career": 1.5, "tutoring": 0.3}
    )
    # A school runs at most room_headroom x its mean number of sessions at once
    # (estimated with mean_group_estimate pupils a session); more only when stuck.
    room_headroom: float = 1.35
    mean_group_estimate: float = 20.0
    # Share of the school rooms the witness leaves unused that stay in the instance.
    spare_room_share: float = 0.25
    # Share of coaches allowed only at the sites where the witness has them.
    restricted_coach_share: float = 0.3
    weights: dict[str, int] = field(default_factory=dict)
