"""The sandbox gateway's pages and HTTP API on the portal host, under /sandbox-pg/.

Only when settings.PAYMENTS_GATEWAY == "sandbox" (404 otherwise):

- /sandbox-pg/checkout/        the payment window (card: pay, decline, close; 가상계좌: issue)
- /sandbox-pg/virtual-accounts/<paymentKey>/   the bank side: deposit now, or let it expire
- /sandbox-pg/v1/…             the server API (Toss's paths, Basic auth with the secret key)
- /sandbox-pg/                 developers' view of payments and webhooks (DEBUG or operator)
"""

from __future__ import annotations

import json
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from payments.sandbox import delivery, engine
from payments.sandbox.models import SandboxMerchant, SandboxPayment, SandboxWebhook

METHODS = {"CARD": "카드", "VIRTUAL_ACCOUNT": "가상계좌", "카드": "카드", "가상계좌": "가상계좌"}


def sandbox_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.PAYMENTS_GATEWAY != "sandbox":
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _platform_hosts() -> set[str]:
    from tenants.models import Domain

    hosts = {settings.SUITE_DOMAIN, *settings.SUITE_APEX_ALIASES}
    hosts.update(Domain.objects.values_list("domain", flat=True))
    return hosts


def _safe_return(url: str) -> bool:
    """Return addresses must be on the platform (no open redirect through the sandbox)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    # Any port: the platform may be served on one (make run: :8000).
    return bool(url) and url_has_allowed_host_and_scheme(
        url,
        allowed_hosts={parts.netloc} if host in _platform_hosts() else set(),
        require_https=False,
    )


def _with_query(url: str, params: dict) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


@sandbox_only
@require_http_methods(["GET", "POST"])
def checkout(request):
    """The payment window. Opened by the merchant's page with the SDK's parameters."""
    params = request.GET if request.method == "GET" else request.POST
    merchant = SandboxMerchant.objects.filter(client_key=params.get("clientKey", "")).first()
    method = METHODS.get(params.get("method", ""))
    try:
        amount = int(params.get("amount", ""))
    except ValueError:
        amount = -1
    success_url, fail_url = params.get("successUrl", ""), params.get("failUrl", "")
    order_id = params.get("orderId", "")
    problems = []
    if merchant is None:
        problems.append(_("클라이언트 키가 올바르지 않습니다."))
    if method is None:
        problems.append(_("결제 수단(method)이 올바르지 않습니다."))
    if amount <= 0:
        problems.append(_("결제 금액(amount)이 올바르지 않습니다."))
    if not (6 <= len(order_id) <= 64):
        problems.append(_("주문번호(orderId)는 6–64자여야 합니다."))
    if not (_safe_return(success_url) and _safe_return(fail_url)):
        problems.append(_("돌아갈 주소(successUrl, failUrl)는 이 플랫폼의 주소여야 합니다."))
    if problems:
        return render(request, "pg_sandbox/error.html", {"problems": problems}, status=400)
    try:
        valid_hours = int(params.get("validHours", "72"))
    except ValueError:
        valid_hours = 72
    payment = engine.checkout_open(
        merchant=merchant,
        order_id=order_id,
        order_name=params.get("orderName", "") or order_id,
        amount=amount,
        method=method,
        customer_name=params.get("customerName", ""),
        customer_email=params.get("customerEmail", ""),
        success_url=success_url,
        fail_url=fail_url,
        cash_receipt_type=params.get("cashReceiptType", "")
        if params.get("cashReceiptType") in ("소득공제", "지출증빙")
        else "",
        cash_receipt_number="".join(c for c in params.get("cashReceiptNumber", "") if c.isdigit())[
            :20
        ],
        valid_hours=valid_hours,
    )
    if payment.status not in (payment.Status.READY, payment.Status.IN_PROGRESS):
        return render(
            request,
            "pg_sandbox/error.html",
            {"problems": [_("이미 처리된 주문입니다. 가맹점 화면으로 돌아가 주세요.")]},
            status=409,
        )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "pay":
            engine.checkout_authorize(
                payment, fault="timeout" if request.POST.get("fault") == "timeout" else ""
            )
            return redirect(
                _with_query(
                    success_url,
                    {"paymentKey": payment.payment_key, "orderId": order_id, "amount": amount},
                )
            )
        if action == "decline" and method == "카드":
            engine.checkout_decline(payment)
            return redirect(
                _with_query(
                    fail_url,
                    {
                        "code": "REJECT_CARD_COMPANY",
                        "message": payment.failure_message,
                        "orderId": order_id,
                    },
                )
            )
        if action == "abandon":
            return redirect(
                _with_query(
                    fail_url,
                    {
                        "code": "PAY_PROCESS_CANCELED",
                        "message": "사용자에 의해 결제가 취소되었습니다.",
                        "orderId": order_id,
                    },
                )
            )
        return HttpResponseBadRequest(_("알 수 없는 동작입니다."))
    return render(
        request,
        "pg_sandbox/checkout.html",
        {
            "payment": payment,
            "merchant": merchant,
            "institution": None,
            "sandbox_institution": merchant.institution,
            "params": params.items(),
        },
    )


@sandbox_only
@require_http_methods(["GET", "POST"])
def virtual_account(request, payment_key: str):
    """The bank side of a virtual account: deposit the amount now, or let it expire."""
    payment = get_object_or_404(
        SandboxPayment.objects.select_related("merchant__institution"),
        payment_key=payment_key,
        method="가상계좌",
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "deposit":
                engine.deposit(payment)
                messages.success(request, _("입금했습니다. 가맹점에 입금 알림(웹훅)을 보냈습니다."))
            elif request.POST.get("action") == "expire":
                engine.expire(payment)
                messages.info(request, _("입금 기한을 만료시켰습니다."))
        except ValueError as error:
            messages.error(request, str(error))
        return redirect("pg_sandbox:virtual_account", payment_key=payment.payment_key)
    return render(
        request,
        "pg_sandbox/virtual_account.html",
        {
            "payment": payment,
            "bank": engine.BANKS.get(payment.va_bank_code, payment.va_bank_code),
            "sandbox_institution": payment.merchant.institution,
        },
    )


def _developer(request) -> None:
    if not (settings.DEBUG or getattr(request.user, "is_platform_operator", False)):
        raise PermissionDenied


@sandbox_only
@require_http_methods(["GET", "POST"])
def dashboard(request):
    """Developers: recent sandbox payments and webhooks; resend a webhook."""
    _developer(request)
    if request.method == "POST":
        webhook = get_object_or_404(SandboxWebhook, pk=request.POST.get("webhook") or 0)
        ok = delivery.deliver(webhook)
        if ok:
            messages.success(request, _("웹훅을 전달했습니다."))
        else:
            messages.error(request, _("웹훅 전달에 실패했습니다."))
        return redirect("pg_sandbox:dashboard")
    return render(
        request,
        "pg_sandbox/dashboard.html",
        {
            "payments": SandboxPayment.objects.select_related("merchant__institution")[:50],
            "webhooks": SandboxWebhook.objects.select_related("merchant__institution").order_by(
                "-created_at"
            )[:50],
        },
    )


@sandbox_only
@csrf_exempt
@require_http_methods(["GET", "POST"])
def api(request, path: str):
    """The server API over HTTP (the adapter uses the same handler in-process)."""
    body = None
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            status, data = engine.error("INVALID_REQUEST", "JSON 본문을 읽을 수 없습니다.")
            return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
        if not isinstance(body, dict):
            body = {}
    full_path = "/v1/" + path + (("?" + request.META["QUERY_STRING"]) if request.GET else "")
    headers = {
        "Authorization": request.headers.get("Authorization", ""),
        "Idempotency-Key": request.headers.get("Idempotency-Key", ""),
    }
    status, data, _extra = engine.handle(request.method, full_path, headers, body)
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


@sandbox_only
def receipt(request, payment_key: str, kind: str = "card"):
    """A minimal sales slip / cash receipt page (the gateway's receipt URL)."""
    payment = get_object_or_404(SandboxPayment, payment_key=payment_key)
    if payment.status in (payment.Status.READY, payment.Status.IN_PROGRESS):
        raise Http404
    return render(
        request,
        "pg_sandbox/receipt.html",
        {"payment": payment, "kind": kind, "data": engine.payment_json(payment)},
    )
