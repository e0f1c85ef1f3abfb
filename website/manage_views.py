"""Editing the public site: pages (draft → publish), settings, job postings,
disclosures, files (institution admins), and the 원문정보공개 desk (departments)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from suite.forms import apply_errors
from website import permissions, services
from website.forms import DisclosureForm, JobForm, PageForm, SettingsForm
from website.models import (
    Disclosure,
    JobPosting,
    OpenDocument,
    Page,
    SiteEvent,
    SiteFile,
    SiteSettings,
)

editor = permissions.staff_view(permissions.can_edit_site)
document_desk = permissions.staff_view(permissions.can_open_documents)


def _events(item):
    return SiteEvent.objects.filter(item_type=item._meta.model_name, item_id=item.pk)[:20]


@editor
def index(request):
    return render(
        request,
        "website/manage/index.html",
        {
            "pages": Page.objects.order_by("section", "order", "id"),
            "jobs": JobPosting.objects.order_by("-created_at")[:50],
            "disclosures": Disclosure.objects.order_by("-created_at")[:50],
            "now": timezone.now(),
        },
    )


@editor
@require_http_methods(["GET", "POST"])
def settings_edit(request):
    site = SiteSettings.current()
    form = SettingsForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(
                actor=request.user, institution=request.institution, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("홈페이지 설정을 저장했습니다."))
            return redirect("website:manage_settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "website/manage/settings.html", {"form": form}, status=status)


def _save(request, form, save, publish, **target):
    """Save, attach the files and (when asked) publish in one transaction: a refused
    file or value leaves nothing stored. Returns the saved item or None (errors on the form)."""
    data = {k: v for k, v in form.cleaned_data.items() if k != "files"}
    try:
        with transaction.atomic():
            item = save(actor=request.user, institution=request.institution, **target, **data)
            files = form.cleaned_data.get("files") or []
            if files:
                services.files_add(
                    actor=request.user, institution=request.institution, parent=item, files=files
                )
            if request.POST.get("publish"):
                key = {Page: "page", JobPosting: "job", Disclosure: "disclosure"}[type(item)]
                publish(actor=request.user, institution=request.institution, **{key: item})
    except ValidationError as error:
        apply_errors(form, error)
        return None
    return item


@editor
@require_http_methods(["GET", "POST"])
def page_edit(request, pk: int | None = None):
    page = get_object_or_404(Page, pk=pk) if pk is not None else None
    initial = (
        {
            "section": page.section,
            "title": page.title,
            "slug": page.slug,
            "body": page.body,
            "order": page.order,
        }
        if page
        else {"section": request.GET.get("section", Page.Section.BUSINESS)}
    )
    form = PageForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, services.page_save, services.page_publish, page=page)
        if saved is not None:
            if request.POST.get("publish"):
                messages.success(request, _("게시했습니다. 통합 포털 검색에도 곧 나타납니다."))
            else:
                messages.success(request, _("임시 저장했습니다. 게시해야 홈페이지에 보입니다."))
            return redirect("website:manage_page", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "website/manage/page_form.html",
        {"form": form, "page": page, "events": _events(page) if page else []},
        status=status,
    )


PAGE_ACTIONS = {
    "publish": (services.page_publish, _("게시했습니다. 통합 포털 검색에도 곧 나타납니다.")),
    "unpublish": (services.page_unpublish, _("게시를 중단했습니다.")),
    "delete": (services.page_delete, _("삭제했습니다.")),
}


def _act(request, actions, action, **target):
    if action not in actions:
        raise Http404
    function, done = actions[action]
    try:
        function(actor=request.user, institution=request.institution, **target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, str(done))
    return action != "delete"


@editor
@require_POST
def page_action(request, pk: int, action: str):
    page = get_object_or_404(Page, pk=pk)
    if _act(request, PAGE_ACTIONS, action, page=page) or action != "delete":
        return redirect("website:manage_page", pk=pk)
    return redirect("website:manage")


def _job_initial(job):
    if job is None:
        return {}
    local = timezone.localtime
    return {
        "title": job.title,
        "department": job.department,
        "employment_type": job.employment_type,
        "positions": job.positions,
        "opens_at": local(job.opens_at) if job.opens_at else None,
        "closes_at": local(job.closes_at),
        "body": job.body,
        "how_to_apply": job.how_to_apply,
        "contact": job.contact,
    }


@editor
@require_http_methods(["GET", "POST"])
def job_edit(request, pk: int | None = None):
    job = get_object_or_404(JobPosting, pk=pk) if pk is not None else None
    form = JobForm(request.POST or None, request.FILES or None, initial=_job_initial(job))
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, services.job_save, services.job_publish, job=job)
        if saved is not None:
            messages.success(request, _("저장했습니다."))
            return redirect("website:manage_job", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "website/manage/job_form.html",
        {"form": form, "job": job, "events": _events(job) if job else []},
        status=status,
    )


JOB_ACTIONS = {
    "publish": (services.job_publish, _("게시했습니다. 통합 포털 검색에도 곧 나타납니다.")),
    "unpublish": (services.job_unpublish, _("게시를 중단했습니다.")),
    "delete": (services.job_delete, _("삭제했습니다.")),
}


@editor
@require_POST
def job_action(request, pk: int, action: str):
    job = get_object_or_404(JobPosting, pk=pk)
    if _act(request, JOB_ACTIONS, action, job=job) or action != "delete":
        return redirect("website:manage_job", pk=pk)
    return redirect("website:manage")


@editor
@require_http_methods(["GET", "POST"])
def disclosure_edit(request, pk: int | None = None):
    item = get_object_or_404(Disclosure, pk=pk) if pk is not None else None
    initial = (
        {"category": item.category, "title": item.title, "year": item.year, "body": item.body}
        if item
        else {}
    )
    form = DisclosureForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request, form, services.disclosure_save, services.disclosure_publish, disclosure=item
        )
        if saved is not None:
            messages.success(request, _("저장했습니다."))
            return redirect("website:manage_disclosure", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "website/manage/disclosure_form.html",
        {"form": form, "item": item, "events": _events(item) if item else []},
        status=status,
    )


DISCLOSURE_ACTIONS = {
    "publish": (services.disclosure_publish, _("게시했습니다.")),
    "unpublish": (services.disclosure_unpublish, _("게시를 중단했습니다.")),
    "delete": (services.disclosure_delete, _("삭제했습니다.")),
}


@editor
@require_POST
def disclosure_action(request, pk: int, action: str):
    item = get_object_or_404(Disclosure, pk=pk)
    if _act(request, DISCLOSURE_ACTIONS, action, disclosure=item) or action != "delete":
        return redirect("website:manage_disclosure", pk=pk)
    return redirect("website:manage")


@editor
@require_POST
def file_remove(request, pk: int):
    item = get_object_or_404(SiteFile, pk=pk)
    parent = item.parent
    services.file_remove(actor=request.user, institution=request.institution, site_file=item)
    messages.success(request, _("파일을 삭제했습니다."))
    target = {
        Page: "website:manage_page",
        JobPosting: "website:manage_job",
        Disclosure: "website:manage_disclosure",
    }
    return redirect(target[type(parent)], pk=parent.pk)


# -- 원문정보공개 desk ------------------------------------------------------------------


def _publishable_documents(user, institution):
    """Approved 공개 documents this person may publish: their departments' (all for admins)."""
    from accounts import access
    from groupware.approval.public import Disclosure as DocDisclosure
    from groupware.approval.public import Document, State
    from groupware.public import StaffProfile

    documents = Document.objects.filter(state=State.APPROVED, disclosure=DocDisclosure.PUBLIC)
    if not access.is_institution_admin(user, institution):
        departments = StaffProfile.objects.filter(user_id=user.pk, is_active=True).values_list(
            "department_id", flat=True
        )
        documents = documents.filter(department_id__in=list(departments))
    return documents.order_by("-approved_at", "-id")


@document_desk
def documents(request):
    documents_qs = _publishable_documents(request.user, request.institution)[:200]
    published = {o.document_id: o for o in OpenDocument.objects.all()}
    rows = [{"document": d, "open": published.get(d.pk)} for d in documents_qs]
    return render(request, "website/manage/documents.html", {"rows": rows})


@document_desk
@require_POST
def document_publish(request, pk: int):
    document = _publishable_documents(request.user, request.institution).filter(pk=pk).first()
    if document is None:
        raise Http404
    try:
        services.open_document_publish(
            actor=request.user, institution=request.institution, document=document
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("원문을 홈페이지에 공개했습니다."))
    return _back(request, "website:manage_documents")


def _back(request, default: str):
    """To ``next`` (a path on this host: the approval document the action came from), else
    ``default``."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@document_desk
@require_POST
def document_withdraw(request, pk: int):
    item = get_object_or_404(OpenDocument, pk=pk)
    if not permissions.can_publish_document(request.user, request.institution, item.document):
        raise Http404
    services.open_document_withdraw(actor=request.user, institution=request.institution, item=item)
    messages.success(request, _("원문 공개를 철회했습니다."))
    return _back(request, "website:manage_documents")
