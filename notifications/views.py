"""Outbox pages.

- Institution host /notifications/outbox/: the institution's messages and how each
  channel fared (a failed channel shows, with the error, and can be retried) —
  institution admins and booking managers. Addresses are masked.
- Portal /dev/outbox/: every message the local providers "sent" and every delivery,
  bodies included — developers (DEBUG) and the platform operator.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import access
from notifications import events, services
from notifications.models import Channel, Delivery, DeliveryStatus, LocalMessage, Notification


def can_read_outbox(user, institution) -> bool:
    return access.is_institution_admin(user, institution) or access.can_manage_facilities(
        user, institution
    )


# accounts.access.staff_page: anonymous → log-in; residents and other institutions' staff
# → 404; members who are neither admins nor booking managers → 403 saying who may.
outbox_staff_required = access.staff_page(
    can_read_outbox,
    reason=gettext_lazy("알림 발송 내역은 기관 관리자와 시설 담당자만 볼 수 있습니다."),
)


@outbox_staff_required
def staff_outbox(request):
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    event = request.GET.get("event", "")
    rows = (
        Notification.objects.filter(institution=request.institution)
        .select_related("recipient")
        .prefetch_related("deliveries")
        .order_by("-created_at", "-id")
    )
    if status in DeliveryStatus.values:
        rows = rows.filter(
            Exists(Delivery.objects.filter(notification=OuterRef("pk"), status=status))
        )
    if channel in Channel.values:
        rows = rows.filter(
            Exists(Delivery.objects.filter(notification=OuterRef("pk"), channel=channel))
        )
    if event in events.REGISTRY:
        rows = rows.filter(event=event)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    failed = Delivery.objects.filter(
        notification__institution=request.institution, status=DeliveryStatus.FAILED
    ).count()
    return render(
        request,
        "notifications/staff_outbox.html",
        {
            "page": page,
            "status": status,
            "channel": channel,
            "event": event,
            "statuses": DeliveryStatus.choices,
            "channels": Channel.choices,
            "events": [(code, spec.label) for code, spec in events.REGISTRY.items()],
            "failed": failed,
            "labels": {code: spec.label for code, spec in events.REGISTRY.items()},
        },
    )


@outbox_staff_required
@require_POST
def staff_retry(request, pk: int):
    delivery = (
        Delivery.objects.filter(pk=pk, notification__institution=request.institution)
        .select_related("notification")
        .first()
    )
    if delivery is None:
        raise Http404
    if delivery.status != DeliveryStatus.FAILED:
        messages.info(request, _("실패한 발송만 다시 보낼 수 있습니다."))
    else:
        services.retry_delivery(delivery=delivery)
        messages.success(request, _("다시 보내도록 했습니다."))
    return redirect(request.POST.get("next") or "notifications:outbox")


def dev_outbox(request):
    """Every delivery and what the local providers kept (the testers' phone and mailbox)."""
    if not (settings.DEBUG or getattr(request.user, "is_platform_operator", False)):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    deliveries = Delivery.objects.select_related(
        "notification", "notification__institution", "notification__recipient"
    ).order_by("-created_at", "-id")
    address = request.GET.get("to", "").strip()
    if address:
        deliveries = deliveries.filter(address__icontains=address)
    page = Paginator(deliveries, 40).get_page(request.GET.get("page"))
    local = LocalMessage.objects.all()
    if address:
        local = local.filter(address__icontains=address)
    return render(
        request,
        "notifications/dev_outbox.html",
        {
            "page": page,
            "local": local[:40],
            "to": address,
            "labels": {code: spec.label for code, spec in events.REGISTRY.items()},
        },
    )
