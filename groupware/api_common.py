"""What the workspace API endpoints share: the base view (members only), response docs,
input validation helpers."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from accounts.access import StaffPermission
from accounts.models import User
from api.serializers import ErrorSerializer
from groupware.org.selectors import member_user_ids

MAX_ID = 2**62  # ids beyond this are not ours (and would overflow bigint)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="입력값 오류 (필드 옆 한국어 메시지)"),
    401: OpenApiResponse(ErrorSerializer, description="로그인 필요"),
    403: OpenApiResponse(ErrorSerializer, description="권한 없음 (권한 없는 구성원)"),
    404: OpenApiResponse(
        ErrorSerializer, description="없거나 다른 기관의 대상 (이 기관 직원이 아니면 404)"
    ),
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}


class WorkspaceAPIView(GenericAPIView):
    """Members of the host's institution: anonymous 401, outsiders 404 (accounts.access)."""

    permission_classes = [StaffPermission]

    def paginated(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


def valid(serializer_class, request, *, query: bool = False):
    """The validated data of the body (or the query string); 400 in the one error shape."""
    serializer = serializer_class(data=request.query_params if query else request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def member_or_error(institution, user_id, field: str):
    """The member with ``user_id`` (None for None), or a 400 on ``field``."""
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, pk__in=member_user_ids(institution)).first()
    if user is None:
        raise serializers.ValidationError({field: _("이 기관의 구성원이 아닙니다.")})
    return user
