"""Background work of payments. Every task carries the schema it acts in."""

from __future__ import annotations

from django_tasks import task
from django_tenants.utils import schema_context


@task()
def process_refund(*, schema_name: str, refund_pk: int) -> str:
    from payments.models import Refund
    from payments.services import refund_process

    with schema_context(schema_name):
        refund = Refund.objects.filter(pk=refund_pk).first()
        if refund is None:
            return "missing"
        return refund_process(refund=refund).status


@task()
def reconcile_order(*, schema_name: str, order_pk: int) -> str:
    from payments.models import PaymentOrder
    from payments.services import order_reconcile

    with schema_context(schema_name):
        order = PaymentOrder.objects.filter(pk=order_pk).first()
        if order is None:
            return "missing"
        return order_reconcile(order=order).status


@task()
def close_order(*, schema_name: str, order_pk: int, reason: str = "") -> str:
    from payments.models import PaymentOrder
    from payments.services import order_close

    with schema_context(schema_name):
        order = PaymentOrder.objects.filter(pk=order_pk).first()
        if order is None:
            return "missing"
        return order_close(order=order, reason=reason).status


@task()
def reconcile(*, schema_name: str) -> int:
    """Orders and refunds of one institution whose outcome is unknown or overdue."""
    from payments.services import reconcile_here

    with schema_context(schema_name):
        return reconcile_here()
