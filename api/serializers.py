"""Shapes of the API's own endpoints (me, tokens) and of the error body."""

import copy

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.models import ApiToken
from tenants.models import Institution


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="오류 종류 (프로그램용, 바뀌지 않음). 예: invalid, not_found"
    )
    message = serializers.CharField(help_text="사람이 읽을 설명 (한국어)")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="입력 필드별 오류 메시지 (400일 때). 중첩 필드는 점으로 잇습니다.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class InstitutionRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="기관 주소 (API는 이 호스트의 /api/v1/)")

    class Meta:
        model = Institution
        fields = ["slug", "name", "short_name", "url"]

    def get_url(self, obj) -> str:
        return obj.absolute_url("/")


class MembershipSerializer(serializers.Serializer):
    institution = InstitutionRefSerializer()
    role = serializers.CharField(help_text="institution_admin, facility_manager 또는 staff")
    role_label = serializers.CharField(source="get_role_display")


class HereSerializer(serializers.Serializer):
    """The institution of the host being called and the caller's role in it."""

    institution = InstitutionRefSerializer()
    role = serializers.CharField(
        allow_null=True, help_text="이 기관에서의 역할. 소속이 없으면(주민) null"
    )


class TokenRefSerializer(serializers.ModelSerializer):
    prefix = serializers.CharField(source="display_prefix")
    institution = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "institution", "expires_at"]


class AuthInfoSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["token", "session"])
    token = TokenRefSerializer(allow_null=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    is_platform_operator = serializers.BooleanField()
    here = HereSerializer(
        allow_null=True,
        help_text="기관 호스트에서 부를 때 그 기관과 내 역할. 플랫폼 주소에서는 null",
    )
    memberships = MembershipSerializer(many=True, help_text="소속 기관과 역할 (활성 소속만)")
    auth = AuthInfoSerializer()


class ApiTokenSerializer(serializers.ModelSerializer):
    prefix = serializers.CharField(
        source="display_prefix", help_text="토큰의 앞부분. 비밀값은 만들 때 한 번만 보입니다."
    )
    institution = InstitutionRefSerializer(
        read_only=True, allow_null=True, help_text="이 기관 호스트에서만 쓰이는 토큰이면 그 기관"
    )
    status = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "institution",
            "status",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["active", "expired", "revoked"]))
    def get_status(self, obj) -> str:
        if obj.is_revoked:
            return "revoked"
        return "expired" if obj.is_expired else "active"


class FlatInputSerializer(serializers.Serializer):
    """A request body of plain fields (no nested serializer) whose fields are copied
    shallowly for each instance instead of DRF's ``deepcopy``, which builds every field
    again from its arguments (a list field's child and a choice field's choices too) —
    0.17 of a refused booking's ~3.5 ms of CPU (issue 18, bench/refused_profile.py).

    Each instance still gets fields of its own to bind (name, parent, label, source are
    set on the copy); what the copies share — validators, error messages, choices — is
    only read while validating. A list field gets its own copy of its child, bound to it.
    """

    def get_fields(self):
        return {name: _flat_copy(field) for name, field in self._declared_fields.items()}


def _flat_copy(field):
    if isinstance(field, serializers.BaseSerializer):
        raise TypeError(f"{field!r}: a nested serializer is not a flat input field")
    new = copy.copy(field)
    child = getattr(field, "child", None)
    if child is not None:
        new.child = _flat_copy(child)
        new.child.parent = new  # as ListField.__init__ binds it (field_name "")
    return new
