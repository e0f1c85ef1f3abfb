"""Demo programs: a senior pottery class this season, more classes and an event per
institution, a free 100-seat multipurpose hall (culture) — then the portal index is
rebuilt so `make run` shows everything at once. Idempotent (by title / name)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from programs import services
from programs.models import Program

HALL_AT = {"culture"}  # institutions that get the free 100-seat multipurpose hall
SEASON = {
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

PROGRAMS = {
    "culture": [
        # title, category, audience, weekdays, start, end, days from today, weeks, fee, capacity, place, extra
        (
            "어르신 도자기 공예 교실 ({season} 학기)",
            "lecture",
            "senior",
            [1, 3],
            dt.time(10),
            dt.time(12),
            3,
            8,
            30000,
            12,
            "문화예술회관 2층 공예실",
            {
                "age_min": 65,
                "instructor": "김도예 (도예가)",
                "summary": "흙을 빚어 생활 도자기를 만드는 어르신 도예 강좌",
            },
        ),
        (
            "어린이 수채화 교실",
            "lecture",
            "child",
            [5],
            dt.time(10),
            dt.time(11, 30),
            5,
            6,
            20000,
            15,
            "문화예술회관 3층 강의실",
            {
                "age_min": 7,
                "age_max": 12,
                "instructor": "이수채",
                "summary": "물감과 붓으로 계절을 그리는 어린이 미술 교실",
            },
        ),
        (
            "시민 합창단 정기 연습",
            "program",
            "adult",
            [2],
            dt.time(19),
            dt.time(21),
            2,
            10,
            0,
            40,
            "문화예술회관 대공연장",
            {"summary": "누구나 함께 부르는 시민 합창"},
        ),
        (
            "한빛 가족 음악회",
            "event",
            "family",
            [],
            dt.time(15),
            dt.time(17),
            9,
            0,
            0,
            250,
            "문화예술회관 대공연장",
            {"summary": "가족과 함께 즐기는 클래식 음악회"},
        ),
    ],
    "sports": [
        (
            "어르신 건강 체조",
            "lecture",
            "senior",
            [0, 2, 4],
            dt.time(9),
            dt.time(10),
            2,
            8,
            10000,
            30,
            "종합운동장 실내체육관",
            {"age_min": 60, "summary": "관절에 무리 없는 어르신 생활 체조"},
        ),
        (
            "청소년 풋살 교실",
            "lecture",
            "youth",
            [5],
            dt.time(14),
            dt.time(16),
            4,
            6,
            15000,
            20,
            "종합운동장 풋살장",
            {"age_min": 13, "age_max": 18, "summary": "기본기부터 경기까지 청소년 풋살"},
        ),
        (
            "한빛시민 걷기 대회",
            "event",
            "all",
            [],
            dt.time(9),
            dt.time(12),
            12,
            0,
            0,
            500,
            "한빛천 산책로",
            {"summary": "한빛천을 따라 걷는 시민 걷기 행사", "residents_only": True},
        ),
    ],
}


def _hall(manager):
    """A free 100-seat multipurpose hall, open every day 09:00–22:00 (culture)."""
    from facility_booking.public import for_programs as facility_services
    from facility_booking.public.for_programs import Facility

    facility = Facility.objects.filter(name="소공연장 (다목적홀)").first()
    if facility is None:
        facility = facility_services.facility_create(
            actor=manager,
            name="소공연장 (다목적홀)",
            kind="hall",
            capacity=120,
            base_fee=0,
            description="객석 120석의 다목적홀. 강연, 발표회, 소규모 공연에 알맞습니다.",
            building="문화예술회관",
            floor="지하 1층",
            amenities=["sound", "projector", "aircon"],
            accessibility=["wheelchair", "elevator"],
            approval_required=True,
            window_open_days=60,
            window_close_hours=24,
            min_minutes=60,
            max_minutes=480,
            closes_on_holidays=True,
        )
        facility_services.facility_set_hours(
            actor=manager,
            facility=facility,
            hours=dict.fromkeys(range(7), (dt.time(9), dt.time(22))),
        )
    return facility


def seed_institution(*, institution, people) -> None:
    from portal import public

    manager = people.get("facility") or people.get("admin")
    specs = PROGRAMS.get(institution.slug)
    if manager is None or specs is None:
        return
    if institution.slug in HALL_AT:
        _hall(manager)
    today = timezone.localdate()
    now = timezone.now()
    for (
        title,
        category,
        audience,
        weekdays,
        start_t,
        end_t,
        offset,
        weeks,
        fee,
        capacity,
        place,
        extra,
    ) in specs:
        start = today + dt.timedelta(days=offset)
        title = title.format(season=SEASON[start.month])
        if Program.objects.filter(title=title).exists():
            continue
        end = start + dt.timedelta(weeks=weeks) if weeks else start
        program = services.program_save(
            actor=manager,
            institution=institution,
            title=title,
            category=category,
            audience=audience,
            weekdays=weekdays,
            start_date=start,
            end_date=end,
            start_time=start_t,
            end_time=end_t,
            place=place,
            fee=fee,
            capacity=capacity,
            waitlist_limit=max(5, capacity // 4),
            applications_open_at=now - dt.timedelta(days=3),
            applications_close_at=timezone.make_aware(
                dt.datetime.combine(start - dt.timedelta(days=1), dt.time(18))
            ),
            description=extra.get("summary", "")
            + "\n\n준비물과 자세한 일정은 신청 후 안내해 드립니다.",
            **{k: v for k, v in extra.items()},
        )
        services.program_publish(actor=manager, institution=institution, program=program)
        residents = people.get("residents") or []
        if residents and category == "lecture" and not program.age_min:
            services.application_apply(
                applicant=residents[0], institution=institution, program=program
            )
    public.rebuild(institution)  # the demo portal is complete without waiting for the worker
