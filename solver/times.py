"""Clock times, days and interval sets as the spec writes them.

Internally a time is minutes since midnight and an interval is a half-open
pair ``(start, end)``; only the JSON boundary speaks ``"HH:MM"``.
"""

from __future__ import annotations

import re

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Interval = tuple[int, int]

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_time(text: object) -> int:
    """Minutes since midnight of an ``"HH:MM"`` string; ``"24:00"`` ends a day."""
    if text == "24:00":
        return 24 * 60
    match = _CLOCK.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f'"{text}" is not a time of day (HH:MM)')
    return int(match.group(1)) * 60 + int(match.group(2))


def format_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def merge(intervals: list[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def covers(intervals: list[Interval], start: int, end: int) -> bool:
    """Whether one interval of a merged list holds all of ``[start, end)``."""
    return any(lo <= start and end <= hi for lo, hi in intervals)


def overlaps(intervals: list[Interval], start: int, end: int) -> bool:
    """Whether ``[start, end)`` shares any minute with the intervals."""
    return any(lo < end and start < hi for lo, hi in intervals)
