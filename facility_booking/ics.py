"""iCalendar (RFC 5545) for bookings: a person's own bookings in full, public
facility feeds as busy blocks only. Times are written in UTC (no VTIMEZONE needed)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//Agency Cloud Suite//Facility booking//KO"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _uid(reservation) -> str:
    return f"{connection.schema_name}-{reservation.pk}@{settings.SUITE_DOMAIN}"


def booking_event(reservation, *, institution=None) -> Event:
    """The full event for the applicant: facility, number, status, place."""
    event = Event()
    event.add("uid", _uid(reservation))
    event.add("dtstamp", _utc(timezone.now()))
    event.add("dtstart", _utc(reservation.start))
    event.add("dtend", _utc(reservation.end))
    event.add("summary", f"[대관] {reservation.facility.name}")
    location = reservation.facility.location
    if institution is not None:
        location = f"{institution.name} {location}".strip()
    if location:
        event.add("location", location)
    event.add(
        "description",
        f"예약번호 {reservation.number}\n상태: {reservation.get_status_display()}\n"
        f"사용 목적: {reservation.purpose}",
    )
    event.add("status", "TENTATIVE" if reservation.status == "requested" else "CONFIRMED")
    if institution is not None:
        event.add("url", institution.absolute_url(f"/facilities/my/{reservation.pk}/"))
    return event


def busy_event(reservation) -> Event:
    """A held period with no personal data: times only."""
    event = Event()
    event.add("uid", _uid(reservation))
    event.add("dtstamp", _utc(timezone.now()))
    event.add("dtstart", _utc(reservation.start))
    event.add("dtend", _utc(reservation.end))
    event.add("summary", "사용 불가" if reservation.is_block else "예약됨")
    event.add("transp", "OPAQUE")
    event.add("class", "PUBLIC")
    return event


def single_booking(reservation, *, institution=None) -> bytes:
    cal = _calendar(reservation.facility.name)
    cal.add_component(booking_event(reservation, institution=institution))
    return cal.to_ical()


def personal_feed(reservations, *, name: str, institution=None) -> bytes:
    cal = _calendar(name)
    for reservation in reservations:
        cal.add_component(booking_event(reservation, institution=institution))
    return cal.to_ical()


def facility_feed(facility, reservations) -> bytes:
    cal = _calendar(f"{facility.name} 예약 현황")
    for reservation in reservations:
        cal.add_component(busy_event(reservation))
    return cal.to_ical()
