"""An institution's public site, in its schema: pages (draft → published), job
postings, 경영공시/정보공개 disclosures, open documents (원문정보공개) and the files
attached to them.

A page keeps two versions: what editors are working on (``title``/``body``) and
what the public sees (``published_title``/``published_body``), so editing a
published page changes nothing outside until it is published again. Every
publish and withdrawal is a ``SiteEvent`` with the editor and time.
"""

import os
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    PUBLISHED = "published", _("게시 중")


class SiteSettings(models.Model):
    """One row: what the site says about the institution besides its pages."""

    tagline = models.CharField(_("한 줄 소개"), max_length=120, blank=True)
    district = models.CharField(
        _("지역(구·군)"),
        max_length=30,
        blank=True,
        help_text=_("통합 포털의 지역 필터에 쓰입니다. 예: 중구"),
    )
    map_url = models.URLField(
        _("지도 링크"), blank=True, help_text=_("찾아오시는 길에 표시할 지도 주소")
    )
    transit = models.TextField(_("교통편 안내"), blank=True)
    show_staff_in_org_chart = models.BooleanField(
        _("조직도에 직원 직위·담당 업무 표시"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "site settings"

    @classmethod
    def current(cls) -> "SiteSettings":
        return cls.objects.order_by("pk").first() or cls()


class Page(models.Model):
    class Section(models.TextChoices):
        ABOUT = "about", _("기관소개")
        BUSINESS = "business", _("사업안내")
        INFO = "info", _("이용안내·기타")

    section = models.CharField(_("메뉴"), max_length=20, choices=Section.choices)
    slug = models.SlugField(
        _("주소 이름"),
        max_length=60,
        unique=True,
        allow_unicode=True,
        help_text=_("페이지 주소의 끝부분입니다 (게시 후에는 바꿀 수 없습니다). 예: greeting"),
        error_messages={"unique": _("이미 쓰이고 있는 주소 이름입니다.")},
    )
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("본문"), blank=True)
    order = models.PositiveIntegerField(_("정렬 순서"), default=0)
    status = models.CharField(
        _("상태"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_title = models.CharField(max_length=200, blank=True)
    published_body = models.TextField(blank=True)
    first_published_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("게시 일시"), null=True, blank=True)
    published_by_name = models.CharField(_("게시자"), max_length=60, blank=True)
    updated_by_name = models.CharField(_("최종 수정자"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="website_page_status"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(published_title=""),
                name="website_page_published_has_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def has_unpublished_changes(self) -> bool:
        return self.is_published and (
            self.title != self.published_title or self.body != self.published_body
        )


class JobPosting(models.Model):
    class EmploymentType(models.TextChoices):
        REGULAR = "regular", _("정규직")
        CONTRACT = "contract", _("계약직")
        FIXED_TERM = "fixed_term", _("기간제")
        PART_TIME = "part_time", _("시간제")
        INTERN = "intern", _("인턴·체험형")

    title = models.CharField(_("공고 제목"), max_length=200)
    department = models.CharField(_("채용 부서"), max_length=60, blank=True)
    employment_type = models.CharField(
        _("고용 형태"),
        max_length=20,
        choices=EmploymentType.choices,
        default=EmploymentType.CONTRACT,
    )
    positions = models.PositiveIntegerField(_("채용 인원"), default=1)
    body = models.TextField(_("공고 내용"), blank=True)
    how_to_apply = models.TextField(_("접수 방법"), blank=True)
    contact = models.CharField(_("문의처"), max_length=120, blank=True)
    opens_at = models.DateTimeField(_("접수 시작"), null=True, blank=True)
    closes_at = models.DateTimeField(_("접수 마감"))
    status = models.CharField(
        _("상태"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("게시 일시"), null=True, blank=True)
    published_by_name = models.CharField(_("게시자"), max_length=60, blank=True)
    updated_by_name = models.CharField(_("최종 수정자"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-closes_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="website_job_status"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(opens_at__lt=models.F("closes_at")),
                name="website_job_opens_before_closes",
            ),
            models.CheckConstraint(condition=Q(positions__gte=1), name="website_job_positions"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    def is_open(self, now) -> bool:
        return self.closes_at > now and (self.opens_at is None or self.opens_at <= now)


class Disclosure(models.Model):
    """경영공시 (management disclosure) or 정보공개 (information disclosure) item."""

    class Category(models.TextChoices):
        GENERAL = "general", _("경영공시 · 일반현황")
        BUDGET = "budget", _("경영공시 · 예산·결산")
        PERSONNEL = "personnel", _("경영공시 · 임직원 현황·보수")
        BUSINESS = "business", _("경영공시 · 사업계획·실적")
        AUDIT = "audit", _("경영공시 · 감사 결과")
        PRIOR = "prior", _("정보공개 · 사전정보공표")
        LIST = "list", _("정보공개 · 정보목록")
        OTHER = "other", _("정보공개 · 기타")

    MANAGEMENT = ("general", "budget", "personnel", "business", "audit")

    category = models.CharField(_("분류"), max_length=20, choices=Category.choices)
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"), blank=True)
    year = models.PositiveIntegerField(_("기준 연도"), null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("게시 일시"), null=True, blank=True)
    published_by_name = models.CharField(_("게시자"), max_length=60, blank=True)
    updated_by_name = models.CharField(_("최종 수정자"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="website_disclosure_status"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def group(self) -> str:
        return "management" if self.category in self.MANAGEMENT else "information"


class OpenDocument(models.Model):
    """An approved 공개 document published to the site (원문정보공개), with a snapshot
    of what the public sees; the official PDF is served from the approval document."""

    document = models.OneToOneField("approval.Document", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("제목"), max_length=200)
    number = models.CharField(_("생산등록번호"), max_length=80)
    enforced_on = models.DateField(_("시행일"))
    department_name = models.CharField(_("부서"), max_length=60)
    text = models.TextField(blank=True)
    is_published = models.BooleanField(default=True)
    published_at = models.DateTimeField(_("공개 일시"))
    published_by_name = models.CharField(_("공개 처리자"), max_length=60)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enforced_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


def site_file_path(instance, filename: str) -> str:
    # private/: never served by /media/; the file view checks the item is published.
    base = os.path.basename(filename)[-120:] or "file"
    return f"private/site/{uuid.uuid4().hex}/{base}"


def new_token() -> str:
    return secrets.token_urlsafe(12)


class SiteFile(models.Model):
    """A file or image attached to a page, a job posting or a disclosure."""

    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    job = models.ForeignKey(
        JobPosting, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    disclosure = models.ForeignKey(
        Disclosure, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to=site_file_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    token = models.CharField(max_length=32, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(page__isnull=False, job__isnull=True, disclosure__isnull=True)
                    | Q(page__isnull=True, job__isnull=False, disclosure__isnull=True)
                    | Q(page__isnull=True, job__isnull=True, disclosure__isnull=False)
                ),
                name="website_file_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def parent(self):
        return self.page or self.job or self.disclosure

    @property
    def is_image(self) -> bool:
        return self.content_type in ("image/png", "image/jpeg", "image/gif", "image/webp")


class SiteEvent(models.Model):
    """Who saved, published or withdrew which item of the site, and when. Append-only."""

    item_type = models.CharField(max_length=20)
    item_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["item_type", "item_id"], name="website_event_item")]

    def __str__(self) -> str:
        return f"{self.item_type}:{self.item_id} {self.action}"
