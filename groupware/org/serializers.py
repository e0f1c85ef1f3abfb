"""Shapes of the org chart API (departments, people, absences)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from groupware.api_common import MAX_ID
from groupware.org.models import Absence, Department, StaffProfile


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
