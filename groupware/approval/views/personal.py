"""전자결재 pages around the documents: notices, 사후보고, leave, favourite lines, the
delegation table."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import staff_page
from groupware.approval import leave as leave_rules
from groupware.approval import permissions, selectors, services
from groupware.approval.errors import ApprovalConflict
from groupware.approval.models import (
    FavouriteLine,
)
from groupware.approval.views.common import nav_counts, people_choices

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
    if notice.read_at is None:  # opened again: nothing to record, no write
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
    """My annual leave: granted (근로기준법 제60조 from the hire date), used, pending,
    remaining; the grants of the year; my requests, with cancellation where allowed."""
    from groupware.approval.models import LeaveRequest
    from groupware.public import profile_of

    year = timezone_year()
    profile = profile_of(request.user)
    hire_date = profile.hire_date if profile is not None else None
    cancellable = set(
        leave_rules.cancellable_leaves(request.user).values_list("document_id", flat=True)
    )
    return render(
        request,
        "approval/leave.html",
        {
            "balance": leave_rules.leave_balance(request.user, year),
            "hire_date": hire_date,
            "grants": leave_rules.annual_grants(hire_date, year) if hire_date else [],
            "hour_unit": leave_rules.hour_unit(),
            "requests": LeaveRequest.objects.filter(user=request.user, start_date__year=year)
            .select_related("document")
            .prefetch_related("document__cancellations"),
            "cancellable": cancellable,
            "counts": nav_counts(request),
            "boxes": selectors.BOXES,
        },
    )


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


@staff_page(permissions.can_use_approval)
def favourite_lines(request):
    """My favourite lines and my department's shared lines (its head keeps them)."""
    from groupware.approval.models import LineTemplate
    from groupware.models import Department

    department_id = permissions.department_of(request.user)
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    return render(
        request,
        "approval/lines.html",
        {
            "favourites": FavouriteLine.objects.filter(owner=request.user),
            "shared": LineTemplate.objects.filter(department_id=department_id)
            if department_id
            else [],
            "department": department,
            "can_manage_shared": department is not None
            and permissions.can_manage_line_templates(
                request.user, request.institution, department
            ),
            "people": {p["id"]: p["label"] for p in people_choices(request.institution)},
            "counts": nav_counts(request),
            "boxes": selectors.BOXES,
        },
    )


@staff_page(permissions.can_use_approval)
@require_POST
def line_template_delete(request, pk: int):
    from groupware.approval.models import LineTemplate

    template = LineTemplate.objects.filter(
        pk=pk, department_id=permissions.department_of(request.user)
    ).first()
    if template is None:
        raise Http404
    services.line_template_delete(
        actor=request.user, institution=request.institution, template=template
    )
    messages.success(request, _("부서 결재선을 지웠습니다."))
    return redirect("approval:lines")


@staff_page(permissions.can_use_approval)
@require_POST
def favourite_line_delete(request, pk: int):
    favourite = FavouriteLine.objects.filter(owner=request.user, pk=pk).first()
    if favourite is None:
        raise Http404
    services.favourite_line_delete(actor=request.user, favourite=favourite)
    messages.success(request, _("즐겨찾는 결재선을 지웠습니다."))
    return redirect("approval:lines")
