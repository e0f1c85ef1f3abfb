"""Org chart pages: directory and people, the chart, departments and positions (admins),
absences, handover (admins)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import staff_page
from accounts.models import User
from groupware.org import permissions as gw_access
from groupware.org import services
from groupware.org.forms import (
    AbsenceForm,
    DepartmentEditForm,
    DepartmentForm,
    DepartmentMoveForm,
    HandoverForm,
    PositionForm,
    ProfileAdminForm,
    ProfileSelfForm,
    RankForm,
)
from groupware.org.models import Absence, Department, Position, Rank, StaffProfile
from groupware.org.selectors import (
    department_tree,
    directory_profiles,
    member_user_ids,
    subtree_ids,
)
from groupware.org.vcard import vcard_for
from suite.forms import apply_errors

# --- directory -----------------------------------------------------------------


def _saved(request, form, save, message) -> bool:
    """On a POST with a valid form, call ``save``; True when it stored (a success message
    is queued), False with the service's Korean errors put next to the fields."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, message)
    return True


def _status(request) -> int:
    """A page shown again after a POST was refused: 400."""
    return 400 if request.method == "POST" else 200


@staff_page()
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


@staff_page()
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


@staff_page()
def person_vcard(request, user_id: int):
    """vCard 3.0 of a colleague, for phones and mail clients."""
    person_user, profile = _person(request, user_id)
    response = HttpResponse(
        vcard_for(person_user, profile, request.institution),
        content_type="text/vcard; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{person_user.pk}.vcf"'
    return response


@staff_page()
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


@staff_page()
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

    def save():
        changes = {
            k: (v or "") if k in ("extension", "duties") else v
            for k, v in form.cleaned_data.items()
            if k != "photo"
        }
        if form.cleaned_data.get("photo"):
            changes["photo"] = form.cleaned_data["photo"]
        services.staff_profile_update(
            actor=request.user, institution=request.institution, user=person_user, **changes
        )

    if _saved(request, form, save, _("직원 정보를 저장했습니다.")):
        return redirect("groupware:person", user_id=person_user.pk)
    context = {"form": form, "person": person_user, "active": "directory"}
    return render(request, "groupware/person_edit.html", context, status=_status(request))


@staff_page()
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


@staff_page(gw_access.can_manage_org)
@require_http_methods(["GET", "POST"])
def departments(request):
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


@staff_page(gw_access.can_manage_org)
@require_http_methods(["GET", "POST"])
def department_move(request, pk: int):
    department = get_object_or_404(Department, pk=pk)
    form = DepartmentMoveForm(request.POST or None, initial={"parent": department.parent_id})

    def save():
        services.department_move(
            actor=request.user,
            institution=request.institution,
            department=department,
            parent=form.cleaned_data["parent"],
        )

    if _saved(request, form, save, _("부서를 옮겼습니다.")):
        return redirect("groupware:departments")
    context = {"form": form, "department": department, "active": "admin"}
    return render(request, "groupware/department_move.html", context, status=_status(request))


@staff_page(gw_access.can_manage_org)
@require_http_methods(["GET", "POST"])
def department_edit(request, pk: int):
    """Rename, reorder or stop using a department (admins)."""
    department = get_object_or_404(Department, pk=pk)
    fields = ("name", "short_name", "kind", "order", "phone", "is_document_office", "is_active")
    form = DepartmentEditForm(
        request.POST or None, initial={f: getattr(department, f) for f in fields}
    )

    def save():
        services.department_update(
            actor=request.user,
            institution=request.institution,
            department=department,
            **{
                k: v or "" if k in ("short_name", "phone") else v
                for k, v in form.cleaned_data.items()
            },
        )

    if _saved(request, form, save, _("부서 정보를 저장했습니다.")):
        return redirect("groupware:departments")
    context = {"form": form, "department": department, "active": "admin"}
    return render(request, "groupware/department_edit.html", context, status=_status(request))


@staff_page(gw_access.can_manage_org)
@require_http_methods(["GET", "POST"])
def positions(request):
    """직위 and 직급 tables (admins)."""
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


@staff_page()
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


@staff_page()
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


@staff_page(gw_access.can_handover)
@require_http_methods(["GET", "POST"])
def handover(request):
    institution = request.institution
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
