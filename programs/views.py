"""Programs on the institution's site: browse, apply with one click, my applications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacy.public import record_consents
from programs import permissions, services
from programs.forms import ApplyForm
from programs.models import LIVE_STATES, Application, Audience, Category, Program, ProgramStatus
from suite import ratelimit
from suite.forms import apply_errors


def _visible():
    return Program.objects.filter(status=ProgramStatus.PUBLISHED)


@require_GET
def program_list(request):
    today = timezone.localdate()
    programs = _visible()
    when = request.GET.get("when", "upcoming")
    if when == "past":
        programs = programs.filter(end_date__lt=today).order_by("-start_date", "-id")
    else:
        when = "upcoming"
        programs = programs.filter(end_date__gte=today).order_by("start_date", "start_time", "id")
    category = request.GET.get("category", "")
    if category in Category.values:
        programs = programs.filter(category=category)
    audience = request.GET.get("audience", "")
    if audience in Audience.values:
        programs = programs.filter(audience__in=[audience, Audience.ALL])
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        programs = programs.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(instructor__icontains=q)
        )
    page = Paginator(programs, 12).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/list.html",
        {
            "page": page,
            "when": when,
            "category": category,
            "audience": audience,
            "q": q,
            "categories": Category.choices,
            "audiences": Audience.choices,
            "now": timezone.now(),
            "nav": "programs",
            "can_manage": permissions.can_manage_programs(request.user, request.institution),
        },
    )


def _detail(request, program, form=None, status=200):
    mine = None
    if request.user.is_authenticated:
        mine = (
            Application.objects.filter(program=program, applicant_id=request.user.pk)
            .order_by("-created_at")
            .first()
        )
    form = form or ApplyForm(
        program=program, user=request.user if request.user.is_authenticated else None
    )
    now = timezone.now()
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "form": form,
            "mine": mine,
            "mine_live": mine is not None and mine.status in LIVE_STATES,
            "position": services.waitlist_position(mine) if mine else None,
            "period": services.period_label(program),
            "window_open": program.applications_open_at <= now < program.applications_close_at,
            "not_yet": now < program.applications_open_at,
            "now": now,
            "nav": "programs",
            "can_manage": permissions.can_manage_programs(request.user, request.institution),
        },
        status=status,
    )


def _program(request, pk):
    program = get_object_or_404(Program.objects.select_related("facility"), pk=pk)
    if program.status != ProgramStatus.PUBLISHED and not permissions.can_manage_programs(
        request.user, request.institution
    ):
        raise Http404
    return program


@require_GET
def program_detail(request, pk: int):
    return _detail(request, _program(request, pk))


@login_required
@require_POST
def program_apply(request, pk: int):
    """One click: confirmed while seats remain, else the waiting list (or a clear refusal)."""
    program = get_object_or_404(Program, pk=pk, status=ProgramStatus.PUBLISHED)
    form = ApplyForm(request.POST, program=program, user=request.user)
    # Per account and per IP, the booking rates (suite/ratelimit.py), a budget of its own:
    # over it, the page as it was with the wait in Korean, 429 with Retry-After, nothing stored.
    refusal = ratelimit.check(request, action="program")
    if refusal is not None:
        messages.error(request, ratelimit.form_message(refusal))
        return ratelimit.retry_headers(_detail(request, program, form), refusal)
    if not form.is_valid():
        return _detail(request, program, form, status=400)
    try:
        # The application and the consent it was given with are stored together or not at all.
        with transaction.atomic():
            application = services.application_apply(
                applicant=request.user,
                institution=request.institution,
                program=program,
                birth_date=form.cleaned_data.get("birth_date"),
                resident_declared=bool(form.cleaned_data.get("resident_declared")),
                phone=form.cleaned_data.get("phone", ""),
            )
            record_consents(
                user=request.user,
                form=form,
                request=request,
                context=f"program:{application.pk}",
            )
    except ValidationError as error:
        apply_errors(form, error)
        program.refresh_from_db()
        return _detail(request, program, form, status=400)
    if application.status == "confirmed":
        messages.success(request, _("신청이 확정되었습니다."))
    else:
        messages.warning(
            request,
            _(
                "정원이 차서 대기 %(n)s번으로 접수했습니다. 자리가 나면 순서대로 확정되고 알려 드립니다."
            )
            % {"n": services.waitlist_position(application)},
        )
    return redirect("programs:detail", pk=program.pk)


@login_required
@require_GET
def my_applications(request):
    applications = (
        Application.objects.filter(applicant_id=request.user.pk)
        .select_related("program")
        .order_by("-created_at", "-id")
    )
    page = Paginator(applications, 20).get_page(request.GET.get("page"))
    for application in page:
        application.position = services.waitlist_position(application)
    return render(request, "programs/my.html", {"page": page, "nav": "programs"})


@login_required
@require_http_methods(["POST"])
def my_cancel(request, pk: int):
    application = Application.objects.filter(pk=pk, applicant_id=request.user.pk).first()
    if application is None:
        raise Http404
    try:
        services.application_cancel(actor=request.user, application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("신청을 취소했습니다."))
    if request.POST.get("next") == "detail":
        return redirect("programs:detail", pk=application.program_id)
    return redirect("programs:my")
