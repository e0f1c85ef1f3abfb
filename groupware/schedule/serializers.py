"""Shapes of the calendar API (events, occurrences, invitations)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from groupware.api_common import MAX_ID
from groupware.org.serializers import UserRefSerializer
from groupware.schedule.models import Attendee, Event


class AttendeeSerializer(serializers.ModelSerializer):
    user = UserRefSerializer()

    class Meta:
        model = Attendee
        fields = ["user", "status", "responded_at"]


class EventExceptionSerializer(serializers.Serializer):
    """One occurrence of a repeating event deleted (``cancelled``) or changed."""

    original_start = serializers.DateTimeField(help_text="RECURRENCE-ID: 규칙대로라면 시작할 시각")
    cancelled = serializers.BooleanField(help_text="이 날짜만 삭제됨 (EXDATE)")
    title = serializers.CharField()
    place = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)


class EventSerializer(serializers.ModelSerializer):
    calendar_name = serializers.CharField(source="calendar.name", read_only=True)
    attendees = AttendeeSerializer(many=True, read_only=True)
    rrule = serializers.CharField(read_only=True)
    exceptions = EventExceptionSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "uid",
            "calendar",
            "calendar_name",
            "title",
            "description",
            "place",
            "all_day",
            "starts_at",
            "ends_at",
            "repeat",
            "repeat_until",
            "rrule",
            "exceptions",
            "attendees",
            "created_at",
        ]


class OccurrenceSerializer(serializers.Serializer):
    event = serializers.IntegerField(source="event.pk")
    title = serializers.CharField()
    starts_at = serializers.DateTimeField(source="start")
    ends_at = serializers.DateTimeField(source="end")
    all_day = serializers.BooleanField()


class EventCreateSerializer(serializers.Serializer):
    calendar = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="생략하면 내 개인 캘린더"
    )
    title = serializers.CharField(max_length=200, allow_blank=True)
    all_day = serializers.BooleanField(required=False, default=False)
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20000
    )
    repeat = serializers.ChoiceField(choices=Event.Repeat.choices, required=False, default="")
    repeat_until = serializers.DateField(required=False, allow_null=True, default=None)
    attendees = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=200,
    )

    def validate(self, data):
        for key in ("start_date", "end_date", "repeat_until"):
            value = data.get(key)
            if value is not None and not (1900 <= value.year <= 2200):
                raise serializers.ValidationError(
                    {key: _("1900년부터 2200년 사이의 날짜를 입력해 주세요.")}
                )
        for key in ("starts_at", "ends_at"):
            value = data.get(key)
            if value is not None and not (1900 <= value.year <= 2200):
                raise serializers.ValidationError(
                    {key: _("1900년부터 2200년 사이의 일시를 입력해 주세요.")}
                )
        return data


class OccurrenceChangeSerializer(serializers.Serializer):
    original_start = serializers.DateTimeField(
        help_text="바꾸거나 지울 날짜의 원래 시작 시각 (RECURRENCE-ID, exceptions[].original_start)"
    )
    cancelled = serializers.BooleanField(
        required=False, default=False, help_text="true면 이 날짜만 삭제 (EXDATE)"
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    start_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="종일 반복 일정이면 날짜로"
    )
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class RespondSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=[("accepted", "참석"), ("declined", "불참")])
