"""Platform console views (apex host): operators only. Thin: tenants.services decides."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_exists

from privacy.public import record_access
from suite.queue import queue_stats
from tenants import services
from tenants.errors import LifecycleError
from tenants.forms import AuditFilterForm, DeleteForm, OnboardForm, ReasonForm
from tenants.models import Institution, PlatformAuditEvent
from tenants.provisioning import institution_stats, spare_status


def operator_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_platform_operator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _with_member_counts(queryset):
    return queryset.annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True)
    )


def _form_error(form, error: Exception) -> None:
    """Put a service refusal next to the right field (or on top of the form)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(error, LifecycleError):
        form.add_error(None, error.message)
    else:
        form.add_error(None, error)


_RULE_FIELDS = ("slug", "name", "short_name", "admin_email", "custom_domain")


def _rule_errors_too(form) -> None:
    """The form failed on its own checks (a required field left empty…): also show the
    service's verdict on the other fields (a bad or taken slug, a taken domain), so every
    problem appears at once instead of one round at a time. Nothing is created here."""
    cleaned = getattr(form, "cleaned_data", {})
    data = {f: cleaned.get(f, (form.data.get(f) or "").strip()) for f in _RULE_FIELDS}
    try:
        services.validated_institution(**data, profile={})
    except ValidationError as error:
        for field, errors in error.error_dict.items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, errors)


@operator_required
def institution_list(request):
    """Every institution with status, members, facilities, bookings, size and age."""
    status = request.GET.get("status", "")
    institutions = _with_member_counts(Institution.objects.prefetch_related("domains"))
    if status in Institution.Status.values:
        institutions = institutions.filter(status=status)
    institutions = list(institutions.order_by("name"))
    stats = institution_stats(institutions)
    rows = [(i, stats.get(i.schema_name, {})) for i in institutions]
    totals = {
        "count": len(institutions),
        "active": sum(1 for i in institutions if i.status == Institution.Status.ACTIVE),
        "size": sum(s.get("size", 0) for _i, s in rows),
    }
    return render(
        request,
        "console/institutions.html",
        {
            "rows": rows,
            "totals": totals,
            "status": status,
            "statuses": Institution.Status.choices,
            "queue": queue_stats(),  # the task queue: waiting, oldest, running, workers
            "spares": spare_status(),  # spare schemas ready for the next onboardings
        },
    )


@operator_required
def institution_new(request):
    form = OnboardForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        _rule_errors_too(form)
    elif request.method == "POST":
        try:
            institution = services.institution_onboard(actor=request.user, **form.cleaned_data)
        except (ValidationError, LifecycleError) as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s 기관을 만들었습니다: %(url)s")
                % {"name": institution.name, "url": institution.absolute_url()},
            )
            return redirect("console:detail", slug=institution.slug)
    return render(request, "console/new.html", {"form": form})


def _detail_context(institution, **forms):
    stats = institution_stats([institution]).get(institution.schema_name, {})
    return {
        "i": institution,
        "stats": stats,
        "schema_present": schema_exists(institution.schema_name),
        "domains": institution.domains.all(),
        "events": PlatformAuditEvent.objects.filter(institution=institution).select_related(
            "actor"
        )[:50],
        "exports": PlatformAuditEvent.objects.filter(
            institution=institution, action=PlatformAuditEvent.Action.EXPORT
        )[:10],
        "last_export": services.last_export(institution),
        "status_form": forms.get("status_form") or ReasonForm(),
        "delete_form": forms.get("delete_form") or DeleteForm(institution=institution),
    }


def _get(slug: str) -> Institution:
    return get_object_or_404(_with_member_counts(Institution.objects.all()), slug=slug)


@operator_required
def institution_detail(request, slug):
    institution = _get(slug)
    return render(request, "console/detail.html", _detail_context(institution))


def _status_change(request, slug, service, done_message):
    institution = _get(slug)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, institution=institution, reason=form.cleaned_data["reason"])
        except (ValidationError, LifecycleError) as error:
            _form_error(form, error)
        else:
            messages.success(request, done_message % {"name": institution.name})
            return redirect("console:detail", slug=slug)
    return render(
        request,
        "console/detail.html",
        _detail_context(institution, status_form=form),
        status=400,
    )


@operator_required
@require_POST
def institution_suspend(request, slug):
    return _status_change(
        request, slug, services.institution_suspend, _("%(name)s 기관을 이용 정지했습니다.")
    )


@operator_required
@require_POST
def institution_reactivate(request, slug):
    return _status_change(
        request, slug, services.institution_reactivate, _("%(name)s 기관을 다시 열었습니다.")
    )


@operator_required
@require_POST
def institution_export(request, slug):
    """Write the archive (kept under var/exports, recorded) and download it."""
    institution = _get(slug)
    try:
        result = services.institution_export(
            actor=request.user, institution=institution, reason=request.POST.get("reason", "")
        )
    except LifecycleError as error:
        messages.error(request, error.message)
        return redirect("console:detail", slug=slug)
    # The archive holds the institution's residents' and staff's personal data.
    record_access(
        request,
        action="export",
        target=f"tenants.institution:{institution.slug}:export",
        purpose=_("기관 데이터 내보내기"),
    )
    return FileResponse(result.path.open("rb"), as_attachment=True, filename=result.path.name)


@operator_required
def export_download(request, slug, event_id):
    """Download an earlier export of this institution, if its file is still there."""
    institution = _get(slug)
    event = get_object_or_404(
        PlatformAuditEvent,
        pk=event_id,
        institution=institution,
        action=PlatformAuditEvent.Action.EXPORT,
    )
    path = Path(event.details.get("file", ""))
    if not path.is_file() or path.resolve().parent != services.export_dir().resolve():
        raise Http404
    record_access(
        request,
        action="download",
        target=f"tenants.institution:{institution.slug}:export:{event.pk}",
        purpose=_("기관 데이터 내보내기"),
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@operator_required
@require_POST
def institution_delete(request, slug):
    institution = _get(slug)
    form = DeleteForm(request.POST, institution=institution)
    if form.is_valid():
        try:
            services.institution_delete(
                actor=request.user,
                institution=institution,
                reason=form.cleaned_data["reason"],
                force=form.cleaned_data["force"],
            )
        except (ValidationError, LifecycleError) as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s 기관을 보관(삭제) 처리했습니다. 기관 주소는 이제 410으로 응답합니다.")
                % {"name": institution.name},
            )
            return redirect("console:detail", slug=slug)
    return render(
        request,
        "console/detail.html",
        _detail_context(institution, delete_form=form),
        status=400,
    )


@operator_required
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = PlatformAuditEvent.objects.select_related("actor", "institution")
    if form.is_valid():
        if form.cleaned_data["institution"]:
            events = events.filter(institution_slug=form.cleaned_data["institution"])
        if form.cleaned_data["action"]:
            events = events.filter(action=form.cleaned_data["action"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "console/audit.html", {"form": form, "page": page})
