"""Programs in the portal index: searchable, faceted by audience, on the integrated calendar."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from portal.public import Doc, register_source
from programs.models import Audience, Category, Program, ProgramStatus
from programs.services import period_label
from suite.richtext import plain_text

CATEGORY_WORDS = {
    Category.LECTURE: "강좌 교실 강습 수업 교육 배우기 클래스",
    Category.PROGRAM: "프로그램 체험 교실 활동",
    Category.EVENT: "행사 축제 공연 이벤트 전시 대회",
}
AUDIENCE_WORDS = {
    Audience.ALL: "누구나 전체",
    Audience.CHILD: "어린이 아동 유아 초등학생 아이",
    Audience.YOUTH: "청소년 중학생 고등학생 학생",
    Audience.ADULT: "성인 일반 직장인",
    Audience.SENIOR: "어르신 노인 시니어 실버 65세 이상",
    Audience.FAMILY: "가족 부모 자녀 아이와 함께",
    Audience.DISABLED: "장애인",
}
SEASONS = {
    12: "겨울",
    1: "겨울",
    2: "겨울",
    3: "봄",
    4: "봄",
    5: "봄",
    6: "여름",
    7: "여름",
    8: "여름",
    9: "가을",
    10: "가을",
    11: "가을",
}


def _months(start: dt.date, end: dt.date) -> list[int]:
    months, cursor = [], start.replace(day=1)
    while cursor <= end and len(months) < 12:
        months.append(cursor.month)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months


def load_programs(keys):
    out = dict.fromkeys(keys)
    ids = [int(k) for k in keys if str(k).isdigit()]
    for program in Program.objects.filter(
        pk__in=ids, status=ProgramStatus.PUBLISHED
    ).select_related("facility"):
        months = _months(program.start_date, program.end_date)
        seasons = sorted({SEASONS[m] for m in months})
        weekdays = " ".join("월화수목금토일"[d] + "요일" for d in program.weekdays or [])
        text = " ".join(plain_text(program.description).split())
        place = program.place or (program.facility.name if program.facility else "")
        starts = timezone.make_aware(dt.datetime.combine(program.start_date, program.start_time))
        ends = timezone.make_aware(dt.datetime.combine(program.end_date, program.end_time))
        out[str(program.pk)] = Doc(
            title=program.title,
            subtitle=" ".join(p for p in (place, program.instructor) if p),
            summary=program.summary or Truncator(text).chars(200),
            body=text[:8000],
            keywords=" ".join(
                [
                    str(program.get_category_display()),
                    CATEGORY_WORDS.get(program.category, ""),
                    str(program.get_audience_display()),
                    AUDIENCE_WORDS.get(program.audience, ""),
                    " ".join(f"{s} {s}학기" for s in seasons),
                    " ".join(f"{m}월" for m in months),
                    weekdays,
                    "무료" if program.fee == 0 else "유료",
                    "관내 거주자" if program.residents_only else "",
                ]
            ),
            route="programs:detail",
            route_args=[program.pk],
            published_at=program.published_at,
            fee=program.fee,
            capacity=program.capacity,
            audience=program.audience,
            starts_at=starts,
            ends_at=ends,
            closes_at=program.applications_close_at,
            data={
                "category": program.category,
                "category_label": str(program.get_category_display()),
                "audience_label": str(program.get_audience_display()),
                "period_label": period_label(program),
                "time_label": f"{program.start_time:%H:%M}",
                "weekdays": list(program.weekdays or []),
                "place": place,
                "opens_at": program.applications_open_at.isoformat(),
                "remaining": program.remaining,
                "waitlist_left": program.waitlist_left,
            },
        )
    return out


def register() -> None:
    register_source(
        "program",
        label=_("강좌·프로그램"),
        load=load_programs,
        keys=lambda: Program.objects.filter(status=ProgramStatus.PUBLISHED).values_list(
            "pk", flat=True
        ),
        order=30,
    )
