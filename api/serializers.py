"""Shapes of the API's own endpoints (me, tokens) and of the error body."""

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
