"""The institution's own pages: public home, and the admin's member/profile/audit pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.models import Membership
from institution import services
from institution.audit_labels import action_label
from institution.forms import ActiveForm, InstitutionProfileForm, InviteForm, RoleForm
from institution.models import AuditEvent
from suite.forms import apply_errors


def home(request):
    """The institution's front page: for residents its facilities and notices, for staff the workspace."""
    institution = request.institution
    if access.is_member(request.user, institution):
        return redirect("groupware:dashboard")
    return render(request, "institution/home.html", {"sections": _public_sections(request)})


def _public_sections(request):
    """Blocks other apps contribute to the public home (facilities, notices)."""
    sections = []
    from facility_booking.public import home_section as facilities_section
    from groupware.boards.public import home_section as notices_section

    for home_section in (facilities_section, notices_section):
        section = home_section(request)
        if section:
            sections.append(section)
    return sections


# Institution admins only (accounts.access.staff_page): anonymous → log-in, residents and
# other institutions' staff → 404, members who are not admins → 403 saying who may.
admin_required = access.staff_page(
    access.can_manage_members, reason=gettext_lazy("기관 관리자만 할 수 있습니다.")
)


@admin_required
def manage_home(request):
    """/manage/ (the address the README and people type): the admin's first page."""
    return redirect("institution:members")


@admin_required
@require_http_methods(["GET", "POST"])
def members(request):
    """List members; invite someone new."""
    institution = request.institution
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.member_invite(
                    actor=request.user, institution=institution, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("%(email)s 님에게 초대 메일을 보냈습니다.") % form.cleaned_data
                )
                return redirect("institution:members")
        status = 400
    query = request.GET.get("q", "").strip()
    rows = (
        Membership.objects.filter(institution=institution)
        .select_related("user")
        .order_by("-is_active", "user__name")
    )
    if query:
        rows = rows.filter(user__name__icontains=query) | rows.filter(user__email__icontains=query)
    return render(
        request,
        "institution/members.html",
        {"form": form, "members": rows, "q": query, "role_form": RoleForm()},
        status=status,
    )


def _membership_or_404(request, membership_id):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Membership, pk=membership_id, institution=request.institution)


@admin_required
@require_POST
def member_role(request, membership_id: int):
    _membership_or_404(request, membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.member_change_role(
                actor=request.user,
                institution=request.institution,
                membership_id=membership_id,
                role=form.cleaned_data["role"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("역할을 변경했습니다."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("역할을 선택해 주세요."))
    return _back_to_members(request)


@admin_required
@require_POST
def member_active(request, membership_id: int):
    _membership_or_404(request, membership_id)
    form = ActiveForm(request.POST)
    form.is_valid()
    active = bool(form.cleaned_data.get("active"))
    try:
        services.member_set_active(
            actor=request.user,
            institution=request.institution,
            membership_id=membership_id,
            active=active,
            reason=form.cleaned_data.get("reason", ""),
        )
        messages.success(
            request,
            _("구성원을 다시 활성화했습니다.") if active else _("구성원을 비활성화했습니다."),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_members(request)


def _back_to_members(request):
    """Back to the member list after a change, with the search it was showing."""
    from django.urls import reverse
    from django.utils.http import urlencode

    query = (request.POST.get("q") or "").strip()[:100]
    url = reverse("institution:members")
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@admin_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Edit the institution's names, contact and logo."""
    institution = request.institution
    form = InstitutionProfileForm(request.POST or None, request.FILES or None, instance=institution)
    if request.method == "POST":
        if form.is_valid():
            changes = {f: form.cleaned_data[f] for f in form.changed_data}
            # the form mutated the instance; reload before the service applies the changes
            institution.refresh_from_db()
            try:
                services.institution_update_profile(
                    actor=request.user, institution=institution, **changes
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("기관 정보를 저장했습니다."))
                return redirect("institution:profile")
        return render(request, "institution/profile.html", {"form": form}, status=400)
    return render(request, "institution/profile.html", {"form": form})


@admin_required
def audit_log(request):
    """The institution's audit log, newest first, filterable by action, person and dates;
    each action described in words in the reader's language (never its raw code)."""
    events = AuditEvent.objects.all()
    action = request.GET.get("action", "").strip()[:60]
    if action:
        events = events.filter(action=action)
    actor = request.GET.get("actor", "").strip()[:100]
    if actor:
        events = events.filter(actor_label__icontains=actor)
    since, until = _day(request.GET.get("from")), _day(request.GET.get("to"))
    if since:
        events = events.filter(created_at__date__gte=since)
    if until:
        events = events.filter(created_at__date__lte=until)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page:
        event.label = action_label(event.action)
    codes = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    actions = sorted(((code, action_label(code)) for code in codes), key=lambda a: a[1])
    return render(
        request,
        "institution/audit_log.html",
        {
            "page": page,
            "action": action,
            "actor": actor,
            "since": since,
            "until": until,
            "actions": actions,
        },
    )


def _day(value):
    """?from= / ?to= as a date (YYYY-MM-DD), else None."""
    import datetime as dt

    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
