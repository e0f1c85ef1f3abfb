"""The boards API on an institution host: boards and posts (same rights as the pages)."""

from django.db.models import BooleanField, Case, Value, When
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from api.filters import Ordering
from api.filtersets import LIST_FILTERS
from groupware.api_common import WorkspaceAPIView, errors, valid
from groupware.boards import serializers as s
from groupware.boards import services as board_services
from groupware.boards.filters import PostFilterSet
from groupware.boards.models import Post
from groupware.boards.selectors import board_for, post_for, readable_boards


class BoardList(WorkspaceAPIView):
    serializer_class = s.BoardSerializer

    @extend_schema(
        tags=["groupware"],
        summary="읽을 수 있는 게시판",
        responses={200: s.BoardSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request):
        boards = readable_boards(request.user, request.institution).order_by("order", "name", "id")
        return self.paginated(boards, s.BoardSerializer)


class BoardDetail(WorkspaceAPIView):
    serializer_class = s.BoardSerializer

    @extend_schema(
        tags=["groupware"],
        summary="게시판",
        responses={200: s.BoardSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        board = board_for(request.user, request.institution, pk)
        return Response(s.BoardSerializer(board, context=self.get_serializer_context()).data)


POST_ORDERING = Ordering(
    {"created_at": "created_at", "title": "title", "read_count": "read_count"},
    default="고정 글 먼저, 최신 글부터; 정렬을 지정하면 고정 여부와 관계없이 그 순서",
)


class PostList(WorkspaceAPIView):
    serializer_class = s.PostSerializer
    filter_backends = LIST_FILTERS
    filterset_class = PostFilterSet
    ordering_whitelist = POST_ORDERING

    def get_queryset(self):
        """Live posts of the boards the person may read (schema generation: none)."""
        if getattr(self, "swagger_fake_view", False):
            return Post.objects.none()
        return Post.objects.live().filter(
            board__in=readable_boards(self.request.user, getattr(self.request, "institution", None))
        )

    @extend_schema(
        tags=["groupware"],
        summary="게시글 목록 (기본: 고정 글 먼저)",
        parameters=[POST_ORDERING.parameter()],
        responses={200: s.PostSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        posts = (
            self.get_queryset()
            .annotate(
                pinned=Case(
                    When(pinned_until__gt=timezone.now(), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .select_related("author")
        )
        posts = posts.order_by("-pinned", "-created_at", "-id")
        return self.paginated(self.filter_queryset(posts), s.PostSerializer)

    @extend_schema(
        tags=["groupware"],
        summary="글쓰기",
        request=s.PostCreateSerializer,
        responses={201: s.PostSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request):
        data = dict(valid(s.PostCreateSerializer, request))
        board = board_for(request.user, request.institution, data.pop("board"))
        post = board_services.post_create(
            actor=request.user, institution=request.institution, board=board, **data
        )
        return Response(s.PostSerializer(post).data, status=status.HTTP_201_CREATED)


class PostDetail(WorkspaceAPIView):
    serializer_class = s.PostSerializer

    @extend_schema(
        tags=["groupware"],
        summary="게시글 (읽음으로 기록)",
        responses={200: s.PostSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        post = post_for(request.user, request.institution, pk)
        board_services.post_mark_read(actor=request.user, post=post)
        post.refresh_from_db(fields=["read_count"])
        return Response(s.PostSerializer(post).data)

    @extend_schema(
        tags=["groupware"],
        summary="게시글 삭제 (작성자·관리자)",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request, pk: int):
        post = post_for(request.user, request.institution, pk)
        board_services.post_delete(actor=request.user, institution=request.institution, post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)
