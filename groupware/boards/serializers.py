"""Shapes of the boards API (boards, posts)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from groupware.api_common import MAX_ID
from groupware.boards.models import Board, Post
from groupware.boards.permissions import can_post
from groupware.org.serializers import UserRefSerializer


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
