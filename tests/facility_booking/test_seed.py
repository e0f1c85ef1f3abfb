"""The demo seed: realistic facilities and bookings in every state; idempotent."""

from django_tenants.utils import schema_context

from facility_booking.models import Facility, Reservation, Status
from facility_booking.seed import seed_institution


def test_seed_is_idempotent_and_covers_every_state(world):
    people = {
        "admin": world.admin_a,
        "facility": world.manager_a,
        "staff1": world.staff_a,
        "staff2": world.staff_a2,
        "residents": [world.resident, world.resident2],
    }
    with schema_context(world.inst_a.schema_name):
        seed_institution(institution=world.inst_a, people=people)
        counts = (Facility.objects.count(), Reservation.objects.count())
        seed_institution(institution=world.inst_a, people=people)
        assert (Facility.objects.count(), Reservation.objects.count()) == counts
        hall = Facility.objects.get(name="대공연장")
        assert hall.capacity == 300 and hall.discounts.count() == 6 and hall.hours.count() == 7
        assert Facility.objects.filter(visibility="internal", kind="vehicle").exists()
        states = set(Reservation.objects.values_list("status", flat=True))
        assert states == set(Status.values), set(Status.values) - states
        # online payments through the sandbox: one paid by card, one 가상계좌 waiting
        from payments.models import LedgerEntry, PaymentOrder

        orders = dict(PaymentOrder.objects.values_list("method", "status"))
        assert orders == {"card": "paid", "virtual_account": "waiting_for_deposit"}
        card = PaymentOrder.objects.get(method="card")
        assert LedgerEntry.objects.get(order=card).amount == card.amount
        assert card.reservation.status == "paid"
        assert PaymentOrder.objects.count() == 2  # the second seeding added none


def test_demo_leaves_a_resident_who_can_book_at_once(world):
    """The third demo resident has nothing still to come: on every public facility they
    are under the per-person limit and the first start the calendar offers is accepted."""
    from django.utils import timezone

    from accounts.models import User
    from facility_booking import availability, selectors, services

    third = User.objects.create_user(
        email="resident3.seed@test.kr",
        password="x-unused-9!",
        name="셋째주민",
        phone="010-5555-6666",
    )
    people = {
        "admin": world.admin_a,
        "facility": world.manager_a,
        "staff1": world.staff_a,
        "residents": [world.resident, world.resident2, third],
    }
    with schema_context(world.inst_a.schema_name):
        seed_institution(institution=world.inst_a, people=people)
        now = timezone.now()
        public = Facility.objects.filter(visibility="public", is_active=True)
        assert public.exists()
        booked = 0
        for facility in public:
            assert not selectors.person_limit(third, facility, now)["reached"], facility.name
            days = availability.days(facility, timezone.localdate(), 62)
            slot = next(s for d in days for s in d.slots if s.state == availability.FREE)
            length = availability.shortest(facility)
            services.reservation_request(
                actor=third,
                facility=facility,
                start=slot.start,
                end=slot.start + length,
                purpose="첫 예약",
                headcount=1,
                contact_phone=third.phone,
            )
            booked += 1
        assert booked == public.count()
        # and the first resident shows the limit reached somewhere (the notice to see)
        assert any(selectors.person_limit(world.resident, f, now)["reached"] for f in public)
