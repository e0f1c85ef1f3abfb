"""Event colours never reuse the colours the calendar's legend gives to leave and absences
(orange, ``--warn``) and to room and vehicle bookings (green, ``--ok``): a calendar whose
colour is one of those, or close to it, shows its events in a colour of the palette
instead. The palette's colours keep 4.5:1 contrast on white (text on chips and dots).
"""

from __future__ import annotations

import zlib

# The legend's colours (suite.css --warn, --ok; workspace.css chip backgrounds).
LEAVE = "#8a5300"
BOOKING = "#1e6b34"
RESERVED = (LEAVE, BOOKING, "#fff4e5", "#e9f5ec")

DEFAULT = "#0b57d0"  # personal calendars
DEPARTMENT = "#6a3fa0"  # purple
INSTITUTION = "#a0266b"  # magenta
PALETTE = (DEFAULT, DEPARTMENT, INSTITUTION, "#005f8f", "#3d4fb3", "#7a3b9e", "#b3261e")

# Closer than this (RGB distance) to a reserved colour reads as the same colour.
NEAR = 80


def _rgb(colour: str) -> tuple[int, int, int] | None:
    value = (colour or "").strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        return None
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return None


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


def reserved(colour: str) -> bool:
    """True for a colour the legend uses for leave or bookings (or one close to it)."""
    rgb = _rgb(colour)
    if rgb is None:
        return True  # not a colour we can show safely
    return any(_distance(rgb, _rgb(r) or (0, 0, 0)) < NEAR for r in RESERVED)


def event_colour(colour: str) -> str:
    """The colour an event of a calendar with ``colour`` is shown in."""
    if not reserved(colour):
        return colour
    return PALETTE[zlib.crc32((colour or "").lower().encode()) % len(PALETTE)]
