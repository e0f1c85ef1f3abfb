"""Running programs (admins and facility managers): edit, publish, cancel, the roster
and its CSV / Excel export, cancelling an application."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from institution.audit import audit_record
from privacy.public import record_access
from programs import exports, permissions, services
from programs.forms import CancelForm, ProgramForm
from programs.models import Application, Program
from suite.forms import apply_errors
from website.public import staff_view

manager = staff_view(permissions.can_manage_programs)


@manager
@require_GET
def index(request):
    programs = Program.objects.order_by("-start_date", "-id")
    return render(
        request, "programs/manage/index.html", {"programs": programs, "now": timezone.now()}
    )


def _facilities():
    from facility_booking.public.for_programs import venue_choices

    return venue_choices()


def _initial(program):
    if program is None:
        return {"waitlist_limit": 10, "fee": 0}
    values = {name: getattr(program, name) for name in services.EDIT_FIELDS}
    values["facility"] = program.facility_id
    values["applications_open_at"] = timezone.localtime(program.applications_open_at)
    values["applications_close_at"] = timezone.localtime(program.applications_close_at)
    return values


@manager
@require_http_methods(["GET", "POST"])
def program_edit(request, pk: int | None = None):
    program = get_object_or_404(Program, pk=pk) if pk is not None else None
    facilities = list(_facilities())
    form = ProgramForm(request.POST or None, initial=_initial(program), facilities=facilities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        facility_id = data.pop("facility")
        data["facility"] = next((f for f in facilities if f.pk == facility_id), None)
        try:
            saved = services.program_save(
                actor=request.user, institution=request.institution, program=program, **data
            )
            if request.POST.get("publish"):
                services.program_publish(
                    actor=request.user, institution=request.institution, program=saved
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("저장했습니다."))
            return redirect("programs:manage_edit", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "programs/manage/form.html", {"form": form, "program": program}, status=status
    )


@manager
@require_POST
def program_publish(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    try:
        services.program_publish(
            actor=request.user, institution=request.institution, program=program
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("게시했습니다. 통합 포털 검색에도 곧 나타납니다."))
    return redirect("programs:manage_edit", pk=pk)


@manager
@require_POST
def program_unpublish(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    services.program_unpublish(actor=request.user, institution=request.institution, program=program)
    messages.success(request, _("게시를 중단했습니다."))
    return redirect("programs:manage_edit", pk=pk)


@manager
@require_POST
def program_cancel(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("폐강 사유를 입력해 주세요."))
        return redirect("programs:roster", pk=pk)
    services.program_cancel(
        actor=request.user,
        institution=request.institution,
        program=program,
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("폐강 처리했습니다. 신청자에게 알렸습니다."))
    return redirect("programs:roster", pk=pk)


@manager
@require_GET
def roster(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    applications = list(program.applications.order_by("created_at", "id"))
    for application in applications:
        application.position = services.waitlist_position(application)
    # Masked (홍*동, 010-****-5678) unless the staff member asks for the full list,
    # which is recorded in the 접속기록.
    full = request.GET.get("full") == "1"
    if full:
        record_access(
            request,
            action="unmask",
            target=f"programs.program:{program.pk}:roster",
            purpose=_("신청자 연락"),
            row_count=len(applications),
        )
    return render(
        request,
        "programs/manage/roster.html",
        {
            "program": program,
            "applications": applications,
            "period": services.period_label(program),
            "full": full,
        },
    )


def _export(request, program, kind: str):
    audit_record(
        actor=request.user,
        action="programs.roster_export",
        target=program,
        summary=f"신청자 명단 내려받기({kind}): {program.title}",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    # Exports mask by default; the full roster is asked for explicitly and recorded.
    full = request.GET.get("full") == "1"
    record_access(
        request,
        action="export",
        target=f"programs.program:{program.pk}:roster{':full' if full else ''}",
        purpose=_("신청자 명단 내려받기"),
        row_count=program.applications.count(),
    )
    if kind == "csv":
        response = HttpResponse(
            exports.roster_csv(program, masked=not full), content_type="text/csv; charset=utf-8"
        )
        filename = f"roster-{program.pk}-{stamp}.csv"
    else:
        response = HttpResponse(
            exports.roster_xlsx(program, masked=not full),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"roster-{program.pk}-{stamp}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@manager
@require_GET
def roster_csv(request, pk: int):
    return _export(request, get_object_or_404(Program, pk=pk), "csv")


@manager
@require_GET
def roster_xlsx(request, pk: int):
    return _export(request, get_object_or_404(Program, pk=pk), "xlsx")


@manager
@require_POST
def application_cancel(request, pk: int):
    application = get_object_or_404(Application, pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("취소 사유를 입력해 주세요."))
        return redirect("programs:roster", pk=application.program_id)
    try:
        services.application_cancel_by_staff(
            actor=request.user,
            institution=request.institution,
            application=application,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("신청을 취소했습니다. 대기자가 있으면 자동으로 확정됩니다."))
    return redirect("programs:roster", pk=application.program_id)
