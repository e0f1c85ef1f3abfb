"""The staff workspace: dashboard, directory and org chart, absences, handover, rooms."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from groupware import access as gw_access
from groupware import booking, dashboard, services
from groupware.access import workspace_view
from groupware.forms import (
    AbsenceForm,
    DepartmentEditForm,
    DepartmentForm,
    DepartmentMoveForm,
    HandoverForm,
    ProfileAdminForm,
    ProfileSelfForm,
)
from groupware.models import Absence, Department, StaffProfile
from groupware.org import department_tree, directory_profiles, member_user_ids
from groupware.vcard import vcard_for
from suite.forms import apply_errors


@workspace_view
def home(request):
    """The dashboard: what is waiting, what is on today, who is away."""
    context = dashboard.build(request)
    context["active"] = "home"
    return render(request, "groupware/dashboard.html", context)


# --- directory -----------------------------------------------------------------


@workspace_view
def directory(request):
    """Search people by name, department or duty."""
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    department_id = request.GET.get("department", "")
    profiles = directory_profiles(request.institution)
    for word in q.split()[:5]:
        profiles = profiles.filter(
            Q(user__name__icontains=word)
            | Q(department__name__icontains=word)
            | Q(duties__icontains=word)
            | Q(extension__icontains=word)
            | Q(position__name__icontains=word)
            | Q(user__email__icontains=word)
        )
    selected = None
    if department_id.isascii() and department_id.isdigit() and len(department_id) < 19:
        from groupware.org import subtree_ids

        selected = Department.objects.filter(pk=int(department_id)).first()
        if selected:
            profiles = profiles.filter(department_id__in=subtree_ids(selected.pk))
    profiles = profiles.order_by(
        "department__order", "department__name", "position__level", "user__name"
    )
    unplaced = (
        User.objects.filter(pk__in=member_user_ids(request.institution))
        .exclude(pk__in=StaffProfile.objects.filter(is_active=True).values("user_id"))
        .order_by("name")
    )
    if q:
        unplaced = unplaced.filter(Q(name__icontains=q) | Q(email__icontains=q))
    return render(
        request,
        "groupware/directory.html",
        {
            "profiles": profiles,
            "unplaced": unplaced if not selected else [],
            "q": q,
            "departments": Department.objects.filter(is_active=True),
            "selected": selected,
            "active": "directory",
        },
    )


def _person(request, user_id: int):
    """A current member of this institution (404 otherwise) and their profile (or None)."""
    user = User.objects.filter(pk=user_id, pk__in=member_user_ids(request.institution)).first()
    if user is None:
        raise Http404
    profile = (
        StaffProfile.objects.select_related("department", "position", "rank")
        .filter(user=user)
        .first()
    )
    return user, profile


@workspace_view
def person(request, user_id: int):
    person_user, profile = _person(request, user_id)
    now = timezone.now()
    absence = (
        Absence.objects.filter(user=person_user, ends_at__gt=now)
        .select_related("deputy")
        .order_by("starts_at")
        .first()
    )
    can_edit = profile is not None and gw_access.can_edit_profile(
        request.user, request.institution, profile
    )
    return render(
        request,
        "groupware/person.html",
        {
            "person": person_user,
            "profile": profile,
            "absence": absence,
            "can_edit": can_edit or gw_access.can_manage_org(request.user, request.institution),
            "active": "directory",
        },
    )


@workspace_view
def person_vcard(request, user_id: int):
    """vCard 3.0 of a colleague, for phones and mail clients."""
    person_user, profile = _person(request, user_id)
    response = HttpResponse(
        vcard_for(person_user, profile, request.institution),
        content_type="text/vcard; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{person_user.pk}.vcf"'
    return response


@workspace_view
def person_photo(request, user_id: int):
    """A colleague's photo, for members of this institution only (stored under private/)."""
    from django.http import FileResponse

    _user, profile = _person(request, user_id)
    if profile is None or not profile.photo:
        raise Http404
    try:
        handle = profile.photo.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@workspace_view
@require_http_methods(["GET", "POST"])
def person_edit(request, user_id: int):
    """Admins edit a member's place in the chart; a member edits their own contact fields."""
    person_user, profile = _person(request, user_id)
    is_admin = gw_access.can_manage_org(request.user, request.institution)
    if not is_admin and person_user.pk != request.user.pk:
        raise PermissionDenied
    form_class = ProfileAdminForm if is_admin else ProfileSelfForm
    initial = {}
    if profile is not None:
        initial = {f: getattr(profile, f) for f in form_class.base_fields if f != "photo"}
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k != "photo"}
            changes = {
                k: (v or "") if k in ("extension", "duties") else v for k, v in changes.items()
            }
            if form.cleaned_data.get("photo"):
                changes["photo"] = form.cleaned_data["photo"]
            try:
                services.staff_profile_update(
                    actor=request.user, institution=request.institution, user=person_user, **changes
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("직원 정보를 저장했습니다."))
                return redirect("groupware:person", user_id=person_user.pk)
        return render(
            request,
            "groupware/person_edit.html",
            {"form": form, "person": person_user, "active": "directory"},
            status=400,
        )
    return render(
        request,
        "groupware/person_edit.html",
        {"form": form, "person": person_user, "active": "directory"},
    )


