"""The write path of the public site. Every change is audited and, once committed,
reaches the portal index through ``portal.public.changed``."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from institution.audit import audit_record
from portal.public import changed, changed_all
from suite.richtext import clean_html, looks_like_html
from suite.uploads import attachment_fields, check_attachments
from website import permissions
from website.models import (
    Disclosure,
    JobPosting,
    OpenDocument,
    Page,
    SiteEvent,
    SiteFile,
    SiteSettings,
    Status,
)

ERRORS = {
    "title_required": _("제목을 입력해 주세요."),
    "title_too_long": _("제목은 200자 이내로 입력해 주세요."),
    "slug_invalid": _("주소 이름은 영문·한글·숫자·하이픈으로 60자 이내여야 합니다."),
    "slug_taken": _("이미 쓰이고 있는 주소 이름입니다."),
    "slug_fixed": _("게시한 적이 있는 페이지의 주소는 바꿀 수 없습니다 (링크가 끊어집니다)."),
    "section": _("메뉴를 선택해 주세요."),
    "publish_first": _("게시 중인 페이지는 먼저 게시를 중단해야 삭제할 수 있습니다."),
    "closes_required": _("접수 마감 일시를 입력해 주세요."),
    "closes_before_opens": _("접수 마감은 접수 시작보다 뒤여야 합니다."),
    "closes_past": _("접수 마감이 이미 지난 공고는 게시할 수 없습니다."),
    "positions": _("채용 인원은 1명 이상이어야 합니다."),
    "category": _("분류를 선택해 주세요."),
    "year": _("기준 연도는 1990–2100 사이로 입력해 주세요."),
    "doc_not_approved": _("결재가 끝난 문서만 공개할 수 있습니다."),
    "doc_not_public": _("공개 구분이 '공개'인 문서만 원문을 공개할 수 있습니다."),
    "doc_already": _("이미 공개한 문서입니다."),
    "doc_no_department": _("처리과의 구성원만 공개할 수 있습니다."),
}

SLUG = re.compile(r"^[-\w]{1,60}$", re.UNICODE)


def _require_editor(actor, institution) -> None:
    if not permissions.can_edit_site(actor, institution):
        raise PermissionDenied


def _name(actor) -> str:
    return (getattr(actor, "name", "") or getattr(actor, "email", "") or "")[:60]


def _event(item, action: str, actor) -> None:
    SiteEvent.objects.create(
        item_type=item._meta.model_name,
        item_id=item.pk,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=_name(actor),
    )


def _audit(actor, action: str, item, summary: str) -> None:
    audit_record(actor=actor, action=f"website.{action}", target=item, summary=summary)


def clean_rich(text: str) -> str:
    """Rich text from the editor, or plain text (paragraphs kept), through the one sanitiser."""
    text = (text or "").strip()
    if not text:
        return ""
    if not looks_like_html(text, known_tags_only=True):
        from django.utils.html import linebreaks

        text = linebreaks(text)
    return clean_html(text)


def _title(value) -> str:
    title = (value or "").strip()
    if not title:
        raise ValidationError({"title": ERRORS["title_required"]})
    if len(title) > 200:
        raise ValidationError({"title": ERRORS["title_too_long"]})
    return title


# -- pages ---------------------------------------------------------------------------


@transaction.atomic
def page_save(
    *,
    actor,
    institution,
    page: Page | None = None,
    section: str,
    title: str,
    body: str = "",
    slug: str = "",
    order: int = 0,
) -> Page:
    """Create a page or change its draft; the public version changes only on publish."""
    _require_editor(actor, institution)
    title = _title(title)
    if section not in Page.Section.values:
        raise ValidationError({"section": ERRORS["section"]})
    slug = (slug or "").strip() or slugify(title, allow_unicode=True)[:60] or "page"
    if not SLUG.match(slug):
        raise ValidationError({"slug": ERRORS["slug_invalid"]})
    if page is not None:
        page = Page.objects.select_for_update().get(pk=page.pk)
        if page.first_published_at and slug != page.slug:
            raise ValidationError({"slug": ERRORS["slug_fixed"]})
    if Page.objects.filter(slug=slug).exclude(pk=getattr(page, "pk", None)).exists():
        raise ValidationError({"slug": ERRORS["slug_taken"]})
    created = page is None
    page = page or Page()
    page.section, page.slug, page.title = section, slug, title
    page.body = clean_rich(body)
    page.order = max(0, int(order or 0))
    page.updated_by_name = _name(actor)
    page.save()
    _event(page, "create" if created else "save", actor)
    _audit(actor, "page_save", page, f"페이지 저장: {title}")
    return page


@transaction.atomic
def page_publish(*, actor, institution, page: Page) -> Page:
    """Make the current draft the public version (editor and time recorded)."""
    _require_editor(actor, institution)
    page = Page.objects.select_for_update().get(pk=page.pk)
    now = timezone.now()
    page.published_title, page.published_body = page.title, page.body
    page.status = Status.PUBLISHED
    page.first_published_at = page.first_published_at or now
    page.published_at = now
    page.published_by_name = _name(actor)
    page.save()
    _event(page, "publish", actor)
    _audit(actor, "page_publish", page, f"페이지 게시: {page.title}")
    changed(kind="page", key=page.pk)
    return page


@transaction.atomic
def page_unpublish(*, actor, institution, page: Page) -> Page:
    """Take the page off the site (its address answers 404 until published again)."""
    _require_editor(actor, institution)
    page = Page.objects.select_for_update().get(pk=page.pk)
    page.status = Status.DRAFT
    page.save(update_fields=["status", "updated_at"])
    _event(page, "unpublish", actor)
    _audit(actor, "page_unpublish", page, f"페이지 게시 중단: {page.title}")
    changed(kind="page", key=page.pk)
    return page


@transaction.atomic
def page_delete(*, actor, institution, page: Page) -> None:
    _require_editor(actor, institution)
    page = Page.objects.select_for_update().get(pk=page.pk)
    if page.is_published:
        raise ValidationError(ERRORS["publish_first"])
    _event(page, "delete", actor)
    _audit(actor, "page_delete", page, f"페이지 삭제: {page.title}")
    key = page.pk
    page.delete()
    changed(kind="page", key=key)


# -- settings ------------------------------------------------------------------------


@transaction.atomic
def settings_save(*, actor, institution, **fields) -> SiteSettings:
    _require_editor(actor, institution)
    site = SiteSettings.objects.select_for_update().order_by("pk").first() or SiteSettings()
    for name in ("tagline", "district", "map_url", "transit", "show_staff_in_org_chart"):
        if name in fields:
            setattr(site, name, fields[name])
    site.updated_by = actor
    site.full_clean()
    site.save()
    _audit(actor, "settings", site, "홈페이지 설정 변경")
    changed(kind="institution", key="site")
    # facilities and notices carry the district as a facet
    changed_all("facility", "notice")
    return site


# -- job postings --------------------------------------------------------------------


@transaction.atomic
def job_save(*, actor, institution, job: JobPosting | None = None, **fields) -> JobPosting:
    """Create or change a posting (a published one changes on the site at once)."""
    _require_editor(actor, institution)
    title = _title(fields.get("title"))
    closes_at, opens_at = fields.get("closes_at"), fields.get("opens_at")
    if closes_at is None:
        raise ValidationError({"closes_at": ERRORS["closes_required"]})
    if opens_at is not None and opens_at >= closes_at:
        raise ValidationError({"closes_at": ERRORS["closes_before_opens"]})
    positions = int(fields.get("positions") or 0)
    if positions < 1:
        raise ValidationError({"positions": ERRORS["positions"]})
    created = job is None
    job = JobPosting.objects.select_for_update().get(pk=job.pk) if job else JobPosting()
    job.title, job.closes_at, job.opens_at, job.positions = title, closes_at, opens_at, positions
    job.department = (fields.get("department") or "").strip()[:60]
    job.employment_type = fields.get("employment_type") or JobPosting.EmploymentType.CONTRACT
    job.body = clean_rich(fields.get("body", ""))
    job.how_to_apply = (fields.get("how_to_apply") or "").strip()
    job.contact = (fields.get("contact") or "").strip()[:120]
    job.updated_by_name = _name(actor)
    job.full_clean()
    job.save()
    _event(job, "create" if created else "save", actor)
    _audit(actor, "job_save", job, f"채용 공고 저장: {title}")
    changed(kind="job", key=job.pk)
    return job


@transaction.atomic
def job_publish(*, actor, institution, job: JobPosting) -> JobPosting:
    _require_editor(actor, institution)
    job = JobPosting.objects.select_for_update().get(pk=job.pk)
    now = timezone.now()
    if job.closes_at <= now:
        raise ValidationError({"closes_at": ERRORS["closes_past"]})
    job.status, job.published_at, job.published_by_name = Status.PUBLISHED, now, _name(actor)
    job.save()
    _event(job, "publish", actor)
    _audit(actor, "job_publish", job, f"채용 공고 게시: {job.title}")
    changed(kind="job", key=job.pk)
    return job


@transaction.atomic
def job_unpublish(*, actor, institution, job: JobPosting) -> JobPosting:
    _require_editor(actor, institution)
    job = JobPosting.objects.select_for_update().get(pk=job.pk)
    job.status = Status.DRAFT
    job.save(update_fields=["status", "updated_at"])
    _event(job, "unpublish", actor)
    _audit(actor, "job_unpublish", job, f"채용 공고 게시 중단: {job.title}")
    changed(kind="job", key=job.pk)
    return job


@transaction.atomic
def job_delete(*, actor, institution, job: JobPosting) -> None:
    _require_editor(actor, institution)
    job = JobPosting.objects.select_for_update().get(pk=job.pk)
    if job.is_published:
        raise ValidationError(ERRORS["publish_first"])
    _event(job, "delete", actor)
    _audit(actor, "job_delete", job, f"채용 공고 삭제: {job.title}")
    key = job.pk
    job.delete()
    changed(kind="job", key=key)


# -- disclosures ---------------------------------------------------------------------


@transaction.atomic
def disclosure_save(
    *, actor, institution, disclosure: Disclosure | None = None, **fields
) -> Disclosure:
    _require_editor(actor, institution)
    title = _title(fields.get("title"))
    category = fields.get("category")
    if category not in Disclosure.Category.values:
        raise ValidationError({"category": ERRORS["category"]})
    year = fields.get("year")
    if year is not None and not (1990 <= int(year) <= 2100):
        raise ValidationError({"year": ERRORS["year"]})
    created = disclosure is None
    item = (
        Disclosure.objects.select_for_update().get(pk=disclosure.pk) if disclosure else Disclosure()
    )
    item.title, item.category, item.year = title, category, year
    item.body = clean_rich(fields.get("body", ""))
    item.updated_by_name = _name(actor)
    item.save()
    _event(item, "create" if created else "save", actor)
    _audit(actor, "disclosure_save", item, f"공시 저장: {title}")
    changed(kind="disclosure", key=item.pk)
    return item


@transaction.atomic
def disclosure_publish(*, actor, institution, disclosure: Disclosure) -> Disclosure:
    _require_editor(actor, institution)
    item = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    item.status, item.published_at = Status.PUBLISHED, timezone.now()
    item.published_by_name = _name(actor)
    item.save()
    _event(item, "publish", actor)
    _audit(actor, "disclosure_publish", item, f"공시 게시: {item.title}")
    changed(kind="disclosure", key=item.pk)
    return item


@transaction.atomic
def disclosure_unpublish(*, actor, institution, disclosure: Disclosure) -> Disclosure:
    _require_editor(actor, institution)
    item = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    item.status = Status.DRAFT
    item.save(update_fields=["status", "updated_at"])
    _event(item, "unpublish", actor)
    _audit(actor, "disclosure_unpublish", item, f"공시 게시 중단: {item.title}")
    changed(kind="disclosure", key=item.pk)
    return item


@transaction.atomic
def disclosure_delete(*, actor, institution, disclosure: Disclosure) -> None:
    _require_editor(actor, institution)
    item = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if item.is_published:
        raise ValidationError(ERRORS["publish_first"])
    _event(item, "delete", actor)
    _audit(actor, "disclosure_delete", item, f"공시 삭제: {item.title}")
    key = item.pk
    item.delete()
    changed(kind="disclosure", key=key)


# -- files ---------------------------------------------------------------------------


@transaction.atomic
def files_add(*, actor, institution, parent, files) -> list[SiteFile]:
    """Attach uploads to a page, job posting or disclosure (the one attachment rule)."""
    _require_editor(actor, institution)
    field = {Page: "page", JobPosting: "job", Disclosure: "disclosure"}[type(parent)]
    uploads = check_attachments(files, existing=parent.files.count(), field="files")
    created = []
    for upload in uploads:
        created.append(
            SiteFile.objects.create(**{field: parent}, file=upload, **attachment_fields(upload))
        )
    if created:
        _audit(actor, "files_add", parent, f"파일 첨부: {', '.join(f.name for f in created)}")
    return created


@transaction.atomic
def file_remove(*, actor, institution, site_file: SiteFile) -> None:
    _require_editor(actor, institution)
    parent = site_file.parent
    _audit(actor, "file_remove", parent, f"파일 삭제: {site_file.name}")
    storage, name = site_file.file.storage, site_file.file.name
    site_file.delete()
    transaction.on_commit(lambda: storage.delete(name), robust=True)


# -- open documents (원문정보공개) ------------------------------------------------------


@transaction.atomic
def open_document_publish(*, actor, institution, document) -> OpenDocument:
    """Publish an approved 공개 document to the site. 부분공개/비공개 never."""
    from groupware.approval.public import Disclosure as DocDisclosure
    from groupware.approval.public import Document, State

    document = Document.objects.get(pk=document.pk)
    if not permissions.can_publish_document(actor, institution, document):
        raise PermissionDenied
    if document.state != State.APPROVED or not document.number:
        raise ValidationError(ERRORS["doc_not_approved"])
    if document.disclosure != DocDisclosure.PUBLIC:
        raise ValidationError(ERRORS["doc_not_public"])
    existing = OpenDocument.objects.select_for_update().filter(document=document).first()
    if existing is not None and existing.is_published:
        raise ValidationError(ERRORS["doc_already"])
    from suite.richtext import plain_text

    now = timezone.now()
    item = existing or OpenDocument(document=document)
    item.title = document.title
    item.number = document.number
    item.enforced_on = document.enforced_on or timezone.localdate(document.approved_at or now)
    item.department_name = document.department_name or ""
    item.text = " ".join(plain_text(document.body).split())[:20000]
    item.is_published, item.withdrawn_at = True, None
    item.published_at, item.published_by_name = now, _name(actor)
    item.save()
    _event(item, "publish", actor)
    _audit(actor, "open_document_publish", item, f"원문 공개: {item.number} {item.title}")
    changed(kind="document", key=item.pk)
    return item


@transaction.atomic
def open_document_withdraw(*, actor, institution, item: OpenDocument) -> OpenDocument:
    item = OpenDocument.objects.select_for_update().select_related("document").get(pk=item.pk)
    if not permissions.can_publish_document(actor, institution, item.document):
        raise PermissionDenied
    item.is_published, item.withdrawn_at = False, timezone.now()
    item.save()
    _event(item, "withdraw", actor)
    _audit(actor, "open_document_withdraw", item, f"원문 공개 철회: {item.number}")
    changed(kind="document", key=item.pk)
    return item
