"""Plain-language filters inside a search: "다음 주 토요일 오후 100명 홀".

Residents type what they need into one box. Phrases that are really filters
— a head count, a day, a part of the day, "무료" — become filters (shown as
removable chips), and only the rest is matched as text. Nothing here guesses
beyond these fixed patterns.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone

WEEKDAYS = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}

PARTS_OF_DAY = {
    "오전": (dt.time(9), dt.time(12)),
    "점심": (dt.time(12), dt.time(14)),
    "오후": (dt.time(13), dt.time(18)),
    "저녁": (dt.time(18), dt.time(22)),
    "야간": (dt.time(18), dt.time(22)),
    "밤": (dt.time(18), dt.time(22)),
    "종일": (dt.time(9), dt.time(18)),
    "하루종일": (dt.time(9), dt.time(18)),
}
DEFAULT_SPAN = (dt.time(9), dt.time(18))

# Words that only say "I want to book something free": dropped once a filter is read.
VENUE_FILLER = {
    "빈", "비어있는", "비어", "있는", "대관", "대관가능", "가능한", "가능", "예약가능", "예약",
    "사용", "이용", "쓸", "수", "곳", "장소", "찾기", "찾아요", "찾습니다", "시설", "공간",
    "에", "에서", "이상", "규모", "정도", "쯤", "가능한곳", "되는",
}  # fmt: skip

CAPACITY = re.compile(r"(\d{1,5})\s*(?:명|석|인|좌석|석규모)(?:\s*(?:이상|규모|정도|까지|수용))?")
RELATIVE_DAY = re.compile(r"(오늘|내일|모레|글피)")
WEEK_DAY = re.compile(
    r"(?:(이번\s*주|이번주|금주|다음\s*주|다음주|차주|다다음\s*주|다다음주)\s*)?([월화수목금토일])요일"
)
WEEKEND = re.compile(r"(이번\s*주말|이번주말|다음\s*주말|다음주말|주말)")
MONTH_DAY = re.compile(r"(?:(\d{4})\s*[.년/-]\s*)?(\d{1,2})\s*(?:월|[./-])\s*(\d{1,2})\s*일?(?!\d)")
ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
TIME_RANGE = re.compile(
    r"(오전|오후)?\s*(\d{1,2})(?::(\d{2}))?\s*시?\s*(?:~|-|–|부터)\s*(오전|오후)?\s*(\d{1,2})(?::(\d{2}))?\s*시?(?:까지)?"
)
PART = re.compile("(" + "|".join(sorted(PARTS_OF_DAY, key=len, reverse=True)) + ")")
FREE = re.compile(r"(무료|공짜)")


@dataclass
class Interpretation:
    text: str
    capacity: int | None = None
    day: dt.date | None = None
    span: tuple[dt.time, dt.time] | None = None
    free_only: bool = False
    phrases: list[str] = field(default_factory=list)

    @property
    def is_venue_search(self) -> bool:
        return self.capacity is not None or self.day is not None

    def window(self) -> tuple[dt.datetime, dt.datetime] | None:
        if self.day is None:
            return None
        start, end = self.span or DEFAULT_SPAN
        return (
            timezone.make_aware(dt.datetime.combine(self.day, start)),
            timezone.make_aware(dt.datetime.combine(self.day, end)),
        )


def _hour(ampm: str | None, hour: int, previous_pm: bool = False) -> int:
    if ampm == "오후" and hour < 12:
        return hour + 12
    if ampm is None and previous_pm and hour < 12:
        return hour + 12
    if ampm is None and 1 <= hour <= 6:  # "2시~5시" means the afternoon
        return hour + 12
    return hour


def _weekday_date(today: dt.date, weekday: int, which: str | None) -> dt.date:
    monday = today - dt.timedelta(days=today.weekday())
    which = (which or "").replace(" ", "")
    if which in ("이번주", "금주"):
        return monday + dt.timedelta(days=weekday)
    if which in ("다음주", "차주"):
        return monday + dt.timedelta(days=7 + weekday)
    if which == "다다음주":
        return monday + dt.timedelta(days=14 + weekday)
    ahead = (weekday - today.weekday()) % 7
    return today + dt.timedelta(days=ahead)


def interpret(text: str, *, today: dt.date | None = None) -> Interpretation:
    """Take the filter phrases out of ``text``; what remains is matched as words."""
    today = today or timezone.localdate()
    rest = " " + (text or "") + " "
    result = Interpretation(text="")

    def take(pattern, handler):
        nonlocal rest
        match = pattern.search(rest)
        if match and handler(match) is not False:
            result.phrases.append(match.group().strip())
            rest = rest[: match.start()] + " " + rest[match.end() :]

    def capacity(m):
        result.capacity = int(m.group(1))

    def iso(m):
        try:
            result.day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return False

    def month_day(m):
        year = int(m.group(1)) if m.group(1) else today.year
        try:
            day = dt.date(year, int(m.group(2)), int(m.group(3)))
        except ValueError:
            return False
        if not m.group(1) and day < today - dt.timedelta(days=30):
            day = day.replace(year=year + 1)
        result.day = day

    def relative(m):
        result.day = today + dt.timedelta(
            days={"오늘": 0, "내일": 1, "모레": 2, "글피": 3}[m.group(1)]
        )

    def weekday(m):
        result.day = _weekday_date(today, WEEKDAYS[m.group(2)], m.group(1))

    def weekend(m):
        which = m.group(1).replace(" ", "")
        result.day = _weekday_date(
            today, 5, {"이번주말": "이번주", "다음주말": "다음주"}.get(which)
        )

    def time_range(m):
        start_h = _hour(m.group(1), int(m.group(2)))
        end_h = _hour(m.group(4) or m.group(1), int(m.group(5)), start_h >= 12)
        if end_h <= start_h and end_h + 12 <= 24:
            end_h += 12
        if not (0 <= start_h < end_h <= 24):
            return False
        end = dt.time(23, 59) if end_h == 24 else dt.time(end_h, int(m.group(6) or 0))
        result.span = (dt.time(start_h, int(m.group(3) or 0)), end)

    def part(m):
        if result.span is None:
            result.span = PARTS_OF_DAY[m.group(1)]
        else:
            return False

    def free(m):
        result.free_only = True

    take(CAPACITY, capacity)
    take(ISO_DAY, iso)
    if result.day is None:
        take(MONTH_DAY, month_day)
    if result.day is None:
        take(RELATIVE_DAY, relative)
    if result.day is None:
        take(WEEK_DAY, weekday)
    if result.day is None:
        take(WEEKEND, weekend)
    take(TIME_RANGE, time_range)
    take(PART, part)
    take(FREE, free)
    if result.day is not None and result.span is None:
        result.span = None  # the default span applies (shown on the chip)
    words = rest.split()
    if result.is_venue_search:
        words = [w for w in words if w not in VENUE_FILLER and w not in ("이번", "다음", "주")]
    result.text = " ".join(words)
    return result
