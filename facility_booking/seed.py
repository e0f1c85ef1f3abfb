"""Demo data: realistic facilities with rules, fees and discounts, and bookings in
every state over the coming weeks. Runs inside the institution's schema; idempotent
(facilities by name, bookings only the first time a facility is seeded)."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone

from facility_booking import services
from facility_booking.errors import BookingError
from facility_booking.models import Facility, Reservation
from facility_booking.rules import aware, closure_reason

WEEKDAYS = range(5)
ALL_DAYS = range(7)

CONDITIONS = (
    "1. 허가된 목적과 시간 외 사용 금지\n"
    "2. 시설·장비 훼손 시 원상 복구 또는 배상\n"
    "3. 실내 취식 및 흡연 금지\n"
    "4. 사용 후 정리·정돈 및 담당자 확인"
)

HALL = {
    "name": "대공연장",
    "kind": "hall",
    "capacity": 300,
    "description": "객석 300석 규모의 공연장. 음악회, 연극, 강연, 졸업식 등에 이용할 수 있습니다.",
    "building": "문화예술회관",
    "floor": "1층",
    "amenities": ["sound", "lighting", "piano", "projector", "parking", "aircon"],
    "accessibility": ["wheelchair", "elevator", "accessible_toilet", "hearing_loop"],
    "slot_minutes": 60,
    "min_minutes": 120,
    "max_minutes": 480,
    "window_open_days": 60,
    "window_close_hours": 72,
    "buffer_minutes": 60,
    "max_active_per_person": 2,
    "approval_required": True,
    "payment_days": 3,
    "base_fee": 120000,
    "evening_surcharge_percent": 30,
    "weekend_surcharge_percent": 20,
    "holiday_surcharge_percent": 20,
    "conditions": CONDITIONS + "\n5. 무대 장치 사용은 사전 협의",
    "_hours": (ALL_DAYS, dt.time(9), dt.time(22)),
    "_discounts": {
        "disability": 50,
        "national_merit": 50,
        "basic_livelihood": 100,
        "senior": 30,
        "multi_child": 30,
        "city_resident": 10,
    },
    "_equipment": [("무선 마이크 추가(4대)", 20000), ("빔프로젝터·스크린", 30000)],
}

SEMINAR = {
    "kind": "meeting_room",
    "description": "세미나, 교육, 동아리 모임에 알맞은 회의실입니다.",
    "building": "문화예술회관",
    "floor": "3층",
    "amenities": ["projector", "whiteboard", "wifi", "aircon"],
    "accessibility": ["wheelchair", "elevator", "accessible_toilet"],
    "slot_minutes": 30,
    "min_minutes": 60,
    "max_minutes": 240,
    "window_open_days": 30,
    "window_close_hours": 24,
    "buffer_minutes": 0,
    "max_active_per_person": 3,
    "approval_required": False,
    "payment_days": 2,
    "base_fee": 5000,
    "evening_surcharge_percent": 20,
    "conditions": CONDITIONS,
    "_hours": (WEEKDAYS, dt.time(9), dt.time(21)),
    "_discounts": {"senior": 50, "disability": 50, "multi_child": 30, "city_resident": 10},
}

STUDIO = {
    "name": "다목적 연습실",
    "kind": "studio",
    "capacity": 25,
    "description": "거울과 방음 시설을 갖춘 연습실. 무용, 합창, 밴드 연습에 이용할 수 있습니다.",
    "building": "문화예술회관",
    "floor": "지하 1층",
    "amenities": ["sound", "piano", "aircon", "locker"],
    "accessibility": ["elevator"],
    "slot_minutes": 60,
    "min_minutes": 60,
    "max_minutes": 180,
    "window_open_days": 14,
    "window_close_hours": 12,
    "buffer_minutes": 0,
    "max_active_per_person": 2,
    "approval_required": True,
    "payment_days": 2,
    "base_fee": 15000,
    "weekend_surcharge_percent": 10,
    "conditions": CONDITIONS + "\n5. 실내화 착용",
    "_hours": (ALL_DAYS, dt.time(10), dt.time(22)),
    "_discounts": {"senior": 30, "disability": 50, "basic_livelihood": 100},
}

GYM = {
    "name": "실내체육관",
    "kind": "gym",
    "capacity": 200,
    "description": "농구·배구·배드민턴 코트. 관람석 150석.",
    "building": "종합운동장 체육관동",
    "floor": "1층",
    "amenities": ["shower", "locker", "parking", "sound", "aircon"],
    "accessibility": ["wheelchair", "accessible_toilet", "accessible_parking"],
    "slot_minutes": 60,
    "min_minutes": 60,
    "max_minutes": 240,
    "window_open_days": 30,
    "window_close_hours": 24,
    "buffer_minutes": 30,
    "max_active_per_person": 2,
    "approval_required": True,
    "payment_days": 2,
    "base_fee": 40000,
    "evening_surcharge_percent": 30,
    "weekend_surcharge_percent": 20,
    "holiday_surcharge_percent": 20,
    "conditions": CONDITIONS + "\n5. 실내 전용 운동화 착용",
    "_hours": (ALL_DAYS, dt.time(6), dt.time(22)),
    "_discounts": {
        "disability": 50,
        "national_merit": 50,
        "senior": 30,
        "multi_child": 30,
        "basic_livelihood": 100,
        "city_resident": 20,
    },
    "_equipment": [("배구 네트·공 세트", 5000), ("전광판", 10000)],
}

FIELD = {
    "name": "인조잔디 축구장",
    "kind": "field",
    "capacity": 44,
    "description": "정규 규격 인조잔디 축구장(야간 조명). 주말 경기는 신청이 몰리니 일찍 신청하세요.",
    "building": "종합운동장",
    "floor": "",
    "amenities": ["lighting", "shower", "parking", "locker"],
    "accessibility": ["accessible_toilet", "accessible_parking"],
    "slot_minutes": 120,
    "min_minutes": 120,
    "max_minutes": 240,
    "window_open_days": 14,
    "window_close_hours": 48,
    "buffer_minutes": 0,
    "max_active_per_person": 1,
    "approval_required": True,
    "payment_days": 1,
    "base_fee": 60000,
    "evening_surcharge_percent": 50,
    "weekend_surcharge_percent": 30,
    "holiday_surcharge_percent": 30,
    "closes_on_holidays": False,
    "conditions": CONDITIONS + "\n5. 스파이크(쇠징) 축구화 사용 금지",
    "_hours": (ALL_DAYS, dt.time(6), dt.time(22)),
    "_discounts": {"disability": 50, "senior": 30, "city_resident": 20},
}

INTERNAL_ROOM = {
    "kind": "meeting_room",
    "visibility": "internal",
    "capacity": 8,
    "description": "직원 전용 회의실 (즉시 확정).",
    "floor": "사무동 2층",
    "amenities": ["video_conf", "whiteboard", "wifi"],
    "slot_minutes": 30,
    "min_minutes": 30,
    "max_minutes": 240,
    "window_open_days": 60,
    "window_close_hours": 0,
    "max_active_per_person": 10,
    "approval_required": False,
    "base_fee": 0,
    "_hours": (WEEKDAYS, dt.time(8), dt.time(20)),
}

VEHICLE = {
    "name": "업무용 승합차 (12가 3456)",
    "kind": "vehicle",
    "visibility": "internal",
    "capacity": 11,
    "description": "출장·행사 지원용 11인승 승합차. 운행 일지를 작성해 주세요.",
    "floor": "",
    "amenities": [],
    "slot_minutes": 60,
    "min_minutes": 60,
    "max_minutes": 600,
    "window_open_days": 30,
    "window_close_hours": 0,
    "max_active_per_person": 3,
    "approval_required": True,
    "base_fee": 0,
    "_hours": (ALL_DAYS, dt.time(7), dt.time(22)),
}

CATALOGUE = {
    "culture": [
        HALL,
        {**SEMINAR, "name": "세미나실 A", "capacity": 30},
        {**SEMINAR, "name": "세미나실 B", "capacity": 16, "base_fee": 3000},
        STUDIO,
        {**INTERNAL_ROOM, "name": "소회의실 (직원 전용)"},
        VEHICLE,
    ],
    "sports": [
        GYM,
        FIELD,
        {
            **SEMINAR,
            "name": "회의실 1",
            "capacity": 20,
            "building": "종합운동장 본관",
            "floor": "2층",
        },
        {
            **SEMINAR,
            "name": "회의실 2",
            "capacity": 12,
            "building": "종합운동장 본관",
            "floor": "2층",
        },
        {**INTERNAL_ROOM, "name": "직원 회의실"},
        {**VEHICLE, "name": "업무용 승용차 (34나 7890)", "capacity": 4},
    ],
}

REFUND_TIERS = [(7, 100), (3, 90), (1, 70), (0, 0)]


def seed_institution(*, institution, people) -> None:
    """Facilities (by name) and, for newly seeded ones, a spread of bookings."""
    admin = people["admin"]
    catalogue = CATALOGUE.get(institution.slug) or CATALOGUE["culture"]
    for spec in catalogue:
        facility = Facility.objects.filter(name=spec["name"]).first()
        if facility is not None:
            continue
        fields = {k: v for k, v in spec.items() if not k.startswith("_")}
        fields.setdefault("address", institution.address)
        fields.setdefault("contact_name", people["facility"].name)
        fields.setdefault("contact_phone", institution.phone)
        who = {"actor": admin, "institution": institution}
        facility = services.facility_create(**who, **fields)
        days, opens, closes = spec["_hours"]
        services.facility_set_hours(
            **who, facility=facility, hours={d: (opens, closes) for d in days}
        )
        if spec.get("_discounts"):
            services.facility_set_discounts(**who, facility=facility, discounts=spec["_discounts"])
        if facility.is_public:
            services.facility_set_refund_tiers(**who, facility=facility, tiers=REFUND_TIERS)
        if spec.get("_equipment"):
            services.facility_set_equipment(**who, facility=facility, items=spec["_equipment"])
        _seed_bookings(facility, people)
    _seed_residents(people)
    _seed_online_payments(institution, people)
    _seed_waiting_room(institution, people)
    _seed_fair(institution, people)


def _open_day(facility: Facility, day: dt.date, hour: int) -> dt.date:
    """The first day from ``day`` on which the facility is open at ``hour``."""
    for _ in range(30):
        hours = next((h for h in facility.hours.all() if h.weekday == day.weekday()), None)
        if (
            hours
            and not closure_reason(facility, day)
            and hours.opens <= dt.time(hour)
            and dt.time(min(hour + 2, 23)) <= hours.closes
        ):
            return day
        day += dt.timedelta(days=1)
    return day


def _book(facility, person, day_offset, hour, *, now=None, hours=2, manager=None, **extra):
    """Request a booking judged at ``now`` (default: 5 days before it starts)."""
    today = timezone.localdate()
    day = _open_day(facility, today + dt.timedelta(days=day_offset), hour)
    start = aware(day, dt.time(hour))
    minutes = max(facility.min_minutes, min(hours * 60, facility.max_minutes))
    minutes -= minutes % facility.slot_minutes
    end = start + dt.timedelta(minutes=minutes)
    now = now or min(timezone.now(), start - dt.timedelta(days=5))
    if start - dt.timedelta(days=facility.window_open_days) > now:
        now = start - dt.timedelta(days=max(facility.window_open_days - 1, 0), hours=-1)
    kwargs = {
        "facility": facility,
        "start": start,
        "end": end,
        "purpose": extra.pop("purpose", "동호회 정기 모임"),
        "headcount": min(extra.pop("headcount", 12), facility.capacity),
        "contact_phone": person.phone or "010-0000-0000",
        "now": now,
        **extra,
    }
    try:
        return services.reservation_request(actor=person, **kwargs)
    except BookingError as error:
        if error.booking_code != "over_person_limit" or manager is None:
            return None
    try:  # over the per-person limit online: taken by phone instead (staff may)
        return services.reservation_request(
            actor=manager, applicant=person, on_behalf=True, **kwargs
        )
    except BookingError:
        return None


def _seed_bookings(facility: Facility, people) -> None:
    if Reservation.objects.filter(facility=facility).exists():
        return
    residents = list(people.get("residents") or [])
    manager = people["facility"]
    staff = [people[k] for k in sorted(people) if k.startswith("staff")]
    if not facility.is_public:
        for i, person in enumerate(staff[:3]):
            _book(facility, person, 1 + i, 10 + i, purpose="부서 회의", headcount=4)
        return
    if not residents:
        return
    # 홍길동 (r1) shows a full hand (at the per-person limit); 김영희 (r2) one booking to
    # pay; 이철수 (r3) only finished or cancelled ones, so someone can book at once.
    r1, r2, r3 = (residents * 3)[:3]
    now = timezone.now()
    discounts = list(facility.discounts.values_list("category", flat=True))

    # requested (some with a claimed discount), oldest first in the queue
    _book(
        facility,
        r1,
        9,
        10,
        manager=manager,
        purpose="합창단 정기 연습",
        discount_categories=discounts[:1],
    )
    _book(
        facility, r1, 11, 14, manager=manager, purpose="주민 강좌", organisation="행복동 주민자치회"
    )

    # approved, awaiting payment
    r = _book(facility, r2, 12, 18, manager=manager, purpose="가족 행사")
    if r and r.status == "requested":
        services.reservation_approve(actor=manager, reservation=r, note="결제 안내 완료")

    # paid
    r = _book(facility, r1, 14, 10, manager=manager, purpose="청소년 오케스트라 공연", headcount=80)
    if r:
        if r.status == "requested":
            r = services.reservation_approve(actor=manager, reservation=r)
        if r.total_amount:
            services.reservation_record_payment(
                actor=manager, reservation=r, amount=r.total_amount, method="bank_transfer"
            )

    # rejected
    r = _book(facility, r2, 16, 10, manager=manager, purpose="상업 홍보 행사")
    if r and r.status == "requested":
        services.reservation_reject(
            actor=manager, reservation=r, reason="영리 목적의 행사는 대관할 수 없습니다."
        )

    # cancelled by the applicant, and by the institution
    r = _book(facility, r3, 18, 14, manager=manager, purpose="생일 파티")
    if r:
        services.reservation_cancel(actor=r3, reservation=r, reason="일정 변경")
    r = _book(facility, r1, 20, 10, manager=manager, purpose="봉사단 발대식")
    if r:
        if r.status == "requested":
            r = services.reservation_approve(actor=manager, reservation=r)
        if r.total_amount:
            r = services.reservation_record_payment(
                actor=manager, reservation=r, amount=r.total_amount, method="card_on_site"
            )
        r = services.reservation_cancel(
            actor=manager, reservation=r, by_institution=True, reason="시설 긴급 보수 공사"
        )
        from payments.public import refund_record_manual

        for refund in r.refunds.filter(status="manual"):  # paid back at the desk
            refund_record_manual(actor=manager, refund=refund, method="bank_transfer")

    # expired: approved long ago, never paid
    r = _book(facility, r2, 6, 18, manager=manager, purpose="동창회")
    if r:
        if r.status == "requested":
            r = services.reservation_approve(
                actor=manager, reservation=r, now=now - dt.timedelta(days=4)
            )
        if r.total_amount:
            services.reservation_expire(reservation=r, now=now)

    # completed and no-show, in the past week
    past_now = now - dt.timedelta(days=14)
    r = _book(facility, r3, -5, 10, manager=manager, now=past_now, purpose="바둑 교실")
    if r:
        if r.status == "requested":
            r = services.reservation_approve(actor=manager, reservation=r, now=past_now)
        if r.total_amount:
            r = services.reservation_record_payment(
                actor=manager, reservation=r, amount=r.total_amount, method="cash"
            )
        services.reservation_complete(actor=manager, reservation=r, now=now)
    r = _book(facility, r2, -3, 14, manager=manager, now=past_now, purpose="탁구 동호회")
    if r:
        if r.status == "requested":
            r = services.reservation_approve(actor=manager, reservation=r, now=past_now)
        if r.total_amount:
            r = services.reservation_record_payment(
                actor=manager, reservation=r, amount=r.total_amount, method="bank_transfer"
            )
        services.reservation_mark_no_show(actor=manager, reservation=r, now=now)

    # a maintenance block
    day = _open_day(facility, timezone.localdate() + dt.timedelta(days=21), 9)
    with contextlib.suppress(BookingError):  # the slot is taken: no block then
        services.block_create(
            actor=manager,
            facility=facility,
            start=aware(day, dt.time(9)),
            end=aware(day, dt.time(13)),
            reason="maintenance",
            note="정기 안전 점검",
        )


# Demo residents' own facts (idempotent): 홍길동 is 65+, 김영희 lives in the city, and
# every one has a verified phone so 알림톡/SMS show up in the outbox (/dev/outbox/).
RESIDENT_FACTS = {
    "resident1@demo.kr": {"birth_date": dt.date(1954, 3, 15), "address": "한빛시 문화로 12"},
    "resident2@demo.kr": {"birth_date": dt.date(1988, 7, 2), "address": "한빛시 중앙로 45"},
}


def _seed_residents(people) -> None:
    from notifications.public import ChannelPreference

    for person in people.get("residents") or []:
        facts = RESIDENT_FACTS.get(person.email, {})
        changed = [k for k, v in facts.items() if getattr(person, k) in (None, "")]
        for key in changed:
            setattr(person, key, facts[key])
        if changed:
            person.save(update_fields=changed)
        if person.phone:
            ChannelPreference.objects.get_or_create(
                user=person,
                defaults={
                    "phone": person.phone,
                    "phone_verified_at": timezone.now(),
                    "alimtalk": True,
                    "email": True,
                },
            )


def _seed_online_payments(institution, people) -> None:
    """Once per institution: a booking paid by card through the sandbox gateway, one
    waiting for a 가상계좌 deposit (deposit it from the hub), and one to pay."""
    from payments.public import PaymentOrder, checkout_start, payment_confirm, sandbox_checkout

    if PaymentOrder.objects.exists():
        return
    residents = list(people.get("residents") or [])
    facility = (
        Facility.objects.filter(visibility="public", is_active=True, base_fee__gt=0)
        .order_by("-base_fee", "name")
        .first()
    )
    if facility is None or not residents:
        return
    manager = people["facility"]
    plans = [(residents[0], 25, 10, "card"), (residents[1 % len(residents)], 26, 14, "va")]
    for person, days, hour, how in plans:
        r = _book(facility, person, days, hour, manager=manager, purpose="온라인 결제 예시")
        if r is None:
            continue
        if r.status == "requested":
            r = services.reservation_approve(actor=manager, reservation=r, note="온라인 결제 안내")
        if not r.total_amount:
            continue
        method = "card" if how == "card" else "virtual_account"
        extra = (
            {}
            if how == "card"
            else {
                "refund_bank": "88",
                "refund_account": "110222333444",
                "refund_holder": person.name,
                "cash_receipt_type": "소득공제",
                "cash_receipt_number": person.phone or "010-0000-0000",
            }
        )
        order = checkout_start(actor=person, reservation=r, method=method, **extra)
        payment_key = sandbox_checkout(institution=institution, order=order)
        payment_confirm(order=order, payment_key=payment_key)
    # and one for 홍길동 to pay in the hub
    r = _book(facility, residents[0], 27, 18, manager=manager, purpose="가족 음악회")
    if r is not None and r.status == "requested":
        services.reservation_approve(actor=manager, reservation=r, note="결제해 주세요")


# -- fair booking (추첨, 예약대기, 정기대관, 공정 예약 규칙) ------------------------------------

FAIR = {
    # institution slug → (lottery facility, series facility)
    "sports": ("인조잔디 축구장", "실내체육관"),
    "culture": ("대공연장", "세미나실 A"),
}


def _weekend_slots(facility: Facility, first: dt.date, weeks: int, hours=(8, 10, 12)):
    out = []
    for week in range(weeks):
        for weekday in (5, 6):
            day = first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * week)
            for hour in hours:
                start = aware(day, dt.time(hour))
                out.append((start, start + dt.timedelta(minutes=max(facility.min_minutes, 120))))
    return out


def _seed_fair(institution, people) -> None:
    """A lottery round taking applications, one already drawn (its public result), a
    club's recurring series awaiting staff, a waitlist place and each facility's rules.
    Idempotent: each piece only when its title/marker is not there yet."""
    from facility_booking.models import FacilityRules, LotteryRound, RecurringSeries
    from facility_booking.services import lottery, series, waitlist

    names = FAIR.get(institution.slug) or FAIR["culture"]  # the catalogue's own fallback
    field = Facility.objects.filter(name=names[0]).first()
    club_room = Facility.objects.filter(name=names[1]).first()
    if field is None or club_room is None:
        return
    manager = people.get("facility") or people["admin"]
    # The last demo resident stays free of fair-booking rows (they can book at once).
    residents = people["residents"][:-1] or people["residents"]
    who = {"institution": institution}
    now = timezone.now()
    today = timezone.localdate()
    if not FacilityRules.objects.filter(facility=field).exists():
        FacilityRules.objects.create(
            facility=field,
            week_limit=2,
            month_limit=4,
            weekend_daily_limit=True,
            residents_first_days=2,
            no_show_limit=2,
            no_show_window_days=90,
            sanction_days=30,
            waitlist_offer_hours=12,
        )
    if not FacilityRules.objects.filter(facility=club_room).exists():
        FacilityRules.objects.create(
            facility=club_room, series_enabled=True, series_max_weeks=26, week_limit=3
        )
    drawn_title = f"{field.name} 주말 추첨 (결과 공개)"
    if not LotteryRound.objects.filter(title=drawn_title).exists():
        opened = now - dt.timedelta(days=4)
        try:
            round = lottery.round_create(
                actor=manager,
                facility=field,
                title=drawn_title,
                description="관내 동호회 주말 경기 시간을 추첨으로 배정합니다.",
                apply_opens_at=opened,
                apply_closes_at=now - dt.timedelta(hours=1),
                slots=_weekend_slots(field, today + dt.timedelta(days=7), 1, hours=(8, 10)),
                max_wins=1,
                max_choices=3,
                now=opened + dt.timedelta(minutes=1),
                **who,
            )
            offered = list(round.slots.order_by("start").values_list("pk", flat=True))
            for i, person in enumerate(residents):
                with contextlib.suppress(BookingError):
                    lottery.lottery_apply(
                        actor=person,
                        round=round,
                        choices=(offered[i % len(offered) :] + offered)[:3],
                        purpose="동호회 주말 경기",
                        contact_phone=person.phone or "010-0000-0000",
                        headcount=20,
                        organisation=f"{person.name} FC",
                        now=opened + dt.timedelta(days=1),
                        **who,
                    )
            lottery.lottery_draw(round=round, actor=manager, now=now, **who)
        except BookingError:
            pass
    open_title = f"{field.name} 다음 달 주말 추첨"
    if not LotteryRound.objects.filter(title=open_title).exists():
        try:
            round = lottery.round_create(
                actor=manager,
                facility=field,
                title=open_title,
                description="신청 기간에 희망 시간을 3순위까지 고르세요. 마감 직후 자동 추첨합니다.",
                apply_opens_at=now - dt.timedelta(days=1),
                apply_closes_at=now + dt.timedelta(days=5),
                slots=_weekend_slots(field, today + dt.timedelta(days=21), 3),
                max_wins=1,
                max_choices=3,
                **who,
            )
            offered = list(round.slots.order_by("start").values_list("pk", flat=True))
            for person in residents:
                with contextlib.suppress(BookingError):
                    lottery.lottery_apply(
                        actor=person,
                        round=round,
                        choices=offered[:2],
                        purpose="조기축구회 경기",
                        contact_phone=person.phone or "010-0000-0000",
                        headcount=22,
                        **who,
                    )
        except BookingError:
            pass
    if not RecurringSeries.objects.exists():
        first = today + dt.timedelta(days=(1 - today.weekday()) % 7 + 7)
        with contextlib.suppress(BookingError):
            series.series_apply(
                actor=residents[0],
                facility=club_room,
                weekday=1,
                start_time=dt.time(19),
                end_time=dt.time(21),
                first_date=first,
                last_date=first + dt.timedelta(weeks=11),
                organisation="한마음 배드민턴 동호회",
                purpose="정기 연습",
                contact_phone=residents[0].phone or "010-0000-0000",
                headcount=min(16, club_room.capacity),
                **who,
            )
    from facility_booking.models import WaitlistEntry

    if not WaitlistEntry.objects.exists():
        candidates = (
            Reservation.objects.filter(
                kind="booking",
                status__in=("requested", "approved", "paid"),
                start__gt=now + dt.timedelta(days=3),
                facility__visibility="public",
                series__isnull=True,
            )
            .exclude(applicant=residents[-1])
            .select_related("facility")
            .order_by("start")[:20]
        )
        for taken in candidates:
            try:
                waitlist.waitlist_join(
                    actor=residents[-1],
                    facility=taken.facility,
                    start=taken.start,
                    end=taken.end,
                    purpose="빈자리가 나면 이용",
                    contact_phone=residents[-1].phone or "010-0000-0000",
                    headcount=1,
                    **who,
                )
            except BookingError:
                continue
            break


def _seed_waiting_room(institution, people) -> None:
    """The sports council's football pitch opens behind the waiting room (대기열): its
    next opening at least half a day away (not running while the demo is looked at or
    measured), the day that opens then. Once: kept as staff left it afterwards."""
    from facility_booking.models import WaitingRoom
    from facility_booking.waiting_room import waiting_room_configure

    facility = Facility.objects.filter(name="인조잔디 축구장").first()
    if institution.slug != "sports" or facility is None:
        return
    if WaitingRoom.objects.filter(facility=facility).exists():
        return
    now = timezone.localtime()
    opens = now.replace(
        hour=facility.window_open_time.hour,
        minute=facility.window_open_time.minute,
        second=0,
        microsecond=0,
    )
    while opens < now + dt.timedelta(hours=12):
        opens += dt.timedelta(days=1)
    day = opens.date() + dt.timedelta(days=facility.window_open_days)
    waiting_room_configure(
        actor=people["admin"],
        institution=institution,
        facility=facility,
        enabled=True,
        opens_at=opens,
        closes_at=opens + dt.timedelta(hours=1),
        queue_minutes=30,
        admit_per_minute=600,
        ticket_minutes=5,
        use_from=day,
        use_to=day,
    )
