"""Electronic approval (전자결재), in the institution's schema.

A ``Document`` travels an approval line of ``Step`` rows (grouped in rounds:
each submission is a round, a returned or recalled round stays on record).
Every action writes a ``DocumentEvent``; every submitted or reviewer-edited
text is a ``DocumentVersion``. Once approved, the document, its steps,
versions, attachments and events are frozen by database triggers
(migration 0002) as well as by the services.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Form(models.TextChoices):
    GENERAL = "general", _("기안문")
    EXPENSE = "expense", _("지출결의서")
    LEAVE = "leave", _("휴가신청서")


class State(models.TextChoices):
    DRAFT = "draft", _("임시저장")
    IN_APPROVAL = "in_approval", _("결재진행")
    ON_HOLD = "on_hold", _("보류")
    RETURNED = "returned", _("반려")
    RECALLED = "recalled", _("회수")
    APPROVED = "approved", _("결재완료")


class Retention(models.TextChoices):
    Y1 = "1y", _("1년")
    Y3 = "3y", _("3년")
    Y5 = "5y", _("5년")
    Y10 = "10y", _("10년")
    Y30 = "30y", _("30년")
    SEMI_PERMANENT = "semi_permanent", _("준영구")
    PERMANENT = "permanent", _("영구")


class Disclosure(models.TextChoices):
    PUBLIC = "public", _("공개")
    PARTIAL = "partial", _("부분공개")
    CLOSED = "closed", _("비공개")


class RecipientKind(models.TextChoices):
    INTERNAL = "internal", _("내부결재")
    NAMED = "named", _("수신자 지정")


class StepRole(models.TextChoices):
    REVIEW = "review", _("검토")
    COOPERATE = "cooperate", _("협조")
    APPROVE = "approve", _("결재")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("대기")
    PENDING = "pending", _("결재할 차례")
    HELD = "held", _("보류")
    APPROVED = "approved", _("승인")
    RETURNED = "returned", _("반려")
    SKIPPED = "skipped", _("생략")
    CLOSED = "closed", _("종료")  # the round ended (recall/return) before this step acted


class DelegationRule(models.Model):
    """위임전결 규정: for a form, the position that gives final approval."""

    form = models.CharField(_("양식"), max_length=20, choices=Form.choices, unique=True)
    position = models.ForeignKey(
        "groupware.Position",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("전결권자 직위"),
    )
    note = models.CharField(_("비고"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["form"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} → {self.position}"


class NumberCounter(models.Model):
    """The last 생산등록번호 serial issued in a year (locked while issuing the next)."""

    year = models.PositiveIntegerField(unique=True)
    last_serial = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_serial}"


def attachment_path(instance, filename: str) -> str:
    # private/ is never served by the media view; downloads go through a checked view.
    base = os.path.basename(filename)[-120:] or "file"
    return f"private/approval/{instance.document_id}/{uuid.uuid4().hex}/{base}"


def pdf_path(instance, filename: str) -> str:
    return f"private/approval/{instance.pk}/pdf/{uuid.uuid4().hex}/{filename}"


class Document(models.Model):
    form = models.CharField(_("양식"), max_length=20, choices=Form.choices, default=Form.GENERAL)
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("본문"), blank=True)
    state = models.CharField(_("상태"), max_length=20, choices=State.choices, default=State.DRAFT)
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    drafter_name = models.CharField(max_length=60, blank=True)
    drafter_position = models.CharField(max_length=30, blank=True)
    department = models.ForeignKey(
        "groupware.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("기안 부서"),
    )
    department_name = models.CharField(_("기안 부서명"), max_length=60, blank=True)
    recipient_kind = models.CharField(
        _("수신"), max_length=10, choices=RecipientKind.choices, default=RecipientKind.INTERNAL
    )
    recipients = models.CharField(_("수신자"), max_length=300, blank=True)
    via = models.CharField(_("경유"), max_length=200, blank=True)
    retention = models.CharField(
        _("보존기간"), max_length=20, choices=Retention.choices, default=Retention.Y5
    )
    disclosure = models.CharField(
        _("공개 구분"), max_length=10, choices=Disclosure.choices, default=Disclosure.PUBLIC
    )
    disclosure_ground = models.PositiveSmallIntegerField(
        _("비공개 근거(호)"), null=True, blank=True
    )
    round = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=0)
    number_prefix = models.CharField(max_length=60, blank=True)
    number_year = models.PositiveIntegerField(null=True, blank=True)
    serial = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("생산등록번호"), max_length=80, null=True, blank=True, unique=True)
    enforced_on = models.DateField(_("시행일"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    redrafted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="redrafts"
    )
    pdf = models.FileField(upload_to=pdf_path, blank=True, max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["drafter", "state"], name="approval_doc_drafter_state"),
            models.Index(fields=["state", "-approved_at"], name="approval_doc_state_approved"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in State]), name="approval_document_state"
            ),
            models.CheckConstraint(
                condition=~Q(state="approved")
                | Q(number__isnull=False, serial__isnull=False, enforced_on__isnull=False),
                name="approval_document_approved_has_number",
            ),
            models.CheckConstraint(
                condition=Q(disclosure="public")
                | Q(disclosure_ground__gte=1, disclosure_ground__lte=8),
                name="approval_document_disclosure_ground",
            ),
            models.UniqueConstraint(
                fields=["number_year", "serial"], name="approval_document_serial_once"
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.title

    @property
    def is_frozen(self) -> bool:
        return self.state == State.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.state in (State.DRAFT, State.RETURNED, State.RECALLED)

    def current_steps(self):
        return self.steps.filter(round=self.round).order_by("order", "id")


class Step(models.Model):
    """One box on the approval line. Steps that share ``order`` run in parallel (협조)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveIntegerField(default=1)
    order = models.PositiveIntegerField()
    role = models.CharField(_("구분"), max_length=12, choices=StepRole.choices)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    approver_name = models.CharField(max_length=60, blank=True)
    approver_position = models.CharField(max_length=30, blank=True)
    approver_department = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        _("상태"), max_length=12, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    acted_by_name = models.CharField(max_length=60, blank=True)
    acted_by_position = models.CharField(max_length=30, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    opinion = models.TextField(_("의견"), blank=True)
    delegated = models.BooleanField(_("전결"), default=False)
    acting = models.BooleanField(_("대결"), default=False)
    skip_reason = models.CharField(_("생략 사유"), max_length=60, blank=True)

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "round", "approver"], name="approval_step_once_per_round"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in StepRole]), name="approval_step_role"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in StepStatus]), name="approval_step_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.round}.{self.order} {self.role} {self.approver_name}"

    @property
    def has_opinion(self) -> bool:
        return bool(self.opinion.strip())


