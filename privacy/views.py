"""Pages: the published 처리방침 (everyone, every host) and the privacy admin pages —
institution admins on their host (/manage/privacy/), the operator on the apex
(/console/privacy/) — over the same tables in the current schema."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from privacy import access_log, policy, retention
from privacy.forms import AccessSearchForm, MonthForm, PolicyForm
from privacy.masking import mask_email
from privacy.models import AccessRecord, DestructionRecord, PolicyVersion

# --- public ----------------------------------------------------------------------------


def policy_view(request, version: int | None = None):
    """The policy in effect (or an older version), with every version listed."""
    versions = list(PolicyVersion.objects.order_by("-version"))
    if version is None:
        shown = policy.current()
    else:
        shown = next((v for v in versions if v.version == version), None)
        if shown is None:
            raise Http404
    return render(
        request,
        "privacy/policy.html",
        {
            "shown": shown,
            "versions": versions,
            "default_body": None if shown else policy.default_text(request.institution),
            "today": timezone.localdate(),
        },
    )


# --- admin -----------------------------------------------------------------------------


def admin_required(view):
    """Institution admins on their host; the platform operator on the apex.

    Anonymous → log-in; residents and other institutions' staff → 404; staff → 403.
    """

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        institution = getattr(request, "institution", None)
        if institution is None:
            if not request.user.is_platform_operator:
                raise PermissionDenied
        else:
            # Outsiders (residents, other institutions' staff) 404; staff without the role 403.
            access.require(access.is_institution_admin, request.user, institution)
        return view(request, *args, **kwargs)

    return wrapped


def _ctx(request, active: str, **extra):
    return {"active": active, "on_console": request.institution is None, **extra}


@admin_required
def overview(request):
    chain = access_log.verify_chain()
    month_ago = timezone.now() - dt.timedelta(days=30)
    return render(
        request,
        "privacy/admin/overview.html",
        _ctx(
            request,
            "overview",
            policy=policy.current(),
            chain=chain,
            recent=AccessRecord.objects.filter(at__gte=month_ago).count(),
            flagged=AccessRecord.objects.filter(at__gte=month_ago, flagged=True).count(),
            destructions=DestructionRecord.objects.all()[:5],
            retention_rows=retention.settings_rows(),
        ),
    )


@admin_required
@require_http_methods(["GET", "POST"])
def policy_edit(request):
    latest = PolicyVersion.objects.order_by("-version").first()
    initial = {
        "title": latest.title if latest else _("개인정보 처리방침"),
        "body": latest.body if latest else policy.default_text(request.institution),
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        version = policy.policy_publish(
            actor=request.user,
            title=d["title"],
            body=d["body"],
            summary=d["summary"],
            effective_on=d["effective_on"],
        )
        messages.success(
            request,
            _("처리방침 %(v)d판을 게시했습니다 (시행일 %(d)s).")
            % {"v": version.version, "d": version.effective_on.strftime("%Y. %-m. %-d.")},
        )
        return redirect("privacy_admin:policy")
    return render(
        request,
        "privacy/admin/policy.html",
        _ctx(request, "policy", form=form, versions=PolicyVersion.objects.order_by("-version")),
        status=400 if request.method == "POST" else 200,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def retention_view(request):
    errors = {}
    if request.method == "POST":
        for row in retention.settings_rows():
            key = row["kind"].key
            raw = (request.POST.get(f"days_{key}") or "").strip()
            if not raw or raw == str(row["days"]):
                continue
            try:
                retention.retention_set(actor=request.user, key=key, days=int(raw))
            except (ValueError, OverflowError):
                errors[key] = _("보유 기간은 숫자(일)로 입력해 주세요.")
            except ValidationError as error:
                errors[key] = error.messages[0]
        if not errors:
            messages.success(request, _("보유 기간을 저장했습니다."))
            return redirect("privacy_admin:retention")
    return render(
        request,
        "privacy/admin/retention.html",
        _ctx(
            request, "retention", rows=retention.settings_rows(), errors=errors, posted=request.POST
        ),
        status=400 if errors else 200,
    )


@admin_required
@require_POST
def destroy_now(request):
    done = retention.destroy_due(actor=request.user)
    total = sum(done.values())
    messages.success(request, _("보유 기간이 지난 개인정보 %(n)d건을 파기했습니다.") % {"n": total})
    return redirect("privacy_admin:destructions")


@admin_required
def destructions(request):
    page = Paginator(DestructionRecord.objects.all(), 50).get_page(request.GET.get("page"))
    return render(
        request, "privacy/admin/destructions.html", _ctx(request, "destructions", page=page)
    )


def _people(ids) -> dict[int, object]:
    User = get_user_model()
    return {u.pk: u for u in User.objects.filter(pk__in={i for i in ids if i})}


def _search(form: AccessSearchForm):
    records = AccessRecord.objects.all()
    if not form.is_valid():
        return records
    d = form.cleaned_data
    if d.get("date_from"):
        records = records.filter(at__date__gte=d["date_from"])
    if d.get("date_to"):
        records = records.filter(at__date__lte=d["date_to"])
    if d.get("action"):
        records = records.filter(action=d["action"])
    if d.get("target"):
        records = records.filter(target__icontains=d["target"].strip())
    if d.get("flagged"):
        records = records.filter(flagged=True)
    if d.get("actor"):
        term = d["actor"].strip()
        User = get_user_model()
        ids = User.objects.filter(Q(name__icontains=term) | Q(email__icontains=term)).values("pk")
        records = records.filter(actor_id__in=ids)
    return records


@admin_required
def access_records(request):
    return _access_page(request)


def _access_page(request, month_form=None):
    """The search page; with ``month_form`` (a refused report month) its error shown."""
    form = AccessSearchForm(request.GET if month_form is None else None)
    records = _search(form).order_by("-seq")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    people = _people(r.actor_id for r in page)
    rows = [{"r": r, "actor": people.get(r.actor_id)} for r in page]
    today = timezone.localdate()
    return render(
        request,
        "privacy/admin/access.html",
        _ctx(
            request,
            "access",
            form=form,
            page=page,
            rows=rows,
            chain=access_log.verify_chain(),
            month_form=month_form or MonthForm(initial={"month": f"{today:%Y-%m}"}),
        ),
        status=400 if month_form is not None or (form.is_bound and not form.is_valid()) else 200,
    )


@admin_required
def access_report(request):
    """월간 접속기록 점검 보고서 (CSV, UTF-8 with BOM for Excel); the download is recorded too."""
    form = MonthForm(request.GET or None)
    if not form.is_valid():
        # The search page again, the error beside the month field.
        return _access_page(request, month_form=form)
    year, month = (int(p) for p in form.cleaned_data["month"].split("-"))
    start = timezone.make_aware(dt.datetime(year, month, 1))
    end = start + dt.timedelta(days=calendar.monthrange(year, month)[1])
    records = list(AccessRecord.objects.filter(at__gte=start, at__lt=end).order_by("seq"))
    people = _people(r.actor_id for r in records)
    chain = access_log.verify_chain()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-report-{year}-{month:02d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [_("개인정보 접속기록 월간 점검"), f"{year}. {month}.", _("기록 수"), len(records)]
    )
    writer.writerow(
        [
            _("대량 조회·내보내기"),
            sum(1 for r in records if r.flagged),
            _("무결성"),
            _("정상")
            if chain.intact
            else _("%(seq)d번 기록부터 불일치") % {"seq": chain.broken_at},
        ]
    )
    writer.writerow([])
    writer.writerow(
        [
            _("순번"),
            _("일시"),
            _("직원"),
            _("IP"),
            _("작업"),
            _("대상"),
            _("정보주체"),
            _("목적"),
            _("건수"),
            _("대량"),
            _("해시"),
        ]
    )
    for r in records:
        actor = people.get(r.actor_id)
        writer.writerow(
            [
                r.seq,
                timezone.localtime(r.at).strftime("%Y. %-m. %-d. %H:%M:%S"),
                f"{actor.name} ({mask_email(actor.email)})" if actor else "-",
                r.ip_address or "",
                r.get_action_display(),
                r.target,
                r.subject_id or "",
                r.purpose,
                r.row_count,
                "Y" if r.flagged else "",
                r.hash[:16],
            ]
        )
    access_log.record_request(
        request,
        action=AccessRecord.Action.DOWNLOAD,
        target=f"privacy.access_report:{year}-{month:02d}",
        purpose=_("접속기록 월간 점검"),
        row_count=len(records),
    )
    return response
