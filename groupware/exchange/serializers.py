"""API shapes of 문서유통."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from groupware.exchange.models import ReceivedAttachment, ReceivedDocument, ReceivedEvent
from groupware.exchange.relay.models import Envelope

MAX_ID = 2**63 - 1


class ReceivedAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReceivedAttachment
        fields = ["id", "name", "size", "content_type", "sha256"]
        read_only_fields = fields


class ReceivedEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReceivedEvent
        fields = ["action", "actor_name", "note", "created_at"]
        read_only_fields = fields


class ReceivedListSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReceivedDocument
        fields = [
            "id",
            "title",
            "state",
            "sender_name",
            "sender_number",
            "sender_enforced_on",
            "number",
            "department",
            "department_name",
            "assignee",
            "assignee_name",
            "delivered_at",
            "registered_at",
            "distributed_at",
            "returned_at",
        ]
        read_only_fields = fields


class ReceivedSerializer(ReceivedListSerializer):
    attachments = ReceivedAttachmentSerializer(many=True, read_only=True)
    events = ReceivedEventSerializer(many=True, read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta(ReceivedListSerializer.Meta):
        fields = ReceivedListSerializer.Meta.fields + [
            "sender_head_title",
            "sender_department",
            "drafter_name",
            "body",
            "form_name",
            "form_fields",
            "form_data",
            "recipients",
            "retention",
            "disclosure",
            "disclosure_ground",
            "original_pdf_sha256",
            "return_reason",
            "attachments",
            "events",
            "pdf_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_pdf_url(self, obj):
        return reverse("v1:exchange-received-pdf", args=[obj.pk], urlconf="suite.urls_tenant")


class EnvelopeSerializer(serializers.ModelSerializer):
    """The sender's view of one recipient: state and times, nothing of the receiver."""

    class Meta:
        model = Envelope
        fields = [
            "id",
            "channel",
            "recipient_name",
            "email",
            "document_id",
            "document_number",
            "title",
            "state",
            "sent_at",
            "delivered_at",
            "received_at",
            "returned_at",
            "return_reason",
        ]
        read_only_fields = fields


class InstitutionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    head_title = serializers.CharField()


class RegisterInput(serializers.Serializer):
    department = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="처리과 (부서 id)"
    )
    distribute = serializers.BooleanField(required=False, default=False, help_text="접수하며 배부")


class ReceivedReturnInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, help_text="반송 사유 (필수)")


class AssignInput(serializers.Serializer):
    assignee = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="담당자 (사용자 id)"
    )


class ReceivedCirculateInput(serializers.Serializer):
    users = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=200
    )


class EmptyInput(serializers.Serializer):
    pass