class DocumentVersion(models.Model):
    """The text as submitted or as a reviewer edited it. Never changed."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    round = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    edited_by_name = models.CharField(max_length=60, blank=True)
    role = models.CharField(max_length=12)  # drafter / review
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="approval_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Action(models.TextChoices):
    CREATE = "create", _("작성")
    UPDATE = "update", _("수정")
    SUBMIT = "submit", _("상신")
    APPROVE = "approve", _("승인")
    FINAL_APPROVE = "final_approve", _("결재(성립)")
    EDIT = "edit", _("검토 수정")
    RETURN = "return", _("반려")
    RECALL = "recall", _("회수")
    HOLD = "hold", _("보류")
    RESUME = "resume", _("보류 해제")
    CANCEL_APPROVAL = "cancel_approval", _("결재취소")
    SKIP = "skip", _("생략")
    CIRCULATE = "circulate", _("공람 지정")
    READ = "read", _("열람")
    REDRAFT = "redraft", _("재기안")
    POST_REPORT_ACK = "post_report_ack", _("사후보고 확인")
    ATTACH = "attach", _("첨부")
    HANDOVER = "handover", _("인계인수")


class DocumentEvent(models.Model):
    """One history row per action: who, in which role, when, the opinion and the version seen."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=60, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    role = models.CharField(max_length=12, blank=True)
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    round = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=0)
    opinion = models.TextField(blank=True)
    delegated = models.BooleanField(default=False)
    acting = models.BooleanField(default=False)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.action} {self.actor_name}"


class Attachment(models.Model):
    """붙임: stored under the institution's private/ folder, served through a checked view."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Reader(models.Model):
    """참조 (cc, from the draft) or 공람 (circulated after approval), with when they read it."""

    class Kind(models.TextChoices):
        CC = "cc", _("참조")
        CIRCULATION = "circulation", _("공람")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="readers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    user_name = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "user", "kind"], name="approval_reader_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.kind} {self.user_name}"


class PostReport(models.Model):
    """사후보고: an absent approver is told of a 대결 taken in their place.

    The row is kept once written; it *stands* (``STANDS``) only while the deputy's
    approval does — a 대결 taken back by 결재취소 is nothing to report any more.
    """

    STANDS = Q(step__status="approved", step__acting=True, step__acted_by_id=models.F("deputy_id"))

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="post_reports")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="post_reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"사후보고 {self.document_id} → {self.user_id}"


class FavouriteLine(models.Model):
    """A drafter's saved approval line: [{"user": id, "role": ..., "order": n}], cc ids."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    name = models.CharField(_("이름"), max_length=60)
    steps = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="approval_favourite_name"),
        ]

    def __str__(self) -> str:
        return self.name


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("연차")
    HALF = "half", _("반차")
    SICK = "sick", _("병가")
    OFFICIAL = "official", _("공가")
    FAMILY = "family", _("경조사")


class LeaveRequest(models.Model):
    """휴가신청서 details. Annual and half-day leave count against the yearly balance."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="leave")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    kind = models.CharField(_("휴가 구분"), max_length=12, choices=LeaveKind.choices)
    start_date = models.DateField(_("시작일"))
    end_date = models.DateField(_("종료일"))
    days = models.DecimalField(_("일수"), max_digits=4, decimal_places=1)
    reason = models.CharField(_("사유"), max_length=300)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="approval_leave_dates"
            ),
            models.CheckConstraint(condition=Q(days__gt=0), name="approval_leave_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}~{self.end_date}"

    @property
    def counts_against_balance(self) -> bool:
        return self.kind in (LeaveKind.ANNUAL, LeaveKind.HALF)


class Notification(models.Model):
    """An in-app notice (알림): generic enough for any groupware app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="approval_notice_unread")]

    def __str__(self) -> str:
        return self.title
