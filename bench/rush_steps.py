"""Steps of the booking-rush benchmark that run inside its database
(``python -m bench.rush_steps <step> …``, as bench/worker.py's steps; one JSON line out).

Kept apart from bench/worker.py so the rush's fixture lives with the rush.
"""

import json
import sys


def _facility():
    from facility_booking.models import Facility

    return Facility.objects.get(name=FACILITY_NAME)


FACILITY_NAME = "오픈 러시 축구장"
HOURS = (9, 19)  # ten one-hour slots a day
DAYS = 5  # … on five days: 50 slots
FIRST_DAY_AHEAD = 20


def _institution():
    from tenants.models import Institution

    rows = Institution.objects.filter(status="active").exclude(schema_name="public")
    return rows.filter(slug="culture").first() or rows.order_by("slug").first()


def step_rush_fixture(residents: int) -> dict:
    """Residents with API tokens, and a facility whose opening offers 50 one-hour slots."""
    import datetime as dt

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from accounts.models import User
    from api.tokens import token_create
    from facility_booking.models import Facility, OpeningHours
    from facility_booking.rules import aware

    existing = {u.email: u for u in User.objects.filter(email__startswith="rush")}
    tokens = []
    for n in range(residents):
        email = f"rush{n:04d}@bench.kr"
        user = existing.get(email) or User.objects.create_user(
            email=email, password="bench-pass-2468", name=f"주민{n}", phone="010-0000-0000"
        )
        tokens.append(token_create(user=user, name="rush")[1])
    institution = _institution()
    with schema_context(institution.schema_name):
        facility = Facility.objects.filter(name=FACILITY_NAME).first()
        if facility is None:
            facility = Facility.objects.create(
                name=FACILITY_NAME,
                kind="field",
                capacity=30,
                slot_minutes=60,
                min_minutes=60,
                max_minutes=60,
                window_open_days=60,
                window_close_hours=1,
                max_active_per_person=1,
                approval_required=True,
                base_fee=0,
                closes_on_holidays=False,
            )
            for weekday in range(7):
                OpeningHours.objects.create(
                    facility=facility,
                    weekday=weekday,
                    opens=dt.time(HOURS[0]),
                    closes=dt.time(HOURS[1]),
                )
        first = timezone.localdate() + dt.timedelta(days=FIRST_DAY_AHEAD)
        slots = [
            [
                aware(first + dt.timedelta(days=d), dt.time(h)).isoformat(),
                aware(first + dt.timedelta(days=d), dt.time(h + 1)).isoformat(),
            ]
            for d in range(DAYS)
            for h in range(*HOURS)
        ]
    return {
        "host": institution.primary_host,
        "facility": facility.pk,
        "slots": slots,
        "tokens": tokens,
        "first_day": first.isoformat(),
        "last_day": (first + dt.timedelta(days=DAYS - 1)).isoformat(),
        "limit": facility.max_active_per_person,
    }


def step_rush_open(lead_ms: int, rate: int, enabled: int) -> dict:
    """A fresh opening: no bookings of the facility, an empty line, the room opening
    ``lead_ms`` from now admitting ``rate`` a minute (``enabled`` 0: no room)."""
    import datetime as dt

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from facility_booking.models import Reservation, WaitingPlace, WaitingRoom

    with schema_context(_institution().schema_name):
        facility = _facility()
        Reservation.objects.filter(facility=facility).delete()
        now = timezone.now()
        first = timezone.localdate() + dt.timedelta(days=FIRST_DAY_AHEAD)
        room, _created = WaitingRoom.objects.update_or_create(
            facility=facility,
            defaults={
                "enabled": bool(enabled),
                "opens_at": now + dt.timedelta(milliseconds=lead_ms),
                "closes_at": now + dt.timedelta(minutes=30),
                "queue_minutes": 30,
                "admit_per_minute": rate,
                "ticket_minutes": 2,
                "use_from": first,
                "use_to": first + dt.timedelta(days=DAYS - 1),
                "last_seq": 0,
                "sold_out_at": None,
                "checked_at": None,
            },
        )
        WaitingPlace.objects.filter(room=room).delete()
        return {"opens_at": room.opens_at.timestamp(), "room": room.pk}


def step_rush_room(enabled: int) -> dict:
    """Turn the facility's room on or off, as it stands (for the refused-request runs)."""
    from django_tenants.utils import schema_context

    from facility_booking.models import WaitingRoom

    with schema_context(_institution().schema_name):
        changed = WaitingRoom.objects.filter(facility=_facility()).update(enabled=bool(enabled))
    return {"changed": changed}


def step_rush_verify() -> dict:
    """After a rush: every slot held by at most one booking, nobody over the per-person
    limit, nothing outside the 50 slots."""
    import collections

    from django_tenants.utils import schema_context

    from facility_booking.models import HOLDING_STATES, Reservation

    with schema_context(_institution().schema_name):
        facility = _facility()
        rows = list(
            Reservation.objects.filter(facility=facility, status__in=HOLDING_STATES).values_list(
                "start", "end", "applicant_id"
            )
        )
        per_slot = collections.Counter((s, e) for s, e, _a in rows)
        per_person = collections.Counter(a for _s, _e, a in rows)
        overlapping = 0
        ordered = sorted((s, e) for s, e, _a in rows)
        for (_s1, e1), (s2, _e2) in zip(ordered, ordered[1:], strict=False):
            if s2 < e1:
                overlapping += 1
        return {
            "bookings": len(rows),
            "slots_held_twice": sum(1 for c in per_slot.values() if c > 1),
            "overlapping": overlapping,
            "people_over_limit": sum(
                1 for c in per_person.values() if c > facility.max_active_per_person
            ),
            "limit": facility.max_active_per_person,
        }


STEPS = {
    "rush_fixture": step_rush_fixture,
    "rush_open": step_rush_open,
    "rush_room": step_rush_room,
    "rush_verify": step_rush_verify,
}

if __name__ == "__main__":
    import django

    django.setup()
    name, *args = sys.argv[1:]
    result = STEPS[name](*[int(a) if a.lstrip("-").isdigit() else a for a in args])
    print(json.dumps(result))
