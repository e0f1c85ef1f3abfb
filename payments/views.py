"""Payment pages. The resident's pages work on the institution's host and, through the
hub (portal/hub.py), on the portal — both call the functions here with a ``Place``
saying where the booking page and the gateway's return addresses are.

Institution host, under /payments/:
- bookings/<pk>/pay/        choose card or 가상계좌 (현금영수증, refund account) → window
- return/success/ , return/fail/   where the payment window comes back
- orders/<order_id>/refresh/       ask the gateway again (an answer we did not hear)
- webhook/                  the gateway's webhooks (signed; the truth is fetched again)
- manage/reconciliation/    daily ledger vs settlement (page, .csv, .xlsx) — booking managers
- manage/refunds/<pk>/record/ , manage/refunds/<pk>/retry/
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from facility_booking.public import manager_page
from facility_booking.public.for_payments import Kind, reservation_for_user
from payments import reconciliation, services
from payments.forms import ManualRefundForm, PayForm, ReconciliationForm
from payments.gateway import GatewayUnavailable, WebhookRejected, gateway_for
from payments.models import OrderStatus, PaymentOrder, Refund
from suite.forms import apply_errors

TOSS_CSP = (
    "default-src 'self'; script-src 'self' https://js.tosspayments.com; "
    "frame-src https://*.tosspayments.com; connect-src 'self' https://*.tosspayments.com; "
    "img-src 'self' data: https://*.tosspayments.com; style-src 'self' 'unsafe-inline'; "
    "form-action 'self' https://*.tosspayments.com; frame-ancestors 'none'; object-src 'none'"
)


@dataclass
class Place:
    """Where the resident is paying from."""

    booking_url: str  # the booking's page here
    success_url: str  # absolute: the window returns here
    fail_url: str
    base_template: str = "base.html"


def own_booking(request, pk):
    """The applicant's own booking in the current schema, else 404."""
    reservation = reservation_for_user(request.user, request_institution(request), pk)
    if reservation.applicant_id != request.user.pk or reservation.kind != Kind.BOOKING:
        raise Http404
    return reservation


def request_institution(request):
    from tenants.current import current_institution

    return getattr(request, "institution", None) or current_institution()


