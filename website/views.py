"""The institution's public site (its own host): 기관소개, 사업안내, 공지사항, 채용,
경영공시·정보공개, 원문정보공개. Anyone may read what is published; a draft is a 404
except to editors previewing it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from website import permissions
from website.models import (
    Disclosure,
    JobPosting,
    OpenDocument,
    Page,
    SiteFile,
    SiteSettings,
    Status,
)


def _published_pages(section):
    return Page.objects.filter(section=section, status=Status.PUBLISHED).order_by("order", "id")


def _render(request, template, context=None, **kwargs):
    context = context or {}
    context.setdefault("site", SiteSettings.current())
    context.setdefault(
        "can_edit_site", permissions.can_edit_site(request.user, request.institution)
    )
    return render(request, f"website/{template}", context, **kwargs)


@require_GET
def about(request):
    """기관소개: greeting and history (published pages 'greeting', 'history') and other about pages."""
    pages = list(_published_pages(Page.Section.ABOUT))
    return _render(request, "about.html", {"pages": pages, "nav": "about"})


def _department_tree(show_staff: bool):
    from groupware.public import Department, StaffProfile

    departments = list(Department.objects.filter(is_active=True).order_by("order", "name"))
    staff: dict[int, list] = {}
    if show_staff:
        for profile in (
            StaffProfile.objects.filter(is_active=True, department__isnull=False)
            .select_related("position", "user")
            .order_by("position__level", "id")
        ):
            staff.setdefault(profile.department_id, []).append(profile)
    children: dict[int | None, list] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)

    def build(parent_id, depth=0):
        return [
            {
                "department": d,
                "staff": staff.get(d.pk, []),
                "children": build(d.pk, depth + 1) if depth < 8 else [],
            }
            for d in children.get(parent_id, [])
        ]

    return build(None)


@require_GET
def organization(request):
    """조직도, drawn from the org chart (departments; staff duties when the site shows them)."""
    site = SiteSettings.current()
    return _render(
        request,
        "organization.html",
        {"tree": _department_tree(site.show_staff_in_org_chart), "nav": "about", "site": site},
    )


@require_GET
def location(request):
    """찾아오시는 길: the address, contacts, transit and the published 'location' page."""
    page = Page.objects.filter(slug="location", status=Status.PUBLISHED).first()
    return _render(request, "location.html", {"page": page, "nav": "about"})


@require_GET
def business(request):
    return _render(
        request,
        "section.html",
        {
            "pages": _published_pages(Page.Section.BUSINESS),
            "nav": "business",
            "section": Page.Section.BUSINESS,
        },
    )


@require_GET
def info(request):
    return _render(
        request,
        "section.html",
        {"pages": _published_pages(Page.Section.INFO), "nav": "info", "section": Page.Section.INFO},
    )


@require_GET
def page(request, slug: str):
    """A page at its stable address. ``?preview=1`` shows editors the draft."""
    item = Page.objects.filter(slug=slug).first()
    editor = permissions.can_edit_site(request.user, request.institution)
    preview = editor and request.GET.get("preview") == "1"
    if item is None or not (item.is_published or preview):
        raise Http404
    title = item.title if preview else item.published_title
    body = item.body if preview else item.published_body
    siblings = _published_pages(item.section)
    return _render(
        request,
        "page.html",
        {
            "page": item,
            "title": title,
            "body": body,
            "preview": preview,
            "siblings": siblings,
            "nav": item.section,
        },
    )


@require_GET
def notices(request):
    """공지사항: the public notices of the notice boards."""
    from groupware.boards.public import public_notices

    posts = public_notices().order_by("-created_at", "-id")
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        posts = posts.filter(Q(title__icontains=q) | Q(body__icontains=q))
    page_obj = Paginator(posts, 15).get_page(request.GET.get("page"))
    return _render(request, "notices.html", {"page": page_obj, "q": q, "nav": "notices"})


@require_GET
def jobs(request):
    now = timezone.now()
    state = request.GET.get("state", "open")
    items = JobPosting.objects.filter(status=Status.PUBLISHED)
    if state == "closed":
        items = items.filter(closes_at__lte=now).order_by("-closes_at", "-id")
    else:
        state = "open"
        items = items.filter(closes_at__gt=now).order_by("closes_at", "id")
    page_obj = Paginator(items, 15).get_page(request.GET.get("page"))
    return _render(
        request, "jobs.html", {"page": page_obj, "state": state, "now": now, "nav": "jobs"}
    )


@require_GET
def job(request, pk: int):
    item = get_object_or_404(JobPosting, pk=pk, status=Status.PUBLISHED)
    now = timezone.now()
    return _render(
        request,
        "job.html",
        {
            "job": item,
            "open": item.is_open(now),
            "days_left": (item.closes_at - now).days,
            "nav": "jobs",
        },
    )


@require_GET
def disclosures(request):
    group = request.GET.get("group", "")
    items = Disclosure.objects.filter(status=Status.PUBLISHED)
    if group == "management":
        items = items.filter(category__in=Disclosure.MANAGEMENT)
    elif group == "information":
        items = items.exclude(category__in=Disclosure.MANAGEMENT)
    else:
        group = ""
    category = request.GET.get("category", "")
    if category in Disclosure.Category.values:
        items = items.filter(category=category)
    page_obj = Paginator(items.order_by("-published_at", "-id"), 15).get_page(
        request.GET.get("page")
    )
    return _render(
        request,
        "disclosures.html",
        {
            "page": page_obj,
            "group": group,
            "category": category,
            "categories": Disclosure.Category.choices,
            "nav": "disclosures",
        },
    )


@require_GET
def disclosure(request, pk: int):
    item = get_object_or_404(Disclosure, pk=pk, status=Status.PUBLISHED)
    return _render(request, "disclosure.html", {"item": item, "nav": "disclosures"})


@require_GET
def documents(request):
    """원문정보공개: approved 공개 documents the departments published."""
    items = OpenDocument.objects.filter(is_published=True)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        items = items.filter(
            Q(title__icontains=q) | Q(number__icontains=q) | Q(department_name__icontains=q)
        )
    page_obj = Paginator(items.order_by("-enforced_on", "-id"), 20).get_page(
        request.GET.get("page")
    )
    return _render(request, "documents.html", {"page": page_obj, "q": q, "nav": "documents"})


def _open_document(pk: int) -> OpenDocument:
    from groupware.approval.public import Disclosure as DocDisclosure
    from groupware.approval.public import State

    item = OpenDocument.objects.select_related("document").filter(pk=pk, is_published=True).first()
    # the document must still be approved and 공개 (never 부분공개/비공개)
    if (
        item is None
        or item.document.state != State.APPROVED
        or item.document.disclosure != DocDisclosure.PUBLIC
    ):
        raise Http404
    return item


@require_GET
def document(request, pk: int):
    item = _open_document(pk)
    return _render(request, "document.html", {"item": item, "nav": "documents"})


@require_GET
def document_pdf(request, pk: int):
    """The official PDF of a published open document."""
    from groupware.approval.public import Document, ensure_pdf

    item = _open_document(pk)
    document = item.document
    if not document.pdf:
        ensure_pdf(document.pk)
        document = Document.objects.get(pk=document.pk)
    if not document.pdf:
        raise Http404
    return FileResponse(
        document.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{item.number}.pdf",
        as_attachment=request.GET.get("download") == "1",
    )


@require_GET
def site_file(request, pk: int, token: str):
    """A file attached to a published item (editors also see drafts' files)."""
    item = (
        SiteFile.objects.filter(pk=pk, token=token)
        .select_related("page", "job", "disclosure")
        .first()
    )
    if item is None:
        raise Http404
    if not item.parent.is_published and not permissions.can_edit_site(
        request.user, request.institution
    ):
        raise Http404
    inline = item.is_image or item.content_type == "application/pdf"
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.name,
        content_type=item.content_type if inline else None,
    )
