"""When a search first held each number of placed sessions: a time-to-target trace.

Where neither side completes P, "time to a complete timetable" has no value
on either side; the time each took to first place as many activities as the
other ever did still compares them, in the same unit (docs/benchmarks.md,
"FET side by side", run 24). FET writes such a trace itself
(``logs/max_placed_activities.txt``); ours records one as it goes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Progress:
    started: float = field(default_factory=time.monotonic)
    # (seconds since started, placed), each step placing more than the one before
    steps: list[tuple[float, int]] = field(default_factory=list)

    def seen(self, placed: int) -> None:
        self.reached(time.monotonic() - self.started, placed)

    def reached(self, seconds: float, placed: int) -> None:
        """A step at ``seconds`` when it places more than every step before."""
        if not self.steps or placed > self.steps[-1][1]:
            self.steps.append((seconds, placed))

    @property
    def best(self) -> int:
        return self.steps[-1][1] if self.steps else 0

    def first_at(self, placed: int) -> float | None:
        """Seconds until at least ``placed`` were first placed; None if never."""
        return next((seconds for seconds, count in self.steps if count >= placed), None)


@dataclass
class Target:
    """The most both sides placed, and how long each took to first get there."""

    placed: int
    ours_seconds: float
    fet_seconds: float

    @property
    def ratio(self) -> str:
        """FET's time over ours, at least: FET's times are whole seconds, each within 1 s."""
        fet_at_least = self.fet_seconds - 1
        if fet_at_least <= 0 or self.ours_seconds <= 0:
            return "- (within FET's 1 s)"
        return f"≥ {fet_at_least / self.ours_seconds:.1f}"


def common_target(ours: Progress, fet: Progress) -> Target | None:
    placed = min(ours.best, fet.best)
    if placed == 0:
        return None
    return Target(placed, ours.first_at(placed), fet.first_at(placed))