def pay_page(request, reservation, place: Place):
    """GET: what is owed and how to pay; POST: open the order and go to the window."""
    form = PayForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = services.checkout_start(
                    actor=request.user, reservation=reservation, **form.service_kwargs()
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = (
                    409 if getattr(error, "payment_code", "") in ("va_open", "in_flight") else 400
                )
            else:
                launch = services.launch(
                    order, success_url=place.success_url, fail_url=place.fail_url
                )
                if launch.kind == "redirect":
                    return redirect(launch.url)
                response = render(
                    request, "payments/launch_sdk.html", {"order": order, "sdk_params": launch.sdk}
                )
                # Toss's payment window is its SDK's script and frames (the only page that
                # loads a script from elsewhere).
                response["Content-Security-Policy"] = TOSS_CSP
                return response
        else:
            status = 400
    open_va = reservation.payment_orders.filter(status=OrderStatus.WAITING_FOR_DEPOSIT).first()
    return render(
        request,
        "payments/pay.html",
        {
            "r": reservation,
            "form": form,
            "place": place,
            "open_va": open_va,
            "payable": reservation.awaits_payment
            and reservation.payment_due
            and reservation.payment_due > timezone.now(),
        },
        status=status,
    )


def _order_or_404(request) -> PaymentOrder:
    order = services.order_of(request.user, request.GET.get("orderId", ""))
    if order is None:
        raise Http404
    return order


def success_return(request, place_for) -> HttpResponse:
    """The window's success return: amount checked, then confirmed server-side."""
    order = _order_or_404(request)
    place = place_for(order)
    try:
        order = services.checkout_return(
            actor=request.user,
            order=order,
            payment_key=request.GET.get("paymentKey", ""),
            amount=request.GET.get("amount", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(place.booking_url)
    order.reservation.refresh_from_db()
    if order.status == OrderStatus.PAID:
        if order.refunds.exists():
            messages.warning(
                request,
                _(
                    "결제는 되었지만 예약이 이미 만료되었거나 취소되어 결제 금액 전액을 자동으로 환불합니다."
                ),
            )
        else:
            messages.success(
                request, _("결제가 완료되었습니다. 대관 허가서와 영수증을 받으실 수 있습니다.")
            )
    elif order.status == OrderStatus.WAITING_FOR_DEPOSIT:
        messages.success(
            request, _("가상계좌가 발급되었습니다. 입금 기한까지 안내된 계좌로 입금해 주세요.")
        )
    else:
        messages.info(
            request,
            _(
                "결제 결과를 확인하고 있습니다. 잠시 뒤 이 화면에서 다시 확인해 주세요. (중복 결제되지 않습니다)"
            ),
        )
    return redirect(place.booking_url)


def fail_return(request, place_for) -> HttpResponse:
    order = _order_or_404(request)
    place = place_for(order)
    code = request.GET.get("code", "")[:60]
    message = request.GET.get("message", "")[:300]
    services.checkout_fail(order=order, code=code, message=message)
    if code == "PAY_PROCESS_CANCELED":
        messages.info(request, _("결제를 취소했습니다. 결제 기한 안에 다시 결제할 수 있습니다."))
    else:
        messages.error(
            request,
            _("결제가 승인되지 않았습니다: %(message)s") % {"message": message or code},
        )
    return redirect(place.booking_url)


def refresh_order(request, order_id: str, place_for) -> HttpResponse:
    order = services.order_of(request.user, order_id)
    if order is None:
        raise Http404
    services.order_reconcile(order=order)
    messages.info(request, _("결제 상태를 다시 확인했습니다."))
    return redirect(place_for(order).booking_url)


# -- the institution host ------------------------------------------------------------------


def _host_place(request, reservation_pk: int) -> Place:
    return Place(
        booking_url=reverse("facility_booking:my_booking", args=[reservation_pk]),
        success_url=request.build_absolute_uri(reverse("payments:success")),
        fail_url=request.build_absolute_uri(reverse("payments:fail")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pay(request, pk: int):
    reservation = own_booking(request, pk)
    return pay_page(request, reservation, _host_place(request, reservation.pk))


@login_required
def success(request):
    return success_return(request, lambda order: _host_place(request, order.reservation_id))


@login_required
def fail(request):
    return fail_return(request, lambda order: _host_place(request, order.reservation_id))


@login_required
@require_POST
def refresh(request, order_id: str):
    return refresh_order(
        request, order_id, lambda order: _host_place(request, order.reservation_id)
    )


@csrf_exempt
@require_POST
def webhook(request):
    """Gateway webhooks: 200 when handled (or not ours), 401 for a bad signature,
    503 when the gateway could not be asked (it will send again)."""
    try:
        outcome = services.webhook_receive(
            institution=request.institution, body=request.body, headers=request.headers
        )
    except WebhookRejected:
        return JsonResponse({"result": "rejected"}, status=401)
    except GatewayUnavailable:
        return JsonResponse({"result": "retry"}, status=503)
    return JsonResponse({"result": outcome})


# -- booking managers ----------------------------------------------------------------------------


def _report(request):
    form = ReconciliationForm(request.GET or None)
    day = timezone.localdate() - dt.timedelta(days=1)
    if form.is_valid():
        day = form.cleaned_data["day"]
    elif not request.GET:
        form = ReconciliationForm(initial={"day": day})
    return form, reconciliation.daily(request.institution, day)


@manager_page
def reconciliation_page(request):
    form, report = _report(request)
    return render(
        request,
        "payments/reconciliation.html",
        {
            "form": form,
            "report": report,
            "ledger_total": report.total("ledger_amount"),
            "gateway_total": report.total("gateway_amount"),
            "fee_total": report.total("fee"),
            "payout_total": report.total("pay_out"),
            "query": f"day={report.day.isoformat()}",
            "gateway": gateway_for(request.institution).name,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@manager_page
def reconciliation_csv(request):
    _form, report = _report(request)
    response = HttpResponse(reconciliation.as_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="reconciliation-{report.day.isoformat()}.csv"'
    )
    return response


@manager_page
def reconciliation_xlsx(request):
    _form, report = _report(request)
    response = HttpResponse(
        reconciliation.as_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="reconciliation-{report.day.isoformat()}.xlsx"'
    )
    return response


def _refund(pk) -> Refund:
    try:
        return Refund.objects.select_related("reservation").get(pk=int(pk))
    except (Refund.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


@manager_page
@require_POST
def refund_record(request, pk: int):
    """A desk refund paid back by staff (bank transfer or cash)."""
    refund = _refund(pk)
    form = ManualRefundForm(request.POST)
    if form.is_valid():
        try:
            services.refund_record_manual(
                actor=request.user,
                refund=refund,
                method=form.cleaned_data["method"],
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("환불을 기록했습니다."))
    else:
        messages.error(request, _("환불 방법을 선택해 주세요."))
    return redirect("facility_booking:manage_booking", pk=refund.reservation_id)


@manager_page
@require_POST
def refund_retry(request, pk: int):
    refund = get_object_or_404(Refund, pk=pk)
    try:
        services.refund_retry(actor=request.user, refund=refund)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("환불을 다시 요청했습니다."))
    return redirect("facility_booking:manage_booking", pk=refund.reservation_id)
