"""Shapes of the workspace API (departments, people, boards, posts, events, absences)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from groupware.boards.models import Board, Post
from groupware.models import Absence, Department, StaffProfile
from groupware.schedule.models import Attendee, Event

MAX_ID = 2**62  # ids beyond this are not ours (and would overflow bigint)


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class DepartmentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "kind", "kind_label", "parent", "order", "phone"]
        read_only_fields = fields


class DepartmentCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, help_text="부서명")
    short_name = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Department.Kind.choices, default=Department.Kind.TEAM)
    parent = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    order = serializers.IntegerField(required=False, default=0, min_value=0, max_value=100000)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class DepartmentMoveSerializer(serializers.Serializer):
    parent = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="새 상위 부서 id (null이면 최상위)",
    )


class PersonSerializer(serializers.ModelSerializer):
    user = UserRefSerializer()
    department = serializers.SerializerMethodField()
    position = serializers.CharField(source="position.name", default=None, allow_null=True)
    rank = serializers.CharField(source="rank.name", default=None, allow_null=True)

    class Meta:
        model = StaffProfile
        fields = [
            "user",
            "department",
            "position",
            "rank",
            "extension",
            "duties",
            "is_department_head",
        ]

    def get_department(self, obj) -> dict | None:
        if obj.department is None:
            return None
        return {"id": obj.department_id, "name": obj.department.name}


class BoardSerializer(serializers.ModelSerializer):
    can_post = serializers.SerializerMethodField()

    class Meta:
        model = Board
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "department",
            "read_access",
            "write_access",
            "allow_comments",
            "can_post",
        ]

    def get_can_post(self, obj) -> bool:
        from groupware.boards.access import can_post

        request = self.context["request"]
        return can_post(request.user, request.institution, obj)


class PostSerializer(serializers.ModelSerializer):
    author = UserRefSerializer()
    is_pinned = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "board",
            "title",
            "body",
            "author",
            "is_important",
            "is_public",
            "pinned_until",
            "is_pinned",
            "read_count",
            "created_at",
            "updated_at",
        ]

    def get_is_pinned(self, obj) -> bool:
        return obj.is_pinned()


class PostCreateSerializer(serializers.Serializer):
    board = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    title = serializers.CharField(max_length=200, allow_blank=True, help_text="제목 (필수)")
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=200000)
    is_important = serializers.BooleanField(required=False, default=False)
    is_public = serializers.BooleanField(required=False, default=False)
    pinned_until = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_pinned_until(self, value):
        if value is not None and not (1900 <= value.year <= 2200):
            raise serializers.ValidationError(_("1900년부터 2200년 사이의 일시를 입력해 주세요."))
        return value


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


class AbsenceSerializer(serializers.ModelSerializer):
    user = UserRefSerializer()
    deputy = UserRefSerializer(allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Absence
        fields = ["id", "user", "kind", "kind_label", "starts_at", "ends_at", "deputy", "reason"]


class AbsenceCreateSerializer(serializers.Serializer):
    user = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="생략하면 본인 (다른 사람은 기관 관리자만)",
    )
    kind = serializers.ChoiceField(choices=Absence.Kind.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    deputy = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, data):
        for key in ("starts_at", "ends_at"):
            if not (1900 <= data[key].year <= 2200):
                raise serializers.ValidationError(
                    {key: _("1900년부터 2200년 사이의 일시를 입력해 주세요.")}
                )
        return data
