"""payments' public face: what facility booking and the portal may use of it.

Payments holds a booking's orders, its ledger (every won in and out) and its refunds.

For the pages where a resident pays (the institution's booking page, the portal hub,
a fair-booking series' bill) — the page says where it sits with a ``Place``:

- ``Place``, ``pay_page`` (what is owed and the payment window), and the window's
  returns ``success_return``, ``fail_return``, ``refresh_order``.

For facility booking's services, staff pages and demo data:

- the ledger and orders: ``LedgerEntry``, ``Method``, ``OrderStatus``, ``PaymentOrder``;
- money at the desk: ``desk_payment_entry``, ``refund_record_manual``,
  ``ManualRefundForm``;
- a booking cancelled or changed: ``close_open_orders``, ``refund_request``;
- paying online: ``checkout_start``, ``payment_confirm``; and for demo data only,
  ``sandbox_checkout`` (the tester pays in the sandbox gateway's window).
"""

from __future__ import annotations

from payments.forms import ManualRefundForm
from payments.models import LedgerEntry, Method, OrderStatus, PaymentOrder
from payments.services import (
    checkout_start,
    close_open_orders,
    desk_payment_entry,
    payment_confirm,
    refund_record_manual,
    refund_request,
)
from payments.views import Place, fail_return, pay_page, refresh_order, success_return

__all__ = [
    "LedgerEntry",
    "ManualRefundForm",
    "Method",
    "OrderStatus",
    "PaymentOrder",
    "Place",
    "checkout_start",
    "close_open_orders",
    "desk_payment_entry",
    "fail_return",
    "pay_page",
    "payment_confirm",
    "refresh_order",
    "refund_record_manual",
    "refund_request",
    "sandbox_checkout",
    "success_return",
]


def sandbox_checkout(*, institution, order: PaymentOrder) -> str:
    """Open the order's window in the sandbox gateway and pay it there as a tester would;
    returns the payment key to confirm (``payment_confirm``). Demo data only."""
    from payments.sandbox import engine

    window = engine.checkout_open(
        merchant=engine.merchant_for(institution),
        order_id=order.order_id,
        order_name=order.order_name,
        amount=order.amount,
        method="카드" if order.method == Method.CARD else "가상계좌",
        customer_name=order.customer_name,
        customer_email=order.customer_email,
        cash_receipt_type=order.cash_receipt_type,
        cash_receipt_number=order.cash_receipt_number,
        valid_hours=order.va_valid_hours,
    )
    engine.checkout_authorize(window)
    return window.payment_key
