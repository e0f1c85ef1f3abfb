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
    """The built-in 양식. Institutions add their own (``FormTemplate``); a document's
    ``form`` holds the template's code."""

    GENERAL = "general", _("기안문")
    EXPENSE = "expense", _("지출결의서")
    TRIP = "trip", _("출장신청서")
    LEAVE = "leave", _("휴가신청서")
    LEAVE_CANCEL = "leave_cancel", _("휴가취소신청서")


def form_label(code: str) -> str:
    """The built-in form's name, or the code itself for an unknown one."""
    try:
        return str(Form(code).label)
    except ValueError:
        return code


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


def attachment_path(instance, filename: str) -> str:
    # private/ is never served by the media view; downloads go through a checked view.
    base = os.path.basename(filename)[-120:] or "file"
    return f"private/approval/{instance.document_id}/{uuid.uuid4().hex}/{base}"


def pdf_path(instance, filename: str) -> str:
    return f"private/approval/{instance.pk}/pdf/{uuid.uuid4().hex}/{filename}"


class Document(models.Model):
    # the FormTemplate's code; name and fields are copied when drafted (the PDF prints the
    # form as it was, whatever the admin changes later)
    form = models.CharField(_("양식"), max_length=40, default=Form.GENERAL)
    form_name = models.CharField(_("양식명"), max_length=60, blank=True)
    form_fields = models.JSONField(default=list, blank=True)
    form_data = models.JSONField(default=dict, blank=True)
    amount = models.BigIntegerField(_("금액(원)"), null=True, blank=True)
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
    # printed 처리과명-연번; the serial runs per department per year, so the same text may
    # come back in another year — (department, number_year, serial) is what is unique
    number = models.CharField(
        _("생산등록번호"), max_length=80, null=True, blank=True, db_index=True
    )
    enforced_on = models.DateField(_("시행일"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    redrafted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="redrafts"
    )
    # 휴가취소신청서: the approved 휴가신청서 it cancels (its days come back once approved)
    cancels = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cancellations",
        verbose_name=_("취소할 휴가신청"),
    )
    # 폐기: the register keeps its row; the text and files are destroyed
    disposed_at = models.DateTimeField(_("폐기일시"), null=True, blank=True)
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
                fields=["department", "number_year", "serial"],
                condition=Q(serial__isnull=False),
                name="approval_document_serial_once",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="approval_document_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.title

    @property
    def form_label(self) -> str:
        return self.form_name or form_label(self.form)

    @property
    def is_disposed(self) -> bool:
        return self.disposed_at is not None

    @property
    def is_outgoing(self) -> bool:
        """대외 시행문: sent to named recipients (stamped with the seal), not 내부결재."""
        return self.recipient_kind == RecipientKind.NAMED

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
    SEND = "send", _("발송")
    DISPOSE = "dispose", _("폐기")


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


class DocumentRecipient(models.Model):
    """수신자: an institution of this cloud (delivered through the exchange) or a recipient
    outside it (e-mailed the PDF). Frozen with the document once approved."""

    class Kind(models.TextChoices):
        CLOUD = "cloud", _("클라우드 기관")
        EMAIL = "email", _("외부 (전자우편)")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="recipient_list")
    order = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    institution = models.ForeignKey(
        "tenants.Institution",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    name = models.CharField(_("수신자"), max_length=100)
    department_hint = models.CharField(_("처리과(참조)"), max_length=60, blank=True)
    email = models.EmailField(_("전자우편"), blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="cloud") & Q(institution__isnull=False))
                | (Q(kind="email") & ~Q(email="")),
                name="approval_recipient_kind_target",
            ),
            models.UniqueConstraint(
                fields=["document", "institution"],
                condition=Q(kind="cloud"),
                name="approval_recipient_institution_once",
            ),
            models.UniqueConstraint(
                fields=["document", "email"],
                condition=Q(kind="email"),
                name="approval_recipient_email_once",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """수신 as printed: 한빛시 체육회장(체육진흥팀장)."""
        return f"{self.name}({self.department_hint})" if self.department_hint else self.name
