"""Institutions (tenants), their host names and the platform audit log."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from suite.storage import get_public_storage

RESERVED_SLUGS = frozenset(
    {"www", "api", "admin", "static", "media", "public", "portal", "console", "mail", "template"}
)
SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")


def validate_institution_slug(value: str) -> None:
    """A host label: lower-case letters, digits, hyphens; not a reserved word."""
    if not SLUG_RE.match(value or ""):
        raise ValidationError(
            _("주소 이름은 영문 소문자로 시작하고 소문자·숫자·하이픈만 쓸 수 있습니다 (3–32자)."),
            code="invalid_slug",
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("'%(slug)s'은(는) 예약어라 쓸 수 없습니다."),
            params={"slug": value},
            code="reserved_slug",
        )


def schema_name_for(slug: str) -> str:
    """PostgreSQL schema of an institution: hyphens are not valid there."""
    return "inst_" + slug.replace("-", "_")


class Institution(TenantMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", _("운영 중")
        SUSPENDED = "suspended", _("이용 정지")
        ARCHIVED = "archived", _("보관(삭제됨)")

    slug = models.CharField(
        _("주소 이름"),
        max_length=32,
        unique=True,
        validators=[validate_institution_slug],
        error_messages={"unique": _("이미 쓰이고 있는 주소 이름입니다.")},
        help_text=_("기관 주소의 앞부분입니다. 예: culture → culture.(플랫폼 도메인)"),
    )
    name = models.CharField(_("기관 정식 명칭"), max_length=100)
    short_name = models.CharField(_("기관 약칭"), max_length=30)
    status = models.CharField(
        _("상태"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    address = models.CharField(_("주소"), max_length=200, blank=True)
    postal_code = models.CharField(_("우편번호"), max_length=10, blank=True)
    phone = models.CharField(_("대표 전화"), max_length=30, blank=True)
    fax = models.CharField(_("팩스"), max_length=30, blank=True)
    email = models.EmailField(_("대표 이메일"), blank=True)
    homepage = models.URLField(_("홈페이지"), blank=True)
    head_title = models.CharField(
        _("발신명의(기관장)"), max_length=60, blank=True, help_text=_("예: 한빛문화재단 이사장")
    )
    logo = models.ImageField(_("로고"), upload_to="logo/", blank=True, storage=get_public_storage)
    time_zone = models.CharField(_("시간대"), max_length=40, default="Asia/Seoul")
    # The last status change: when and why (the full history is PlatformAuditEvent).
    status_changed_at = models.DateTimeField(_("상태 변경 일시"), null=True, blank=True)
    status_reason = models.TextField(_("상태 변경 사유"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    auto_create_schema = True
    auto_drop_schema = False

    # The lifecycle: which status may follow which (tenants.services.institution_* moves).
    TRANSITIONS = {
        Status.ACTIVE: frozenset({Status.SUSPENDED, Status.ARCHIVED}),
        Status.SUSPENDED: frozenset({Status.ACTIVE, Status.ARCHIVED}),
        Status.ARCHIVED: frozenset(),
    }

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "suspended", "archived"]),
                name="institution_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Clone the schema from the template; refuse when the template is missing or behind.

        django-tenants would silently fall back to migrating from zero (seconds
        instead of a fraction of one) or clone a stale structure. The clone
        carries the template's ``django_migrations`` rows and the template was
        just checked to be current, so django-tenants' follow-up "fake migrate"
        (loading the whole migration graph) is not needed. A spare clone made
        ahead of time is renamed instead when one is ready.
        """
        from django.db import connection
        from django_tenants.utils import get_creation_fakes_migrations, schema_exists

        from tenants.provisioning import assert_template_current, clone_template, take_spare

        if not (sync_schema and get_creation_fakes_migrations()):
            return super().create_schema(
                check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity
            )
        if check_if_exists and schema_exists(self.schema_name):
            return False
        assert_template_current()
        if take_spare(self.schema_name) is None:
            clone_template(self.schema_name)
        connection.set_schema_to_public()
        return True

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def get_primary_domain(self):
        """The primary Domain, from ``prefetch_related("domains")`` when the list was
        fetched that way (a page of institutions: no query per row), else one query."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("domains")
        if prefetched is not None:
            return next((d for d in prefetched if d.is_primary), None)
        return super().get_primary_domain()

    @property
    def primary_host(self) -> str:
        domain = self.get_primary_domain()
        return domain.domain if domain else f"{self.slug}.{settings.SUITE_DOMAIN}"

    def absolute_url(self, path: str = "/") -> str:
        """The institution's own URL (scheme, host and port as configured)."""
        return host_url(self.primary_host, path)


def host_url(host: str, path: str = "/") -> str:
    port = settings.SUITE_PORT
    default_port = {"http": "80", "https": "443"}[settings.SUITE_SCHEME]
    netloc = host if not port or port == default_port else f"{host}:{port}"
    return f"{settings.SUITE_SCHEME}://{netloc}{path}"


def apex_url(path: str = "/") -> str:
    return host_url(settings.SUITE_DOMAIN, path)


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class PlatformAuditEvent(models.Model):
    """Who did what to an institution, when and why. Append-only."""

    class Action(models.TextChoices):
        ONBOARD = "onboard", _("온보딩")
        SUSPEND = "suspend", _("이용 정지")
        REACTIVATE = "reactivate", _("재개")
        EXPORT = "export", _("내보내기")
        IMPORT = "import", _("가져오기")
        DELETE = "delete", _("삭제(보관)")
        UPDATE = "update", _("수정")

    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    institution_slug = models.CharField(max_length=32)
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.institution_slug}"
