"""Index sources for what the workspace and facility booking publish: facilities,
public notices, and the institution itself (website replaces the latter with a
richer one). Each ``load`` runs inside the institution's schema.

Facilities also carry the venue summary the "free on …" filter reads: opening
hours, held periods (bookings and blocks, widened by the buffer) and closed
days, from today up to the facility's booking window.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from portal.public import Doc, Venue, register_source
from tenants.current import current_institution

FACILITY_KEYWORDS = {
    "hall": "공연장 강당 홀 극장 무대 공연 대강당 소강당",
    "gym": "체육관 실내체육관 운동 스포츠 농구 배구 배드민턴",
    "meeting_room": "회의실 세미나실 회의 세미나 모임",
    "field": "운동장 축구장 구장 경기장 풋살 야구장",
    "studio": "연습실 스튜디오 연습 녹음 댄스",
    "classroom": "강의실 교육실 교실 강의 교육",
    "other": "",
}
DISTRICT = re.compile(r"([\uac00-\ud7a3]{1,5}(?:구|군))(?:\s|$)")


def district_of(*addresses: str) -> str:
    """The first 구/군 named in the addresses ('한빛시 중구 …' → '중구'), else ''."""
    for address in addresses:
        match = DISTRICT.search(address or "")
        if match:
            return match.group(1)
    return ""


def _institution_district(institution) -> str:
    from portal import public

    resolver = public.district_resolver()
    district = resolver(institution) if resolver else ""
    return district or district_of(institution.address)


# -- facilities ---------------------------------------------------------------------


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0)))


def load_facilities(keys: list[str]) -> dict[str, Doc | None]:
    from facility_booking.public.for_portal import (
        HOLDING_STATES,
        ClosedDate,
        Facility,
        Reservation,
    )

    ids = [int(k) for k in keys if k.isdigit()]
    facilities = {
        str(f.pk): f
        for f in Facility.objects.filter(pk__in=ids, is_active=True, visibility="public")
        .prefetch_related("hours")
        .order_by()
    }
    institution = current_institution()
    district = _institution_district(institution) if institution else ""
    today = timezone.localdate()
    out: dict[str, Doc | None] = dict.fromkeys(keys)
    horizons = {
        f.pk: today + dt.timedelta(days=f.window_open_days + 1) for f in facilities.values()
    }
    # Held periods and closed days of every facility asked for in two statements (a rebuild
    # loads hundreds at once), each kept up to its own facility's booking window.
    held: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    shut: dict[int, list[dt.date]] = {}
    if horizons:
        furthest = max(horizons.values())
        for facility_id, start, end in Reservation.objects.filter(
            facility_id__in=list(horizons),
            status__in=HOLDING_STATES,
            hold_end__gt=timezone.now(),
            hold_start__lt=_local_midnight(furthest),
        ).values_list("facility_id", "hold_start", "hold_end"):
            if start < _local_midnight(horizons[facility_id]):
                held.setdefault(facility_id, []).append((start, end))
        for facility_id, day in ClosedDate.objects.filter(
            facility_id__in=list(horizons), date__gte=today, date__lte=furthest
        ).values_list("facility_id", "date"):
            if day <= horizons[facility_id]:
                shut.setdefault(facility_id, []).append(day)
    for key, facility in facilities.items():
        buffer = dt.timedelta(minutes=facility.buffer_minutes)
        busy = [(start - buffer, end) for start, end in held.get(facility.pk, [])]
        closed = [
            (_local_midnight(day), _local_midnight(day + dt.timedelta(days=1)))
            for day in shut.get(facility.pk, [])
        ]
        location = facility.location
        kind_label = str(facility.get_kind_display())
        description = " ".join(strip_tags(facility.description or "").split())
        out[key] = Doc(
            title=facility.name,
            subtitle=location,
            summary=Truncator(description).chars(200),
            body=" ".join(facility.amenity_labels() + facility.accessibility_labels()),
            keywords=" ".join(
                [
                    kind_label,
                    FACILITY_KEYWORDS.get(facility.kind, ""),
                    "대관 시설",
                    "무료" if facility.base_fee == 0 else "",
                ]
            ),
            route="facility_booking:detail",
            route_args=[facility.pk],
            facility_kind=facility.kind,
            capacity=facility.capacity,
            fee=facility.base_fee,
            district=district_of(facility.address) or district,
            data={
                "kind_label": kind_label,
                "capacity": facility.capacity,
                "fee": facility.base_fee,
                "slot_minutes": facility.slot_minutes,
                "location": location,
                "approval_required": facility.approval_required,
            },
            venue=Venue(
                hours={h.weekday: (h.opens, h.closes) for h in facility.hours.all()},
                busy=busy,
                closed=closed,
                closes_on_holidays=facility.closes_on_holidays,
                book_ahead_days=facility.window_open_days,
            ),
        )
    return out


def facility_keys():
    from facility_booking.public.for_portal import Facility

    return Facility.objects.filter(is_active=True, visibility="public").values_list("pk", flat=True)


# -- public notices -----------------------------------------------------------------


def _public_posts():
    from groupware.boards.public import public_notices

    return public_notices()


def load_notices(keys: list[str]) -> dict[str, Doc | None]:
    ids = [int(k) for k in keys if k.isdigit()]
    out: dict[str, Doc | None] = dict.fromkeys(keys)
    institution = current_institution()
    district = _institution_district(institution) if institution else ""
    for post in _public_posts().filter(pk__in=ids).select_related("board"):
        text = " ".join(strip_tags(post.body or "").split())
        out[str(post.pk)] = Doc(
            title=post.title,
            summary=Truncator(text).chars(200),
            body=text[:5000],
            keywords="공지 공지사항 알림 안내 소식",
            route="boards:public_post",
            route_args=[post.pk],
            published_at=post.created_at,
            district=district,
            data={"board": post.board.name, "important": post.is_important},
        )
    return out


def notice_keys():
    return _public_posts().values_list("pk", flat=True)


# -- the institution ----------------------------------------------------------------


def load_institution(keys: list[str]) -> dict[str, Doc | None]:
    institution = current_institution()
    out: dict[str, Doc | None] = dict.fromkeys(keys)
    if institution is None or "site" not in keys:
        return out
    out["site"] = institution_doc(institution)
    return out


def institution_doc(institution, *, about: str = "") -> Doc:
    summary = " · ".join(p for p in (institution.address, institution.phone) if p)
    return Doc(
        title=institution.name,
        subtitle=institution.short_name,
        summary=summary,
        body=about,
        keywords="기관 기관소개 홈페이지 " + institution.short_name,
        route="home",
        route_args=[],
        district=_institution_district(institution),
        data={"address": institution.address, "phone": institution.phone},
    )


def institution_keys():
    return ["site"]


def register() -> None:
    register_source(
        "institution",
        label=_("기관"),
        load=load_institution,
        keys=institution_keys,
        order=10,
    )
    register_source("facility", label=_("시설"), load=load_facilities, keys=facility_keys, order=20)
    register_source("notice", label=_("공지"), load=load_notices, keys=notice_keys, order=40)
