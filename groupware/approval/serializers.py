"""API shapes of 전자결재: plain serializers for input and output."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from groupware.approval.models import (
    Attachment,
    Disclosure,
    Document,
    DocumentRecipient,
    Form,
    LeaveKind,
    LeaveRequest,
    PostReport,
    RecipientKind,
    Retention,
    State,
    Step,
    StepRole,
)

MAX_ID = 2**63 - 1
# DRF's own Korean reads "Date의 포멧이 잘못되었습니다"; say it plainly
DATE_ERRORS = {"invalid": _("날짜는 2026-11-25처럼 YYYY-MM-DD 형식으로 입력해 주세요.")}


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = [
            "id",
            "round",
            "order",
            "role",
            "approver",
            "approver_name",
            "approver_position",
            "status",
            "acted_by",
            "acted_by_name",
            "acted_at",
            "opinion",
            "delegated",
            "acting",
            "skip_reason",
        ]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "created_at"]
        read_only_fields = fields


class LeaveSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeaveRequest
        fields = ["kind", "start_date", "end_date", "start_time", "hours", "days", "reason"]
        read_only_fields = fields


class RecipientSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentRecipient
        fields = ["kind", "institution", "name", "department_hint", "email"]
        read_only_fields = fields


class DocumentListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = [
            "id",
            "form",
            "form_name",
            "amount",
            "title",
            "state",
            "number",
            "drafter",
            "drafter_name",
            "department_name",
            "created_at",
            "submitted_at",
            "approved_at",
            "enforced_on",
        ]
        read_only_fields = fields


class DocumentSerializer(DocumentListSerializer):
    steps = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    leave = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    recipient_list = RecipientSerializer(many=True, read_only=True)
    reporter_step = serializers.SerializerMethodField(
        help_text="보고자(⊙)의 결재 단계 id; null이면 기안자가 보고자. 발의자(★)는 기안자"
    )

    class Meta(DocumentListSerializer.Meta):
        fields = DocumentListSerializer.Meta.fields + [
            "body",
            "recipient_kind",
            "recipients",
            "via",
            "retention",
            "disclosure",
            "disclosure_ground",
            "round",
            "version",
            "redrafted_from",
            "cancels",
            "form_fields",
            "form_data",
            "recipient_list",
            "steps",
            "attachments",
            "leave",
            "pdf_url",
            "reporter_step",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_reporter_step(self, obj):
        from groupware.approval.marks import reporter_step

        step = reporter_step(list(obj.current_steps()))
        return step.pk if step else None

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, obj):
        return StepSerializer(obj.current_steps(), many=True).data

    @extend_schema_field(LeaveSerializer(allow_null=True))
    def get_leave(self, obj):
        leave = LeaveRequest.objects.filter(document=obj).first()
        return LeaveSerializer(leave).data if leave else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pdf_url(self, obj):
        if obj.state != State.APPROVED:
            return None
        return f"/api/v1/documents/{obj.pk}/pdf/"


class LineStepInput(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="결재자 (사용자 id)")
    role = serializers.ChoiceField(choices=StepRole.choices, help_text="검토/협조/결재")
    order = serializers.IntegerField(
        min_value=1, max_value=12, required=False, help_text="같은 순서의 협조는 동시에 진행"
    )


class LeaveInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LeaveKind.choices)
    start_date = serializers.DateField(error_messages=DATE_ERRORS)
    end_date = serializers.DateField(required=False, error_messages=DATE_ERRORS)
    start_time = serializers.TimeField(required=False, help_text="시간 단위 연차: 시작 시각")
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, help_text="시간 단위 연차: 시간"
    )
    reason = serializers.CharField(max_length=300)


class RecipientInput(serializers.Serializer):
    institution = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="클라우드 기관 id (수신 기관)"
    )
    department_hint = serializers.CharField(
        max_length=60, allow_blank=True, required=False, default="", help_text="처리과(참조)"
    )
    name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    email = serializers.EmailField(
        required=False, help_text="클라우드 밖 수신자: PDF를 전자우편으로"
    )

    def validate(self, attrs):
        if not attrs.get("institution") and not attrs.get("email"):
            raise serializers.ValidationError(_("수신 기관이나 전자우편 주소를 지정해 주세요."))
        return attrs


class DocumentWriteSerializer(serializers.Serializer):
    form = serializers.CharField(
        max_length=40, default=Form.GENERAL, help_text="양식 코드 (GET /api/v1/forms/)"
    )
    form_data = serializers.DictField(
        required=False,
        default=dict,
        help_text="양식 항목 값 {키: 값}; 표 항목은 [{열 키: 값}] (금액은 원 단위 정수)",
    )
    recipient_list = RecipientInput(
        many=True, required=False, allow_null=True, default=None, max_length=30
    )
    cancels = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="휴가취소신청서: 취소할 휴가신청 문서 id",
    )
    title = serializers.CharField(max_length=200, allow_blank=True)
    body = serializers.CharField(max_length=200_000, allow_blank=True, required=False, default="")
    recipient_kind = serializers.ChoiceField(
        choices=RecipientKind.choices, default=RecipientKind.INTERNAL
    )
    recipients = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    via = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    retention = serializers.ChoiceField(choices=Retention.choices, default=Retention.Y5)
    disclosure = serializers.ChoiceField(choices=Disclosure.choices, default=Disclosure.PUBLIC)
    disclosure_ground = serializers.IntegerField(
        min_value=1, max_value=8, required=False, allow_null=True, default=None
    )
    line = LineStepInput(many=True, max_length=12)
    cc = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=100,
    )
    leave = LeaveInput(required=False, allow_null=True, default=None)


class DocumentUpdateSerializer(DocumentWriteSerializer):
    """PATCH: only the fields sent change."""

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class ApproveInput(serializers.Serializer):
    opinion = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    title = serializers.CharField(max_length=200, required=False, help_text="검토자만: 제목 수정")
    body = serializers.CharField(
        max_length=200_000, required=False, help_text="검토자만: 본문 수정"
    )


class ReturnInput(serializers.Serializer):
    opinion = serializers.CharField(max_length=2000, allow_blank=True, help_text="반려 사유 (필수)")


class RecallInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class HoldInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, allow_blank=True, help_text="보류 사유 (필수)")


class SkipInput(serializers.Serializer):
    step = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="생략할 부재자 검토·협조 단계 id"
    )


class PostReportSerializer(serializers.ModelSerializer):
    """사후보고: a 대결 taken in the user's place, to acknowledge."""

    title = serializers.CharField(source="document.title", read_only=True)
    number = serializers.CharField(source="document.number", read_only=True, allow_null=True)
    state = serializers.CharField(source="document.state", read_only=True)
    deputy_name = serializers.CharField(source="step.acted_by_name", read_only=True)
    acted_at = serializers.DateTimeField(source="step.acted_at", read_only=True)

    class Meta:
        model = PostReport
        fields = [
            "id",
            "document",
            "title",
            "number",
            "state",
            "deputy",
            "deputy_name",
            "acted_at",
            "created_at",
            "acknowledged_at",
        ]
        read_only_fields = fields


