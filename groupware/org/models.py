"""The org chart (조직도): departments, positions, ranks, staff profiles and absences.

Electronic approval reads positions (위임전결) and absences with deputies (대결)
from here; the directory, boards and calendar build on the same people.
Everything lives in the institution's schema; people are public ``accounts.User``.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A unit in the tree 본부 → 부 → 팀. ``short_name`` is the 처리과명 used in document numbers."""

    class Kind(models.TextChoices):
        HEADQUARTERS = "headquarters", _("본부")
        DIVISION = "division", _("부")
        TEAM = "team", _("팀")
        OFFICE = "office", _("실")

    name = models.CharField(_("부서명"), max_length=60)
    short_name = models.CharField(_("처리과명(약칭)"), max_length=30, blank=True)
    kind = models.CharField(_("구분"), max_length=20, choices=Kind.choices, default=Kind.TEAM)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("상위 부서"),
    )
    order = models.PositiveIntegerField(_("정렬 순서"), default=0)
    phone = models.CharField(_("대표 전화"), max_length=30, blank=True)
    # 문서과: the unit that receives official documents from other institutions (접수·배부).
    is_document_office = models.BooleanField(_("문서과"), default=False)
    is_active = models.BooleanField(_("사용"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="department_not_own_parent"),
            models.UniqueConstraint(
                fields=["parent", "name"], name="department_unique_name_per_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def document_prefix(self) -> str:
        return self.short_name or self.name

    def ancestors(self) -> list["Department"]:
        """From the root down to the parent (no self)."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))


class Position(models.Model):
    """직위 (이사장, 본부장, 팀장, 주임 …). Lower ``level`` is higher in the hierarchy."""

    name = models.CharField(_("직위"), max_length=30, unique=True)
    level = models.PositiveIntegerField(_("서열"), help_text=_("숫자가 작을수록 상위 직위"))

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name


class Rank(models.Model):
    """직급 (1급 … 9급, 주무관 …) with an order."""

    name = models.CharField(_("직급"), max_length=30, unique=True)
    order = models.PositiveIntegerField(_("정렬 순서"), default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """A member's place in the org chart. One per person per institution."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("부서"),
    )
    position = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="holders",
        verbose_name=_("직위"),
    )
    rank = models.ForeignKey(
        Rank,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="holders",
        verbose_name=_("직급"),
    )
    extension = models.CharField(_("내선번호"), max_length=20, blank=True)
    duties = models.CharField(_("담당 업무"), max_length=200, blank=True)
    # Under private/: /media/ never serves these; the directory serves photos to
    # colleagues only, and signatures are read from disk by the approval PDF.
    photo = models.ImageField(_("사진"), upload_to="private/staff/", blank=True)
    signature = models.ImageField(_("서명 이미지"), upload_to="private/signatures/", blank=True)
    is_department_head = models.BooleanField(_("부서장"), default=False)
    annual_leave_days = models.DecimalField(
        _("연차 부여일수"), max_digits=4, decimal_places=1, default=15
    )
    # With a hire date, annual leave accrues by 근로기준법 제60조 (approval.leave); without
    # one, annual_leave_days is the yearly grant.
    hire_date = models.DateField(_("입사일"), null=True, blank=True)
    is_active = models.BooleanField(_("재직"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department__order", "position__level", "user__name"]

    def __str__(self) -> str:
        return f"{self.user} ({self.position or '-'})"


class Absence(models.Model):
    """A period away (출장, 휴가, 교육) with a designated deputy who acts for them (대결)."""

    class Kind(models.TextChoices):
        BUSINESS_TRIP = "business_trip", _("출장")
        LEAVE = "leave", _("휴가")
        TRAINING = "training", _("교육")
        SICK = "sick", _("병가")
        OTHER = "other", _("기타")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    kind = models.CharField(_("구분"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        verbose_name=_("대결자"),
    )
    reason = models.CharField(_("사유"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(deputy=F("user")), name="absence_deputy_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} {self.starts_at:%Y-%m-%d}~{self.ends_at:%Y-%m-%d}"

    @property
    def whole_days(self) -> bool:
        """Midnight to midnight (approved leave): shown as dates, without 00:00."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return start.time() == end.time() == dt.time.min

    @property
    def last_day(self):
        """The last local date the absence covers (the end is exclusive)."""
        return (timezone.localtime(self.ends_at) - dt.timedelta(microseconds=1)).date()
