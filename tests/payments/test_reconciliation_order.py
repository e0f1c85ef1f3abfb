"""The reconciliation lists its rows in one order, run after run: by time to the second
(the gateway's precision), then in the order the ledger recorded them — a desk payment
recorded before a gateway refund of the same second stays before it, a payment before
its refund, whatever the transaction ids."""

import datetime as dt

from django.utils import timezone
from django_tenants.utils import schema_context

from payments import reconciliation
from payments.models import LedgerEntry
from tests.payments.conftest import approved_booking


def _entry(r, kind, method, gateway, transaction_id, at):
    return LedgerEntry.objects.create(
        reservation_id=r.pk,
        kind=kind,
        method=method,
        amount=20_000,
        gateway=gateway,
        transaction_id=transaction_id,
        occurred_at=at,
    )


def test_rows_within_one_second_keep_the_order_they_were_recorded(world, hall):
    r = approved_booking(world, hall, world.resident, days=5)
    day = timezone.localdate()
    second = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0, 5)))
    with schema_context(world.inst_a.schema_name):
        # the gateway's payment (whole seconds), a desk payment recorded after it (our
        # clock: microseconds), then the gateway's refund timed in the same second
        _entry(r, "payment", "card", "sandbox", "zz-pay", second)
        _entry(r, "payment", "cash", "", "aa-desk", second + dt.timedelta(milliseconds=400))
        _entry(r, "refund", "card", "sandbox", "mm-refund", second)
        _entry(r, "payment", "cash", "", "bb-later", second + dt.timedelta(seconds=1))
        orders = [
            [row.transaction_id for row in reconciliation.daily(world.inst_a, day).rows]
            for _ in range(3)
        ]
    assert orders[0] == ["zz-pay", "aa-desk", "mm-refund", "bb-later"]
    assert orders[0] == orders[1] == orders[2]