class CirculateInput(serializers.Serializer):
    users = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=200,
    )
    departments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=50,
    )


class EmptyInput(serializers.Serializer):
    pass


class LeaveBalanceQuery(serializers.Serializer):
    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="연도 (기본: 올해, 올해 ±1년만)",
        error_messages={
            "invalid": _("연도는 숫자로 입력해 주세요."),
            "min_value": _("올해와 그 전후 한 해의 연차만 볼 수 있습니다."),
            "max_value": _("올해와 그 전후 한 해의 연차만 볼 수 있습니다."),
        },
    )

    def validate_year(self, value):
        from django.utils import timezone

        this_year = timezone.localdate().year
        if not this_year - 1 <= value <= this_year + 1:
            raise serializers.ValidationError(_("올해와 그 전후 한 해의 연차만 볼 수 있습니다."))
        return value


class LeaveBalanceSerializer(serializers.Serializer):
    """남은 연차: 부여 − 사용(결재 완료) = 잔여; 잔여 − 진행 중 신청 = 신청 가능 (반차 0.5일)."""

    year = serializers.IntegerField()
    granted = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)
    used = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)
    pending = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)
    remaining = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)
    available = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)


class FormTemplateSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    builtin = serializers.BooleanField()
    fields = serializers.JSONField(
        help_text="항목 정의 [{key, label, type, required, choices, columns}]"
    )
    amount_field = serializers.CharField(help_text="위임전결 금액 기준 항목 키")
    requires_attachment = serializers.BooleanField(help_text="증빙 첨부 필수")


class LineProposalQuery(serializers.Serializer):
    form = serializers.CharField(max_length=40, required=False, default="general")
    amount = serializers.IntegerField(min_value=0, max_value=10**13, required=False)


class LineProposalSerializer(serializers.Serializer):
    line = LineStepInput(many=True)


class RegisterQuery(serializers.Serializer):
    department = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="부서 id (기본: 내 부서)"
    )
    year = serializers.IntegerField(min_value=1900, max_value=2999, required=False)
    kind = serializers.ChoiceField(choices=["produced", "received"], required=False)


class RegisterEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    year = serializers.IntegerField()
    serial = serializers.IntegerField()
    department = serializers.IntegerField(source="department_id", allow_null=True)
    department_name = serializers.CharField()
    registered_on = serializers.DateField()
    title = serializers.CharField()
    author = serializers.CharField()
    sender = serializers.CharField()
    sender_number = serializers.CharField()
    recipients = serializers.CharField()
    retention = serializers.CharField()
    retention_until = serializers.IntegerField(allow_null=True)
    disclosure = serializers.CharField()
    attachment_count = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id", allow_null=True)
    disposed_at = serializers.DateTimeField(allow_null=True)