@workspace_view
def org_chart(request):
    """The whole tree with its people: readable on screen, printable on A4."""
    roots, by_id = department_tree()
    for profile in directory_profiles(request.institution).order_by(
        "position__level", "user__name"
    ):
        department = by_id.get(profile.department_id)
        if department is not None:
            department.tree_members.append(profile)
    return render(
        request,
        "groupware/org_chart.html",
        {"roots": roots, "printed_at": timezone.localtime(), "active": "org"},
    )


# --- departments (admins) ------------------------------------------------------


@workspace_view
@require_http_methods(["GET", "POST"])
def departments(request):
    if not gw_access.can_manage_org(request.user, request.institution):
        raise PermissionDenied
    form = DepartmentForm(request.POST or None, prefix="new")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.department_create(
                    actor=request.user,
                    institution=request.institution,
                    name=data["name"],
                    parent=data["parent"],
                    kind=data["kind"],
                    short_name=data["short_name"],
                    order=data["order"] or 0,
                    phone=data["phone"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("부서를 추가했습니다."))
                return redirect("groupware:departments")
        status = 400
    roots, _by_id = department_tree()
    return render(
        request,
        "groupware/departments.html",
        {"form": form, "roots": roots, "move_form": DepartmentMoveForm(), "active": "admin"},
        status=status,
    )


@workspace_view
@require_http_methods(["GET", "POST"])
def department_move(request, pk: int):
    if not gw_access.can_manage_org(request.user, request.institution):
        raise PermissionDenied
    department = get_object_or_404(Department, pk=pk)
    form = DepartmentMoveForm(request.POST or None, initial={"parent": department.parent_id})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.department_move(
                    actor=request.user,
                    institution=request.institution,
                    department=department,
                    parent=form.cleaned_data["parent"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("부서를 옮겼습니다."))
                return redirect("groupware:departments")
        return render(
            request,
            "groupware/department_move.html",
            {"form": form, "department": department, "active": "admin"},
            status=400,
        )
    return render(
        request,
        "groupware/department_move.html",
        {"form": form, "department": department, "active": "admin"},
    )


@workspace_view
@require_http_methods(["GET", "POST"])
def department_edit(request, pk: int):
    """Rename, reorder or stop using a department (admins)."""
    if not gw_access.can_manage_org(request.user, request.institution):
        raise PermissionDenied
    department = get_object_or_404(Department, pk=pk)
    fields = ("name", "short_name", "kind", "order", "phone", "is_active")
    form = DepartmentEditForm(
        request.POST or None, initial={f: getattr(department, f) for f in fields}
    )
    context = {"form": form, "department": department, "active": "admin"}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.department_update(
                    actor=request.user,
                    institution=request.institution,
                    department=department,
                    **{
                        k: v or "" if k in ("short_name", "phone") else v
                        for k, v in form.cleaned_data.items()
                    },
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("부서 정보를 저장했습니다."))
                return redirect("groupware:departments")
        return render(request, "groupware/department_edit.html", context, status=400)
    return render(request, "groupware/department_edit.html", context)


@workspace_view
@require_http_methods(["GET", "POST"])
def positions(request):
    """직위 and 직급 tables (admins)."""
    from groupware.forms import PositionForm, RankForm
    from groupware.models import Position, Rank

    if not gw_access.can_manage_org(request.user, request.institution):
        raise PermissionDenied
    which = request.POST.get("which", "")
    position_form = PositionForm(request.POST if which == "position" else None, prefix="pos")
    rank_form = RankForm(request.POST if which == "rank" else None, prefix="rank")
    status = 200
    if request.method == "POST":
        form = position_form if which == "position" else rank_form
        if form.is_valid():
            try:
                if which == "position":
                    services.position_create(
                        actor=request.user, institution=request.institution, **form.cleaned_data
                    )
                else:
                    services.rank_create(
                        actor=request.user, institution=request.institution, **form.cleaned_data
                    )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("추가했습니다."))
                return redirect("groupware:positions")
        status = 400
    return render(
        request,
        "groupware/positions.html",
        {
            "position_form": position_form,
            "rank_form": rank_form,
            "positions": Position.objects.all(),
            "ranks": Rank.objects.all(),
            "active": "admin",
        },
        status=status,
    )


# --- absences ------------------------------------------------------------------


@workspace_view
@require_http_methods(["GET", "POST"])
def absences(request):
    """Current and upcoming absences; record one (your own, or anyone's for admins)."""
    institution = request.institution
    is_admin = gw_access.can_manage_org(request.user, institution)
    form = AbsenceForm(request.POST or None, institution=institution, can_pick_user=is_admin)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.absence_create(
                    actor=request.user,
                    institution=institution,
                    user=data.get("user") or request.user,
                    kind=data["kind"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    deputy=data["deputy"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("부재를 등록했습니다."))
                return redirect("groupware:absences")
        status = 400
    now = timezone.now()
    rows = (
        Absence.objects.filter(ends_at__gt=now, user_id__in=member_user_ids(institution))
        .select_related("user", "deputy")
        .order_by("starts_at")
    )
    return render(
        request,
        "groupware/absences.html",
        {"form": form, "absences": rows, "is_admin": is_admin, "now": now, "active": "absences"},
        status=status,
    )


@workspace_view
@require_POST
def absence_delete(request, pk: int):
    absence = get_object_or_404(Absence, pk=pk)
    services.absence_delete(actor=request.user, institution=request.institution, absence=absence)
    messages.success(request, _("부재를 취소했습니다."))
    return redirect("groupware:absences")


# --- handover (인계인수) --------------------------------------------------------

HANDOVER_LABELS = {
    "approval": gettext_lazy("결재 대기 단계"),
    "invitations": gettext_lazy("응답 대기 중인 일정 초대"),
    "events": gettext_lazy("주관 중인 공유 일정"),
    "personal_events": gettext_lazy("개인 일정(예정)"),
    "deputies": gettext_lazy("대결자 지정"),
    "facility_bookings": gettext_lazy("시설 예약 담당"),
    "department_head": gettext_lazy("부서장 지정"),
}


@workspace_view
@require_http_methods(["GET", "POST"])
def handover(request):
    institution = request.institution
    if not gw_access.can_handover(request.user, institution):
        raise PermissionDenied
    form = HandoverForm(request.POST or None, institution=institution)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                moved = services.handover(
                    actor=request.user,
                    institution=institution,
                    from_user=data["from_user"],
                    to_user=data["to_user"],
                    reason=data["reason"],
                    deactivate_profile=data["deactivate_profile"],
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = 400
            else:
                result = [
                    (HANDOVER_LABELS.get(k, k), v if v is not None else _("연동 전(해당 없음)"))
                    for k, v in moved.items()
                ]
                messages.success(request, _("인계인수를 마쳤습니다."))
        else:
            status = 400
    return render(
        request,
        "groupware/handover.html",
        {"form": form, "result": result, "active": "admin"},
        status=status,
    )


# --- internal rooms and vehicles -------------------------------------------------


def _parse_day(value: str):
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar date
    except (TypeError, ValueError):
        return timezone.localdate()
    return day if 1900 <= day.year <= 2200 else timezone.localdate()


@workspace_view
@require_http_methods(["GET", "POST"])
def resources(request):
    """회의실·차량 예약: internal facilities, the day's bookings, book through the engine."""
    from groupware.forms_booking import InternalBookingForm

    day = _parse_day(request.GET.get("date", ""))
    facilities = list(booking.internal_facilities(request))
    form = InternalBookingForm(request.POST or None, facilities=facilities, initial={"date": day})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                reservation = booking.request_booking(
                    request,
                    facility=data["facility"],
                    start=data["start"],
                    end=data["end"],
                    purpose=data["purpose"],
                    headcount=data["headcount"] or 1,
                )
            except ValidationError as error:
                # the engine names its fields start/end; the form splits them into time inputs
                apply_errors(form, booking.form_error(error))
                status = 409 if booking.is_conflict(error) else 400
            except RuntimeError:
                form.add_error(
                    None, _("예약 기능을 준비하고 있습니다. 잠시 후 다시 시도해 주세요.")
                )
                status = 503
            else:
                label = getattr(reservation, "get_status_display", lambda: "")()
                messages.success(
                    request,
                    _("%(facility)s 예약을 신청했습니다. (%(status)s)")
                    % {"facility": data["facility"].name, "status": label},
                )
                return redirect(f"{request.path}?date={data['start']:%Y-%m-%d}")
        else:
            status = 400
        # a refused booking shows the day it asked for, so another free time can be picked
        asked = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
        if asked and 1900 <= asked.year <= 2200:
            day = asked
    day_start = timezone.make_aware(datetime.combine(day, time.min))
    rows = booking.bookings_between(
        request, day_start, day_start + timedelta(days=1), internal_only=True
    )
    by_facility: dict = {f.pk: [] for f in facilities}
    for row in rows or []:
        by_facility.setdefault(row.facility_id, []).append(row)
    return render(
        request,
        "groupware/resources.html",
        {
            "facilities": [(f, by_facility.get(f.pk, [])) for f in facilities],
            "day": day,
            "prev_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "form": form,
            "engine_ready": booking.available(),
            "mine": booking.my_bookings(request, timezone.now()),
            "active": "resources",
        },
        status=status,
    )


@workspace_view
@require_POST
def resource_cancel(request, reservation_id: int):
    try:
        booking.cancel_booking(request, reservation_id, reason=_("직원 본인 취소"))
    except RuntimeError:
        messages.error(request, _("예약 취소 기능을 준비하고 있습니다."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("예약을 취소했습니다."))
    return redirect("groupware:resources")
