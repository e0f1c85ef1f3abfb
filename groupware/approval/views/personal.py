"""전자결재 pages around the documents: notices, 사후보고, leave, favourite lines, the
delegation table."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import staff_page
from groupware.approval import leave as leave_rules
from groupware.approval import permissions, selectors, services
from groupware.approval.errors import ApprovalConflict
from groupware.approval.models import (
    DelegationRule,
    FavouriteLine,
    Form,
)
from groupware.approval.views.common import error_text, nav_counts, people_choices
from groupware.models import Position

# --- notices, post-reports, leave, favourites, delegation ---------------------


@staff_page(permissions.can_use_approval)
def notifications(request):
    page = Paginator(selectors.notifications_for(request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "approval/notifications.html",
        {"page": page, "counts": nav_counts(request), "boxes": selectors.BOXES},
    )


@staff_page(permissions.can_use_approval)
def notification_open(request, pk: int):
    """Mark the notice read and go where it points (only paths inside this site)."""
    from groupware.approval.models import Notification

    notice = Notification.objects.filter(user=request.user, pk=pk).first()
    if notice is None:
        raise Http404
    services.notification_mark_read(user=request.user, notification_id=notice.pk)
    target = notice.url if notice.url.startswith("/") and not notice.url.startswith("//") else "/"
    return redirect(target)


@staff_page(permissions.can_use_approval)
@require_POST
def notifications_read(request):
    services.notification_mark_read(user=request.user)
    return redirect("approval:notifications")


@staff_page(permissions.can_use_approval)
@require_POST
def post_report_ack(request, pk: int):
    report = selectors.post_report_for(request.user, pk)
    try:
        services.post_report_acknowledge(actor=request.user, report=report)
        messages.success(request, _("사후보고를 확인했습니다."))
    except ApprovalConflict as error:
        messages.warning(request, error.message)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("approval:box", args=["post_reports"])  # never leave the site
    return redirect(target)


@staff_page(permissions.can_use_approval)
def leave_overview(request):
    """My annual leave: granted, used, pending, remaining; my requests."""
    from groupware.approval.models import LeaveRequest

    year = timezone_year()
    return render(
        request,
        "approval/leave.html",
        {
            "balance": leave_rules.leave_balance(request.user, year),
            "requests": LeaveRequest.objects.filter(
                user=request.user, start_date__year=year
            ).select_related("document"),
            "counts": nav_counts(request),
            "boxes": selectors.BOXES,
        },
    )


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


@staff_page(permissions.can_use_approval)
def favourite_lines(request):
    return render(
        request,
        "approval/lines.html",
        {
            "favourites": FavouriteLine.objects.filter(owner=request.user),
            "people": {p["id"]: p["label"] for p in people_choices(request.institution)},
            "counts": nav_counts(request),
            "boxes": selectors.BOXES,
        },
    )


@staff_page(permissions.can_use_approval)
@require_POST
def favourite_line_delete(request, pk: int):
    favourite = FavouriteLine.objects.filter(owner=request.user, pk=pk).first()
    if favourite is None:
        raise Http404
    services.favourite_line_delete(actor=request.user, favourite=favourite)
    messages.success(request, _("즐겨찾는 결재선을 지웠습니다."))
    return redirect("approval:lines")


@staff_page(permissions.can_use_approval)
@require_http_methods(["GET", "POST"])
def delegation(request):
    """위임전결 규정: everyone reads it; institution admins change it."""
    can_manage = permissions.can_manage_delegation(request.user, request.institution)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = request.POST.get("form", "")
        try:
            if request.POST.get("delete"):
                services.delegation_rule_delete(
                    actor=request.user, institution=request.institution, form=form
                )
            else:
                position = (
                    Position.objects.filter(pk=request.POST.get("position") or 0).first()
                    if (request.POST.get("position") or "").isdigit()
                    else None
                )
                services.delegation_rule_set(
                    actor=request.user,
                    institution=request.institution,
                    form=form,
                    position=position,
                )
            messages.success(request, _("위임전결 규정을 저장했습니다."))
            return redirect("approval:delegation")
        except ValidationError as error:
            messages.error(request, error_text(error))
    return render(
        request,
        "approval/delegation.html",
        {
            "rules": {r.form: r for r in DelegationRule.objects.select_related("position")},
            "forms": Form.choices,
            "positions": Position.objects.all(),
            "can_manage": can_manage,
            "counts": nav_counts(request),
            "boxes": selectors.BOXES,
        },
    )
