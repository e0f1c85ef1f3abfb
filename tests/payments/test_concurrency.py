"""Racing success returns and webhooks for one payment (real commits, separate
connections): the money is booked once and the booking is paid once."""

import threading

from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import User
from facility_booking import services as fb
from facility_booking.models import Facility, Reservation, ReservationEvent
from notifications.models import Notification
from payments import services
from payments.models import LedgerEntry, PaymentOrder, Refund
from payments.sandbox import engine
from payments.sandbox.models import SandboxPayment, SandboxWebhook
from portal.models import PortalEntry
from tenants.models import Institution
from tests.facility_booking.conftest import add_refund_tiers, at, make_facility, request_kwargs


def test_twelve_racing_confirms_and_webhooks_book_one_payment(committed_db, settings):
    settings.NOTIFY_QUIET_HOURS = (0, 0)
    institution = Institution.objects.get(slug="testa")
    resident = User.objects.get(email="resident2@test.kr")
    manager = User.objects.get(email="manager.a@test.kr")
    ids = []
    with schema_context(institution.schema_name):
        facility = make_facility(name="경주용 강당", base_fee=10_000)
        add_refund_tiers(facility)
    try:
        with schema_context(institution.schema_name):
            r = fb.reservation_request(
                **request_kwargs(facility, resident, start=at(8, 10), end=at(8, 12))
            )
            r = fb.reservation_approve(actor=manager, reservation=r)
            order = services.checkout_start(actor=resident, reservation=r, method="card")
        window = engine.checkout_open(
            merchant=engine.merchant_for(institution),
            order_id=order.order_id,
            order_name=order.order_name,
            amount=order.amount,
            method="카드",
        )
        engine.checkout_authorize(window)
        barrier = threading.Barrier(12)
        errors = []

        def confirm():
            try:
                barrier.wait()
                with schema_context(institution.schema_name):
                    services.checkout_return(
                        actor=resident,
                        order=PaymentOrder.objects.get(pk=order.pk),
                        payment_key=window.payment_key,
                        amount=str(order.amount),
                    )
            except Exception as error:
                errors.append(error)
            finally:
                connection.close()

        def reconcile():
            try:
                barrier.wait()
                with schema_context(institution.schema_name):
                    services.order_reconcile(order=PaymentOrder.objects.get(pk=order.pk))
            except Exception as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=confirm) for _ in range(8)]
        threads += [threading.Thread(target=reconcile) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with schema_context(institution.schema_name):
            # whatever was left confirming is settled by one more look
            services.order_reconcile(order=PaymentOrder.objects.get(pk=order.pk))
            assert list(
                LedgerEntry.objects.filter(reservation_id=r.pk).values_list("kind", "amount")
            ) == [("payment", 20_000)]
            assert Reservation.objects.get(pk=r.pk).status == "paid"
            assert PaymentOrder.objects.get(pk=order.pk).status == "paid"
            assert not Refund.objects.filter(reservation_id=r.pk).exists()
        assert SandboxPayment.objects.get(pk=window.pk).status == "DONE"
    finally:
        with schema_context(institution.schema_name):
            rows = Reservation.objects.filter(facility__name="경주용 강당")
            ids = list(rows.values_list("pk", flat=True))
            Refund.objects.filter(reservation_id__in=ids).delete()
            LedgerEntry.objects.filter(reservation_id__in=ids).delete()
            PaymentOrder.objects.filter(reservation_id__in=ids).delete()
            ReservationEvent.objects.filter(reservation_id__in=ids).delete()
            rows.delete()
            Facility.objects.filter(name="경주용 강당").delete()
        PortalEntry.objects.filter(
            institution=institution, kind="booking", key__in=[str(i) for i in ids]
        ).delete()
        order_ids = list(
            SandboxPayment.objects.filter(order_name__contains="경주용 강당").values_list(
                "order_id", flat=True
            )
        )
        SandboxWebhook.objects.filter(order_id__in=order_ids).delete()
        SandboxPayment.objects.filter(order_id__in=order_ids).delete()
        Notification.objects.filter(
            ref__in=[f"facility_booking.reservation:{i}" for i in ids]
        ).delete()
